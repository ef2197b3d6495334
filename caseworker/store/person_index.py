"""Derived, local-only: `person_keys`, the blocking index of the duplicate check.

Each live person with a birth date is filed under the keys of its name (`names.block_keys`) with its
birth date and its folded name (`names.name_key`), so "persons with a similar name born within a month"
reads a few dozen candidates out of 100,000 through one covering index instead of comparing the name with
everyone born that month, and compares their names there: only the few that match are read from
`persons` (most candidates are not duplicates; reading each one's row was half of an import's time).

Triggers on `persons` keep it current for every writer (repository functions, bulk loads, pulled rows,
merges) inside the writing transaction; they call `cw_block_keys` and `cw_name_key`, which `register` adds to every
connection the store opens (caseworker.store.db.connect).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from caseworker.domain.names import block_keys, name_key, similar_keys

FUNCTION = "cw_block_keys"
KEY_FUNCTION = "cw_name_key"


def _keys_json(name: str | None) -> str:
    return json.dumps(block_keys(name))


def register(conn: Any) -> None:
    """Make the key function the triggers call available on `conn`."""
    conn.create_function(FUNCTION, 1, _keys_json, deterministic=True)
    conn.create_function(KEY_FUNCTION, 1, name_key, deterministic=True)


_FILE = (
    "INSERT INTO person_keys (person_id, key, birth_date, name_key)"
    f" SELECT {{p}}.id, j.value, {{p}}.birth_date, {KEY_FUNCTION}({{p}}.name)"
    f" FROM json_each({FUNCTION}({{p}}.name)) j WHERE {{p}}.deleted = 0 AND {{p}}.birth_date IS NOT NULL"
)

SCHEMA = (
    "CREATE TABLE person_keys (person_id TEXT NOT NULL, key TEXT NOT NULL, birth_date TEXT NOT NULL,"
    " name_key TEXT NOT NULL)",
    "CREATE INDEX idx_person_keys_key ON person_keys(key, birth_date, person_id, name_key)",
    "CREATE INDEX idx_person_keys_person ON person_keys(person_id)",
    "CREATE TRIGGER person_keys_insert AFTER INSERT ON persons BEGIN " + _FILE.format(p="NEW") + "; END",
    "CREATE TRIGGER person_keys_update AFTER UPDATE OF name, birth_date, deleted ON persons BEGIN"
    " DELETE FROM person_keys WHERE person_id = OLD.id; " + _FILE.format(p="NEW") + "; END",
    "CREATE TRIGGER person_keys_delete AFTER DELETE ON persons BEGIN"
    " DELETE FROM person_keys WHERE person_id = OLD.id; END",
)


def create(conn: Any) -> None:
    """The table, filled for the persons already stored, then its indexes (built sorted, faster than
    growing them row by row) and triggers (a migration step)."""
    conn.execute(SCHEMA[0])
    rebuild(conn)
    for sql in SCHEMA[1:]:
        conn.execute(sql)


def rebuild(conn: Any) -> None:
    """File every person again (repair; after a change of `names.block_keys`). Call inside a transaction."""
    conn.execute("DELETE FROM person_keys")
    conn.execute(
        f"INSERT INTO person_keys (person_id, key, birth_date, name_key) SELECT p.id, j.value, p.birth_date,"
        f" {KEY_FUNCTION}(p.name) FROM persons p, json_each({FUNCTION}(p.name)) j"
        " WHERE p.deleted = 0 AND p.birth_date IS NOT NULL"
    )


def window(birth_date: str, estimated: bool = False) -> tuple[str, str]:
    """The birth dates a possible duplicate may have: within a month, or a year when the date is a guess."""
    born = date.fromisoformat(birth_date)
    days = timedelta(days=366 if estimated else 31)
    return (born - days).isoformat(), (born + days).isoformat()


_COLUMNS = "p.id, p.name, p.nik, p.birth_date, p.sex, p.region_code"


def candidates(conn: Any, name: str, low: str, high: str) -> list[dict[str, Any]]:
    """Live persons filed under a key of `name` and born between `low` and `high` (ISO dates)."""
    return _persons(conn, _filed(conn, name, low, high))


def similar(conn: Any, name: str, low: str, high: str) -> list[dict[str, Any]]:
    """The candidates whose name `names.similar_names` finds similar to `name`: compared on the keys the
    index holds, so only those read their row."""
    key = name_key(name)
    return _persons(conn, [pid for pid, other in _filed(conn, name, low, high) if similar_keys(key, other)])


def _filed(conn: Any, name: str, low: str, high: str) -> list[tuple[str, str]]:
    """(person id, name key) of each person filed under a key of `name` and born between `low` and `high`,
    from the covering index alone."""
    keys = block_keys(name)
    if not keys:
        return []
    rows = conn.execute(
        f"SELECT DISTINCT person_id, name_key FROM person_keys WHERE key IN ({','.join('?' * len(keys))})"
        " AND birth_date BETWEEN ? AND ?",
        [*keys, low, high],
    )
    return [tuple(r) for r in rows]


def _persons(conn: Any, filed: list[Any]) -> list[dict[str, Any]]:
    ids = list(dict.fromkeys(f if isinstance(f, str) else f[0] for f in filed))
    if not ids:
        return []
    cursor = conn.execute(
        f"SELECT {_COLUMNS} FROM persons p WHERE p.deleted = 0 AND p.id IN ({','.join('?' * len(ids))})", ids
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
