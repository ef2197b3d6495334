"""What a printed case may show: NIK/KK masked unless asked in full, and the redacted variant for sending
outside the facility (confidential notes left out; for children in conflict with the law, UU 11/2012 SPPA
art. 19, the child's identity reduced to initials with no NIK, KK, birth date or address detail).

Works on a copy of the `case_full` dict, so the renderer never has to remember a rule.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from caseworker.domain.reference import is_abh_category
from caseworker.reports.formatting import initials, scrub_name
from caseworker.store.cases import mask_id

# Free-text fields that may name the child or the family.
_TEXT_FIELDS = {
    "notes": ("text",),
    "goals": ("description",),
    "interventions": ("description", "outcome"),
    "assessments": ("summary",),
    "referrals": ("reason",),
    "tasks": ("title",),
}


@dataclass(frozen=True)
class Prepared:
    case: dict[str, Any]
    redacted: bool
    abh_withheld: bool  # identity reduced to initials
    notes_left_out: int


def _scrub(text: str | None, names: list[str]) -> str:
    out = text or ""
    for name in names:
        out = scrub_name(out, name)
    return out


def prepare_case(case: dict[str, Any], *, redact: bool = False, full_ids: bool = False) -> Prepared:
    """The case as it may be printed. `full_ids` is ignored in the redacted variant."""
    out = copy.deepcopy(case)
    person = out.setdefault("person", {})
    if redact or not full_ids:
        person["nik"] = mask_id(person.get("nik"))
        person["no_kk"] = mask_id(person.get("no_kk"))
    if not redact:
        return Prepared(out, False, False, 0)

    kept = [n for n in out.get("notes", []) if not n.get("confidential")]
    left_out = len(out.get("notes", [])) - len(kept)
    out["notes"] = kept
    abh = is_abh_category(out.get("category_code"))
    if abh:
        names = [person.get("name") or "", person.get("nickname") or "", person.get("guardian_name") or ""]
        names += [r.get("related_name") or "" for r in out.get("relations", [])]
        names = [n for n in names if n]
        person["name"] = initials(person.get("name"))
        for key in ("nickname", "nik", "no_kk", "birthplace", "address", "phone", "guardian_name",
                    "guardian_phone"):  # fmt: skip
            person[key] = None
        person["birth_date_withheld"] = 1  # the age is printed, the date is not
        # Province and kabupaten only: the village would point at the child.
        code = person.get("region_code") or ""
        person["region_code"] = ".".join(code.split(".")[:2]) or None
        out["relations"] = []
        out["presenting_problem"] = _scrub(out.get("presenting_problem"), names)
        out["closure_reason"] = _scrub(out.get("closure_reason"), names)
        out["consent_by"] = None
        for table, fields in _TEXT_FIELDS.items():
            for row in out.get(table, []):
                for field in fields:
                    if row.get(field):
                        row[field] = _scrub(row[field], names)
    return Prepared(out, True, abh, left_out)
