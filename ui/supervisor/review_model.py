"""A table model over review rows (dicts from caseworker.store.reviews) through column definitions; the
review queue, the returned-to-me list and the case's review panel all use it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ui import style
from ui.i18n import fmt_date, tr
from ui.supervisor.common import age_text, kind_name, model_font

REVIEW_ROLE = Qt.ItemDataRole.UserRole + 50
_INVALID = QModelIndex()


@dataclass(frozen=True)
class ReviewColumn:
    title_key: str
    text: Callable[[dict[str, Any]], str]
    colour: Callable[[dict[str, Any]], str | None] | None = None
    bold: bool = False
    centre: bool = False


def age_colour(row: dict[str, Any]) -> str | None:
    days = row.get("age_days") or 0
    return style.DANGER if days > 14 else style.WARNING if days > 7 else None


def status_colour(row: dict[str, Any]) -> str | None:
    return {"approved": style.SUCCESS, "returned": style.DANGER, "submitted": style.WARNING}.get(
        row.get("status") or ""
    )


def columns(names: dict[str, str]) -> dict[str, ReviewColumn]:
    """Every column the review screens pick from, by key."""

    def who(key: str) -> Callable[[dict[str, Any]], str]:
        return lambda r: names.get(r.get(key) or "", r.get(key) or "")

    return {
        "case_number": ReviewColumn("sup.rcol.case_number", lambda r: r.get("case_number") or ""),
        "name": ReviewColumn("sup.rcol.name", lambda r: r.get("name") or "", bold=True),
        "kind": ReviewColumn("sup.rcol.kind", lambda r: kind_name(r.get("kind"))),
        "submitted_by": ReviewColumn("sup.rcol.submitted_by", who("submitted_by")),
        "submitted_at": ReviewColumn(
            "sup.rcol.submitted_at", lambda r: fmt_date(r.get("submitted_at")), centre=True
        ),
        "age": ReviewColumn("sup.rcol.age", lambda r: age_text(r.get("age_days")), age_colour, centre=True),
        "comment": ReviewColumn("sup.rcol.comment", lambda r: r.get("comment") or ""),
        "status": ReviewColumn(
            "sup.rcol.status", lambda r: tr(f"sup.status.{r.get('status')}"), status_colour
        ),
        "decided_by": ReviewColumn("sup.rcol.decided_by", who("decided_by")),
        "decided_at": ReviewColumn(
            "sup.rcol.decided_at", lambda r: fmt_date(r.get("decided_at")), centre=True
        ),
        "decision_comment": ReviewColumn(
            "sup.rcol.decision_comment", lambda r: r.get("decision_comment") or ""
        ),
    }


class ReviewModel(QAbstractTableModel):
    def __init__(self, cols: list[ReviewColumn], parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.cols = cols
        self._rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[dict[str, Any]]:
        return list(self._rows)

    def row_dict(self, row: int) -> dict[str, Any] | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _INVALID) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _INVALID) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.cols)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(self.cols):
                return tr(self.cols[section].title_key)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            not index.isValid()
            or not (0 <= index.row() < len(self._rows))
            or not (0 <= index.column() < len(self.cols))
        ):
            return None
        row, col = self._rows[index.row()], self.cols[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = col.text(row)
            return text if len(text) > 30 else None
        if role == Qt.ItemDataRole.ForegroundRole and col.colour is not None:
            colour = col.colour(row)
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.FontRole and (col.bold or col.colour is not None):
            return model_font()
        if role == Qt.ItemDataRole.TextAlignmentRole and col.centre:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == REVIEW_ROLE:
            return row
        return None
