"""Schema migrations, each in its own transaction, recorded in meta.schema_version."""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from caseworker.store import person_index
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


# case_index columns added by v2 (plain columns: SQLite reads generated ones from the table, never from an
# index). `case_rowid` is the rowid of the case in `cases`, which is also the key of its case_search entry,
# so a search joins the FTS index by integer. `closed_on` is the day the case was closed and `contact_day`
# the day of its last contact (last note, recorded contact, or else the opening day): the dates the
# caseload figures compare, so the dashboard never reads `cases`. indexing.all_index_values computes them
# the same way.
V2_CASE_INDEX_COLUMNS = ("case_rowid", "closed_on", "contact_day")
_V2_VALUES = (
    "SELECT c.rowid, substr(c.closed_at, 1, 10), max(substr(coalesce({i}.last_contact, ''), 1, 10),"
    " substr(coalesce(c.last_contact_at, ''), 1, 10), coalesce({i}.opened_at, '')) FROM cases c"
    " WHERE c.id = {i}.case_id"
)
# Writers that name only the v1 columns (caseworker.store.bulk) get the v2 columns here; indexing._write
# names them itself, so for it the trigger does nothing.
V2_FILL_TRIGGER = f"""
CREATE TRIGGER case_index_v2_columns AFTER INSERT ON case_index WHEN NEW.case_rowid IS NULL
BEGIN
    UPDATE case_index SET (case_rowid, closed_on, contact_day) = ({_V2_VALUES.format(i="NEW")})
    WHERE case_id = NEW.case_id;
END
"""


def _v2(db: sqlite_utils.Database) -> None:
    """Indexes for 100,000 cases: case list pages, search, the supervisor dashboard and the review queue.

    Every new case_index index is partial (`deleted = 0`, which every reader asks for) and holds the
    columns its queries filter on, so it answers without reading the table: the list's two main sort
    orders, the FTS join by rowid, open cases for the dashboard in one pass, new and closed cases of a
    period. Existing rows get the new columns from `cases`.
    """
    conn = db.conn
    for column in V2_CASE_INDEX_COLUMNS:
        conn.execute(
            f"ALTER TABLE case_index ADD COLUMN {column} {'INTEGER' if column == 'case_rowid' else 'TEXT'}"
        )
    conn.execute(
        f"UPDATE case_index SET ({', '.join(V2_CASE_INDEX_COLUMNS)}) = ({_V2_VALUES.format(i='case_index')})"
    )
    conn.execute(V2_FILL_TRIGGER)
    # Superseded by the partial, wider indexes below.
    for col in ("name_sort", "last_update", "opened_at"):
        conn.execute(f"DROP INDEX IF EXISTS idx_case_index_{col}")
    indexes = {
        # the list by name (both ways), names starting with a letter (newest first when limited)
        "name": "name_sort, case_id, status, assigned_to, facility_code, case_rowid",
        # the list by last update (both ways); the UI's list index catching up after writes
        "update": "last_update, case_id, status, assigned_to",
        # search: from an FTS rowid to the case
        "rowid": "case_rowid, status, assigned_to, name_sort, case_id",
        # the dashboard: open cases by worker, stage and category with their due and contact days (every
        # figure in one pass), and the cases behind each figure in name order
        "open": "status, facility_code, assigned_to, stage, category_code, next_due, contact_day, name_sort,"
        " case_id",
        # new cases of a period; the list by opening date
        "opened": "opened_at, facility_code, assigned_to",
        # joins from reviews, tasks and growth: what the review queue and the figures show of a case
        "case": "case_id, status, facility_code, assigned_to, stage, category_code, case_number, name, name_sort",
    }
    for name, columns in indexes.items():
        conn.execute(f"CREATE INDEX idx_case_index_{name} ON case_index({columns}) WHERE deleted = 0")
    # The few cases with a sync conflict (navigation count, filter).
    conn.execute(
        "CREATE INDEX idx_case_index_conflict ON case_index(case_id) WHERE deleted = 0 AND conflict = 1"
    )
    # Cases closed in a period. Only for queries saying status = 'closed' literally: the case list's
    # `status = ?` should not take it for an index on status.
    conn.execute(
        "CREATE INDEX idx_case_index_closed ON case_index(closed_on, facility_code, assigned_to)"
        " WHERE deleted = 0 AND status = 'closed'"
    )
    # The review queue in order, and a subject's reviews (pending check, closure approval, resubmission).
    conn.execute(
        "CREATE INDEX idx_reviews_queue ON reviews(status, submitted_at, id, case_id, kind) WHERE deleted = 0"
    )
    conn.execute("CREATE INDEX idx_reviews_subject ON reviews(subject_id, kind, submitted_at, id)")
    # Unfinished tasks by due date with their case (overdue figures), replacing the v1 index; done_at
    # is in it only so that SQLite sees `done_at IS NULL` answered by the index alone.
    conn.execute("DROP INDEX IF EXISTS idx_tasks_due")
    conn.execute(
        "CREATE INDEX idx_tasks_open_due ON tasks(due_date, case_id, done_at) WHERE done_at IS NULL AND deleted = 0"
    )


