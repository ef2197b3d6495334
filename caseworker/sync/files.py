"""Attachment files over a slow link: after the text, piece by piece, resumable, and only on a fast link
when the profile says so.

A sync sends and receives the rows first; the files they name come after (caseworker.sync.engine runs
`Files` once the pull is done, or the app runs it in the background). An attachment row goes up only once
its file is on the server (the server refuses a row naming a file it does not hold), so until then the
row and what depends on it wait in the outbox while everything else is sent. Downloads ask for pieces
sized to the link (`Range`), keep each piece encrypted as it comes (caseworker.store.partial_blobs) and
after a cut ask for the rest, in this sync or a later one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from caseworker import i18n
from caseworker.errors import KnownError
from caseworker.store import partial_blobs
from caseworker.store.attachments import blob_path, get_blob
from caseworker.store.profile import write_profile
from caseworker.store.store import Store
from caseworker.sync import link
from caseworker.sync.link import RETRIES
from caseworker.sync.transport import BlobOffsetMismatch, DeviceRevoked, LoginExpired, SyncError, Transport

# What counts as a fast link for "files only on fast links": 2 Mbit/s (Wi-Fi, good 4G), where a 5 MB
# scan takes 20 seconds; a 1 Mbit/s 3G link (and anything slower, or paid by the megabyte) waits.
FAST_BYTES_PER_SECOND = 250_000
PROBE_BYTES = 64 * 1024  # the first piece on a link not yet measured: enough to time, little to pay
PIECE_MIN = 32 * 1024
PIECE_MAX = 4 * 1024 * 1024
SETTING = "files_fast_links_only"

i18n.register(
    {
        "files_failed": (
            "Berkas {name} belum dapat dipindahkan: {detail}",
            "File {name} could not be transferred yet: {detail}",
        ),
        "files_slow_link": (
            "{n} berkas lampiran ({size}) menunggu koneksi cepat (pengaturan: berkas hanya lewat koneksi "
            "cepat). Unduh sekarang dari tab Dokumen kasus, bila perlu.",
            "{n} attachment files ({size}) wait for a fast link (setting: files only over fast links). "
            "Download them now from a case's Documents tab if needed.",
        ),
        "files_damaged": ("isinya tidak cocok dengan sidiknya", "its content does not match its hash"),
    }
)

Progress = Callable[[str, int, int | None], None]


def ensure_table(store: Store) -> None:
    """Files of this laptop's attachments that reached the server whole (so their rows may go up)."""
    store.conn.execute("CREATE TABLE IF NOT EXISTS sync_sent_files (sha256 TEXT PRIMARY KEY)")


def fast_links_only(store: Store) -> bool:
    return bool(store.profile.get(SETTING, False))


def set_fast_links_only(store: Store, value: bool) -> None:
    store.profile[SETTING] = bool(value)
    write_profile(store.profile_dir, store.profile)


def missing(store: Store, case_id: str | None = None) -> list[dict[str, Any]]:
    """Attachments whose content is not on this laptop yet (of one case, or all), smallest first: many
    small files are worth more to a worker than one large one."""
    sql = (
        "SELECT id, case_id, sha256, filename, size FROM attachments WHERE deleted = 0 AND sha256 IS NOT NULL"
    )
    params: list[Any] = []
    if case_id is not None:
        sql += " AND case_id = ?"
        params.append(case_id)
    rows = store.query(sql + " ORDER BY coalesce(size, 0), id", params)
    return [r for r in rows if not blob_path(store, r["sha256"]).exists()]


def unsent(store: Store, user: str) -> list[dict[str, Any]]:
    """This user's new attachments whose file has not reached the server: (row id, sha256, size, name)."""
    ensure_table(store)
    rows = store.query(
        "SELECT row_id, fields FROM outbox WHERE table_name = 'attachments' AND op = 'insert'"
        " AND created_by = ? ORDER BY seq",
        [user],
    )
    sent = {r[0] for r in store.conn.execute("SELECT sha256 FROM sync_sent_files")}
    out = []
    for r in rows:
        fields = json.loads(r["fields"])
        sha = fields.get("sha256")
        if isinstance(sha, str) and sha not in sent:
            out.append({"row_id": r["row_id"], "sha256": sha, "size": fields.get("size") or 0,
                        "filename": fields.get("filename") or sha[:12]})  # fmt: skip
    return out


def waiting(store: Store) -> tuple[int, int]:
    """Files still to move either way: (how many, their bytes)."""
    files = {r["sha256"]: r["size"] or 0 for r in missing(store)}
    files.update({r["sha256"]: r["size"] for r in unsent(store, store.user.username)})
    return len(files), sum(files.values())


@dataclass
class FilesResult:
    uploaded: int = 0
    downloaded: int = 0
    skipped: bool = False  # the link was too slow for files and the profile wants them on fast links only
    warnings: list[str] = field(default_factory=list)


