"""The store's side of sync: reading the outbox, the base copies, recording push results, and the pieces of
applying pulls (caseworker.sync.apply writes the pages).

Only the sync engine calls these. Applying pulled rows bypasses the repository on purpose: those rows are
the server's state, not new edits, so they get no outbox entry (the audit log gets one line per page).

Rebase rule for rows with pending local edits: the local values of the pending fields stay in the row and
their base values stay as they were (so the server still sees the concurrent change and records a
conflict); every other field and the base copy take the server's values.

Base copies the laptop can derive are not stored (issue 22). A pulled row without pending changes is
written as the server sent it, every column, so the row itself is the server's copy: it has no `sync_base`
entry (an older one is dropped). The first local change of such a row copies it into `sync_base` before
changing it (`keep_base`, which the repository's update and delete and `undelete` call), so every row
with pending changes still has its base copy, and `bases` reads the copies of those rows only. A first
sync thus writes no copies at all (they were a sixth of its pages).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from caseworker.store.ids import now_iso
from caseworker.store.schema import CASE_RECORDS, COMMON, INSERT_ONLY, TABLES
from caseworker.store.store import Store

CURSOR_KEY = "sync_cursor"
LAST_SYNC_KEY = "sync_last_at"
_CHUNK = 500
_COLUMNS = {t: list({**COMMON, **cols}) for t, cols in TABLES.items()}


class ChangeLike(Protocol):
    table: str
    row_id: str
    op: str
    row: dict[str, Any] | None
    version: int


def ensure_tables(store: Store) -> None:
    """The local table of rejected mutations (kept so the user sees what the server refused and why)."""
    store.conn.execute(
        "CREATE TABLE IF NOT EXISTS sync_rejected (mutation_id TEXT PRIMARY KEY, table_name TEXT, row_id TEXT,"
        " op TEXT, fields TEXT, reason TEXT, created_at TEXT, created_by TEXT, rejected_at TEXT)"
    )


# -- outbox ---------------------------------------------------------------------------------------------
# On a shared laptop the outbox holds the edits of every user of the profile (`created_by`); a push sends
# only those of the user whose server session it uses, so each edit reaches the server under its author.
def outbox_batch(
    store: Store, limit: int, upto_seq: int, user: str | None = None, after_seq: int = 0
) -> list[dict[str, Any]]:
    """The oldest pending mutations (at most `limit`, none newer than `upto_seq`, only after `after_seq`),
    only those written by `user` when a user is named."""
    if user is None:
        sql, params = "SELECT * FROM outbox WHERE seq <= ? AND seq > ?", [upto_seq, after_seq]
    else:
        sql = "SELECT * FROM outbox WHERE seq <= ? AND seq > ? AND created_by = ?"
        params = [upto_seq, after_seq, user]
    return store.query(sql + " ORDER BY seq LIMIT ?", [*params, limit])


def outbox_max_seq(store: Store) -> int:
    return store.conn.execute("SELECT coalesce(max(seq), 0) FROM outbox").fetchone()[0]


def pending_count(store: Store, user: str | None = None) -> int:
    """Mutations not yet sent (all of them, or those written by `user`)."""
    if user is None:
        return store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    return store.conn.execute("SELECT count(*) FROM outbox WHERE created_by = ?", [user]).fetchone()[0]


def pending_of_others(store: Store, user: str) -> int:
    """Mutations written by other users of the profile: they wait for those users' own sync."""
    return store.conn.execute("SELECT count(*) FROM outbox WHERE created_by IS NOT ?", [user]).fetchone()[0]


def held_for_others(store: Store, user: str, upto_seq: int) -> set[str]:
    """Mutation ids of `user` that must wait until other users of the profile have synced: those naming a
    row that exists only as another user's unsent insert (the server does not know it yet and would
    refuse the reference), and what depends on them (held_behind). Empty (one query) when no other user
    has anything pending."""
    others = {
        r[0]
        for r in store.conn.execute(
            "SELECT row_id FROM outbox WHERE created_by IS NOT ? AND op = 'insert'", [user]
        )
    }
    return held_behind(store, user, upto_seq, others)


