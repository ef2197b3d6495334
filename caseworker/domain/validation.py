"""Validation of persons and cases: a list of Issues (errors block a save, warnings inform).

Records are plain dicts shaped like caseworker.store.schema. Dates may be `date` objects or ISO
strings (`2026-10-17`, or a `...T...Z` timestamp). Validators never raise on bad data; `parse_date`
raises ValueError for text it cannot read.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime

from caseworker import i18n
from caseworker.domain import reference, regions, stages
from caseworker.domain.issues import (
    ERROR,
    WARNING,
    Issue,
    error,
    errors_only,
    has_errors,
    register_issue_messages,
    warning,
)
from caseworker.domain.nik import nik_birth_date, nik_sex, normalize_nik, validate_kk, validate_nik

__all__ = [
    "ERROR",
    "WARNING",
    "Issue",
    "errors_only",
    "has_errors",
    "format_date",
    "nik_birth_date",
    "nik_sex",
    "normalize_nik",
    "parse_date",
    "validate_case",
    "validate_kk",
    "validate_nik",
    "validate_person",
]

MIN_DATE = date(1900, 1, 1)
MAX_LENGTHS = {
    "name": 200,
    "nickname": 100,
    "birthplace": 200,
    "guardian_name": 200,
    "guardian_relation": 100,
    "address": 2000,
    "legal_basis": 2000,
    "closure_reason": 2000,
    "referral_source": 500,
    "presenting_problem": 10000,
    "consent_by": 200,
}
SEXES = ("L", "P")
CASE_STATUSES = ("open", "closed")
RISKS = ("low", "medium", "high")
CONSENT_BASES = ("persetujuan", "putusan_pengadilan", "surat_penyerahan", "lainnya")

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# Day first, as on Indonesian forms: 17/10/2026, 17-10-2026, 17.10.2026, or the digits alone (17102026,
# which a worker typing a birth date from a KK without looking for the slash key often writes).
_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})|(\d{2})()(\d{2})(\d{4})")
_PHONE_CHARS = re.compile(r"[\d\s\-().+]+")

register_issue_messages(
    {
        "name_has_digits": (
            "Nama berisi angka ('{value}'); periksa kembali.",
            "The name contains digits ('{value}'); check it.",
        ),
        "region_unknown": (
            "Kode wilayah '{value}' tidak ada dalam daftar wilayah Kemendagri.",
            "Region code '{value}' is not in the Kemendagri region list.",
        ),
        "desil_range": (
            "Desil DTSEN harus angka 1 sampai 10; yang diisi '{value}'.",
            "The DTSEN decile must be a number from 1 to 10; '{value}' was entered.",
        ),
        "phone_invalid": (
            "{label}: '{value}' bukan nomor telepon yang masuk akal. Tulis 8-15 angka, misalnya 0812 3456 7890.",
            "{label}: '{value}' is not a plausible phone number. Write 8-15 digits, e.g. 0812 3456 7890.",
        ),
        "disabilities_invalid": (
            "Data disabilitas harus berupa daftar teks.",
            "Disabilities must be a list of texts.",
        ),
        "category_unknown": (
            "Kategori PPKS '{value}' tidak dikenal. Pilih dari daftar 26 kategori.",
            "Unknown PPKS category '{value}'. Choose one of the 26 categories.",
        ),
        "closed_before_opened": (
            "Tanggal ditutup ({closed}) lebih awal dari tanggal dibuka ({opened}).",
            "The closing date ({closed}) is before the opening date ({opened}).",
        ),
        "closed_needs_reason": (
            "Kasus yang ditutup memerlukan alasan penutupan.",
            "A closed case needs a reason for closing.",
        ),
        "closed_needs_date": (
            "Kasus yang ditutup memerlukan tanggal ditutup.",
            "A closed case needs a closing date.",
        ),
        "open_with_closed_at": (
            "Kasus masih aktif tetapi memiliki tanggal ditutup ({value}).",
            "The case is open but has a closing date ({value}).",
        ),
        "date_format": (
            "Tanggal '{value}' tidak dikenali. Tulis sebagai 17/10/2026 (hari/bulan/tahun) atau 2026-10-17.",
            "The date '{value}' is not recognised. Write it as 17/10/2026 (day/month/year) or 2026-10-17.",
        ),
    }
)


def parse_date(text: str | date) -> date:
    """`2026-10-17`, `17/10/2026` (also `7/1/2026`, `17-10-2026`, `17.10.2026`, `17102026`) -> date. ValueError with a readable message
    (in the current language) otherwise. A date object is returned as it is."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    value = (text or "").strip()
    match = _ISO.fullmatch(value)
    parts = (match.group(1), match.group(2), match.group(3)) if match else None
    if parts is None and (match := _DMY.fullmatch(value)):
        day, _, month, year = (a or b for a, b in zip(match.groups()[:4], match.groups()[4:], strict=True))
        parts = (year, month, day)
    if parts is not None:
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            pass
    raise ValueError(i18n.text("issue.date_format", value=value))


def format_date(value: date | str | None) -> str:
    """A date as people in Indonesia write it: 17/10/2026 (empty for None, unchanged if unreadable)."""
    if value is None or value == "":
        return ""
    try:
        return _as_date(value).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def _as_date(value: date | str) -> date:
    """Stored values: a date, an ISO date, or a UTC timestamp `YYYY-MM-DDTHH:MM:SSZ`."""
    if isinstance(value, str) and len(value) > 10 and value[10] in "T ":
        value = value[:10]
    return parse_date(value)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_lengths(record: dict, issues: list[Issue]) -> None:
    for name, limit in MAX_LENGTHS.items():
        value = record.get(name)
        if isinstance(value, str) and len(value) > limit:
            issues.append(error(name, "too_long", max=limit, length=len(value)))


