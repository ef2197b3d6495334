"""The `caseworker` command. Exit status: 0 success, 2 usage or input errors, 1 other failures.

Each command group lives in caseworker/commands/ and registers its own subcommands; errors are one clear
line on stderr in the user's language.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from caseworker import __version__, i18n
from caseworker.errors import KnownError
from caseworker.private_files import private_umask

COMMAND_MODULES = (
    "caseworker.commands.profile_cmds",
    "caseworker.commands.cases_cmds",
    "caseworker.commands.transfer_cmds",
    "caseworker.growth.command",
    "caseworker.commands.report_cmds",
    "caseworker.commands.sync_cmds",
    "caseworker.commands.refused_cmds",
    "caseworker.commands.quarantine_cmds",
    "caseworker.commands.demo_cmds",
)


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="caseworker",
        description="Caseworker: manajemen kasus pekerja sosial / case management for social workers",
    )
    parser.add_argument("--version", action="version", version=f"caseworker {__version__}")
    parser.add_argument(
        "--profile", help="profile folder (default: CASEWORKER_PROFILE or the user data folder)"
    )
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help="language of messages: id (default) or en")
    parser.add_argument("--demo", action="store_true", help="open the app on the demo profile")
    parser.add_argument("--self-test", action="store_true", help="check that this installation works")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):  # a command group not built yet
                continue
            raise
        module.register(sub)
    return parser


AppRunner = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None, app_runner: AppRunner | None = None) -> int:
    """The command line. `app_runner` opens the desktop app when no command is given: the launcher in
    ui/ passes it, so the core itself never imports the UI."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.lang:
        i18n.set_language(args.lang)
    try:
        # Backstop for files a library makes on its own (SQLite's -wal/-shm, temporary files): private.
        with private_umask():
            if args.command is None or args.self_test:
                if app_runner is None:
                    print(
                        "caseworker: aplikasi desktop tidak tersedia / the desktop app is not available",
                        file=sys.stderr,
                    )
                    return 1
                return app_runner(args)
            return int(args.func(args) or 0)
    except KnownError as exc:
        print(f"caseworker: {exc.text()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("caseworker: dibatalkan / cancelled", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
