"""The forms a profile offers: the shipped JSON forms (version 1 of their ids) and the instruments its unit
imported (the synced form_definitions table, one immutable row per version).

A new import of a form id makes the next version; new assessments use a form's latest version, and an
assessment opens and prints with the version it was made with (`form_for`), however many came later.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from caseworker import i18n
from caseworker.errors import KnownError, NotAllowed
from caseworker.forms.definitions import load_forms, parse_form
from caseworker.forms.model import FormDef, FormDefinitionError, FormNotFound, definition_row_id
from caseworker.forms.xlsform import convert
from caseworker.store import repository
from caseworker.store.store import Store

__all__ = ["available_forms", "definitions", "form_for", "import_xlsform", "next_version", "row_id_for"]

i18n.register(
    {
        "form_version_not_found": (
            "Formulir {form_id} versi {version} tidak ada di profil ini (belum tersinkron?).",
            "Form {form_id} version {version} is not in this profile (not synced yet?).",
        ),
        "form_import_supervisor": (
            "mengimpor instrumen (hanya supervisor)",
            "import instruments (supervisors only)",
        ),
    }
)


@functools.cache
def _shipped() -> dict[str, FormDef]:
    return load_forms()


@functools.lru_cache(maxsize=256)
def _parsed(row_id: str, definition: str) -> FormDef:
    # keyed by the row and its text: a version never changes, so a parsed one stays valid
    return parse_form(json.loads(definition), row_id)


row_id_for = definition_row_id


def definitions(store: Store, *, include_removed: bool = False) -> list[dict[str, Any]]:
    """The stored versions (newest first within a form id), without their definition text."""
    where = "" if include_removed else "WHERE deleted = 0"
    return store.query(
        "SELECT id, form_id, form_version, title, source_file, facility_code, created_by, created_at, deleted"
        f" FROM form_definitions {where} ORDER BY form_id, form_version DESC"
    )


def next_version(store: Store, form_id: str) -> int:
    row = store.one("SELECT MAX(form_version) AS v FROM form_definitions WHERE form_id = ?", [form_id])
    stored = row["v"] if row and row["v"] is not None else 0
    shipped = _shipped()[form_id].version if form_id in _shipped() else 0
    return max(stored, shipped) + 1


def _load(store: Store, row: dict[str, Any]) -> FormDef | None:
    try:
        return _parsed(row["id"], row["definition"])
    except (FormDefinitionError, ValueError, TypeError):
        return None  # a definition this version cannot read (made by a newer one): not offered


def available_forms(store: Store | None) -> dict[str, FormDef]:
    """Form id -> the version new assessments use: shipped forms first, then the unit's own, each at its
    latest version."""
    forms = dict(_shipped())
    if store is None:
        return forms
    latest = store.query(
        "SELECT id, definition FROM form_definitions f WHERE deleted = 0 AND form_version ="
        " (SELECT MAX(form_version) FROM form_definitions g WHERE g.form_id = f.form_id AND g.deleted = 0)"
        " ORDER BY title"
    )
    for row in latest:
        form = _load(store, row)
        if form is not None:
            forms[form.id] = form
    return forms


def form_for(store: Store | None, form_id: str, version: int | None = None) -> FormDef:
    """The form an assessment was made with (its version, even a removed one), or the latest one."""
    if version is None:
        form = available_forms(store).get(form_id)
        if form is None:
            raise FormNotFound(form_id)
        return form
    if store is not None:
        row = store.one(
            "SELECT id, definition FROM form_definitions WHERE form_id = ? AND form_version = ?",
            [form_id, version],
        )
        if row is not None and (form := _load(store, row)) is not None:
            return form
    shipped = _shipped().get(form_id)
    if shipped is not None and (shipped.version == version or not version):
        return shipped
    if shipped is None and store is None:
        raise FormNotFound(form_id)
    raise KnownError("form_version_not_found", form_id=form_id, version=version)


def import_xlsform(store: Store, path: Path) -> FormDef:
    """Convert the workbook and store it as the form id's next version (XLSFormError lists every problem
    and stores nothing). Supervisors only."""
    if not store.user.is_supervisor:
        raise NotAllowed(i18n.text("form_import_supervisor"))
    definition, form = convert(Path(path))
    with store.transaction():
        version = next_version(store, form.id)
        definition["version"] = version
        form = parse_form(definition, Path(path).name)
        row_id = row_id_for(form.id, version)
        repository.insert(
            store,
            "form_definitions",
            {"form_id": form.id, "form_version": version, "title": form.title.get("id"),
             "definition": json.dumps(definition, ensure_ascii=False), "source_file": Path(path).name,
             "facility_code": store.user.facility_code},
            row_id=row_id,
        )  # fmt: skip
    return form
