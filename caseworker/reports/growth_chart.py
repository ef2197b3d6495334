"""The growth section of a case summary: the child's points over the WHO -3..+3 SD curves and the latest
z-scores with their categories. Under 5 years: weight-for-age, length/height-for-age (titled PB/U or TB/U
by the age), and BMI- and MUAC-for-age when measured; 5-19 years (WHO 2007): height- and BMI-for-age."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from caseworker.growth import INDICATORS, GrowthInputError, GrowthResult, age_in_days, compute
from caseworker.growth.alerts import alerts
from caseworker.growth.categories import category, indicator_name
from caseworker.growth.curves import reference_curves, x_range
from caseworker.growth.tables import MAX_AGE_DAYS, STANDING_FROM_DAYS
from caseworker.reports.fonts import BOLD, REGULAR
from caseworker.reports.formatting import fmt_age, fmt_date, fmt_number, fmt_z, parse_day
from caseworker.reports.labels import t
from caseworker.reports.styles import CONTENT_WIDTH, MUTED, RULE, grid_table, p

DAYS_PER_MONTH = 30.4375
SD_STYLE = {  # z -> (colour, width)
    "-3": (colors.HexColor("#8b0000"), 0.7),
    "-2": (colors.HexColor("#d9534f"), 0.7),
    "-1": (colors.HexColor("#e0a040"), 0.5),
    "0": (colors.HexColor("#2e7d32"), 1.3),
    "1": (colors.HexColor("#e0a040"), 0.5),
    "2": (colors.HexColor("#d9534f"), 0.7),
    "3": (colors.HexColor("#8b0000"), 0.7),
}
POINT_COLOUR = colors.HexColor("#0b3d91")
LAST_DAY = x_range("haz")[1]  # 228 months


@dataclass(frozen=True)
class Point:
    on: date
    age_days: int
    weight: float | None
    length: float | None  # as the table for the age expects it (lying/standing corrected)
    result: GrowthResult
    raw: dict[str, Any]


def growth_points(person: dict[str, Any], measurements: list[dict[str, Any]]) -> list[Point]:
    """Scored measurements up to 19 years (228 months, the end of the WHO 2007 reference), oldest first."""
    born = parse_day(person.get("birth_date"))
    sex = person.get("sex")
    if born is None or not sex:
        return []
    points = []
    for m in measurements:
        on = parse_day(m.get("measured_at"))
        if on is None or on < born:
            continue
        days = age_in_days(born, on)
        if days > LAST_DAY:
            continue
        try:
            result = compute(sex, days, m.get("weight_kg"), m.get("length_cm"), m.get("position") or None,
                             m.get("head_cm"), bool(m.get("oedema")), m.get("muac_cm"), m.get("triceps_mm"),
                             m.get("subscapular_mm"))  # fmt: skip
        except GrowthInputError:
            continue  # an impossible value is shown in the app for correction, not plotted
        points.append(Point(on, days, m.get("weight_kg"), result.length_cm, result, m))
    points.sort(key=lambda pt: pt.on)
    return points


def _nice_step(span: float) -> float:
    raw = span / 6
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(s * magnitude for s in (1, 2, 2.5, 5, 10) if s * magnitude >= raw)


def _spread(ys: list[float], gap: float) -> list[float]:
    """Move curve labels apart (keeping their order) so close curves do not print on top of each other."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = list(ys)
    for prev, cur in zip(order, order[1:], strict=False):
        out[cur] = max(out[cur], out[prev] + gap)
    return out


