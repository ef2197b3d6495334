"""The supervisor's dashboard: this month's caseload of the facility at a glance, for a team meeting.

Tiles for the facility's figures, a chart of each worker's open cases by stage, a chart of open cases by
PPKS category, and a table per worker. Every number is clickable and emits `casesRequested(title, ids)`
with the cases behind it (the main window lists them). Figures are computed off the UI thread on a
second connection; "Cetak" renders the caseload report PDF off the UI thread and emits `pdfReady(path)`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseworker.dashboard import month_bounds
from caseworker.domain.reference import category_name
from caseworker.domain.stages import stage_name
from caseworker.numbers import format_count
from caseworker.store.store import Store
from ui import style
from ui.errors import show_error
from ui.i18n import fmt_date, language, register, tr
from ui.printing.files import PrivateFolder
from ui.printing.options import PrintOptions
from ui.printing.preview import PrintPreviewDialog
from ui.supervisor.charts import CategoryChart, StageChart
from ui.supervisor.common import age_text, read_in_background, worker_names, write_in_background
from ui.supervisor.dashboard_data import STUNTING, WASTING, Drill, case_ids, facility_view
from ui.supervisor.worker_table import DRILL_ROLE, WorkerTableModel
from ui.tasks import DbReader
from ui.widgets import button, current_row_on_tab, label

register(
    {
        "sup.dash.title": ("Dasbor supervisor", "Supervisor dashboard"),
        "sup.dash.period": ("{facility} · {month} · per {today}", "{facility} · {month} · as of {today}"),
        "sup.dash.print": ("Cetak", "Print"),
        "sup.dash.printing": ("Membuat PDF…", "Making the PDF…"),
        "sup.dash.table": ("Per pekerja sosial", "Per social worker"),
        "sup.dash.hint": (
            "Klik angka mana pun untuk melihat daftar kasusnya.",
            "Click any number to list its cases.",
        ),
        "sup.tile.open": ("Kasus aktif", "Open cases"),
        "sup.tile.open.sub": ("dipegang {n} pekerja sosial", "held by {n} social workers"),
        "sup.tile.new": ("Kasus baru bulan ini", "New this month"),
        "sup.tile.closed": ("Ditutup bulan ini", "Closed this month"),
        "sup.tile.overdue_cases": ("Tindak lanjut terlambat", "Overdue follow-ups"),
        "sup.tile.overdue_cases.sub": ("{n} tugas lewat jatuh tempo", "{n} tasks past due"),
        "sup.tile.no_contact_30": ("Tanpa kontak ≥30 hari", "No contact ≥30 days"),
        "sup.tile.stunting": ("Anak stunting", "Stunted children"),
        "sup.tile.stunting.sub": ("sangat pendek {a} · pendek {b}", "severe {a} · moderate {b}"),
        "sup.tile.wasting": ("Anak wasting", "Wasted children"),
        "sup.tile.wasting.sub": ("gizi buruk {a} · gizi kurang {b}", "severe {a} · moderate {b}"),
        "sup.tile.reviews": ("Menunggu tinjauan", "Waiting for review"),
        "sup.dash.referrals_late": (
            "Rujukan terlambat: {sent} dikirim unit ini belum dijawab, {incoming} masuk belum dijawab unit ini.",
            "Overdue referrals: {sent} sent by this facility unanswered, {incoming} incoming not yet answered here.",
        ),
        "sup.tile.reviews.sub": ("terlama {age}", "oldest {age}"),
        "sup.tile.of_cases": ("dari kasus aktif", "of open cases"),
        "sup.drill.everyone": ("Seluruh unit", "Whole facility"),
        "sup.drill.title": ("{what} · {who}", "{what} · {who}"),
    }
)

MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}  # fmt: skip
TILES = ("open", "new", "closed", "overdue_cases", "no_contact_30", "stunting", "wasting", "reviews")
TILE_WIDTH = 170  # a tile's least width: its caption in at most two lines
NAMES_WIDTH = 220  # the table's names column, at least
CHARTS_SIDE_BY_SIDE = 860  # the least width for both charts side by side
_TILE_COLOURS = {"overdue_cases": style.DANGER, "no_contact_30": style.WARNING, "stunting": style.DANGER,
                 "wasting": style.DANGER, "reviews": style.WARNING}  # fmt: skip


class MetricTile(QFrame):
    """A big number with its caption; clicking it asks for its cases."""

    clicked = Signal()

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.setProperty("card", True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # as tall as its wrapped caption needs at the width the dashboard's grid gives it
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 12, 10)
        layout.setSpacing(1)
        self.caption = label(tr(f"sup.tile.{key}"), "fieldlabel", wrap=True)
        self.caption.setStyleSheet(f"font-size: 9.5pt; font-weight: 600; color: {style.TEXT};")
        self.number = label("–")
        self.number.setStyleSheet(f"font-size: 22pt; font-weight: 700; color: {style.TEXT};")
        self.sub = label("", "muted", wrap=True)
        self.sub.setStyleSheet("font-size: 8.5pt;")
        layout.addWidget(self.number)  # the number first, so the numbers of all tiles line up
        layout.addWidget(self.caption)
        layout.addWidget(self.sub)
        layout.addStretch(1)
        self.setMinimumHeight(104)
        self.value = 0

    def set_value(self, value: int, sub: str = "") -> None:
        self.value = value
        self.number.setText(format_count(value))
        colour = _TILE_COLOURS.get(self.key, style.ACCENT) if value else style.MUTED
        self.number.setStyleSheet(f"font-size: 22pt; font-weight: 700; color: {colour};")
        self.sub.setText(sub)
        self.setToolTip(tr("sup.tip.open", n=value) if value else "")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class DashboardView(QWidget):
    casesRequested = Signal(str, list)  # noqa: N815 - the title for the list, the case ids
    pdfReady = Signal(str)  # noqa: N815 - path of the rendered caseload report
    loaded = Signal()

    def __init__(
        self,
        store: Store,
        today: date | None = None,
        parent: QWidget | None = None,
        reader: DbReader | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self.store = store
        self.reader = reader
        self._today = today
        self.view: dict[str, Any] | None = None
        self.names = worker_names(store)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setObjectName("Page")
        scroll.setWidget(body)
        outer.addWidget(scroll)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)

        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(label(tr("sup.dash.title"), "title"))
        self.period = label(tr("sup.loading"), "muted")
        titles.addWidget(self.period)
        self.referrals_late = label("", "muted", wrap=True)  # overdue referrals (issue 19)
        self.referrals_late.setVisible(False)
        titles.addWidget(self.referrals_late)
        head.addLayout(titles, 1)
        self.refresh_button = button(tr("sup.refresh"), "sync")
        self.refresh_button.clicked.connect(self.refresh)
        self.print_button = button(tr("sup.dash.print"), "print", primary=True)
        self.print_button.clicked.connect(self.print_report)
        head.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignBottom)
        head.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(head)

        self.tile_grid = QGridLayout()
        self.tile_grid.setSpacing(10)
        self.tiles: dict[str, MetricTile] = {}
        for key in TILES:
            tile = MetricTile(key)
            tile.clicked.connect(lambda k=key: self._tile_clicked(k))
            self.tiles[key] = tile
        self.tile_columns = 0
        layout.addLayout(self.tile_grid)

        self.charts = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.charts.setSpacing(12)
        self.stage_chart = StageChart()
        self.stage_chart.segmentClicked.connect(self._stage_clicked)
        self.category_chart = CategoryChart()
        self.category_chart.categoryClicked.connect(self._category_clicked)
        self.charts.addWidget(self.stage_chart.panel, 3)
        self.charts.addWidget(self.category_chart.panel, 2)
        layout.addLayout(self.charts)
        self.chart_note = label("", "muted")
        self.chart_note.setVisible(False)
        layout.addWidget(self.chart_note)

        table_head = QHBoxLayout()
        table_head.addWidget(label(tr("sup.dash.table"), "subtitle"))
        hint = label(tr("sup.dash.hint"), "muted", wrap=True)
        hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        table_head.addWidget(hint, 1)
        layout.addLayout(table_head)
        self.model = WorkerTableModel(self)
        self.table = current_row_on_tab(QTableView())
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setMouseTracking(True)
        self.table.entered.connect(self._hover)
        self.table.clicked.connect(self._cell_clicked)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        # each figure as wide as its title (or number), the names in the rest: no title cut off
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumHeight(44)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.table)
        layout.addStretch(1)
        self.pdf_path: Path | None = None
        self._reflow(self.width())

    # -- loading ----------------------------------------------------------------------------------------
    def today(self) -> date:
        return self._today or date.today()

    def refresh(self) -> None:
        today = self.today()
        self.refresh_button.setEnabled(False)
        read_in_background(self.store, lambda r: facility_view(r, today), self._show, self._failed,
                           reader=self.reader, channel="sup.dashboard")  # fmt: skip

    def _failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.print_button.setEnabled(True)
        self.print_button.setText(tr("sup.dash.print"))
        show_error(self, exc)

    def _show(self, view: dict[str, Any]) -> None:
        self.view = view
        self.refresh_button.setEnabled(True)
        today = date.fromisoformat(view["today"])
        month = f"{MONTHS[language()][today.month - 1]} {today.year}"
        self.period.setText(
            tr("sup.dash.period", facility=view["facility_name"], month=month, today=fmt_date(view["today"]))
        )
        late = view.get("referrals_overdue") or {}
        self.referrals_late.setText(
            tr("sup.dash.referrals_late", sent=late.get("sent", 0), incoming=late.get("incoming", 0))
        )
        self.referrals_late.setVisible(bool(late.get("sent") or late.get("incoming")))
        total = view["total"]
        growth = total.get("growth", {})
        busy = sum(1 for w in view["workers"] if w["open"] and w["username"])
        subs = {
            "open": tr("sup.tile.open.sub", n=busy),
            "overdue_cases": tr("sup.tile.overdue_cases.sub", n=total.get("overdue_tasks", 0)),
            "no_contact_30": f"{round(100 * total['no_contact_30'] / total['open'])}% {tr('sup.tile.of_cases')}"
            if total["open"] else "",
            "stunting": tr("sup.tile.stunting.sub", a=growth.get(STUNTING[0], 0), b=growth.get(STUNTING[1], 0)),
            "wasting": tr("sup.tile.wasting.sub", a=growth.get(WASTING[0], 0), b=growth.get(WASTING[1], 0)),
            "reviews": tr("sup.tile.reviews.sub", age=age_text(view["reviews"]["oldest_days"]))
            if view["reviews"]["total"] else "",
        }  # fmt: skip
        for key, tile in self.tiles.items():
            tile.set_value(int(total.get(key, 0) or 0), subs.get(key, ""))
        self.stage_chart.set_data(view["workers"], view["stages"], self.names)
        self.chart_note.setText(self.stage_chart.note)
        self.chart_note.setVisible(bool(self.stage_chart.note))
        self.category_chart.set_data(total.get("by_category", {}))
        self.model.set_view(view, self.names)
        self._fit_table()
        self.loaded.emit()

    def _fit_table(self) -> None:
        rows = self.model.rowCount()
        height = self.table.horizontalHeader().height() + sum(self.table.rowHeight(r) for r in range(rows))
        header = self.table.horizontalHeader()
        names = max(NAMES_WIDTH, header.sectionSizeHint(0))
        figures = sum(header.sectionSize(i) for i in range(1, header.count()))
        if self.table.viewport().width() - figures >= names:
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        else:  # a narrow window: the table scrolls sideways rather than cut its names and titles off
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(0, names)
            height += self.table.horizontalScrollBar().sizeHint().height()  # the last row stays in sight
        self.table.setFixedHeight(height + 4)

    # -- reflowing --------------------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._reflow(event.size().width())

    def _reflow(self, width: int) -> None:
        """Tiles in rows of 8, 4 or 2, each at least TILE_WIDTH wide; the charts side by side when there is
        room for both, else one above the other. Nothing is cut off or squeezed on a narrow window."""
        room = width - 40 - 16  # the page's margins, a scroll bar
        columns = next((n for n in (8, 4, 2) if n * TILE_WIDTH + (n - 1) * 10 <= room), 1)
        if columns != self.tile_columns:
            self.tile_columns = columns
            for tile in self.tiles.values():
                self.tile_grid.removeWidget(tile)
            for i in range(len(TILES)):
                self.tile_grid.setColumnStretch(i, 1 if i < columns else 0)
            for i, tile in enumerate(self.tiles.values()):
                self.tile_grid.addWidget(tile, i // columns, i % columns)
        side_by_side = room >= CHARTS_SIDE_BY_SIDE
        self.charts.setDirection(
            QBoxLayout.Direction.LeftToRight if side_by_side else QBoxLayout.Direction.TopToBottom
        )
        if self.model.rowCount():
            QTimer.singleShot(0, self._fit_table)

    # -- drilldowns -------------------------------------------------------------------------------------
    def request(self, drill: Drill, what: str) -> None:
        """Find the cases behind a number off the UI thread, then emit casesRequested."""
        who = (
            tr("sup.drill.everyone")
            if drill.username is None
            else self.names.get(drill.username, drill.username)
        )
        title = tr("sup.drill.title", what=what, who=who)
        today = self.today()
        read_in_background(self.store, lambda r: case_ids(r, drill, today),
                           lambda ids: self.casesRequested.emit(title, list(ids)), self._failed,
                           reader=self.reader, channel="sup.drilldown")  # fmt: skip

    def _tile_clicked(self, key: str) -> None:
        index = self.model.index(self.model.rowCount() - 1, 1 + list(TILES).index(key))
        drill = self.model.drill(index) if self.model.rowCount() else None
        if drill is not None:
            self.request(drill, tr(f"sup.tile.{key}"))

    def _cell_clicked(self, index: QModelIndex) -> None:
        drill = self.model.drill(index)
        if drill is not None:
            what = self.model.headerData(index.column(), Qt.Orientation.Horizontal).replace("\n", " ")
            self.request(drill, what)

    def _hover(self, index: QModelIndex) -> None:
        clickable = index.isValid() and index.data(DRILL_ROLE) is not None
        self.table.viewport().setCursor(
            Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor
        )

    def _stage_clicked(self, username: str, stage: str) -> None:
        self.request(Drill("stage", username, (stage,)), stage_name(stage))

    def _category_clicked(self, code: str) -> None:
        self.request(Drill("category", None, (code,)), category_name(code) or code)

    # -- printing ---------------------------------------------------------------------------------------
    def print_report(self) -> None:
        """The caseload report for this month, rendered in the background into a private temp folder."""
        from caseworker.reports import render_caseload_report

        today = self.today()
        first, last = month_bounds(today)
        lang = language()
        self.print_folder = PrivateFolder()  # removed with the PDF when the preview closes
        target = self.print_folder.path / f"beban-kasus-{self.store.user.facility_code}-{today:%Y-%m}.pdf"
        self.print_button.setEnabled(False)
        self.print_button.setText(tr("sup.dash.printing"))

        def render(other: Store) -> Path:
            return render_caseload_report(other, target, first, last, lang=lang, today=today)

        write_in_background(self.store, render, self._printed, self._print_failed)

    def _print_failed(self, exc: BaseException) -> None:
        self.print_folder.remove()
        self._failed(exc)

    def _printed(self, path: Path) -> None:
        self.print_button.setEnabled(True)
        self.print_button.setText(tr("sup.dash.print"))
        self.pdf_path = Path(path)
        # The preview the case summary opens too: the report on screen, then Print… or Save PDF…
        self.print_preview = PrintPreviewDialog(
            path, self, store=self.store, folder=self.print_folder, options=PrintOptions(language())
        )
        self.print_preview.open()
        self.pdfReady.emit(str(path))
