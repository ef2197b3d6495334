"""`caseworker growth --batch IN --out OUT`: z-scores and categories for a whole list (a posyandu weighing
day), as WHO's survey tools do. CSV or XLSX in and out, chosen by the file's extension.

The header row names the columns (in any order, any case): sex, birth_date or age_days, date, weight, length,
position, head, muac, triceps, subscapular, oedema. Other columns (a name, a register number) are copied to
the output unchanged. A row that cannot be scored keeps its values and gets the reason in the `error` column;
the other rows are still computed. `run_batch` returns how many rows failed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from caseworker import i18n
from caseworker.errors import KnownError
from caseworker.growth.alerts import alerts
from caseworker.growth.categories import category
from caseworker.growth.zscores import INDICATORS, GrowthResult, age_in_days, compute, round2
from caseworker.numbers import NumberError, parse_number

# Input column -> compute() keyword, for the measurements.
MEASURES = {
    "weight": "weight_kg",
    "length": "length_cm",
    "head": "head_cm",
    "muac": "muac_cm",
    "triceps": "triceps_mm",
    "subscapular": "subscapular_mm",
}
KNOWN = ("sex", "birth_date", "age_days", "date", *MEASURES, "position", "oedema")
OUTPUT = (
    "age_days",
    "reference",
    *(column for indicator in INDICATORS for column in (indicator, f"{indicator}_category")),
    "flags",
    "alerts",
    "error",
)
_YES = {"y", "ya", "yes", "1", "true", "ada"}
_NO = {"", "n", "no", "tidak", "t", "0", "false", "tidak ada"}

i18n.register(
    {
        "growth.batch.format": (
            "{path}: format tidak dikenal; pakai .csv atau .xlsx.",
            "{path}: unknown format; use .csv or .xlsx.",
        ),
        "growth.batch.unreadable": ("Berkas {path} tidak bisa dibaca: {why}", "Cannot read {path}: {why}"),
        "growth.batch.empty": ("{path}: tidak ada baris judul.", "{path}: no header row."),
        "growth.batch.need_columns": (
            "{path}: kolom wajib tidak ada: {missing}. Kolom yang dikenal: {known}.",
            "{path}: required columns missing: {missing}. Known columns: {known}.",
        ),
        "growth.batch.row.no_sex": ("sex kosong.", "sex is empty."),
        "growth.batch.row.no_age": (
            "Isi age_days, atau birth_date bersama date.",
            "Fill age_days, or birth_date together with date.",
        ),
        "growth.batch.row.both_ages": (
            "Isi age_days atau birth_date/date, jangan keduanya.",
            "Fill age_days or birth_date/date, not both.",
        ),
        "growth.batch.row.bad_number": (
            "{column}: bukan angka: {value}.",
            "{column}: not a number: {value}.",
        ),
        "growth.batch.row.bad_date": (
            "{column}: tanggal tidak valid: {value} (pakai 2026-10-17 atau 17/10/2026).",
            "{column}: not a valid date: {value} (use 2026-10-17 or 17/10/2026).",
        ),
        "growth.batch.row.bad_oedema": (
            "oedema: {value} tidak dikenal (pakai y/n atau ya/tidak).",
            "oedema: unknown value {value} (use y/n).",
        ),
        "growth.batch.row.need_position": (
            "position wajib diisi bila length diisi (lying atau standing).",
            "position is required with length (lying or standing).",
        ),
        "growth.batch.done": (
            "{rows} baris dihitung, {failed} gagal (lihat kolom error). Hasil: {path}",
            "{rows} rows computed, {failed} failed (see the error column). Output: {path}",
        ),
    }
)


class BatchFileError(KnownError):
    """The whole file cannot be read or written (format, missing columns): nothing is computed."""


class RowError(Exception):
    """One row's input is unusable; the text is already in the user's language."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[Any]]


def run_batch(source: Path, target: Path) -> tuple[int, int]:
    """Score every row of `source` into `target`; (rows, failed rows)."""
    for path in (source, target):
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise BatchFileError("growth.batch.format", path=str(path))
    table = _read(source)
    columns = {name.strip().lower(): index for index, name in enumerate(table.header) if name}
    missing = [name for name in ("sex",) if name not in columns]
    if "age_days" not in columns and not {"birth_date", "date"} <= set(columns):
        missing.append("age_days | birth_date + date")
    if missing:
        raise BatchFileError(
            "growth.batch.need_columns", path=str(source), missing=", ".join(missing), known=", ".join(KNOWN)
        )
    header = table.header + [name for name in OUTPUT if name not in columns]
    out_rows: list[list[Any]] = []
    failed = 0
    for raw in table.rows:
        values = {name: raw[index] if index < len(raw) else None for name, index in columns.items()}
        try:
            result = score_row(values)
            extra = _result_columns(result)
        except RowError as error:
            failed += 1
            extra = {"error": str(error)}
        except KnownError as error:
            failed += 1
            extra = {"error": error.text()}
        row = list(raw) + [None] * (len(table.header) - len(raw))
        for name in header[len(table.header) :]:
            row.append(extra.get(name))
        for name, value in extra.items():  # an input file that already had e.g. an `error` column
            if name in columns:
                row[columns[name]] = value
        out_rows.append(row)
    _write(target, Table(header, out_rows))
    return len(out_rows), failed


