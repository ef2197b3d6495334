"""A read-only profile folder and a full disk in the app (issue 15, item 5): signing in works and says the
profile is open for reading only (what it is, what to do), cases can be read, and a refused save keeps
the dialog open with everything typed. Real conditions on a small tmpfs (tests/storage_support.py,
skipped with the reason where mounting is not permitted), and injected at the store's lowest layer."""

from __future__ import annotations

import errno
import shutil

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.storage_support import refuse_writes, small_disk
from tests.ui.conftest import login, wait_idle
from tests.ui.test_cases import _open_first_case
from ui import errors

TYPED = "Ibu bercerita panjang tentang kebutuhan anaknya"


def _window(qtbot, folder, settings):  # noqa: ANN001, ANN202
    from ui.shell import MainWindow

    window = MainWindow(folder, settings)
    qtbot.addWidget(window)
    window.show()
    return window


def _close(window) -> None:  # noqa: ANN001
    if window.workspace is not None:
        window.workspace.reader.wait()
    window.close()


def _type_a_note_and_save(qtbot, window):  # noqa: ANN001, ANN202
    from ui.record_dialogs import NoteDialog

    view = _open_first_case(qtbot, window)
    view._open(NoteDialog(view.store, view.case, view))
    dialog = view.dialog
    qtbot.waitExposed(dialog)
    dialog.text.setFocus()
    qtbot.keyClicks(dialog.text, TYPED)
    QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return dialog


def _signed_in_read_only(qtbot, window, reason_words: str) -> None:  # noqa: ANN001
    login(qtbot, window)
    assert window.store.read_only is not None
    box = next(b for b in errors.shown if b.windowTitle() == "Profil dibuka hanya untuk dibaca")
    assert reason_words in box.text() and "rusak" not in box.text().replace("tidak rusak", "")
    assert window.read_only_label.text() == "Hanya-baca"
    box.done(0)
    wait_idle(qtbot, window)
    assert window.workspace.list_page.model.rowCount() == 2  # "Kasus saya" of ani


def _refused_save_keeps_the_input(qtbot, window, reason_words: str) -> None:  # noqa: ANN001
    dialog = _type_a_note_and_save(qtbot, window)
    assert dialog.isVisible()  # not closed: nothing typed is lost
    assert dialog.text.toPlainText() == TYPED
    assert any(reason_words in t for t in dialog.issues.texts())
    dialog.close_quietly()


def test_read_only_disk_signs_in_for_reading_and_keeps_a_refused_note(qtbot, tmp_path, profile_dir, settings):
    with small_disk(tmp_path / "disk") as disk:
        folder = disk.root / "profile"
        shutil.copytree(profile_dir, folder)
        disk.read_only()
        window = _window(qtbot, folder, settings)
        try:
            _signed_in_read_only(qtbot, window, "hanya-baca")
            assert window.store.read_only == "read_only"
            _refused_save_keeps_the_input(qtbot, window, "hanya-baca")
        finally:
            _close(window)


def test_full_disk_signs_in_for_reading_and_keeps_a_refused_note(qtbot, tmp_path, profile_dir, settings):
    with small_disk(tmp_path / "disk") as disk:
        folder = disk.root / "profile"
        shutil.copytree(profile_dir, folder)
        disk.fill()
        window = _window(qtbot, folder, settings)
        try:
            _signed_in_read_only(qtbot, window, "Disk penuh")
            assert window.store.read_only == "disk_full"
            _refused_save_keeps_the_input(qtbot, window, "Disk penuh")
        finally:
            _close(window)
            disk.free()


def test_disk_filling_up_while_working_keeps_the_note_dialog_and_its_text(
    qtbot, tmp_path, profile_dir, settings
):
    from ui.record_dialogs import NoteDialog

    with small_disk(tmp_path / "disk", size="8m") as disk:
        folder = disk.root / "profile"
        shutil.copytree(profile_dir, folder)
        window = _window(qtbot, folder, settings)
        try:
            login(qtbot, window)
            assert window.store.read_only is None
            view = _open_first_case(qtbot, window)
            view._open(NoteDialog(view.store, view.case, view))
            dialog = view.dialog
            qtbot.waitExposed(dialog)
            long_text = "Catatan kunjungan yang sangat panjang. " * 20_000  # ~800 kB: more than is left free
            dialog.text.setPlainText(long_text)
            dialog.text.moveCursor(dialog.text.textCursor().MoveOperation.End)
            qtbot.keyClicks(dialog.text, " Akhir.")
            disk.fill(leave=128 * 1024)
            QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
            assert dialog.isVisible()
            assert dialog.text.toPlainText() == long_text + " Akhir."
            assert any("Disk penuh" in t for t in dialog.issues.texts())
            disk.free()
            QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # space again: it saves
            assert not dialog.isVisible(), dialog.issues.texts()
            assert view.case["notes"][-1]["text"] == (long_text + " Akhir.").strip()
        finally:
            _close(window)


def test_injected_read_only_folder_signs_in_for_reading(qtbot, monkeypatch, profile_dir, settings):
    refuse_writes(monkeypatch, profile_dir, errno.EROFS, "unable to open database file")
    window = _window(qtbot, profile_dir, settings)
    try:
        _signed_in_read_only(qtbot, window, "hanya-baca")
        _refused_save_keeps_the_input(qtbot, window, "hanya-baca")
    finally:
        _close(window)


def test_injected_full_disk_signs_in_for_reading(qtbot, monkeypatch, profile_dir, settings):
    refuse_writes(
        monkeypatch, profile_dir, errno.ENOSPC, "database or disk is full", failing="INSERT INTO audit"
    )
    window = _window(qtbot, profile_dir, settings)
    try:
        _signed_in_read_only(qtbot, window, "Disk penuh")
        _refused_save_keeps_the_input(qtbot, window, "Disk penuh")
    finally:
        _close(window)
