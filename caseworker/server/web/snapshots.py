"""The provincial overview's counts, kept per month (table overview_snapshots, issue 20).

Counting a province (200,000 cases, 2,000,000 records) takes the database tens of seconds, since every
figure reads the rows' JSON; a page must come in a second. So a month's counts are computed once for
every facility and kabupaten/kota (aggregates.raw) and kept; a page, a filter or an export folds them
(aggregates.fold) in milliseconds. Kept counts are used while the changelog has not moved since, and for
FRESH seconds after it has (stating when they were counted); older ones are still shown while one
background thread of this process counts anew. A month never counted yet is counted while the page waits.
Signing in as province starts counting the current and the previous month in the background."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select

from caseworker.server import logs
from caseworker.server.db import Database, max_seq, overview_snapshots
from caseworker.server.web import aggregates

FRESH = 600.0  # seconds a month's counts are shown as they are after the changelog moved
BACKGROUND = True  # tests in process turn the background counting off (nothing outlives a test)
_lock = threading.Lock()
_running: dict[tuple[int, str], threading.Event] = {}  # (database, month) -> set when counted


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def compute(database: Database, month: str) -> None:
    """Count `month` and keep its overview for the province and for every kabupaten/kota."""
    started = time.perf_counter()
    today = datetime.now(UTC).date()
    with database.read() as conn:
        seq = max_seq(conn)
        counts = aggregates.raw(conn, month, today)
    extra = {"kabupaten_codes": counts["kabupaten"], "today": counts["today"]}
    rows = [
        {"month": month, "kabupaten": kab, "max_seq": seq,
         "payload": json.dumps({**aggregates.to_json(o), **extra}, separators=(",", ":"))}
        for kab, o in aggregates.fold_all(counts).items()
    ]  # fmt: skip
    now = time.time()
    with database.write() as conn:
        conn.execute(delete(overview_snapshots).where(overview_snapshots.c.month == month))
        conn.execute(overview_snapshots.insert(), [{**row, "computed_at": now} for row in rows])
    ms = round((time.perf_counter() - started) * 1000)
    logs.event("overview_counted", month=month, ms=ms, kabupaten=len(rows) - 1)


def _count_once(database: Database, month: str) -> None:
    """Count `month` unless this process already is (then wait for it)."""
    key = (id(database), month)
    with _lock:
        done = _running.get(key)
        mine = done is None
        if mine:
            done = _running[key] = threading.Event()
    if not mine:
        done.wait(timeout=600)
        return
    try:
        compute(database, month)
    finally:
        with _lock:
            _running.pop(key, None)
        done.set()


def refresh_in_background(database: Database, month: str) -> None:
    if not BACKGROUND:
        return
    with _lock:
        if (id(database), month) in _running:
            return
    threading.Thread(
        target=_count_once, args=(database, month), name=f"overview-{month}", daemon=True
    ).start()


def _stored(
    database: Database, month: str, kabupaten: str | None = None
) -> tuple[dict[str, Any] | None, bool]:
    """The kept overview of `month` and a kabupaten/kota (None: the province) as JSON, with its
    computed_at, and whether the month's counts are current. A month counted without that kabupaten has
    none of its clients: its overview is then the province's emptied."""
    c = overview_snapshots.c
    with database.read() as conn:
        row = conn.execute(
            select(overview_snapshots).where(c.month == month, c.kabupaten == (kabupaten or ""))
        ).first()
        if row is None:
            row = conn.execute(select(overview_snapshots).where(c.month == month, c.kabupaten == "")).first()
            if row is None:
                return None, False
            data = json.loads(row.payload)
            data = {**aggregates.to_json(aggregates.Overview(aggregates.Filters(month, kabupaten), data["facilities"])),
                    "kabupaten_codes": data["kabupaten_codes"], "today": data["today"]}  # fmt: skip
        else:
            data = json.loads(row.payload)
        moved = max_seq(conn) != row.max_seq
    data["computed_at"] = row.computed_at
    current = data.get("today") == _today() and (not moved or time.time() - row.computed_at < FRESH)
    return data, current


def overview_of(database: Database, month: str, kabupaten: str | None) -> dict[str, Any]:
    """A page's overview (JSON, aggregates.from_json): kept at once, counted anew in the background when
    old; a month never counted is counted while the page waits."""
    data, current = _stored(database, month, kabupaten)
    if data is None:
        _count_once(database, month)
        data, current = _stored(database, month, kabupaten)
        assert data is not None
    if not current:
        refresh_in_background(database, month)
    return data


def warm(database: Database) -> None:
    """Count this month and the previous one in the background, unless they are current."""
    months = aggregates.Filters(datetime.now(UTC).strftime("%Y-%m")).months(2)
    for month in months:
        counts, current = _stored(database, month)
        if not current:
            refresh_in_background(database, month)
