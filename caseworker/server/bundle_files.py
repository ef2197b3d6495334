"""Attachment files on the USB stick, the server's side. A push bundle's files are taken exactly as an
upload over the network would be (caseworker.server.blobs.append, the device's own user: resumable,
hashed, a mismatch kept nowhere), before its pushes, so the attachment rows naming them pass the same
`may_attach` check. A reply carries the files its device asked for and those its pages' attachment rows
name, each only if that user may read it (blobs.may_read: a non-deleted attachment in their scope), up to
FILE_BYTES; the rest is asked for again with the next bundle.
"""

from __future__ import annotations

from caseworker.server import blobs
from caseworker.server.auth import Principal
from caseworker.server.db import Database
from caseworker.server.errors import ApiError
from caseworker.sync import bundle_format as bf
from caseworker.sync import protocol as p

FILE_BYTES = 256 * 1024 * 1024  # of file content a reply carries
MAX_WANTED = 20_000  # files looked up for one reply (a bundle may name more; they wait for the next)


def receive(database: Database, pr: Principal, files: list[bf.BundleFile]) -> list[str]:
    """Store the bundle's files as the user's uploads; the sha256 of those now held whole. A file that is
    not what its name says (or too large) is dropped: its attachment row is then refused by the push's
    own check."""
    held: list[str] = []
    for item in files:
        try:
            sha = blobs.check_name(item.sha256)
            content = item.content()
            state = blobs.status(database, pr, sha)
            offset = 0 if state is None else state[0]
            complete = state is not None and state[1]
            while not complete:
                chunk = content[offset : offset + p.MAX_BLOB_CHUNK]
                offset, complete = blobs.append(database, pr, sha, offset, len(content), chunk)
        except (ApiError, ValueError):
            continue
        held.append(sha)
    return held


def named_in(pages: list[p.PullResponse]) -> list[str]:
    """The files of the live attachment rows the pages bring."""
    out: list[str] = []
    for page in pages:
        for change in p.with_rows_as_changes(page).changes:
            if change.table == "attachments" and change.row and not change.row.get("deleted"):
                sha = change.row.get("sha256")
                if isinstance(sha, str) and sha not in out:
                    out.append(sha)
    return out


def answer(
    database: Database, pr: Principal, wanted: list[str], budget: int = FILE_BYTES
) -> list[bf.BundleFile]:
    """The files of `wanted` (in order, each once) this user may read, while they fit `budget`."""
    out: list[bf.BundleFile] = []
    total, seen = 0, set()
    for sha in wanted[:MAX_WANTED]:
        if sha in seen or not isinstance(sha, str) or len(sha) != 64:
            continue
        seen.add(sha)
        try:
            if not blobs.may_read(database, pr, blobs.check_name(sha)):
                continue
        except ApiError:
            continue
        size = blobs.size_of(database, sha)
        if total + size > budget:
            continue
        out.append(bf.BundleFile.of(sha, b"".join(blobs.read_chunks(database, sha))))
        total += size
    return out