def held_behind(store: Store, user: str, upto_seq: int, blocked_rows: set[str]) -> set[str]:
    """Mutation ids of `user` that cannot go up before the rows `blocked_rows` do: those changing such a
    row, those naming one, and with them their whole transaction and everything later that names a row
    they insert."""
    if not blocked_rows:
        return set()
    mine = store.query(
        "SELECT mutation_id, txn_id, row_id, fields FROM outbox WHERE created_by = ? AND seq <= ?"
        " ORDER BY seq",
        [user, upto_seq],
    )
    values = {
        m["mutation_id"]: {v for v in json.loads(m["fields"]).values() if isinstance(v, str)} for m in mine
    }
    held: set[str] = set()
    txns: set[str] = set()
    while True:
        blocked = set(blocked_rows)
        before = len(held)
        for m in mine:
            if m["mutation_id"] in held or m["txn_id"] in txns or m["row_id"] in blocked:
                hold = True
            else:
                hold = not values[m["mutation_id"]].isdisjoint(blocked)
            if hold:
                held.add(m["mutation_id"])
                txns.add(m["txn_id"])
                blocked.add(m["row_id"])
        if len(held) == before:
            return held


def bases(store: Store, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[dict[str, Any], int]]:
    """The last server copy (data, version) of each (table, row id) that has one stored: every row with
    pending changes that the server has sent (a row without pending changes is its own copy and has none
    stored, see the module's doc). Looked up per table, so each id is one step of the (table_name, row_id)
    key: cost follows the keys, not the table's size."""
    found: dict[tuple[str, str], tuple[dict[str, Any], int]] = {}
    by_table: dict[str, list[str]] = {}
    for table, row_id in dict.fromkeys(keys):
        by_table.setdefault(table, []).append(row_id)
    for table, ids in by_table.items():
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            sql = (
                "SELECT row_id, data, version FROM sync_base WHERE table_name = ?"
                f" AND row_id IN ({','.join('?' * len(chunk))})"
            )
            for row_id, data, version in store.conn.execute(sql, [table, *chunk]):
                found[(table, row_id)] = (json.loads(data), version or 0)
    return found


def keep_base(store: Store, table: str, row: dict[str, Any]) -> None:
    """Before the first local change of a row the server sent (`row`, as stored now): keep it as the row's
    base copy, unless one is kept already (the row has pending changes, or its copy came with a push's
    results). Rows made here (version 0) and insert-only records (the server ignores their base) have none.
    Call inside the changing transaction, before the row changes."""
    if table in INSERT_ONLY or table not in TABLES or not row.get("version"):
        return
    sql = "SELECT 1 FROM sync_base WHERE table_name = ? AND row_id = ?"
    if store.conn.execute(sql, [table, row["id"]]).fetchone() is None:
        _put_base(store, table, row["id"], {c: row.get(c) for c in _COLUMNS[table]}, row["version"])


def has_server_copy(store: Store, table: str, row_id: str) -> bool:
    """The server sent this row at some time: a base copy is kept, or the row as stored is one."""
    if store.one("SELECT 1 FROM sync_base WHERE table_name = ? AND row_id = ?", [table, row_id]) is not None:
        return True
    if table not in TABLES:
        return False
    row = store.conn.execute(f"SELECT version FROM {table} WHERE id = ?", [row_id]).fetchone()
    return row is not None and (row[0] or 0) > 0


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), check_circular=False)


def _put_base(store: Store, table: str, row_id: str, data: dict[str, Any], version: int) -> None:
    store.conn.execute(
        "INSERT INTO sync_base (table_name, row_id, data, version) VALUES (?,?,?,?) ON CONFLICT(table_name, row_id)"
        " DO UPDATE SET data = excluded.data, version = excluded.version",
        [table, row_id, _dumps(data), version],
    )


