"""Applying a pulled page to the local store in bulk: rows, base copies, removals, the derived indexes and
the cursor, all in one transaction (a cut sync continues from the last applied page).

A first sync moves the whole scope through here (100,000+ rows), so the page is written with one
`executemany` per table, and the cases it touched are indexed once per page, in bulk, with the row-building
functions of `caseworker.store.indexing` (the same rows `indexing.reindex_cases` writes one by one).
Rows with pending local edits are rebased as `caseworker.store.syncstate` describes, and only they get a
base copy in `sync_base`: any other row is stored as the server sent it and is its own copy (an older copy
of it is dropped), until a local change keeps one (`syncstate.keep_base`).

A row the laptop cannot store is quarantined (`syncstate.quarantine`) and the rest of the page is applied:
each row's number columns are checked on the way in (cheap), and only when a table's `executemany` still
fails (a UNIQUE clash such as a case number, text SQLite cannot bind) is that chunk written row by row, in a
savepoint, to find the culprit. Storage failures (disk full, locked) are not a row's fault: they still fail
the page, which is applied again by the next sync.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import sqlcipher3

from caseworker.store import indexing, person_index, syncstate
from caseworker.store.growth_index import refresh_growth
from caseworker.store.schema import INSERT_ONLY, TABLES
from caseworker.store.store import Store
from caseworker.store.syncstate import (
    _COLUMNS,
    CURSOR_KEY,
    ChangeLike,
    _pending_fields,
    _rebase,
    _remove,
    _upsert_sql,
    bases,
)

_CHUNK = 500
_WRITE_CHUNK = 1000  # rows per executemany (and per savepoint: what is rewritten row by row on a failure)
# What one row can make an insert fail with (anything else, e.g. a full disk, fails the page).
_ROW_ERRORS = (
    sqlcipher3.dbapi2.IntegrityError,
    sqlcipher3.dbapi2.InterfaceError,
    sqlcipher3.dbapi2.ProgrammingError,
    sqlcipher3.dbapi2.DataError,
    OverflowError,
    UnicodeError,
    TypeError,
    ValueError,
)
_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w., ]+)")
# One encoder for every base copy (json.dumps with options builds a new one per call).
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
_BASE_SQL = (
    "INSERT INTO sync_base (table_name, row_id, data, version) VALUES (?,?,?,?)"
    " ON CONFLICT(table_name, row_id) DO UPDATE SET data = excluded.data, version = excluded.version"
)
_SEARCH_SQL = "INSERT INTO case_search (rowid, case_id, names, ids, notes) VALUES (?,?,?,?,?)"


def apply_page(
    store: Store,
    changes: Sequence[ChangeLike],
    new_cursor: int,
    own: Mapping[tuple[str, str], int] | None = None,
) -> int:
    """Apply one pulled page and store its cursor in one transaction; returns the number of changes.

    `own` maps (table, row id) to the version this laptop's push gave the row: such a row coming back as
    the laptop holds it (every column but the version the same) only takes its version, without being
    written again or indexed (a unit's register pushed comes back whole with the next pull)."""
    keys = [(c.table, c.row_id) for c in changes if c.table in TABLES]
    touched: set[str] = set()
    with store.transaction() as txn:
        pending = _pending_fields(store, keys)
        old_bases = bases(store, list(pending))
        upserts: dict[str, list[list]] = {}
        sources: dict[str, list[ChangeLike]] = {}  # the change behind each upsert row, for quarantine
        held = syncstate.quarantined_keys(store)
        set_aside: set[tuple[str, str]] = set()
        new_bases: list[tuple] = []
        stale: list[tuple[str, str]] = []  # rows now their own copy whose stored copy must go
        copies = store.conn.execute("SELECT EXISTS (SELECT 1 FROM sync_base)").fetchone()[0]
        removals: list[ChangeLike] = []
        persons: list[str] = []
        returning: dict[str, list[tuple[list, ChangeLike]]] = {}  # own writes, maybe as held here

        def take(table: str, change: ChangeLike, values: list, base: dict[str, Any] | None) -> None:
            key = (table, change.row_id)
            data = change.row or {}
            if not syncstate.plainly_storable(table, values):
                why = syncstate.unstorable(table, values)
                if why is not None:
                    syncstate.quarantine(store, change, *why, case_id=_case_of(table, change.row_id, data))
                    set_aside.add(key)
                    return
            upserts.setdefault(table, []).append(values)
            sources.setdefault(table, []).append(change)
            # Insert-only records never conflict (the server ignores their base): no copy to keep.
            if base is not None and table not in INSERT_ONLY:
                new_bases.append((table, change.row_id, _encode(base), change.version))
            if table == "cases":
                touched.add(change.row_id)
            elif table == "persons":
                persons.append(change.row_id)
            else:
                case_id = data.get("case_id")
                if case_id:
                    touched.add(case_id)

        for change in changes:
            table = change.table
            if table not in TABLES:
                continue  # a table this version does not know (a newer server): skipped, not fatal
            if change.op == "remove":
                removals.append(change)
                continue
            cols = _COLUMNS[table]
            data = change.row or {}
            key = (table, change.row_id)
            if key in pending:
                server = {k: data.get(k) for k in cols}
                server["id"] = change.row_id
                row, base = _rebase(store, table, server, pending[key], old_bases.get(key))
                values = [row[c] for c in cols]
            else:  # the common case, kept lean: a first sync moves every row through here
                values = list(map(data.get, cols))
                values[0] = change.row_id
                base = None
                if copies:
                    stale.append(key)
                if own is not None and own.get(key) == change.version:
                    returning.setdefault(table, []).append((values, change))
                    continue
            take(table, change, values, base)
        versions = _returned(store, returning, take)
        for table, rows in upserts.items():
            if table == "persons":  # filed for the duplicate check set-wise, not row by row
                with person_index.deferred(store.conn, [c.row_id for c in sources[table]]):
                    set_aside |= _write(store, table, rows, sources[table])
            else:
                set_aside |= _write(store, table, rows, sources[table])
        if set_aside:  # no base copy for a row that was not stored: the local one keeps its own
            new_bases = [b for b in new_bases if (b[0], b[1]) not in set_aside]
            stale = [k for k in stale if k not in set_aside]
        if new_bases:
            store.conn.executemany(_BASE_SQL, new_bases)
        if stale:
            store.conn.executemany("DELETE FROM sync_base WHERE table_name = ? AND row_id = ?", stale)
        for table, pairs in versions.items():
            store.conn.executemany(f"UPDATE {table} SET version = ? WHERE id = ?", pairs)
        for change in removals:
            _remove(store, txn, change.table, change.row_id)
        if held:  # stored now, or gone from the scope (a case takes its quarantined records along)
            removed_cases = {c.row_id for c in removals if c.table == "cases"}
            arrived = set(keys)
            syncstate.release(store, [k for k in held if k in arrived and k not in set_aside])
            if removed_cases:
                marks = ",".join("?" * len(removed_cases))
                store.conn.execute(
                    f"DELETE FROM sync_quarantine WHERE case_id IN ({marks})", list(removed_cases)
                )
        for i in range(0, len(persons), _CHUNK):  # their cases show the person's name: reindex them
            chunk = persons[i : i + _CHUNK]
            sql = f"SELECT id FROM cases WHERE person_id IN ({','.join('?' * len(chunk))})"
            touched.update(r[0] for r in store.conn.execute(sql, chunk))
        # Index here, in bulk, rather than case by case when the transaction ends.
        touched |= txn.touched_cases
        txn.touched_cases.clear()
        reindex_cases(store, touched)
        store.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [CURSOR_KEY, str(new_cursor)],
        )
    return len(changes)


