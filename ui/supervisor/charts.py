"""Bar charts for the dashboard, readable on a projector: horizontal bars so long Indonesian names fit,
counts written on the bars, stage colours the same as in the caseload PDF. Clicking a bar asks for its
cases. The stages per worker are a Qt Charts stacked bar; the categories are rows of plain widgets."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QSize, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain.reference import category_name
from caseworker.domain.stages import stage_name
from caseworker.numbers import format_count
from ui import style
from ui.flow_layout import FlowLayout
from ui.i18n import register, tr

register(
    {
        "sup.chart.stages": (
            "Kasus aktif per pekerja sosial, menurut tahap",
            "Open cases per social worker, by stage",
        ),
        "sup.chart.categories": ("Kasus aktif menurut kategori PPKS", "Open cases by PPKS category"),
        "sup.chart.more_workers": (
            "{shown} beban kasus terbesar dari {total} pekerja; tabel di bawah memuat semua.",
            "The {shown} largest of {total} caseloads; the table below lists everyone.",
        ),  # fmt: skip
        "sup.chart.tip": (
            "{who} · {what}: {n} kasus (klik untuk melihat)",
            "{who} · {what}: {n} cases (click to see)",
        ),
        "sup.chart.empty": ("Belum ada kasus aktif.", "No open cases yet."),
    }
)

# The caseload PDF's stage palette (caseworker.reports.styles.STAGE_COLOURS), so paper and screen agree.
STAGE_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1")
MAX_WORKERS = 12
MAX_CATEGORIES = 10
BAR_HEIGHT = 30


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    return font


def _value_axis(maximum: int) -> QValueAxis:
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    axis.setRange(0, max(maximum, 1) * 1.08)
    axis.setTickCount(6)
    axis.applyNiceNumbers()
    axis.setLabelsFont(_font(8.5))
    axis.setLabelsColor(QColor(style.MUTED))
    axis.setGridLineColor(QColor("#e6eaee"))
    axis.setLinePenColor(QColor(style.BORDER))
    return axis


class _BarChart(QChartView):
    """A chart drawn on a card of its own (`panel`), with its legend, if any, as words under it."""

    def __init__(self, title: str) -> None:
        chart = QChart()
        chart.setTitle(title)
        chart.setTitleFont(_font(11, bold=True))
        chart.setTitleBrush(QColor(style.TEXT))
        chart.setBackgroundVisible(False)  # the panel is the card
        chart.setMargins(QMargins(6, 4, 10, 4))
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        # Qt's legend cuts names it has no room for ("Pendek…"): the legend is a row of labels that wraps
        chart.legend().setVisible(False)
        super().__init__(chart)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setStyleSheet("background: transparent; border: none;")
        self.panel = QFrame()
        self.panel.setProperty("card", True)
        column = QVBoxLayout(self.panel)
        column.setContentsMargins(2, 2, 2, 10)
        column.setSpacing(0)
        column.addWidget(self, 1)
        self.legend_row = QWidget()
        self.legend_row.setObjectName("ChartLegend")
        self.legend = FlowLayout(self.legend_row, spacing=16, row_spacing=4)
        self.legend.setContentsMargins(16, 0, 12, 0)
        column.addWidget(self.legend_row)

    def set_legend(self, entries: list[tuple[str, QColor]]) -> None:
        while (item := self.legend.takeAt(0)) is not None:
            if item.widget() is not None:
                item.widget().deleteLater()
        for name, colour in entries:
            swatch = QLabel(
                f'<span style="color: {colour.name()}; font-size: 12pt;">■</span>&nbsp;{escape(name)}'
            )
            swatch.setTextFormat(Qt.TextFormat.RichText)
            swatch.setFont(_font(9))
            self.legend.addWidget(swatch)
        self.legend_row.setVisible(bool(entries))

    def _reset(self) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)

    def _axes(self, series: Any, names: list[str], maximum: int) -> None:
        chart = self.chart()
        chart.addSeries(series)
        names_axis = QBarCategoryAxis()
        names_axis.append(names)
        names_axis.setLabelsFont(_font(9.5))
        names_axis.setLabelsColor(QColor(style.TEXT))
        names_axis.setGridLineVisible(False)
        names_axis.setLinePenColor(QColor(style.BORDER))
        values_axis = _value_axis(maximum)
        chart.addAxis(names_axis, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values_axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(names_axis)
        series.attachAxis(values_axis)

    @staticmethod
    def _tip(on: bool, text: str) -> None:
        if on:
            QToolTip.showText(QCursor.pos(), text)
        else:
            QToolTip.hideText()


class StageChart(_BarChart):
    """Workers down the side, their open cases stacked by stage. segmentClicked(username, stage)."""

    segmentClicked = Signal(str, str)  # noqa: N815 - Qt naming

    def __init__(self) -> None:
        super().__init__(tr("sup.chart.stages"))
        self.workers: list[dict[str, Any]] = []
        self.sets: list[tuple[str, QBarSet]] = []  # (stage, its bars)
        self.note = ""

    def set_data(self, workers: list[dict[str, Any]], stages: list[str], names: dict[str, str]) -> None:
        self._reset()
        busy = [w for w in workers if w["open"]]
        shown = sorted(busy, key=lambda w: -w["open"])[:MAX_WORKERS]
        shown.sort(key=lambda w: (w["username"] == "", names.get(w["username"], w["username"]).casefold()))
        shown.reverse()  # Qt draws the first category at the bottom: keep the table's order top-down
        self.workers = shown
        self.note = (
            tr("sup.chart.more_workers", shown=len(shown), total=len(busy)) if len(busy) > len(shown) else ""
        )
        self.setVisible(True)
        series = QHorizontalStackedBarSeries()
        series.setBarWidth(0.72)
        self.sets = []
        labels = [f"{names.get(w['username'], w['username'])}  ({w['open']})" for w in shown]
        for i, stage in enumerate(stages):
            values = [w["by_stage"].get(stage, 0) for w in shown]
            if not any(values):
                continue  # no empty legend entries
            bar = QBarSet(stage_name(stage))
            bar.append([float(v) for v in values])
            bar.setColor(QColor(STAGE_COLOURS[i % len(STAGE_COLOURS)]))
            bar.setBorderColor(QColor("#ffffff"))
            bar.setLabelColor(QColor("#ffffff"))
            bar.setLabelFont(_font(8.5, bold=True))
            bar.clicked.connect(lambda index, s=stage: self._clicked(index, s))
            bar.hovered.connect(lambda on, index, s=stage, v=values: self._tip(
                on, tr("sup.chart.tip", who=labels[index].split("  (")[0], what=stage_name(s), n=v[index])))  # fmt: skip
            series.append(bar)
            self.sets.append((stage, bar))
        self.set_legend([(stage_name(stage), bar.color()) for stage, bar in self.sets])
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        series.setLabelsPosition(QHorizontalStackedBarSeries.LabelsPosition.LabelsCenter)
        self._axes(series, labels or [""], max((w["open"] for w in shown), default=0))
        self.setMinimumHeight(max(len(shown), 3) * BAR_HEIGHT + 120)

    def _clicked(self, index: int, stage: str) -> None:
        if 0 <= index < len(self.workers):
            self.segmentClicked.emit(self.workers[index]["username"], stage)


class _Bar(QWidget):
    """A horizontal bar `share` (0..1) of its width, in the accent colour."""

    def __init__(self, share: float) -> None:
        super().__init__()
        self.share = share
        self.setMinimumWidth(40)
        self.setFixedHeight(22)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def paintEvent(self, event) -> None:  # noqa: ANN001, N802
        painter = QPainter(self)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(style.ACCENT))
        painter.drawRect(0, 0, max(2, round(self.width() * self.share)), self.height())


class CategoryRow(QPushButton):
    """One category: its whole name (wrapped, never cut), its bar and its count; a click asks for its cases.
    A button, so Tab reaches it and Space/Enter open it like a click does."""

    def __init__(self, name: str, n: int, share: float, tip: str, count_width: int) -> None:
        super().__init__()
        self.setObjectName("CategoryRow")
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(tip)
        self.setAccessibleName(tip)
        self.value = n
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 3, 6, 3)
        row.setSpacing(8)
        self.name = QLabel(name)
        self.name.setWordWrap(True)
        self.name.setFont(_font(9.5))
        self.name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.name.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        # widths by stretch alone, whatever the words: every row's bar starts at the same x
        self.name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.bar = _Bar(share)
        self.count = QLabel(format_count(n))
        self.count.setFont(_font(9, bold=True))
        self.count.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.count.setFixedWidth(count_width)
        row.addWidget(self.name, 4)
        row.addWidget(self.bar, 5)
        row.addWidget(self.count)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.layout().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.layout().minimumSize()


class CategoryChart(QWidget):
    """Open cases of the facility per PPKS category, largest on top. categoryClicked(code).

    Rows of plain widgets rather than a Qt Charts axis: Qt Charts cuts a category label it finds too long
    or too tall ("Penyandang Disabili…", then "Anak Balita…" for a two-line one, seen at 1366x768), while
    a word-wrapping label takes the lines it needs."""

    categoryClicked = Signal(str)  # noqa: N815

    def __init__(self) -> None:
        super().__init__()
        self.codes: list[str] = []
        self.tips: list[str] = []  # per row: the category's whole name and its count
        self.rows: list[CategoryRow] = []
        self.panel = QFrame()
        self.panel.setProperty("card", True)
        column = QVBoxLayout(self.panel)
        column.setContentsMargins(10, 8, 12, 10)
        column.setSpacing(6)
        title = QLabel(tr("sup.chart.categories"))
        title.setFont(_font(11, bold=True))
        title.setWordWrap(True)
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(title)
        column.addWidget(self)
        column.addStretch(1)
        self.list = QVBoxLayout(self)
        self.list.setContentsMargins(0, 0, 0, 0)
        self.list.setSpacing(2)
        self.empty = QLabel(tr("sup.chart.empty"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list.addWidget(self.empty)

    def set_data(self, by_category: dict[str, int]) -> None:
        for row in self.rows:
            self.list.removeWidget(row)
            row.deleteLater()
        ranked = sorted(((n, code) for code, n in by_category.items() if n), key=lambda p: (-p[0], p[1]))
        ranked = ranked[:MAX_CATEGORIES]
        self.codes = [code for _n, code in ranked]
        self.tips = [tr("sup.chart.tip", who=tr("sup.row.total"), what=category_name(code) or code, n=int(n))
                     for n, code in ranked]  # fmt: skip
        top = max((n for n, _c in ranked), default=1)
        count_width = QFontMetrics(_font(9, bold=True)).horizontalAdvance(format_count(top)) + 4
        self.rows = []
        for (n, code), tip in zip(ranked, self.tips, strict=True):
            row = CategoryRow(self._name(code), n, n / top, tip, count_width)
            row.clicked.connect(lambda _checked=False, c=code: self.categoryClicked.emit(c))
            self.list.addWidget(row)
            self.rows.append(row)
        self.empty.setVisible(not ranked)

    @staticmethod
    def _name(code: str) -> str:
        """The whole name less "(ABH)" and the like (the tooltip has it all)."""
        return (category_name(code) or code).split(" (")[0]
