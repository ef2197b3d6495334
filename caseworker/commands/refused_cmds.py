"""`caseworker refused list|resend|discard`: the changes the server refused, for their author to decide on
(the command-line twin of the "Ditolak server" cards under Konflik)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import asdict

from caseworker import i18n
from caseworker.commands.common import add_user_arg, print_json
from caseworker.commands.sync_cmds import _open
from caseworker.store.store import Store
from caseworker.sync import rejections

i18n.register(
    {
        "refused_none": ("Tidak ada perubahan yang ditolak server.", "No change was refused by the server."),
        "refused_line": (
            "{id}  {table} {op}  {case}  {reason}",
            "{id}  {table} {op}  {case}  {reason}",
        ),
        "refused_resent": (
            "Perubahan {id} akan dikirim pada sinkronisasi berikutnya.",
            "Change {id} will be sent with the next sync.",
        ),
        "refused_discarded": ("Perubahan {id} dibuang.", "Change {id} discarded."),
    }
)


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("refused", help="changes the server refused: list, send again or discard")
    rsub = r.add_subparsers(dest="refused_command", required=True)
    ls = rsub.add_parser("list", help="refused changes, oldest first")
    add_user_arg(ls)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)
    for name, func, text in (("resend", cmd_resend, "send one again (checked against today's permissions)"),
                             ("discard", cmd_discard, "accept the refusal (a refused new record leaves the laptop)")):  # fmt: skip
        p = rsub.add_parser(name, help=text)
        add_user_arg(p)
        p.add_argument("id", help="the id shown by `refused list`")
        p.set_defaults(func=func)


def cmd_list(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        items = rejections.rejections(store)
        cases = {
            r.case_id: (store.one("SELECT case_number FROM cases WHERE id = ?", [r.case_id]) or {}).get(
                "case_number"
            )
            for r in items
            if r.case_id
        }
    finally:
        store.close()
    if args.json:
        print_json(
            [
                {**asdict(r), "reason_text": r.reason_text(), "case_number": cases.get(r.case_id)}
                for r in items
            ]
        )
        return 0
    if not items:
        print(i18n.text("refused_none"))
    for r in items:
        print(i18n.text("refused_line", id=r.mutation_id, table=r.table, op=r.op,
                        case=cases.get(r.case_id) or "—", reason=r.reason_text()))  # fmt: skip
    return 0


def _decide(args: argparse.Namespace, decide: Callable[[Store, str], None], done_key: str) -> int:
    store = _open(args)
    try:
        decide(store, args.id)
    finally:
        store.close()
    print(i18n.text(done_key, id=args.id))
    return 0


def cmd_resend(args: argparse.Namespace) -> int:
    return _decide(args, rejections.resend, "refused_resent")


def cmd_discard(args: argparse.Namespace) -> int:
    return _decide(args, rejections.discard, "refused_discarded")
