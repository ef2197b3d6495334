"""Opening the encrypted SQLite file: sqlite-utils over a sqlcipher3 connection."""

from __future__ import annotations

import contextlib
import errno
import os
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
    """Open (or create) the encrypted store. A wrong key or a damaged file raises StoreError(not_a_store);
    a folder that cannot be written (read-only, full disk) raises StoreError(read_only / disk_full), so
    the caller can open it for reading instead (`connect_read_only`) and nobody restores a backup over
    good data. The file and its -wal/-shm are private to the user (0600), also when an older version made
    them wider."""
    with contextlib.suppress(OSError):  # a read-only folder: nothing to create or tighten there
        prepare_sqlite_file(path)
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute(key_pragma(key))
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA journal_mode = WAL")
    except DatabaseError as exc:
        conn.close()
        reason = None if _says_not_a_database(exc) else storage_problem(path)
        if reason is not None:
            raise StoreError(reason, path=str(path.parent)) from None
        raise StoreError("not_a_store", path=str(path)) from None
    _set_pragmas(conn)
    return sqlite_utils.Database(conn, execute_plugins=False)


def connect_read_only(path: Path, key: bytes) -> sqlite_utils.Database:
    """Open the store for reading only, on a folder where nothing can be written (read-only, full disk).

    SQLite reads a WAL-mode file read-only when its -wal and -shm exist (`mode=ro`). When neither can be
    made and the -wal is absent or empty (a clean close leaves none), the file alone is the whole store and
    is opened `immutable` (no lock, no -shm). A -wal with changes but no usable -shm cannot be read without
    writing: StoreError(cannot_open). Writes on the connection fail (`query_only`)."""
    wal = Path(f"{path}-wal")
    attempts = ["mode=ro"]
    with contextlib.suppress(OSError):
        if not wal.exists() or wal.stat().st_size == 0:
            attempts.append("immutable=1")
    last: Exception | None = None
    for params in attempts:
        conn = sqlcipher3.connect(
            f"{path.resolve().as_uri()}?{params}", uri=True, isolation_level=None, check_same_thread=False
        )
        conn.execute(key_pragma(key))
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except DatabaseError as exc:
            conn.close()
            if _says_not_a_database(exc):
                raise StoreError("not_a_store", path=str(path)) from None
            last = exc
            continue
        conn.execute("PRAGMA query_only = ON")
        _set_pragmas(conn)
        return sqlite_utils.Database(conn, execute_plugins=False)
    reason = storage_problem(path) or "read_only"
    raise StoreError(f"cannot_open_{reason}", path=str(path.parent)) from last


def _set_pragmas(conn: sqlcipher3.dbapi2.Connection) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA cache_size = -32000")  # 32 MB page cache
    conn.execute("PRAGMA temp_store = MEMORY")
    person_index.register(conn)  # the person_keys triggers call it


def _says_not_a_database(exc: Exception) -> bool:
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
PROBE_BYTES = 64 * 1024  # less free space than a few pages of the store is a full disk for the store


def storage_problem(path: Path) -> str | None:
    """Why the store's folder cannot be written: "read_only" (a read-only disk or folder, a file without
    write permission), "disk_full" (no space left, quota), or None. Asked of the file system itself, by
    writing (and removing) a small file beside the store, so it is right for root too, whom permission
    bits do not stop."""
    folder = path.parent
    probe = folder / f".caseworker-write-check-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        fd = None
    except OSError as exc:
        return _reason(exc)
    if fd is not None:
        try:
            os.write(fd, b"\0" * PROBE_BYTES)
            os.fsync(fd)
        except OSError as exc:
            return _reason(exc)
        finally:
            os.close(fd)
            with contextlib.suppress(OSError):
                probe.unlink()
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            os.close(os.open(name, os.O_RDWR))
        except FileNotFoundError:
            continue
        except OSError as exc:
            return _reason(exc)
    return None


def _reason(exc: OSError) -> str | None:
    if exc.errno in _FULL_ERRNOS:
        return "disk_full"
    if exc.errno in _READ_ONLY_ERRNOS:
        return "read_only"
    return None


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
def released_wal_on_full_disk(conn: sqlcipher3.dbapi2.Connection) -> Iterator[None]:
    """A write that failed for want of space leaves the -wal as big as it grew (SQLite reuses it, never
    shrinks it), holding the disk full for every other program: once the failed transaction is rolled
    back, a TRUNCATE checkpoint gives that space back (it copies nothing that was not committed)."""
    try:
        yield
    except StoreError as exc:
        if exc.key == "disk_full":
            with contextlib.suppress(Exception):
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raise


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
        if "disk i/o" in msg or "unable to open" in msg:
            reason = storage_problem(Path(profile_dir) / DB_FILENAME)
            if reason is not None:
                raise StoreError(reason, path=str(profile_dir)) from exc
        raise
    except DatabaseError as exc:
        if _says_not_a_database(exc):
            raise StoreError("not_a_store", path=str(profile_dir)) from exc
        raise
