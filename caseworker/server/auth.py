"""Logins, device-bound tokens and throttling of failed logins.

Tokens are random (256 bit), shown to the client once and stored only as sha256 hashes. Every request
re-checks the token's device (revoked?) and user (disabled?), so revocation takes effect at once.

Throttling: every login attempt is counted (per username and per client address) in one write transaction
*before* its password is verified, so concurrent guesses cannot all pass a check that none has recorded
yet; a correct password gives its attempt back. The counters are keyed by an HMAC of the name or address
with a random secret of this server (meta table), so the table never holds a username in clear.

Devices: a device id belongs to the account that first logged in with it. Another account may take the
device over (a shared laptop's "switch user") only by proving it holds the device: `device_token`, the
device's current refresh token. Without that proof the login answers 409 device_bound.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, bindparam, delete, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from caseworker.server import db as t
from caseworker.server.db import Database, upsert
from caseworker.server.errors import ApiError
from caseworker.sync import protocol as p

_hasher = PasswordHasher()  # argon2id with the library's recommended cost
_DUMMY_HASH = _hasher.hash("not a real password")
TRUSTED_PROXIES_ENV = "CASEWORKER_TRUSTED_PROXIES"  # comma-separated, as `serve --trusted-proxy`


@dataclass
class Settings:
    access_ttl: float = 3600.0
    refresh_ttl: float = 30 * 86400.0
    user_failure_limit: int = 5
    address_failure_limit: int = 20  # an office shares one address behind NAT
    lock_seconds: float = 30.0  # doubles with every further failure
    max_lock_seconds: float = 3600.0
    failure_memory: float = 900.0  # failures older than this are forgotten
    # Reverse proxies whose X-Forwarded-For is believed (IP addresses or networks); none by default, so a
    # client cannot pick the address its failed logins are counted under.
    trusted_proxies: tuple[str, ...] = ()
    now: Callable[[], float] = field(default=time.time)

    def is_trusted_proxy(self, host: str) -> bool:
        if not self.trusted_proxies:
            return False
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in parse_proxy(proxy) for proxy in self.trusted_proxies)


def parse_proxy(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """A trusted proxy as given to `serve --trusted-proxy`: an IP address or a network (ValueError if not)."""
    return ipaddress.ip_network(value.strip(), strict=False)


def client_address(settings: Settings, peer: str | None, forwarded_for: list[str]) -> str:
    """The address a login is counted under: the connection's peer, unless that peer is a trusted proxy;
    then the rightmost X-Forwarded-For hop that is not itself a trusted proxy (hops to its left were
    written by the client and prove nothing)."""
    address = peer or "unknown"
    if not settings.is_trusted_proxy(address):
        return address
    hops = [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]
    for hop in reversed(hops):
        address = hop[:100]
        if not settings.is_trusted_proxy(address):
            return address
    return address


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


_KEY_SECRET = "login_key_secret"  # meta key of the throttle's HMAC secret
KEY_SECRET = _KEY_SECRET  # (the web console looks up a name's counters: caseworker.server.web)
_LOGIN_LOCK = text("SELECT pg_advisory_xact_lock(7101978)")  # serialises attempt counting on PostgreSQL
_LEGACY_KEYS = (t.login_failures.c.key.like("user:%")) | (t.login_failures.c.key.like("addr:%"))


def _key_secret(conn: Connection) -> bytes:
    """This server's random secret for the throttle's keys, made on first use (write transaction)."""
    stored = conn.execute(select(t.meta.c.value).where(t.meta.c.key == _KEY_SECRET)).scalar()
    if stored is None:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        made = dialect.insert(t.meta).values(key=_KEY_SECRET, value=secrets.token_hex(32))
        conn.execute(made.on_conflict_do_nothing(index_elements=["key"]))  # another server may be first
        stored = conn.execute(select(t.meta.c.value).where(t.meta.c.key == _KEY_SECRET)).scalar_one()
        conn.execute(delete(t.login_failures).where(_LEGACY_KEYS))  # rows of old versions named users
    return bytes.fromhex(stored)


def throttle_keys(secret: bytes, username: str, address: str) -> list[str]:
    """The failure-table keys of a username and an address: keyed hashes, never the names themselves."""

    def keyed(kind: str, value: str) -> str:
        return f"{kind}:{hmac.new(secret, f'{kind}:{value}'.encode(), hashlib.sha256).hexdigest()}"

    return [keyed("u", username.lower()), keyed("a", address)]


def _reserve_attempt(
    conn: Connection, keys: list[str], limits: list[int], settings: Settings, now: float
) -> None:
    """Count one login attempt for each key before its password is checked, or refuse it (429) while any
    key is locked. The attempt is counted as failed until _give_back says otherwise, and the lock it would
    bring is set at once: concurrent attempts see it."""
    if conn.dialect.name == "postgresql":
        conn.execute(_LOGIN_LOCK)  # READ COMMITTED: without it two attempts could both read the old count
    rows = {r.key: r for r in conn.execute(select(t.login_failures).where(t.login_failures.c.key.in_(keys)))}
    wait = max((r.locked_until - now for r in rows.values()), default=0.0)
    if wait > 0:
        seconds = math.ceil(wait)
        raise ApiError(429, "too_many_attempts", headers={"Retry-After": str(seconds)}, seconds=seconds)
    for key, limit in zip(keys, limits, strict=True):
        row = rows.get(key)
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


def _give_back(conn: Connection, keys: list[str], address_limit: int) -> None:
    """The password was right: the user's failures are forgotten and the address gets its attempt back."""
    user_key, address_key = keys
    conn.execute(delete(t.login_failures).where(t.login_failures.c.key == user_key))
    row = conn.execute(select(t.login_failures).where(t.login_failures.c.key == address_key)).first()
    if row is not None:
        failures = max(0, row.failures - 1)
        locked_until = row.locked_until if failures >= address_limit else 0.0
        conn.execute(
            update(t.login_failures)
            .where(t.login_failures.c.key == address_key)
            .values(failures=failures, locked_until=locked_until)
        )


