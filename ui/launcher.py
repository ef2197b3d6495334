"""The `caseworker` entry point: the command line, and the desktop app when no command is given.

Lives in ui/ so that the Qt-free core never imports the UI; Qt is imported only when the app opens.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from collections.abc import Sequence


def open_app(args: argparse.Namespace) -> int:
    if args.profile:
        os.environ["CASEWORKER_PROFILE"] = args.profile
    if args.self_test:
        from ui.selftest import run_self_test

        return run_self_test()
    from ui.app import run_app

    return run_app(demo=args.demo, profile=args.profile, lang=args.lang)


def main(argv: Sequence[str] | None = None) -> int:
    from caseworker.cli import main as cli_main

    return cli_main(argv, app_runner=open_app)


if __name__ == "__main__":
    # A frozen build runs this file for child processes too (demo-data makes its cases in one).
    multiprocessing.freeze_support()
    sys.exit(main())
