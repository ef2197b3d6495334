"""Push side of the sync engine against the real server app: retries, replays, in-flight edits, attachments,
outdated clients, tokens."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from caseworker.server import admin
from caseworker.store import attachments, cases, syncstate
from caseworker.store import repository as repo
from caseworker.sync import engine, files
from caseworker.sync import protocol as p
from caseworker.sync import tokens as tokens_mod
from caseworker.sync.transport import DeviceRevoked, LoginExpired, SyncError
from tests.core.sync_support import LostResponse


class DropFirstPushAnswer:
    """The first push reaches the server, its answer is lost."""

    def __init__(self, inner):
        self.inner = inner
        self.dropped = False
        self.requests: list[p.PushRequest] = []

    def push(self, request):
        self.requests.append(request)
        response = self.inner.push(request)
        if not self.dropped:
            self.dropped = True
            raise LostResponse()
        return response

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_retried_push_after_lost_response_makes_no_duplicate(devices, server):
    ani = devices("ani", wrap=DropFirstPushAnswer)
    _, case_id = ani.new_case()
    cases.add_note(ani.store, case_id, "kunjungan pertama")
    with pytest.raises(SyncError):
        ani.sync()
    assert ani.pending() == 3  # nothing left the outbox without its result
    result = ani.sync()
    assert result.completed and result.pushed == 3 and result.rejected == 0
    assert ani.pending() == 0
    assert (
        len(server.rows("cases")) == 1 and len(server.rows("persons")) == 1 and len(server.rows("notes")) == 1
    )
    assert ani.transport.requests[0].mutations == ani.transport.requests[1].mutations


def test_replayed_and_reordered_batches_are_no_ops(devices, server):
    class Recorder:
        def __init__(self, inner):
            self.inner, self.requests = inner, []

        def push(self, request):
            self.requests.append(request)
            return self.inner.push(request)

        def __getattr__(self, name):
            return getattr(self.inner, name)

    ani = devices("ani", wrap=Recorder)
    _, case_id = ani.new_case()
    ani.sync()
    cases.update_case(ani.store, case_id, {"risk": "high"})
    cases.add_note(ani.store, case_id, "catatan")
    ani.sync()
    repo.update(ani.store, "cases", case_id, {"risk": "low"})
    ani.sync()
    before = {t: server.rows(t) for t in ("cases", "persons", "notes", "conflicts")}
    for request in reversed(ani.transport.requests):  # stale batches, newest first
        results = ani.http.push(request).results
        assert {r.status for r in results} == {"duplicate"}
    assert {t: server.rows(t) for t in before} == before
    assert server.rows("cases")[case_id]["risk"] == "low"


def test_edit_made_while_push_is_in_flight_stays_pending(devices, server):
    class EditDuringPush:
        def __init__(self, inner):
            self.inner = inner
            self.case_id: str | None = None

        def push(self, request):
            if self.case_id:
                repo.update(ani.store, "cases", self.case_id, {"presenting_problem": "diubah saat kirim"})
                self.case_id = None
            return self.inner.push(request)

        def __getattr__(self, name):
            return getattr(self.inner, name)

    ani = devices("ani", wrap=EditDuringPush)
    _, case_id = ani.new_case()
    ani.sync()
    repo.update(ani.store, "cases", case_id, {"risk": "high"})
    ani.transport.case_id = case_id
    result = ani.sync()
    assert result.completed and result.pushed == 1
    assert ani.pending() == 1  # the edit made during the push is still waiting
    assert ani.row("cases", case_id)["presenting_problem"] == "diubah saat kirim"  # and the pull kept it
    assert server.rows("cases")[case_id]["risk"] == "high"
    ani.sync()
    assert ani.pending() == 0
    assert server.rows("cases")[case_id]["presenting_problem"] == "diubah saat kirim"


def test_attachment_upload_resumes_and_is_verified_by_hash(devices, server, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(files, "PIECE_MAX", 64 * 1024)

    class CutAfterChunks:
        def __init__(self, inner):
            self.inner, self.offsets, self.cut_after = inner, [], 3

        def blob_put(self, sha, offset, total, chunk):
            if len(self.offsets) == self.cut_after:
                self.cut_after = -1
                raise SyncError("sync_offline", detail="cable pulled (test)")
            self.offsets.append(offset)
            return self.inner.blob_put(sha, offset, total, chunk)

        def __getattr__(self, name):
            return getattr(self.inner, name)

    ani = devices("ani", wrap=CutAfterChunks)
    _, case_id = ani.new_case()
    content = os.urandom(64 * 1024 * 5 + 123)
    scan = tmp_path / "kk.jpg"
    scan.write_bytes(content)
    attachments.add_attachment(ani.store, case_id, scan)
    sha = hashlib.sha256(content).hexdigest()
    first = ani.sync()  # the text goes first; the file breaks off after three pieces
    assert first.completed and "cable pulled" in " ".join(first.warnings)
    assert first.files_waiting == 1 and first.files_waiting_bytes == len(content)
    assert ani.http.blob_head(sha) == (3 * 64 * 1024, False)
    assert ani.pending() == 1  # the attachment row waits until its content is on the server
    assert case_id in server.rows("cases") and server.rows("attachments") == {}
    result = ani.sync()
    assert result.completed and result.files_uploaded == 1 and result.files_waiting == 0
    assert ani.pending() == 0 and len(server.rows("attachments")) == 1
    assert ani.transport.offsets == [0, 65536, 131072, 196608, 262144, 327680]  # resumed, never restarted
    assert ani.http.blob_head(sha) == (len(content), True)
    sri = devices("sri")
    sri.sync()
    assert attachments.get_blob(sri.store, sha) == content
    # A damaged upload is refused by its hash and discarded.
    bad = os.urandom(1000)
    wrong_sha = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(SyncError, match="hash_mismatch"):
        ani.http.blob_put(wrong_sha, 0, len(bad), bad)
    assert ani.http.blob_head(wrong_sha) is None


def test_outdated_client_pushes_everything_and_shows_the_invalid_edit(devices, server, monkeypatch):
    ani = devices("ani")
    _, case_id = ani.new_case()
    ani.sync()
    monkeypatch.setattr(engine, "DATA_VERSION", 0)  # this client now speaks an older schema
    ani.http.schema_version = 0
    repo.update(ani.store, "cases", case_id, {"presenting_problem": "tetap terkirim"})
    repo.update(ani.store, "cases", case_id, {"risk": 5})  # wrong type: the server refuses it
    note = cases.add_note(ani.store, case_id, "catatan offline")
    result = ani.sync()
    assert result.update_required and not result.completed and result.errors
    assert result.pushed == 3 and result.rejected == 1
    assert ani.pending() == 0
    assert server.rows("cases")[case_id]["presenting_problem"] == "tetap terkirim"
    assert note in server.rows("notes")
    shown = syncstate.rejected(ani.store)
    assert [(r["table_name"], r["row_id"], r["reason"]) for r in shown] == [
        ("cases", case_id, "invalid_value")
    ]
    assert (
        ani.row("cases", case_id)["risk"] == server.rows("cases")[case_id]["risk"]
    )  # put back to the server's


def test_expired_access_token_is_refreshed_once(devices, server):
    ani = devices("ani")
    ani.new_case()
    ani.http._session.access_token = "expired-or-unknown"
    assert ani.sync().completed
    ani.http._session.access_token = "bad"
    ani.http._session.refresh_token = "also-bad"
    with pytest.raises(LoginExpired, match="log in again"):
        ani.sync()


def test_revoked_device_gets_a_clear_error(devices, server):
    ani = devices("ani")
    ani.new_case()
    admin.revoke_device(server.db, ani.store.device_id)
    with pytest.raises(DeviceRevoked) as info:
        ani.sync()
    assert "revoked" in info.value.text("en")
    assert ani.pending() == 2


def test_tokens_live_in_memory_when_there_is_no_keyring(monkeypatch):
    import keyring
    from keyring.errors import NoKeyringError

    def broken(*_args):
        raise NoKeyringError("no backend")

    monkeypatch.setattr(keyring, "get_password", broken)
    monkeypatch.setattr(keyring, "set_password", broken)
    monkeypatch.setattr(tokens_mod, "_keyring_broken", False)
    monkeypatch.setattr(tokens_mod, "_keyring_notice_pending", True)
    monkeypatch.setattr(tokens_mod, "_memory", {})
    store = tokens_mod.TokenStore("dev-1", "ani")
    store.save(tokens_mod.Tokens("a", "r"))
    assert store.load() == tokens_mod.Tokens("a", "r")
    assert "keyring" in (tokens_mod.keyring_notice() or "")
    assert tokens_mod.keyring_notice() is None  # said once


def test_tokens_are_kept_in_the_keyring_per_device_and_user():
    import keyring

    tokens_mod.TokenStore("dev-2", "ani").save(tokens_mod.Tokens("acc", "ref"))
    assert "acc" in (keyring.get_password("caseworker", "device:dev-2:user:ani") or "")
    assert tokens_mod.TokenStore("dev-2", "budi").load() is None  # another user has no session here
    tokens_mod.TokenStore("dev-2", "budi").save(tokens_mod.Tokens("acc-b", "ref-b"))
    assert tokens_mod.TokenStore("dev-2", "ani").device_proof() == "ref-b"  # budi signed in last
    tokens_mod.TokenStore("dev-2", "ani").clear()
    assert tokens_mod.TokenStore("dev-2", "ani").load() is None
    assert tokens_mod.TokenStore("dev-2", "budi").load() == tokens_mod.Tokens("acc-b", "ref-b")
    tokens_mod.clear_device("dev-2")
    assert tokens_mod.TokenStore("dev-2", "budi").load() is None


def test_an_older_single_session_is_only_proof_of_the_device():
    """Before sessions were per user one entry held the device's session, of a user not recorded: it is
    never taken as anyone's session, only sent as the proof that this laptop holds the device."""
    import keyring

    keyring.set_password("caseworker", "device:dev-3", '{"access_token": "a", "refresh_token": "r"}')
    store = tokens_mod.TokenStore("dev-3", "budi")
    assert store.load() is None and store.device_proof() == "r"
    tokens_mod.clear_device("dev-3")
    assert keyring.get_password("caseworker", "device:dev-3") is None
