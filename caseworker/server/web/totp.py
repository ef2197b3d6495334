"""An admin's optional second factor: TOTP (RFC 6238) through pyotp (table admin_totp, issue 20).

A secret is made when the admin turns it on and counts only once a code from it was typed back. A code is
taken once: its time step is remembered, so a code seen over a shoulder cannot be used again."""

from __future__ import annotations

import time

import pyotp
from sqlalchemy import delete, select, update

from caseworker.server.auth import iso
from caseworker.server.db import Database, admin_totp, upsert

ISSUER = "Caseworker"


def enabled(database: Database, username: str) -> bool:
    with database.read() as conn:
        row = conn.execute(select(admin_totp.c.confirmed_at).where(admin_totp.c.username == username)).first()
    return row is not None and row.confirmed_at is not None


def begin(database: Database, username: str) -> str:
    """A new, unconfirmed secret for `username` (replacing an unconfirmed one); its base32 text."""
    secret = pyotp.random_base32()
    with database.write() as conn:
        upsert(conn, admin_totp, {"username": username, "secret": secret, "confirmed_at": None, "last_step": 0},
               ["username"])  # fmt: skip
    return secret


def pending_secret(database: Database, username: str) -> str | None:
    with database.read() as conn:
        row = conn.execute(select(admin_totp).where(admin_totp.c.username == username)).first()
    return row.secret if row is not None and row.confirmed_at is None else None


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def check(database: Database, username: str, code: str, confirming: bool = False) -> bool:
    """Whether `code` is right now (one step either side) and not used before; a confirmed secret's code,
    or with `confirming` the pending one's, which it then confirms."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return False
    now = time.time()
    with database.write() as conn:
        row = conn.execute(select(admin_totp).where(admin_totp.c.username == username)).first()
        if row is None or (row.confirmed_at is None) != confirming:
            return False
        totp = pyotp.TOTP(row.secret)
        step = int(now // totp.interval)
        for offset in (0, -1, 1):
            if step + offset > row.last_step and totp.verify(code, for_time=now + offset * totp.interval):
                values: dict[str, object] = {"last_step": step + offset}
                if confirming:
                    values["confirmed_at"] = iso(now)
                conn.execute(update(admin_totp).where(admin_totp.c.username == username).values(**values))
                return True
    return False


def remove(database: Database, username: str) -> None:
    with database.write() as conn:
        conn.execute(delete(admin_totp).where(admin_totp.c.username == username))
