"""`caseworker report case|caseload|cases`: PDF case summaries and the caseload report.

Every print is written to the audit log by caseworker.reports. `--lang` here is the language of the
PDF (default: the language of messages, Indonesian unless `caseworker --lang en` or CASEWORKER_LANG).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from caseworker import i18n
from caseworker.commands.common import add_user_arg, open_store
from caseworker.domain import stages
from caseworker.domain.validation import parse_date
from caseworker.errors import KnownError
from caseworker.store import queries

i18n.register(
    {
        "report.cli.case_unknown": ("Kasus {ref} tidak ditemukan.", "Case {ref} was not found."),
        "report.cli.bad_date": ("{option}: {problem}", "{option}: {problem}"),
        "report.cli.bad_period": (
            "Tanggal awal {start} sesudah tanggal akhir {end}.",
            "The start date {start} is after the end date {end}.",
        ),
        "report.cli.written": ("PDF ditulis ke {path}.", "PDF written to {path}."),
        "report.cli.batch_none": (
            "Tidak ada kasus aktif pada tahap {stage}.",
            "No open cases at the {stage} stage.",
        ),
        "report.cli.batch_done": ("{n} PDF ditulis ke {path}.", "{n} PDFs written to {path}."),
    }
)


def _lang_arg(parser: argparse.ArgumentParser) -> None:
    # Its own dest: the top-level --lang (language of messages) must not be overwritten.
    parser.add_argument(
        "--lang", dest="report_lang", choices=i18n.LANGUAGES, help="language of the PDF: id or en"
    )


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="print PDF case summaries and caseload reports")
    rsub = p.add_subparsers(dest="report_command", required=True)

    c = rsub.add_parser("case", help="one case summary (PDF)")
    add_user_arg(c)
    c.add_argument("case", metavar="CASE", help="case number (e.g. SDA-26-7F3K2Q8M) or id")
    c.add_argument("--out", required=True, help="PDF file to write")
    _lang_arg(c)
    c.add_argument("--redact", action="store_true", help="redacted version for sending outside the facility")
    c.add_argument("--full-ids", action="store_true", help="print NIK and KK in full (ignored with --redact)")
    c.set_defaults(func=cmd_case)

    cl = rsub.add_parser("caseload", help="caseload report per facility and worker (PDF)")
    add_user_arg(cl)
    cl.add_argument("--out", required=True, help="PDF file to write")
    cl.add_argument(
        "--from", dest="date_from", help="period start, 01/10/2026 or 2026-10-01 (default: 1st of this month)"
    )
    cl.add_argument("--to", dest="date_to", help="period end (default: today)")
    _lang_arg(cl)
    cl.set_defaults(func=cmd_caseload)

    b = rsub.add_parser("cases", help="one summary per open case at a stage (PDFs in a folder)")
    add_user_arg(b)
    b.add_argument("--stage", required=True, choices=stages.STAGES, metavar="CODE",
                   help="stage code: " + ", ".join(stages.STAGES))  # fmt: skip
    b.add_argument("--out", required=True, help="folder for the PDFs")
    _lang_arg(b)
    b.add_argument("--redact", action="store_true", help="redacted versions")
    b.set_defaults(func=cmd_cases)


def _lang(args: argparse.Namespace) -> str:
    return args.report_lang or i18n.language()


def _date(value: str | None, option: str, default: date) -> date:
    if not value:
        return default
    try:
        return parse_date(value)
    except ValueError as exc:
        raise KnownError("report.cli.bad_date", option=option, problem=str(exc)) from None


def cmd_case(args: argparse.Namespace) -> int:
    from caseworker.reports import render_case_summary

    store = open_store(args)
    try:
        case = queries.find_case(store, args.case)
        if case is None:
            raise KnownError("report.cli.case_unknown", ref=args.case)
        out = render_case_summary(store, case["id"], args.out, lang=_lang(args), redact=args.redact,
                                  full_ids=args.full_ids)  # fmt: skip
    finally:
        store.close()
    print(i18n.text("report.cli.written", path=out))
    return 0


def cmd_caseload(args: argparse.Namespace) -> int:
    from caseworker.reports import render_caseload_report

    today = date.today()
    start = _date(args.date_from, "--from", today.replace(day=1))
    end = _date(args.date_to, "--to", today)
    if start > end:
        raise KnownError(
            "report.cli.bad_period", start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y")
        )
    store = open_store(args)
    try:
        out = render_caseload_report(store, args.out, start, end, lang=_lang(args))
    finally:
        store.close()
    print(i18n.text("report.cli.written", path=out))
    return 0


def cmd_cases(args: argparse.Namespace) -> int:
    from caseworker.reports import render_case_batch

    def progress(done: int, total: int, number: str) -> None:
        print(f"[{done}/{total}] {number}", file=sys.stderr, flush=True)

    store = open_store(args)
    try:
        ids = queries.case_ids(store, queries.CaseFilter(stage=args.stage), sort="case_number")
        if not ids:
            print(i18n.text("report.cli.batch_none", stage=stages.stage_name(args.stage)), file=sys.stderr)
            return 0
        written = render_case_batch(
            store, ids, args.out, lang=_lang(args), redact=args.redact, progress=progress
        )
    finally:
        store.close()
    print(i18n.text("report.cli.batch_done", n=len(written), path=args.out))
    return 0
