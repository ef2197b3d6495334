"""The caseload report PDF for supervisors: per facility and per worker, a stacked bar chart of open cases
by stage, open cases by stage and by PPKS category. Numbers come from caseload_stats."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer

from caseworker.domain.reference import category_name
from caseworker.domain.stages import stage_name
from caseworker.numbers import format_count
from caseworker.reports.case_summary import PrintContext, print_context, write_atomically
from caseworker.reports.caseload_stats import caseload_stats
from caseworker.reports.document import PageFrame, build_pdf, letterhead
from caseworker.reports.fonts import BOLD, REGULAR
from caseworker.reports.formatting import fmt_date, para_text
from caseworker.reports.labels import t
from caseworker.reports.styles import CONTENT_WIDTH, STAGE_COLOURS, grid_table, p, section_bar
from caseworker.store import repository
from caseworker.store.store import Store

CHART_MAX_WORKERS = 40  # beyond this the chart shows the 40 largest caseloads; the tables list everyone


def _bold(row: list[str]) -> list[str]:
    return [f"<b>{cell}</b>" for cell in row]


def _measure_cells(row: dict[str, Any], lang: str) -> list[str]:
    return [format_count(row[m], lang) for m in ("open", "new", "closed", "overdue_cases", "no_contact_30")]


def _measure_header(first: str, lang: str) -> list[str]:
    return [
        first,
        t("open", lang),
        t("new", lang),
        t("closed", lang),
        t("overdue", lang),
        t("no_contact", lang),
    ]


def _worker_label(row: dict[str, Any], lang: str, many_facilities: bool) -> str:
    name = row["full_name"] if row["username"] else t("unassigned", lang)
    return f"{name} ({row['facility_code']})" if many_facilities else name


def _chart(workers: list[dict[str, Any]], stages: list[str], lang: str, many: bool) -> Drawing:
    shown = sorted((w for w in workers if w["open"]), key=lambda w: -w["open"])[:CHART_MAX_WORKERS]
    shown.reverse()  # the chart draws the first category at the bottom: largest caseload on top
    bar_h = 13
    height = max(len(shown), 1) * bar_h + 82
    d = Drawing(CONTENT_WIDTH, height)
    d.add(String(0, height - 10, t("chart_by_worker", lang), fontName=BOLD, fontSize=8.5))
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 58
    chart.width, chart.height = CONTENT_WIDTH - 165, max(len(shown), 1) * bar_h
    chart.data = [[w["by_stage"].get(stage, 0) for w in shown] or [0] for stage in stages]
    chart.categoryAxis.categoryNames = [_worker_label(w, lang, many)[:34] for w in shown] or [""]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.dx = -3
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeWidth = 0.25
    chart.barSpacing = 0
    chart.groupSpacing = 3
    chart.bars.strokeWidth = 0.2
    for i in range(len(stages)):
        chart.bars[i].fillColor = STAGE_COLOURS[i % len(STAGE_COLOURS)]
    d.add(chart)
    _legend(d, [(STAGE_COLOURS[i % len(STAGE_COLOURS)], stage_name(s, lang)) for i, s in enumerate(stages)])
    return d


def _legend(d: Drawing, items: list[tuple[Any, str]], top: float = 26) -> None:
    """Colour keys in rows that wrap at the drawing's width (reportlab's Legend does not wrap)."""
    x, y = 0.0, top
    for colour, label in items:
        width = 12 + stringWidth(label, REGULAR, 7) + 12
        if x + width > d.width and x > 0:
            x, y = 0.0, y - 11
        d.add(Rect(x, y - 1, 8, 7, fillColor=colour, strokeColor=None))
        d.add(String(x + 11, y, label, fontName=REGULAR, fontSize=7))
        x += width


def caseload_story(stats: dict[str, Any], ctx: PrintContext, lang: str = "id") -> list[Flowable]:
    stages: list[str] = stats["stages"]
    many = len(stats["facilities"]) > 1
    period = t("period", lang, start=fmt_date(stats["period"]["from"]), end=fmt_date(stats["period"]["to"]))
    story: list[Flowable] = [
        *letterhead(ctx.facility, lang),
        p(t("caseload_title", lang), "title"),
        p(f"{period} \u00b7 {t('as_of', lang, on=fmt_date(stats['today']))}", "subtitle"),
        Spacer(1, 3 * mm),
        section_bar(f"1. {t('sec_by_facility', lang)}"),
    ]
    rows = [
        [para_text(f"{f['facility_name']} ({f['facility_code']})"), *_measure_cells(f, lang)]
        for f in stats["facilities"]
    ]
    if many:
        rows.append(_bold([t("total", lang), *_measure_cells(stats["totals"], lang)]))
    story.append(grid_table(_measure_header(t("facility", lang), lang), rows, [6, 1.4, 1.4, 1.4, 2, 2],
                            numeric_cols=(1, 2, 3, 4, 5)))  # fmt: skip

    story.append(section_bar(f"2. {t('sec_by_worker', lang)}"))
    rows = [[para_text(_worker_label(w, lang, many)), *_measure_cells(w, lang)] for w in stats["workers"]]
    rows.append(_bold([t("total", lang), *_measure_cells(stats["totals"], lang)]))
    story.append(grid_table(_measure_header(t("worker", lang), lang), rows, [6, 1.4, 1.4, 1.4, 2, 2],
                            numeric_cols=(1, 2, 3, 4, 5)))  # fmt: skip
    story += [Spacer(1, 4 * mm), _chart(stats["workers"], stages, lang, many)]

    story.append(section_bar(f"3. {t('sec_by_stage', lang)}"))
    header = [t("worker", lang), *[p(stage_name(s, lang), "head_small") for s in stages], t("total", lang)]
    rows = [[para_text(_worker_label(w, lang, many)), *[format_count(w["by_stage"].get(s, 0), lang) for s in stages],
             format_count(w["open"], lang)]
            for w in stats["workers"] if w["open"]]  # fmt: skip
    rows.append(_bold([t("total", lang), *[format_count(stats["totals"]["by_stage"].get(s, 0), lang)
                                               for s in stages], format_count(stats["totals"]["open"], lang)]))  # fmt: skip
    story.append(
        grid_table(header, rows, [3.0] + [1.75] * len(stages) + [1.3], numeric_cols=tuple(range(1, 9)))
    )

    story.append(section_bar(f"4. {t('sec_by_category', lang)}"))
    by_category = sorted(stats["totals"]["by_category"].items(), key=lambda kv: (-kv[1], kv[0]))
    total_open = stats["totals"]["open"] or 1
    rows = [[para_text(f"{code} \u00b7 {category_name(code, lang) or code}"), format_count(n, lang), f"{100 * n / total_open:.0f}%"]
            for code, n in by_category]  # fmt: skip
    rows.append(
        _bold([t("total", lang), format_count(stats["totals"]["open"], lang), "100%" if by_category else "-"])
    )
    story.append(
        grid_table([t("category", lang), t("open", lang), "%"], rows, [10, 2, 2], numeric_cols=(1, 2))
    )
    story += [Spacer(1, 3 * mm), p(t("caseload_notes", lang), "muted")]
    return story


def build_caseload_report(stats: dict[str, Any], out: str | Path | IO[bytes], ctx: PrintContext,
                          lang: str = "id") -> None:  # fmt: skip
    """Render the figures of caseload_stats() to a PDF; touches no store."""
    frame = PageFrame(lang, ctx.printed_by, ctx.printed_at, t("caseload_title", lang))
    build_pdf(out, caseload_story(stats, ctx, lang), frame, title=t("caseload_title", lang),
              author=ctx.facility.get("name") or "")  # fmt: skip


def render_caseload_report(
    store: Store,
    out_path: str | Path,
    date_from: date,
    date_to: date,
    *,
    lang: str = "id",
    today: date | None = None,
) -> Path:
    """Compute and print the caseload report; the print is written to the audit log."""
    stats = caseload_stats(store, date_from, date_to, today)
    ctx = print_context(store, datetime.now())
    path = write_atomically(Path(out_path), lambda handle: build_caseload_report(stats, handle, ctx, lang))
    details = {
        "report": "caseload",
        "from": stats["period"]["from"],
        "to": stats["period"]["to"],
        "lang": lang,
    }
    repository.audit(store, "print", details=details)
    return path
