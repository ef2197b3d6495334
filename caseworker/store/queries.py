"""Read side: case lists (ids in order, rows by page), search, one case in full, navigation counts.

The case list reads `case_index` (one indexed row per case), so 100,000 cases sort and page quickly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from caseworker.domain.names import name_key
from caseworker.store.schema import CASE_RECORDS
from caseworker.store.store import Store

SORT_COLUMNS = {
    "name": "name_sort",
    "case_number": "case_number",
    "age": "birth_date",
    "category": "category_code",
    "stage": "stage",
    "worker": "assigned_to",
    "next_due": "next_due",
    "last_update": "last_update",
    "opened_at": "opened_at",
    "risk": "risk",
}


@dataclass(frozen=True)
class CaseFilter:
    text: str = ""
    stage: str | None = None
    category: str | None = None
    assigned_to: str | None = None
    status: str | None = "open"  # None = any
    overdue: bool = False
    conflict: bool = False
    on: str | None = None  # "today" for overdue checks (ISO date); defaults to the real today


def fts_query(text: str) -> str | None:
    """User text -> FTS5 query: every word must match as a prefix, spelling variants of names included."""
    words = [w for w in re.split(r"[^\w]+", text.casefold()) if w]
    if not words:
        return None
    parts = []
    for w in words:
        variants = {w}
        key = name_key(w)
        if key and key.isalnum():
            variants.add(key)
        if w.startswith(("moh", "moch", "mch")):  # a name typed halfway: Moham... -> Muham...
            variants.add("muh" + w.split("h", 1)[1])
        parts.append("(" + " OR ".join(f'"{v}"*' for v in sorted(variants)) + ")")
    return " AND ".join(parts)


def _where(f: CaseFilter) -> tuple[str, list[Any]]:
    clauses, params = ["deleted = 0"], []
    if f.status:
        clauses.append("status = ?")
        params.append(f.status)
    for column, value in (("stage", f.stage), ("category_code", f.category), ("assigned_to", f.assigned_to)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if f.overdue:
        clauses.append("next_due < ?")
        params.append(f.on or date.today().isoformat())
    if f.conflict:
        clauses.append("conflict = 1")
    match = fts_query(f.text)
    if match:
        clauses.append("case_id IN (SELECT case_id FROM case_search WHERE case_search MATCH ?)")
        params.append(match)
    return " AND ".join(clauses), params


def case_ids(
    store: Store, f: CaseFilter = CaseFilter(), sort: str = "name", descending: bool = False
) -> list[str]:
    """All matching case ids in display order (the lazy table model fetches rows for them by page)."""
    column = SORT_COLUMNS.get(sort, "name_sort")
    order = "DESC" if descending else "ASC"
    nulls = "NULLS LAST" if not descending else "NULLS FIRST"
    where, params = _where(f)
    sql = f"SELECT case_id FROM case_index WHERE {where} ORDER BY {column} {order} {nulls}, case_id"
    return [r[0] for r in store.conn.execute(sql, params)]


def case_page(
    store: Store, f: CaseFilter = CaseFilter(), sort: str = "name", descending: bool = False,
    offset: int = 0, limit: int = 100,
) -> list[dict[str, Any]]:  # fmt: skip
    column = SORT_COLUMNS.get(sort, "name_sort")
    order = "DESC" if descending else "ASC"
    where, params = _where(f)
    sql = f"SELECT * FROM case_index WHERE {where} ORDER BY {column} {order}, case_id LIMIT ? OFFSET ?"
    return store.query(sql, [*params, limit, offset])


def case_rows(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in store.query(
            f"SELECT * FROM case_index WHERE case_id IN ({','.join('?' * len(chunk))})", chunk
        ):
            out[row["case_id"]] = row
    return out


def count_cases(store: Store, f: CaseFilter = CaseFilter()) -> int:
    where, params = _where(f)
    return store.conn.execute(f"SELECT count(*) FROM case_index WHERE {where}", params).fetchone()[0]


def navigation_counts(store: Store, today: str | None = None) -> dict[str, int]:
    me = store.user.username
    return {
        "mine": count_cases(store, CaseFilter(assigned_to=me)),
        "facility": count_cases(store, CaseFilter()),
        "due": count_cases(store, CaseFilter(overdue=True, on=today)),
        "conflicts": count_cases(store, CaseFilter(status=None, conflict=True)),
    }


def find_case(store: Store, ref: str) -> dict[str, Any] | None:
    """A case by its number (any case, dashes optional) or id."""
    ref = ref.strip()
    row = store.one(
        "SELECT * FROM cases WHERE (case_number = ? OR id = ?) AND deleted = 0", [ref.upper(), ref]
    )
    if row is None and "-" not in ref:
        row = store.one(
            "SELECT * FROM cases WHERE replace(case_number, '-', '') = ? AND deleted = 0", [ref.upper()]
        )
    return row


def records(store: Store, table: str, case_id: str) -> list[dict[str, Any]]:
    order = {
        "assessments": "assessed_at",
        "notes": "noted_at",
        "measurements": "measured_at",
        "tasks": "due_date",
        "interventions": "provided_at",
        "referrals": "referred_at",
        "stage_changes": "changed_at",
    }.get(table, "created_at")
    rows = store.query(
        f"SELECT * FROM {table} WHERE case_id = ? AND deleted = 0 ORDER BY {order}, id", [case_id]
    )
    for row in rows:
        for key in ("data", "scores"):
            if isinstance(row.get(key), str) and row[key]:
                row[key] = json.loads(row[key])
    return rows


def case_full(store: Store, case_id: str) -> dict[str, Any]:
    """One case as the export and the reports see it: the case, its person, and every record list."""
    case = store.one("SELECT * FROM cases WHERE id = ?", [case_id])
    if case is None:
        from caseworker.errors import NotFound

        raise NotFound(f"case {case_id}")
    person = store.one("SELECT * FROM persons WHERE id = ?", [case["person_id"]]) or {}
    if isinstance(person.get("disabilities"), str) and person["disabilities"]:
        person["disabilities"] = json.loads(person["disabilities"])
    out = dict(case)
    out["person"] = person
    out["relations"] = store.query(
        "SELECT r.*, p.name AS related_name, p.birth_date AS related_birth_date FROM relations r"
        " LEFT JOIN persons p ON p.id = r.related_person_id WHERE r.person_id = ? AND r.deleted = 0",
        [case["person_id"]],
    )
    for table in CASE_RECORDS:
        out[table] = records(store, table, case_id)
    return out


def case_history(store: Store, case_id: str) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM audit WHERE case_id = ? ORDER BY seq DESC", [case_id])


def age_years(birth_date: str | None, on: date | None = None) -> int | None:
    if not birth_date:
        return None
    born, today = date.fromisoformat(birth_date), on or date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
