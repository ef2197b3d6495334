"""One import row -> the person, case and note it describes, or the reasons it cannot be imported.

Every check that needs no store runs here, so a dry run and a real import reject the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from caseworker import i18n
from caseworker.domain import regions, stages, validation
from caseworker.transfer import messages  # noqa: F401  (registers the messages)
from caseworker.transfer.columns import (
    MAX_CELL,
    PERSON_FIELDS,
    REQUIRED,
    category_code,
    looks_like_formula,
    sex_code,
    unneutralise,
)
from caseworker.transfer.reader import RawRow


@dataclass
class ParsedRow:
    line: int
    person: dict[str, Any]  # persons fields that the row fills (blank cells change nothing)
    category_code: str
    opened_at: str | None  # ISO date
    note: str
    case_number: str | None  # from an export: find that case again instead of opening another
    warnings: list[str] = field(default_factory=list)


def _short(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _clean_cells(raw: RawRow, reasons: list[str], width: int) -> tuple[dict[str, str], set[str]]:
    """Refuse cells that are too long or are formulas; undo an export's protective apostrophe.
    Returns the accepted values and the refused columns."""
    if raw.extra_values:
        reasons.append(i18n.text("transfer.extra_cells", count=width + raw.extra_values, columns=width))
    values: dict[str, str] = {}
    refused: set[str] = set()
    for column, text in raw.values.items():
        if len(text) > MAX_CELL:
            reasons.append(
                i18n.text("transfer.cell_too_long", column=column, length=len(text), limit=MAX_CELL)
            )
            refused.add(column)
            continue
        if column in raw.formulas or looks_like_formula(text):
            formula = raw.formulas.get(column) or text
            reasons.append(i18n.text("transfer.formula", column=column, value=_short(formula)))
            refused.add(column)
            continue
        values[column] = unneutralise(text)
    return values, refused


def _date(values: dict[str, str], column: str, reasons: list[str]) -> str | None:
    text = values.get(column, "")
    if not text:
        return None
    try:
        return validation.parse_date(text).isoformat()
    except ValueError:
        reasons.append(i18n.text("transfer.bad_date", column=column, value=_short(text)))
        return None


def parse_row(raw: RawRow, width: int, today: date | None = None) -> tuple[ParsedRow | None, list[str]]:
    """The row's content, or None and the reasons (in the current language) it is refused."""
    reasons: list[str] = []
    values, refused = _clean_cells(raw, reasons, width)
    for column in REQUIRED:
        if not values.get(column) and column not in refused:
            reasons.append(i18n.text("transfer.required", column=column))

    person: dict[str, Any] = {}
    for column, name in PERSON_FIELDS.items():
        if values.get(column):
            person[name] = values[column]
    person.pop("birth_date", None)
    birth_date = _date(values, "tanggal_lahir", reasons)
    if birth_date:
        person["birth_date"] = birth_date
    opened_at = _date(values, "tanggal_masuk", reasons)

    if person.get("sex"):
        sex = sex_code(person["sex"])
        if sex is None:
            reasons.append(i18n.text("transfer.bad_sex", value=_short(person.pop("sex"))))
        else:
            person["sex"] = sex
    for key in ("nik", "no_kk"):
        if person.get(key):
            person[key] = validation.normalize_nik(person[key])
    if person.get("region_code"):
        person["region_code"] = regions.normalize_code(person["region_code"]) or person["region_code"]

    category = ""
    if values.get("kategori_ppks"):
        category = category_code(values["kategori_ppks"]) or ""
        if not category:
            reasons.append(i18n.text("transfer.bad_category", value=_short(values["kategori_ppks"])))

    warnings: list[str] = []
    for issue in validation.validate_person(person, today):
        if issue.field == "name" and issue.code == "required":
            continue  # a blank name was already reported above, by its column name
        (reasons if issue.is_error else warnings).append(issue.text())
    case = {"category_code": category or "01", "stage": stages.STAGES[0], "status": "open",
            "opened_at": opened_at or date.today().isoformat()}  # fmt: skip
    for issue in validation.validate_case(case, today):
        if issue.is_error and issue.field == "opened_at":
            reasons.append(issue.text())
    if reasons:
        return None, reasons
    return (
        ParsedRow(
            raw.line,
            person,
            category,
            opened_at,
            values.get("catatan", ""),
            (values.get("no_kasus") or "").upper() or None,
            warnings,
        ),
        [],
    )