def _chart(indicator: str, sex: str, points: list[tuple[float, float]], title: str, lang: str,
           width: float, height: float) -> Drawing:  # fmt: skip
    last_month = max((x for x, _ in points), default=0)
    if last_month * DAYS_PER_MONTH > MAX_AGE_DAYS:  # 5-19 years: from 5 years to a year past the last visit
        first_month = max(60, math.floor((min(x for x, _ in points) - 12) / 12) * 12)
        x_max = min(228, max(first_month + 36, math.ceil((last_month + 6) / 12) * 12))
        x_min = first_month
        step = 30
    else:
        x_max = min(60, max(24, math.ceil((last_month + 3) / 12) * 12))  # 24, 36, 48 or 60 months
        x_min = 0
        step = 15
    curves = reference_curves(indicator, sex, x_min * DAYS_PER_MONTH, x_max * DAYS_PER_MONTH, step=step)
    values = [v for line in curves.values() for _, v in line] + [y for _, y in points]
    step = _nice_step(max(values) - min(values))
    y_min = math.floor(min(values) / step) * step
    y_max = math.ceil(max(values) / step) * step
    left, right, bottom, top = 26, 14, 22, 14
    pw, ph = width - left - right, height - bottom - top

    def sx(month: float) -> float:
        return left + pw * (month - x_min) / (x_max - x_min)

    def sy(value: float) -> float:
        return bottom + ph * (value - y_min) / (y_max - y_min)

    d = Drawing(width, height)
    d.add(Rect(left, bottom, pw, ph, fillColor=colors.white, strokeColor=RULE, strokeWidth=0.5))
    span = x_max - x_min
    x_tick = 3 if span <= 36 else 6 if span <= 60 else 12
    for month in range(x_min, x_max + 1, x_tick):
        d.add(
            Line(
                sx(month),
                bottom,
                sx(month),
                bottom + ph,
                strokeColor=colors.HexColor("#ececec"),
                strokeWidth=0.3,
            )
        )
        d.add(String(sx(month), bottom - 8, str(month), fontName=REGULAR, fontSize=6, textAnchor="middle"))
    value = y_min
    while value <= y_max + 1e-9:
        d.add(
            Line(
                left, sy(value), left + pw, sy(value), strokeColor=colors.HexColor("#ececec"), strokeWidth=0.3
            )
        )
        d.add(String(left - 3, sy(value) - 2, fmt_number(value, 0 if step >= 1 else 1, lang), fontName=REGULAR,
                     fontSize=6, textAnchor="end"))  # fmt: skip
        value += step
    label_ys = _spread([sy(line[-1][1]) - 2 for line in curves.values()], gap=5.5)
    for (z, line), label_y in zip(curves.items(), label_ys, strict=True):
        colour, stroke = SD_STYLE[z]
        coords = [c for x, v in line for c in (sx(x / DAYS_PER_MONTH), sy(v))]
        d.add(PolyLine(coords, strokeColor=colour, strokeWidth=stroke))
        label = ("+" + z if not z.startswith("-") and z != "0" else z).replace("-", "\u2212")
        d.add(String(left + pw + 2, label_y, label, fontName=REGULAR, fontSize=5.5, fillColor=colour))
    if len(points) > 1:
        coords = [c for x, y in points for c in (sx(x), sy(y))]
        d.add(PolyLine(coords, strokeColor=POINT_COLOUR, strokeWidth=0.8))
    for x, y in points:
        d.add(Circle(sx(x), sy(y), 1.8, fillColor=POINT_COLOUR, strokeColor=colors.white, strokeWidth=0.3))
    d.add(String(left, height - 9, title, fontName=BOLD, fontSize=7.5))
    d.add(String(left + pw / 2, 3, t("age_months_axis", lang), fontName=REGULAR, fontSize=6.5,
                 textAnchor="middle", fillColor=MUTED))  # fmt: skip
    return d


def _latest_table(point: Point, lang: str) -> Flowable:
    res = point.result
    rows = []
    for ind in INDICATORS:
        z = res.z(ind)
        if z is None:
            reason = res.reason(ind, lang) or "-"
            if res.reasons.get(ind, "").startswith("no_") or res.reasons.get(ind) == "not_after_5_years":
                continue
            rows.append([indicator_name(ind, res.standing, lang), "-", reason])
            continue
        code = res.categories.get(ind)
        label = category(ind, code).label(lang) if code else t("no_category", lang)
        if ind in res.flags:
            label += f" ({t('recheck', lang)})"
        rows.append([indicator_name(ind, res.standing, lang), fmt_z(z, lang), label])
    return grid_table([t("indicator", lang), t("zscore", lang), t("growth_category", lang)], rows, [3, 2, 7],
                      numeric_cols=(1,))  # fmt: skip