def _check_date(
    record: dict, name: str, today: date, issues: list[Issue], required: bool = False
) -> date | None:
    """The field's date if it is readable and sane; adds an issue and returns None otherwise."""
    value = record.get(name)
    if _blank(value):
        if required:
            issues.append(error(name, "required"))
        return None
    try:
        parsed = _as_date(value)
    except ValueError:
        issues.append(error(name, "date_invalid", value=str(value)))
        return None
    if parsed > today:
        issues.append(error(name, "date_future", value=format_date(parsed)))
        return None
    if parsed < MIN_DATE:
        issues.append(error(name, "date_too_old", value=format_date(parsed)))
        return None
    return parsed


def _check_choice(
    record: dict, name: str, choices: tuple[str, ...], issues: list[Issue], required: bool
) -> None:
    value = record.get(name)
    if _blank(value):
        if required:
            issues.append(error(name, "required"))
    elif value not in choices:
        issues.append(error(name, "not_in_choices", value=str(value), choices=", ".join(choices)))


def _check_phone(record: dict, name: str, issues: list[Issue]) -> None:
    value = record.get(name)
    if _blank(value):
        return
    text = str(value).strip()
    digits = re.sub(r"\D", "", text)
    if not _PHONE_CHARS.fullmatch(text) or "+" in text[1:] or not 8 <= len(digits) <= 15:
        issues.append(error(name, "phone_invalid", value=text))


def validate_person(person: dict, today: date | None = None) -> list[Issue]:
    """Everything wrong with a person record (see caseworker.store.schema `persons`)."""
    today = today or date.today()
    issues: list[Issue] = []
    name = person.get("name")
    if _blank(name):
        issues.append(error("name", "required"))
    elif any(ch.isdigit() for ch in str(name)):
        issues.append(warning("name", "name_has_digits", value=str(name)))
    _check_lengths(person, issues)

    birth_date = _check_date(person, "birth_date", today, issues)
    _check_choice(person, "sex", SEXES, issues, required=False)
    sex = person.get("sex") if person.get("sex") in SEXES else None

    if not _blank(person.get("nik")):
        # An estimated birth date (foundlings, old people without papers) is not compared with the NIK.
        compare_date = None if person.get("birth_date_estimated") else birth_date
        issues.extend(validate_nik(str(person["nik"]), compare_date, sex))
    if not _blank(person.get("no_kk")):
        issues.extend(validate_kk(str(person["no_kk"])))

    region = person.get("region_code")
    if not _blank(region) and not regions.exists(str(region)):
        issues.append(error("region_code", "region_unknown", value=str(region)))

    desil = person.get("dtsen_desil")
    if not _blank(desil):
        try:
            ok = not isinstance(desil, bool) and float(desil) == int(desil) and 1 <= int(desil) <= 10
        except (TypeError, ValueError):
            ok = False
        if not ok:
            issues.append(error("dtsen_desil", "desil_range", value=str(desil)))
    _check_date(person, "dtsen_checked_at", today, issues)

    _check_phone(person, "phone", issues)
    _check_phone(person, "guardian_phone", issues)

    disabilities = person.get("disabilities")
    if not _blank(disabilities):
        try:
            parsed = json.loads(disabilities) if isinstance(disabilities, str) else disabilities
        except ValueError:
            parsed = None
        if not isinstance(parsed, list) or not all(isinstance(d, str) for d in parsed):
            issues.append(error("disabilities", "disabilities_invalid"))
    return issues


def validate_case(case: dict, today: date | None = None) -> list[Issue]:
    """Everything wrong with a whole case record (see caseworker.store.schema `cases`).

    Required: category_code, stage, status, opened_at; a closed case also needs closed_at and a
    closure_reason. Stage moves are checked separately by stages.check_transition.
    """
    today = today or date.today()
    issues: list[Issue] = []
    category = case.get("category_code")
    if _blank(category):
        issues.append(error("category_code", "required"))
    elif not reference.is_category(str(category)):
        issues.append(error("category_code", "category_unknown", value=str(category)))

    stage = case.get("stage")
    if _blank(stage):
        issues.append(error("stage", "required"))
    elif not stages.is_stage(stage):
        issues.append(error("stage", "stage_unknown", stage=str(stage), choices=", ".join(stages.STAGES)))

    _check_choice(case, "status", CASE_STATUSES, issues, required=True)
    _check_choice(case, "risk", RISKS, issues, required=False)
    _check_choice(case, "consent_basis", CONSENT_BASES, issues, required=False)
    _check_lengths(case, issues)

    opened = _check_date(case, "opened_at", today, issues, required=True)
    closed = _check_date(case, "closed_at", today, issues)
    if opened and closed and closed < opened:
        issues.append(
            error("closed_at", "closed_before_opened", closed=format_date(closed), opened=format_date(opened))
        )
    _check_date(case, "consent_at", today, issues)
    _check_date(case, "last_contact_at", today, issues)

    if case.get("status") == "closed":
        if _blank(case.get("closure_reason")):
            issues.append(error("closure_reason", "closed_needs_reason"))
        if _blank(case.get("closed_at")):
            issues.append(error("closed_at", "closed_needs_date"))
    elif case.get("status") == "open" and not _blank(case.get("closed_at")):
        issues.append(warning("closed_at", "open_with_closed_at", value=format_date(case["closed_at"])))
    return issues
