"""Serving pull pages: the changed rows a device may see, and removals of rows that left its scope.

A page is the changelog rows with since < seq <= the committed maximum that are visible to the user
(upserts) or belong to a case the device holds but may no longer see (removals). `device_cases` records the
cases a device was sent; a removal is forgotten only when the device pulls with a cursor at or past the page
that carried it, so a lost response is answered again. The JSON body is assembled directly from the stored
row JSON: pulls are the hot path (a first sync moves the whole scope).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, bindparam, delete, exists, select, update
from starlette.responses import Response

from caseworker.server.auth import Principal, iso
from caseworker.server.db import (
    Database,
    changelog,
    device_cases,
    devices,
    execute_rows,
    fetch_tuples,
    max_seq,
)
from caseworker.server.push import outdated
from caseworker.server.scope import page_query
from caseworker.sync import protocol as p

# Row ids needing no JSON escaping (UUIDs, as devices make them): quoted as they are, a third of json.dumps.
_PLAIN_ID = re.compile(r"[A-Za-z0-9_.:-]*").fullmatch
_PROBE_LIMIT = 100  # visible cases in a page up to which _held is asked before writing
_MAX_SCAN = 1_000_000  # changelog seqs one pull reads at most (a sparse scope answers in several pulls)


def directory_etag(pr: Principal) -> str | None:
    """The ETag of the user's facility list (GET /facility/users), when the server keeps a tag for it."""
    return f'"{pr.directory_tag}"' if pr.directory_tag else None


def _body(
    pr: Principal,
    parts: list[str],
    cursor: int,
    has_more: bool,
    now: str,
    update_required: bool,
    reset: bool,
    shaped: _Columns | None = None,
) -> Response:
    flags = (
        f'"cursor":{cursor},"has_more":{json.dumps(has_more)},"server_time":"{now}",'
        f'"update_required":{json.dumps(update_required)},"reset":{json.dumps(reset)},'
        f'"directory_etag":{json.dumps(directory_etag(pr))}'
    )
    columns = "" if shaped is None else shaped.json() + ","
    return Response(
        '{"changes":[' + ",".join(parts) + "]," + columns + flags + "}", media_type="application/json"
    )


class _Columns:
    """A page in the column shape: each table's field names once, its rows as value lists (a page of
    5,000 clients is a third smaller as JSON, about 5 % on the wire after zstd). A row whose fields are
    not its table's list (an older row, a newer field) goes in the page's `changes` as it is."""

    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {}
        self.rows: list[str] = []

    def row(self, seq: int, table: str, quoted: str, data: str | None, version: int) -> str | None:
        """One change as a value list (`data` None: a removal), or None when it must go as a Change."""
        if data is None:
            return f'[{seq},"{table}",{quoted},{version},null]'
        row = json.loads(data)
        if not isinstance(row, dict):
            return None
        names = self.names.setdefault(table, list(row))
        if len(row) != len(names) or any(k not in row for k in names):
            return None
        return f'[{seq},"{table}",{quoted},{version},{_dumps([row[k] for k in names])}]'

    def json(self) -> str:
        return f'"columns":{_dumps(self.names)},"rows":[' + ",".join(self.rows) + "]"


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def pull(
    database: Database,
    identify: Callable[[Connection], Principal],
    since: int,
    limit: int,
    protocol_version: int,
    schema_version: int,
    max_bytes: int | None = None,
    shape: str | None = None,
    acknowledge: bool = True,
) -> tuple[Principal, Response]:
    """A page for the device `identify` authenticates, in the pull's own read transaction: at most `limit`
    changes and, when `max_bytes` is given, no more changes than fit in about that many bytes of JSON
    (always at least one, so a page is never empty while rows remain). `shape` "columns": the rows as
    value lists under a column list per table (_Columns). `acknowledge` False: pulling from `since` does
    not say the device applied the pages before it (a reply bundle's later pages, made before the device
    saw the earlier ones: their removals must stay until the device pulls past them itself)."""
    now = iso(time.time())
    limit = max(1, min(limit, p.MAX_PULL_LIMIT))
    with database.read() as conn:
        pr = identify(conn)
        if outdated(protocol_version, schema_version):
            return pr, _body(pr, [], since, False, now, True, False)
        needs_reset = pr.device_needs_reset
        upto = max_seq(conn)
        if since > upto or (needs_reset and since != 0):
            # The scope changed under the device (or the server was restored): start again from zero.
            return pr, _body(pr, [], 0, True, now, False, True)
        rows, cursor, has_more = _scan(conn, pr, since, upto, limit)
        # One pass over plain tuples (a first sync sends 100,000+ rows through here).
        parts: list[str] = []
        added: set[str] = set()
        removed: set[str] = set()
        dumps = json.dumps
        shaped = _Columns() if shape == "columns" else None
        size = 0
        for index, (seq, table, row_id, data, version, case_id, visible) in enumerate(rows):
            quoted = f'"{row_id}"' if _PLAIN_ID(row_id) else dumps(row_id)
            part = (
                None if shaped is None else shaped.row(seq, table, quoted, data if visible else None, version)
            )
            into = parts if part is None else shaped.rows  # type: ignore[union-attr]
            if part is None and visible:
                part = (f'{{"seq":{seq},"table":"{table}","row_id":{quoted},"op":"upsert",'
                        f'"row":{data},"version":{version}}}')  # fmt: skip
            elif part is None:
                part = (f'{{"seq":{seq},"table":"{table}","row_id":{quoted},"op":"remove",'
                        f'"row":null,"version":{version}}}')  # fmt: skip
            if max_bytes is not None and index > 0 and size + len(part) > max_bytes:
                cursor, has_more = rows[index - 1][0], True  # the rest comes with the next page
                break
            size += len(part) + 1
            into.append(part)
            if visible and case_id:
                added.add(case_id)
            elif not visible and table == "cases":
                removed.add(row_id)
        # Asking which of few cases the device holds saves a write; for a big page (a first sync) the upsert
        # in _record is cheaper than asking (and exact either way).
        already = _held(conn, pr.device_id, added) if 0 < len(added) <= _PROBE_LIMIT else set()
        record = needs_reset or removed or added - already
        held = (pr.device_id, since, cursor, added - already, removed, bool(needs_reset), acknowledge)
        if record and not database.is_sqlite:  # READ COMMITTED: the same transaction may write
            _record(conn, *held)
    if record and database.is_sqlite:  # the read was a snapshot; SQLite writes under its writer lock
        with database.write() as conn:
            _record(conn, *held)
    return pr, _body(pr, parts, cursor, has_more, now, False, False, shaped)


