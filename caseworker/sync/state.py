"""What a device knows about its own sync state, for people to see: which cases have changes not yet sent,
which have open conflicts, a second connection for a sync that runs beside the app, and wiping the local
data of a revoked device.

Read-only helpers except `sync_connection` (the sync engine writes through it) and `wipe_local_data`.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Any

from caseworker.store import db as dbmod
from caseworker.store import syncstate
from caseworker.store.ids import now_iso
from caseworker.store.profile import PROFILE_FILE, SLOTS_FILE, write_profile
from caseworker.store.schema import TABLES
from caseworker.store.store import Store
from caseworker.sync import rejections
from caseworker.sync.tokens import clear_device

PENDING = "pending"
CONFLICT = "conflict"
REFUSED = (
    "refused"  # the server refused a change of the case: its author decides (caseworker.sync.rejections)
)
SYNCED = "synced"

# Tables whose rows belong to a case through their case_id column.
_CASE_TABLES = tuple(t for t, cols in TABLES.items() if "case_id" in cols and t != "cases")


def is_server_profile(store: Store) -> bool:
    return store.profile.get("mode") == "server"


def is_revoked(store: Store) -> bool:
    return bool(store.profile.get("revoked_at"))


def mark_revoked(store: Store) -> None:
    """Remember that the server revoked this device: the app keeps the data locked from now on."""
    store.profile["revoked_at"] = now_iso()
    write_profile(store.profile_dir, store.profile)


def last_sync_at(store: Store) -> str | None:
    """When the last sync completed (UTC ISO), or None."""
    return store.meta(syncstate.LAST_SYNC_KEY)


def waiting_for_others(store: Store) -> int:
    """Changes on this laptop written by other users of the profile: they go up with those users' own
    sync (each edit reaches the server under its author), so the signed-in user's sync leaves them."""
    return syncstate.pending_of_others(store, store.user.username)


# JSON bytes of a push per wire byte: realistic rows compress about 5x with zstd (benchmarks/bench_encoding.py).
PUSH_COMPRESSION = 5.0
_ENVELOPE = 300  # a mutation's ids, times and field names besides its values


def pending_wire_bytes(store: Store, user: str | None = None) -> int:
    """About how many bytes the unsent changes (of `user`, or everyone's) take on the wire: their JSON,
    estimated from the newest 200 of them, compressed as a push is, plus the attachment files among them
    (encrypted files do not compress). Cheap at any outbox size (what the status bar shows)."""
    mine, params = ("AND created_by = ?", [user]) if user else ("", [])
    count, average = store.conn.execute(
        "SELECT count(*), (SELECT avg(length(fields)) FROM (SELECT fields FROM outbox WHERE 1 "
        f"{mine} ORDER BY seq DESC LIMIT 200)) FROM outbox WHERE 1 {mine}",
        [*params, *params],
    ).fetchone()
    files = store.conn.execute(
        "SELECT coalesce(sum(json_extract(fields, '$.size')), 0) FROM outbox"
        f" WHERE table_name = 'attachments' AND op = 'insert' {mine}",
        params,
    ).fetchone()[0]
    return int(count * ((average or 0) + _ENVELOPE) / PUSH_COMPRESSION) + int(files or 0)


def pending_case_ids(store: Store) -> set[str]:
    """Cases with at least one outbox row (the case, its person, family or any of its records)."""
    parts = [
        "SELECT row_id FROM outbox WHERE table_name = 'cases'",
        "SELECT c.id FROM outbox o JOIN cases c ON c.person_id = o.row_id WHERE o.table_name = 'persons'",
        "SELECT c.id FROM outbox o JOIN relations r ON r.id = o.row_id JOIN cases c ON c.person_id = r.person_id"
        " WHERE o.table_name = 'relations'",
    ]
    parts += [
        f"SELECT t.case_id FROM outbox o JOIN {t} t ON t.id = o.row_id WHERE o.table_name = '{t}'"
        for t in _CASE_TABLES
    ]
    sql = " UNION ".join(parts)
    return {r[0] for r in store.conn.execute(sql) if r[0]}


def conflict_case_ids(store: Store) -> set[str]:
    """Cases with an open conflict on the case, its records or its person."""
    rows = store.conn.execute(
        "SELECT k.case_id FROM conflicts k WHERE k.status = 'open' AND k.deleted = 0 AND k.case_id IS NOT NULL"
        " UNION SELECT c.id FROM conflicts k JOIN cases c ON c.person_id = k.row_id"
        " WHERE k.status = 'open' AND k.deleted = 0 AND k.case_id IS NULL AND k.table_name = 'persons'"
    )
    return {r[0] for r in rows if r[0]}


