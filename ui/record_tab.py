"""A tab listing one kind of case record: buttons on top, a table, a quiet line when there is nothing yet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.models import Column, RecordModel
from ui.widgets import current_row_on_tab, label


class RecordTab(QWidget):
    def __init__(self, columns: list[Column], empty_text: str, stretch_column: int | None = None,
                 wrap: bool = False) -> None:  # fmt: skip
        super().__init__()
        self.wrap = wrap  # rows grow to show long text (notes, goals); costs a measuring pass per load
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        self.toolbar = QHBoxLayout()
        self.toolbar.addStretch(1)
        layout.addLayout(self.toolbar)
        self.model = RecordModel(columns, self)
        self.table = current_row_on_tab(QTableView())
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(wrap)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        if stretch_column is not None:
            header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
        else:
            header.setStretchLastSection(True)
        if wrap:  # rows measured while the tab was hidden (a narrow column) are re-measured at its width
            self._rows_timer = QTimer(self, singleShot=True, interval=0)
            self._rows_timer.timeout.connect(self.table.resizeRowsToContents)
            header.sectionResized.connect(lambda *_: self._rows_timer.start())
        self.empty = label(empty_text, "muted", wrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        self._widths_set = False

    def add_button(self, widget: QPushButton, left: bool = False) -> QPushButton:
        if left:
            self.toolbar.insertWidget(0, widget)
        else:
            self.toolbar.addWidget(widget)
        return widget

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.model.set_rows(rows)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        if rows and not self._widths_set:
            self.table.resizeColumnsToContents()
            for col in range(self.model.columnCount()):
                self.table.setColumnWidth(col, min(self.table.columnWidth(col) + 16, 380))
            self._widths_set = True
        if self.wrap:
            self.table.resizeRowsToContents()

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_dict(rows[0].row()) if rows else None

    def on_activate(self, callback: Callable[[dict[str, Any]], None]) -> None:
        """`callback(row)` on a double-click or Enter on a row."""

        def activated(index: QModelIndex) -> None:
            row = self.model.row_dict(index.row())
            if row is not None:
                callback(row)

        self.table.doubleClicked.connect(activated)
        self._enter = _EnterKey(self.table, activated)


class _EnterKey(QObject):
    """Enter or Return on a table's current row does what a double-click does."""

    def __init__(self, table: QTableView, activated: Callable[[QModelIndex], None]) -> None:
        super().__init__(table)
        self._table, self._activated = table, activated
        table.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self._table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            and self._table.currentIndex().isValid()
        ):
            self._activated(self._table.currentIndex())
            return True
        return False
