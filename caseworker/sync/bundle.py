"""Sync by file on the laptop: `sync --export FILE` writes a push bundle, `sync --import REPLY` applies the
server's reply through the sync engine itself (caseworker.sync.engine.sync over a ReplyTransport), so a
reply is taken exactly as a push answer and pulled pages are: the same rebase, conflicts, quarantine,
cursor and summary. Attachment files travel in the bundles too (caseworker.sync.bundle_files).

Keys: the device's key pair is made on first need and kept in the encrypted store (meta); its public half
is registered with the server over an authenticated network sync (enrolment, or the next sync of a laptop
enrolled before bundles existed), which answers the server's public keys, kept beside it.

A reply is taken only by its device and only if it does not leave a gap: its pages start at the cursor
the push bundle carried; the device may have moved on since (a network sync, a newer reply), so changes
it already has are skipped, a reply entirely behind it only delivers its results, and a reply whose
pages start after the device's cursor is refused.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from caseworker import i18n
from caseworker.store import syncstate
from caseworker.store.ids import now_iso
from caseworker.store.schema import DATA_VERSION
from caseworker.store.store import Store
from caseworker.sync import bundle_files, sealing
from caseworker.sync import bundle_format as bf
from caseworker.sync import files as files_mod
from caseworker.sync import protocol as p
from caseworker.sync.engine import PULL_LIMIT, Progress, SyncResult, _Run, fitting, sync
from caseworker.sync.transport import SyncError

DEVICE_KEYS = "bundle_device_keys"  # meta: this device's private keys (JSON)
SERVER_KEYS = "bundle_server_keys"  # meta: the server's public keys (JSON)
REGISTERED = "bundle_keys_registered"  # meta: the device id the keys were registered for

i18n.register(
    {
        "bundle_no_keys": (
            "Laptop ini belum siap untuk sinkronisasi lewat berkas: sinkronkan sekali lewat jaringan dulu "
            "(kunci perangkat didaftarkan ke server saat itu).",
            "This laptop is not ready to sync by file yet: sync once over the network first (the device's "
            "keys are registered with the server then).",
        ),
        "bundle_other_device": (
            "{path}: balasan ini untuk perangkat lain ({device}), bukan laptop ini. Tidak ada yang diterapkan.",
            "{path}: this reply is for another device ({device}), not this laptop. Nothing was applied.",
        ),
        "bundle_gap": (
            "{path}: balasan ini dibuat dari keadaan yang lebih baru daripada laptop ini (data di antaranya "
            "akan hilang). Buat berkas kiriman baru dan terapkan di server.",
            "{path}: this reply starts after what this laptop has (the changes in between would be "
            "missing). Export a new bundle and apply it on the server.",
        ),
        "bundle_exported": (
            "Berkas sinkronisasi ditulis: {path} ({mutations} perubahan, {files} berkas lampiran, {size}). "
            "Bawa ke server dan terapkan dengan `caseworker-server bundle apply`.",
            "Sync bundle written: {path} ({mutations} changes, {files} attachment files, {size}). Take it to "
            "the server and apply it with `caseworker-server bundle apply`.",
        ),
        "bundle_reply_behind": (
            "Balasan ini lebih lama daripada data laptop ini: hanya hasil kiriman yang dicatat.",
            "This reply is older than what this laptop has: only the results of what was sent are kept.",
        ),
        "bundle_reply_more": (
            "Masih ada data di server setelah balasan ini: buat berkas kiriman berikutnya.",
            "The server has more after this reply: export the next bundle.",
        ),
    }
)


# -- keys -------------------------------------------------------------------------------------------------
def device_keys(store: Store) -> sealing.KeyPair:
    """This device's key pair, made on first need (kept encrypted with the rest of the store)."""
    stored = store.meta(DEVICE_KEYS)
    if stored:
        return sealing.KeyPair.from_json(json.loads(stored))
    keys = sealing.KeyPair.generate()
    with store.transaction():
        store.set_meta(DEVICE_KEYS, json.dumps(keys.to_json()))
    return keys


