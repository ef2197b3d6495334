"""`caseworker demo-data`: make or extend a demo profile with realistic cases (accounts use `demo-demo`)."""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path

from caseworker import paths


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


def cmd_demo_data(args: argparse.Namespace) -> int:
    from caseworker.demo.loader import fill_demo_profile

    result = fill_demo_profile(demo_folder(args), args.cases, args.seed, today=args.today)
    print(result.summary())
    return 0
