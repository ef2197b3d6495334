"""Locking keeps unsaved input; the language switches everything; the welcome page creates a profile."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import PASSWORD, wait_idle


def test_lock_hides_data_and_unlock_keeps_unsaved_input(qtbot, signed_in) -> None:
    window = signed_in
    window.actions_["new_case"].trigger()
    dialog = window.workspace.new_case_dialog
    dialog.person_form.name.setText("Belum Disimpan")
    window.actions_["lock"].trigger()
    assert window.is_locked()
    assert not dialog.isVisible() and not window.menuBar().isVisible()
    assert window.stack.currentWidget() is window.lock_page
    page = window.lock_page
    page.password.setText("bukan-ini")
    page.card.submit.click()
    qtbot.waitUntil(lambda: page.card.submit.isEnabled(), timeout=10000)
    assert "Kata sandi salah" in page.card.message.text()
    assert window.is_locked()
    page.password.setText(PASSWORD)
    page.card.submit.click()
    qtbot.waitUntil(lambda: not window.is_locked(), timeout=10000)
    assert dialog.isVisible()
    assert dialog.person_form.name.text() == "Belum Disimpan"
    assert window.menuBar().isVisible()


def test_idle_time_locks_the_screen(qtbot, signed_in) -> None:
    window = signed_in
    window.idle.set_timeout(150)
    qtbot.waitUntil(window.is_locked, timeout=5000)
    assert window.lock_page.isVisible()
    assert "karena tidak digunakan" in window.lock_page.reason.text()


def test_a_manual_lock_says_the_user_locked_it_not_idle_time(qtbot, signed_in) -> None:
    window = signed_in
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # Ctrl+L, the File menu's lock
    assert window.is_locked()
    text = window.lock_page.reason.text()
    assert "tidak digunakan" not in text
    assert text.startswith(f"Layar dikunci oleh {window.store.user.full_name}.")


def test_switch_user_from_the_lock_screen(qtbot, signed_in) -> None:
    window = signed_in
    window.lock()
    window.lock_page.switch.click()
    assert window.store is None and window.login_page is not None
    assert window.login_page.isVisible()


def test_language_switch_changes_menus_navigation_and_messages(qtbot, signed_in) -> None:
    window = signed_in
    window.actions_["settings"].trigger()
    dialog = window.settings_dialog
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.apply()
    wait_idle(qtbot, window)
    ws = window.workspace
    assert [a.text() for a in window.menuBar().actions()][:2] == ["&File", "&Case"]
    assert ws.nav.item(0).text() == "My cases"
    assert (
        ws.list_page.model.headerData(0, __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal)
        == "Name"
    )
    assert "Offline" in window.online_label.text()
    from ui.settings import Settings

    assert Settings.load().language == "en"
    window.actions_["new_case"].trigger()
    form = ws.new_case_dialog.person_form
    form.name.setText("Budi")
    form.nik.setText("123")
    assert any("must have 16 digits" in t for t in form.field_issues["nik"].texts())


def test_the_language_is_changed_with_the_keyboard_alone(qtbot, signed_in) -> None:
    """Seen in the real window: Down on the language box, then Enter, closed Settings with nothing
    changed (Enter pressed Batal, the first button of the row); Enter now presses Simpan, in every form
    dialog alike (a measurement typed and Enter saves it)."""
    from PySide6.QtTest import QTest

    window = signed_in
    window.actions_["settings"].trigger()
    dialog = window.settings_dialog
    qtbot.waitExposed(dialog)
    dialog.language.setFocus()
    QTest.keyClick(dialog.language, Qt.Key.Key_Down)
    assert dialog.language.currentData() == "en"
    QTest.keyClick(dialog.language, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert not dialog.isVisible()
    assert window.workspace.nav.item(0).text() == "My cases"
    from tests.ui.test_cases import _open_first_case
    from ui.record_dialogs import MeasurementDialog

    view = _open_first_case(qtbot, window)
    measurement = MeasurementDialog(view.store, view.case, view)
    qtbot.addWidget(measurement)
    measurement.show()
    qtbot.waitExposed(measurement)
    qtbot.keyClicks(measurement.weight.edit, "12,5")
    QTest.keyClick(measurement.weight.edit, Qt.Key.Key_Return)
    assert not measurement.isVisible() and measurement.result() == 1
    saved = view.store.query("SELECT weight_kg FROM measurements WHERE case_id = ?", [view.case_id])
    assert 12.5 in [r["weight_kg"] for r in saved]


def test_welcome_creates_a_standalone_profile(qtbot, tmp_path: Path, settings) -> None:
    from ui.shell import MainWindow

    window = MainWindow(tmp_path / "new", settings)
    qtbot.addWidget(window)
    window.show()
    page = window.welcome_page
    assert page is not None and page.server_button.isEnabled()  # joining a server: tests/ui/test_sync_ui.py
    page.standalone_button.click()
    page.facility_code.setText("sda")
    page.facility_name.setText("UPT PPSAB Sidoarjo")
    page.username.setText("ani")
    page.password.setText("pendek")
    assert any("minimal 8" in t for t in page.issues.texts())
    assert not page.create_button.isEnabled()
    page.password.setText("cukup-panjang")
    page.password2.setText("cukup-panjang")
    assert page.create_button.isEnabled()
    page.create_button.click()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10000)
    assert window.store.user.username == "ani" and window.store.user.is_supervisor
    assert window.store.facility()["code"] == "SDA"
    wait_idle(qtbot, window)
    window.close()


def test_after_three_language_changes_every_shortcut_fires_exactly_once(
    qtbot, signed_in, monkeypatch
) -> None:
    """Issue 15, item 2: the language half (Qt's 'Ambiguous shortcut overload' warning fails the test)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    window = signed_in
    fired: dict[str, int] = {"find": 0, "new_case": 0, "lock": 0, "sync_now": 0}
    for name in fired:  # the menus are rebuilt on each change: they call these
        monkeypatch.setattr(window, name, lambda name=name: fired.__setitem__(name, fired[name] + 1))
    for lang in ("en", "id", "en"):
        window.actions_["settings"].trigger()
        dialog = window.settings_dialog
        dialog.language.setCurrentIndex(dialog.language.findData(lang))
        dialog.apply()
        wait_idle(qtbot, window)
        qtbot.wait(50)  # the replaced workspace's deleteLater runs
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    window.actions_["sync"].setEnabled(True)  # F5 (a standalone profile greys Sync out)
    keys = {
        "find": (Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier),
        "new_case": (Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier),
        "lock": (Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier),
        "sync_now": (Qt.Key.Key_F5, Qt.KeyboardModifier.NoModifier),
    }
    for name, (key, modifier) in keys.items():
        QTest.keyClick(window, key, modifier)
        assert fired[name] == 1, (name, fired)
    assert fired == {"find": 1, "new_case": 1, "lock": 1, "sync_now": 1}
