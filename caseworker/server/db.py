"""The server database: SQLAlchemy Core tables, transactions and the changelog sequence.

The changelog keeps each synced row once, with its latest state (`data`, JSON) and the `seq` of its last
change; denormalised scope columns (facility, case, assignee, creator, person) let a pull filter without
parsing JSON. Seqs are assigned under a lock held until commit (SQLite: BEGIN IMMEDIATE serialises writers;
PostgreSQL: a transaction-scoped advisory lock), so commit order equals seq order.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: writers of several processes wait in SQLite's busy handler instead
    fcntl = None  # type: ignore[assignment]

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite

from caseworker.private_files import prepare_private_file, prepare_sqlite_file

DEFAULT_DATABASE_URL = "sqlite:///caseworker-server.db"
SEQ_LOCK_KEY = 7_101_977  # pg_advisory_xact_lock key guarding the changelog sequence
# 2: the facility directory's columns (kind, region_code, services, contact, external, referral_due_days;
# caseworker.server.facility_directory, issue 19), added to older databases by create_schema.
SERVER_DB_VERSION = 2

metadata = MetaData()

meta = Table("meta", metadata, Column("key", String(100), primary_key=True), Column("value", Text))

facilities = Table(
    "facilities",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("name", Text, nullable=False),
    Column("address", Text),
    Column("worker_scope", String(20), nullable=False, server_default="facility"),
    # The network's directory (server db version 2, caseworker.server.facility_directory):
    Column("kind", String(20)),  # upt|dinsos|lks|other
    Column("region_code", String(20)),  # Kemendagri code
    Column("services", Text),  # JSON list of PPKS category and ATENSI component codes
    Column("contact", Text),
    Column("external", Integer, server_default="0"),  # 1: not on Caseworker (referral letters only)
    Column("referral_due_days", Integer),  # a referral to it unanswered this long is overdue
)

# A random tag per facility, new whenever its list of users changes: the ETag of GET /facility/users, also
# sent with every pull page so a device asks for the list only when it changed (one request fewer a sync).
directory_tags = Table(
    "directory_tags",
    metadata,
    Column("facility_code", String(20), primary_key=True),
    Column("tag", String(40), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("username", String(100), primary_key=True),
    Column("full_name", Text),
    Column("role", String(20), nullable=False),
    Column("facility_code", String(20)),
    Column("password_hash", Text, nullable=False),
    Column("active", Integer, nullable=False, server_default="1"),
    Column("created_at", String(30), nullable=False),
)

devices = Table(
    "devices",
    metadata,
    Column("device_id", String(100), primary_key=True),
    Column("username", String(100), nullable=False),
    Column("name", Text),
    Column("created_at", String(30), nullable=False),
    Column("last_seen_at", String(30)),
    Column("revoked_at", String(30)),
    Column("needs_reset", Integer, nullable=False, server_default="0"),
)

# A device's public keys for sync by file (caseworker.sync.sealing): bundles it signs are checked with
# `sign_key`, replies are sealed to `box_key`. Registered by the device over an authenticated sync.
device_keys = Table(
    "device_keys",
    metadata,
    Column("device_id", String(100), primary_key=True),
    Column("sign_key", String(64), nullable=False),  # base64 of 32 raw bytes
    Column("box_key", String(64), nullable=False),
    Column("registered_at", String(30), nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("kind", String(10), nullable=False),  # access|refresh
    Column("username", String(100), nullable=False),
    Column("device_id", String(100), nullable=False),
    Column("expires_at", Float, nullable=False),  # unix time
    Index("ix_tokens_device", "device_id"),
    Index("ix_tokens_user", "username"),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("key", String(200), primary_key=True),  # "u:"/"a:" + HMAC of the username/address (auth.py)
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", Float, nullable=False),
    Column("locked_until", Float, nullable=False),
)

changelog = Table(
    "changelog",
    metadata,
    Column("table_name", String(40), nullable=False),
    Column("row_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("data", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted", Integer, nullable=False),
    Column("facility_code", String(20)),
    Column("case_id", String(64)),
    Column("assigned_to", String(100)),
    Column("created_by", String(100)),
    Column("person_id", String(64)),
    Column("sha256", String(64)),
    Column("changed_at", String(30), nullable=False),
    PrimaryKeyConstraint("table_name", "row_id"),
    Index("ix_changelog_seq", "seq", unique=True),
    Index("ix_changelog_case", "case_id"),
    Index("ix_changelog_person", "person_id", "table_name"),
    Index("ix_changelog_sha256", "sha256"),
)

# Every case number the changelog holds (deleted cases too): laptops keep them unique, so the server refuses a
# second case with a number in use (see server.policy) rather than send every laptop a row it cannot store.
case_numbers = Table(
    "case_numbers",
    metadata,
    Column("case_number", String(40), primary_key=True),
    Column("case_id", String(64), nullable=False),
)

applied_mutations = Table(
    "applied_mutations",
    metadata,
    Column("mutation_id", String(64), primary_key=True),
    Column("device_id", String(100), nullable=False),
    Column("username", String(100), nullable=False),
    Column("txn_id", String(64)),
    Column("table_name", String(40), nullable=False),
    Column("row_id", String(64), nullable=False),
    Column("op", String(10), nullable=False),
    Column("status", String(20), nullable=False),
    Column("reason", String(100)),
    Column("version", Integer),
    Column("conflict_ids", Text),
    Column("hlc", String(100)),
    Column("applied_at", String(30), nullable=False),
)

# Cases each device holds, so removals are exact. removed_at_cursor: a removal was sent in the page with
# that cursor; the row is dropped once the device pulls with since >= that cursor (it applied the page).
device_cases = Table(
    "device_cases",
    metadata,
    Column("device_id", String(100), nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("removed_at_cursor", BigInteger),
    PrimaryKeyConstraint("device_id", "case_id"),
    # The few rows with a removal in flight (a pull forgets the acknowledged ones without a scan).
    Index(
        "ix_device_cases_removed",
        "device_id",
        "removed_at_cursor",
        sqlite_where=text("removed_at_cursor IS NOT NULL"),
        postgresql_where=text("removed_at_cursor IS NOT NULL"),
    ),
)

blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("complete", Integer, nullable=False),
    Column("uploaded_by", String(100), nullable=False),
    Column("created_at", String(30), nullable=False),
)

blob_chunks = Table(
    "blob_chunks",
    metadata,
    Column("sha256", String(64), nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),
    PrimaryKeyConstraint("sha256", "offset"),
)

# Who proved they hold a blob's content, and each user's own unfinished upload of it (see server.blobs):
# size = bytes of that user's upload so far, complete = 1 once its content matched the sha256.
blob_holders = Table(
    "blob_holders",
    metadata,
    Column("sha256", String(64), nullable=False),
    Column("username", String(100), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("complete", Integer, nullable=False),
    Column("created_at", String(30), nullable=False),
    PrimaryKeyConstraint("sha256", "username"),
)


# The web console's and overview's sessions (caseworker.server.web.sessions, issue 20): a signed-in browser.
# The cookie holds a random token, the table only its sha256; `csrf` is the token every form must carry.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(100), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", Float, nullable=False),  # unix time
    Column("seen_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("second_factor", Integer, nullable=False, server_default="0"),  # 1: TOTP passed (or not needed)
    Index("ix_web_sessions_user", "username"),
)

# Every action of an admin in the web console (caseworker.server.web.audit): who, when, what, on which
# account/facility/device. `details` is JSON of ids and changed field names, never passwords or clients' data.
admin_audit = Table(
    "admin_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(30), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(40), nullable=False),
    Column("target", String(200)),
    Column("details", Text),
    Index("ix_admin_audit_at", "at"),
)

# What a laptop last reported at login or token refresh (header X-Caseworker-Report; caseworker.server.web.
# device_reports): its app version, changes not yet sent, and how far its clock was from the server's.
device_reports = Table(
    "device_reports",
    metadata,
    Column("device_id", String(100), primary_key=True),
    Column("app_version", String(40)),
    Column("pending", Integer),
    Column("clock_skew", Integer),  # seconds, the laptop's clock minus the server's (positive: ahead)
    Column("reported_at", String(30), nullable=False),
)

# The provincial overview's counts of a month (caseworker.server.web.snapshots): computed by the database
# in one go for every facility and kabupaten/kota, kept per kabupaten/kota ('' = the whole province) so that
# a page or an export reads its own at once.
overview_snapshots = Table(
    "overview_snapshots",
    metadata,
    Column("month", String(7), nullable=False),  # YYYY-MM
    Column("kabupaten", String(5), nullable=False),  # Kemendagri code, '' for the province
    Column("computed_at", Float, nullable=False),  # unix time
    Column("max_seq", BigInteger, nullable=False),  # the changelog's last seq then
    Column("payload", Text, nullable=False),  # JSON: aggregates.to_json(Overview)
    PrimaryKeyConstraint("month", "kabupaten"),
)

# An admin's TOTP second factor (RFC 6238, pyotp): the shared secret (base32) once confirmed with a code.
admin_totp = Table(
    "admin_totp",
    metadata,
    Column("username", String(100), primary_key=True),
    Column("secret", String(64), nullable=False),
    Column("confirmed_at", String(30)),  # NULL while being set up
    Column("last_step", BigInteger, nullable=False, server_default="0"),  # a code is used once
)

DATABASE_URL_ENV = "CASEWORKER_DATABASE_URL"

# Requests a server process works on at once (`serve --threads`); more wait their turn. Python runs one
# thread at a time, so more threads add no speed, only switching: a thread holding the database's write
# lock waits behind every other one for its turn to run, and all writers wait for it (100 devices syncing
# at once: p95 1.4 s with 40 threads, Starlette's default, 1.2 s with 4; benchmarks/bench_sync_load.py).
DEFAULT_THREADS = 4
THREADS_ENV = "CASEWORKER_SERVER_THREADS"


def database_url(explicit: str | None = None) -> str:
    return explicit or os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL


class Database:
    """An engine plus the two kinds of transaction the server uses: `read()` and `write()`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self._writer = threading.Lock()  # SQLite: the server's writers, one at a time (see write())
        self._lock_file: int | None = None
        if self.is_sqlite:
            self.engine: Engine = create_engine(
                url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=8, max_overflow=16
            )
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
            path = _sqlite_file(self.engine.url.database)
            if path:  # before the first connection: private to the server's user (0600), also if once 0644
                prepare_sqlite_file(path)
            if fcntl is not None and path:
                prepare_private_file(path + ".writer-lock")
                self._lock_file = os.open(path + ".writer-lock", os.O_RDWR | os.O_CREAT, 0o600)
        else:
            self.engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)

    def create_schema(self) -> None:
        with self.write() as conn:
            metadata.create_all(conn)
            from caseworker.server import facility_directory  # (it imports this module)

            if facility_directory.add_columns(conn):  # a database of version 1: devices fetch the directory
                facility_directory.directory_changed(conn)
            for table in metadata.sorted_tables:  # indexes added since the database was created
                for index in table.indexes:
                    index.create(conn, checkfirst=True)
            upsert(conn, meta, {"key": "server_db_version", "value": str(SERVER_DB_VERSION)}, ["key"])
            untagged = select(facilities.c.code).where(
                facilities.c.code.not_in(select(directory_tags.c.facility_code))
            )
            for code in conn.execute(untagged).scalars().all():  # a database made before the tags
                new_directory_tag(conn, code)
            _fill_case_numbers(conn)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction: one consistent snapshot on SQLite; READ COMMITTED on PostgreSQL."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction; on SQLite it takes the write lock at BEGIN so writers never deadlock.

        SQLite has one writer at a time. The server's own writers queue on a lock in this process, which
        hands over the moment a transaction ends; SQLite's busy handler (kept for other processes, such as
        the admin CLI) would instead sleep and poll, with waits growing to 100 ms, under many writers."""
        if not self.is_sqlite:
            with self.engine.connect() as conn, conn.begin():
                yield conn
            return
        with self._writer, self._across_processes(), self.engine.connect() as conn:
            conn = conn.execution_options(cw_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _across_processes(self) -> Iterator[None]:
        """SQLite, several server processes (`serve --workers N`): their writers queue on a lock file
        beside the database, handed over as promptly as the in-process lock (where fcntl exists)."""
        if self._lock_file is None:
            yield
            return
        fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    def dispose(self) -> None:
        self.engine.dispose()
        if self._lock_file is not None:
            os.close(self._lock_file)
            self._lock_file = None


def _sqlite_file(path: str | None) -> str | None:
    """The database file of a SQLite URL's database part; None for an in-memory database or a `file:` URI."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return path


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take over BEGIN from the driver (it would begin lazily and never for reads), then set WAL.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("cw_write") else "BEGIN")


