"""`caseworker import` and `caseworker export`: spreadsheets in and out.

Import exit status: 0 every row imported, 3 some rows rejected (the others are imported), 2 the file
cannot be read (nothing imported).
"""

from __future__ import annotations

import argparse
import sys

from caseworker import i18n
from caseworker.commands.common import add_user_arg, open_store
from caseworker.domain import stages
from caseworker.errors import KnownError
from caseworker.store import queries
from caseworker.transfer import FORMATS, RowResult, export_cases, import_file, write_template


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import persons and cases from a CSV or XLSX file")
    add_user_arg(p)
    p.add_argument(
        "file", help="CSV (UTF-8 or Windows-1252, ',' or ';') or XLSX; with --template: the file to write"
    )
    p.add_argument("--dry-run", action="store_true", help="check every row without saving anything")
    p.add_argument("--template", action="store_true", help="write an empty template (.csv or .xlsx) to FILE")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="export cases to JSON, CSV or XLSX")
    add_user_arg(p)
    p.add_argument("--format", choices=FORMATS, required=True)
    p.add_argument("--out", required=True, help="the file to write")
    p.add_argument("--redact", action="store_true", help="mask NIK/KK and leave out confidential notes")
    p.add_argument("--stage", help="only cases at this stage, e.g. asesmen")
    p.add_argument("--search", default="", help="only cases matching this text (name, NIK, case number...)")
    p.set_defaults(func=cmd_export)


def _print_row(result: RowResult) -> None:
    for reason in result.reasons:
        print(i18n.text("transfer.row", line=result.line, reason=reason))
    for note in result.notes:
        print(i18n.text("transfer.row", line=result.line, reason=note))
    for warning in result.warnings:
        print(i18n.text("transfer.warning", line=result.line, reason=warning))
    sys.stdout.flush()


def cmd_import(args: argparse.Namespace) -> int:
    if args.template:
        path = write_template(args.file)
        print(i18n.text("transfer.template_done", path=path))
        return 0
    store = open_store(args)
    try:
        report = import_file(store, args.file, dry_run=args.dry_run, progress=_print_row)
    finally:
        store.close()
    for notice in report.notices:
        print(notice)
    print(report.summary())
    if report.dry_run:
        print(i18n.text("transfer.dry_run"))
    return report.exit_code


def cmd_export(args: argparse.Namespace) -> int:
    if args.stage and not stages.is_stage(args.stage):
        raise KnownError("transfer.unknown_stage", stage=args.stage, choices=", ".join(stages.STAGES))
    store = open_store(args)
    try:
        f = queries.CaseFilter(text=args.search, stage=args.stage, status=None)
        count = export_cases(store, args.out, args.format, redact=args.redact, case_filter=f)
    finally:
        store.close()
    redacted = i18n.text("transfer.export_redacted") if args.redact else ""
    print(i18n.text("transfer.export_done", count=count, path=args.out, redacted=redacted))
    return 0
