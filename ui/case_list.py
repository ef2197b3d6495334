"""The case list page: title, search-as-you-type, filters and the lazy case table.

Queries (ids in order, counts) run on the background reader; the table fetches row pages itself.
Search waits SEARCH_PAUSE_MS after the last keystroke, and a newer search makes older answers stale.
"""

from __future__ import annotations

import gc
import time
from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain import reference, stages
from caseworker.numbers import format_count
from caseworker.store import queries
from caseworker.store.queries import CaseFilter
from caseworker.store.store import Store
from ui.flow_layout import flow_row
from ui.i18n import register, tr
from ui.list_index import ListIndex
from ui.models import CASE_COLUMNS, CASE_ID_ROLE, CaseTableModel
from ui.settings import Settings
from ui.style import icon
from ui.tasks import DbReader
from ui.widgets import button, combo, current_row_on_tab, label

register(
    {
        "list.search": (
            "Cari nama, NIK, nomor KK, nomor kasus atau isi catatan…",
            "Search names, NIK, family card, case number or notes…",
        ),
        "list.new_case": ("Kasus baru", "New case"),
        "list.filter.stage": ("Semua tahap", "All stages"),
        "list.filter.category": ("Semua kategori", "All categories"),
        "list.filter.worker": ("Semua pekerja", "All workers"),
        "list.status.open": ("Aktif", "Open"),
        "list.status.closed": ("Ditutup", "Closed"),
        "list.status.any": ("Aktif & ditutup", "Open & closed"),
        "list.overdue": ("Lewat jatuh tempo", "Overdue"),
        "list.clear": ("Hapus filter", "Clear filters"),
        "list.count": ("{n} kasus", "{n} cases"),
        "list.count_one": ("1 kasus", "1 case"),
        "list.count_more": (
            "{n} kasus terbaru ditampilkan, masih ada yang cocok: perjelas pencarian",
            "The {n} newest cases shown, more match: refine the search",
        ),
        "list.loading": ("Memuat…", "Loading…"),
        "list.empty": ("Tidak ada kasus yang cocok.", "No matching cases."),
        "list.empty_hint": (
            "Ubah pencarian atau filter, atau buat kasus baru dengan Ctrl+N.",
            "Change the search or the filters, or create a new case with Ctrl+N.",
        ),
    }
)


class ListCache:
    """The in-memory list index, touched only by jobs on the background reader (one thread), so it needs
    no lock. Until it is loaded, queries go to the database as the core writes them."""

    def __init__(self) -> None:
        self.index: ListIndex | None = None
        # Writes the UI made and writes the index has caught up with. A counter, not a flag: a refresh
        # interrupted by a newer query (DbReader interrupts it) must leave the write unseen, and a write
        # made while a refresh runs must not be marked seen by it.
        self.writes = 0
        self.seen = 0

    def load(self, reader: Store, sort: str, descending: bool) -> None:
        index = ListIndex.load(reader)
        index.case_ids(reader, CaseFilter(), sort, descending)  # sorts once now, not on the first keystroke
        # ~100,000 immutable rows: keep them out of the cyclic GC's full collections, which would otherwise
        # walk them all and pause the UI thread for 100 ms or more.
        gc.freeze()
        self.index = index  # `seen` stays: writes made before or during the load are caught up next time

    def written(self) -> None:
        """The UI wrote: the next query catches the index up (UI thread; an int bump is atomic here)."""
        self.writes += 1

    def reset(self) -> None:
        """Forget the copy (after a sync brought rows edited elsewhere, whose times may be older)."""
        self.index = None

    def case_ids(
        self, reader: Store, f: CaseFilter, sort: str, descending: bool, limit: int | None = None
    ) -> tuple[list[str], bool]:
        """(ids in display order, whether a limited search left matches out): see queries.limited_case_ids."""
        if self.index is None:
            return queries.limited_case_ids(reader, f, sort, descending, limit)
        wanted = self.writes
        if self.seen != wanted:
            self.index = self.index.refresh(reader)
            self.seen = wanted
        return self.index.limited_case_ids(reader, f, sort, descending, limit)


# A search takes ~5 ms on 100,000 cases, so results may follow typing closely: a pause this short still
# skips the keystrokes of a fast typist (the target is results <= 100 ms after the last keystroke).
SEARCH_PAUSE_MS = 60


