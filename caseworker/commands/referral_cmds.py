"""`caseworker referrals directory|list|send|accept|decline|letter` (issue 19): the command-line twin of the
referral dialog and the 'Rujukan masuk' page, with the same rules (caseworker.store.referrals)."""

from __future__ import annotations

import argparse
from pathlib import Path

from caseworker import i18n
from caseworker.commands.common import add_user_arg, open_store, print_json
from caseworker.errors import KnownError
from caseworker.store import referrals
from caseworker.store.store import Store

i18n.register(
    {
        "referrals_no_case": ("Kasus {number} tidak ditemukan.", "Case {number} not found."),
        "referrals_none": ("Tidak ada rujukan.", "No referrals."),
        "referrals_directory_empty": (
            "Direktori unit kosong: sinkronkan dulu (caseworker sync).",
            "The facility directory is empty: sync first (caseworker sync).",
        ),
        "referrals_sent": (
            "Rujukan {id} ke {to} dicatat; dikirim pada sinkronisasi berikutnya.",
            "Referral {id} to {to} recorded; it goes with the next sync.",
        ),
        "referrals_letter": ("Surat rujukan ditulis: {path}", "Referral letter written: {path}"),
        "referrals_accepted": (
            "Rujukan {id} diterima; kasusnya dibuka di unit ini setelah sinkronisasi berikutnya.",
            "Referral {id} accepted; its case opens here after the next sync.",
        ),
        "referrals_declined": ("Rujukan {id} ditolak.", "Referral {id} declined."),
        "referrals_withdrawn": (
            "Rujukan {id} ditarik; unit tujuan tidak lagi melihatnya setelah sinkronisasi.",
            "Referral {id} withdrawn; the receiving unit no longer sees it after the sync.",
        ),
        "referrals_outside": ("di luar Caseworker", "not on Caseworker"),
    }
)


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser(
        "referrals", help="referrals to other facilities: directory, list, send, accept, decline"
    )
    rsub = r.add_subparsers(dest="referrals_command", required=True)

    d = rsub.add_parser("directory", help="the facility directory received with the sync")
    d.add_argument("--case", help="filter by this case's needs and region (a case number)")
    d.add_argument("--needs", help="PPKS category or ATENSI codes, comma-separated")
    d.add_argument("--region", help="the client's region code: same kabupaten/kota first")
    d.add_argument("--search", help="part of a facility's name or code")
    d.set_defaults(func=cmd_directory)

    ls = rsub.add_parser("list", help="this facility's referrals (sent), or --incoming")
    ls.add_argument("--case", help="only this case's (a case number)")
    ls.add_argument("--incoming", action="store_true", help="the referrals sent to this facility")
    ls.set_defaults(func=cmd_list)

    s = rsub.add_parser("send", help="refer a case to a facility of the directory or another agency")
    s.add_argument("case", help="the case number")
    s.add_argument("--to", help="the receiving facility's code (see `referrals directory`)")
    s.add_argument("--agency", help="an agency outside the directory (a letter is printed)")
    s.add_argument("--reason", required=True, help="why the client is referred")
    s.add_argument(
        "--share-identity", action="store_true", help="share the identity (never for ABH children)"
    )
    s.add_argument("--sections", default="", help="shared sections, comma-separated: " + ",".join(
        referrals.REFERRAL_SECTIONS))  # fmt: skip
    s.add_argument("--consent-by", help="who consented (name and relation)")
    s.add_argument("--basis", choices=referrals.CONSENT_BASES, help="the legal basis of the consent")
    s.add_argument("--letter", help="also write the referral letter (PDF) here")
    s.add_argument("--transfer", action="store_true",
                   help="transfer: the case itself moves once accepted (supervisors; everything is shared)")  # fmt: skip
    s.set_defaults(func=cmd_send)

    a = rsub.add_parser("accept", help="accept an incoming referral (supervisors)")
    a.add_argument("id", help="the id shown by `referrals list --incoming`")
    a.set_defaults(func=cmd_accept)
    n = rsub.add_parser("decline", help="decline an incoming referral, saying why (supervisors)")
    n.add_argument("id", help="the id shown by `referrals list --incoming`")
    n.add_argument("--reason", required=True, help="why it is declined (the sender sees it)")
    n.set_defaults(func=cmd_decline)

    w = rsub.add_parser("withdraw", help="withdraw a referral not answered yet")
    w.add_argument("id", help="the id shown by `referrals list`")
    w.set_defaults(func=cmd_withdraw)

    letter = rsub.add_parser("letter", help="write a referral's letter (PDF)")
    letter.add_argument("id", help="the id shown by `referrals list`")
    letter.add_argument("--out", required=True, help="the PDF file to write")
    letter.set_defaults(func=cmd_letter)

    for p in (d, ls, s, a, n, w, letter):
        add_user_arg(p)
        p.add_argument("--json", action="store_true", help="machine-readable output")


