"""Administration of users, facilities and devices (called by the `caseworker-server` CLI).

Changing a user's role or facility, or a facility's worker_scope, changes what their devices may see: those
devices are told to rescan from zero on their next pull (they then receive removals and the new scope).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import bindparam, delete, select, update

from caseworker import i18n
from caseworker.errors import KnownError
from caseworker.server import facility_directory
from caseworker.server.auth import hash_password, iso
from caseworker.server.db import Database, devices, facilities, new_directory_tag, tokens, users
from caseworker.store.schema import ROLES

MIN_PASSWORD_LENGTH = 8
# The laptops' roles, and `province`: the provincial office's read-only web overview of aggregates (no
# facility, no sync; caseworker.server.web, issue 20).
SERVER_ROLES = (*ROLES, "province")
UNATTACHED_ROLES = frozenset({"admin", "province"})  # roles without a facility
WORKER_SCOPES = ("facility", "assigned")

i18n.register(
    {
        "server_user_exists": ("Pengguna {name} sudah ada.", "User {name} already exists."),
        "server_no_user": ("Pengguna {name} tidak ada.", "User {name} does not exist."),
        "server_facility_exists": ("Unit {code} sudah ada.", "Facility {code} already exists."),
        "server_no_facility": ("Unit {code} tidak ada.", "Facility {code} does not exist."),
        "server_no_device": ("Perangkat {device} tidak ada.", "Device {device} does not exist."),
        "server_bad_role": ("Peran tidak dikenal: {role}.", "Unknown role: {role}."),
        "server_bad_scope": (
            "Cakupan pekerja harus facility atau assigned.",
            "The worker scope must be facility or assigned.",
        ),
        "server_facility_required": (
            "Peran {role} memerlukan --facility.",
            "The role {role} needs --facility.",
        ),
        "server_short_password": (
            "Kata sandi minimal {n} karakter.",
            "The password must have at least {n} characters.",
        ),
        "server_password_mismatch": ("Kata sandi tidak sama.", "The passwords do not match."),
        "server_no_password": (
            "Tidak ada kata sandi: isi CASEWORKER_PASSWORD atau jalankan di terminal.",
            "No password: set CASEWORKER_PASSWORD or run in a terminal.",
        ),
    }
)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise KnownError("server_short_password", n=MIN_PASSWORD_LENGTH)


def init(database: Database, admin: str, password: str) -> None:
    database.create_schema()
    add_user(database, admin, "admin", None, None, password)


def add_facility(
    database: Database,
    code: str,
    name: str,
    address: str | None = None,
    worker_scope: str = "facility",
    **directory: Any,
) -> None:
    """A new facility. `directory`: its directory entry (facility_directory.directory_values: kind, region,
    services, contact, external, referral_days), checked before anything is written."""
    if worker_scope not in WORKER_SCOPES:
        raise KnownError("server_bad_scope")
    listed = facility_directory.directory_values(**directory)
    with database.write() as conn:
        if conn.execute(select(facilities.c.code).where(facilities.c.code == code)).first():
            raise KnownError("server_facility_exists", code=code)
        conn.execute(
            facilities.insert().values(
                code=code, name=name, address=address, worker_scope=worker_scope, **listed
            )
        )
        new_directory_tag(conn, code)
        facility_directory.directory_changed(conn)  # every laptop of the network lists it


def set_facility(
    database: Database,
    code: str,
    name: str | None = None,
    address: str | None = None,
    worker_scope: str | None = None,
    **directory: Any,
) -> None:
    if worker_scope is not None and worker_scope not in WORKER_SCOPES:
        raise KnownError("server_bad_scope")
    listed = facility_directory.directory_values(**directory)
    with database.write() as conn:
        row = conn.execute(select(facilities).where(facilities.c.code == code)).first()
        if row is None:
            raise KnownError("server_no_facility", code=code)
        values = {
            k: v for k, v in (("name", name), ("address", address), ("worker_scope", worker_scope)) if v
        }
        values.update(listed)
        if values:
            conn.execute(update(facilities).where(facilities.c.code == code).values(**values))
        if values.keys() - {"worker_scope"}:
            facility_directory.directory_changed(conn)
        if worker_scope and worker_scope != row.worker_scope:
            workers = select(users.c.username).where(users.c.facility_code == code, users.c.role == "worker")
            conn.execute(update(devices).where(devices.c.username.in_(workers)).values(needs_reset=1))


def _check_role(conn: Any, role: str, facility: str | None) -> None:
    if role not in SERVER_ROLES:
        raise KnownError("server_bad_role", role=role)
    if role not in UNATTACHED_ROLES and not facility:
        raise KnownError("server_facility_required", role=role)
    if facility and not conn.execute(select(facilities.c.code).where(facilities.c.code == facility)).first():
        raise KnownError("server_no_facility", code=facility)


def add_user(
    database: Database, name: str, role: str, facility: str | None, full_name: str | None, password: str
) -> None:
    check_password(password)
    hashed = hash_password(password)
    with database.write() as conn:
        _check_role(conn, role, facility)
        if conn.execute(select(users.c.username).where(users.c.username == name)).first():
            raise KnownError("server_user_exists", name=name)
        conn.execute(
            users.insert().values(
                username=name,
                full_name=full_name,
                role=role,
                facility_code=facility,
                password_hash=hashed,
                active=1,
                created_at=iso(time.time()),
            )
        )
        new_directory_tag(conn, facility)


def set_user(
    database: Database,
    name: str,
    role: str | None = None,
    facility: str | None = None,
    full_name: str | None = None,
    password: str | None = None,
    active: bool | None = None,
) -> None:
    """Change a user; a new role or facility makes their devices rescan, disabling ends their sessions."""
    if password is not None:
        check_password(password)
    with database.write() as conn:
        row = conn.execute(select(users).where(users.c.username == name)).first()
        if row is None:
            raise KnownError("server_no_user", name=name)
        new_role, new_facility = role or row.role, facility or row.facility_code
        _check_role(conn, new_role, new_facility)
        values: dict[str, Any] = {"role": new_role, "facility_code": new_facility}
        if full_name is not None:
            values["full_name"] = full_name
        if password is not None:
            values["password_hash"] = hash_password(password)
        if active is not None:
            values["active"] = int(active)
        conn.execute(update(users).where(users.c.username == name).values(**values))
        for code in {row.facility_code, new_facility}:
            new_directory_tag(conn, code)
        if (new_role, new_facility) != (row.role, row.facility_code):
            conn.execute(update(devices).where(devices.c.username == name).values(needs_reset=1))
        # Disabling keeps the tokens so clients learn "user_disabled"; re-enabling never revives them.
        if active is True or password is not None:
            conn.execute(delete(tokens).where(tokens.c.username == name))


def disable_user(database: Database, name: str) -> None:
    set_user(database, name, active=False)


def revoke_device(database: Database, device_id: str) -> None:
    with database.write() as conn:
        found = conn.execute(select(devices.c.device_id).where(devices.c.device_id == device_id)).first()
        if found is None:
            raise KnownError("server_no_device", device=device_id)
        # Tokens stay (dead) so the device is told "device_revoked" rather than "unknown session".
        conn.execute(
            update(devices).where(devices.c.device_id == device_id).values(revoked_at=iso(time.time()))
        )


def list_devices(database: Database) -> list[dict[str, Any]]:
    with database.read() as conn:
        rows = conn.execute(select(devices).order_by(devices.c.username, devices.c.device_id)).all()
    return [dict(r._mapping) for r in rows]


def facility_users(database: Database, facility_code: str | None) -> list[dict[str, Any]]:
    """The users of one facility (no password hashes), for the devices of that facility."""
    if facility_code is None:
        return []
    with database.read() as conn:
        rows = conn.execute(_FACILITY_USERS, {"facility": facility_code})
        return [{**row._mapping, "active": bool(row.active)} for row in rows]


_FACILITY_USERS = (  # built once: every sync asks
    select(users.c.username, users.c.full_name, users.c.role, users.c.facility_code, users.c.active)
    .where(users.c.facility_code == bindparam("facility"))
    .order_by(users.c.username)
)


def network_directory(database: Database) -> list[dict[str, Any]]:
    """The network's facility directory, for every device (protocol.FacilityEntry)."""
    with database.read() as conn:
        return facility_directory.listing(conn)
