"""Reading stored values that may be malformed (an older server accepted anything; a row may have been
written by hand): views show the raw text or nothing, and keep going.

    json_or_raw('{"a": 1}') -> {"a": 1}        json_or_raw("{bukan json") -> "{bukan json"
    day_of("2026-10-01T03:00:00Z") -> date(2026, 10, 1)      day_of("kemarin") -> None
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any


def json_or_raw(value: Any) -> Any:
    """A stored JSON text decoded; anything that is not JSON text comes back as it is."""
    if not isinstance(value, str) or not value:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def day_of(value: Any) -> date | None:
    """The day of a stored ISO date or timestamp (its first ten characters), or None when it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
