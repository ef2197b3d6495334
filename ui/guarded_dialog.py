"""Dialogs that hold typed input: nothing typed is discarded without a question, long forms keep a draft.

`GuardedDialog` replaces QDialog as the base of every form dialog. Esc, the Cancel button and the window's
close button all end in `reject()`, which asks "Simpan / Buang / Kembali" when anything was typed or changed
since the dialog was shown (an untouched form closes at once). Simpan runs the dialog's own `guard_save()`
(its normal save with its validation: when that fails the dialog stays open with its errors).

A dialog with a `draft_kind` also keeps a draft of its inputs in the encrypted store
(caseworker.store.drafts), saved a second after the last keystroke, restored with a note and a "Buang
draf" button when the same form is opened again for the same subject, dropped on save or discard.
Closing without the user (lock, sign-out, another case) keeps the draft: `close_quietly()`.

When it opens, the dialog puts the keyboard focus on its first empty text field (else its first input),
so the first keystrokes land there; its combo and spin boxes leave the mouse wheel to the page while
they do not have focus (ui.widgets.guard_wheel), so scrolling a long form never changes an answer.

The state of a form is read from its input widgets in their order (line edits, text areas, combo boxes,
check and radio buttons, region fields by their code), so a dialog needs no code of its own for this.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from caseworker.store import drafts
from ui.i18n import fmt_datetime, register, tr
from ui.widgets import button, guard_wheel, label

register(
    {
        "guard.title": ("Isian belum disimpan", "Unsaved input"),
        "guard.text": (
            "Ada isian yang belum disimpan. Simpan sekarang, buang isian, atau kembali ke formulir?",
            "There is input that has not been saved. Save it now, discard it, or go back to the form?",
        ),
        "guard.save": ("Simpan", "Save"),
        "guard.discard": ("Buang", "Discard"),
        "guard.back": ("Kembali", "Back"),
        "draft.restored": (
            "Draf yang belum disimpan ({when}) dipulihkan. Periksa lalu simpan, atau buang drafnya.",
            "An unsaved draft ({when}) was restored. Check it and save, or discard the draft.",
        ),
        "draft.discard": ("Buang draf", "Discard draft"),
    }
)

DRAFT_DELAY_MS = 1000
State = list[list[Any]]


def _inputs(root: QWidget) -> list[QWidget]:
    """The input widgets of a dialog, in a stable order (the question box and inner editors left out)."""
    out: list[QWidget] = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QMessageBox) or w.window() is not root:
            continue
        parent = w.parentWidget()
        if isinstance(w, QLineEdit) and isinstance(parent, QComboBox | QAbstractSpinBox):
            continue
        if hasattr(w, "set_code") and hasattr(w, "code"):
            out.append(w)
        elif isinstance(w, QLineEdit | QPlainTextEdit | QTextEdit | QComboBox | QAbstractSpinBox):
            out.append(w)
        elif isinstance(w, QAbstractButton) and w.isCheckable():
            out.append(w)
    return out


def _state_of(w: QWidget) -> list[Any]:
    name = type(w).__name__
    if hasattr(w, "set_code") and hasattr(w, "code"):
        return [name, w.code(), w.text()]  # type: ignore[attr-defined]
    if isinstance(w, QLineEdit | QAbstractSpinBox):
        return [name, w.text()]
    if isinstance(w, QPlainTextEdit | QTextEdit):
        return [name, w.toPlainText()]
    if isinstance(w, QComboBox):
        return [name, w.currentIndex()]
    return [name, bool(w.isChecked())]  # type: ignore[attr-defined]


def form_state(root: QWidget) -> State:
    return [_state_of(w) for w in _inputs(root)]


def apply_state(root: QWidget, state: State) -> bool:
    """Put a saved state back; False (nothing changed) when the form no longer has the same inputs."""
    widgets = _inputs(root)
    if len(widgets) != len(state) or any(
        type(w).__name__ != s[0] for w, s in zip(widgets, state, strict=True)
    ):
        return False
    for w, s in zip(widgets, state, strict=True):
        if hasattr(w, "set_code") and hasattr(w, "code"):
            if s[1]:
                w.set_code(s[1])  # type: ignore[attr-defined]
            else:
                w.setText(s[2])  # type: ignore[attr-defined]
        elif isinstance(w, QLineEdit):
            if w.text() != s[1]:
                w.setText(s[1])
        elif isinstance(w, QAbstractSpinBox):
            editor = w.lineEdit()
            if editor is not None and w.text() != s[1]:
                editor.setText(s[1])
                w.interpretText()
        elif isinstance(w, QPlainTextEdit | QTextEdit):
            if w.toPlainText() != s[1]:
                w.setPlainText(s[1])
        elif isinstance(w, QComboBox):
            if 0 <= int(s[1]) < w.count():
                w.setCurrentIndex(int(s[1]))
        elif isinstance(w, QAbstractButton) and w.isChecked() != s[1]:
            w.setChecked(bool(s[1]))
    return True


def _changed_signal(w: QWidget):  # noqa: ANN202
    if isinstance(w, QComboBox):
        return w.currentIndexChanged
    if isinstance(w, QAbstractButton):
        return w.toggled
    if isinstance(w, QAbstractSpinBox):
        return getattr(w, "textChanged", None)
    return getattr(w, "textChanged", None)


class GuardedDialog(QDialog):
    """A dialog that asks before discarding typed input. Subclasses with a `draft_kind` keep a draft."""

    draft_kind: str | None = None  # e.g. "note"; a draft is kept per (kind, draft_subject(), user)
    save_shortcut = True  # Ctrl+S runs guard_save(); off where saving is a decision (approve, return)
    store: Any

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._baseline: State | None = None
        self._leaving = False
        self.discard_question: QMessageBox | None = None
        self.draft_note: QFrame | None = None
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft)
        if self.save_shortcut:
            # Ctrl+S saves as Simpan does (found by hand: workers press it, and nothing happened)
            shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.guard_save)

    # -- what subclasses may change -------------------------------------------------------------------
    def guard_save(self) -> object:
        """Save as the dialog's own save button does; falsy when it did not (the dialog stays open)."""
        return self.save()  # type: ignore[attr-defined]

    def draft_subject(self) -> str:
        case = getattr(self, "case", None)
        return str(case["id"]) if isinstance(case, dict) and case.get("id") else ""

    def is_dirty(self) -> bool:
        return self._baseline is not None and form_state(self) != self._baseline

    # -- showing ----------------------------------------------------------------------------------------
    def first_input(self) -> QWidget | None:
        """Where the keyboard goes when the form opens: the first empty text field in Tab order (a new
        record's text, a new case's name), else the first input. Subclasses may name another."""
        inputs: list[QWidget] = []
        w = self.nextInFocusChain()
        while w is not None and w is not self and len(inputs) < 500:
            if (
                w.window() is self
                and w.isVisibleTo(self)
                and w.isEnabled()
                and w.focusPolicy() & Qt.FocusPolicy.TabFocus
                and isinstance(w, QLineEdit | QPlainTextEdit | QTextEdit | QComboBox | QAbstractSpinBox)
            ):
                inputs.append(w)
            w = w.nextInFocusChain()
        for w in inputs:
            if isinstance(w, QLineEdit) and not w.isReadOnly() and not w.text():
                if not isinstance(w.parentWidget(), QComboBox | QAbstractSpinBox):
                    return w
            if isinstance(w, QPlainTextEdit | QTextEdit) and not w.isReadOnly() and not w.toPlainText():
                return w
        return inputs[0] if inputs else None

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        guard_wheel(self)
        if self._baseline is None:
            self._baseline = form_state(self)
            self._restore_draft()
            for w in _inputs(self):
                signal = _changed_signal(w)
                if signal is not None:
                    signal.connect(self._typed)
            first = self.first_input()
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _typed(self, *_args: object) -> None:
        if self._draft_key() is not None:
            self._draft_timer.start()

    # -- leaving ----------------------------------------------------------------------------------------
    def reject(self) -> None:
        if self._leaving or not self.is_dirty():
            self.discard_and_close()
            return
        if not self.isVisible():  # closed by the program, not by the user: nothing to ask, keep a draft
            self.close_quietly()
            return
        if self.discard_question is not None and self.discard_question.isVisible():
            return
        self._ask()

    def _ask(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, tr("guard.title"), tr("guard.text"), parent=self)
        box.setObjectName("DiscardQuestion")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.save_button = box.addButton(tr("guard.save"), QMessageBox.ButtonRole.AcceptRole)
        box.discard_button = box.addButton(tr("guard.discard"), QMessageBox.ButtonRole.DestructiveRole)
        box.back_button = box.addButton(tr("guard.back"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(box.back_button)
        box.setEscapeButton(box.back_button)
        box.buttonClicked.connect(self._answered)
        self.discard_question = box
        box.open()

    def _answered(self, clicked: QAbstractButton) -> None:
        box = self.discard_question
        if box is None:
            return
        if clicked is box.discard_button:
            self.discard_and_close()
        elif clicked is box.save_button:
            QTimer.singleShot(0, self.guard_save)  # after the question has closed
        # Kembali: the form stays as it is

    def discard_and_close(self) -> None:
        self._draft_timer.stop()
        self.drop_draft()
        self._leaving = True
        super().reject()
        self._leaving = False

    def close_quietly(self) -> None:
        """Close without asking and keep what was typed as a draft (lock, sign-out, another case)."""
        if self.discard_question is not None:
            self.discard_question.done(0)
        self._draft_timer.stop()
        if self.is_dirty():
            self.save_draft()
        self._leaving = True
        super().reject()
        self._leaving = False

    def done(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self._draft_timer.stop()
            self.drop_draft()
        super().done(result)

    # -- drafts -----------------------------------------------------------------------------------------
    def _draft_key(self) -> tuple[str, str] | None:
        if not self.draft_kind or getattr(self, "store", None) is None:
            return None
        return self.draft_kind, self.draft_subject()

    def save_draft(self) -> None:
        key = self._draft_key()
        if key is None:
            return
        with contextlib.suppress(Exception):  # a draft never stops the form (locked or full store)
            if self.is_dirty():
                drafts.save_draft(self.store, key[0], key[1], form_state(self))
            else:
                drafts.drop_draft(self.store, key[0], key[1])

    def drop_draft(self) -> None:
        key = self._draft_key()
        if key is not None:
            with contextlib.suppress(Exception):
                drafts.drop_draft(self.store, key[0], key[1])

    def _restore_draft(self) -> None:
        key = self._draft_key()
        if key is None:
            return
        try:
            draft = drafts.load_draft(self.store, key[0], key[1])
        except Exception:  # noqa: BLE001 - an unreadable draft is no reason to refuse the form
            return
        if draft is None or not apply_state(self, draft.data):
            return
        note = QFrame()
        note.setObjectName("DraftNote")
        note.setProperty("card", True)
        row = QHBoxLayout(note)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(label(tr("draft.restored", when=fmt_datetime(draft.saved_at)), wrap=True), 1)
        discard = button(tr("draft.discard"))
        discard.setObjectName("DiscardDraft")
        discard.clicked.connect(self.discard_draft)
        row.addWidget(discard)
        self.draft_note = note
        self.draft_note.discard_button = discard
        layout = self.layout()
        if layout is not None and hasattr(layout, "insertWidget"):
            layout.insertWidget(0, note)
        note.setVisible(True)  # added after the dialog was shown

    def discard_draft(self) -> None:
        """The restored draft's "Buang draf": back to the empty form, the draft gone."""
        if self._baseline is not None:
            apply_state(self, self._baseline)
        self._draft_timer.stop()
        self.drop_draft()
        if self.draft_note is not None:
            self.draft_note.setVisible(False)


def close_dialog(dialog: QWidget) -> None:
    """Close a dialog for the user (lock, sign-out): a guarded one keeps its draft and asks nothing."""
    if isinstance(dialog, GuardedDialog):
        dialog.close_quietly()
    elif isinstance(dialog, QDialog):
        dialog.reject()
