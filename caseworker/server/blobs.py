"""Content-addressed attachment storage, kept in the database (so app servers stay stateless).

An upload appends chunks at the stored size (resumable after any break); when the declared total is
reached the content is hashed and kept only if it matches its sha256 name.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator

from sqlalchemy import and_, delete, exists, func, select, update

from caseworker.server.auth import Principal, iso
from caseworker.server.db import Database, blob_chunks, blobs, changelog
from caseworker.server.errors import ApiError
from caseworker.server.scope import WRITE_ROLES, visible_clause
from caseworker.sync import protocol as p

MAX_BLOB_SIZE = 512 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def check_name(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise ApiError(422, "invalid_request", detail="sha256 must be 64 lowercase hex digits")
    return sha256


def status(database: Database, sha256: str) -> tuple[int, bool] | None:
    """(bytes stored so far, complete) or None when nothing was uploaded."""
    with database.read() as conn:
        row = conn.execute(select(blobs.c.size, blobs.c.complete).where(blobs.c.sha256 == sha256)).first()
    return None if row is None else (row.size, bool(row.complete))


def append(
    database: Database, pr: Principal, sha256: str, offset: int, total: int, chunk: bytes
) -> tuple[int, bool]:
    """Append `chunk` at `offset`; returns (size, complete). Raises 409 on a wrong offset, 422 on a bad hash."""
    if pr.role not in WRITE_ROLES:
        raise ApiError(403, "forbidden")
    if len(chunk) > p.MAX_BLOB_CHUNK or total > MAX_BLOB_SIZE or total < 0:
        raise ApiError(413, "too_large")
    if offset + len(chunk) > total:
        raise ApiError(422, "invalid_request", detail="chunk goes past the declared size")
    with database.write() as conn:
        row = conn.execute(select(blobs.c.size, blobs.c.complete).where(blobs.c.sha256 == sha256)).first()
        if row is not None and row.complete:
            return row.size, True
        size = row.size if row is not None else 0
        if offset != size:
            raise ApiError(409, "offset_mismatch", headers={"X-Blob-Size": str(size)}, size=size)
        if row is None:
            conn.execute(
                blobs.insert().values(
                    sha256=sha256, size=0, complete=0, uploaded_by=pr.username, created_at=iso(time.time())
                )
            )
        if chunk:
            conn.execute(blob_chunks.insert().values(sha256=sha256, offset=offset, data=chunk))
        size = offset + len(chunk)
        complete = size == total
        if complete:
            digest = hashlib.sha256()
            for (data,) in conn.execute(
                select(blob_chunks.c.data)
                .where(blob_chunks.c.sha256 == sha256)
                .order_by(blob_chunks.c.offset)
            ):
                digest.update(data)
            if digest.hexdigest() != sha256:
                conn.execute(delete(blob_chunks).where(blob_chunks.c.sha256 == sha256))
                conn.execute(delete(blobs).where(blobs.c.sha256 == sha256))
                bad = True
            else:
                bad = False
        if not complete or not bad:
            conn.execute(
                update(blobs).where(blobs.c.sha256 == sha256).values(size=size, complete=int(complete))
            )
    if complete and bad:
        raise ApiError(422, "hash_mismatch")
    return size, complete


def may_read(database: Database, pr: Principal, sha256: str) -> bool:
    """An attachment the user may see references the blob (or the user uploaded it)."""
    c = changelog.c
    with database.read() as conn:
        row = conn.execute(
            select(blobs.c.complete, blobs.c.uploaded_by).where(blobs.c.sha256 == sha256)
        ).first()
        if row is None or not row.complete:
            return False
        if row.uploaded_by == pr.username:
            return True
        referenced = exists().where(
            and_(c.table_name == "attachments", c.sha256 == sha256, c.deleted == 0, visible_clause(pr))
        )
        return bool(conn.execute(select(referenced)).scalar())


def size_of(database: Database, sha256: str) -> int:
    with database.read() as conn:
        return (
            conn.execute(select(func.coalesce(blobs.c.size, 0)).where(blobs.c.sha256 == sha256)).scalar() or 0
        )


def read_chunks(database: Database, sha256: str) -> Iterator[bytes]:
    with database.read() as conn:
        offsets = list(
            conn.execute(
                select(blob_chunks.c.offset)
                .where(blob_chunks.c.sha256 == sha256)
                .order_by(blob_chunks.c.offset)
            ).scalars()
        )
    for offset in offsets:  # one chunk per transaction: never hold a whole file in memory
        with database.read() as conn:
            yield conn.execute(
                select(blob_chunks.c.data).where(
                    blob_chunks.c.sha256 == sha256, blob_chunks.c.offset == offset
                )
            ).scalar_one()