def score_row(values: dict[str, Any]) -> GrowthResult:
    """One input row (lower-case column names) to its z-scores; RowError/GrowthInputError when unusable."""
    sex = _text(values.get("sex"))
    if not sex:
        raise RowError(i18n.text("growth.batch.row.no_sex"))
    age_text = _text(values.get("age_days"))
    born, on = values.get("birth_date"), values.get("date")
    if age_text and _text(born):
        raise RowError(i18n.text("growth.batch.row.both_ages"))
    if age_text:
        age = _number("age_days", age_text)
        if age is None or not float(age).is_integer():
            raise RowError(i18n.text("growth.batch.row.bad_number", column="age_days", value=age_text))
        days = int(age)
    elif _text(born) and _text(on):
        days = age_in_days(_date("birth_date", born), _date("date", on))
    else:
        raise RowError(i18n.text("growth.batch.row.no_age"))
    measures = {keyword: _number(column, values.get(column)) for column, keyword in MEASURES.items()}
    position = _text(values.get("position")) or None
    if measures["length_cm"] is not None and position is None:
        raise RowError(i18n.text("growth.batch.row.need_position"))
    return compute(sex, days, position=position, oedema=_oedema(values.get("oedema")), **measures)


def _result_columns(result: GrowthResult) -> dict[str, Any]:
    out: dict[str, Any] = {"age_days": result.age_days, "reference": result.reference}
    for indicator in INDICATORS:
        value = result.z(indicator)
        out[indicator] = None if value is None else round2(value)
        code = result.categories.get(indicator)
        if code is not None:
            out[f"{indicator}_category"] = category(indicator, code).label()
        elif value is None and _telling(result.reasons.get(indicator, "")):
            out[f"{indicator}_category"] = result.reason(indicator)
    out["flags"] = ";".join(result.flags) or None
    out["alerts"] = " | ".join(alert.text() for alert in alerts([(date.today(), result)])) or None
    return out


def _telling(reason: str) -> bool:
    """Whether a reason says something about the child (oedema, out of table) rather than 'not measured' or
    'not defined after 5 years', which would fill most cells of a list with the same sentence."""
    return bool(reason) and not reason.startswith("no_") and reason != "not_after_5_years"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(column: str, value: Any) -> float | None:
    if isinstance(value, bool):
        raise RowError(i18n.text("growth.batch.row.bad_number", column=column, value=value))
    if isinstance(value, int | float):
        return float(value)
    text = _text(value)
    try:
        number = parse_number(text)
    except NumberError:
        raise RowError(i18n.text("growth.batch.row.bad_number", column=column, value=text)) from None
    return None if number is None else float(number)


def _date(column: str, value: Any) -> date:
    if isinstance(value, datetime):  # an XLSX date cell
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise RowError(i18n.text("growth.batch.row.bad_date", column=column, value=text))


def _oedema(value: Any) -> bool:
    text = _text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise RowError(i18n.text("growth.batch.row.bad_oedema", value=text))


def _read(path: Path) -> Table:
    try:
        rows = list(_read_xlsx(path) if path.suffix.lower() == ".xlsx" else _read_csv(path))
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, KeyError) as error:
        raise BatchFileError("growth.batch.unreadable", path=str(path), why=str(error)) from None
    rows = [row for row in rows if any(_text(cell) for cell in row)]
    if not rows:
        raise BatchFileError("growth.batch.empty", path=str(path))
    return Table([_text(cell) for cell in rows[0]], rows[1:])


def _read_csv(path: Path) -> Iterator[list[Any]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        # Spreadsheets set to Indonesian save CSV with ';' (the comma is their decimal mark).
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        yield from csv.reader(handle, delimiter=delimiter)


def _read_xlsx(path: Path) -> Iterator[list[Any]]:
    from openpyxl import load_workbook  # imported here: only batch runs need it

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _write(path: Path, table: Table) -> None:
    try:
        if path.suffix.lower() == ".xlsx":
            _write_xlsx(path, table)
        else:
            with open(path, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(table.header)
                writer.writerows(_csv_cells(row) for row in table.rows)
    except OSError as error:
        raise BatchFileError("growth.batch.unreadable", path=str(path), why=str(error)) from None


def _csv_cells(row: Iterable[Any]) -> list[Any]:
    return ["" if cell is None else cell.isoformat() if isinstance(cell, date) else cell for cell in row]


def _write_xlsx(path: Path, table: Table) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(table.header)
    for row in table.rows:
        sheet.append(row)
    workbook.save(path)