# Statements of the hot paths are built once, with bind parameters: building a statement per call costs
# several times what SQLite takes to run it.
_MAX_SEQ = select(func.max(changelog.c.seq))
_SEQ_LOCK = text("SELECT pg_advisory_xact_lock(:k)")


class SeqAllocator:
    """Hands out changelog seqs inside one write transaction, which holds the sequence lock (lock_sequence)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._next: int | None = None

    def next(self) -> int:
        if self._next is None:
            current = self.conn.execute(_MAX_SEQ).scalar()
            self._next = (current or 0) + 1
        value = self._next
        self._next += 1
        return value

    @property
    def last(self) -> int | None:
        """The seq handed out last (None before the first)."""
        return None if self._next is None else self._next - 1


def lock_sequence(conn: Connection) -> None:
    """Serialise with other writers of the changelog from here to commit (PostgreSQL; SQLite already is)."""
    if conn.dialect.name == "postgresql":
        conn.execute(_SEQ_LOCK, {"k": SEQ_LOCK_KEY})


def max_seq(conn: Connection) -> int:
    return conn.execute(_MAX_SEQ).scalar() or 0


def new_directory_tag(conn: Connection, facility_code: str | None) -> None:
    """The facility's list of users changed (or may have): devices fetch it again on their next sync."""
    if facility_code:
        tag = secrets.token_hex(12)
        upsert(conn, directory_tags, {"facility_code": facility_code, "tag": tag}, ["facility_code"])


