"""Conflict fields and values in words: `risk` -> "Tingkat risiko", "high" -> "Tinggi", a date as 17/10/2026,
a worker's user name as their full name, a deletion as "Dihapus"."""

from __future__ import annotations

from typing import Any

from caseworker.domain import reference, stages
from caseworker.domain.issues import field_label as core_field_label
from ui import case_form, case_history, person_form, record_dialogs  # noqa: F401 - they register the field labels used here
from ui.case_form import risk_name
from ui.i18n import fmt_date, fmt_datetime, known_keys, register, tr

register(
    {
        "conflict.value.empty": ("(kosong)", "(empty)"),
        "conflict.value.deleted": ("Dihapus", "Deleted"),
        "conflict.value.kept": ("Tetap ada, dengan perubahan", "Kept, with changes"),
        "conflict.value.edits": ("Diubah: {fields}", "Changed: {fields}"),
        "conflict.field.deleted": ("Hapus atau simpan {thing}", "Delete or keep {thing}"),
        "conflict.field.stage": ("Tahap", "Stage"),
        "conflict.yes": ("Ya", "Yes"),
        "conflict.no": ("Tidak", "No"),
    }
)

_PREFIX = {"cases": "case", "persons": "person", "notes": "note"}
_SPECIAL = {("cases", "stage"): "conflict.field.stage", ("cases", "category_code"): "case.category",
            ("notes", "noted_at"): "note.date"}  # fmt: skip


def field_name(table: str, field: str) -> str:
    """The field as a person reads it."""
    if field == "deleted":
        thing = tr(f"thing.{table}") if f"thing.{table}" in known_keys() else table
        return tr("conflict.field.deleted", thing=thing)
    key = _SPECIAL.get((table, field)) or f"{_PREFIX.get(table, table)}.{field}"
    if key in known_keys():
        return tr(key)
    label = core_field_label(field)
    return label if label != field else field.replace("_", " ").capitalize()


def value_text(table: str, field: str, value: Any, workers: dict[str, str] | None = None) -> str:
    """A conflict value in words (the empty value says so)."""
    if field == "deleted":
        if isinstance(value, dict):
            names = [field_name(table, k) for k in value if k not in ("updated_at", "updated_by", "version")]
            return tr("conflict.value.edits", fields=", ".join(names)) if names else tr("conflict.value.kept")
        return tr("conflict.value.deleted") if value in (1, True) else tr("conflict.value.kept")
    if value is None or value == "":
        return tr("conflict.value.empty")
    if field == "risk":
        return risk_name(str(value))
    if (table, field) == ("notes", "kind") and f"note.kind.{value}" in known_keys():
        return tr(f"note.kind.{value}")
    if field == "stage":
        return stages.stage_name(str(value))
    if field == "category_code":
        return reference.category_name(str(value)) or str(value)
    if field in ("assigned_to", "created_by", "updated_by") and workers:
        return workers.get(str(value), str(value))
    if field == "sex" and value in ("L", "P"):
        return tr(f"person.sex.{value}")
    if isinstance(value, bool):
        return tr("conflict.yes") if value else tr("conflict.no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or tr("conflict.value.empty")
    text = str(value)
    if field.endswith("_at") and len(text) > 10:
        return fmt_datetime(text)
    if (field.endswith("_date") or field.endswith("_at") or field.endswith("_on")) and len(text) == 10:
        return fmt_date(text)
    return text
