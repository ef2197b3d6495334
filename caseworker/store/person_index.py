"""Derived, local-only: the blocking index of the duplicate check (schema v6).

Each live person with a birth date has a row in `person_names` (a small integer `pid`, the person's id,
birth day and folded name `names.name_key`) and is filed in `person_keys` under the keys of its name
(`names.block_keys`) with its birth day (a julian day number) and that pid. So "persons with a similar
name born within a month" reads a few dozen candidates out of 100,000 through the primary key of
`person_keys` alone, compares their names on the keys `person_names` holds, and reads only the few that
match from `persons`.

`person_keys` is a WITHOUT ROWID table of (key, birth, pid): one B-tree of about 20 bytes an entry (the
v4 table kept the person's id and name key in every entry, in a table and two indexes, about 230 bytes
of pages an entry). Its entries land all over that tree, and a bulk write touches each page it lands on:
the smaller the tree, the fewer pages an import writes (caseworker.transfer.importer).

Triggers on `persons` keep both current for every writer (repository functions, bulk loads, pulled rows,
merges) inside the writing transaction; they call `cw_block_keys` and `cw_name_key`, which `register`
adds to every connection the store opens (caseworker.store.db.connect). A bulk writer (a pulled page)
may instead write its persons inside `deferred`, where the triggers do nothing, and have them filed
set-wise afterwards. A change or removal gives the
person a new pid: entries an older key function filed that the delete no longer finds point to no
`person_names` row and are never read.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from caseworker.domain.names import block_keys, name_key, similar_among

FUNCTION = "cw_block_keys"
KEY_FUNCTION = "cw_name_key"
# julian day number of a date (SQLite: the day's noon is .0, its midnight .5 before; CAST drops the .5)
_JULIAN = 1_721_424  # date.toordinal() + this = CAST(julianday(iso) AS INTEGER)


def _keys_json(name: str | None) -> str:
    return json.dumps(block_keys(name))


LIVE_FUNCTION = "cw_person_filing"
# Per connection (by id; a new connection of the same id registers its own): 1 while its triggers file,
# 0 while it files persons in bulk (`deferred`).
_filing: dict[int, list[int]] = {}


def register(conn: Any) -> None:
    """Make the functions the triggers call available on `conn`."""
    conn.create_function(FUNCTION, 1, _keys_json, deterministic=True)
    conn.create_function(KEY_FUNCTION, 1, name_key, deterministic=True)
    flag = _filing[id(conn)] = [1]
    conn.create_function(LIVE_FUNCTION, 0, lambda: flag[0])


@contextlib.contextmanager
def deferred(conn: Any, person_ids: list[str]) -> Iterator[None]:
    """Write persons without filing each by trigger, then file `person_ids` (those written) set-wise in
    key order: a first sync writes thousands, and one statement per kind of entry beats two per row.
    Inside the caller's transaction; an error leaves the triggers live and nothing filed (it rolls back)."""
    flag = _filing.get(id(conn))
    if flag is None:  # a connection without the functions cannot write persons at all
        raise RuntimeError("person_index.register was not called on this connection")
    filed = _filed_now(conn, person_ids)  # their entries before the write (none on a first sync)
    flag[0] = 0
    try:
        yield
    finally:
        flag[0] = 1
    conn.executemany(
        "DELETE FROM person_keys WHERE key = ? AND birth = ? AND pid = ?",
        [(key, birth, pid) for pid, name, birth in filed for key in block_keys(name)],
    )
    file_again(conn, person_ids)


def _filed_now(conn: Any, person_ids: list[str]) -> list[tuple[int, str, int]]:
    """(pid, name, birth day) of those of these persons filed now: what a trigger's OLD would unfile."""
    found: list[tuple[int, str, int]] = []
    for start in range(0, len(person_ids), 500):
        chunk = person_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found += conn.execute(
            "SELECT n.pid, p.name, n.birth FROM person_names n JOIN persons p ON p.id = n.person_id"
            f" WHERE n.person_id IN ({marks})",
            chunk,
        ).fetchall()
    return found


def file_again(conn: Any, person_ids: list[str]) -> None:
    """File these persons as they are now (new, changed or deleted), once their old entries are gone
    (a pid is reused after a delete, so an old entry left behind would name someone else)."""
    for start in range(0, len(person_ids), 500):
        chunk = person_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM person_names WHERE person_id IN ({marks})", chunk)
        conn.execute(_NAMES_OF.format(where=f"p.id IN ({marks})"), chunk)
        conn.execute(_KEYS_OF.format(where=f"n.person_id IN ({marks})"), chunk)


def day(iso: str) -> int:
    """The julian day number SQLite's CAST(julianday(iso) AS INTEGER) gives (an ISO date)."""
    return date.fromisoformat(iso).toordinal() + _JULIAN


_DAY = "CAST(julianday({p}.birth_date) AS INTEGER)"
_NAME = (
    "INSERT OR REPLACE INTO person_names (person_id, birth, name_key)"
    f" SELECT {{p}}.id, {_DAY}, {KEY_FUNCTION}({{p}}.name)"
    " WHERE {p}.deleted = 0 AND julianday({p}.birth_date) IS NOT NULL"
)
_FILE = (
    "INSERT OR IGNORE INTO person_keys (key, birth, pid) SELECT j.value, n.birth, n.pid"
    f" FROM person_names n, json_each({FUNCTION}({{p}}.name)) j WHERE n.person_id = {{p}}.id"
)
_UNFILE = (
    "DELETE FROM person_keys WHERE key IN (SELECT value FROM json_each({f}(OLD.name)))"
    f" AND birth = {_DAY.format(p='OLD')}"
    " AND pid = (SELECT pid FROM person_names WHERE person_id = OLD.id);"
    " DELETE FROM person_names WHERE person_id = OLD.id"
).format(f=FUNCTION)

