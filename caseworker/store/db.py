"""Opening the encrypted SQLite file: sqlite-utils over a sqlcipher3 connection."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import sqlcipher3
import sqlite_utils

from caseworker.errors import StoreError
from caseworker.private_files import prepare_sqlite_file
from caseworker.store import person_index

DB_FILENAME = "caseworker.db"
DatabaseError = sqlcipher3.dbapi2.DatabaseError
OperationalError = sqlcipher3.dbapi2.OperationalError
IntegrityError = sqlcipher3.dbapi2.IntegrityError


def key_pragma(key: bytes) -> str:
    # A raw 256-bit key: SQLCipher skips its own KDF, the key slot already did the slow part.
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(path: Path, key: bytes) -> sqlite_utils.Database:
    """Open (or create) the encrypted store. A wrong key or a damaged file raises StoreError(not_a_store).
    The file and its -wal/-shm are private to the user (0600), also when an older version made them wider."""
    prepare_sqlite_file(path)
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute(key_pragma(key))
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA journal_mode = WAL")
    except DatabaseError:
        conn.close()
        raise StoreError("not_a_store", path=str(path)) from None
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA cache_size = -32000")  # 32 MB page cache
    conn.execute("PRAGMA temp_store = MEMORY")
    person_index.register(conn)  # the person_keys triggers call it
    return sqlite_utils.Database(conn, execute_plugins=False)


# While many rows are written (an import, a first sync): a bigger page cache (new rows land all over the
# indexes of persons, cases, case_index and case_search, and each page read from the encrypted file is
# deciphered again), and a checkpoint every 20,000 pages of WAL instead of every 1,000 (a page written by
# many batches is copied back into the file once). Both are set back afterwards, with a checkpoint.
BULK_PRAGMAS = {"cache_size": -128_000, "wal_autocheckpoint": 20_000}


@contextlib.contextmanager
def bulk_writes(conn: sqlcipher3.dbapi2.Connection) -> Iterator[None]:
    """BULK_PRAGMAS while the block runs (performance only: every transaction still commits whole,
    through the WAL), set back after it, with a checkpoint of what was written."""
    before = {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in BULK_PRAGMAS}
    for name, value in BULK_PRAGMAS.items():
        conn.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        for name, value in before.items():
            conn.execute(f"PRAGMA {name} = {int(value)}")
        with contextlib.suppress(Exception):  # a reader holding the WAL only delays it to a later checkpoint
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")


@contextlib.contextmanager
def translated_errors(profile_dir: Path) -> Iterator[None]:
    """Turn SQLite's storage failures into errors the user can act on."""
    try:
        yield
    except OperationalError as exc:
        msg = str(exc).lower()
        if "full" in msg:
            raise StoreError("disk_full") from exc
        if "readonly" in msg or "read-only" in msg:
            raise StoreError("read_only", path=str(profile_dir)) from exc
        raise
    except DatabaseError as exc:
        if "not a database" in str(exc).lower() or "malformed" in str(exc).lower():
            raise StoreError("not_a_store", path=str(profile_dir)) from exc
        raise
