"""The overview's tables as an XLSX workbook and as the monthly PDF report (issue 20): the same tables the
page shows (caseworker.server.web.tables), hidden cells as '<5' and '*'."""

from __future__ import annotations

import io
import time

from caseworker.server.auth import iso
from caseworker.server.web.tables import Table
from caseworker.server.web.texts import t


def _filters_line(lang: str, month: str, kabupaten: str | None) -> str:
    place = kabupaten or t(lang, "web_all")
    return f"{t(lang, 'web_month')}: {month}   {t(lang, 'web_kabupaten')}: {place}"


def xlsx(tables: list[Table], lang: str, month: str, kabupaten: str | None, who: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(table.key[:31])
        sheet.append([table.title])
        sheet["A1"].font = bold
        sheet.append([_filters_line(lang, month, kabupaten)])
        sheet.append([])
        sheet.append([table.head, *table.columns])
        for cell in sheet[4]:
            cell.font = bold
        lines = [*table.rows, *([table.total] if table.total else [])]
        for label, cells in lines:
            sheet.append([label, *(c.number() if c.number() is not None else c.text() for c in cells)])
        if table.total:
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        sheet.append([])
        sheet.append([t(lang, "web_suppressed_note")])
        if table.note:
            sheet.append([table.note])
        sheet.append([t(lang, "web_generated", at=iso(time.time()), who=who)])
        sheet.column_dimensions["A"].width = 42
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf(tables: list[Table], lang: str, month: str, kabupaten: str | None, who: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    from caseworker.reports.fonts import BOLD
    from caseworker.reports.styles import HEAD_FILL, RULE, styles

    s = styles()
    out = io.BytesIO()
    made = iso(time.time())

    def footer(canvas, doc) -> None:  # noqa: ANN001
        canvas.saveState()
        canvas.setFont("DejaVuSans", 7)
        canvas.drawString(14 * mm, 8 * mm, t(lang, "web_generated", at=made, who=who))
        canvas.drawRightString(landscape(A4)[0] - 14 * mm, 8 * mm, f"{doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        out, pagesize=landscape(A4), leftMargin=14 * mm, rightMargin=14 * mm, topMargin=14 * mm,
        bottomMargin=14 * mm, title=t(lang, "web_month_report_title"), author="Caseworker",
    )  # fmt: skip
    story: list = [
        Paragraph(t(lang, "web_month_report_title"), s["title"]),
        Paragraph(_filters_line(lang, month, kabupaten), s["subtitle"]),
        Spacer(1, 3 * mm),
        Paragraph(t(lang, "web_suppressed_note"), s["muted"]),
        Spacer(1, 3 * mm),
    ]
    width = landscape(A4)[0] - 28 * mm
    for table in tables:
        columns = len(table.columns)
        first = min(60 * mm, width * 0.3)
        rest = (width - first) / max(columns, 1)
        head = [Paragraph(table.head, s["cell_bold"])] + [
            Paragraph(c, s["head_small"]) for c in (table.short or table.columns)
        ]
        body = [[Paragraph(label, s["cell"]), *(c.text() for c in cells)] for label, cells in table.rows]
        if table.total:
            body.append([Paragraph(table.total[0], s["cell_bold"]), *(c.text() for c in table.total[1])])
        grid = PdfTable([head, *body], colWidths=[first, *([rest] * columns)], repeatRows=1)
        style = [
            ("FONT", (1, 1), (-1, -1), "DejaVuSans", 7.5),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
        if table.total:
            style += [
                ("FONT", (1, -1), (-1, -1), BOLD, 7.5),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
            ]
        grid.setStyle(TableStyle(style))
        parts = [Paragraph(table.title, s["subsection"]), grid]
        if table.note:
            parts.append(Paragraph(table.note, s["muted"]))
        story.append(KeepTogether(parts) if len(body) < 25 else parts[0])
        if len(body) >= 25:
            story.extend(parts[1:])
        story.append(Spacer(1, 4 * mm))
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