def _scan(
    conn: Connection, pr: Principal, since: int, upto: int, limit: int
) -> tuple[list[tuple[Any, ...]], int, bool]:
    """The page's rows, its cursor and whether more follow. The changelog is read in windows of seqs, each
    a bounded range scan of `ix_changelog_seq` whatever the planner believes about the table (PostgreSQL
    without statistics would otherwise read and sort every row past `since` for each page). A window
    grows while the device's share of the changelog is sparse; one pull scans at most _MAX_SCAN seqs and
    then answers the rows found so far, with the cursor at the end of the scanned range."""
    query, params = page_query(pr)
    rows: list[tuple[Any, ...]] = []
    low, span = since, limit + 1
    while low < upto:
        high = min(upto, low + span)
        rows.extend(
            fetch_tuples(conn, query, {**params, "low": low, "high": high, "n": limit + 1 - len(rows)})
        )
        if len(rows) > limit:
            return rows[:limit], rows[limit - 1][0], True  # its seq
        low = high
        if low - since >= _MAX_SCAN and low < upto:
            return rows, low, True
        span = min(span * 4, _MAX_SCAN)
    return rows, upto, False


_D = device_cases.c
_HELD = select(_D.case_id).where(
    _D.device_id == bindparam("device"),
    _D.case_id.in_(bindparam("ids", expanding=True)),
    _D.removed_at_cursor.is_(None),
)
# PostgreSQL: the ids as one JSON array parameter, so the statement stays prepared whatever their number
# (and a JSON string is cheaper for the driver to send than an array of strings).
_IDS_PG = "SELECT json_array_elements_text(%s::json)"
_HELD_PG = (
    "SELECT case_id FROM device_cases WHERE device_id = %s AND removed_at_cursor IS NULL"
    f" AND case_id = ANY(ARRAY({_IDS_PG}))"  # an array, read once: an index lookup per id
)
_DONE_RESET = update(devices).where(devices.c.device_id == bindparam("device")).values(needs_reset=0)
# A removal is acknowledged when the device pulls from a cursor at or past the page that carried it, and
# the case's row has not moved on since (a later change gives it a new seq: if the device lost the page
# with the removal meanwhile, only the row at its new seq can carry the removal again).
_FORGET = delete(device_cases).where(
    _D.device_id == bindparam("device"),
    _D.removed_at_cursor <= bindparam("since"),
    ~exists().where(
        changelog.c.table_name == "cases",
        changelog.c.row_id == _D.case_id,
        changelog.c.seq > bindparam("since"),
    ),
)
_REMOVING = (
    update(device_cases)
    .where(_D.device_id == bindparam("device"), _D.case_id == bindparam("case"))
    .values(removed_at_cursor=bindparam("cursor"))
)
# Held from now on (again, if a removal was pending): an upsert by primary key.
_HOLD_AGAIN = (
    " ON CONFLICT (device_id, case_id)"
    " DO UPDATE SET removed_at_cursor = NULL WHERE device_cases.removed_at_cursor IS NOT NULL"
)
_HOLD = "INSERT INTO device_cases (device_id, case_id) VALUES (?, ?)" + _HOLD_AGAIN
# PostgreSQL: all the cases in one parameter, one statement (a row each costs more in the driver).
_HOLD_ALL_PG = (
    f"INSERT INTO device_cases (device_id, case_id) SELECT %s, ids.id FROM ({_IDS_PG}) AS ids(id)"
    + _HOLD_AGAIN
)


def _held(conn: Connection, device_id: str, case_ids: set[str]) -> set[str]:
    """Of these cases, those the device holds with no removal pending."""
    ids = sorted(case_ids)
    if conn.dialect.name == "postgresql":
        return {row[0] for row in conn.exec_driver_sql(_HELD_PG, (device_id, json.dumps(ids)))}
    found: set[str] = set()
    for i in range(0, len(ids), 500):
        found.update(conn.execute(_HELD, {"device": device_id, "ids": ids[i : i + 500]}).scalars())
    return found


def _record(
    conn: Connection,
    device_id: str,
    since: int,
    cursor: int,
    added: set[str],
    removed: set[str],
    reset: bool,
    acknowledge: bool = True,
) -> None:
    if reset:
        conn.execute(_DONE_RESET, {"device": device_id})
    # The device pulled from `since`, so it applied every page up to there: forget acknowledged removals.
    if acknowledge:
        conn.execute(_FORGET, {"device": device_id, "since": since})
    if added:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(_HOLD_ALL_PG, (device_id, json.dumps(sorted(added))))
        else:
            execute_rows(conn, _HOLD, [(device_id, case_id) for case_id in sorted(added)])
    for case_id in sorted(removed):
        conn.execute(_REMOVING, {"device": device_id, "case": case_id, "cursor": cursor})
