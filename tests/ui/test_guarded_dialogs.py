"""Nothing typed is discarded silently (issue 15, item 1): every form dialog asks Simpan / Buang / Kembali
before Esc, Batal or the window's X throw typed input away, and long forms keep a draft in the store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget

from caseworker.store import drafts
from tests.ui.conftest import login, wait_idle
from tests.ui.test_cases import _open_first_case


def _first_text_input(dialog: QWidget) -> QWidget:
    for w in dialog.findChildren(QWidget):
        if isinstance(w, QLineEdit | QPlainTextEdit) and w.isVisible() and w.isEnabled() and not w.text() \
                if isinstance(w, QLineEdit) else isinstance(w, QPlainTextEdit) and w.isVisible():  # fmt: skip
            return w
    raise AssertionError("no text input")


def _new_case(window, view) -> Any:  # noqa: ANN001
    window.actions_["new_case"].trigger()
    return window.workspace.new_case_dialog, window.workspace.new_case_dialog.person_form.name


def _record(cls_name: str, attr: str) -> Callable:
    def make(window, view):  # noqa: ANN001, ANN202
        from ui import record_dialogs

        cls = getattr(record_dialogs, cls_name)
        dialog = cls(view.store, view.case, view.workers, view) if cls_name == "TaskDialog" else cls(
            view.store, view.case, view)  # fmt: skip
        view._open(dialog)
        widget = getattr(dialog, attr)
        return dialog, getattr(widget, "edit", widget)

    return make


def _via(method: str, attr: str | None, *args: object) -> Callable:
    def make(window, view):  # noqa: ANN001, ANN202
        getattr(view, method)(*args)
        dialog = view.dialog
        widget = _first_text_input(dialog) if attr is None else dialog
        for part in (attr or "").split(".") if attr else ():
            widget = getattr(widget, part)
        return dialog, widget

    return make


DIALOGS = {
    "new_case": _new_case,
    "edit_person": _via("edit_person", "form.nickname"),
    "edit_case": _via("edit_case", "form.problem"),
    "assessment": _via("new_assessment", None, "biopsikososial"),
    "stage": _via("change_stage", "note"),
    "close": _via("close_case", "reason"),
    "note": _record("NoteDialog", "text"),
    "goal": _record("GoalDialog", "description"),
    "intervention": _record("InterventionDialog", "description"),
    "task": _record("TaskDialog", "title"),
    "measurement": _record("MeasurementDialog", "weight"),
    "referral": _record("ReferralDialog", "search"),  # its first field: the directory search
    "relation": _record("RelationDialog", "notes"),
}


def _question(dialog):  # noqa: ANN001, ANN202
    box = dialog.discard_question
    return box if box is not None and box.isVisible() else None


@pytest.mark.parametrize("name", list(DIALOGS))
def test_every_form_asks_before_discarding_typed_input(qtbot, signed_in, name: str) -> None:
    view = _open_first_case(qtbot, signed_in)
    # untouched: Esc closes at once, nothing asked
    dialog, _widget = DIALOGS[name](signed_in, view)
    assert dialog.isVisible()
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and _question(dialog) is None

    dialog, widget = DIALOGS[name](signed_in, view)
    widget.setFocus()
    qtbot.keyClicks(widget, "Ditulis")
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    box = _question(dialog)
    assert box is not None and dialog.isVisible()
    assert [b.text() for b in (box.save_button, box.discard_button, box.back_button)] == [
        "Simpan", "Buang", "Kembali"]  # fmt: skip
    box.back_button.click()  # Kembali: the form as it was, typing goes on
    assert dialog.isVisible() and _question(dialog) is None
    qtbot.keyClicks(widget, " lagi")
    text = widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
    assert text.endswith("Ditulis lagi")
    dialog.close()  # the window's X
    assert dialog.isVisible() and _question(dialog) is not None
    dialog.discard_question.back_button.click()
    dialog.cancel_button.click() if hasattr(dialog, "cancel_button") else dialog.reject()  # Batal
    box = _question(dialog)
    assert box is not None
    box.discard_button.click()  # Buang
    assert not dialog.isVisible()


def test_simpan_saves_and_a_refused_save_keeps_the_dialog(qtbot, signed_in) -> None:
    view = _open_first_case(qtbot, signed_in)
    store = signed_in.store
    dialog, widget = DIALOGS["task"](signed_in, view)
    qtbot.keyClicks(widget, "Antar ke posyandu")
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.discard_question.save_button.click()
    qtbot.wait(20)
    assert dialog.isVisible()  # no due date: the save refused, the errors on show
    assert any("wajib diisi" in t for t in dialog.issues.texts())

    dialog, widget = DIALOGS["note"](signed_in, view)
    qtbot.keyClicks(widget, "Ibu asuh melaporkan anak demam ringan.")
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.discard_question.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    texts = [r["text"] for r in store.query("SELECT text FROM notes WHERE case_id = ?", [view.case_id])]
    assert "Ibu asuh melaporkan anak demam ringan." in texts
    assert drafts.load_draft(store, "note", view.case_id) is None


def _activate(qtbot, dialog) -> None:  # noqa: ANN001
    """Shortcuts reach the active window only, as on a real screen."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)


