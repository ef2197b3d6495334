"""Bar charts for the dashboard (QtCharts), readable on a projector: horizontal bars so long Indonesian
names fit, counts written on the bars, stage colours the same as in the caseload PDF. Clicking a bar
asks for its cases."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QPainter
from PySide6.QtWidgets import QFrame, QLabel, QToolTip, QVBoxLayout, QWidget

from caseworker.domain.reference import category_name
from caseworker.domain.stages import stage_name
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


def two_lines(name: str, longest: int = 22) -> str:
    """`name` as rich text, broken with <br> at the space that best halves it when it is long."""
    words = name.split()
    if len(name) <= longest or len(words) < 2:
        return escape(name)
    cut = min(range(1, len(words)), key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))))
    return f"{escape(' '.join(words[:cut]))}<br>{escape(' '.join(words[cut:]))}"


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


class CategoryChart(_BarChart):
    """Open cases of the facility per PPKS category, largest on top. categoryClicked(code)."""

    categoryClicked = Signal(str)  # noqa: N815

    def __init__(self) -> None:
        super().__init__(tr("sup.chart.categories"))
        self.legend_row.setVisible(False)
        self.codes: list[str] = []
        self.tips: list[str] = []  # per bar: the category's whole name and its count

    def set_data(self, by_category: dict[str, int]) -> None:
        self._reset()
        ranked = sorted(((n, code) for code, n in by_category.items() if n), key=lambda p: (-p[0], p[1]))
        ranked = ranked[:MAX_CATEGORIES]
        ranked.reverse()
        self.codes = [code for _n, code in ranked]
        series = QHorizontalBarSeries()
        series.setBarWidth(0.7)
        bar = QBarSet(tr("sup.col.open"))
        bar.append([float(n) for n, _code in ranked])
        bar.setColor(QColor(style.ACCENT))
        bar.setBorderColor(QColor(style.ACCENT))
        bar.setLabelColor(QColor(style.TEXT))
        bar.setLabelFont(_font(9, bold=True))
        names = [self._name(code) for code in self.codes]
        self.tips = [tr("sup.chart.tip", who=tr("sup.row.total"), what=category_name(code) or code, n=int(n))
                     for n, code in ranked]  # fmt: skip
        bar.clicked.connect(self._clicked)
        bar.hovered.connect(lambda on, index: self._tip(on, self.tips[index]))
        series.append(bar)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        self._axes(series, names or [""], max((n for n, _c in ranked), default=0))
        self.setMinimumHeight(max(len(ranked), 3) * BAR_HEIGHT + 90)

    @staticmethod
    def _name(code: str) -> str:
        """The axis label: the whole name less "(ABH)" and the like, a long one on two lines (Qt Charts
        writes axis labels as rich text and would otherwise cut it: "Penyandang Disabili…")."""
        return two_lines((category_name(code) or code).split(" (")[0])

    def _clicked(self, index: int) -> None:
        if 0 <= index < len(self.codes):
            self.categoryClicked.emit(self.codes[index])
