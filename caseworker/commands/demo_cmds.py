"""`caseworker demo-data`: make or extend a demo profile with realistic cases (accounts use `demo-demo`)."""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path

from caseworker import i18n, paths
from caseworker.errors import KnownError

i18n.register(
    {
        "demo_not_demo_profile": (
            "{path} bukan profil demo: demo-data tidak mencampur data contoh ke profil unit. "
            "Pakai folder lain, mis. --profile ~/cw-demo.",
            "{path} is not a demo profile: demo-data does not mix made-up cases into a unit's profile. "
            "Use another folder, e.g. --profile ~/cw-demo.",
        ),
    }
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo-data",
        help="create or extend a demo profile with realistic cases (password demo-demo)",
        description="Folder: --profile, else CASEWORKER_PROFILE, else the demo profile folder. "
        "The same --seed and --today give the same names, dates and numbers.",
    )
    p.add_argument("--cases", type=_count, required=True, help="how many cases to add")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--today", type=date.fromisoformat, default=None,
                   help="the date the data is made relative to (YYYY-MM-DD; default: today)")  # fmt: skip
    p.set_defaults(func=cmd_demo_data)


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def demo_folder(args: argparse.Namespace) -> Path:
    if getattr(args, "profile", None):
        return Path(args.profile).expanduser()
    env = os.environ.get("CASEWORKER_PROFILE")
    return Path(env).expanduser() if env else paths.demo_profile_dir()


def _refuse_a_unit_profile(folder: Path) -> None:
    """Made-up people (with NIK numbers) must never land among a unit's real clients, nor sync to its
    server: only a new folder or a demo profile (standalone, with the demo's `supervisor`) is filled."""
    from caseworker.security.keyslots import SlotFile
    from caseworker.store.profile import SLOTS_FILE, is_profile, read_profile

    if not is_profile(folder):
        return
    standalone = read_profile(folder).get("mode") != "server"
    if not (standalone and "supervisor" in SlotFile(folder / SLOTS_FILE).load()):
        raise KnownError("demo_not_demo_profile", path=str(folder))


def cmd_demo_data(args: argparse.Namespace) -> int:
    from caseworker.demo.loader import fill_demo_profile

    folder = demo_folder(args)
    _refuse_a_unit_profile(folder)
    result = fill_demo_profile(folder, args.cases, args.seed, today=args.today)
    print(result.summary())
    return 0
