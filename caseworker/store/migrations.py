"""Schema migrations, each in its own transaction, recorded in meta.schema_version."""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from caseworker.store.schema import COMMON, LOCAL_TABLES, SCHEMA_VERSION, TABLES

SQL_TYPES = {str: "TEXT", int: "INTEGER", float: "REAL"}


def _create_synced(db: sqlite_utils.Database, name: str, columns: dict[str, type]) -> None:
    cols = ", ".join(f"{c} {SQL_TYPES[t]}" for c, t in {**COMMON, **columns}.items() if c != "id")
    db.execute(f"CREATE TABLE {name} (id TEXT PRIMARY KEY, {cols})")


def _v1(db: sqlite_utils.Database) -> None:
    for name, columns in TABLES.items():
        _create_synced(db, name, columns)
        if "case_id" in columns:
            db.execute(f"CREATE INDEX idx_{name}_case ON {name}(case_id)")
    db.execute("CREATE UNIQUE INDEX idx_cases_number ON cases(case_number)")
    db.execute("CREATE INDEX idx_cases_person ON cases(person_id)")
    db.execute("CREATE INDEX idx_persons_nik ON persons(nik)")
    db.execute("CREATE INDEX idx_persons_birth ON persons(birth_date)")
    db.execute("CREATE INDEX idx_relations_person ON relations(person_id)")
    db.execute("CREATE INDEX idx_tasks_due ON tasks(due_date) WHERE done_at IS NULL AND deleted = 0")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute(
        "CREATE TABLE facilities (code TEXT PRIMARY KEY, name TEXT, address TEXT, city TEXT, phone TEXT,"
        " head_name TEXT, head_nip TEXT, logo_path TEXT)"
    )
    db.execute(
        "CREATE TABLE users (username TEXT PRIMARY KEY, full_name TEXT, role TEXT NOT NULL,"
        " facility_code TEXT, nip TEXT, active INTEGER NOT NULL DEFAULT 1)"
    )
    outbox = LOCAL_TABLES["outbox"]
    db.execute(
        "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
        + ", ".join(f"{c} {SQL_TYPES[t]}" for c, t in outbox.items() if c != "seq")
        + ")"
    )
    db.execute("CREATE UNIQUE INDEX idx_outbox_mutation ON outbox(mutation_id)")
    db.execute("CREATE INDEX idx_outbox_row ON outbox(table_name, row_id)")
    db.execute(
        "CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT, user TEXT, action TEXT,"
        " table_name TEXT, row_id TEXT, case_id TEXT, details TEXT)"
    )
    db.execute("CREATE INDEX idx_audit_case ON audit(case_id)")
    # The last server copy of each synced row: the base of three-way merges.
    db.execute(
        "CREATE TABLE sync_base (table_name TEXT, row_id TEXT, data TEXT, version INTEGER,"
        " PRIMARY KEY (table_name, row_id))"
    )
    # Derived, local-only: one row per case with what lists sort and filter on (rebuilt on every write).
    db.execute(
        "CREATE TABLE case_index (case_id TEXT PRIMARY KEY, case_number TEXT, person_id TEXT, name TEXT,"
        " name_sort TEXT, nik TEXT, no_kk TEXT, birth_date TEXT, sex TEXT, category_code TEXT, stage TEXT,"
        " status TEXT, risk TEXT, assigned_to TEXT, created_by TEXT, facility_code TEXT, opened_at TEXT,"
        " next_due TEXT, last_contact TEXT, last_update TEXT, conflict INTEGER, deleted INTEGER)"
    )
    for col in ("name_sort", "last_update", "next_due", "opened_at", "case_number", "assigned_to", "stage"):
        db.execute(f"CREATE INDEX idx_case_index_{col} ON case_index({col})")
    db.execute(
        "CREATE VIRTUAL TABLE case_search USING fts5(case_id UNINDEXED, names, ids, notes,"
        " tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')"
    )


MIGRATIONS: list[tuple[int, Callable[[sqlite_utils.Database], None]]] = [(1, _v1)]
assert MIGRATIONS[-1][0] == SCHEMA_VERSION


def current_version(db: sqlite_utils.Database) -> int:
    if not db["meta"].exists():
        return 0
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the store to SCHEMA_VERSION; each step commits with its version number or not at all."""
    version = current_version(db)
    for target, step in MIGRATIONS:
        if target <= version:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            step(db)
            db.execute(
                "INSERT INTO meta(key, value) VALUES ('schema_version', ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [str(target)],
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        version = target
    return version
