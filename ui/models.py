"""Qt models over the store.

`CaseTableModel` holds only the ordered case ids (from queries.case_ids) and fetches the rows of a page
when the view first asks for one of them (queries.case_rows), so 100,000 cases open instantly and
scrolling reads one small page at a time. `RecordModel` shows a short list of dicts (a case's notes,
tasks, measurements…) through column definitions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from caseworker.domain import reference, stages
from caseworker.store import queries
from ui.i18n import fmt_date, register, tr

register(
    {
        "col.name": ("Nama", "Name"),
        "col.case_number": ("No. kasus", "Case no."),
        "col.age": ("Usia", "Age"),
        "col.category": ("Kategori", "Category"),
        "col.stage": ("Tahap", "Stage"),
        "col.worker": ("Pekerja sosial", "Social worker"),
        "col.next_due": ("Tindak lanjut", "Next follow-up"),
        "col.last_update": ("Diperbarui", "Last update"),
        "age.years": ("{n} th", "{n} y"),
        "age.months": ("{n} bln", "{n} mo"),
        "row.loading": ("…", "…"),
        "row.sync.pending": (
            "Ada perubahan yang belum dikirim ke server",
            "Has changes not yet sent to the server",
        ),
        "row.sync.conflict": (
            "Konflik sinkronisasi: pilih nilai yang benar",
            "Sync conflict: choose the right value",
        ),
        "row.sync.refused": (
            "Server menolak perubahan kasus ini: lihat halaman Konflik",
            "The server refused a change of this case: see the Conflicts page",
        ),
        "row.sync.synced": ("Sudah sama dengan server", "In step with the server"),
    }
)

CASE_COLUMNS = ("name", "case_number", "age", "category", "stage", "worker", "next_due", "last_update")
PAGE_SIZE = 200
CACHE_LIMIT = 20 * PAGE_SIZE
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_NEXT_DUE = CASE_COLUMNS.index("next_due")
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole,
                    Qt.ItemDataRole.ToolTipRole})  # fmt: skip
# The case's sync state ("pending" | "conflict" | "refused" | "synced"); None on a standalone profile.
SYNC_STATE_ROLE = Qt.ItemDataRole.UserRole + 3
SYNC_ICONS = {
    "pending": ("sync-pending", "#8a5300"),
    "conflict": ("conflict", "#b42318"),
    "refused": ("sync-pending", "#b42318"),
    "synced": ("sync-done", "#8b98a5"),
}
_FONT: list[QFont] = []


def _bold_font() -> QFont:
    if not _FONT:
        font = QFont()
        font.setWeight(QFont.Weight.DemiBold)
        _FONT.append(font)
    return _FONT[0]


_INVALID = QModelIndex()
OVERDUE = QColor("#b42318")
CLOSED = QColor("#6b7783")


def age_text(birth_date: str | None, today: date | None = None) -> str:
    """Years, or months under two (the toddler units count in months)."""
    if not birth_date:
        return ""
    try:
        born = date.fromisoformat(birth_date[:10])
    except ValueError:
        return ""
    today = today or date.today()
    months = (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)
    if 0 <= months < 24:
        return tr("age.months", n=months)
    years = queries.age_years(birth_date[:10], today)
    return tr("age.years", n=years) if years is not None and years >= 0 else ""


def _sync_icon(state: str | None):  # noqa: ANN202 - QIcon
    from ui.style import icon

    name, colour = SYNC_ICONS.get(state or "", (None, None))
    return icon(name, colour) if name else None


class CaseTableModel(QAbstractTableModel):
    """Rows are case ids; row data comes from `fetch(ids) -> {case_id: case_index row}` one page at a time."""

    sort_requested = Signal(str, bool)  # column key, descending

    def __init__(self, fetch: Callable[[list[str]], dict[str, dict[str, Any]]], parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._fetch = fetch
        self._ids: list[str] = []
        self._rows: dict[str, dict[str, Any]] = {}
        self.worker_names: dict[str, str] = {}
        self.today = date.today().isoformat()
        self.pages_fetched = 0
        self.sync_states: dict[str, str] | None = None  # case id -> pending|conflict (others: synced)

    def set_sync_states(self, states: dict[str, str] | None) -> None:
        """The per-case sync state shown before the name (server profiles only); repaints the first column."""
        if states == self.sync_states:
            return
        self.sync_states = states
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, 0),
                                  [Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole])  # fmt: skip

    def sync_state(self, case_id: str) -> str | None:
        if self.sync_states is None:
            return None
        return self.sync_states.get(case_id, "synced")

    # -- data in ---------------------------------------------------------------------------------------
    def set_ids(self, ids: list[str]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._rows.clear()
        self.today = date.today().isoformat()
        self.endResetModel()

    def refresh_rows(self) -> None:
        """Forget cached rows (after an edit) and repaint; the ids and their order stay."""
        self._rows.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(CASE_COLUMNS) - 1))

    def case_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def ids(self) -> list[str]:
        return list(self._ids)

    def row_of(self, case_id: str) -> int:
        try:
            return self._ids.index(case_id)
        except ValueError:
            return -1

    def _row(self, row: int) -> dict[str, Any] | None:
        case_id = self._ids[row]
        found = self._rows.get(case_id)
        if found is None:
            if len(self._rows) > CACHE_LIMIT:
                self._rows.clear()
            start = (row // PAGE_SIZE) * PAGE_SIZE
            page = [i for i in self._ids[start : start + PAGE_SIZE] if i not in self._rows]
            self._rows.update(self._fetch(page))
            self.pages_fetched += 1
            found = self._rows.get(case_id)
            if found is None:  # deleted meanwhile: remember that, so we do not ask again
                self._rows[case_id] = found = {}
        return found

    # -- Qt model API -----------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _INVALID) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _INVALID) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(CASE_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(CASE_COLUMNS):
                return tr(f"col.{CASE_COLUMNS[section]}")
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        if role == CASE_ID_ROLE:
            return self._ids[index.row()]
        if index.column() == 0 and self.sync_states is not None:
            if role == SYNC_STATE_ROLE:
                return self.sync_state(self._ids[index.row()])
            if role == Qt.ItemDataRole.DecorationRole:
                return _sync_icon(self.sync_state(self._ids[index.row()]))
            if role == Qt.ItemDataRole.ToolTipRole:
                return tr(f"row.sync.{self.sync_state(self._ids[index.row()])}")
        if role not in _ROLES:
            return None
        row = self._row(index.row())
        if not row:
            return tr("row.loading") if role == Qt.ItemDataRole.DisplayRole else None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            texts = row.get("_texts")
            if texts is None:  # formatted once per fetched row: painting asks for every cell often
                texts = row["_texts"] = tuple(self._text(key, row) for key in CASE_COLUMNS)
            return texts[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == _NEXT_DUE and row.get("next_due") and row["next_due"] < self.today:
                return OVERDUE
            if row.get("status") == "closed":
                return CLOSED
            return None
        if role == Qt.ItemDataRole.FontRole:
            return _bold_font() if column == 0 else None
        if role == Qt.ItemDataRole.ToolTipRole and CASE_COLUMNS[column] == "category":
            return reference.category_name(row.get("category_code"))
        return None

    def _text(self, key: str, row: dict[str, Any]) -> str:
        if key == "name":
            return row.get("name") or ""
        if key == "case_number":
            return row.get("case_number") or ""
        if key == "age":
            return age_text(row.get("birth_date"))
        if key == "category":
            return reference.category_name(row.get("category_code")) or (row.get("category_code") or "")
        if key == "stage":
            return stages.stage_name(row.get("stage") or "") if row.get("stage") else ""
        if key == "worker":
            who = row.get("assigned_to") or ""
            return self.worker_names.get(who, who)
        if key == "next_due":
            return fmt_date(row.get("next_due"))
        if key == "last_update":
            return fmt_date(row.get("last_update"))
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(CASE_COLUMNS):
            self.sort_requested.emit(CASE_COLUMNS[column], order == Qt.SortOrder.DescendingOrder)


@dataclass(frozen=True)
class Column:
    title_key: str
    text: Callable[[dict[str, Any]], str]
    colour: Callable[[dict[str, Any]], QColor | None] | None = None
    align_right: bool = False


ROW_ROLE = Qt.ItemDataRole.UserRole + 2


class RecordModel(QAbstractTableModel):
    """A short list of records (dicts) shown through `Column`s; ROW_ROLE gives the whole dict."""

    def __init__(self, columns: list[Column], parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.columns = columns
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
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(self.columns):
                return tr(self.columns[section].title_key)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row, column = self._rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = column.text(row)
            return text if len(text) > 40 else None
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            return column.colour(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROW_ROLE:
            return row
        return None
