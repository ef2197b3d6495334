"""Derived, local-only growth status per case (latest z-scores and alert codes), kept current on every
write so the supervisor dashboard never computes z-scores for thousands of children while it opens."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

import sqlite_utils

from caseworker.growth.alerts import DROP_INDICATORS, alerts
from caseworker.growth.records import result_for

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
        " m.oedema, m.muac_cm FROM measurements m JOIN cases c ON c.id = m.case_id JOIN persons p ON p.id = c.person_id"
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
        "muac_cm",  # the MUAC cut-off alerts; skinfolds raise no alert, so they are not read here
    )
    by_case: dict[str, list[dict]] = {}
    persons: dict[str, dict] = {}
    for values in rows:
        r = dict(zip(names, values, strict=True))
        by_case.setdefault(r["case_id"], []).append(r)
        persons[r["case_id"]] = {"birth_date": r["birth_date"], "sex": r["sex"]}
    out = [row for case_id, ms in by_case.items() if (row := status_row(case_id, persons[case_id], ms))]
    conn.executemany("INSERT OR REPLACE INTO growth_status VALUES (?,?,?,?,?,?)", out)


def status_row(case_id: str, person: dict, measurements: Iterable[dict]) -> tuple | None:
    """The growth_status row of one case: its latest z-scores and the alert codes of its latest visit (as
    `alerts(history(person, measurements))` gives them), or None without a usable measurement.

    Only the visits the alerts look at get their z-scores computed: the latest, and before it as many as
    it takes to find, for each indicator a drop is checked on, the closest earlier visit where it shows.
    """
    ms = sorted(measurements, key=lambda r: r.get("measured_at") or "")
    tail = []  # (day, result), newest first
    i = len(ms) - 1
    need: set[str] = set()
    while i >= 0:
        m = ms[i]
        i -= 1
        result = result_for(person, m)
        if result is None:
            continue
        if tail:
            need = {ind for ind in need if not _shows(result, ind)}
        else:
            need = {ind for ind in DROP_INDICATORS if _shows(result, ind)}
            if result.length_cm is not None:
                need.add("length")
        tail.append((date.fromisoformat(m["measured_at"][:10]), result))
        if not need:
            break
    if not tail:
        return None
    on, last = tail[0]
    codes = sorted({a.code for a in alerts(tail[::-1], latest_only=True)})
    return (case_id, on.isoformat(), last.waz, last.haz, last.whz, json.dumps(codes))


def _shows(result, indicator: str) -> bool:
    """Whether the visit has a plausible value for `indicator` (what a drop is measured against), or for
    "length" a length at all (what a shrinking length is measured against)."""
    if indicator == "length":
        return result.length_cm is not None
    return result.z(indicator) is not None and indicator not in result.flags