def _holds_device(conn: Connection, token: str | None, device_id: str, device_user: str, now: float) -> bool:
    """Whether `token` is the device's current refresh token (of the account the device belongs to)."""
    if not token:
        return False
    row = conn.execute(select(t.tokens).where(t.tokens.c.token_hash == token_hash(token))).first()
    return (
        row is not None
        and row.kind == "refresh"
        and row.device_id == device_id
        and row.username == device_user
        and row.expires_at > now
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


def check_credentials(database: Database, settings: Settings, username: str, password: str, address: str):
    """The user row of a correct username and password, counted by the throttle (429 while locked, 401
    invalid_credentials, 403 user_disabled). The sync API's login and the web console's sign-in
    (caseworker.server.web) both go through it, so they share one count of failures."""
    now = settings.now()
    limits = [settings.user_failure_limit, settings.address_failure_limit]
    with database.write() as conn:
        keys = throttle_keys(_key_secret(conn), username, address)
        _reserve_attempt(conn, keys, limits, settings, now)
        user = conn.execute(select(t.users).where(t.users.c.username == username)).first()
    # Verify outside any transaction: argon2 is slow on purpose and must not hold the write lock. The
    # attempt is already counted, so at most the limit of guesses get here, however many arrive at once.
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise ApiError(401, "invalid_credentials")
    with database.write() as conn:
        _give_back(conn, keys, settings.address_failure_limit)
    if not user.active:
        raise ApiError(403, "user_disabled")
    return user


# Roles that never sync: `province` sees only the web overview's aggregates (caseworker.server.web), so it
# gets no token for the sync API at all (scope.READ_ROLES would give it no rows anyway).
NO_SYNC_ROLES = frozenset({"province"})


def login(database: Database, settings: Settings, req: p.LoginRequest, address: str) -> p.LoginResponse:
    if req.protocol_version < p.MIN_PUSH_PROTOCOL_VERSION:
        raise ApiError(426, "protocol_too_old")
    now = settings.now()
    user = check_credentials(database, settings, req.username, req.password, address)
    if user.role in NO_SYNC_ROLES:
        raise ApiError(403, "forbidden")
    with database.write() as conn:
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
                    # A laptop joining again under a new id (its old one is another user's) pulls from its
                    # old cursor: the first pull from anywhere but zero answers reset.
                    needs_reset=1,
                )
            )
        else:
            changes: dict[str, object] = {"name": req.device_name or device.name, "last_seen_at": iso(now)}
            if device.username != user.username:
                # Another user on this device, who must hold it (the device's refresh token): drop the
                # old sessions and rescan the scope from zero.
                if not _holds_device(conn, req.device_token, req.device_id, device.username, now):
                    raise ApiError(409, "device_bound")
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
    if row.role in NO_SYNC_ROLES:  # a worker made `province` keeps no way into the rows
        raise ApiError(403, "forbidden")
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


_DEVICE = (
    select(
        t.devices.c.device_id,
        t.devices.c.revoked_at,
        t.devices.c.needs_reset,
        t.users.c.username,
        t.users.c.role,
        t.users.c.facility_code,
        t.users.c.full_name,
        t.users.c.active,
        t.facilities.c.worker_scope,
        t.directory_tags.c.tag.label("directory_tag"),
    )
    .select_from(
        t.devices.join(t.users, t.users.c.username == t.devices.c.username)
        .outerjoin(t.facilities, t.facilities.c.code == t.users.c.facility_code)
        .outerjoin(t.directory_tags, t.directory_tags.c.facility_code == t.users.c.facility_code)
    )
    .where(t.devices.c.device_id == bindparam("device_id"))
)


def device_principal_in(conn: Connection, device_id: str, username: str) -> Principal:
    """The principal of a device whose signature was verified (a sync bundle; caseworker.server.bundles):
    the account the device belongs to, re-checked as a token is (revoked device, disabled user). The
    bundle's `username` must be that account: a shared laptop's bundle written by a user the device is no
    longer bound to is refused rather than authored by someone else."""
    row = conn.execute(_DEVICE, {"device_id": device_id}).first()
    if row is None:
        raise ApiError(401, "unknown_device")
    if row.revoked_at:
        raise ApiError(403, "device_revoked")
    if not row.active:
        raise ApiError(403, "user_disabled")
    if row.role in NO_SYNC_ROLES:
        raise ApiError(403, "forbidden")
    if row.username != username:
        raise ApiError(409, "device_bound")
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