class Files:
    """One run over the files waiting: uploads, then downloads. `force`: whatever the link (a person asked
    for them: "Unduh sekarang"). SyncErrors that mean the link or the session is gone stop the run (what
    came is kept); one file's own failure (gone from the server, damaged) is a warning, and the rest go on."""

    def __init__(self, store: Store, transport: Transport, *, force: bool = False,
                 check_cancel: Callable[[], None] = lambda: None, progress: Progress | None = None) -> None:  # fmt: skip
        self.store, self.transport = store, transport
        self.only_fast = fast_links_only(store) and not force
        self.check_cancel = check_cancel
        self.progress = progress or (lambda phase, done, total: None)
        self.result = FilesResult()
        self.budget: link.LinkBudget = getattr(transport, "link", None) or link.LinkBudget()
        self.cuts = 0

    def allowed(self) -> bool | None:
        """May files move now: True, False (a slow link, fast links only), None (not measured yet)."""
        if not self.only_fast:
            return True
        if self.budget.bandwidth is None:
            return None
        return self.budget.bandwidth >= FAST_BYTES_PER_SECOND

    def piece(self) -> int:
        if self.allowed() is None:
            return PROBE_BYTES
        return max(PIECE_MIN, min(PIECE_MAX, self.budget.wire_budget()))

    def stopped_by_link(self) -> bool:
        if self.allowed() is False:
            self.result.skipped = True
            return True
        return False

    def retry_after_cut(self, exc: SyncError) -> bool:
        was_cut = getattr(self.transport, "was_cut", None)
        if was_cut is None or not was_cut(exc) or self.cuts >= RETRIES:
            return False
        self.cuts += 1
        self.budget.cut()
        link.pause(self.cuts)
        return True

    def warn(self, name: str, exc: KnownError) -> None:
        self.result.warnings.append(i18n.text("files_failed", name=name, detail=exc.text()))

    # -- up ---------------------------------------------------------------------------------------------
    def upload(self) -> bool:
        """Send this user's new files; True when rows waiting for them may go up now."""
        todo = list({i["sha256"]: i for i in unsent(self.store, self.store.user.username)}.values())
        released = False
        for n, item in enumerate(todo):
            if self.stopped_by_link():
                return released
            self.check_cancel()
            self.progress("files_up", n, len(todo))
            try:
                data = get_blob(self.store, item["sha256"], item["filename"])
            except KnownError as exc:  # gone from this laptop: the row goes up and the server says why
                self.warn(item["filename"], exc)
            else:
                try:
                    self.send(item["sha256"], data)
                except _SlowLink:
                    return released
                self.result.uploaded += 1
            self.store.conn.execute(
                "INSERT OR IGNORE INTO sync_sent_files (sha256) VALUES (?)", [item["sha256"]]
            )
            released = True
        return released

    def send(self, sha256: str, data: bytes) -> None:
        """One file, continuing from what the server holds of it (HEAD gives the stored size)."""
        state = self.transport.blob_head(sha256)
        if state is not None and state[1]:
            return
        offset = state[0] if state is not None else 0
        while True:
            self.check_cancel()
            chunk = data[offset : offset + self.piece()]
            started = time.perf_counter()
            try:
                size, complete = self.transport.blob_put(sha256, offset, len(data), chunk)
            except BlobOffsetMismatch as exc:  # the server has more or less than we thought: from there
                offset = exc.size
                continue
            except SyncError as exc:
                if not self.retry_after_cut(exc):
                    raise
                state = self.transport.blob_head(sha256)
                offset = state[0] if state is not None and not state[1] else 0
                continue
            self.cuts = 0
            self.budget.record(len(chunk), len(chunk), time.perf_counter() - started)
            if complete:
                return
            if self.stopped_by_link():  # the rest goes on a faster link (the server keeps what came)
                raise _SlowLink()
            offset = size

    # -- down -------------------------------------------------------------------------------------------
    def download(self, case_id: str | None = None) -> None:
        todo = missing(self.store, case_id)
        total = sum(r["size"] or 0 for r in todo)
        done = 0
        for row in todo:
            if self.stopped_by_link():
                return
            try:
                self.fetch(row)
            except _SlowLink:
                return
            except SyncError as exc:
                if exc.key in _LINK_GONE or isinstance(exc, _SESSION_GONE):
                    raise
                self.warn(row["filename"] or row["sha256"][:12], exc)
                continue
            self.result.downloaded += 1
            done += row["size"] or 0
            self.progress("files_down", done, total)

    def fetch(self, row: dict[str, Any]) -> None:
        sha = row["sha256"]
        have = partial_blobs.received(self.store, sha)
        whole: int | None = None
        while whole is None or have < whole:
            self.check_cancel()
            try:
                data, whole = self.transport.blob_part(sha, have, self.piece())
            except SyncError as exc:
                if not self.retry_after_cut(exc):
                    raise
                continue
            self.cuts = 0
            if not data:
                break
            partial_blobs.append(self.store, sha, have, data)
            have += len(data)
            if have < whole and self.stopped_by_link():
                raise _SlowLink()
        if not partial_blobs.finish(self.store, sha):
            raise SyncError("files_damaged")


class _SlowLink(Exception):
    """The link turned out too slow for files mid-file (what came is kept for later)."""


_LINK_GONE = frozenset({"sync_offline", "sync_throttled", "sync_cancelled"})

_SESSION_GONE = (LoginExpired, DeviceRevoked)
