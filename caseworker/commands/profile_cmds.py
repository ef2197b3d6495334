"""`caseworker init`, `user add`, `backup` and `restore`."""

from __future__ import annotations

import argparse

from caseworker import i18n
from caseworker.commands.common import add_user_arg, open_store, password, profile_dir
from caseworker.store import backup
from caseworker.store.profile import add_user, create_profile

i18n.register(
    {
        "init_done": (
            "Profil dibuat di {path} untuk unit {facility}; pengguna {user} (supervisor: mengelola profil ini). "
            "Login pekerja: caseworker user add NAMA --role worker.",
            "Profile created at {path} for facility {facility}; user {user} (supervisor: manages this profile). "
            "Workers' logins: caseworker user add NAME --role worker.",
        ),
        "user_added": ("Pengguna {user} ({role}) ditambahkan.", "User {user} ({role}) added."),
        "backup_done": (
            "Cadangan terenkripsi ditulis ke {path} ({size} KB).",
            "Encrypted backup written to {path} ({size} KB).",
        ),
        "restore_done": (
            "Profil dipulihkan dari {path}; profil lama disimpan di {old}.",
            "Profile restored from {path}; the previous profile is kept at {old}.",
        ),
    }
)


def register(sub: argparse._SubParsersAction) -> None:
    # The first login of a standalone profile is its supervisor: only a supervisor adds logins and approves
    # assessments, plans and closures, so a profile whose one login were a worker could never close a case.
    # Workers get theirs from it (`user add NAME --role worker`) or from the server (`sync --server`).
    p = sub.add_parser(
        "init",
        help="create a new standalone profile; its first user is the supervisor who manages it",
    )
    p.add_argument("--user", required=True, help="the first login: the profile's supervisor")
    p.add_argument("--facility", required=True, help="facility code, e.g. SDA")
    p.add_argument("--facility-name", default="")
    p.add_argument("--full-name", default="")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("user", help="manage the logins of this profile")
    usub = p.add_subparsers(dest="user_command", required=True)
    a = usub.add_parser("add", help="add a login for another worker of the facility")
    add_user_arg(a)
    a.add_argument("name")
    a.add_argument("--role", choices=("worker", "supervisor", "staff"), default="worker")
    a.add_argument("--full-name", default="")
    a.set_defaults(func=cmd_user_add)

    p = sub.add_parser("backup", help="write an encrypted backup of the profile")
    add_user_arg(p)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup after verifying it")
    add_user_arg(p)
    p.add_argument("file")
    p.set_defaults(func=cmd_restore)


def cmd_init(args: argparse.Namespace) -> int:
    folder = profile_dir(args)
    store = create_profile(
        folder,
        username=args.user,
        password=password(),
        facility_code=args.facility,
        facility_name=args.facility_name,
        full_name=args.full_name,
        role="supervisor",
    )
    print(i18n.text("init_done", path=folder, facility=store.user.facility_code, user=args.user))
    store.close()
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    import os

    store = open_store(args)
    new_password = os.environ.get("CASEWORKER_NEW_PASSWORD") or password(
        "Kata sandi pengguna baru / New user's password: "
    )
    add_user(store, args.name, new_password, args.role, args.full_name)
    print(i18n.text("user_added", user=args.name, role=args.role))
    store.close()
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        out = backup.write_backup(store, args.out)
    finally:
        store.close()
    print(i18n.text("backup_done", path=out, size=max(1, out.stat().st_size // 1024)))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    folder = profile_dir(args)
    user = args.user
    old = backup.restore_backup(args.file, folder, user, password())
    print(i18n.text("restore_done", path=args.file, old=old))
    return 0
