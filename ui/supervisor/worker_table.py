"""The dashboard's table: one row per social worker and a facility row at the bottom, one column per
figure. Every non-zero number is a link: DRILL_ROLE gives the `Drill` behind it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from caseworker.numbers import format_count
from ui import style
from ui.i18n import register, tr
from ui.supervisor.common import age_text, model_font
from ui.supervisor.dashboard_data import MEASURES, Drill

register(
    {
        "sup.col.worker": ("Pekerja sosial", "Social worker"),
        "sup.col.open": ("Kasus aktif", "Open cases"),
        "sup.col.new": ("Baru", "New"),
        "sup.col.closed": ("Ditutup", "Closed"),
        "sup.col.overdue_cases": ("Terlambat", "Overdue"),
        "sup.col.no_contact_30": ("Tanpa kontak\n≥30 hari", "No contact\n≥30 days"),
        "sup.col.stunting": ("Stunting", "Stunting"),
        "sup.col.wasting": ("Wasting", "Wasting"),
        "sup.col.reviews": ("Tinjauan", "Reviews"),
        "sup.row.total": ("Seluruh unit", "Whole facility"),
        "sup.tip.open": ("Klik untuk melihat {n} kasus", "Click to see the {n} cases"),
        "sup.tip.overdue": ("{n} tugas tindak lanjut lewat jatuh tempo", "{n} follow-up tasks past due"),
        "sup.tip.reviews_oldest": ("Terlama menunggu: {age}", "Waiting longest: {age}"),
    }
)

DRILL_ROLE = Qt.ItemDataRole.UserRole + 40
COLUMNS = ("worker",) + tuple(key for key, _metric, _keys in MEASURES)
_ALERT_COLUMNS = {"overdue_cases": style.DANGER, "no_contact_30": style.WARNING, "stunting": style.DANGER,
                  "wasting": style.DANGER, "reviews": style.WARNING}  # fmt: skip
_INVALID = QModelIndex()


class WorkerTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []
        self._names: dict[str, str] = {}
        self._oldest = 0

    def set_view(self, view: dict[str, Any], names: dict[str, str]) -> None:
        self.beginResetModel()
        self._names = dict(names)
        self._rows = [*view["workers"], view["total"]]
        self._oldest = view["reviews"].get("oldest_days", 0)
        self.endResetModel()

    def row_name(self, row: int) -> str:
        data = self._rows[row]
        if data.get("username") is None:
            return tr("sup.row.total")
        return self._names.get(data["username"], data.get("full_name") or data["username"])

    def drill(self, index: QModelIndex | QPersistentModelIndex) -> Drill | None:
        value = self.data(index, DRILL_ROLE)
        return value if isinstance(value, Drill) else None

    # -- Qt model API -----------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _INVALID) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _INVALID) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(COLUMNS)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(f"sup.col.{COLUMNS[section]}")
        if role == Qt.ItemDataRole.TextAlignmentRole and section > 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            not index.isValid()
            or not (0 <= index.row() < len(self._rows))
            or not (0 <= index.column() < len(COLUMNS))
        ):
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()]
        total_row = row.get("username") is None
        if key == "worker":
            if role == Qt.ItemDataRole.DisplayRole:
                return self.row_name(index.row())
            if role == Qt.ItemDataRole.FontRole:
                return model_font(bold=total_row)
            if role == Qt.ItemDataRole.BackgroundRole and total_row:
                return QColor(style.ACCENT_SOFT)
            return None
        value = int(row.get(key, 0) or 0)
        if role == Qt.ItemDataRole.DisplayRole:
            return format_count(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole and total_row:
            return QColor(style.ACCENT_SOFT)
        if role == Qt.ItemDataRole.ForegroundRole:
            if value == 0:
                return QColor("#9aa6b1")
            return QColor(_ALERT_COLUMNS.get(key, style.ACCENT))
        if role == Qt.ItemDataRole.FontRole:
            if value or total_row:
                return model_font(bold=total_row, underline=bool(value))
            return None
        if role == Qt.ItemDataRole.ToolTipRole and value:
            tips = [tr("sup.tip.open", n=value)]
            if key == "overdue_cases":
                tips.append(tr("sup.tip.overdue", n=row.get("overdue_tasks", 0)))
            if key == "reviews" and total_row:
                tips.append(tr("sup.tip.reviews_oldest", age=age_text(self._oldest)))
            return "\n".join(tips)
        if role == DRILL_ROLE:
            if not value:
                return None
            _key, metric, keys = next(m for m in MEASURES if m[0] == key)
            return Drill(metric, row.get("username"), keys)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
