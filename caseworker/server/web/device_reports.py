"""What laptops tell the console at login and token refresh (issue 20): the header X-Caseworker-Report,
`app=VERSION;clock=ISO-UTC[;pending=N]` (sent by caseworker.sync.transport), kept per device in the table
device_reports. The clock skew is the laptop's clock minus the server's at arrival (a round trip adds
under a second). A missing or malformed header is ignored: a login never fails over it."""

from __future__ import annotations

import calendar
import re
import time
from typing import Any

from sqlalchemy import select

from caseworker.server.auth import iso
from caseworker.server.db import Database, device_reports, upsert

HEADER = "x-caseworker-report"
_FIELDS = re.compile(r"^[a-z]+=[A-Za-z0-9.:+\-]{0,40}$")


def parse(value: str | None, now: float) -> dict[str, Any] | None:
    if not value or len(value) > 200:
        return None
    fields = {}
    for part in value.split(";"):
        part = part.strip()
        if not _FIELDS.match(part):
            return None
        key, _, item = part.partition("=")
        fields[key] = item
    report: dict[str, Any] = {"app_version": fields.get("app") or None, "pending": None, "clock_skew": None}
    if fields.get("pending", "").isdigit():
        report["pending"] = min(int(fields["pending"]), 2**31 - 1)
    try:
        clock = calendar.timegm(time.strptime(fields.get("clock", ""), "%Y-%m-%dT%H:%M:%SZ"))
        report["clock_skew"] = max(-(2**31), min(2**31 - 1, round(clock - now)))
    except ValueError:
        pass
    return report


def record(database: Database, device_id: str, value: str | None, now: float | None = None) -> None:
    now = time.time() if now is None else now
    report = parse(value, now)
    if report is None:
        return
    with database.write() as conn:
        upsert(
            conn, device_reports, {"device_id": device_id, **report, "reported_at": iso(now)}, ["device_id"]
        )


def all_reports(conn: Any) -> dict[str, dict[str, Any]]:
    return {r.device_id: dict(r._mapping) for r in conn.execute(select(device_reports))}