def server_keys(store: Store) -> sealing.PublicKeys | None:
    stored = store.meta(SERVER_KEYS)
    return sealing.PublicKeys.from_json(json.loads(stored)) if stored else None


def ensure_registered(store: Store, transport: Any) -> bool:
    """Register this device's public keys with the server (once per device id) and keep the server's.
    False when the transport cannot (not HTTP) or the server does not know bundles (an older server)."""
    if store.meta(REGISTERED) == store.device_id and server_keys(store) is not None:
        return True
    register = getattr(transport, "register_bundle_keys", None)
    if register is None:
        return False
    public = device_keys(store).public
    theirs = register(p.BundleKeys(**public.to_json()))
    keys = sealing.PublicKeys.from_json(theirs.model_dump())
    with store.transaction():
        store.set_meta(SERVER_KEYS, json.dumps(keys.to_json()))
        store.set_meta(REGISTERED, store.device_id)
    return True


def _ready(store: Store) -> tuple[sealing.KeyPair, sealing.PublicKeys]:
    theirs = server_keys(store)
    if theirs is None or store.meta(REGISTERED) != store.device_id or not store.meta(DEVICE_KEYS):
        raise bf.BundleError("bundle_no_keys")
    return device_keys(store), theirs


# -- export -----------------------------------------------------------------------------------------------
@dataclass
class Exported:
    path: Path
    mutations: int
    cursor: int
    size: int
    files: int = 0  # attachment files carried


def pending_requests(store: Store, carried: Collection[str] = ()) -> tuple[list[p.PushRequest], int]:
    """The signed-in user's outbox as the engine's push would send it (same batches, same bases, the same
    rows held back for other users or for files not yet uploaded, but for the attachment rows in `carried`
    whose files go with them), and the outbox seq it goes up to."""
    run = _Run(store, None, None, None, time.time, PULL_LIMIT)  # type: ignore[arg-type]
    upto = syncstate.outbox_max_seq(store)
    user = store.user.username
    unsent = {f["row_id"] for f in files_mod.unsent(store, user)} - set(carried)
    held = syncstate.held_for_others(store, user, upto) | syncstate.held_behind(store, user, upto, unsent)
    requests: list[p.PushRequest] = []
    after = 0
    while True:
        rows = syncstate.outbox_batch(store, p.MAX_PUSH_BATCH, upto, user, after)
        if not rows:
            break
        after = rows[-1]["seq"]
        batch = [r for r in rows if r["mutation_id"] not in held]
        mutations = run.mutations(batch)
        while mutations:
            fits = max(1, fitting(mutations))  # a mutation too large alone goes alone: the server refuses it
            requests.append(p.PushRequest(device_id=store.device_id, protocol_version=p.PROTOCOL_VERSION,
                                          schema_version=DATA_VERSION, mutations=mutations[:fits]))  # fmt: skip
            mutations = mutations[fits:]
    return requests, upto


def export(store: Store, path: Path) -> Exported:
    """Write the push bundle of the signed-in user to `path` (nothing local changes: the outbox stays as
    it is until the reply's results come back)."""
    syncstate.ensure_tables(store)
    mine, theirs = _ready(store)
    files, carried = bundle_files.outgoing(store, store.user.username)
    requests, upto = pending_requests(store, carried)
    body = bf.PushBundle(device_id=store.device_id, username=store.user.username, cursor=syncstate.cursor(store),
                         outbox_upto=upto, created=now_iso(), requests=requests, schema_version=DATA_VERSION,
                         files=files, wants=bundle_files.wanted(store))  # fmt: skip
    data = bf.seal(bf.header("push", store.device_id), body, mine, theirs)
    bf.write(path, data)
    return Exported(Path(path), sum(len(r.mutations) for r in requests), body.cursor, len(data), len(files))