def record_results(
    store: Store, sent: Sequence[dict[str, Any]], results: dict[str, tuple[str, str | None, int | None]]
) -> None:
    """After a push: for each sent outbox row with a result (mutation_id -> (status, reason, version)),
    move its values into the base copy (or keep the rejection), then remove it from the outbox. One transaction."""
    ensure_tables(store)
    with store.transaction() as txn:
        done: list[str] = []
        copies = bases(store, [(r["table_name"], r["row_id"]) for r in sent if r["op"] != "insert"])
        for row in sent:
            result = results.get(row["mutation_id"])
            if result is None:
                continue  # no answer for it: it stays pending and is sent again
            status, reason, version = result
            fields = json.loads(row["fields"])
            key = (row["table_name"], row["row_id"])
            if status == "rejected":
                _reject(store, txn, row, fields, reason or "")
            else:
                old = copies.get(key)
                data = dict(old[0]) if old and row["op"] != "insert" else {}
                data.update(fields)
                copies[key] = (data, version or (old[1] if old else 0))
                _put_base(store, key[0], key[1], *copies[key])
            done.append(row["mutation_id"])
        for i in range(0, len(done), _CHUNK):
            chunk = done[i : i + _CHUNK]
            store.conn.execute(
                f"DELETE FROM outbox WHERE mutation_id IN ({','.join('?' * len(chunk))})", chunk
            )


def _reject(store: Store, txn: Any, row: dict[str, Any], fields: dict[str, Any], reason: str) -> None:
    store.conn.execute(
        "INSERT OR REPLACE INTO sync_rejected (mutation_id, table_name, row_id, op, fields, reason, created_at,"
        " created_by, rejected_at) VALUES (?,?,?,?,?,?,?,?,?)",
        [row["mutation_id"], row["table_name"], row["row_id"], row["op"], row["fields"], reason,
         row["created_at"], row["created_by"], now_iso()],
    )  # fmt: skip
    table, row_id = row["table_name"], row["row_id"]
    if row["op"] == "insert" or table not in TABLES:
        return  # the new row stays on the device; the rejection list shows it was not accepted
    later = store.conn.execute(
        "SELECT 1 FROM outbox WHERE table_name = ? AND row_id = ? AND seq > ?", [table, row_id, row["seq"]]
    ).fetchone()
    base = bases(store, [(table, row_id)]).get((table, row_id))
    if later or base is None:
        return
    # Put the refused change back to the server's copy, so the device shows what the server holds.
    restore = {k: base[0].get(k) for k in fields if k in _COLUMNS[table]}
    if restore:
        sets = ", ".join(f"{k} = ?" for k in restore)
        store.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*restore.values(), row_id])
        _touch_row(store, txn, table, {**base[0], "id": row_id})


def rejected(store: Store) -> list[dict[str, Any]]:
    ensure_tables(store)
    return store.query("SELECT * FROM sync_rejected ORDER BY rejected_at, mutation_id")


def dismiss_rejected(store: Store, mutation_id: str) -> None:
    ensure_tables(store)
    with store.transaction():
        store.conn.execute("DELETE FROM sync_rejected WHERE mutation_id = ?", [mutation_id])


# -- pull -----------------------------------------------------------------------------------------------
def cursor(store: Store) -> int:
    return int(store.meta(CURSOR_KEY, "0") or 0)


def set_cursor(store: Store, value: int) -> None:
    store.set_meta(CURSOR_KEY, str(value))


def _pending_fields(
    store: Store, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], tuple[set[str], bool]]:
    """For rows with pending outbox entries: (the fields they change, whether one is an insert or delete)."""
    wanted = set(keys)
    found: dict[tuple[str, str], tuple[set[str], bool]] = {}
    ids = list({row_id for _, row_id in keys})
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        sql = f"SELECT table_name, row_id, op, fields FROM outbox WHERE row_id IN ({','.join('?' * len(chunk))})"
        for table, row_id, op, fields in store.conn.execute(sql, chunk):
            key = (table, row_id)
            if key not in wanted:
                continue
            names, whole = found.get(key, (set(), False))
            names |= set(json.loads(fields))
            found[key] = (names, whole or op in ("insert", "delete"))
    return found