def open_conflict_count(store: Store) -> int:
    row = store.conn.execute(
        "SELECT count(*) FROM conflicts WHERE status = 'open' AND deleted = 0"
    ).fetchone()
    return int(row[0])


def refused_case_ids(store: Store) -> set[str]:
    """Cases with a change the server refused that still waits for its author's decision."""
    if not rejections.recorded(store):
        return set()
    rows = store.conn.execute(
        "SELECT CASE WHEN table_name = 'cases' THEN row_id ELSE json_extract(fields, '$.case_id') END"
        " FROM sync_rejected"
    )
    return {r[0] for r in rows if r[0]}


def case_states(store: Store) -> dict[str, str]:
    """case id -> CONFLICT, REFUSED or PENDING for every case that is not simply in step with the server."""
    states = dict.fromkeys(pending_case_ids(store), PENDING)
    states.update(dict.fromkeys(refused_case_ids(store), REFUSED))
    states.update(dict.fromkeys(conflict_case_ids(store), CONFLICT))
    return states


def case_state(store: Store, case_id: str) -> tuple[str, int]:
    """(CONFLICT | REFUSED | PENDING | SYNCED, number of changes of this case waiting to be sent)."""
    case = store.one("SELECT id, person_id FROM cases WHERE id = ?", [case_id]) or {}
    person = case.get("person_id")
    # One indexed look-up per table (outbox(table_name, row_id)), added up.
    parts = [
        "(SELECT count(*) FROM outbox WHERE table_name = 'cases' AND row_id = ?)",
        "(SELECT count(*) FROM outbox WHERE table_name = 'persons' AND row_id = ?)",
        "(SELECT count(*) FROM outbox WHERE table_name = 'relations'"
        " AND row_id IN (SELECT id FROM relations WHERE person_id = ?))",
    ]
    parts += [
        f"(SELECT count(*) FROM outbox WHERE table_name = '{t}' AND row_id IN (SELECT id FROM {t} WHERE case_id = ?))"
        for t in _CASE_TABLES
    ]
    params = [case_id, person, person, *([case_id] * len(_CASE_TABLES))]
    waiting = store.conn.execute("SELECT " + " + ".join(parts), params).fetchone()[0]
    if case_conflicts(store, case_id, person):
        return CONFLICT, int(waiting)
    if case_id in refused_case_ids(store):
        return REFUSED, int(waiting)
    return (PENDING if waiting else SYNCED), int(waiting)


def case_conflicts(store: Store, case_id: str, person_id: str | None = None) -> list[dict[str, Any]]:
    """The open conflicts of one case: on the case and its records, and on its person."""
    from caseworker.sync.conflicts import list_conflicts

    if person_id is None:
        row = store.one("SELECT person_id FROM cases WHERE id = ?", [case_id])
        person_id = row["person_id"] if row else None
    return [
        c
        for c in list_conflicts(store)
        if c["case_id"] == case_id
        or (c["case_id"] is None and c["table"] == "persons" and c["row_id"] == person_id)
    ]


def sync_connection(store: Store) -> Store:
    """A second writing connection to the same profile, for a sync running on another thread while the app
    keeps its own connection. Close it with `close_sync_connection` (no checkpoint: others are reading)."""
    db = dbmod.connect(store.profile_dir / dbmod.DB_FILENAME, store.key)
    return Store(store.profile_dir, db, store.user, store.profile, store.key)


def close_sync_connection(store: Store) -> None:
    with contextlib.suppress(Exception):
        store.conn.close()


_PROFILE_FILES = (PROFILE_FILE, SLOTS_FILE, dbmod.DB_FILENAME, dbmod.DB_FILENAME + "-wal", dbmod.DB_FILENAME + "-shm",
                  PROFILE_FILE + ".tmp")  # fmt: skip


def wipe_local_data(folder: Path, device_id: str) -> None:
    """Delete the profile's data from this computer (database, key slots, attachments, every user's server tokens).
    Call it only after the user confirmed, with the profile closed; what was not yet sent is lost."""
    clear_device(device_id)
    for name in _PROFILE_FILES:
        (folder / name).unlink(missing_ok=True)
    shutil.rmtree(folder / "attachments", ignore_errors=True)
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when nothing else is left in it
