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

from sqlalchemy import select

from caseworker.server import logs
from caseworker.server.db import Database, max_seq, overview_snapshots, upsert
from caseworker.server.web import aggregates

FRESH = 600.0  # seconds a month's counts are shown as they are after the changelog moved
BACKGROUND = True  # tests in process turn the background counting off (nothing outlives a test)
_lock = threading.Lock()
_running: dict[tuple[int, str], threading.Event] = {}  # (database, month) -> set when counted


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def compute(database: Database, month: str) -> dict[str, Any]:
    started = time.perf_counter()
    today = datetime.now(UTC).date()
    with database.read() as conn:
        seq = max_seq(conn)
        counts = aggregates.raw(conn, month, today)
    payload = json.dumps(counts, separators=(",", ":"))
    now = time.time()
    with database.write() as conn:
        upsert(conn, overview_snapshots, {"month": month, "computed_at": now, "max_seq": seq, "payload": payload},
               ["month"])  # fmt: skip
    logs.event(
        "overview_counted", month=month, ms=round((time.perf_counter() - started) * 1000), bytes=len(payload)
    )
    return {**counts, "computed_at": now}


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


def _stored(database: Database, month: str) -> tuple[dict[str, Any] | None, bool]:
    """The kept counts of `month` (with their computed_at) and whether they are current."""
    with database.read() as conn:
        row = conn.execute(select(overview_snapshots).where(overview_snapshots.c.month == month)).first()
        if row is None:
            return None, False
        moved = max_seq(conn) != row.max_seq
    counts = json.loads(row.payload)
    counts["computed_at"] = row.computed_at
    current = counts.get("today") == _today() and (not moved or time.time() - row.computed_at < FRESH)
    return counts, current


def counts_of(database: Database, month: str) -> dict[str, Any]:
    """A month's counts for a page: kept ones at once (counted anew in the background when old)."""
    counts, current = _stored(database, month)
    if counts is None:
        _count_once(database, month)
        counts, current = _stored(database, month)
        assert counts is not None
    if not current:
        refresh_in_background(database, month)
    return counts


def warm(database: Database) -> None:
    """Count this month and the previous one in the background, unless they are current."""
    months = aggregates.Filters(datetime.now(UTC).strftime("%Y-%m")).months(2)
    for month in months:
        counts, current = _stored(database, month)
        if not current:
            refresh_in_background(database, month)