def _measure_text(point: Point, lang: str) -> str:
    raw = point.raw
    parts = []
    if raw.get("weight_kg"):
        parts.append(t("weight", lang, v=fmt_number(raw["weight_kg"], 1, lang)))
    if raw.get("length_cm"):
        standing = (raw.get("position") or ("standing" if point.result.standing else "lying")) == "standing"
        parts.append(
            t(
                "length_standing" if standing else "length_lying",
                lang,
                v=fmt_number(raw["length_cm"], 1, lang),
            )
        )
    if raw.get("head_cm"):
        parts.append(t("head", lang, v=fmt_number(raw["head_cm"], 1, lang)))
    if raw.get("muac_cm"):
        parts.append(t("muac", lang, v=fmt_number(raw["muac_cm"], 1, lang)))
    if raw.get("triceps_mm"):
        parts.append(t("triceps", lang, v=fmt_number(raw["triceps_mm"], 1, lang)))
    if raw.get("subscapular_mm"):
        parts.append(t("subscapular", lang, v=fmt_number(raw["subscapular_mm"], 1, lang)))
    if raw.get("oedema"):
        parts.append(t("oedema", lang))
    return ", ".join(parts) or "-"


def growth_section(person: dict[str, Any], points: list[Point], lang: str) -> list[Flowable]:
    """Charts two by two, the latest measurement in words, its z-scores and categories, their sources."""
    sex = person["sex"]
    half = (CONTENT_WIDTH - 6 * mm) / 2
    height = 62 * mm
    latest = points[-1]

    def month(pt: Point) -> float:
        return pt.age_days / DAYS_PER_MONTH

    older = latest.age_days > MAX_AGE_DAYS
    shown = [pt for pt in points if (pt.age_days > MAX_AGE_DAYS) == older]  # one reference per chart
    lengths = [(month(pt), pt.length) for pt in shown if pt.length]
    bmis = [(month(pt), pt.result.bmi) for pt in shown if pt.result.bmi]
    haz_title = t("chart_haz_standing" if latest.age_days >= STANDING_FROM_DAYS else "chart_haz_lying", lang)
    charts: list[Drawing] = []
    if older:
        charts += [_chart("haz", sex, lengths, haz_title, lang, half, height),
                   _chart("baz", sex, bmis, t("chart_baz", lang), lang, half, height)]  # fmt: skip
    else:
        weights = [(month(pt), pt.weight) for pt in shown if pt.weight]
        muacs = [(month(pt), float(pt.raw["muac_cm"])) for pt in shown
                 if pt.raw.get("muac_cm") and pt.age_days >= x_range("acz")[0]]  # fmt: skip
        charts += [_chart("waz", sex, weights, t("chart_waz", lang), lang, half, height),
                   _chart("haz", sex, lengths, haz_title, lang, half, height)]  # fmt: skip
        if muacs:
            charts += [_chart("baz", sex, bmis, t("chart_baz", lang), lang, half, height),
                       _chart("acz", sex, muacs, t("chart_acz", lang), lang, half, height)]  # fmt: skip
    grid = Table(
        [charts[i : i + 2] for i in range(0, len(charts), 2)],
        colWidths=[half + 3 * mm, half + 3 * mm],
    )
    grid.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    born = parse_day(person.get("birth_date"))
    assert born is not None
    age = fmt_age(person.get("birth_date"), latest.on, lang)
    return [
        grid,
        p(t("chart_note", lang), "muted"),
        Spacer(1, 2 * mm),
        p(t("growth_latest", lang, on=fmt_date(latest.on), age=age, values=_measure_text(latest, lang))),
        Spacer(1, 1.5 * mm),
        _latest_table(latest, lang),
        *[p(f"\u25b2 {alert.text(lang)}") for alert in alerts([(pt.on, pt.result) for pt in points])],
        Spacer(1, 1 * mm),
        p(t("category_note", lang), "muted"),
    ]
