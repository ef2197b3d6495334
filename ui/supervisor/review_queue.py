"""The review queue (supervisors) and "Dikembalikan kepada saya" (workers).

ReviewQueueView: what waits for a decision in this facility, oldest first; open the case, approve or
return with a comment. ReturnedToMeView: a worker's submissions a supervisor returned, with the
supervisor's note, and "Ajukan ulang" once fixed. `review_view_for(store)` picks the one for the user.
Lists load off the UI thread; decisions are written on the UI thread's connection (they are small).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseworker.store import reviews
from caseworker.store.store import Store
from ui.errors import show_error
from ui.i18n import register, tr
from ui.supervisor.common import DecisionDialog, age_text, kind_name, read_in_background, worker_names
from ui.supervisor.review_model import REVIEW_ROLE, ReviewModel, columns
from ui.tasks import DbReader
from ui.widgets import button, current_row_on_tab, keep_title_whole, label

register(
    {
        "sup.queue.title": ("Antrean tinjauan", "Review queue"),
        "sup.queue.summary": (
            "{n} pengajuan menunggu keputusan · terlama {age}",
            "{n} submissions waiting for a decision · oldest {age}",
        ),  # fmt: skip
        "sup.queue.empty": (
            "Tidak ada yang menunggu tinjauan. Semua pengajuan sudah diputuskan.",
            "Nothing is waiting for review. Every submission has been decided.",
        ),  # fmt: skip
        "sup.returned.title": ("Dikembalikan kepada saya", "Returned to me"),
        "sup.returned.summary": (
            "{n} pengajuan dikembalikan supervisor. Perbaiki, lalu ajukan ulang.",
            "{n} submissions returned by a supervisor. Fix them, then submit again.",
        ),  # fmt: skip
        "sup.returned.empty": (
            "Tidak ada pengajuan yang dikembalikan.",
            "No submission was returned to you.",
        ),
        "sup.resubmit": ("Ajukan ulang…", "Submit again…"),
        "sup.resubmit.title": ("Ajukan ulang", "Submit again"),
        "sup.resubmit.prompt": (
            "Apa yang sudah diperbaiki? Supervisor akan membaca catatan ini.",
            "What did you fix? The supervisor will read this note.",
        ),  # fmt: skip
    }
)


WRAP_ROWS = 300  # longer lists keep one line per row (the full note is in the tooltip)


def _table(model: ReviewModel, stretch: int) -> QTableView:
    table = current_row_on_tab(QTableView())
    table.setModel(model)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(True)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setResizeContentsPrecision(200)  # column widths from the first rows, not all of a long queue
    table.verticalHeader().setDefaultSectionSize(34)
    return keep_title_whole(table, stretch)


class _ReviewList(QWidget):
    """Title, a summary line, buttons, the table and a quiet line when the list is empty."""

    caseRequested = Signal(str)  # noqa: N815
    changed = Signal()  # a decision or a submission was written
    loaded = Signal()

    channel = "sup.reviews"

    def __init__(self, store: Store, title: str, cols: list[str], empty: str, stretch: str,
                 reader: DbReader | None = None) -> None:  # fmt: skip
        super().__init__()
        self.setObjectName("Page")
        self.store = store
        self.reader = reader
        self.names = worker_names(store)
        self.dialog: DecisionDialog | None = None
        self.loaded_once = False
        available = columns(self.names)
        self.model = ReviewModel([available[c] for c in cols], self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(8)
        layout.addWidget(label(title, "title"))
        self.summary = label(tr("sup.loading"), "muted")
        layout.addWidget(self.summary)
        self.toolbar = QHBoxLayout()
        self.toolbar.addStretch(1)
        layout.addLayout(self.toolbar)
        self.table = _table(self.model, cols.index(stretch))
        self.table.doubleClicked.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.empty = label(empty, "muted", wrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setVisible(False)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        self.open_button = self.add_button(button(tr("sup.open_case"), "folder"))
        self.open_button.clicked.connect(self.open_selected)
        self.action_buttons: list[QWidget] = [self.open_button]

    def add_button(self, widget: QWidget) -> Any:
        self.toolbar.addWidget(widget)
        return widget

    # -- loading ----------------------------------------------------------------------------------------
    def fetch(self, reader: Store) -> list[dict[str, Any]]:
        raise NotImplementedError

    def refresh(self) -> None:
        read_in_background(self.store, self.fetch, self.set_rows, lambda exc: show_error(self, exc),
                           reader=self.reader, channel=self.channel)  # fmt: skip

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        selected = self.selected()
        self.model.set_rows(rows)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.summary.setText(self.summary_text(rows))
        if len(rows) <= WRAP_ROWS:  # measuring thousands of rows would cost more than the list is worth
            self.table.resizeRowsToContents()
        if selected:
            for i, row in enumerate(rows):
                if row["id"] == selected["id"]:
                    self.table.selectRow(i)
        self._update_buttons()
        self.loaded_once = True
        self.loaded.emit()

    def summary_text(self, rows: list[dict[str, Any]]) -> str:
        raise NotImplementedError

    # -- selection --------------------------------------------------------------------------------------
    def selected(self) -> dict[str, Any] | None:
        picked = self.table.selectionModel().selectedRows()
        return picked[0].data(REVIEW_ROLE) if picked else None

    def select(self, review_id: str) -> bool:
        for i, row in enumerate(self.model.rows()):
            if row["id"] == review_id:
                self.table.selectRow(i)
                return True
        return False

    def _update_buttons(self) -> None:
        on = self.selected() is not None
        for widget in self.action_buttons:
            widget.setEnabled(on)

    def _activated(self, index: QModelIndex) -> None:
        row = index.data(REVIEW_ROLE)
        if row:
            self.caseRequested.emit(row["case_id"])

    def open_selected(self) -> None:
        row = self.selected()
        if row:
            self.caseRequested.emit(row["case_id"])

    def _ask(
        self, approve: bool, row: dict[str, Any], apply: Callable[[str], None], **texts: str
    ) -> DecisionDialog:
        subject = tr("sup.decide.subject", kind=kind_name(row.get("kind")), name=row.get("name") or "",
                     number=row.get("case_number") or "")  # fmt: skip

        def apply_and_reload(comment: str) -> None:
            apply(comment)
            self.changed.emit()
            self.refresh()

        self.dialog = DecisionDialog(approve, subject, apply_and_reload, self, **texts)
        self.dialog.open()
        return self.dialog


class ReviewQueueView(_ReviewList):
    def __init__(self, store: Store, reader: DbReader | None = None) -> None:
        super().__init__(
            store, tr("sup.queue.title"),
            ["case_number", "name", "kind", "submitted_by", "submitted_at", "age", "comment"],
            tr("sup.queue.empty"), "comment", reader,
        )  # fmt: skip
        self.approve_button = self.return_button = None
        if store.user.is_supervisor:  # a worker's app shows no decisions (and the store refuses them anyway)
            self.return_button = self.add_button(button(tr("sup.return"), "back"))
            self.return_button.clicked.connect(lambda: self.decide(False))
            self.approve_button = self.add_button(button(tr("sup.approve"), "check", primary=True))
            self.approve_button.clicked.connect(lambda: self.decide(True))
            self.action_buttons += [self.return_button, self.approve_button]
        self._update_buttons()

    def fetch(self, reader: Store) -> list[dict[str, Any]]:
        return reviews.review_queue(reader)

    def summary_text(self, rows: list[dict[str, Any]]) -> str:
        if not rows:
            return ""
        return tr("sup.queue.summary", n=len(rows), age=age_text(max(r["age_days"] for r in rows)))

    def decide(self, approve: bool) -> DecisionDialog | None:
        row = self.selected()
        if row is None:
            return None
        return self._ask(
            approve, row, lambda comment: reviews.decide(self.store, row["id"], approve, comment)
        )


class ReturnedToMeView(_ReviewList):
    channel = "sup.returned"

    def __init__(self, store: Store, reader: DbReader | None = None) -> None:
        super().__init__(
            store, tr("sup.returned.title"),
            ["case_number", "name", "kind", "decided_by", "decided_at", "decision_comment"],
            tr("sup.returned.empty"), "decision_comment", reader,
        )  # fmt: skip
        self.resubmit_button = self.add_button(button(tr("sup.resubmit"), "review", primary=True))
        self.resubmit_button.clicked.connect(self.resubmit)
        self.action_buttons.append(self.resubmit_button)
        self._update_buttons()

    def fetch(self, reader: Store) -> list[dict[str, Any]]:
        return reviews.returned_to_me(reader)

    def summary_text(self, rows: list[dict[str, Any]]) -> str:
        return tr("sup.returned.summary", n=len(rows)) if rows else ""

    def resubmit(self) -> DecisionDialog | None:
        row = self.selected()
        if row is None:
            return None

        def submit(comment: str) -> None:
            subject = row["subject_id"] if row["kind"] == "assessment" else None
            reviews.submit(self.store, row["case_id"], row["kind"], subject, comment)

        return self._ask(
            True,
            row,
            submit,
            title=tr("sup.resubmit.title"),
            prompt=tr("sup.resubmit.prompt"),
            ok_text=tr("sup.resubmit").rstrip("…"),
        )


def review_view_for(store: Store, reader: DbReader | None = None) -> _ReviewList:
    """The review screen for the signed-in user: the queue for a supervisor, returned-to-me for a worker."""
    return ReviewQueueView(store, reader) if store.user.is_supervisor else ReturnedToMeView(store, reader)


__all__ = ["ReturnedToMeView", "ReviewQueueView", "review_view_for"]
