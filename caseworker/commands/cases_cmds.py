"""`caseworker cases list` (and `cases show`): the caseload from the command line."""

from __future__ import annotations

import argparse

from caseworker import i18n
from caseworker.commands.common import add_user_arg, open_store, print_json
from caseworker.domain import reference, stages
from caseworker.errors import KnownError
from caseworker.numbers import format_count
from caseworker.store import queries
from caseworker.store.cases import mask_id

i18n.register(
    {
        "unknown_stage": (
            "Tahap tidak dikenal: {stage}. Pilihan: {choices}.",
            "Unknown stage: {stage}. Choices: {choices}.",
        ),
        "cases_none": ("Tidak ada kasus yang cocok.", "No matching cases."),
        "cases_count": ("{n} kasus.", "{n} cases."),
        "case_unknown": ("Kasus {ref} tidak ditemukan.", "Case {ref} was not found."),
    }
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cases", help="list and show cases")
    csub = p.add_subparsers(dest="cases_command", required=True)
    lst = csub.add_parser("list", help="list cases")
    add_user_arg(lst)
    lst.add_argument("--search", default="", help="name, NIK, KK, case number or a word from the notes")
    lst.add_argument("--stage", help="stage code, e.g. asesmen")
    lst.add_argument("--status", choices=("open", "closed", "all"), default="all")
    lst.add_argument("--mine", action="store_true", help="only cases assigned to me")
    lst.add_argument("--limit", type=int, default=0, help="at most this many (0 = all)")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_list)
    show = csub.add_parser("show", help="one case in full (JSON)")
    add_user_arg(show)
    show.add_argument("case", help="case number or id")
    show.set_defaults(func=cmd_show)


def _check_stage(stage: str | None) -> None:
    if stage and not stages.is_stage(stage):
        raise KnownError("unknown_stage", stage=stage, choices=", ".join(stages.STAGES))


def cmd_list(args: argparse.Namespace) -> int:
    _check_stage(args.stage)
    store = open_store(args)
    try:
        f = queries.CaseFilter(
            text=args.search,
            stage=args.stage,
            status=None if args.status == "all" else args.status,
            assigned_to=store.user.username if args.mine else None,
        )
        ids = queries.case_ids(store, f)
        if args.limit:
            ids = ids[: args.limit]
        rows = queries.case_rows(store, ids)
        ordered = [rows[i] for i in ids]
    finally:
        store.close()
    if args.json:
        print_json(
            [
                {
                    "id": r["case_id"],
                    "case_number": r["case_number"],
                    "name": r["name"],
                    "nik": mask_id(r["nik"]),
                    "birth_date": r["birth_date"],
                    "sex": r["sex"],
                    "category": r["category_code"],
                    "stage": r["stage"],
                    "status": r["status"],
                    "assigned_to": r["assigned_to"],
                    "next_due": r["next_due"],
                    "last_update": r["last_update"],
                }
                for r in ordered
            ]
        )
        return 0
    if not ordered:
        print(i18n.text("cases_none"))
        return 0
    for r in ordered:
        age = queries.age_years(r["birth_date"])
        print(
            f"{r['case_number']:<16} {(r['name'] or '')[:28]:<28} {'' if age is None else age:>3} "
            f"{stages.stage_name(r['stage']):<22} {(reference.category_name(r['category_code']) or '')[:30]:<30} "
            f"{r['assigned_to'] or ''}"
        )
    print(i18n.text("cases_count", n=format_count(len(ordered))))  # 1.000 kasus / 1,000 cases
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store = open_store(args)
    try:
        case = queries.find_case(store, args.case)
        if case is None:
            raise KnownError("case_unknown", ref=args.case)
        full = queries.case_full(store, case["id"])
        full["person"]["nik"] = mask_id(full["person"].get("nik"))
        full["person"]["no_kk"] = mask_id(full["person"].get("no_kk"))
    finally:
        store.close()
    print_json(full)
    return 0
