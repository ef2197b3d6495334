"""A read-only profile folder and a full disk (issue 15, item 5): named for what they are, never "damaged,
restore a backup"; the store still opens for reading; a write is refused with what to do and loses
nothing that was saved; the -wal a failed write left behind gives its space back.

The real conditions run on a small tmpfs (tests/storage_support.py: filled up, or remounted read-only,
since root, which CI runs as, is not stopped by permission bits). Where mounting is not permitted those
are skipped with the reason, and the tests marked "injected" reproduce the same conditions at the
store's lowest layer: the OS error the write-check meets and the error SQLite raises.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from caseworker import cli
from caseworker.errors import StoreError
from caseworker.store import cases, queries
from caseworker.store.profile import create_profile, open_profile, read_only_notice
from tests.storage_support import refuse_writes, small_disk

from .conftest import PASSWORD

CHILD = {"name": "Muhammad Rizki", "nik": "3515081203150003", "birth_date": "2015-03-12", "sex": "L"}


def _profile(folder: Path) -> str:
    """A closed profile with one case and one note; returns the case id."""
    store = create_profile(folder, username="ani", password=PASSWORD, facility_code="SDA")
    try:
        pid = cases.register_person(store, CHILD).id
        case_id = cases.open_case(store, pid, "02")
        cases.add_note(store, case_id, "Kunjungan rumah pertama")
    finally:
        store.close()
    return case_id


def _killed_after_note(folder: Path, case_id: str, text: str) -> None:
    """Another process adds a note and is killed before it closes: its -wal and -shm stay behind."""
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from caseworker.store import cases\n"
        "from caseworker.store.profile import open_profile\n"
        "s = open_profile(Path(sys.argv[1]), 'ani', sys.argv[2])\n"
        "s.conn.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "cases.add_note(s, sys.argv[3], sys.argv[4])\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(folder), PASSWORD, case_id, text], check=True)
    assert (folder / "caseworker.db-wal").stat().st_size > 0


def _notes(store) -> list[str]:
    return [r["text"] for r in store.query("SELECT text FROM notes ORDER BY noted_at")]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


# -- a read-only folder --------------------------------------------------------------------------------


def test_read_only_disk_opens_the_profile_for_reading(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        folder = disk.root / "profile"
        case_id = _profile(folder)
        before = _files(folder)
        disk.read_only()
        store = open_profile(folder, "ani", PASSWORD)
        try:
            assert store.read_only == "read_only"
            assert queries.case_full(store, case_id)["id"] == case_id
            assert _notes(store) == ["Kunjungan rumah pertama"]
            notice = read_only_notice(store, "id")
            assert "hanya-baca" in notice and "jangan pulihkan cadangan" in notice
            assert "read-only" in read_only_notice(store, "en")
            with pytest.raises(StoreError) as err:
                cases.add_note(store, case_id, "tidak tersimpan")
            assert err.value.key == "refused_read_only"
            assert "hanya-baca" in err.value.text("id") and "rusak" not in err.value.text("id")
            reader = store.reader()  # the UI's background reads
            assert reader.one("SELECT count(*) AS n FROM cases")["n"] == 1
            reader.close()
        finally:
            store.close()
        assert _files(folder) == before


def test_read_only_disk_with_the_wal_of_a_killed_app_shows_its_last_note(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        folder = disk.root / "profile"
        case_id = _profile(folder)
        _killed_after_note(folder, case_id, "Catatan terakhir sebelum mati")
        disk.read_only()
        store = open_profile(folder, "ani", PASSWORD)
        try:
            assert store.read_only == "read_only"
            assert _notes(store)[-1] == "Catatan terakhir sebelum mati"
        finally:
            store.close()


def test_read_only_disk_that_cannot_even_be_read_says_so_not_damaged(tmp_path):
    """A -wal left with changes but no -shm: SQLite cannot read it without writing one."""
    with small_disk(tmp_path / "disk") as disk:
        folder = disk.root / "profile"
        case_id = _profile(folder)
        _killed_after_note(folder, case_id, "di -wal")
        (folder / "caseworker.db-shm").unlink()
        disk.read_only()
        with pytest.raises(StoreError) as err:
            open_profile(folder, "ani", PASSWORD)
        assert err.value.key == "cannot_open_read_only"
        assert "jangan pulihkan cadangan" in err.value.text("id")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="permission bits do not stop root")
def test_folder_without_write_permission_opens_for_reading(tmp_path):
    folder = tmp_path / "profile"
    _profile(folder)
    os.chmod(folder, 0o500)
    try:
        store = open_profile(folder, "ani", PASSWORD)
        assert store.read_only == "read_only"
        assert len(_notes(store)) == 1
        store.close()
    finally:
        os.chmod(folder, 0o700)


# -- a full disk -----------------------------------------------------------------------------------


def test_full_disk_opens_the_profile_for_reading(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        folder = disk.root / "profile"
        case_id = _profile(folder)
        disk.fill()
        store = open_profile(folder, "ani", PASSWORD)
        try:
            assert store.read_only == "disk_full"
            assert _notes(store) == ["Kunjungan rumah pertama"]
            assert "Disk penuh" in read_only_notice(store, "id")
            assert "disk is full" in read_only_notice(store, "en")
            with pytest.raises(StoreError) as err:
                cases.add_note(store, case_id, "tidak tersimpan")
            assert err.value.key == "refused_disk_full"
            assert "penuh" in err.value.text("id")
        finally:
            store.close()
        disk.free()
        store = open_profile(folder, "ani", PASSWORD)  # space again: writable again, nothing lost
        try:
            assert store.read_only is None
            cases.add_note(store, case_id, "setelah ruang dikosongkan")
            assert _notes(store) == ["Kunjungan rumah pertama", "setelah ruang dikosongkan"]
        finally:
            store.close()


def test_full_disk_with_the_wal_of_a_killed_app_shows_its_last_note(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        folder = disk.root / "profile"
        case_id = _profile(folder)
        _killed_after_note(folder, case_id, "Catatan terakhir sebelum disk penuh")
        disk.fill()
        store = open_profile(folder, "ani", PASSWORD)
        try:
            assert store.read_only == "disk_full"
            assert _notes(store)[-1] == "Catatan terakhir sebelum disk penuh"
        finally:
            store.close()


def test_disk_filling_up_while_working_refuses_the_write_and_gives_back_the_wal(tmp_path):
    with small_disk(tmp_path / "disk", size="3m") as disk:
        folder = disk.root / "profile"
        case_id = _profile(folder)
        store = open_profile(folder, "ani", PASSWORD)
        try:
            disk.fill(leave=256 * 1024)
            with pytest.raises(StoreError) as err:
                cases.add_note(store, case_id, os.urandom(600 * 1024).hex())  # 1.2 MB of text
            assert err.value.key == "disk_full"
            assert "penuh" in err.value.text("id")
            wal = folder / "caseworker.db-wal"
            assert not wal.exists() or wal.stat().st_size == 0  # the failed write's frames gave back
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert _notes(store) == ["Kunjungan rumah pertama"]
            cases.add_note(store, case_id, "catatan pendek")  # the space given back is enough for this
            disk.free()
        finally:
            store.close()


# -- the CLI -----------------------------------------------------------------------------------------


def test_cli_on_a_read_only_disk_lists_and_says_why_it_cannot_write(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    with small_disk(tmp_path / "disk") as disk:
        folder = disk.root / "profile"
        _profile(folder)
        disk.read_only()
        assert cli.main(["--lang", "id", "--profile", str(folder), "cases", "list", "--user", "ani"]) == 0
        out, err = capsys.readouterr()
        assert "Muhammad Rizki" in out
        assert "hanya-baca" in err and "jangan pulihkan cadangan" in err
        monkeypatch.setenv("CASEWORKER_NEW_PASSWORD", PASSWORD)
        code = cli.main(["--lang", "en", "--profile", str(folder), "user", "add", "dewi", "--role", "worker",
                         "--user", "ani"])  # fmt: skip
        out, err = capsys.readouterr()
        assert code != 0
        assert "read-only" in err and "not a valid" not in err and "Traceback" not in err


def test_cli_on_a_full_disk_lists_and_says_the_disk_is_full(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    with small_disk(tmp_path / "disk") as disk:
        folder = disk.root / "profile"
        _profile(folder)
        disk.fill()
        assert cli.main(["--lang", "en", "--profile", str(folder), "cases", "list", "--user", "ani"]) == 0
        out, err = capsys.readouterr()
        assert "Muhammad Rizki" in out
        assert "disk is full" in err and "reading only" in err


# -- injected at the lowest layer (run everywhere) -------------------------------------------------------


def test_injected_read_only_folder_opens_for_reading(tmp_path, monkeypatch):
    folder = tmp_path / "profile"
    case_id = _profile(folder)
    refuse_writes(monkeypatch, folder, errno.EROFS, "unable to open database file")
    store = open_profile(folder, "ani", PASSWORD)
    try:
        assert store.read_only == "read_only"
        assert _notes(store) == ["Kunjungan rumah pertama"]
        with pytest.raises(StoreError) as err:
            cases.add_note(store, case_id, "tidak tersimpan")
        assert err.value.key == "refused_read_only"
    finally:
        store.close()


def test_injected_full_disk_at_opening_opens_for_reading(tmp_path, monkeypatch):
    folder = tmp_path / "profile"
    _profile(folder)
    refuse_writes(monkeypatch, folder, errno.ENOSPC, "disk I/O error")
    store = open_profile(folder, "ani", PASSWORD)
    try:
        assert store.read_only == "disk_full"
        assert _notes(store) == ["Kunjungan rumah pertama"]
    finally:
        store.close()


def test_injected_full_disk_at_the_login_entry_opens_for_reading(tmp_path, monkeypatch):
    """The store opens but its first write (the login's audit line) meets SQLITE_FULL."""
    folder = tmp_path / "profile"
    _profile(folder)
    refuse_writes(monkeypatch, folder, errno.ENOSPC, "database or disk is full", failing="INSERT INTO audit")
    store = open_profile(folder, "ani", PASSWORD)
    try:
        assert store.read_only == "disk_full"
        assert _notes(store) == ["Kunjungan rumah pertama"]
    finally:
        store.close()


def test_a_damaged_file_is_still_called_damaged(tmp_path):
    folder = tmp_path / "profile"
    _profile(folder)
    (folder / "caseworker.db").write_bytes(b"this is not a database" * 500)
    with pytest.raises(StoreError) as err:
        open_profile(folder, "ani", PASSWORD)
    assert err.value.key == "not_a_store"
