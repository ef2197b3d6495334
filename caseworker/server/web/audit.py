"""The audit of every admin action taken in the web console (table admin_audit, issue 20): who, when, which
action, on which account, facility or device, and the names of what changed. Never a password, a TOTP secret
or anything about clients."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import select

from caseworker.server.auth import iso
from caseworker.server.db import Database, admin_audit


def record(database: Database, actor: str, action: str, target: str | None = None, **details: Any) -> None:
    with database.write() as conn:
        conn.execute(
            admin_audit.insert().values(
                at=iso(time.time()),
                actor=actor,
                action=action,
                target=target,
                details=json.dumps(details, ensure_ascii=False, sort_keys=True) if details else None,
            )
        )


def recent(database: Database, limit: int = 200) -> list[dict[str, Any]]:
    with database.read() as conn:
        rows = conn.execute(select(admin_audit).order_by(admin_audit.c.id.desc()).limit(limit)).all()
    return [dict(r._mapping) for r in rows]
