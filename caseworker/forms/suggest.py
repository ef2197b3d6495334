"""Which assessment form to offer first for a case: the forms' `applies_to` hints against the client.

A form's hint (`categories`: PPKS category codes as cases store them, `age_months` / `age_years`:
`{"min", "max"}`) is only a suggestion, never a rule: every form stays on offer. A form whose hints all
fit the client comes first (the more hints fit, the earlier), a form without hints next, and a form
that a hint rules out (a child's screening for an elderly client) last. An unknown birth date neither
fits nor rules out an age hint.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from caseworker.forms.model import FormDef

__all__ = ["age_in_months", "rank_forms"]


def age_in_months(birth_date: Any, today: date | None = None) -> int | None:
    """Whole months lived by `today` (None when the birth date is missing or unreadable)."""
    from caseworker.store.values import day_of  # here: the server checks definitions without store code

    born, today = day_of(birth_date), today or date.today()
    if born is None:
        return None
    return (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)


def _within(value: float, bounds: dict[str, Any]) -> bool:
    low, high = bounds.get("min"), bounds.get("max")
    return (low is None or value >= low) and (high is None or value <= high)


def _fit(hint: dict[str, Any], months: int | None, category_code: str | None) -> int:
    """How many hints fit (>= 0), or -1 when one rules the client out."""
    fits = 0
    categories = hint.get("categories")
    if categories:
        if category_code not in categories:
            return -1
        fits += 1
    for key, unit in (("age_months", 1), ("age_years", 12)):
        bounds = hint.get(key)
        if not bounds or months is None:
            continue
        # age_years counts whole years lived: 18 years means from the 216th month on
        if not _within(months if unit == 1 else months // 12, bounds):
            return -1
        fits += 1
    return fits


def rank_forms(
    forms: Iterable[FormDef], birth_date: Any, category_code: str | None, today: date | None = None
) -> list[FormDef]:
    """The forms best suited to the case first; forms that fit equally keep their given order."""
    months = age_in_months(birth_date, today)
    listed = list(forms)
    fits = [_fit(f.applies_to or {}, months, category_code) for f in listed]
    # fitting forms (most hints first), then forms without hints, then ruled-out ones
    order = sorted(range(len(listed)), key=lambda i: (-fits[i] if fits[i] >= 0 else 1, i))
    return [listed[i] for i in order]