# Persons filed set-wise (`rebuild`, `file_again`), `where` choosing which: their person_names rows in id
# order, then their keys in key order (the fastest way to fill a B-tree).
_NAMES_OF = (
    f"INSERT INTO person_names (person_id, birth, name_key) SELECT p.id, {_DAY.format(p='p')},"
    f" {KEY_FUNCTION}(p.name) FROM persons p WHERE {{where}} AND p.deleted = 0"
    " AND julianday(p.birth_date) IS NOT NULL ORDER BY p.id"
)
_KEYS_OF = (
    "INSERT OR IGNORE INTO person_keys (key, birth, pid) SELECT j.value, n.birth, n.pid FROM person_names n"
    f" JOIN persons p ON p.id = n.person_id, json_each({FUNCTION}(p.name)) j WHERE {{where}} ORDER BY 1, 2, 3"
)

TABLES = (
    "CREATE TABLE person_names (pid INTEGER PRIMARY KEY, person_id TEXT NOT NULL, birth INTEGER NOT NULL,"
    " name_key TEXT NOT NULL)",
    "CREATE TABLE person_keys (key TEXT NOT NULL, birth INTEGER NOT NULL, pid INTEGER NOT NULL,"
    " PRIMARY KEY (key, birth, pid)) WITHOUT ROWID",
)
INDEXES_AND_TRIGGERS = (
    "CREATE UNIQUE INDEX idx_person_names_person ON person_names(person_id)",
    f"CREATE TRIGGER person_index_insert AFTER INSERT ON persons WHEN {LIVE_FUNCTION}() BEGIN "
    + _NAME.format(p="NEW") + "; " + _FILE.format(p="NEW") + "; END",
    "CREATE TRIGGER person_index_update AFTER UPDATE OF name, birth_date, deleted ON persons"
    f" WHEN {LIVE_FUNCTION}() BEGIN "
    + _UNFILE + "; " + _NAME.format(p="NEW") + "; " + _FILE.format(p="NEW") + "; END",
    f"CREATE TRIGGER person_index_delete AFTER DELETE ON persons WHEN {LIVE_FUNCTION}() BEGIN "
    + _UNFILE + "; END",
)  # fmt: skip
# v6's triggers, which always filed (migrations._v7 makes them skip while a bulk write files set-wise).
V6_TRIGGERS = (
    "DROP TRIGGER IF EXISTS person_index_insert",
    "DROP TRIGGER IF EXISTS person_index_update",
    "DROP TRIGGER IF EXISTS person_index_delete",
)
# The schema v4 index this one replaces (migrations._v6 drops it).
V4_OBJECTS = (
    "DROP TRIGGER IF EXISTS person_keys_insert",
    "DROP TRIGGER IF EXISTS person_keys_update",
    "DROP TRIGGER IF EXISTS person_keys_delete",
    "DROP TABLE IF EXISTS person_keys",
)


def create(conn: Any) -> None:
    """The tables, filled for the persons already stored (in key order, the fastest way to build a
    B-tree), then the index and triggers (a migration step)."""
    for sql in TABLES:
        conn.execute(sql)
    rebuild(conn)
    for sql in INDEXES_AND_TRIGGERS:
        conn.execute(sql)


def rebuild(conn: Any) -> None:
    """File every person again (repair; after a change of `names.block_keys`). Call inside a transaction."""
    conn.execute("DELETE FROM person_keys")
    conn.execute("DELETE FROM person_names")
    conn.execute(_NAMES_OF.format(where="1"))
    conn.execute(_KEYS_OF.format(where="1"))


def window(birth_date: str, estimated: bool = False) -> tuple[str, str]:
    """The birth dates a possible duplicate may have: within a month, or a year when the date is a guess."""
    born = date.fromisoformat(birth_date)
    days = timedelta(days=366 if estimated else 31)
    return (born - days).isoformat(), (born + days).isoformat()


_COLUMNS = "p.id, p.name, p.nik, p.birth_date, p.sex, p.region_code"


def candidates(conn: Any, name: str, low: str, high: str) -> list[dict[str, Any]]:
    """Live persons filed under a key of `name` and born between `low` and `high` (ISO dates)."""
    return _persons(conn, [pid for pid, _ in _filed(conn, name, low, high)])


def similar(conn: Any, name: str, low: str, high: str) -> list[dict[str, Any]]:
    """The candidates whose name `names.similar_names` finds similar to `name`: compared on the keys the
    index holds, so only those read their row."""
    filed = _filed(conn, name, low, high)
    found = similar_among(name_key(name), [key for _, key in filed])
    return _persons(conn, [filed[i][0] for i in found])


def _filed(conn: Any, name: str, low: str, high: str) -> list[tuple[str, str]]:
    """(person id, name key) of each person filed under a key of `name` and born between `low` and `high`,
    from person_keys' primary key and person_names."""
    keys = block_keys(name)
    if not keys:
        return []
    first, last = day(low), day(high)
    rows = conn.execute(
        "SELECT person_id, name_key FROM person_names WHERE pid IN (SELECT pid FROM person_keys WHERE key IN"
        f" ({','.join('?' * len(keys))}) AND birth BETWEEN ? AND ?) AND birth BETWEEN ? AND ?",
        [*keys, first, last, first, last],
    )
    return rows.fetchall()


def _persons(conn: Any, ids: list[str]) -> list[dict[str, Any]]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    cursor = conn.execute(
        f"SELECT {_COLUMNS} FROM persons p WHERE p.deleted = 0 AND p.id IN ({','.join('?' * len(ids))})", ids
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