def _returned(
    store: Store, returning: dict[str, list[tuple[list, ChangeLike]]], take: Callable[..., None]
) -> dict[str, list[tuple[int, str]]]:
    """Own writes coming back: those this laptop holds as they are (all columns but the version) get
    (version, id) pairs to set their version by; the others are taken as any pulled row."""
    versions: dict[str, list[tuple[int, str]]] = {}
    for table, pairs in returning.items():
        cols = _COLUMNS[table]
        at = cols.index("version")
        held: dict[str, tuple] = {}
        for start in range(0, len(pairs), _CHUNK):
            ids = [change.row_id for _, change in pairs[start : start + _CHUNK]]
            sql = f"SELECT {', '.join(cols)} FROM {table} WHERE id IN ({','.join('?' * len(ids))})"
            held.update((row[0], row) for row in store.conn.execute(sql, ids))
        for values, change in pairs:
            local = held.get(change.row_id)
            if local is not None and all(
                a == b or i == at for i, (a, b) in enumerate(zip(local, values, strict=True))
            ):
                versions.setdefault(table, []).append((change.version, change.row_id))
            else:
                take(table, change, values, None)
    return versions


def _case_of(table: str, row_id: str, data: dict[str, Any]) -> str | None:
    value = row_id if table == "cases" else data.get("case_id")
    return value if isinstance(value, str) else None


