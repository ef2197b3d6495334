"""The growth tab (0-19 years): measurements with WHO z-scores and Permenkes categories, the latest alerts
(MUAC cut-offs, re-measure a shrinking length...), and a chart of the child's values over the WHO -3..+3 SD
curves (QtCharts): BB/U, PB/U or TB/U, BB/PB or BB/TB, IMT/U, LK/U and LiLA/U. Names follow the age."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QSplitter, QTableView, QVBoxLayout, QWidget

from caseworker.growth.alerts import alerts
from caseworker.growth.categories import category, indicator_name
from caseworker.growth.curves import reference_curves
from caseworker.growth.records import history, latest_alerts, result_for
from caseworker.growth.zscores import GrowthResult
from caseworker.numbers import format_number, format_z
from ui.i18n import fmt_date, language, register, tr
from ui.models import Column, RecordModel
from ui.widgets import IssueList, button, combo, current_row_on_tab, label

register(
    {
        "growth.add": ("Tambah pengukuran", "Add measurement"),
        "growth.col.date": ("Tanggal", "Date"),
        "growth.col.age": ("Usia (bln)", "Age (mo)"),
        "growth.col.weight": ("BB (kg)", "Weight (kg)"),
        "growth.col.length": ("PB/TB (cm)", "Length (cm)"),
        "growth.col.muac": ("LiLA (cm)", "MUAC (cm)"),
        "growth.col.status": ("Status gizi", "Nutritional status"),
        "growth.chart.title": ("{indicator} · {name}", "{indicator} · {name}"),
        "growth.axis.age": ("Usia (bulan)", "Age (months)"),
        "growth.axis.length": ("Panjang/tinggi badan (cm)", "Length/height (cm)"),
        "growth.axis.weight": ("Berat badan (kg)", "Weight (kg)"),
        "growth.axis.lengthy": ("Panjang/tinggi badan (cm)", "Length/height (cm)"),
        "growth.axis.head": ("Lingkar kepala (cm)", "Head circumference (cm)"),
        "growth.axis.bmi": ("IMT (kg/m\u00b2)", "BMI (kg/m\u00b2)"),
        "growth.axis.muac": ("LiLA (cm)", "MUAC (cm)"),
        "growth.none": (
            "Belum ada pengukuran. Tambahkan berat dan panjang/tinggi badan untuk melihat status gizi.",
            "No measurements yet. Add weight and length/height to see the nutritional status.",
        ),
        "growth.no_birth": (
            "Tanggal lahir atau jenis kelamin belum diisi: z-skor tidak dapat dihitung.",
            "The date of birth or sex is missing: z-scores cannot be computed.",
        ),
        "growth.child": ("Anak", "Child"),
        "growth_waz": ("BB/U", "WAZ"),
        "growth_haz_lying": ("PB/U", "LAZ"),
        "growth_haz_standing": ("TB/U", "HAZ"),
        "growth_whz_lying": ("BB/PB", "WLZ"),
        "growth_whz_standing": ("BB/TB", "WHZ"),
        "growth_baz": ("IMT/U", "BAZ"),
        "growth_acz": ("LiLA/U", "ACZ"),
    }
)

CHART_INDICATORS = ("waz", "haz", "whz", "baz", "hcz", "acz")
_SD_COLOURS = {"0": "#1c7a43", "2": "#d9822b", "-2": "#d9822b", "3": "#b42318", "-3": "#b42318",
               "1": "#b7c2cc", "-1": "#b7c2cc"}  # fmt: skip
DAYS_PER_MONTH = 30.4375


def _z(value: float | None) -> str:
    """+1,25 / −0,12 in Indonesian, +1.25 / −0.12 in English."""
    return "" if value is None else format_z(value, language())


def result_summary(person: dict[str, Any], values: dict[str, Any]) -> str:
    """One line for the measurement dialog: each z-score with its category, as the numbers are typed."""
    result = result_for(person, values)
    if result is None:
        return tr("growth.no_birth")
    parts = []
    for indicator in ("waz", "haz", "whz", "baz", "acz"):
        z = result.z(indicator)
        if z is None:
            continue
        code = result.categories.get(indicator)
        name = indicator_name(indicator, result.standing)
        parts.append(f"{name} {_z(z)} ({category(indicator, code).label()})" if code else f"{name} {_z(z)}")
    parts += [alert.text() for alert in alerts([(date.today(), result)]) if alert.code.startswith("muac")]
    reasons = [result.reason(i) for i in ("waz", "haz") if result.reasons.get(i) == "age_over_19_years"]
    return "; ".join(parts) if parts else (reasons[0] if reasons else "")


def worst_category(result: GrowthResult) -> str:
    worst = None
    for indicator in ("whz", "baz", "haz", "waz"):
        code = result.categories.get(indicator)
        if code is None:
            continue
        cat = category(indicator, code)
        if worst is None or cat.severity > worst.severity:
            worst = cat
    return worst.label() if worst else ""


class GrowthTab(QWidget):
    add_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        top = QHBoxLayout()
        self.alerts = IssueList()
        top.addWidget(self.alerts, 4)
        self.indicator = combo([(indicator_name(i), i) for i in CHART_INDICATORS])
        self.add_button = button(tr("growth.add"), "plus", primary=True)
        self.add_button.clicked.connect(self.add_requested)
        self.indicator.setMinimumWidth(150)
        top.addStretch(1)
        top.addWidget(self.indicator, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.empty = label(tr("growth.none"), "muted", wrap=True)
        layout.addWidget(self.empty)

        self.model = RecordModel(
            [
                Column("growth.col.date", lambda r: fmt_date(r["measured_at"])),
                Column("growth.col.age", lambda r: _num(r.get("_age_months"), 1), align_right=True),
                Column("growth.col.weight", lambda r: _num(r.get("weight_kg"), 2), align_right=True),
                Column("growth.col.length", lambda r: _num(r.get("length_cm"), 1), align_right=True),
                Column("growth_waz", lambda r: _z(r.get("_waz")), _z_colour("_waz"), align_right=True),
                Column("growth_haz_lying", lambda r: _z(r.get("_haz")), _z_colour("_haz"), align_right=True),
                Column("growth_whz_lying", lambda r: _z(r.get("_whz")), _z_colour("_whz"), align_right=True),
                Column("growth_baz", lambda r: _z(r.get("_baz")), _z_colour("_baz"), align_right=True),
                Column("growth.col.muac", lambda r: _num(r.get("muac_cm"), 1), align_right=True),
                Column("growth_acz", lambda r: _z(r.get("_acz")), _z_colour("_acz"), align_right=True),
                Column("growth.col.status", lambda r: r.get("_status", "")),
            ]
        )  # fmt: skip
        self.table = current_row_on_tab(QTableView())
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.chart = QChart()
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.legend().setVisible(False)
        self.chart.setBackgroundRoundness(6)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(260)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.chart_view)
        split.setSizes([180, 320])
        layout.addWidget(split, 1)
        self.split = split
        self.indicator.currentIndexChanged.connect(lambda _i: self._draw())
        self.person: dict[str, Any] = {}
        self.points: list[tuple[date, GrowthResult, dict[str, Any]]] = []

    def load(self, person: dict[str, Any], measurements: list[dict[str, Any]]) -> None:
        self.person = person
        rows = []
        by_date = {m.get("measured_at", "")[:10]: m for m in measurements}
        self.points = []
        for m in measurements:
            row = dict(m)
            result = result_for(person, m)
            if result is not None:
                row.update(_age_months=result.age_days / DAYS_PER_MONTH, _waz=result.waz, _haz=result.haz,
                           _whz=result.whz, _baz=result.baz, _acz=result.acz,
                           _status=worst_category(result))  # fmt: skip
            rows.append(row)
        for day, result in history(person, measurements):
            self.points.append((day, result, by_date.get(day.isoformat(), {})))
        self._name_by_age()
        self.model.set_rows(list(reversed(rows)))
        self.alerts.set_issues(
            ("error" if a.severity == "high" else "warning", a.text())
            for a in latest_alerts(person, measurements)
        )
        has_rows = bool(measurements)
        self.empty.setVisible(not has_rows)
        if has_rows and not self.points:
            self.empty.setText(tr("growth.no_birth"))
            self.empty.setVisible(True)
        self.split.setVisible(has_rows)
        self._draw()

    def _name_by_age(self) -> None:
        """PB/U and BB/PB before 731 days, TB/U and BB/TB from then on (the table the latest visit used)."""
        standing = bool(self.points) and self.points[-1][1].standing
        position = "standing" if standing else "lying"
        for index, column in enumerate(self.model.columns):
            for indicator in ("haz", "whz"):
                if column.title_key.startswith(f"growth_{indicator}_"):
                    self.model.columns[index] = replace(column, title_key=f"growth_{indicator}_{position}")
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.model.columns) - 1)
        for index, indicator in enumerate(CHART_INDICATORS):
            self.indicator.setItemText(index, indicator_name(indicator, standing))

    def _draw(self) -> None:
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        sex = self.person.get("sex")
        if sex not in ("L", "P") or not self.points:
            return
        indicator = self.indicator.currentData()
        by_length = indicator == "whz"
        xs: list[float] = []
        ys: list[float] = []
        standing = self.points[-1][1].standing
        for _day, result, m in self.points:
            value = {"waz": m.get("weight_kg"), "haz": result.length_cm, "whz": m.get("weight_kg"),
                     "baz": result.bmi, "hcz": m.get("head_cm"), "acz": m.get("muac_cm")}[indicator]  # fmt: skip
            if value is None or (by_length and result.length_cm is None):
                continue
            xs.append(result.length_cm if by_length else result.age_days / DAYS_PER_MONTH)
            ys.append(float(value))
        curve_name = ("wfh" if standing else "wfl") if by_length else indicator
        if by_length:
            lo, hi = (min(xs) - 8, max(xs) + 8) if xs else (45, 110)
        else:
            last = max(xs) if xs else 24
            top = 228.0 if indicator in ("haz", "baz") else 120.0 if indicator == "waz" else 60.0
            lo, hi = 0.0, min(top, max(12.0, (int(last) // 6 + 2) * 6))
            if hi > 60:  # a school child: from a year before the first visit shown, on the 2007 reference
                lo = max(0.0, (int(min(xs)) // 12 - 1) * 12.0) if xs else 60.0
        curves = reference_curves(
            curve_name,
            sex,
            lo if by_length else lo * DAYS_PER_MONTH,
            hi if by_length else hi * DAYS_PER_MONTH,
        )
        all_y = list(ys)
        for sd, points in curves.items():
            series = QLineSeries()
            pen = QPen(QColor(_SD_COLOURS[sd]))
            pen.setWidthF(1.2 if sd in ("1", "-1") else 1.6)
            if sd in ("1", "-1"):
                pen.setStyle(Qt.PenStyle.DashLine)
            series.setPen(pen)
            for x, y in points:
                series.append(x if by_length else x / DAYS_PER_MONTH, y)
                all_y.append(y)
            chart.addSeries(series)
        child = QLineSeries()
        pen = QPen(QColor("#1d2731"))
        pen.setWidthF(2.2)
        child.setPen(pen)
        dots = QScatterSeries()
        dots.setMarkerSize(8)
        dots.setColor(QColor("#136f8a"))
        dots.setBorderColor(QColor("#ffffff"))
        for x, y in zip(xs, ys, strict=True):
            child.append(x, y)
            dots.append(x, y)
        chart.addSeries(child)
        chart.addSeries(dots)
        axis_x, axis_y = QValueAxis(), QValueAxis()
        axis_x.setRange(lo, hi)
        axis_x.setLabelFormat("%.0f")
        axis_x.setTitleText(tr("growth.axis.length") if by_length else tr("growth.axis.age"))
        if not by_length:
            tick = 6 if hi - lo <= 60 else 12
            axis_x.setTickCount(int((hi - lo) // tick) + 1)
        y_title = {"waz": "growth.axis.weight", "haz": "growth.axis.lengthy", "whz": "growth.axis.weight",
                   "baz": "growth.axis.bmi", "hcz": "growth.axis.head", "acz": "growth.axis.muac"}[indicator]  # fmt: skip
        axis_y.setTitleText(tr(y_title))
        if all_y:
            axis_y.setRange(max(0.0, min(all_y) - 1), max(all_y) + 1)
        axis_y.setLabelFormat("%.0f")
        axis_y.applyNiceNumbers()
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        for series in chart.series():
            series.attachAxis(axis_x)
            series.attachAxis(axis_y)
        chart.setTitle(tr("growth.chart.title", indicator=indicator_name(indicator, standing),
                          name=self.person.get("name") or tr("growth.child")))  # fmt: skip


def _num(value: float | None, decimals: int) -> str:
    return "" if value is None else format_number(value, language(), decimals)


def _z_colour(key: str):  # noqa: ANN202
    def colour(row: dict[str, Any]) -> QColor | None:
        z = row.get(key)
        if z is None:
            return None
        if z < -3:
            return QColor("#b42318")
        if z < -2:
            return QColor("#8a5300")
        return None

    return colour