def execute_rows(conn: Connection, sql: str, rows: list[tuple[Any, ...]]) -> None:
    """One plain SQL statement (`?` placeholders) for many rows, straight through the driver's executemany:
    SQLAlchemy's own executemany prepares every row's parameters in Python, which costs more than running
    the small upserts of the sync paths."""
    if rows:
        conn.exec_driver_sql(_in_driver_style(conn, sql), rows)


def _in_driver_style(conn: Connection, sql: str) -> str:
    """`?` placeholders as the driver takes them (psycopg: `%s`)."""
    return sql.replace("?", "%s") if conn.dialect.name == "postgresql" else sql


def execute_rows_together(conn: Connection, batches: list[tuple[str, list[tuple[Any, ...]]]]) -> None:
    """Several execute_rows at once: on PostgreSQL in one pipeline, one round trip for all of them (they
    are the last writes of a push, made while every other push waits for the sequence lock)."""
    if conn.dialect.name != "postgresql":
        for sql, rows in batches:
            execute_rows(conn, sql, rows)
        return
    driver = conn.connection.driver_connection
    with driver.pipeline(), driver.cursor() as cursor:
        for sql, rows in batches:
            if rows:
                cursor.executemany(_in_driver_style(conn, sql), rows)


_COMPILED: dict[tuple[Any, str], Any] = {}