# -- import -----------------------------------------------------------------------------------------------
class ReplyTransport:
    """A server's reply as the engine's Transport: push answers what the reply has results for (mutations
    made after the export get none and stay pending), pull serves the reply's pages from any cursor
    inside them, without the changes the device already has."""

    answers_some = True  # the engine keeps mutations without a result pending instead of stopping

    def __init__(self, reply: bf.ReplyBundle, start: int) -> None:
        self.reply = reply
        self.results = {r.mutation_id: r for r in reply.results}
        # The server restarted this device's pulls from zero for the state the device had at the export.
        self.reset_pending = reply.reset and start == reply.since

    def push(self, request: p.PushRequest) -> p.PushResponse:
        found = [self.results[m.mutation_id] for m in request.mutations if m.mutation_id in self.results]
        return p.PushResponse(results=found, server_time=self.reply.server_time,
                              update_required=self.reply.update_required)  # fmt: skip

    def pull(self, since: int, limit: int) -> p.PullResponse:
        reply = self.reply
        if self.reset_pending:
            self.reset_pending = False
            return p.PullResponse(
                changes=[], cursor=0, has_more=True, server_time=reply.server_time, reset=True
            )
        pages = reply.pages
        for index, page in enumerate(pages):
            if page.cursor <= since:
                continue
            full = p.with_rows_as_changes(page)
            changes = [c for c in full.changes if c.seq > since]
            return full.model_copy(update={"changes": changes, "has_more": index + 1 < len(pages)})
        return p.PullResponse(changes=[], cursor=since, has_more=False, server_time=reply.server_time,
                              directory_etag=reply.directory_etag)  # fmt: skip

    def facility_users(self) -> p.FacilityUsersResponse:
        if self.reply.users is None:  # not said: the saved list stays as it is
            raise SyncError("sync_bad_answer", detail="no users")
        return p.FacilityUsersResponse(users=self.reply.users, facilities=self.reply.facilities)

    def login(self, username: str, password: str) -> p.LoginResponse:
        raise NotImplementedError

    def refresh(self) -> None:
        raise NotImplementedError

    def blob_head(self, sha256: str) -> tuple[int, bool] | None:
        raise NotImplementedError

    def blob_put(self, sha256: str, offset: int, total: int, chunk: bytes) -> tuple[int, bool]:
        raise NotImplementedError

    def blob_get(self, sha256: str) -> bytes:
        raise NotImplementedError

    def blob_part(self, sha256: str, start: int, length: int) -> tuple[bytes, int]:
        raise NotImplementedError


def read_reply(store: Store, path: Path) -> bf.ReplyBundle:
    """The reply at `path`, checked: sealed by this profile's server, for this device."""
    data = bf.read(path)
    head = bf.peek(path, data, "reply")
    if head["device_id"] != store.device_id:
        raise bf.BundleError("bundle_other_device", path=str(path), device=head["device_id"])
    mine, theirs = _ready(store)
    _, reply = bf.open_body(path, data, theirs.sign, mine, bf.ReplyBundle)
    if reply.device_id != store.device_id:
        raise bf.BundleError("bundle_bad.damaged", path=str(path))
    return reply


def import_reply(
    store: Store, path: Path, *, progress: Progress | None = None, cancel: Any = None,
    clock: Callable[[], float] = time.time,
) -> SyncResult:  # fmt: skip
    """Apply a reply bundle as a sync: results as a push answer, pages as pulls (raises BundleError and
    applies nothing when the reply is not this device's or would leave a gap)."""
    syncstate.ensure_tables(store)
    reply = read_reply(store, path)
    cursor = syncstate.cursor(store)
    if (0 if reply.reset else reply.since) > cursor:  # the device would miss what lies in between
        raise bf.BundleError("bundle_gap", path=str(path))
    bundle_files.sent(store, reply.files_held)  # their rows may go up now (answered by the reply)
    transport = ReplyTransport(reply, cursor)
    behind = reply.end <= cursor and not transport.reset_pending
    result = sync(store, transport, progress=progress, cancel=cancel, clock=clock, files="later")  # type: ignore[arg-type]
    result.files_downloaded = bundle_files.take(store, reply.files)
    result.files_waiting, result.files_waiting_bytes = files_mod.waiting(store)
    if behind and reply.pages:
        result.warnings.append(i18n.text("bundle_reply_behind"))
    if not reply.complete:
        result.warnings.append(i18n.text("bundle_reply_more"))
    return result