def _case_id(store: Store, number: str) -> str:
    found = store.one("SELECT id FROM cases WHERE case_number = ?", [number])
    if found is None:
        raise KnownError("referrals_no_case", number=number)
    return found["id"]


def _codes(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def cmd_directory(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        filters = {"text": args.search}
        if args.needs is not None:
            filters["needs"] = _codes(args.needs)
        if args.region:
            filters["region"] = args.region
        if args.case:
            found = referrals.directory_for_case(store, _case_id(store, args.case), **filters)
        else:
            found = referrals.directory(store, **filters)
    finally:
        store.close()
    if args.json:
        print_json(found)
        return 0
    if not found:
        print(i18n.text("referrals_directory_empty"))
    for f in found:
        outside = "" if f["on_caseworker"] else f"  ({i18n.text('referrals_outside')})"
        print(f"{f['code']}\t{f['name']}\t{f.get('kind') or ''}\t{f.get('region_code') or ''}\t"
              f"{','.join(f['services'])}\t{f.get('contact') or ''}{outside}")  # fmt: skip
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        if args.incoming:
            rows = referrals.incoming(store)
        elif args.case:
            rows = referrals.of_case(store, _case_id(store, args.case))
        else:
            rows = store.query(
                "SELECT r.*, c.case_number FROM referrals r JOIN cases c ON c.id = r.case_id WHERE r.deleted = 0"
                " ORDER BY r.referred_at DESC, r.id"
            )
    finally:
        store.close()
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print(i18n.text("referrals_none"))
    for row in rows:
        if args.incoming:
            who = referrals.preview_label(row) if row.get("preview") else "-"
            print(f"{row['id']}\t{row['referred_at'] or ''}\t{row['from_facility']} {row.get('from_case_number') or ''}"
                  f"\t{who}\t{row['status']}\t{row.get('accepted_case_number') or row.get('decision_reason') or ''}")  # fmt: skip
        else:
            print(f"{row['id']}\t{row['referred_at'] or ''}\t{row.get('to_facility') or row.get('to_agency') or ''}"
                  f"\t{row['status']}\t{row.get('decided_at') or ''}\t"
                  f"{row.get('received_case_number') or row.get('decision_reason') or ''}")  # fmt: skip
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        rid = referrals.send(
            store, _case_id(store, args.case), reason=args.reason, to_facility=args.to, to_agency=args.agency,
            share_identity=args.share_identity, sections=_codes(args.sections), consent_by=args.consent_by,
            consent_basis=args.basis, transfer=args.transfer,
        )  # fmt: skip
        letter = None
        if args.letter:
            from caseworker.reports.referral_letter import render_referral_letter

            letter = str(render_referral_letter(store, rid, Path(args.letter), lang=i18n.language()))
    finally:
        store.close()
    if args.json:
        print_json({"id": rid, "letter": letter})
        return 0
    print(i18n.text("referrals_sent", id=rid, to=args.to or args.agency))
    if letter:
        print(i18n.text("referrals_letter", path=letter))
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        referrals.accept(store, args.id)
    finally:
        store.close()
    if args.json:
        print_json({"id": args.id, "status": "accepted"})
    else:
        print(i18n.text("referrals_accepted", id=args.id))
    return 0


def cmd_decline(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        referrals.decline(store, args.id, args.reason)
    finally:
        store.close()
    if args.json:
        print_json({"id": args.id, "status": "declined"})
    else:
        print(i18n.text("referrals_declined", id=args.id))
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        referrals.withdraw(store, args.id)
    finally:
        store.close()
    if args.json:
        print_json({"id": args.id, "status": "withdrawn"})
    else:
        print(i18n.text("referrals_withdrawn", id=args.id))
    return 0


def cmd_letter(args: argparse.Namespace) -> int:
    from caseworker.reports.referral_letter import render_referral_letter

    store = open_store(args)
    try:
        path = render_referral_letter(store, args.id, Path(args.out), lang=i18n.language())
    finally:
        store.close()
    if args.json:
        print_json({"id": args.id, "letter": str(path)})
    else:
        print(i18n.text("referrals_letter", path=str(path)))
    return 0
