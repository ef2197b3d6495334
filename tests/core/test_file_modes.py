"""Every folder the app makes is 0700 and every file it writes 0600 (issue 14: the data is about vulnerable
children), whatever the umask: the tests run under 0o022, the common default, where plain open() gives 0644.

A real profile joined to a real server app on SQLite: cases, an attachment, exports in each format, PDFs
(one case, a batch, the caseload report), an import template, a backup and its restore, one sync; then the
profile, export and server folders are walked. A profile an older version left 0755/0644 is tightened on
open."""

from __future__ import annotations

import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest

from caseworker import private_files
from caseworker.reports import render_case_batch, render_case_summary, render_caseload_report
from caseworker.store import attachments, cases
from caseworker.store.backup import restore_backup, write_backup
from caseworker.store.profile import create_profile, open_profile
from caseworker.transfer.exporter import export_cases
from caseworker.transfer.template import write_template
from tests.core.sync_support import PASSWORD, Device, Server, cheap_crypto

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def wide_modes(*roots: Path) -> list[str]:
    """Every folder under (and including) the roots that is not 0700, every file not 0600."""
    found: list[str] = []
    for root in roots:
        assert root.exists(), root
        for folder, dirs, files in os.walk(root):
            entries = [(Path(folder), 0o700)] if Path(folder) == root else []
            entries += [(Path(folder) / d, 0o700) for d in dirs]
            entries += [(Path(folder) / f, 0o600) for f in files]
            for path, wanted in entries:
                mode = stat.S_IMODE(path.lstat().st_mode)
                if mode != wanted:
                    found.append(f"{path.relative_to(root.parent)}: {mode:o}")
    return found


def test_everything_written_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_022) -> None:
    cheap_crypto(monkeypatch)
    server_dir = tmp_path / "server"
    server_dir.mkdir(mode=0o700)
    server = Server(f"sqlite:///{server_dir / 'server.db'}")
    try:
        device = Device(server, tmp_path / "data" / "Caseworker" / "profile", "sri")
        store = device.store
        person = cases.register_person(store, {"name": "Bayi Melati", "sex": "P", "birth_date": "2025-03-01"})
        case_id = cases.open_case(store, person.id, "01")
        cases.add_note(store, case_id, "Kunjungan rumah pertama.")
        scan = tmp_path / "scan.txt"
        scan.write_bytes(b"surat rujukan")
        attachments.add_attachment(store, case_id, scan)
        scan.unlink()  # the test's own input, not a file the app wrote

        exports = tmp_path / "exports"
        exports.mkdir(mode=0o700)
        (exports / "kasus.csv").write_text("an older export, 0644\n")
        for fmt in ("json", "csv", "xlsx"):
            export_cases(store, exports / f"kasus.{fmt}", fmt)
        write_template(exports / "template.xlsx")
        write_template(exports / "template.csv")

        reports = tmp_path / "reports"
        render_case_summary(store, case_id, reports / "single" / "ringkasan.pdf")
        render_case_batch(store, [case_id], reports / "batch" / "konferensi")
        today = date.today()
        render_caseload_report(store, reports / "bulanan" / "beban.pdf", today - timedelta(days=30), today)
        backup = write_backup(store, tmp_path / "backups" / "2026" / "cadangan.cwbackup")

        assert device.sync().completed
        assert wide_modes(store.profile_dir, exports, reports, tmp_path / "backups", server_dir) == []
        assert {p.name for p in store.profile_dir.iterdir()} >= {"caseworker.db-wal", "caseworker.db-shm"}
        assert {p.name for p in server_dir.iterdir()} >= {
            "server.db-wal",
            "server.db-shm",
            "server.db.writer-lock",
        }
        # The profile's own parents, made for it (data/Caseworker), are private too.
        assert wide_modes(tmp_path / "data") == []

        restored = tmp_path / "restored" / "profile"
        restore_backup(backup, restored, "sri", PASSWORD)
        device.close()
        assert wide_modes(tmp_path / "data", tmp_path / "restored") == []
    finally:
        server.close()
    assert wide_modes(server_dir) == []


def test_a_profile_an_older_version_left_wide_is_tightened_on_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_022
) -> None:
    cheap_crypto(monkeypatch)
    folder = tmp_path / "profile"
    store = create_profile(folder, username="ani", password=PASSWORD, facility_code="SDA")
    person = cases.register_person(store, {"name": "Siti", "sex": "P", "birth_date": "2020-01-01"})
    attachments.put_blob(store, b"scan")
    cases.open_case(store, person.id, "01")
    store.close()
    (folder / "caseworker.db-wal").write_bytes(b"")  # left behind by a crash of an older version
    (folder / "settings").mkdir()
    (folder / "settings" / "desktop.json").write_text("{}")
    for path in (folder, *folder.rglob("*")):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    assert len(wide_modes(folder)) >= 6

    store = open_profile(folder, "ani", PASSWORD)
    try:
        assert wide_modes(folder) == []
    finally:
        store.close()


def test_helpers_give_private_modes_and_leave_chosen_folders_alone(tmp_path: Path, umask_022) -> None:
    documents = tmp_path / "Documents"
    documents.mkdir()
    assert stat.S_IMODE(documents.stat().st_mode) == 0o755
    private_files.make_parents(documents / "a" / "b" / "file.pdf")
    private_files.private_dir(documents, tighten_existing=False)
    assert stat.S_IMODE(documents.stat().st_mode) == 0o755  # the user's own folder: not ours to change
    assert wide_modes(documents / "a") == []

    old = documents / "old.txt"
    old.write_text("0644")
    with private_files.open_private(old, "w", encoding="utf-8") as f:
        f.write("now private")
    private_files.write_private_bytes(documents / "a" / "new.bin", b"x")
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert old.read_text() == "now private"
    assert wide_modes(documents / "a") == []

    with private_files.private_umask():
        assert os.umask(0o077) == 0o077
    assert os.umask(0o022) == 0o022  # restored afterwards