def _touch_row(store: Store, txn: Any, table: str, row: dict[str, Any]) -> None:
    if table == "cases":
        txn.touched_cases.add(row["id"])
    elif table == "persons":
        txn.touched_cases.update(
            r[0] for r in store.conn.execute("SELECT id FROM cases WHERE person_id = ?", [row["id"]])
        )
    elif row.get("case_id"):
        txn.touched_cases.add(row["case_id"])


def _upsert_sql(table: str) -> str:
    cols = _COLUMNS[table]
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
    return (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            f" ON CONFLICT(id) DO UPDATE SET {updates}")  # fmt: skip


def _rebase(
    store: Store,
    table: str,
    server: dict[str, Any],
    pending: tuple[set[str], bool],
    old_base: tuple[dict, int] | None,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    fields, whole = pending
    local = store.one(f"SELECT * FROM {table} WHERE id = ?", [server["id"]])
    row = dict(server)
    if local is not None:
        for name in fields:
            if name in local:
                row[name] = local[name]
    if old_base is None:
        base = dict(server)
        for name in fields:
            base.pop(name, None)  # unknown base for a pending field: leave it out, never claim the server's
        return row, base
    if whole:
        return row, None  # a pending insert/delete is judged against the whole old copy: keep it untouched
    base = dict(server)
    for name in fields:
        base[name] = old_base[0].get(name)
    return row, base


def _remove(store: Store, txn: Any, table: str, row_id: str) -> None:
    """A row left the device's scope: drop it and its base copy (a case takes its records with it)."""
    local = store.one(f"SELECT * FROM {table} WHERE id = ?", [row_id])
    if local is not None:
        _touch_row(store, txn, table, local)
    store.conn.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
    store.conn.execute("DELETE FROM sync_base WHERE table_name = ? AND row_id = ?", [table, row_id])
    if table == "cases":
        txn.touched_cases.add(row_id)
        for record in CASE_RECORDS:
            store.conn.execute(
                f"DELETE FROM sync_base WHERE table_name = ? AND row_id IN (SELECT id FROM {record} WHERE case_id = ?)",
                [record, row_id],
            )
            store.conn.execute(f"DELETE FROM {record} WHERE case_id = ?", [row_id])


# -- quarantine -----------------------------------------------------------------------------------------
# A pulled row this laptop cannot store (a value of the wrong type, an integer beyond SQLite's 64 bits, a
# case number another case here already has) is kept aside in `sync_quarantine` (schema v3) with its
# reason, and the rest of the page is applied: no single row stops a device. A storable version of the
# row arriving later is applied and releases it. Quarantined rows are never in the outbox.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_KINDS = {t: [{**COMMON, **cols}[c] for c in _COLUMNS[t]] for t, cols in TABLES.items()}
# Positions of the integer and real columns of each table: the only ones checked for every pulled row (a
# text column takes any scalar; what it cannot bind fails the insert and is found row by row).
_INTS = {t: [i for i, k in enumerate(kinds) if k is int] for t, kinds in _KINDS.items()}
_REALS = {t: [i for i, k in enumerate(kinds) if k is float] for t, kinds in _KINDS.items()}


def plainly_storable(table: str, values: list[Any]) -> bool:
    """The cheap check every pulled row goes through: its integer and real columns hold what they should."""
    for i in _INTS[table]:
        v = values[i]
        if v is not None and (type(v) is not int or v > INT_MAX or v < INT_MIN):
            return False
    for i in _REALS[table]:
        v = values[i]
        if v is not None and (type(v) is not float or not math.isfinite(v)):
            if type(v) is not int or v > INT_MAX or v < INT_MIN:
                return False
    return True


def unstorable(table: str, values: list[Any]) -> tuple[str, str] | None:
    """Why this row (values in _COLUMNS order) cannot be stored: (reason, column), or None.

    Reasons: `int_range` (an integer beyond 64 bits), `wrong_type` (text where a number belongs, a list or
    an object anywhere, a non-finite number), `invalid_text` (text SQLite cannot hold, e.g. a lone surrogate).
    """
    for column, kind, v in zip(_COLUMNS[table], _KINDS[table], values, strict=True):
        if v is None or type(v) is bool:
            continue
        if type(v) is int:
            if v > INT_MAX or v < INT_MIN:
                return "int_range", column
            continue
        if type(v) is float:
            if not math.isfinite(v) or (kind is int and not v.is_integer()):
                return "wrong_type", column
            continue
        if type(v) is str and kind is str:
            try:
                v.encode("utf-8")
            except UnicodeError:
                return "invalid_text", column
            continue
        return "wrong_type", column
    return None


def quarantine(
    store: Store, change: ChangeLike, reason: str, detail: str, case_id: str | None = None
) -> None:
    """Keep a pulled row aside (replacing an older quarantined version of it). Call inside a transaction."""
    raw = json.dumps(change.row, ensure_ascii=True, default=repr)  # ascii: lone surrogates survive as escapes
    store.conn.execute(
        "INSERT OR REPLACE INTO sync_quarantine (table_name, row_id, case_id, seq, version, data, reason, detail,"
        " quarantined_at) VALUES (?,?,?,?,?,?,?,?,?)",
        [change.table, change.row_id, case_id if isinstance(case_id, str) else None,
         getattr(change, "seq", None), change.version, raw, reason, detail, now_iso()],
    )  # fmt: skip


def quarantined_keys(store: Store) -> set[tuple[str, str]]:
    """(table, row id) of every quarantined row (a handful at most: read once per page)."""
    return {(t, r) for t, r in store.conn.execute("SELECT table_name, row_id FROM sync_quarantine")}


def release(store: Store, keys: Iterable[tuple[str, str]]) -> None:
    """These rows were stored (or left the scope): they leave quarantine."""
    store.conn.executemany("DELETE FROM sync_quarantine WHERE table_name = ? AND row_id = ?", list(keys))


def quarantined(store: Store) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM sync_quarantine ORDER BY quarantined_at, table_name, row_id")


def quarantined_count(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM sync_quarantine").fetchone()[0])


def record_sync(store: Store, pulled: int, pushed: int) -> None:
    """The last completed sync (shown in the status bar) and one audit line."""
    from caseworker.store.repository import audit

    with store.transaction():
        store.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [LAST_SYNC_KEY, now_iso()],
        )
        audit(store, "sync", details={"pulled": pulled, "pushed": pushed})


def undelete(store: Store, table: str, row_id: str, changes: dict[str, Any] | None = None) -> None:
    """Bring a tombstoned row back (resolving a delete/edit conflict with "keep the edit"), like a
    repository update: row, outbox entry (`deleted` = 0, the base shows 1) and audit in one transaction."""
    from caseworker.store import permissions
    from caseworker.store import repository as repo

    changes = {k: v for k, v in (changes or {}).items() if k in TABLES[table]}
    with store.transaction() as txn:
        old = repo.get_row(store, table, row_id)
        permissions.check_update(store, table, old, {**changes, "deleted": 0})
        keep_base(store, table, old)
        stamp = {"updated_at": now_iso(), "updated_by": store.user.username}
        store.db[table].update(row_id, {**changes, "deleted": 0, **stamp})
        repo._outbox(
            store, table, row_id, "update", {**changes, "deleted": 0, **stamp}, old.get("version") or 0
        )
        repo.audit(store, "undelete", table, row_id, repo.case_id_of(table, old), {"fields": sorted(changes)})
        repo._touch(store, txn, table, {**old, **changes})
