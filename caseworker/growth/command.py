"""`caseworker growth`: WHO z-scores and Permenkes categories for one measurement, from the command line.

    caseworker growth --sex male|female (--age-days N | --birth-date DATE --date DATE)
        [--weight KG] [--length CM --position lying|standing] [--head CM] [--muac CM]
        [--triceps MM] [--subscapular MM] [--oedema] [--json]
    caseworker growth --batch IN.csv|IN.xlsx --out OUT.csv|OUT.xlsx

A batch exits 0 when every row was scored, 1 when some rows have an error (written in their `error`
column), 2 when the file itself cannot be used.

Input problems exit 2 with one line on stderr; they are checked here rather than by argparse so the
message is a single bilingual-aware line instead of a usage dump.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from caseworker import i18n
from caseworker.errors import KnownError
from caseworker.growth.alerts import Alert, alerts
from caseworker.growth.batch import run_batch
from caseworker.growth.categories import category, indicator_name
from caseworker.growth.zscores import INDICATORS, SKIN_INDICATORS, GrowthResult, age_in_days, compute, round2
from caseworker.numbers import MINUS, NumberError, format_number, format_z, parse_number

EXIT_USAGE = 2
EXIT_ROWS_FAILED = 1

i18n.register(
    {
        "growth.cli.help": (
            "Hitung z-skor WHO dan status gizi (Permenkes 2/2020) untuk satu pengukuran.",
            "Compute WHO z-scores and nutritional status (Permenkes 2/2020) for one measurement.",
        ),
        "growth.cli.need_sex": (
            "--sex wajib diisi (male atau female).",
            "--sex is required (male or female).",
        ),
        "growth.cli.need_age": (
            "Berikan --age-days, atau --birth-date bersama --date.",
            "Give --age-days, or --birth-date together with --date.",
        ),
        "growth.cli.both_ages": (
            "Pilih salah satu: --age-days atau --birth-date/--date.",
            "Use either --age-days or --birth-date/--date, not both.",
        ),
        "growth.cli.need_position": (
            "--position wajib diisi bersama --length (lying = berbaring, standing = berdiri).",
            "--position is required with --length (lying or standing).",
        ),
        "growth.cli.bad_number": ("{option}: bukan angka: {value}.", "{option}: not a number: {value}."),
        "growth.cli.bad_date": (
            "{option}: tanggal tidak valid: {value} (pakai 2026-10-17 atau 17/10/2026).",
            "{option}: not a valid date: {value} (use 2026-10-17 or 17/10/2026).",
        ),
        "growth.cli.age": ("Usia", "Age"),
        "growth.cli.days_months": ("{days} hari ({months} bulan)", "{days} days ({months} months)"),
        "growth.cli.indicator": ("Indikator", "Indicator"),
        "growth.cli.zscore": ("z-skor", "Z-score"),
        "growth.cli.status": ("Status", "Status"),
        "growth.cli.implausible": ("tidak masuk akal, ukur ulang", "implausible, measure again"),
        "growth.cli.no_category": ("tanpa kategori Permenkes", "no Permenkes category"),
        "growth.cli.need_out": ("--batch memerlukan --out.", "--batch needs --out."),
        "growth.cli.batch_alone": (
            "--batch tidak bisa digabung dengan ukuran satu anak (--sex, --weight, ...).",
            "--batch cannot be combined with one child's measurements (--sex, --weight, ...).",
        ),
    }
)


class UsageError(Exception):
    """A command-line input the user must correct; the message is already in their language."""


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `growth` subcommand to an argparse subparsers object."""
    parser = subparsers.add_parser(
        "growth", help=i18n.text("growth.cli.help", "en"), description=i18n.text("growth.cli.help")
    )
    parser.add_argument("--sex", help="male | female (also L/P, M/F, 1/2)")
    parser.add_argument("--age-days", dest="age_days", metavar="N", help="age in completed days")
    parser.add_argument("--birth-date", dest="birth_date", metavar="DATE", help="YYYY-MM-DD or DD/MM/YYYY")
    parser.add_argument("--date", dest="measured_on", metavar="DATE", help="measurement date")
    parser.add_argument("--weight", metavar="KG", help="weight in kg")
    parser.add_argument("--length", metavar="CM", help="length or height in cm")
    parser.add_argument("--position", help="lying | standing (how --length was measured)")
    parser.add_argument("--head", metavar="CM", help="head circumference in cm")
    parser.add_argument("--muac", metavar="CM", help="mid-upper arm circumference (LiLA) in cm")
    parser.add_argument("--triceps", metavar="MM", help="triceps skinfold in mm")
    parser.add_argument("--subscapular", metavar="MM", help="subscapular skinfold in mm")
    parser.add_argument("--oedema", action="store_true", help="bilateral pitting oedema present")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--batch", metavar="IN", help="score every row of a .csv or .xlsx list")
    parser.add_argument("--out", metavar="OUT", help="with --batch: the .csv or .xlsx to write")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    if args.batch or args.out:
        return _run_batch(args)
    try:
        result = _compute(args)
    except UsageError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    except KnownError as error:
        print(error.text(), file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        out = result.to_json()
        out["alerts"] = [alert.code for alert in visit_alerts(result)]
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(format_table(result))
    return 0


_SINGLE = ("sex", "age_days", "birth_date", "measured_on", "weight", "length", "position", "head", "muac",
           "triceps", "subscapular", "json")  # fmt: skip


def _run_batch(args: argparse.Namespace) -> int:
    if not args.batch or not args.out:
        print(i18n.text("growth.cli.need_out"), file=sys.stderr)
        return EXIT_USAGE
    if any(getattr(args, name) for name in _SINGLE) or args.oedema:
        print(i18n.text("growth.cli.batch_alone"), file=sys.stderr)
        return EXIT_USAGE
    try:
        rows, failed = run_batch(Path(args.batch), Path(args.out))
    except KnownError as error:
        print(error.text(), file=sys.stderr)
        return EXIT_USAGE
    print(i18n.text("growth.batch.done", rows=rows, failed=failed, path=args.out))
    return EXIT_ROWS_FAILED if failed else 0


def _compute(args: argparse.Namespace) -> GrowthResult:
    if not args.sex:
        raise UsageError(i18n.text("growth.cli.need_sex"))
    has_dates = bool(args.birth_date or args.measured_on)
    if args.age_days is not None and has_dates:
        raise UsageError(i18n.text("growth.cli.both_ages"))
    if args.age_days is not None:
        age = _int(args.age_days, "--age-days")
    elif args.birth_date and args.measured_on:
        age = age_in_days(_date(args.birth_date, "--birth-date"), _date(args.measured_on, "--date"))
    else:
        raise UsageError(i18n.text("growth.cli.need_age"))
    if args.length is not None and not args.position:
        raise UsageError(i18n.text("growth.cli.need_position"))
    return compute(
        args.sex,
        age,
        weight_kg=_number(args.weight, "--weight"),
        length_cm=_number(args.length, "--length"),
        position=args.position,
        head_cm=_number(args.head, "--head"),
        oedema=bool(args.oedema),
        muac_cm=_number(args.muac, "--muac"),
        triceps_mm=_number(args.triceps, "--triceps"),
        subscapular_mm=_number(args.subscapular, "--subscapular"),
    )


def _number(value: str | None, option: str) -> float | None:
    if value is None:
        return None
    try:
        number = parse_number(value)  # 8,5 or 8.5 kg
    except NumberError:
        number = None
    if number is None:
        raise UsageError(i18n.text("growth.cli.bad_number", option=option, value=value))
    return float(number)


def _int(value: str, option: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise UsageError(i18n.text("growth.cli.bad_number", option=option, value=value)) from None


def _date(value: str, option: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise UsageError(i18n.text("growth.cli.bad_date", option=option, value=value))


def format_table(result: GrowthResult, lang: str | None = None) -> str:
    """A short readable report in the user's language (Indonesian by default)."""
    lang = lang or i18n.language()  # Indonesian writes 1,5 where English writes 1.5
    months = format_number(result.age_months, lang, 1)
    lines = [
        f"{i18n.text('growth.cli.age', lang)}: "
        + i18n.text("growth.cli.days_months", lang, days=result.age_days, months=months),
        "",
    ]
    rows = [
        (
            i18n.text("growth.cli.indicator", lang),
            i18n.text("growth.cli.zscore", lang),
            i18n.text("growth.cli.status", lang),
        )
    ]
    for indicator in INDICATORS:
        name = indicator_name(indicator, result.standing, lang)
        value = result.z(indicator)
        if value is None:
            reason = result.reasons.get(indicator)
            if reason == "not_after_5_years" or (reason in _UNMEASURED and indicator in SKIN_INDICATORS):
                continue  # seldom measured, or not defined at this age: no line
            rows.append((name, "-", result.reason(indicator, lang) or ""))
            continue
        code = result.categories.get(indicator)
        if code is None:
            status = i18n.text("growth.cli.no_category", lang)
        else:
            status = category(indicator, code).label(lang)
        if indicator in result.flags:
            status += f" ({i18n.text('growth.cli.implausible', lang)})"
        rows.append((name, format_z(round2(value), lang).replace(MINUS, "-"), status))
    width = max(len(row[0]) for row in rows)
    lines.extend(f"{row[0]:<{width}}  {row[1]:>6}  {row[2]}" for row in rows)
    found = visit_alerts(result)
    if found:
        lines.append("")
        lines.extend(f"! {alert.text(lang)}" for alert in found)
    return "\n".join(lines)


def visit_alerts(result: GrowthResult) -> list[Alert]:
    """The alerts one measurement raises on its own (no history: no drop, no shrinking length)."""
    return alerts([(date.today(), result)])


_UNMEASURED = ("no_muac", "no_triceps", "no_subscapular")


def main(argv: list[str] | None = None) -> int:
    """Run the subcommand alone (python -m caseworker.growth.command ...), for trying it out."""
    parser = argparse.ArgumentParser(prog="caseworker")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["growth", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