def _v3(db: sqlite_utils.Database) -> None:
    """Quarantine: pulled rows this laptop cannot store (a 65-bit integer, a text where a number belongs, a
    case number another case already has), kept aside with the reason instead of stopping the sync
    (caseworker.sync.apply). Local only: never pushed, never in the outbox; a storable version of the row
    arriving later replaces it."""
    db.execute(
        "CREATE TABLE sync_quarantine (table_name TEXT NOT NULL, row_id TEXT NOT NULL, case_id TEXT,"
        " seq INTEGER, version INTEGER, data TEXT, reason TEXT, detail TEXT, quarantined_at TEXT,"
        " PRIMARY KEY (table_name, row_id))"
    )
    db.execute("CREATE INDEX idx_sync_quarantine_case ON sync_quarantine(case_id)")


def _v4(db: sqlite_utils.Database) -> None:
    """person_keys, the first blocking index of the duplicate check: superseded by v6, which drops it and
    files every person again in its successor, so it is no longer built here (it took 13.6 s on a profile
    of 100,000 cases, only to be dropped). Stores already at v4 or v5 keep theirs until v6."""


def _v5(db: sqlite_utils.Database) -> None:
    """drafts: forms being typed, kept per (form kind, subject, user) so that nothing typed is lost to a
    key, a crash or a lock (caseworker.store.drafts). Local only: never synced, never in the outbox."""
    db.execute(
        "CREATE TABLE drafts (kind TEXT NOT NULL, subject_id TEXT NOT NULL, user TEXT NOT NULL, data TEXT,"
        " saved_at TEXT, PRIMARY KEY (kind, subject_id, user))"
    )


def _v6(db: sqlite_utils.Database) -> None:
    """The duplicate check's blocking index made small (caseworker.store.person_index): person_names (one
    row per live person with a birth date: a small pid, its id, birth day and name key) and person_keys
    as a WITHOUT ROWID table of (key, birth day, pid), replacing v4's person_keys (id and name key in each
    of its ~11 entries a person, in a table and two indexes: about 4 times the pages an import writes).
    Filled for the persons already stored. Local only, derived."""
    for sql in person_index.V4_OBJECTS:
        db.execute(sql)
    person_index.create(db.conn)


# The case list's full-text index. `detail = column`: no token positions, which only phrase and NEAR queries
# need (the search asks for single-token prefixes, caseworker.store.queries): a third less to write a first
# sync or an import, a quarter less on disk, and the same answers as fast.
CASE_SEARCH_SQL = (
    "CREATE VIRTUAL TABLE {name} USING fts5(case_id UNINDEXED, names, ids, notes,"
    " tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4', detail = column)"
)


def _v7(db: sqlite_utils.Database) -> None:
    """case_search without token positions (CASE_SEARCH_SQL), filled from the v1 index as it is; the
    person index's triggers skip while a bulk write files its persons set-wise (person_index.deferred)."""
    for sql in person_index.V6_TRIGGERS:
        db.execute(sql)
    for sql in person_index.INDEXES_AND_TRIGGERS:
        if sql.startswith("CREATE TRIGGER"):
            db.execute(sql)
    db.execute(CASE_SEARCH_SQL.format(name="case_search_v7"))
    db.execute(
        "INSERT INTO case_search_v7 (rowid, case_id, names, ids, notes)"
        " SELECT rowid, case_id, names, ids, notes FROM case_search"
    )
    db.execute("DROP TABLE case_search")
    db.execute("ALTER TABLE case_search_v7 RENAME TO case_search")


def _v8(db: sqlite_utils.Database) -> None:
    """form_definitions: the instruments a unit imports (XLSForm), synced to the facility's laptops."""
    if not db["form_definitions"].exists():  # a new store made it in v1, from TABLES
        _create_synced(db, "form_definitions", TABLES["form_definitions"])
    db.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS idx_form_definitions_version"
        " ON form_definitions(form_id, form_version)"
    )


def _v9(db: sqlite_utils.Database) -> None:
    """measurements.triceps_mm and subscapular_mm: the skinfolds WHO scores from 3 to 60 months."""
    have = {row[1] for row in db.execute("PRAGMA table_info(measurements)").fetchall()}
    for column in ("triceps_mm", "subscapular_mm"):
        if column not in have:  # a new store made them in v1, from TABLES
            db.execute(f"ALTER TABLE measurements ADD COLUMN {column} REAL")


def _v10(db: sqlite_utils.Database) -> None:
    """Referrals between facilities (issue 19): the referrals' directory columns, the referral_inbox
    the server fills for the receiving facility, and the local copy of the network's facility directory."""
    if not db["referral_inbox"].exists():
        _create_synced(db, "referral_inbox", TABLES["referral_inbox"])
    for table in ("referrals", "referral_inbox"):
        have = {row[1] for row in db.execute(f"PRAGMA table_info({table})").fetchall()}
        for column, kind in TABLES[table].items():
            if column not in have:  # a new store made them in v1, from TABLES
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {SQL_TYPES[kind]}")
    db.execute("CREATE INDEX IF NOT EXISTS idx_referral_inbox_status ON referral_inbox(status, referred_at)")
    if not db["facility_directory"].exists():
        columns = LOCAL_TABLES["facility_directory"]
        db.execute(
            "CREATE TABLE facility_directory (code TEXT PRIMARY KEY, "
            + ", ".join(f"{c} {SQL_TYPES[t]}" for c, t in columns.items() if c != "code")
            + ")"
        )


MIGRATIONS: list[tuple[int, Callable[[sqlite_utils.Database], None]]] = [
    (1, _v1),
    (2, _v2),
    (3, _v3),
    (4, _v4),
    (5, _v5),
    (6, _v6),
    (7, _v7),
    (8, _v8),
    (9, _v9),
    (10, _v10),
]
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
