"""Serving pull pages: the changed rows a device may see, and removals of rows that left its scope.

A page is the changelog rows with since < seq <= the committed maximum that are visible to the user
(upserts) or belong to a case the device holds but may no longer see (removals). `device_cases` records the
cases a device was sent; a removal is forgotten only when the device pulls with a cursor at or past the page
that carried it, so a lost response is answered again. The JSON body is assembled directly from the stored
row JSON: pulls are the hot path (a first sync moves the whole scope).
"""

from __future__ import annotations

import json
import time

from sqlalchemy import Connection, and_, case, delete, or_, select, update
from starlette.responses import Response

from caseworker.server.auth import Principal, iso
from caseworker.server.db import Database, changelog, device_cases, devices, max_seq
from caseworker.server.push import outdated
from caseworker.server.scope import held_clause, visible_clause
from caseworker.sync import protocol as p


def _body(
    parts: list[str], cursor: int, has_more: bool, now: str, update_required: bool, reset: bool
) -> Response:
    flags = (
        f'"cursor":{cursor},"has_more":{json.dumps(has_more)},"server_time":"{now}",'
        f'"update_required":{json.dumps(update_required)},"reset":{json.dumps(reset)}'
    )
    return Response('{"changes":[' + ",".join(parts) + "]," + flags + "}", media_type="application/json")


def pull(
    database: Database, pr: Principal, since: int, limit: int, protocol_version: int, schema_version: int
) -> Response:
    now = iso(time.time())
    limit = max(1, min(limit, p.MAX_PULL_LIMIT))
    if outdated(protocol_version, schema_version):
        return _body([], since, False, now, True, False)
    c = changelog.c
    with database.read() as conn:
        needs_reset = conn.execute(
            select(devices.c.needs_reset).where(devices.c.device_id == pr.device_id)
        ).scalar()
        upto = max_seq(conn)
        if since > upto or (needs_reset and since != 0):
            # The scope changed under the device (or the server was restored): start again from zero.
            return _body([], 0, True, now, False, True)
        visible = visible_clause(pr)
        rows = conn.execute(
            select(
                c.seq,
                c.table_name,
                c.row_id,
                c.data,
                c.version,
                c.case_id,
                case((visible, 1), else_=0).label("visible"),
            )
            .where(c.seq > since, c.seq <= upto, or_(visible, held_clause(pr.device_id)))
            .order_by(c.seq)
            .limit(limit + 1)
        ).all()
        has_more = len(rows) > limit
        rows = rows[:limit]
        cursor = rows[-1].seq if has_more else upto
        added = {row.case_id for row in rows if row.visible and row.case_id}
        removed = {row.row_id for row in rows if not row.visible and row.table_name == "cases"}
        already = _held(conn, pr.device_id, added) if added else set()
    parts: list[str] = []
    for row in rows:
        rid = json.dumps(row.row_id)
        if row.visible:
            parts.append(
                f'{{"seq":{row.seq},"table":"{row.table_name}","row_id":{rid},"op":"upsert",'
                f'"row":{row.data},"version":{row.version}}}'
            )
        else:
            parts.append(
                f'{{"seq":{row.seq},"table":"{row.table_name}","row_id":{rid},"op":"remove",'
                f'"row":null,"version":{row.version}}}'
            )
    if needs_reset or removed or added - already:
        with database.write() as conn:
            _record(conn, pr.device_id, since, cursor, added - already, removed, bool(needs_reset))
    return _body(parts, cursor, has_more, now, False, False)


def _held(conn: Connection, device_id: str, case_ids: set[str]) -> set[str]:
    """Of these cases, those the device holds with no removal pending."""
    d = device_cases.c
    found: set[str] = set()
    ids = sorted(case_ids)
    for i in range(0, len(ids), 500):
        found.update(
            conn.execute(
                select(d.case_id).where(
                    d.device_id == device_id, d.case_id.in_(ids[i : i + 500]), d.removed_at_cursor.is_(None)
                )
            ).scalars()
        )
    return found


def _record(
    conn: Connection, device_id: str, since: int, cursor: int, added: set[str], removed: set[str], reset: bool
) -> None:
    d = device_cases.c
    if reset:
        conn.execute(update(devices).where(devices.c.device_id == device_id).values(needs_reset=0))
    # The device pulled from `since`, so it applied every page up to there: forget acknowledged removals.
    conn.execute(delete(device_cases).where(d.device_id == device_id, d.removed_at_cursor <= since))
    if added:
        ids = sorted(added)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            conn.execute(delete(device_cases).where(and_(d.device_id == device_id, d.case_id.in_(chunk))))
            conn.execute(device_cases.insert(), [{"device_id": device_id, "case_id": cid} for cid in chunk])
    for case_id in sorted(removed):
        conn.execute(
            update(device_cases)
            .where(d.device_id == device_id, d.case_id == case_id)
            .values(removed_at_cursor=cursor)
        )
