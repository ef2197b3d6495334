"""`caseworker quarantine list`: rows the server sent that this laptop could not store, set aside with the
reason (the command-line twin of the "Disisihkan" cards under Konflik). They are fixed on the server; the
corrected version replaces them with the next sync."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from caseworker import i18n
from caseworker.commands.common import add_user_arg, print_json
from caseworker.commands.sync_cmds import _open
from caseworker.sync import quarantine

i18n.register(
    {
        "quarantine_none": (
            "Tidak ada data dari server yang disisihkan.",
            "No data from the server was set aside.",
        ),
        "quarantine_line": (
            "{table} {row}  {label}  (seq {seq}): {reason}",
            "{table} {row}  {label}  (seq {seq}): {reason}",
        ),
    }
)


def register(sub: argparse._SubParsersAction) -> None:
    q = sub.add_parser("quarantine", help="rows from the server this laptop could not store (set aside)")
    qsub = q.add_subparsers(dest="quarantine_command", required=True)
    ls = qsub.add_parser("list", help="the rows set aside, with the reason")
    add_user_arg(ls)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)


def cmd_list(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        items = quarantine.quarantined(store)
    finally:
        store.close()
    if args.json:
        print_json([{**asdict(q), "label": q.label(), "reason_text": q.reason_text()} for q in items])
        return 0
    if not items:
        print(i18n.text("quarantine_none"))
        return 0
    print(i18n.text("quarantine_help"))
    for q in items:
        print(i18n.text("quarantine_line", table=q.table, row=q.row_id, label=q.label(), seq=q.seq or "—",
                        reason=q.reason_text()))  # fmt: skip
    return 0