def test_ctrl_s_saves_a_form_as_simpan_does(qtbot, signed_in) -> None:  # noqa: ANN001
    """Found by hand in the real window: Ctrl+S in a form did nothing. It saves as Simpan does (a refused
    save keeps the dialog with its errors); approving or returning a submission stays a click."""
    view = _open_first_case(qtbot, signed_in)
    store = signed_in.store
    dialog, widget = DIALOGS["note"](signed_in, view)
    _activate(qtbot, dialog)
    qtbot.keyClicks(widget, "Kunjungan rumah: anak sehat, ibu asuh hadir.")
    qtbot.keyClick(widget, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    texts = [r["text"] for r in store.query("SELECT text FROM notes WHERE case_id = ?", [view.case_id])]
    assert "Kunjungan rumah: anak sehat, ibu asuh hadir." in texts

    dialog, widget = DIALOGS["task"](signed_in, view)
    _activate(qtbot, dialog)
    qtbot.keyClicks(widget, "Antar ke posyandu")
    qtbot.keyClick(widget, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible() and any("wajib diisi" in t for t in dialog.issues.texts())  # no due date
    dialog.close_quietly()

    from ui.supervisor.common import DecisionDialog

    assert DecisionDialog.save_shortcut is False


def test_a_note_keeps_a_local_draft_dropped_on_discard(qtbot, signed_in) -> None:
    view = _open_first_case(qtbot, signed_in)
    store = signed_in.store
    outbox = store.one("SELECT count(*) AS n FROM outbox")["n"]
    dialog, widget = DIALOGS["note"](signed_in, view)
    qtbot.keyClicks(widget, "Catatan kunjungan yang panjang")
    qtbot.waitUntil(lambda: drafts.load_draft(store, "note", view.case_id) is not None, timeout=4000)
    assert store.one("SELECT count(*) AS n FROM outbox")["n"] == outbox  # a draft is never synced
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.discard_question.discard_button.click()
    assert not dialog.isVisible()
    assert drafts.load_draft(store, "note", view.case_id) is None

    # a draft restored on reopen, with a note and "Buang draf"
    dialog, widget = DIALOGS["note"](signed_in, view)
    qtbot.keyClicks(widget, "Kedua")
    qtbot.waitUntil(lambda: drafts.load_draft(store, "note", view.case_id) is not None, timeout=4000)
    view.load(view.case_id)  # another case shown: closed without a question, the draft kept
    assert not dialog.isVisible()
    dialog, widget = DIALOGS["note"](signed_in, view)
    assert widget.toPlainText() == "Kedua" and dialog.draft_note.isVisible()
    dialog.draft_note.discard_button.click()
    assert widget.toPlainText() == "" and drafts.load_draft(store, "note", view.case_id) is None
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()  # back to untouched: nothing to ask


def test_an_assessment_draft_survives_a_crash(qtbot, signed_in) -> None:
    window = signed_in
    view = _open_first_case(qtbot, window)
    case_id = view.case_id
    dialog, widget = DIALOGS["assessment"](window, view)
    qtbot.keyClicks(widget, "Tinggal bersama nenek")
    store = window.store
    qtbot.waitUntil(lambda: drafts.load_draft(store, "assessment:biopsikososial", case_id) is not None,
                    timeout=4000)  # fmt: skip
    # the crash: the dialog dies without any of its close paths, the store is closed under it
    view.dialog = None
    dialog.hide()
    dialog.deleteLater()
    qtbot.wait(20)
    window.logout()
    login(qtbot, window)
    wait_idle(qtbot, window)
    view = _open_first_case(qtbot, window)
    view.new_assessment("biopsikososial")
    again = view.dialog
    assert again.draft_note is not None and again.draft_note.isVisible()
    restored = [w for w in again.findChildren(QWidget) if isinstance(w, QLineEdit | QPlainTextEdit)]
    assert any((w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text()) == "Tinggal bersama nenek"
               for w in restored)  # fmt: skip
    again.save_button.click()  # missing required answers: refused, the draft kept
    assert drafts.load_draft(window.store, "assessment:biopsikososial", case_id) is not None
