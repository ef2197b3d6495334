"""The `caseworker` command. Exit status: 0 success, 2 usage or input errors, 1 other failures.

Each command group lives in caseworker/commands/ and registers its own subcommands; errors are one clear
line on stderr in the user's language.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence

from caseworker import __version__, cli_help, i18n
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
    "caseworker.commands.referral_cmds",
    "caseworker.commands.quarantine_cmds",
    "caseworker.commands.demo_cmds",
    "caseworker.commands.forms_cmds",
)


def _help(english: str) -> str:
    """A help text in the current language (caseworker/cli_help.py); English when it has no entry."""
    return i18n.text(f"help:{english}") if f"help:{english}" in i18n.MESSAGES else english


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help with every help text, description and section title in the user's language."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return _help(action.help) if action.help else action.help

    def _format_text(self, text: str) -> str:
        return super()._format_text(_help(text))

    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # noqa: ANN001
        super().add_usage(usage, actions, groups, _help("usage: ") if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        super().start_section(_help(heading) if heading else heading)


class ArgumentParser(argparse.ArgumentParser):
    """Every caseworker parser and subparser (add_parser makes this class too): translated help, and
    argparse's error messages in the user's language."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        if i18n.language() == "id":
            for pattern, indonesian in cli_help.ERROR_PATTERNS:
                if re.fullmatch(pattern, message, flags=re.S):
                    message = re.sub(pattern, indonesian, message, flags=re.S)
                    break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {i18n.text('cli.error', message=message)}\n")


i18n.register({"cli.error": ("kesalahan: {message}", "error: {message}")})


def _language_from(argv: Sequence[str]) -> str | None:
    """The top-level `--lang`, read before the parser is built so that `--lang en --help` is English.
    Only options before the command count: `report case --lang en` is the PDF's language."""
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1] if args[i + 1] in i18n.LANGUAGES else None
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            return value if value in i18n.LANGUAGES else None
        if arg == "--profile":
            i += 1  # its value
        elif not arg.startswith("-") or arg == "--":
            break  # the command: what follows is its own
        i += 1
    return None


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = ArgumentParser(prog="caseworker", description="Caseworker: case management for social workers")
    parser.add_argument(
        "--version",
        action="version",
        version=f"caseworker {__version__}",
        help="show program's version number and exit",
    )
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
    early = _language_from(sys.argv[1:] if argv is None else list(argv))
    if early:
        i18n.set_language(early)
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
