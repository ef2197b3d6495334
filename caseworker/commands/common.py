"""What every command that opens a store needs: the profile folder, the user and the password."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from caseworker import i18n, paths
from caseworker.errors import KnownError
from caseworker.security.keyslots import SlotFile
from caseworker.store.profile import SLOTS_FILE, open_profile, read_only_notice, read_profile
from caseworker.store.store import Store

i18n.register(
    {
        "need_user": (
            "Sebutkan pengguna dengan --user (pengguna profil ini: {users}).",
            "Name the user with --user (this profile's users: {users}).",
        ),
        "no_password": (
            "Kata sandi diperlukan: isi CASEWORKER_PASSWORD atau jalankan di terminal.",
            "A password is needed: set CASEWORKER_PASSWORD or run it in a terminal.",
        ),
    }
)


def profile_dir(args: argparse.Namespace) -> Path:
    return Path(args.profile).expanduser() if getattr(args, "profile", None) else paths.default_profile_dir()


def add_user_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", help="user name (password from CASEWORKER_PASSWORD or a prompt)")


def password(prompt: str = "Kata sandi / Password: ") -> str:
    env = os.environ.get("CASEWORKER_PASSWORD")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise KnownError("no_password")
    return getpass.getpass(prompt)


def open_store(args: argparse.Namespace) -> Store:
    folder = profile_dir(args)
    read_profile(folder)  # clear "no profile" error before asking for a password
    user = getattr(args, "user", None)
    if not user:
        users = sorted(SlotFile(folder / SLOTS_FILE).load())
        if len(users) != 1:
            raise KnownError("need_user", users=", ".join(users))
        user = users[0]
    store = open_profile(folder, user, password())
    notice = read_only_notice(store)  # a read-only folder or a full disk: opened for reading only
    if notice:
        print(f"caseworker: {notice}", file=sys.stderr)
    return store


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
