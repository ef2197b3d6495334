"""Content-addressed attachment storage, kept in the database (so app servers stay stateless).

Knowing a sha256 gives nothing. A blob is read (GET, and HEAD) only through a non-deleted attachment row the
reader may see; it is attached (push, `may_attach`) only by someone who proved they hold its content (they
uploaded all of it, matching its sha256) or who already sees an attachment referencing it.

Each user's upload is their own until it is complete: it appends chunks at that user's stored size
(resumable after any break), under a key of its own, so nobody else can append to it, discard it, or learn
of it. When the declared total is reached the content is hashed; a match records the user as a holder
(`blob_holders`) and keeps the content once under its sha256 (a second upload of a blob already stored is
answered exactly like the first, and its copy dropped), a mismatch discards that user's upload.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator

from sqlalchemy import Connection, and_, delete, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from caseworker.server.auth import Principal, iso
from caseworker.server.db import Database, blob_chunks, blob_holders, blobs, changelog
from caseworker.server.errors import ApiError
from caseworker.server.scope import WRITE_ROLES, visible_clause
from caseworker.sync import protocol as p

MAX_BLOB_SIZE = 512 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def check_name(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise ApiError(422, "invalid_request", detail="sha256 must be 64 lowercase hex digits")
    return sha256


def upload_key(sha256: str, username: str) -> str:
    """Where one user's unfinished upload keeps its chunks: 64 characters, never a blob's name (it starts
    with 'u', which is not a hex digit)."""
    return "u" + hashlib.sha256(f"{sha256}\0{username}".encode()).hexdigest()[1:]


def _attached_in_scope(pr: Principal, sha256: str, live_only: bool = True):
    c = changelog.c
    condition = and_(c.table_name == "attachments", c.sha256 == sha256, visible_clause(pr))
    if live_only:
        condition = and_(condition, c.deleted == 0)
    return exists().where(condition)


def _stored(sha256: str):
    return exists().where(blobs.c.sha256 == sha256, blobs.c.complete == 1)


def _proved(pr: Principal, sha256: str):
    """The user uploaded the whole content (blob_holders; before them, the blob's first uploader)."""
    h = blob_holders.c
    return or_(
        exists().where(h.sha256 == sha256, h.username == pr.username, h.complete == 1),
        exists().where(blobs.c.sha256 == sha256, blobs.c.uploaded_by == pr.username, blobs.c.complete == 1),
    )


def may_attach(conn: Connection, pr: Principal, sha256: str) -> bool:
    """May an attachment row written by `pr` name this blob? Inside the caller's transaction (one query
    on indexed columns): the blob is complete and the user proved they hold its content, or an attachment
    referencing it is already visible to them (deleted or not: an undelete keeps its file)."""
    if pr.role not in WRITE_ROLES or not _SHA256.match(sha256 or ""):
        return False
    query = select(and_(_stored(sha256), or_(_proved(pr, sha256), _attached_in_scope(pr, sha256, False))))
    return bool(conn.execute(query).scalar())


def may_read(database: Database, pr: Principal, sha256: str) -> bool:
    """The blob is complete and a non-deleted attachment the user may see references it."""
    with database.read() as conn:
        return bool(conn.execute(select(and_(_stored(sha256), _attached_in_scope(pr, sha256)))).scalar())


def status(database: Database, pr: Principal, sha256: str) -> tuple[int, bool] | None:
    """What HEAD tells this user: (size, True) for a blob they may read or whose whole content they sent,
    (bytes so far, False) for their own unfinished upload, None otherwise (as if it did not exist)."""
    with database.read() as conn:
        size = conn.execute(
            select(blobs.c.size).where(blobs.c.sha256 == sha256, blobs.c.complete == 1)
        ).scalar()
        if size is not None:
            shown = or_(_proved(pr, sha256), _attached_in_scope(pr, sha256))
            if conn.execute(select(shown)).scalar():
                return int(size), True
        h = blob_holders.c
        own = conn.execute(
            select(h.size, h.complete).where(h.sha256 == sha256, h.username == pr.username)
        ).first()
    if own is None or own.complete:  # a complete one without a stored blob: not there any more
        return None
    return int(own.size), False


def append(
    database: Database, pr: Principal, sha256: str, offset: int, total: int, chunk: bytes
) -> tuple[int, bool]:
    """Append `chunk` to the user's own upload at `offset`; returns (size, complete). Raises 409 on a wrong
    offset, 422 on a bad hash."""
    if pr.role not in WRITE_ROLES:
        raise ApiError(403, "forbidden")
    if len(chunk) > p.MAX_BLOB_CHUNK or total > MAX_BLOB_SIZE or total < 0:
        raise ApiError(413, "too_large")
    if offset + len(chunk) > total:
        raise ApiError(422, "invalid_request", detail="chunk goes past the declared size")
    h = blob_holders.c
    key = upload_key(sha256, pr.username)
    with database.write() as conn:
        own = conn.execute(
            select(h.size, h.complete).where(h.sha256 == sha256, h.username == pr.username)
        ).first()
        if own is not None and own.complete and conn.execute(select(_stored(sha256))).scalar():
            return int(own.size), True  # a retried last chunk
        if own is not None and own.complete:  # a blob that went away: upload it again
            conn.execute(delete(blob_holders).where(h.sha256 == sha256, h.username == pr.username))
            own = None
        size = int(own.size) if own is not None else 0
        if offset != size:
            raise ApiError(409, "offset_mismatch", headers={"X-Blob-Size": str(size)}, size=size)
        if own is None:
            conn.execute(
                blob_holders.insert().values(
                    sha256=sha256, username=pr.username, size=0, complete=0, created_at=iso(time.time())
                )
            )
        if chunk:
            conn.execute(blob_chunks.insert().values(sha256=key, offset=offset, data=chunk))
        size = offset + len(chunk)
        complete = size == total
        if not complete:
            conn.execute(
                update(blob_holders).where(h.sha256 == sha256, h.username == pr.username).values(size=size)
            )
            return size, False
        if _digest(conn, key) != sha256:
            conn.execute(delete(blob_chunks).where(blob_chunks.c.sha256 == key))
            conn.execute(delete(blob_holders).where(h.sha256 == sha256, h.username == pr.username))
            bad = True
        else:
            _keep(conn, pr, sha256, key, size)
            conn.execute(
                update(blob_holders)
                .where(h.sha256 == sha256, h.username == pr.username)
                .values(size=size, complete=1)
            )
            bad = False
    if bad:
        raise ApiError(422, "hash_mismatch")
    return size, True


def _digest(conn: Connection, key: str) -> str:
    digest = hashlib.sha256()
    for (data,) in conn.execute(
        select(blob_chunks.c.data).where(blob_chunks.c.sha256 == key).order_by(blob_chunks.c.offset)
    ):
        digest.update(data)
    return digest.hexdigest()


def _keep(conn: Connection, pr: Principal, sha256: str, key: str, size: int) -> None:
    """A verified upload: its chunks become the blob's, unless the blob is stored already (then they go)."""
    # An unfinished upload left by a server before per-user uploads kept its chunks under the blob's name.
    if conn.execute(delete(blobs).where(blobs.c.sha256 == sha256, blobs.c.complete == 0)).rowcount:
        conn.execute(delete(blob_chunks).where(blob_chunks.c.sha256 == sha256))
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    row = {
        "sha256": sha256,
        "size": size,
        "complete": 1,
        "uploaded_by": pr.username,
        "created_at": iso(time.time()),
    }
    # Two users completing the same blob at once: the second waits for the first's row, then keeps nothing.
    insert = dialect.insert(blobs).values(**row).on_conflict_do_nothing(index_elements=["sha256"])
    if conn.execute(insert.returning(blobs.c.sha256)).first() is not None:
        conn.execute(update(blob_chunks).where(blob_chunks.c.sha256 == key).values(sha256=sha256))
    else:
        conn.execute(delete(blob_chunks).where(blob_chunks.c.sha256 == key))


def size_of(database: Database, sha256: str) -> int:
    with database.read() as conn:
        return (
            conn.execute(select(func.coalesce(blobs.c.size, 0)).where(blobs.c.sha256 == sha256)).scalar() or 0
        )


def read_chunks(database: Database, sha256: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    """The blob's bytes from `start` up to `end` (exclusive; None: to the end), a stored chunk at a time."""
    c = blob_chunks.c
    with database.read() as conn:
        pieces = [
            (int(offset), int(length))
            for offset, length in conn.execute(
                select(c.offset, func.length(c.data)).where(c.sha256 == sha256).order_by(c.offset)
            )
        ]
    for offset, length in pieces:  # one chunk per transaction: never hold a whole file in memory
        if offset + length <= start or (end is not None and offset >= end):
            continue
        with database.read() as conn:
            data = conn.execute(select(c.data).where(c.sha256 == sha256, c.offset == offset)).scalar_one()
        yield bytes(data[max(0, start - offset) : None if end is None else end - offset])


_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(start, end exclusive) of a single `Range: bytes=a-b` or `bytes=a-` header (RFC 9110); None for no
    header or one this server does not serve ranges for (multiple ranges, suffixes: the whole answer).
    Raises 416 for a range that starts past the end."""
    match = _RANGE.match((header or "").strip())
    if match is None:
        return None
    start = int(match.group(1))
    end = min(size, int(match.group(2)) + 1) if match.group(2) else size
    if start >= size or end <= start:
        raise ApiError(416, "range_not_satisfiable", headers={"Content-Range": f"bytes */{size}"})
    return start, end
