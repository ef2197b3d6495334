"""The client sync engine: push the outbox, then pull the server's changes, over any Transport.

Safe to interrupt anywhere: a mutation leaves the outbox only with its result (a resend is a server-side
duplicate), and each pulled page is applied together with its cursor, so the next run continues where
this one stopped. Device clocks are only compared with the server's to warn; they decide nothing.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from caseworker import i18n
from caseworker.numbers import format_bytes
from caseworker.store import db as dbmod
from caseworker.store import syncstate
from caseworker.store.schema import DATA_VERSION
from caseworker.store.store import Store
from caseworker.sync import files as files_mod
from caseworker.sync import link, quarantine, receipts
from caseworker.sync import protocol as p
from caseworker.sync.apply import apply_page
from caseworker.sync.directory import refresh_directory
from caseworker.sync.link import RETRIES
from caseworker.sync.transport import SyncError, Transport

PULL_LIMIT = p.MAX_PULL_LIMIT  # fewer, bigger pages: each is one local transaction and one index pass
GROUP_SECONDS = 1.0  # the longest pulled pages are applied in one transaction (see _Run.pull)
BOOKKEEPING = frozenset({"updated_at", "updated_by", "version", "conflict"})

i18n.register(
    {
        "sync_cancelled": (
            "Sinkronisasi dibatalkan; yang sudah terkirim dan diterima tetap tersimpan.",
            "Sync cancelled; what was already sent and received is kept.",
        ),
        "sync_clock_skew": (
            "Jam perangkat ini berbeda {minutes} menit dari server. Periksa tanggal dan jam.",
            "This device's clock is {minutes} minutes off the server's. Check the date and time.",
        ),
        "sync_bad_answer": (
            "Jawaban server tidak lengkap ({detail}); coba lagi.",
            "The server's answer was incomplete ({detail}); try again.",
        ),
        "sync_traffic": (
            "Data lewat jaringan: {sent} dikirim, {received} diterima.",
            "Over the network: {sent} sent, {received} received.",
        ),
        "sync_files_waiting": (
            "{n} berkas lampiran ({size}) belum dipindahkan.",
            "{n} attachment files ({size}) not transferred yet.",
        ),
    }
)

Progress = Callable[[str, int, int | None], None]


@dataclass
class SyncResult:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0  # open conflicts on this device after the sync (what people must resolve)
    rejected: int = 0  # mutations the server refused in this sync (listed by syncstate.rejected)
    quarantined: int = (
        0  # pulled rows set aside after the sync: this laptop cannot store them (sync.quarantine)
    )
    # Mutations still in the outbox that wait for another user of this profile to sync: theirs, and this
    # user's that need theirs first (a shared laptop; each edit goes up with its author's session).
    waiting: int = 0
    errors: list[str] = field(default_factory=list)
    clock_skew_seconds: float | None = None
    warnings: list[str] = field(default_factory=list)
    update_required: bool = False
    completed: bool = False
    bytes_sent: int = 0  # request bodies on the wire (compressed), this sync
    bytes_received: int = 0  # answer bodies on the wire (compressed), this sync
    files_uploaded: int = 0  # attachment files sent whole to the server, this run
    files_downloaded: int = 0  # attachment files received whole, this run
    files_waiting: int = 0  # attachment files still to move either way after the run
    files_waiting_bytes: int = 0
    files_skipped: bool = False  # files waited for a fast link (the profile's setting)

    def traffic(self, lang: str | None = None) -> str:
        """What went over the network, in words (compressed bytes, as the link carried them)."""
        return i18n.text("sync_traffic", lang, sent=format_bytes(self.bytes_sent, lang),
                         received=format_bytes(self.bytes_received, lang))  # fmt: skip

    def files_text(self, lang: str | None = None) -> str:
        """The files still waiting, in words ("" when none)."""
        if not self.files_waiting:
            return ""
        size = format_bytes(self.files_waiting_bytes, lang)
        key = "files_slow_link" if self.files_skipped else "sync_files_waiting"
        return i18n.text(key, lang, n=self.files_waiting, size=size)

    def summary(self) -> dict[str, int]:
        return {
            "pushed": self.pushed,
            "pulled": self.pulled,
            "conflicts": self.conflicts,
            "rejected": self.rejected,
            "quarantined": self.quarantined,
        }

    def files_summary(self) -> dict[str, int]:
        return {
            "files_uploaded": self.files_uploaded,
            "files_downloaded": self.files_downloaded,
            "files_waiting": self.files_waiting,
            "files_waiting_bytes": self.files_waiting_bytes,
        }


class Cancelled(SyncError):
    def __init__(self) -> None:
        super().__init__("sync_cancelled")


def _parse_time(value: str) -> float:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()


class _Run:
    def __init__(
        self,
        store: Store,
        transport: Transport,
        progress: Progress | None,
        cancel: Any,
        clock: Callable[[], float],
        pull_limit: int,
    ) -> None:
        self.store = store
        self.transport = transport
        self.progress = progress or (lambda phase, done, total: None)
        self.cancel = cancel
        self.clock = clock
        self.pull_limit = pull_limit
        self.result = SyncResult()
        self.directory_etag: str | None = None  # of the facility's users, as the last pull page said
        # (table, row id) -> version of the rows this run's pushes wrote: the pull brings them back (with
        # what the server added), which is not news to count as received.
        self.own_writes: dict[tuple[str, str], int] = {}
        self.cuts = 0  # pushes cut off in a row

    def check_cancel(self) -> None:
        if self.cancel is None:
            return
        stop = self.cancel.is_set() if hasattr(self.cancel, "is_set") else self.cancel()
        if stop:
            raise Cancelled()

    def note_clock(self, server_time: str) -> None:
        try:
            skew = self.clock() - _parse_time(server_time)
        except ValueError:
            return
        self.result.clock_skew_seconds = skew
        if abs(skew) > p.CLOCK_SKEW_WARNING_SECONDS:
            message = i18n.text("sync_clock_skew", minutes=round(skew / 60))
            if message not in self.result.warnings:
                self.result.warnings.append(message)

    # -- push -------------------------------------------------------------------------------------------
    def push(self) -> None:
        """Send the signed-in user's mutations, oldest first. Other users' of a shared profile stay in the
        outbox for their own sync (the session is this user's: the server makes its user the author),
        and so do this user's that need another user's unsent rows first (syncstate.held_for_others).
        New attachments whose file is not on the server yet wait for it (caseworker.sync.files), with
        what depends on them: the text goes first."""
        upto = syncstate.outbox_max_seq(self.store)  # edits made during this sync wait for the next one
        user = self.store.user.username
        held_by_others = syncstate.held_for_others(self.store, user, upto)
        unsent = {f["row_id"] for f in files_mod.unsent(self.store, user)}
        held = held_by_others | syncstate.held_behind(self.store, user, upto, unsent)
        total = syncstate.pending_count(self.store, user) - len(held)
        after = 0  # the outbox seq up to which this run has dealt with the user's mutations
        while True:
            self.check_cancel()
            rows = syncstate.outbox_batch(self.store, p.MAX_PUSH_BATCH, upto, user, after)
            if not rows:
                break
            batch = [r for r in rows if r["mutation_id"] not in held]
            if not batch:
                after = rows[-1]["seq"]
                continue
            mutations = self.mutations(batch)
            fits = fitting(mutations, self.push_limit()) or min(1, fitting(mutations[:1]))
            if fits == 0:  # one mutation larger than any push body may be: the server would never take it
                syncstate.record_results(self.store, batch[:1], {batch[0]["mutation_id"]: TOO_LARGE})
                self.result.rejected += 1
                after = batch[0]["seq"]
                continue
            batch, mutations = batch[:fits], mutations[:fits]
            after = batch[-1]["seq"]
            request = p.PushRequest(
                device_id=self.store.device_id,
                protocol_version=p.PROTOCOL_VERSION,
                schema_version=DATA_VERSION,
                mutations=mutations,
            )
            response = self.send(request)
            if response is None:  # cut off: the same mutations go again, in a smaller batch
                after = batch[0]["seq"] - 1
                continue
            self.note_clock(response.server_time)
            results: dict[str, tuple[str, str | None, int | None]] = {}
            by_id = {m.mutation_id: m for m in mutations}
            for r in response.results:
                if r.mutation_id not in by_id:
                    continue
                status = r.original_status if r.status == "duplicate" and r.original_status else r.status
                results[r.mutation_id] = (status, r.reason, r.version)
                if status in ("applied", "merged") and r.version is not None:
                    sent = by_id[r.mutation_id]
                    self.own_writes[(sent.table, sent.row_id)] = r.version
                if status == "rejected":
                    self.result.rejected += 1
            syncstate.record_results(self.store, batch, results)
            receipts.keep(self.store, mutations, response.results)
            self.result.pushed += len(results)
            if response.update_required:
                self.result.update_required = True
            self.progress("push", self.result.pushed, total)
            if len(results) < len(batch) and not getattr(self.transport, "answers_some", False):
                # Some mutations got no answer: stop rather than loop; they stay pending for the next sync.
                # (A reply bundle answers only what was exported: the rest waits for the next bundle.)
                raise SyncError("sync_bad_answer", detail=f"{len(batch) - len(results)} results missing")
        self.result.waiting = len(held_by_others) + syncstate.pending_of_others(self.store, user)

    def push_limit(self) -> int:
        """The most JSON bytes of one push body: the protocol's limit, or less on a slow or broken link."""
        link = getattr(self.transport, "link", None)
        return (
            p.MAX_PUSH_BODY if link is None else max(_ENVELOPE * 8, min(p.MAX_PUSH_BODY, link.json_bytes()))
        )

    def send(self, request: p.PushRequest) -> p.PushResponse | None:
        """The server's answer, or None when the link dropped the exchange and a smaller try may pass
        (a resend is safe: the server answers a mutation it has as a duplicate)."""
        try:
            response = self.transport.push(request)
        except SyncError as exc:
            was_cut = getattr(self.transport, "was_cut", None)
            if was_cut is None or not was_cut(exc) or self.cuts >= RETRIES:
                raise
            self.cuts += 1
            self.transport.link.cut()  # type: ignore[attr-defined]
            link.pause(self.cuts)
            return None
        self.cuts = 0
        return response

    def mutations(self, batch: list[dict[str, Any]]) -> list[p.Mutation]:
        """Outbox rows as protocol mutations; the base of each update comes from the last server copy,
        advanced by the earlier mutations of the same row in this batch (as the server will have applied them)."""
        known = syncstate.bases(self.store, [(r["table_name"], r["row_id"]) for r in batch])
        virtual: dict[tuple[str, str], dict[str, Any]] = {k: dict(v[0]) for k, v in known.items()}
        out: list[p.Mutation] = []
        for row in batch:
            key = (row["table_name"], row["row_id"])
            fields = json.loads(row["fields"])
            base: dict[str, Any] | None = None
            if row["op"] == "update":
                copy = virtual.get(key)
                if copy is not None:
                    base = {k: copy[k] for k in fields if k in copy and k not in BOOKKEEPING}
            elif row["op"] == "delete":
                copy = virtual.get(key)
                if copy is not None:
                    base = {k: v for k, v in copy.items() if k not in BOOKKEEPING and k != "id"}
            if row["op"] == "insert":
                virtual[key] = dict(fields)
            else:
                virtual.setdefault(key, {}).update(fields)
            out.append(
                p.Mutation(
                    mutation_id=row["mutation_id"],
                    txn_id=row["txn_id"],
                    table=row["table_name"],
                    row_id=row["row_id"],
                    op=row["op"],
                    fields=fields,
                    base=base,
                    base_version=row["base_version"] or 0,
                    hlc=row["hlc"],
                    schema_version=row["schema_version"] or DATA_VERSION,
                    created_at=row["created_at"],
                    created_by=row["created_by"],
                )
            )
        return out

    # -- pull -------------------------------------------------------------------------------------------
    def own_write(self, change: p.Change) -> bool:
        """The row as this run's push left it, coming back: not counted as received."""
        return change.op == "upsert" and self.own_writes.get((change.table, change.row_id)) == change.version

    def pull(self) -> None:
        """Pages in order. While one page is applied the next is already on its way, but only after a page
        without removals: pulling past a page acknowledges its removals to the server.

        Pages that are already here when the one before is applied go into the same transaction (for up to
        GROUP_SECONDS): a first sync commits a few times instead of once a page, and each commit writes
        every page of the indexes its rows landed in (names, NIKs, search terms all over), so fewer commits
        write less. A group never waits for the network inside its transaction, and each page's cursor is
        written with it, so a cut or failure loses nothing that was committed."""
        since = syncstate.cursor(self.store)
        resets = 0
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull") as pool:
            ahead: Future[p.PullResponse] | None = None
            held: p.PullResponse | None = None  # fetched by a group that could not apply it
            while True:
                self.check_cancel()
                if held is not None:
                    page, held = held, None
                else:
                    page = (
                        ahead.result() if ahead is not None else self.transport.pull(since, self.pull_limit)
                    )
                    ahead = None
                self.note_clock(page.server_time)
                if page.update_required:
                    self.result.update_required = True
                    return
                if page.reset:
                    resets += 1
                    if resets > 3:
                        raise SyncError("sync_bad_answer", detail="repeated reset")
                    since = 0
                    syncstate.set_cursor(
                        self.store, 0
                    )  # keep local rows; removals come for what left the scope
                    continue
                try:
                    with self.store.transaction():
                        started = time.monotonic()
                        while True:
                            if page.has_more and all(c.op != "remove" for c in page.changes):
                                ahead = pool.submit(self.transport.pull, page.cursor, self.pull_limit)
                            apply_page(self.store, page.changes, page.cursor, self.own_writes)
                            self.result.pulled += sum(not self.own_write(c) for c in page.changes)
                            self.directory_etag = page.directory_etag
                            since = page.cursor
                            self.progress("pull", self.result.pulled, None)
                            if not self._next_in_group(ahead, started):
                                break
                            assert ahead is not None
                            page, ahead = ahead.result(), None
                            if page.update_required or page.reset:
                                held = page  # handled after the commit
                                break
                            self.note_clock(page.server_time)
                except BaseException:
                    if ahead is not None:
                        ahead.cancel()
                        with contextlib.suppress(Exception):
                            ahead.result()  # let the request finish before the transport is reused
                    raise
                if held is None and not page.has_more:
                    return
                if ahead is not None:
                    try:
                        self.check_cancel()
                    except Cancelled:
                        with contextlib.suppress(Exception):
                            ahead.result()
                        raise

    def _next_in_group(self, ahead: Future[p.PullResponse] | None, started: float) -> bool:
        """Whether the next page joins the open transaction: it is here already, whole, the group has not
        run for GROUP_SECONDS (the app's own writes wait for it) and nobody asked to stop."""
        if ahead is None or not ahead.done() or ahead.exception() is not None:
            return False
        if time.monotonic() - started >= GROUP_SECONDS:
            return False
        try:
            self.check_cancel()
        except Cancelled:
            return False  # commit what is applied; the next check stops the sync
        return True

    # -- files ----------------------------------------------------------------------------------------
    def files(self, case_id: str | None = None, force: bool = False) -> None:
        """The attachment files after the text: this user's new ones up (then the rows that waited for
        them), missing ones down (of one case, or all)."""
        run = files_mod.Files(self.store, self.transport, force=force, check_cancel=self.check_cancel,
                              progress=self.progress)  # fmt: skip
        if run.upload():
            self.push()  # the attachment rows whose files just went up (and edits made meanwhile)
        if not run.result.skipped:
            run.download(case_id)
        self.result.files_uploaded += run.result.uploaded
        self.result.files_downloaded += run.result.downloaded
        self.result.files_skipped = run.result.skipped
        self.result.warnings += run.result.warnings


# A refused mutation too large to send (the server's reason for values it does not accept).
TOO_LARGE: tuple[str, str | None, int | None] = ("rejected", "invalid_value", None)
_ENVELOPE = 1024  # bytes of a push body besides its mutations (device id, versions, brackets)


def fitting(mutations: list[p.Mutation], limit: int = p.MAX_PUSH_BODY) -> int:
    """How many of the first mutations fit in one push body of at most `limit` bytes."""
    used = _ENVELOPE
    for count, mutation in enumerate(mutations):
        used += len(mutation.model_dump_json().encode()) + 1  # and its comma
        if used > limit:
            return count
    return len(mutations)


def open_conflicts(store: Store) -> int:
    row = store.conn.execute(
        "SELECT count(*) FROM conflicts WHERE status = 'open' AND deleted = 0"
    ).fetchone()
    return int(row[0])


def sync(
    store: Store,
    transport: Transport,
    *,
    progress: Progress | None = None,
    cancel: Any = None,
    clock: Callable[[], float] = time.time,
    pull_limit: int = PULL_LIMIT,
    files: str = "auto",
) -> SyncResult:
    """Push then pull, then the attachment files. Raises SyncError when the sync could not complete
    (nothing is lost; run it again). `cancel` is a threading.Event or a callable returning True to stop
    (between batches, pages and file pieces). `files`: "auto" (as the profile's setting and the link
    allow), "now" (whatever the link), "later" (text only: the app moves them in the background with
    sync_files)."""
    budget = getattr(transport, "link", None)
    if budget is not None:  # the laptop may be on another link than at the last sync: measure it anew
        budget.bandwidth = None
    if hasattr(transport, "pending_hint") and store.user is not None:  # told to the server's console
        transport.pending_hint = syncstate.pending_count(store, store.user.username)
    run = _Run(store, transport, progress, cancel, clock, pull_limit)
    return _counted(run, lambda: _sync(store, run, files))


def sync_files(
    store: Store,
    transport: Transport,
    *,
    case_id: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    cancel: Any = None,
) -> SyncResult:
    """Only the attachment files (of one case, or all): after a text-only sync, or "Unduh sekarang"."""
    run = _Run(store, transport, progress, cancel, time.time, PULL_LIMIT)

    def files() -> None:
        try:
            run.files(case_id, force)
            run.result.completed = True
        finally:
            run.result.files_waiting, run.result.files_waiting_bytes = files_mod.waiting(store)

    return _counted(run, files)


def _counted(run: _Run, work: Callable[[], None]) -> SyncResult:
    """Do `work` with the signed-in user's own session (never the one of who synced before), and say
    how many bytes it moved."""
    store, transport = run.store, run.transport
    syncstate.ensure_tables(store)
    use_user = getattr(transport, "use_user", None)
    if use_user is not None:
        use_user(store.user.username)
    sent_before = getattr(transport, "bytes_sent", 0)
    received_before = getattr(transport, "bytes_received", 0)
    work()
    run.result.bytes_sent = getattr(transport, "bytes_sent", 0) - sent_before
    run.result.bytes_received = getattr(transport, "bytes_received", 0) - received_before
    return run.result


def _sync(store: Store, run: _Run, files: str = "auto") -> None:
    run.push()
    if run.result.update_required:
        run.result.errors.append(i18n.text("sync_update_required"))
    else:
        with dbmod.bulk_writes(store.conn):  # a first sync writes a whole unit's records
            run.pull()
        if run.result.update_required:
            run.result.errors.append(i18n.text("sync_update_required"))
        else:
            refresh_directory(store, run.transport, run.directory_etag)
            syncstate.record_sync(store, run.result.pulled, run.result.pushed)
            run.result.completed = True
            _register_bundle_keys(store, run.transport)
            if files != "later":
                try:
                    run.files(force=files == "now")
                except Cancelled:
                    raise
                except SyncError as exc:  # the text is synced; the files wait for the next sync
                    run.result.warnings.append(exc.text())
    run.result.files_waiting, run.result.files_waiting_bytes = files_mod.waiting(store)
    run.result.conflicts = open_conflicts(store)
    run.result.quarantined = quarantine.count(store)


def _register_bundle_keys(store: Store, transport: Transport) -> None:
    """A laptop enrolled before sync by file existed gets its keys with its next network sync (an older
    server without bundles: nothing happens)."""
    from caseworker.sync import bundle

    with contextlib.suppress(SyncError):
        bundle.ensure_registered(store, transport)
