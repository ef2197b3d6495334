"""What a referral between facilities shares (issue 19): the rules both the laptop and the server apply.

A worker ticks what goes: the client's identity and sections of the record (store.schema.REFERRAL_SECTIONS).
Confidential notes never go. For a child in conflict with the law (ABH, UU 11/2012 SPPA art. 19) the
identity is never shared, ticked or not: the receiving facility sees initials, sex, birth year and the
kabupaten/kota, and names in the shared texts are reduced to initials, as in the redacted case summary.
"""

from __future__ import annotations

import re
from typing import Any

from caseworker.domain.reference import is_abh_category
from caseworker.store.schema import REFERRAL_SECTIONS

SECTIONS = REFERRAL_SECTIONS
RECORD_SECTIONS = tuple(s for s in SECTIONS if s != "problem")  # tables whose rows are copied
# Free-text fields of the copied records that may name the client.
TEXT_FIELDS = {
    "notes": ("text",),
    "goals": ("description",),
    "interventions": ("description", "outcome"),
    "assessments": ("summary",),
}


def initials(name: str | None) -> str:
    """'Muhammad Rizky Pratama' -> 'M.R.P.'; one-word names (common in Indonesia) -> 'S.'."""
    words = [w for w in re.split(r"[\s.\-']+", name or "") if w]
    return "".join(f"{w[0].upper()}." for w in words) or "-"


def scrub(text: str | None, names: list[str]) -> str | None:
    """Each word (3+ letters) of the names in the text replaced by its initial."""
    if not text:
        return text
    out = text
    words = {w for name in names for w in re.split(r"[\s.\-']+", name or "") if len(w) >= 3}
    for word in sorted(words, key=len, reverse=True):
        out = re.sub(rf"\b{re.escape(word)}\b", f"{word[0].upper()}.", out, flags=re.IGNORECASE)
    return out


def identity_withheld(category_code: str | None, share_identity: Any) -> bool:
    """True when the receiver gets initials only: identity not ticked, or an ABH child."""
    return not share_identity or is_abh_category(category_code)


def person_names(person: dict[str, Any]) -> list[str]:
    return [n for n in (person.get("name"), person.get("nickname"), person.get("guardian_name")) if n]


def _kabupaten(code: str | None) -> str | None:
    return ".".join((code or "").split(".")[:2]) or None


def preview(
    person: dict[str, Any],
    case: dict[str, Any],
    share_identity: Any,
    sections: list[str],
    counts: dict[str, int],
) -> dict[str, Any]:
    """What the receiving supervisor sees before deciding: only what was shared."""
    category = case.get("category_code")
    withheld = identity_withheld(category, share_identity)
    birth = person.get("birth_date") or ""
    out: dict[str, Any] = {
        "category_code": category,
        "sex": person.get("sex"),
        "birth_year": birth[:4] or None,
        "identity_withheld": withheld,
        "abh": is_abh_category(category),
        "counts": {k: v for k, v in counts.items() if k in sections},
    }
    if withheld:
        out["name"] = initials(person.get("name"))
        out["region_code"] = _kabupaten(person.get("region_code"))
    else:
        for key in ("name", "nickname", "nik", "no_kk", "birth_date", "birth_date_estimated", "birthplace",
                    "address", "region_code", "phone", "guardian_name", "guardian_relation", "guardian_phone",
                    "disabilities"):  # fmt: skip
            out[key] = person.get(key)
    if "problem" in sections:
        problem = case.get("presenting_problem")
        out["presenting_problem"] = scrub(problem, person_names(person)) if withheld else problem
        out["risk"] = case.get("risk")
    return out


def stand_in_person(preview_data: dict[str, Any]) -> dict[str, Any]:
    """The person the receiving facility's case names when the identity was withheld: initials, sex, an
    estimated birth date in the birth year, the kabupaten/kota."""
    year = preview_data.get("birth_year")
    return {
        "name": preview_data.get("name") or "-",
        "sex": preview_data.get("sex"),
        "birth_date": f"{year}-07-01" if year else None,
        "birth_date_estimated": 1 if year else None,
        "region_code": preview_data.get("region_code"),
    }
