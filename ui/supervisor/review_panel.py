"""The case view's review section: the case's submissions with their status and both notes; a worker
submits an assessment, the plan or the closure ("Ajukan tinjauan"), a supervisor approves or returns the
selected submission in place. The list is a handful of rows, read on the UI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseworker.errors import KnownError
from caseworker.forms import library
from caseworker.store import reviews
from caseworker.store.store import Store
from ui.guarded_dialog import GuardedDialog
from ui.i18n import fmt_date, register, tr
from ui.supervisor.common import DecisionDialog, kind_name, worker_names
from ui.supervisor.review_model import REVIEW_ROLE, ReviewModel, columns
from ui.widgets import IssueList, button, current_row_on_tab, label

register(
    {
        "sup.panel.title": ("Tinjauan supervisor", "Supervisor review"),
        "sup.panel.empty": (
            "Belum ada pengajuan untuk kasus ini.",
            "Nothing was submitted for this case yet.",
        ),
        "sup.panel.submit": ("Ajukan tinjauan…", "Submit for review…"),
        "sup.submit.title": ("Ajukan tinjauan", "Submit for review"),
        "sup.submit.what": ("Yang diajukan", "What to submit"),
        "sup.submit.assessment": ("Asesmen · {form} · {date}", "Assessment · {form} · {date}"),
        "sup.submit.comment": (
            "Catatan untuk supervisor (boleh kosong)",
            "A note for the supervisor (optional)",
        ),
        "sup.submit.ok": ("Ajukan", "Submit"),
    }
)


def submittable(store: Store, case_id: str) -> list[tuple[str, str, str | None]]:
    """(label, kind, subject id) a worker may submit for this case: each assessment that is not waiting
    or approved, the plan and the closure."""
    options: list[tuple[str, str, str | None]] = []
    for row in store.query(
        "SELECT id, form_id, form_version, assessed_at, review_status FROM assessments WHERE case_id = ? AND deleted = 0"
        " AND coalesce(review_status, 'draft') NOT IN ('submitted', 'approved') ORDER BY assessed_at DESC",
        [case_id],
    ):
        try:
            title = library.form_for(
                store, row["form_id"], row["form_version"]
            ).title.get()  # imported ones too
        except KnownError:
            title = row["form_id"]
        options.append(
            (
                tr("sup.submit.assessment", form=title, date=fmt_date(row["assessed_at"])),
                "assessment",
                row["id"],
            )
        )
    options.append((kind_name("plan"), "plan", None))
    options.append((kind_name("closure"), "closure", None))
    return options


class SubmitDialog(GuardedDialog):
    submitted = Signal(str)  # review id

    def guard_save(self) -> object:
        return self.confirm()

    def __init__(self, store: Store, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.case_id = store, case_id
        self.setWindowTitle(tr("sup.submit.title"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(520, 300)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(8)
        layout.addWidget(label(tr("sup.submit.title"), "subtitle"))
        layout.addWidget(label(tr("sup.submit.what"), "fieldlabel"))
        self.what = QComboBox()
        for text, kind, subject in submittable(store, case_id):
            self.what.addItem(text, (kind, subject))
        layout.addWidget(self.what)
        layout.addWidget(label(tr("sup.submit.comment"), "fieldlabel"))
        self.comment = QPlainTextEdit()
        self.comment.setTabChangesFocus(True)
        layout.addWidget(self.comment, 1)
        self.errors = IssueList()
        self.errors.setVisible(False)
        layout.addWidget(self.errors)
        cancel = button(tr("common.cancel"))
        cancel.clicked.connect(self.reject)
        self.ok_button = button(tr("sup.submit.ok"), "review", primary=True)
        self.ok_button.clicked.connect(self.confirm)
        row = QHBoxLayout()
        row.addWidget(cancel)
        row.addStretch(1)
        row.addWidget(self.ok_button)
        layout.addLayout(row)

    def choose(self, kind: str, subject_id: str | None = None) -> bool:
        for i in range(self.what.count()):
            if self.what.itemData(i) == (kind, subject_id):
                self.what.setCurrentIndex(i)
                return True
        return False

    def confirm(self) -> str | None:
        kind, subject = self.what.currentData()
        try:
            review_id = reviews.submit(
                self.store, self.case_id, kind, subject, self.comment.toPlainText().strip()
            )
        except KnownError as exc:
            self.errors.set_issues([("error", exc.text())])
            return None
        self.submitted.emit(review_id)
        self.accept()
        return review_id


class ReviewPanel(QWidget):
    changed = Signal()

    def __init__(self, store: Store, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.case_id = store, case_id
        self.dialog: QDialog | None = None
        available = columns(worker_names(store))
        keys = ["kind", "status", "submitted_by", "submitted_at", "comment", "decided_by", "decision_comment"]
        self.model = ReviewModel([available[k] for k in keys], self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        bar = QHBoxLayout()
        bar.addWidget(label(tr("sup.panel.title"), "subtitle"))
        bar.addStretch(1)
        self.submit_button = self.approve_button = self.return_button = None
        if store.user.is_supervisor:
            self.return_button = button(tr("sup.return"), "back")
            self.return_button.clicked.connect(lambda: self.decide(False))
            self.approve_button = button(tr("sup.approve"), "check", primary=True)
            self.approve_button.clicked.connect(lambda: self.decide(True))
            bar.addWidget(self.return_button)
            bar.addWidget(self.approve_button)
        else:
            self.submit_button = button(tr("sup.panel.submit"), "review", primary=True)
            self.submit_button.clicked.connect(self.ask_submit)
            bar.addWidget(self.submit_button)
        layout.addLayout(bar)
        self.table = current_row_on_tab(QTableView())
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(keys.index("decision_comment"), QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.table, 1)
        self.empty = label(tr("sup.panel.empty"), "muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty, 1)
        self.refresh()

    def refresh(self) -> None:
        rows = self.rows()
        self.model.set_rows(rows)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.table.resizeRowsToContents()
        waiting = [i for i, r in enumerate(rows) if r["status"] == "submitted"]
        if waiting and self.store.user.is_supervisor:
            self.table.selectRow(waiting[0])
        self._update_buttons()

    def rows(self) -> list[dict[str, Any]]:
        number = (
            self.store.one("SELECT case_number, name FROM case_index WHERE case_id = ?", [self.case_id]) or {}
        )
        rows = reviews.case_reviews(self.store, self.case_id)
        rows.reverse()  # newest first: what matters now is on top
        return [{**r, "case_number": number.get("case_number"), "name": number.get("name")} for r in rows]

    def selected(self) -> dict[str, Any] | None:
        picked = self.table.selectionModel().selectedRows()
        return picked[0].data(REVIEW_ROLE) if picked else None

    def _update_buttons(self) -> None:
        row = self.selected()
        open_ = row is not None and row["status"] == "submitted"
        for widget in (self.approve_button, self.return_button):
            if widget is not None:
                widget.setEnabled(open_)

    def _done(self) -> None:
        self.refresh()
        self.changed.emit()

    def ask_submit(self) -> SubmitDialog:
        dialog = SubmitDialog(self.store, self.case_id, self)
        dialog.submitted.connect(lambda _rid: self._done())
        self.dialog = dialog
        dialog.open()
        return dialog

    def decide(self, approve: bool) -> DecisionDialog | None:
        row = self.selected()
        if row is None or row["status"] != "submitted":
            return None
        subject = tr("sup.decide.subject", kind=kind_name(row["kind"]), name=row.get("name") or "",
                     number=row.get("case_number") or "")  # fmt: skip

        def apply(comment: str) -> None:
            reviews.decide(self.store, row["id"], approve, comment)
            self._done()

        dialog = DecisionDialog(approve, subject, apply, self)
        self.dialog = dialog
        dialog.open()
        return dialog
