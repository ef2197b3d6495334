"""What every synced column may hold: type, range, length, date or JSON shape.

One set of rules for both sides: the server refuses a pushed value that breaks them (so nothing enters the
changelog that a laptop cannot store or show), and a laptop sets aside a pulled row that breaks them
instead of failing its whole sync. Rules of meaning (a valid NIK, a known category, a closed case's
reason) are in caseworker.domain.validation; these are the rules of form.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from caseworker.store import schema

INT64 = (-(2**63), 2**63 - 1)
DEFAULT_MAX_LENGTH = 2_000
ID_MAX_LENGTH = 64
USERNAME_MAX_LENGTH = 100

# Columns naming a row by its id, and columns naming a user.
ID_COLUMNS = frozenset(
    {
        "id",
        "case_id",
        "person_id",
        "related_person_id",
        "subject_id",
        "other_person_id",
        "row_id",
        "accepted_case_id",
    }
)
USER_COLUMNS = frozenset(
    {"created_by", "updated_by", "assigned_to", "submitted_by", "decided_by", "resolved_by", "device_user",
     "server_user"}
)  # fmt: skip
# Dates (`2026-10-17`) or UTC timestamps (`2026-10-17T08:00:00Z`).
DATE_COLUMNS = frozenset(
    {"created_at", "updated_at", "birth_date", "dtsen_checked_at", "opened_at", "closed_at", "consent_at",
     "last_contact_at", "assessed_at", "target_date", "provided_at", "noted_at", "measured_at", "referred_at",
     "due_date", "done_at", "submitted_at", "decided_at", "device_at", "server_at", "resolved_at",
     "changed_at"}
)  # fmt: skip
FLAG_COLUMNS = frozenset(
    {"deleted", "birth_date_estimated", "confidential", "oedema", "conflict", "share_identity"}
)

# Longer texts than DEFAULT_MAX_LENGTH, by (table, column) or column.
MAX_LENGTHS: dict[str, int] = {
    "name": 200,
    "nickname": 100,
    "nik": 32,
    "no_kk": 32,
    "sex": 1,
    "phone": 40,
    "guardian_phone": 40,
    "region_code": 20,
    "case_number": 40,
    "category_code": 20,
    "facility_code": 20,
    "to_facility": 20,
    "from_facility": 20,
    "from_case_number": 40,
    "received_case_number": 40,
    "accepted_case_number": 40,
    "from_facility_name": 500,
    "decision_reason": 10_000,
    "consent_by": 500,
    "referral_inbox.preview": 50_000,
    "sha256": 64,
    "mime": 200,
    "filename": 500,
    "presenting_problem": 10_000,
    "description": 10_000,
    "outcome": 10_000,
    "reason": 10_000,
    "comment": 10_000,
    "decision_comment": 10_000,
    "summary": 20_000,
    "notes": 10_000,
    "closure_reason": 2_000,
    "server_value": 250_000,
    "device_value": 250_000,
    "notes.text": 100_000,  # a long home-visit report is some 20,000 characters
    "assessments.data": 200_000,
    "assessments.scores": 50_000,
    "form_definitions.definition": 1_000_000,  # a 300-question instrument in two languages is ~250 kB
    "form_definitions.title": 500,
    "form_definitions.form_id": 64,
}
RANGES: dict[str, tuple[float, float]] = {
    "dtsen_desil": (1, 10),
    "form_version": (0, 1_000_000),
    "version": (0, INT64[1]),
    "size": (0, 512 * 1024 * 1024),
    "weight_kg": (0.1, 400),
    "length_cm": (10, 300),
    "head_cm": (10, 100),
    "muac_cm": (3, 100),
    "triceps_mm": (0.5, 100),
    "subscapular_mm": (0.5, 100),
}
CHOICES: dict[str, tuple[str, ...]] = {
    "sex": ("L", "P"),
    "cases.status": ("open", "closed"),
    "risk": ("low", "medium", "high"),
    "consent_basis": ("persetujuan", "putusan_pengadilan", "surat_penyerahan", "lainnya"),
    "position": ("lying", "standing"),
    "review_status": ("draft", "submitted", "approved", "returned"),
    "reviews.kind": ("assessment", "plan", "closure"),
    "reviews.subject_table": ("assessments", "goals", "cases"),
    "reviews.status": ("submitted", "approved", "returned"),
    "decision": ("different", "merged"),
    "conflicts.status": ("open", "resolved"),
    "resolution": ("keep_server", "keep_device", "edited"),
    "referrals.status": ("sent", "accepted", "completed", "declined"),
    "referral_inbox.status": ("sent", "accepted", "declined", "withdrawn"),
    "referrals.kind": ("referral", "transfer"),
    "referral_inbox.kind": ("referral", "transfer"),
}
# Text columns holding JSON, and the shape it must have.
JSON_SHAPES: dict[str, Callable[[Any], bool]] = {
    "persons.disabilities": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "assessments.data": lambda v: isinstance(v, dict),
    "assessments.scores": lambda v: isinstance(v, dict),
    "form_definitions.definition": lambda v: isinstance(v, dict),
    "shared_sections": lambda v: isinstance(v, list) and all(x in schema.REFERRAL_SECTIONS for x in v),
    "referral_inbox.preview": lambda v: isinstance(v, dict),
}

_ID = re.compile(r"[A-Za-z0-9._:\-]{1,64}")
_USER = re.compile(r"[^\x00-\x1f\x7f]{1,100}")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?")


def columns(table: str) -> dict[str, type]:
    """Every column of a synced table (the common ones included) with its type."""
    return {**schema.COMMON, **schema.TABLES[table]}


def _rule(table: str, column: str, rules: dict[str, Any]) -> Any:
    return rules.get(f"{table}.{column}", rules.get(column))


def text_problem(value: str, limit: int) -> str | None:
    """Why a text cannot be stored everywhere (PostgreSQL refuses NUL and lone surrogates), or None."""
    if len(value) > limit:
        return "too_long"
    if "\x00" in value or _SURROGATE.search(value):
        return "invalid_text"
    return None


def readable_date(value: str) -> bool:
    """A date or timestamp as the laptop writes and reads them, between 1900 and 2100."""
    if _DATE.fullmatch(value):
        text = value
    elif _TIMESTAMP.fullmatch(value):
        text = value[:10]
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
        except ValueError:
            return False
    else:
        return False
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        return False
    return 1900 <= parsed.year <= 2100


def problem(table: str, column: str, value: Any) -> str | None:
    """Why `value` cannot be stored in `table.column` (a reason code), or None when it can."""
    kind = columns(table).get(column)
    if kind is None:
        return "unknown_field"
    if value is None:
        return None
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return "invalid_value"
        low, high = (0, 1) if column in FLAG_COLUMNS else _rule(table, column, RANGES) or INT64
        return None if low <= value <= high else "out_of_range"
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return "invalid_value"
        low, high = _rule(table, column, RANGES) or (-1e15, 1e15)
        return None if low <= value <= high else "out_of_range"
    if not isinstance(value, str):
        return "invalid_value"
    if column in ID_COLUMNS:
        return None if _ID.fullmatch(value) else "invalid_value"
    if column in USER_COLUMNS:
        return None if _USER.fullmatch(value) and not _SURROGATE.search(value) else "invalid_value"
    found = text_problem(value, _rule(table, column, MAX_LENGTHS) or DEFAULT_MAX_LENGTH)
    if found or value == "":
        return found
    if column in DATE_COLUMNS:
        return None if readable_date(value) else "invalid_date"
    choices = _rule(table, column, CHOICES)
    if choices is not None and value not in choices:
        return "invalid_value"
    shape = _rule(table, column, JSON_SHAPES)
    if shape is not None:
        try:
            parsed = json.loads(value)
        except ValueError:
            return "invalid_json"
        if not shape(parsed):
            return "invalid_json"
    return None


def row_problems(table: str, row: dict[str, Any]) -> dict[str, str]:
    """column -> reason for every value of the row that breaks the rules (empty: the row can be stored)."""
    found: dict[str, str] = {}
    for column, value in row.items():
        reason = problem(table, column, value)
        if reason is not None:
            found[column] = reason
    return found
