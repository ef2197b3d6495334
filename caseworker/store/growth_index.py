"""Derived, local-only growth status per case (latest z-scores and alert codes), kept current on every
write so the supervisor dashboard never computes z-scores for thousands of children while it opens."""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlite_utils

from caseworker.growth.alerts import alerts
from caseworker.growth.records import history

CREATE = (
    "CREATE TABLE IF NOT EXISTS growth_status (case_id TEXT PRIMARY KEY, measured_at TEXT, waz REAL, haz REAL,"
    " whz REAL, alerts TEXT)"
)


def refresh_growth(db: sqlite_utils.Database, case_ids: Iterable[str] | None = None) -> None:
    conn = db.conn
    conn.execute(CREATE)
    where, params = "", []
    if case_ids is not None:
        ids = list(case_ids)
        if not ids:
            return
        where = f" AND m.case_id IN ({','.join('?' * len(ids))})"
        params = ids
        conn.execute(f"DELETE FROM growth_status WHERE case_id IN ({','.join('?' * len(ids))})", ids)
    else:
        conn.execute("DELETE FROM growth_status")
    rows = conn.execute(
        "SELECT m.case_id, p.birth_date, p.sex, m.measured_at, m.weight_kg, m.length_cm, m.position, m.head_cm,"
        " m.oedema FROM measurements m JOIN cases c ON c.id = m.case_id JOIN persons p ON p.id = c.person_id"
        f" WHERE m.deleted = 0{where} ORDER BY m.case_id, m.measured_at",
        params,
    )
    names = (
        "case_id",
        "birth_date",
        "sex",
        "measured_at",
        "weight_kg",
        "length_cm",
        "position",
        "head_cm",
        "oedema",
    )
    by_case: dict[str, list[dict]] = {}
    persons: dict[str, dict] = {}
    for values in rows:
        r = dict(zip(names, values, strict=True))
        by_case.setdefault(r["case_id"], []).append(r)
        persons[r["case_id"]] = {"birth_date": r["birth_date"], "sex": r["sex"]}
    out = []
    for case_id, ms in by_case.items():
        h = history(persons[case_id], ms)
        if not h:
            continue
        on, last = h[-1]
        codes = sorted({a.code for a in alerts(h, latest_only=True)})
        out.append((case_id, on.isoformat(), last.waz, last.haz, last.whz, json.dumps(codes)))
    conn.executemany("INSERT OR REPLACE INTO growth_status VALUES (?,?,?,?,?,?)", out)
