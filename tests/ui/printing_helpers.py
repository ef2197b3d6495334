"""Shared by the printing tests: a real encrypted store with cases of several kinds, and audit look-ups."""

from __future__ import annotations

import json
from typing import Any

from caseworker.store.queries import case_history
from caseworker.store.store import Store


def audit_entries(store: Store, case_id: str, action: str) -> list[dict[str, Any]]:
    rows = [r for r in case_history(store, case_id) if r["action"] == action]
    for r in rows:
        r["details"] = json.loads(r["details"] or "{}")
    return rows