def fetch_tuples(conn: Connection, statement: Any, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of a (long-lived, built once) SELECT as the driver's plain tuples, in `conn`'s transaction.
    For the pull's page of hundreds of rows, where making SQLAlchemy Row objects costs more than the query."""
    key = (statement, conn.dialect.name)
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = _COMPILED[key] = statement.compile(dialect=conn.dialect)
    values = {**compiled.params, **params}
    positions = compiled.positiontup
    args: Any = tuple(values[name] for name in positions) if positions else values
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(compiled.string, args)
        return cursor.fetchall()
    finally:
        cursor.close()


def upsert(conn: Connection, table: Table, values: dict[str, Any], keys: list[str]) -> None:
    """INSERT or UPDATE on the primary key, on SQLite and PostgreSQL alike."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(**values)
    updates = {k: v for k, v in values.items() if k not in keys}
    if updates:
        stmt = stmt.on_conflict_do_update(index_elements=keys, set_=updates)
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=keys)
    conn.execute(stmt)


def _fill_case_numbers(conn: Connection) -> None:
    """A database made before case_numbers: record the numbers of the cases it holds (once)."""
    if conn.execute(select(case_numbers.c.case_id).limit(1)).first() is not None:
        return
    seen: set[str] = set()
    rows = conn.execute(select(changelog.c.row_id, changelog.c.data).where(changelog.c.table_name == "cases"))
    for row_id, data in rows:
        number = json.loads(data).get("case_number")
        if isinstance(number, str) and number and number not in seen:
            seen.add(number)
            conn.execute(case_numbers.insert().values(case_number=number[:40], case_id=row_id))
