"""Derived, local-only: `person_keys`, the blocking index of the duplicate check.

Each live person with a birth date is filed under the keys of its name (`names.block_keys`) with its
birth date, so "persons with a similar name born within a month" reads a few dozen candidates out of
100,000 through one covering index instead of comparing the name with everyone born that month.

Triggers on `persons` keep it current for every writer (repository functions, bulk loads, pulled rows,
merges) inside the writing transaction; they call `cw_block_keys`, which `register` adds to every
connection the store opens (caseworker.store.db.connect).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from caseworker.domain.names import block_keys

FUNCTION = "cw_block_keys"


def _keys_json(name: str | None) -> str:
    return json.dumps(block_keys(name))


def register(conn: Any) -> None:
    """Make the key function the triggers call available on `conn`."""
    conn.create_function(FUNCTION, 1, _keys_json, deterministic=True)


_FILE = (
    "INSERT INTO person_keys (person_id, key, birth_date) SELECT {p}.id, j.value, {p}.birth_date"
    f" FROM json_each({FUNCTION}({{p}}.name)) j WHERE {{p}}.deleted = 0 AND {{p}}.birth_date IS NOT NULL"
)

SCHEMA = (
    "CREATE TABLE person_keys (person_id TEXT NOT NULL, key TEXT NOT NULL, birth_date TEXT NOT NULL)",
    "CREATE INDEX idx_person_keys_key ON person_keys(key, birth_date, person_id)",
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
        "INSERT INTO person_keys (person_id, key, birth_date) SELECT p.id, j.value, p.birth_date"
        f" FROM persons p, json_each({FUNCTION}(p.name)) j WHERE p.deleted = 0 AND p.birth_date IS NOT NULL"
    )


def window(birth_date: str, estimated: bool = False) -> tuple[str, str]:
    """The birth dates a possible duplicate may have: within a month, or a year when the date is a guess."""
    born = date.fromisoformat(birth_date)
    days = timedelta(days=366 if estimated else 31)
    return (born - days).isoformat(), (born + days).isoformat()


_COLUMNS = "p.id, p.name, p.nik, p.birth_date, p.sex, p.region_code"


def candidates(conn: Any, name: str, low: str, high: str) -> list[dict[str, Any]]:
    """Live persons filed under a key of `name` and born between `low` and `high` (ISO dates)."""
    keys = block_keys(name)
    if not keys:
        return []
    cursor = conn.execute(
        f"SELECT {_COLUMNS} FROM persons p WHERE p.deleted = 0 AND p.id IN (SELECT person_id FROM person_keys"
        f" WHERE key IN ({','.join('?' * len(keys))}) AND birth_date BETWEEN ? AND ?)",
        [*keys, low, high],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