class SearchBox(QLineEdit):
    """A line edit with a magnifier drawn inside, vertically centred whatever the style's padding.
    Down goes to the results (`down`), Enter asks for them (`entered`)."""

    down = Signal()
    entered = Signal()

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802
        if event.key() == Qt.Key.Key_Down and not event.modifiers():
            self.down.emit()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.entered.emit()
        else:
            super().keyPressEvent(event)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("SearchBox")
        self._glass = QLabel(self)
        self._glass.setPixmap(icon("search").pixmap(16, 16))
        self._glass.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setTextMargins(24, 0, 0, 0)

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        self._glass.move(10, (self.height() - 16) // 2)


class CaseListPage(QWidget):
    open_case = Signal(str)
    new_case = Signal()
    results_shown = Signal(int)  # emitted after each query result reached the table (tests, benchmarks)

    def __init__(self, store: Store, reader: DbReader, settings: Settings, users: dict[str, str]) -> None:
        super().__init__()
        self.setObjectName("Page")
        self.store, self.reader, self.settings = store, reader, settings
        self.base_filter = CaseFilter(assigned_to=store.user.username)
        self.only: set[str] | None = None
        self.cache = ListCache()
        self.sort_key = settings.sort_column if settings.sort_column in CASE_COLUMNS else "name"
        self.descending = settings.sort_descending
        self.last_query_started = 0.0
        self.last_query_ms = 0.0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)

        self.title = label("", "title")
        self.count = label("", "muted")
        self.new_button = button(tr("list.new_case"), "plus", primary=True)
        self.new_button.clicked.connect(self.new_case)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addSpacing(10)
        head.addWidget(self.count, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        head.addWidget(self.new_button)
        layout.addLayout(head)

        self.search = SearchBox()
        self.search.setPlaceholderText(tr("list.search") + "  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)

        self.stage = combo(
            [(tr("list.filter.stage"), None)] + [(stages.stage_name(s), s) for s in stages.STAGES]
        )
        self.category = combo(
            [(tr("list.filter.category"), None)]
            + [
                (f"{c['short']} · {reference.category_name(c['code'])}", c["code"])
                for c in reference.categories()
            ]
        )
        self.category.setMaximumWidth(300)
        self.worker = combo([(tr("list.filter.worker"), None)] + sorted(((n, u) for u, n in users.items())))
        self.status = combo(
            [
                (tr("list.status.open"), "open"),
                (tr("list.status.closed"), "closed"),
                (tr("list.status.any"), ""),
            ]
        )
        for widget, chars in ((self.stage, 14), (self.category, 18), (self.worker, 16), (self.status, 12)):
            # sized by a typical entry, not the longest one, so the page fits a 1366-pixel screen
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            widget.setMinimumContentsLength(chars)
        self.overdue = QCheckBox(tr("list.overdue"))
        self.clear = button(tr("list.clear"), flat=True)
        self.clear.clicked.connect(self.clear_filters)
        # in as many rows as the window's width needs (a 1280-pixel screen at 125 %: two)
        layout.addWidget(
            flow_row(self.stage, self.category, self.worker, self.status, self.overdue, self.clear)
        )

        self.model = CaseTableModel(lambda ids: queries.case_rows(self.store, ids), self)
        self.model.worker_names = users
        self.table = current_row_on_tab(QTableView())
        self.table.setObjectName("CaseTable")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(32)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionsMovable(False)
        # 1366 pixels less the sidebar hold them all, with each title whole (widened to it when shown)
        defaults = {"name": 150, "case_number": 158, "age": 60, "category": 125, "stage": 120, "worker": 140,
                    "next_due": 110, "last_update": 100}  # fmt: skip
        for i, key in enumerate(CASE_COLUMNS):
            header.resizeSection(i, int(settings.column_widths.get(key, defaults[key])))
        self.widths_fitted = False
        header.setSortIndicator(
            CASE_COLUMNS.index(self.sort_key),
            Qt.SortOrder.DescendingOrder if self.descending else Qt.SortOrder.AscendingOrder,
        )
        self.table.setSortingEnabled(True)  # asks the model to sort: connected below, so no query yet
        header.sectionResized.connect(self._remember_width)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)

        self.empty = QWidget()
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addStretch(1)
        self.empty_title = label(tr("list.empty"), "subtitle")
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_hint = label(tr("list.empty_hint"), "muted")
        empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_layout.addWidget(self.empty_title)
        empty_layout.addWidget(empty_hint)
        empty_layout.addStretch(2)
        self.stack = QStackedLayout()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout.addLayout(self.stack, 1)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(SEARCH_PAUSE_MS)
        self.debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self.debounce.start())
        # Found by hand: typing a name and pressing Down or Enter did nothing; the mouse was the only way on.
        self.search.down.connect(self.focus_results)
        self.search.entered.connect(self._search_entered)
        self._enter_pending = False
        for widget in (self.stage, self.category, self.worker, self.status):
            widget.currentIndexChanged.connect(lambda _i: self.refresh())
        self.overdue.toggled.connect(lambda _c: self.refresh())
        self.model.sort_requested.connect(self._sort)

    # -- what to show -----------------------------------------------------------------------------------
    def set_view(self, title: str, base: CaseFilter, only: list[str] | None = None) -> None:
        """Show the cases matching `base` (a navigation entry), or exactly the cases `only` lists."""
        self.title.setText(title)
        self.base_filter = base
        self.only = set(only) if only is not None else None
        self.status.setEnabled(only is None and not base.conflict)
        self.refresh()

    def current_filter(self) -> CaseFilter:
        f = self.base_filter
        status = self.status.currentData() if self.status.isEnabled() else None
        changes = {
            "text": self.search.text().strip(),
            "stage": self.stage.currentData() or f.stage,
            "category": self.category.currentData() or f.category,
            "assigned_to": self.worker.currentData() or f.assigned_to,
            "status": (status or None) if self.status.isEnabled() else f.status,
            "overdue": self.overdue.isChecked() or f.overdue,
        }
        return replace(f, **changes)

    def clear_filters(self) -> None:
        for widget in (self.stage, self.category, self.worker, self.status):
            widget.blockSignals(True)
            widget.setCurrentIndex(0)
            widget.blockSignals(False)
        self.overdue.blockSignals(True)
        self.overdue.setChecked(False)
        self.overdue.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        """Re-run the query in the background; the table keeps its rows until the answer arrives."""
        self.debounce.stop()
        f, sort, desc = self.current_filter(), self.sort_key, self.descending
        self.last_query_started = time.perf_counter()
        if not self.model.rowCount():
            self.count.setText(tr("list.loading"))
        only, cache = self.only, self.cache
        # Search-as-you-type shows the newest SEARCH_LIMIT matches; a fixed set of cases (a dashboard
        # number) is searched in full, since its members may be older than the newest matches.
        limit = queries.SEARCH_LIMIT if only is None else None

        def query(r: Store) -> tuple[list[str], bool]:
            ids, more = cache.case_ids(r, f, sort, desc, limit)
            return (ids, more) if only is None else ([i for i in ids if i in only], False)

        self.reader.submit("case_ids", query, self._show_ids)

    def _show_ids(self, result: tuple[list[str], bool]) -> None:
        ids, more = result
        selected = self.selected_case_id()
        self.model.set_ids(ids)
        n = len(ids)
        shown = format_count(n)  # 4.208 / 4,208
        if more:
            self.count.setText(tr("list.count_more", n=shown))
        else:
            self.count.setText(tr("list.count_one") if n == 1 else tr("list.count", n=shown))
        self.stack.setCurrentWidget(self.table if n else self.empty)
        if selected:
            row = self.model.row_of(selected)
            if row >= 0:
                self.table.selectRow(row)
        self.last_query_ms = (time.perf_counter() - self.last_query_started) * 1000
        if self._enter_pending:
            self._enter_pending = False
            self._enter_results()
        self.results_shown.emit(n)

    def load_index(self) -> None:
        """Queue the in-memory index after the first list and counts (the reader runs jobs in order)."""
        self.reader.submit("list_index", lambda r: self.cache.load(r, self.sort_key, self.descending),
                           lambda _r: None)  # fmt: skip

    def rows_changed(self) -> None:
        """After an edit: repaint cached rows now, and re-query (order and membership may change)."""
        self.cache.written()
        self.model.refresh_rows()
        self.refresh()

    # -- table events ------------------------------------------------------------------------------------
    def _sort(self, key: str, descending: bool) -> None:
        self.sort_key, self.descending = key, descending
        self.settings.sort_column, self.settings.sort_descending = key, descending
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self.widths_fitted:  # styled now: each column at first as wide as its title and sort arrow
            self.widths_fitted = True
            header = self.table.horizontalHeader()
            for i, key in enumerate(CASE_COLUMNS[:-1]):
                if key not in self.settings.column_widths:
                    header.resizeSection(i, max(header.sectionSize(i), header.sectionSizeHint(i)))
        self._fit_last_column()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_last_column()

    def _fit_last_column(self) -> None:
        """The last column fills the table's rest, never narrower than its title: on a narrow window the
        table scrolls sideways instead of cutting the title off."""
        header = self.table.horizontalHeader()
        last = header.count() - 1
        others = sum(header.sectionSize(i) for i in range(last))
        fits = self.table.viewport().width() - others >= header.sectionSizeHint(last)
        if header.stretchLastSection() != fits:
            header.setStretchLastSection(fits)
            if not fits:
                header.resizeSection(last, header.sectionSizeHint(last))

    def _remember_width(self, index: int, _old: int, new: int) -> None:
        if 0 <= index < len(CASE_COLUMNS) and new > 20:
            self.settings.column_widths[CASE_COLUMNS[index]] = new

    def _open_index(self, index: QModelIndex) -> None:
        case_id = index.data(CASE_ID_ROLE)
        if case_id:
            self.open_case.emit(case_id)

    def selected_case_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return rows[0].data(CASE_ID_ROLE) if rows else None

    def focus_results(self) -> None:
        """The table takes the keyboard with its first row current (or the one already selected)."""
        if not self.model.rowCount():
            return
        if not self.table.selectionModel().selectedRows():
            self.table.selectRow(0)
        self.table.setFocus(Qt.FocusReason.TabFocusReason)

    def _search_entered(self) -> None:
        """Enter in the search box: one match opens, several go to the table. While the typed text's
        query is still to come, the answer waits for it (a fast typist presses Enter within the pause)."""
        if self.debounce.isActive() or self.reader_busy():
            self._enter_pending = True
            if self.debounce.isActive():
                self.refresh()
            return
        self._enter_results()

    def reader_busy(self) -> bool:
        return self.reader.busy("case_ids")

    def _enter_results(self) -> None:
        if self.model.rowCount() == 1:
            self._open_index(self.model.index(0, 0))
        else:
            self.focus_results()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
