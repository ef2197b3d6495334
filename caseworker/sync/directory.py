"""The facility's people on a server profile: who the cases can be assigned to, with their names and roles.

Only the server knows the facility's accounts; a device keeps a copy (without passwords or key slots) so a
supervisor can reassign offline and lists show full names. Refreshed on every completed sync.
"""

from __future__ import annotations

import contextlib
import json

from caseworker.store.store import Store
from caseworker.sync import protocol as p
from caseworker.sync.transport import SyncError, Transport

DIRECTORY_TAG_KEY = "directory_etag"  # the server's tag of the list last saved


def save_directory(store: Store, users: list[p.FacilityUser]) -> None:
    """Upsert the facility's users; ones the server no longer lists stay, marked inactive."""
    listed = {u.username for u in users}
    with store.transaction():
        for user in users:
            store.conn.execute(
                "INSERT INTO users (username, full_name, role, facility_code, active) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(username) DO UPDATE SET full_name = excluded.full_name, role = excluded.role,"
                " facility_code = excluded.facility_code, active = excluded.active",
                [user.username, user.full_name, user.role, user.facility_code, int(user.active)],
            )
        for (name,) in store.conn.execute("SELECT username FROM users").fetchall():
            if name not in listed:
                store.conn.execute("UPDATE users SET active = 0 WHERE username = ?", [name])


def save_facilities(store: Store, entries: list[p.FacilityEntry] | None) -> None:
    """Keep the network's facility directory (issue 19); ones the server no longer lists stay, unlisted
    (a referral made to one still names it). None: the server did not send it (an older server)."""
    if entries is None:
        return
    listed = {e.code for e in entries}
    with store.transaction():
        for e in entries:
            store.conn.execute(
                "INSERT INTO facility_directory (code, name, kind, region_code, services, contact, address,"
                " on_caseworker, referral_due_days, listed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"
                " ON CONFLICT(code) DO UPDATE SET name = excluded.name, kind = excluded.kind,"
                " region_code = excluded.region_code, services = excluded.services, contact = excluded.contact,"
                " address = excluded.address, on_caseworker = excluded.on_caseworker,"
                " referral_due_days = excluded.referral_due_days, listed = 1",
                [e.code, e.name, e.kind, e.region_code, json.dumps(e.services), e.contact, e.address,
                 int(e.on_caseworker), e.referral_due_days],
            )  # fmt: skip
        for (code,) in store.conn.execute("SELECT code FROM facility_directory WHERE listed = 1").fetchall():
            if code not in listed:
                store.conn.execute("UPDATE facility_directory SET listed = 0 WHERE code = ?", [code])


def refresh_directory(store: Store, transport: Transport, current_tag: str | None = None) -> bool:
    """Fetch and keep the facility's users; False when the server could not say (an older server).
    `current_tag`: the list's tag as the last pull page gave it; when the saved list carries it, nothing
    is asked. A transport that can ask "changed since this tag?" (HttpTransport) only gets a changed list."""
    if current_tag and store.meta(DIRECTORY_TAG_KEY) == current_tag:
        return True
    changed = getattr(transport, "facility_users_changed", None)
    if changed is not None:
        with contextlib.suppress(SyncError):
            found, etag = changed(store.meta(DIRECTORY_TAG_KEY) or None)
            if found is not None:
                with store.transaction():
                    save_directory(store, found.users)
                    save_facilities(store, found.facilities)
                    store.set_meta(DIRECTORY_TAG_KEY, etag or "")
            return True
        return False
    fetch = getattr(transport, "facility_users", None)
    if fetch is None:
        return False
    with contextlib.suppress(SyncError):
        found = fetch()
        with store.transaction():
            save_directory(store, found.users)
            save_facilities(store, found.facilities)
        return True
    return False
