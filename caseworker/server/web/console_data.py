"""What the admin console shows besides the admin module's lists: devices with their last syncs, the login
throttle's state, the server's health (issue 20). Reads only, except `unlock`."""

from __future__ import annotations

import os
import time
from typing import Any

from sqlalchemy import delete, func, select, text

from caseworker import __version__
from caseworker.server import auth
from caseworker.server.db import (
    Database,
    applied_mutations,
    changelog,
    devices,
    login_failures,
    meta,
    users,
    web_sessions,
)
from caseworker.server.web import device_reports

BEHIND_DAYS = 7
SKEW_WARN = 300  # seconds: a laptop clock off by more than 5 minutes is flagged (DESIGN.md)
STARTED = time.time()


def device_rows(database: Database, now: float) -> list[dict[str, Any]]:
    """Every device with its user, role and facility, its last login and last push (the newest change the
    server applied from it), and whether it is behind (nothing sent for BEHIND_DAYS)."""
    pushes = (
        select(
            applied_mutations.c.device_id,
            func.max(applied_mutations.c.applied_at).label("last_push"),
            func.count().label("pushed"),
        )
        .group_by(applied_mutations.c.device_id)
        .subquery()
    )
    query = (
        select(
            devices, users.c.role, users.c.facility_code, users.c.active, pushes.c.last_push, pushes.c.pushed
        )
        .select_from(
            devices.outerjoin(users, users.c.username == devices.c.username).outerjoin(
                pushes, pushes.c.device_id == devices.c.device_id
            )
        )
        .order_by(users.c.facility_code, devices.c.username, devices.c.device_id)
    )
    with database.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
        reports = device_reports.all_reports(conn)
    limit = auth.iso(now - BEHIND_DAYS * 86400)
    for row in rows:
        report = reports.get(row["device_id"], {})
        row.update(app_version=report.get("app_version"), pending=report.get("pending"),
                   clock_skew=report.get("clock_skew"), reported_at=report.get("reported_at"),
                   skew_text=skew_text(report.get("clock_skew")),
                   skew_warn=abs(report.get("clock_skew") or 0) > SKEW_WARN)  # fmt: skip
        latest = max(filter(None, (row["last_push"], row["last_seen_at"])), default=None)
        row["behind"] = not row["revoked_at"] and (latest is None or latest < limit)
    return rows


def skew_text(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    if abs(seconds) < 60:
        return f"{seconds:+d} s"
    if abs(seconds) < 48 * 3600:
        return f"{round(seconds / 60):+d} min"
    return f"{round(seconds / 3600):+d} h"


def throttle_rows(database: Database, now: float) -> list[dict[str, Any]]:
    """The throttle's counters (keyed hashes: they name nobody), locked ones first."""
    cutoff = now - auth.Settings().failure_memory
    with database.read() as conn:
        rows = conn.execute(
            select(login_failures)
            .where((login_failures.c.locked_until > now) | (login_failures.c.last_failure_at > cutoff))
            .order_by(login_failures.c.locked_until.desc(), login_failures.c.last_failure_at.desc())
            .limit(500)
        ).all()
    return [
        {
            "kind": r.key.split(":", 1)[0],
            "key": r.key.split(":", 1)[1][:12],
            "failures": r.failures,
            "last_failure_at": auth.iso(r.last_failure_at),
            "locked_until": auth.iso(r.locked_until) if r.locked_until > now else None,
        }
        for r in rows
    ]


def _keys_for(conn: Any, name: str) -> list[str]:
    secret = conn.execute(select(meta.c.value).where(meta.c.key == auth.KEY_SECRET)).scalar()
    if secret is None:
        return []
    return auth.throttle_keys(bytes.fromhex(secret), name, name)  # as a username and as an address


def lookup(database: Database, name: str, now: float) -> list[dict[str, Any]]:
    """The counters of a username or an address typed by the admin."""
    with database.read() as conn:
        keys = _keys_for(conn, name.strip())
        rows = (
            conn.execute(select(login_failures).where(login_failures.c.key.in_(keys))).all() if keys else []
        )
    return [
        {
            "kind": r.key.split(":", 1)[0],
            "failures": r.failures,
            "last_failure_at": auth.iso(r.last_failure_at),
            "locked_until": auth.iso(r.locked_until) if r.locked_until > now else None,
        }
        for r in rows
    ]


def unlock(database: Database, name: str) -> int:
    """Forget the failures of a username or an address; how many counters went."""
    with database.write() as conn:
        keys = _keys_for(conn, name.strip())
        if not keys:
            return 0
        return conn.execute(delete(login_failures).where(login_failures.c.key.in_(keys))).rowcount or 0


def health(database: Database, now: float) -> dict[str, Any]:
    started = time.perf_counter()
    with database.read() as conn:
        conn.execute(text("SELECT 1"))
        figures = {
            "users": conn.execute(select(func.count()).select_from(users)).scalar(),
            "devices": conn.execute(select(func.count()).select_from(devices)).scalar(),
            "rows": conn.execute(select(func.count()).select_from(changelog)).scalar(),
            "max_seq": conn.execute(select(func.max(changelog.c.seq))).scalar() or 0,
            "sessions": conn.execute(
                select(func.count()).select_from(web_sessions).where(web_sessions.c.expires_at > now)
            ).scalar(),
            "locked": conn.execute(
                select(func.count()).select_from(login_failures).where(login_failures.c.locked_until > now)
            ).scalar(),
            "db_version": conn.execute(
                select(meta.c.value).where(meta.c.key == "server_db_version")
            ).scalar(),
        }
    figures["db_ms"] = round((time.perf_counter() - started) * 1000, 1)
    figures["dialect"] = database.engine.dialect.name
    path = database.engine.url.database if database.is_sqlite else None
    figures["db_size"] = os.path.getsize(path) if path and os.path.exists(path) else None
    figures["version"] = __version__
    figures["server_time"] = auth.iso(now)
    figures["started"] = auth.iso(STARTED)
    return figures
