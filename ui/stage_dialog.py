"""Moving a case to another stage, with what each move requires said before the user presses Save
(stages.check_transition): going back needs a note, reaching termination needs a closure reason.
Closing the case (status closed) is separate: it needs a supervisor's approval of the closure first."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from caseworker.domain import stages
from caseworker.errors import KnownError
from caseworker.store import cases, reviews
from caseworker.store.store import Store
from ui.guarded_dialog import GuardedDialog
from ui.i18n import register, tr
from ui.widgets import IssueList, button, combo, label

register(
    {
        "stage.title": ("Ubah tahap kasus", "Change the case's stage"),
        "stage.current": ("Tahap sekarang: {stage}", "Current stage: {stage}"),
        "stage.to": ("Pindah ke", "Move to"),
        "stage.note": ("Catatan", "Note"),
        "stage.note.placeholder": (
            "Mengapa kasus dipindahkan? (wajib bila kembali ke tahap sebelumnya)",
            "Why is the case moved? (required when going back)",
        ),
        "stage.reason": ("Alasan penutupan", "Reason for closing"),
        "stage.reason.placeholder": (
            "mis. tujuan rencana tercapai, dirujuk, kembali ke keluarga",
            "e.g. plan goals achieved, referred on, returned to family",
        ),
        "stage.move": ("Pindahkan", "Move"),
        "stage.back": ("← kembali", "← back"),
        "stage.forward": ("→ maju", "→ forward"),
        "close.title": ("Tutup kasus", "Close the case"),
        "close.text": (
            "Kasus ditutup dengan alasan berikut. Setelah ditutup, kasus hanya dapat dibaca.",
            "The case is closed with the reason below. Once closed, it can only be read.",
        ),
        "close.button": ("Tutup kasus", "Close case"),
        "close.request": ("Ajukan penutupan ke supervisor", "Ask a supervisor to approve closing"),
        "close.requested": (
            "Pengajuan penutupan dikirim ke antrean tinjauan supervisor.",
            "The closure request was sent to the supervisors' review queue.",
        ),
        "close.needs_approval": (
            "Penutupan kasus harus disetujui supervisor dulu. Ajukan sekarang; setelah disetujui, kasus dapat ditutup.",
            "A supervisor must approve closing the case first. Ask now; once approved, the case can be closed.",
        ),
    }
)


class StageDialog(GuardedDialog):
    saved = Signal()

    def __init__(self, store: Store, case: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.case = store, case
        self.setWindowTitle(tr("stage.title"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(label(tr("stage.title"), "subtitle"))
        current = case.get("stage") or ""
        layout.addWidget(label(tr("stage.current", stage=stages.stage_name(current)), "muted"))
        here = stages.STAGES.index(current) if current in stages.STAGES else -1
        items = []
        for i, code in enumerate(stages.STAGES):
            if code == current:
                continue
            arrow = tr("stage.back") if i < here else tr("stage.forward")
            items.append((f"{i + 1}. {stages.stage_name(code)}   {arrow}", code))
        self.target = combo(items, stages.next_stage(current) if current in stages.STAGES else None)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(tr("stage.note.placeholder"))
        self.note.setFixedHeight(80)
        self.reason = QPlainTextEdit(case.get("closure_reason") or "")
        self.reason.setPlaceholderText(tr("stage.reason.placeholder"))
        self.reason.setFixedHeight(64)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow(tr("stage.to"), self.target)
        form.addRow(tr("stage.note"), self.note)
        self.reason_label = label(tr("stage.reason"))
        form.addRow(self.reason_label, self.reason)
        layout.addLayout(form)
        self.issues = IssueList()
        layout.addWidget(self.issues)
        self.save_button = button(tr("stage.move"), "stage", primary=True)
        self.save_button.clicked.connect(self.save)
        cancel = button(tr("common.cancel"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.target.currentIndexChanged.connect(self.revalidate)
        self.note.textChanged.connect(self.revalidate)
        self.reason.textChanged.connect(self.revalidate)
        self.revalidate()

    def _needs_reason(self) -> bool:
        to = self.target.currentData()
        if to not in stages.STAGES:
            return False
        return stages.stage_index(to) >= stages.stage_index(stages.TERMINATION)

    def problems(self):  # noqa: ANN201
        return stages.check_transition(
            self.case, self.target.currentData() or "", self.note.toPlainText(), self.reason.toPlainText()
        )

    def revalidate(self, *_args: object) -> None:
        needs = self._needs_reason()
        self.reason.setVisible(needs)
        self.reason_label.setVisible(needs)
        issues = self.problems()
        self.issues.set_issues((i.severity, i.text()) for i in issues)
        self.save_button.setEnabled(not any(i.is_error for i in issues))

    def save(self) -> bool:
        reason = self.reason.toPlainText().strip() if self._needs_reason() else None
        try:
            cases.change_stage(
                self.store, self.case["id"], self.target.currentData(), self.note.toPlainText().strip() or None,
                reason or None,
            )  # fmt: skip
        except KnownError as exc:
            self.issues.set_issues([("error", exc.text())])
            return False
        self.saved.emit()
        self.accept()
        return True


class CloseDialog(GuardedDialog):
    """Close the case when a supervisor approved the closure; otherwise offer to ask for approval."""

    saved = Signal()

    def __init__(self, store: Store, case: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.case = store, case
        self.approved = reviews.closure_approved(store, case["id"])
        self.setWindowTitle(tr("close.title"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(label(tr("close.title"), "subtitle"))
        layout.addWidget(label(tr("close.text") if self.approved else tr("close.needs_approval"), wrap=True))
        self.reason = QPlainTextEdit(case.get("closure_reason") or "")
        self.reason.setPlaceholderText(tr("stage.reason.placeholder"))
        self.reason.setFixedHeight(80)
        layout.addWidget(label(tr("stage.reason") + " *", "fieldlabel"))
        layout.addWidget(self.reason)
        self.issues = IssueList()
        self.issues.setVisible(False)
        layout.addWidget(self.issues)
        cancel = button(tr("common.cancel"))
        cancel.clicked.connect(self.reject)
        self.action = button(tr("close.button") if self.approved else tr("close.request"), primary=True)
        self.action.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.action)
        layout.addLayout(buttons)
        self.reason.textChanged.connect(
            lambda: self.action.setEnabled(bool(self.reason.toPlainText().strip()))
        )
        self.action.setEnabled(bool(self.reason.toPlainText().strip()))

    def save(self) -> bool:
        reason = self.reason.toPlainText().strip()
        try:
            if self.approved:
                cases.close_case(self.store, self.case["id"], reason)
            else:
                with self.store.transaction():
                    if reason != (self.case.get("closure_reason") or ""):
                        cases.update_case(self.store, self.case["id"], {"closure_reason": reason})
                    reviews.submit(self.store, self.case["id"], "closure", comment=reason)
        except KnownError as exc:
            self.issues.set_issues([("error", exc.text())])
            return False
        self.saved.emit()
        self.accept()
        return True
