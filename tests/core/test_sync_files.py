"""Attachment files over a slow link (caseworker.sync.files): the text goes first, files follow piece by
piece, resume after a cut, and wait for a fast link when the profile says so. A real server (SQLite and
PostgreSQL) and real encrypted profiles."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from caseworker.store import attachments, partial_blobs
from caseworker.sync import files
from caseworker.sync.engine import sync_files
from caseworker.sync.transport import SyncError
from tests.core.sync_support import devices, server, server_url  # noqa: F401 - fixtures

PIECE = 32 * 1024


class Pieces:
    """Records the pieces asked for; drops the link (as offline) after `cut_after` of them."""

    def __init__(self, inner):
        self.inner, self.starts, self.cut_after = inner, [], None

    def blob_part(self, sha, start, length):
        if self.cut_after is not None and len(self.starts) >= self.cut_after:
            self.cut_after = None
            raise SyncError("sync_offline", detail="signal lost (test)")
        self.starts.append(start)
        return self.inner.blob_part(sha, start, length)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def _scan(tmp_path: Path, size: int) -> tuple[Path, bytes]:
    content = os.urandom(size)
    path = tmp_path / f"scan-{size}.jpg"
    path.write_bytes(content)
    return path, content


def _shared_case_with_file(devices, tmp_path: Path, size: int):  # noqa: F811
    ani = devices("ani")
    _, case_id = ani.new_case()
    path, content = _scan(tmp_path, size)
    attachments.add_attachment(ani.store, case_id, path)
    assert ani.sync().completed
    return ani, case_id, content, hashlib.sha256(content).hexdigest()


def test_the_text_goes_first_and_the_file_follows(devices, server, tmp_path: Path):  # noqa: F811
    ani = devices("ani")
    _, case_id = ani.new_case()
    path, content = _scan(tmp_path, 200_000)
    attachments.add_attachment(ani.store, case_id, path)
    result = ani.sync(files="later")
    assert result.completed and result.files_waiting == 1 and result.files_waiting_bytes == 200_000
    assert case_id in server.rows("cases") and server.rows("attachments") == {}
    assert ani.pending() == 1  # only the attachment row waits, for its file
    after = sync_files(ani.store, ani.transport)
    assert after.files_uploaded == 1 and after.files_waiting == 0 and after.pushed == 1
    assert ani.pending() == 0 and len(server.rows("attachments")) == 1


def test_a_download_comes_in_pieces_and_resumes_after_a_cut(devices, server, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(files, "PIECE_MAX", PIECE)
    _ani, case_id, content, sha = _shared_case_with_file(devices, tmp_path, 5 * PIECE + 999)
    sri = devices("sri", wrap=Pieces)
    text = sri.sync(files="later")
    assert text.completed and text.files_waiting == 1
    row = next(iter(sri.store.query("SELECT * FROM attachments")))
    assert not attachments.is_here(sri.store, row) and files.missing(sri.store, case_id)
    sri.transport.cut_after = 2
    with pytest.raises(SyncError):
        sync_files(sri.store, sri.transport)
    assert partial_blobs.received(sri.store, sha) == 2 * PIECE
    kept = partial_blobs.partial_path(sri.store, sha).read_bytes()
    assert content[:64] not in kept and content[PIECE : PIECE + 64] not in kept  # encrypted as it came
    done = sync_files(sri.store, sri.transport)
    assert done.files_downloaded == 1 and done.files_waiting == 0
    assert sri.transport.starts == [0, PIECE, 2 * PIECE, 3 * PIECE, 4 * PIECE, 5 * PIECE]  # never again
    assert attachments.get_blob(sri.store, sha) == content
    assert not partial_blobs.partial_path(sri.store, sha).exists()


def test_a_torn_piece_is_dropped_and_fetched_again(devices, server, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(files, "PIECE_MAX", PIECE)
    _ani, _case, content, sha = _shared_case_with_file(devices, tmp_path, 3 * PIECE)
    sri = devices("sri", wrap=Pieces)
    sri.sync(files="later")
    sri.transport.cut_after = 2
    with pytest.raises(SyncError):
        sync_files(sri.store, sri.transport)
    path = partial_blobs.partial_path(sri.store, sha)
    path.write_bytes(path.read_bytes()[:-10])  # a crash or a full disk in the middle of the last piece
    assert partial_blobs.received(sri.store, sha) == PIECE
    sync_files(sri.store, sri.transport)
    assert sri.transport.starts[2:] == [PIECE, 2 * PIECE]
    assert attachments.get_blob(sri.store, sha) == content


def test_a_damaged_download_is_refused_and_starts_over(devices, server, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(files, "PIECE_MAX", PIECE)
    _ani, _case, content, sha = _shared_case_with_file(devices, tmp_path, 2 * PIECE)
    sri = devices("sri")
    sri.sync(files="later")
    partial_blobs.append(sri.store, sha, 0, b"x" * PIECE)  # not what the server holds
    result = sync_files(sri.store, sri.transport)
    assert result.files_downloaded == 0 and result.files_waiting == 1
    assert any("sidik" in w or "hash" in w for w in result.warnings)
    assert not partial_blobs.partial_path(sri.store, sha).exists()
    assert sync_files(sri.store, sri.transport).files_downloaded == 1
    assert attachments.get_blob(sri.store, sha) == content


def test_files_wait_for_a_fast_link_when_the_profile_says_so(devices, server, tmp_path, monkeypatch):  # noqa: F811
    _ani, case_id, content, sha = _shared_case_with_file(devices, tmp_path, 100_000)
    sri = devices("sri", wrap=Pieces)
    files.set_fast_links_only(sri.store, True)
    monkeypatch.setattr(files, "FAST_BYTES_PER_SECOND", 10**12)  # this loopback counts as a slow link
    result = sri.sync()
    assert result.completed and result.files_skipped and result.files_downloaded == 0
    assert sri.transport.starts == [0]  # a probe of the link, kept for later
    assert partial_blobs.received(sri.store, sha) == files.PROBE_BYTES
    assert result.files_waiting == 1 and "koneksi cepat" in result.files_text("id")
    # An upload waits too: the new attachment's row stays on the laptop with (the rest of) its file.
    path, _ = _scan(tmp_path, 200_000)
    attachments.add_attachment(sri.store, case_id, path)
    assert sri.sync().files_uploaded == 0 and sri.pending() == 1
    # "Unduh sekarang" for the case: whatever the link.
    now = sync_files(sri.store, sri.transport, case_id=case_id, force=True)
    assert now.files_downloaded == 1 and attachments.get_blob(sri.store, sha) == content
    assert now.files_uploaded == 1 and sri.pending() == 0


def test_on_a_link_not_measured_yet_a_small_probe_decides(devices, server, tmp_path):  # noqa: F811
    _ani, _case, content, sha = _shared_case_with_file(devices, tmp_path, 400_000)
    sri = devices("sri", wrap=Pieces)
    files.set_fast_links_only(sri.store, True)
    sri.sync(files="later")
    sri.http.link.bandwidth = None
    result = sync_files(sri.store, sri.transport)
    assert sri.transport.starts[:2] == [0, files.PROBE_BYTES]  # loopback is fast: the rest follows
    assert result.files_downloaded == 1 and attachments.get_blob(sri.store, sha) == content
