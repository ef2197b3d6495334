"""Logins, device-bound tokens and throttling of failed logins.

Tokens are random (256 bit), shown to the client once and stored only as sha256 hashes. Every request
re-checks the token's device (revoked?) and user (disabled?), so revocation takes effect at once.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, bindparam, delete, select, update

from caseworker.server import db as t
from caseworker.server.db import Database, upsert
from caseworker.server.errors import ApiError
from caseworker.sync import protocol as p

_hasher = PasswordHasher()  # argon2id with the library's recommended cost
_DUMMY_HASH = _hasher.hash("not a real password")


@dataclass
class Settings:
    access_ttl: float = 3600.0
    refresh_ttl: float = 30 * 86400.0
    user_failure_limit: int = 5
    address_failure_limit: int = 20  # an office shares one address behind NAT
    lock_seconds: float = 30.0  # doubles with every further failure
    max_lock_seconds: float = 3600.0
    failure_memory: float = 900.0  # failures older than this are forgotten
    now: Callable[[], float] = field(default=time.time)


@dataclass(frozen=True)
class Principal:
    """The authenticated user of a request, with the device the token is bound to."""

    username: str
    role: str
    facility_code: str | None
    worker_scope: str
    device_id: str
    full_name: str | None = None
    directory_tag: str | None = None  # of the facility's list of users (see db.directory_tags)
    device_needs_reset: bool = False  # the device's scope changed: its next pull starts from zero


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def _check_throttle(conn: Connection, keys: list[str], now: float) -> None:
    rows = conn.execute(select(t.login_failures).where(t.login_failures.c.key.in_(keys))).all()
    wait = max((r.locked_until - now for r in rows), default=0.0)
    if wait > 0:
        seconds = math.ceil(wait)
        raise ApiError(429, "too_many_attempts", headers={"Retry-After": str(seconds)}, seconds=seconds)


def _record_failure(conn: Connection, key: str, limit: int, settings: Settings, now: float) -> None:
    row = conn.execute(select(t.login_failures).where(t.login_failures.c.key == key)).first()
    failures = 0 if row is None or now - row.last_failure_at > settings.failure_memory else row.failures
    failures += 1
    locked_until = 0.0
    if failures >= limit:
        lock = min(settings.max_lock_seconds, settings.lock_seconds * 2 ** (failures - limit))
        locked_until = now + lock
    upsert(
        conn,
        t.login_failures,
        {"key": key, "failures": failures, "last_failure_at": now, "locked_until": locked_until},
        ["key"],
    )


def _issue(conn: Connection, kind: str, username: str, device_id: str, expires_at: float) -> str:
    token = secrets.token_urlsafe(32)
    conn.execute(
        t.tokens.insert().values(
            token_hash=token_hash(token),
            kind=kind,
            username=username,
            device_id=device_id,
            expires_at=expires_at,
        )
    )
    return token


def _facility_info(conn: Connection, code: str | None) -> p.FacilityInfo | None:
    if code is None:
        return None
    row = conn.execute(select(t.facilities).where(t.facilities.c.code == code)).first()
    if row is None:
        return None
    return p.FacilityInfo(code=row.code, name=row.name, address=row.address, worker_scope=row.worker_scope)


def login(database: Database, settings: Settings, req: p.LoginRequest, address: str) -> p.LoginResponse:
    if req.protocol_version < p.MIN_PUSH_PROTOCOL_VERSION:
        raise ApiError(426, "protocol_too_old")
    now = settings.now()
    keys = [f"user:{req.username.lower()}", f"addr:{address}"]
    with database.read() as conn:
        _check_throttle(conn, keys, now)
        user = conn.execute(select(t.users).where(t.users.c.username == req.username)).first()
    # Verify outside any transaction: argon2 is slow on purpose and must not hold the write lock.
    if not verify_password(user.password_hash if user else None, req.password) or user is None:
        with database.write() as conn:
            _record_failure(conn, keys[0], settings.user_failure_limit, settings, now)
            _record_failure(conn, keys[1], settings.address_failure_limit, settings, now)
        raise ApiError(401, "invalid_credentials")
    if not user.active:
        raise ApiError(403, "user_disabled")
    with database.write() as conn:
        conn.execute(delete(t.login_failures).where(t.login_failures.c.key == keys[0]))
        device = conn.execute(select(t.devices).where(t.devices.c.device_id == req.device_id)).first()
        if device is not None and device.revoked_at:
            raise ApiError(403, "device_revoked")
        if device is None:
            conn.execute(
                t.devices.insert().values(
                    device_id=req.device_id,
                    username=user.username,
                    name=req.device_name,
                    created_at=iso(now),
                    last_seen_at=iso(now),
                )
            )
        else:
            changes: dict[str, object] = {"name": req.device_name or device.name, "last_seen_at": iso(now)}
            if device.username != user.username:
                # Another user on this device: drop the old sessions and rescan the scope from zero.
                conn.execute(delete(t.tokens).where(t.tokens.c.device_id == req.device_id))
                changes.update(username=user.username, needs_reset=1)
            conn.execute(update(t.devices).where(t.devices.c.device_id == req.device_id).values(**changes))
        access_exp, refresh_exp = now + settings.access_ttl, now + settings.refresh_ttl
        access = _issue(conn, "access", user.username, req.device_id, access_exp)
        refresh = _issue(conn, "refresh", user.username, req.device_id, refresh_exp)
        facility = _facility_info(conn, user.facility_code)
    return p.LoginResponse(
        access_token=access,
        access_expires_at=iso(access_exp),
        refresh_token=refresh,
        refresh_expires_at=iso(refresh_exp),
        user=p.UserInfo(
            username=user.username, full_name=user.full_name, role=user.role, facility_code=user.facility_code
        ),
        facility=facility,
        server_time=iso(now),
    )


_SESSION = (
    select(
        t.tokens.c.kind,
        t.tokens.c.expires_at,
        t.tokens.c.device_id,
        t.users.c.username,
        t.users.c.role,
        t.users.c.facility_code,
        t.users.c.full_name,
        t.users.c.active,
        t.devices.c.revoked_at,
        t.devices.c.needs_reset,
        t.devices.c.username.label("device_user"),
        t.facilities.c.worker_scope,
        t.directory_tags.c.tag.label("directory_tag"),
    )
    .select_from(
        t.tokens.join(t.users, t.users.c.username == t.tokens.c.username)
        .join(t.devices, t.devices.c.device_id == t.tokens.c.device_id)
        .outerjoin(t.facilities, t.facilities.c.code == t.users.c.facility_code)
        .outerjoin(t.directory_tags, t.directory_tags.c.facility_code == t.users.c.facility_code)
    )
    .where(t.tokens.c.token_hash == bindparam("token_hash"))
)  # built once: every request runs it


def _session(conn: Connection, token: str, kind: str, now: float):  # -> Row
    row = conn.execute(_SESSION, {"token_hash": token_hash(token)}).first()
    if row is None or row.kind != kind or row.device_user != row.username:
        raise ApiError(401, "token_invalid")
    if row.revoked_at:
        raise ApiError(403, "device_revoked")
    if not row.active:
        raise ApiError(403, "user_disabled")
    if row.expires_at <= now:
        raise ApiError(401, "token_expired")
    return row


def authenticate(database: Database, settings: Settings, authorization: str | None) -> Principal:
    with database.read() as conn:
        return principal_in(conn, settings, authorization)


def principal_in(conn: Connection, settings: Settings, authorization: str | None) -> Principal:
    """The request's user and device, read in the caller's transaction (a pull reads it in its own)."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise ApiError(401, "token_invalid")
    row = _session(conn, authorization[7:].strip(), "access", settings.now())
    return Principal(
        username=row.username,
        role=row.role,
        facility_code=row.facility_code,
        worker_scope=(row.worker_scope or "facility") if row.facility_code else "facility",
        device_id=row.device_id,
        full_name=row.full_name,
        directory_tag=row.directory_tag,
        device_needs_reset=bool(row.needs_reset),
    )


def refresh(database: Database, settings: Settings, req: p.RefreshRequest) -> p.RefreshResponse:
    now = settings.now()
    with database.write() as conn:
        row = _session(conn, req.refresh_token, "refresh", now)
        if row.device_id != req.device_id:
            raise ApiError(401, "token_invalid")
        conn.execute(
            delete(t.tokens).where(t.tokens.c.device_id == row.device_id, t.tokens.c.expires_at <= now)
        )
        access_exp = now + settings.access_ttl
        access = _issue(conn, "access", row.username, row.device_id, access_exp)
    return p.RefreshResponse(
        access_token=access,
        access_expires_at=iso(access_exp),
        refresh_expires_at=iso(row.expires_at),
        server_time=iso(now),
    )


def logout(database: Database, principal: Principal) -> None:
    with database.write() as conn:
        conn.execute(delete(t.tokens).where(t.tokens.c.device_id == principal.device_id))
