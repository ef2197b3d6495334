"""Attachment files on the USB stick, the laptop's side: a push bundle carries the signed-in user's new
files, so the attachment rows naming them go in the same bundle instead of waiting for a network, and
names the files the laptop has rows for but not the content; the reply brings those of them the user may
read, and the files of the attachments its pages bring. What does not fit a bundle (FILE_BYTES each way)
waits for the next one: its rows stay in the outbox, a wanted file is asked for again.
"""

from __future__ import annotations

import hashlib

from caseworker.errors import KnownError
from caseworker.store.attachments import get_blob, put_blob
from caseworker.store.store import Store
from caseworker.sync import bundle_format as bf
from caseworker.sync import files as files_mod

FILE_BYTES = 256 * 1024 * 1024  # of file content a bundle carries, each way
MAX_WANTS = 20_000  # files asked for in one bundle


def outgoing(store: Store, user: str, budget: int = FILE_BYTES) -> tuple[list[bf.BundleFile], set[str]]:
    """The files to carry and the attachment row ids that may go with them. A file gone from this laptop
    lets its row go all the same (the server refuses it and says why, as over the network); one over the
    budget keeps its row in the outbox for the next bundle."""
    carried: dict[str, bf.BundleFile] = {}
    rows: set[str] = set()
    total = 0
    for item in files_mod.unsent(store, user):
        sha = item["sha256"]
        if sha not in carried:
            try:
                content = get_blob(store, sha, item["filename"])
            except KnownError:
                rows.add(item["row_id"])
                continue
            if total + len(content) > budget:
                continue
            carried[sha] = bf.BundleFile.of(sha, content)
            total += len(content)
        rows.add(item["row_id"])
    return list(carried.values()), rows


def wanted(store: Store) -> list[str]:
    """The files this laptop lacks, smallest first (files.missing's order), at most MAX_WANTS."""
    out: list[str] = []
    for row in files_mod.missing(store):
        if row["sha256"] not in out:
            out.append(row["sha256"])
        if len(out) >= MAX_WANTS:
            break
    return out


def sent(store: Store, held: list[str]) -> None:
    """The server holds these files whole (a reply says so): rows naming them no longer wait for them."""
    files_mod.ensure_table(store)
    with store.transaction():
        store.conn.executemany(
            "INSERT OR IGNORE INTO sync_sent_files (sha256) VALUES (?)", [(sha,) for sha in held]
        )


def take(store: Store, files: list[bf.BundleFile]) -> int:
    """Keep the reply's files (encrypted, as downloads are); a file whose bytes do not match its name is
    skipped (the reply's signature makes that a server fault) and asked for again next time."""
    kept = 0
    for item in files:
        try:
            content = item.content()
        except ValueError:
            continue
        if hashlib.sha256(content).hexdigest() == item.sha256:
            put_blob(store, content)
            kept += 1
    return kept