def _write(store: Store, table: str, rows: list[list], changes: list[ChangeLike]) -> set[tuple[str, str]]:
    """Upsert a table's rows of the page, `_WRITE_CHUNK` per executemany; a chunk that fails is rolled back
    to its savepoint and written row by row, quarantining the rows that fail. Returns their keys."""
    sql = _upsert_sql(table)
    conn = store.conn
    bad: set[tuple[str, str]] = set()
    for start in range(0, len(rows), _WRITE_CHUNK):
        chunk = rows[start : start + _WRITE_CHUNK]
        conn.execute("SAVEPOINT apply_chunk")
        try:
            conn.executemany(sql, chunk)
        except _ROW_ERRORS:
            conn.execute("ROLLBACK TO apply_chunk")
            for values, change in zip(chunk, changes[start : start + _WRITE_CHUNK], strict=True):
                why = syncstate.unstorable(table, values)
                if why is None:
                    try:
                        conn.execute(sql, values)
                        continue
                    except sqlcipher3.dbapi2.IntegrityError as exc:
                        found = _UNIQUE.search(str(exc))
                        columns = found.group(1) if found else ""
                        why = ("unique", ", ".join(c.split(".")[-1] for c in columns.split(", ")))
                        if not found:
                            why = ("other", str(exc)[:200])
                    except _ROW_ERRORS as exc:
                        why = ("other", f"{type(exc).__name__}: {exc}"[:200])
                syncstate.quarantine(
                    store, change, *why, case_id=_case_of(table, change.row_id, change.row or {})
                )
                bad.add((table, change.row_id))
        conn.execute("RELEASE apply_chunk")
    return bad


def reindex_cases(store: Store, case_ids: Iterable[str]) -> None:
    """What `indexing.reindex_cases` does (case_index, case_search and growth status of these cases), with
    one statement per kind of write for up to 500 cases. Call inside a transaction."""
    db, conn = store.db, store.conn
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = list(indexing._rows(db, f"WHERE c.id IN ({marks})", chunk))
        # A case's search entry is keyed by the case's rowid (kept by upserts): drop the old one first.
        conn.executemany("DELETE FROM case_search WHERE rowid = ?", [(r["rowid"],) for r in rows])
        live = [r for r in rows if not r["deleted"]]
        dead = [(r["id"],) for r in rows if r["deleted"]]
        if dead:
            conn.executemany("DELETE FROM case_index WHERE case_id = ?", dead)
        if live:
            conn.executemany(indexing._INSERT_INDEX, [indexing.all_index_values(r) for r in live])
            conn.executemany(_SEARCH_SQL, [indexing._search_values(r) for r in live])
        refresh_growth(db, chunk)
        missing = sorted(set(chunk) - {r["id"] for r in rows})
        if missing:
            # Not (or no longer) on the device: children that arrived before their case, or a case that left
            # the scope. Only an indexed one has entries to drop (the search one needs a scan: no rowid left).
            marks = ",".join("?" * len(missing))
            gone = [
                r[0]
                for r in conn.execute(f"SELECT case_id FROM case_index WHERE case_id IN ({marks})", missing)
            ]
            if gone:
                marks = ",".join("?" * len(gone))
                conn.execute(f"DELETE FROM case_index WHERE case_id IN ({marks})", gone)
                conn.execute(f"DELETE FROM case_search WHERE case_id IN ({marks})", gone)
