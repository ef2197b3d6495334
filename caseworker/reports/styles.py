"""Paragraph and table styles of the reports: one sober look (A4, DejaVu Sans 9 pt, thin grey rules)."""

from __future__ import annotations

from functools import cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from caseworker.reports import scripts
from caseworker.reports.fonts import BOLD, ITALIC, REGULAR, register_fonts

PAGE_SIZE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9a9a9a")
HEAD_FILL = colors.HexColor("#e8edf3")
SECTION_FILL = colors.HexColor("#d9e2ec")
SECTION_INK = colors.HexColor("#1f3a5a")
ALERT = colors.HexColor("#b00020")
STAGE_COLOURS = [
    colors.HexColor(c) for c in ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1")
]


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=12, textColor=INK)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5),
        "muted": ParagraphStyle("muted", parent=body, fontSize=7.5, leading=9.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=BOLD, fontSize=8, leading=10),
        "head_small": ParagraphStyle("head_small", parent=body, fontSize=6.5, leading=8, alignment=TA_RIGHT),
        "cell_right": ParagraphStyle("cell_right", parent=body, fontSize=8, leading=10, alignment=TA_RIGHT),
        "head_right": ParagraphStyle(
            "head_right", parent=body, fontName=BOLD, fontSize=8, leading=10, alignment=TA_RIGHT
        ),
        "label": ParagraphStyle("label", parent=body, fontSize=8.5, leading=11, textColor=MUTED),
        "value": ParagraphStyle("value", parent=body, fontSize=9, leading=11.5),
        "section": ParagraphStyle(
            "section", parent=body, fontName=BOLD, fontSize=10.5, leading=13, textColor=SECTION_INK
        ),
        "subsection": ParagraphStyle(
            "subsection",
            parent=body,
            fontName=BOLD,
            fontSize=9,
            leading=12,
            spaceBefore=6,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=13, leading=16, alignment=TA_CENTER, spaceAfter=2
        ),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=9.5, leading=12, alignment=TA_CENTER),
        "letter_name": ParagraphStyle(
            "letter_name", parent=body, fontName=BOLD, fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "letter_line": ParagraphStyle(
            "letter_line", parent=body, fontSize=8.5, leading=11, alignment=TA_CENTER
        ),
        "note_head": ParagraphStyle(
            "note_head",
            parent=body,
            fontName=BOLD,
            fontSize=8,
            leading=10,
            textColor=MUTED,
            spaceBefore=5,
            keepWithNext=1,
        ),
        "note": ParagraphStyle("note", parent=body, fontSize=8.5, leading=11, leftIndent=8),
        "notice": ParagraphStyle(
            "notice",
            parent=body,
            fontName=ITALIC,
            fontSize=8,
            leading=10.5,
            textColor=ALERT,
            spaceBefore=2,
            spaceAfter=4,
        ),
        "sign": ParagraphStyle("sign", parent=body, fontSize=8.5, leading=11, alignment=TA_CENTER),
        "sign_name": ParagraphStyle(
            "sign_name", parent=body, fontName=BOLD, fontSize=8.5, leading=11, alignment=TA_CENTER
        ),
    }


_shaped: dict[str, ParagraphStyle] = {}


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph that prints every script and emoji in it: each run in a font that has it
    (caseworker.reports.scripts), shaped by HarfBuzz when a run needs it (Arabic, Javanese, emoji)."""
    text, shaping = scripts.markup(text, style.fontName)
    if shaping:
        shaped = _shaped.get(style.name)
        if shaped is None or shaped.parent is not style:
            shaped = _shaped[style.name] = ParagraphStyle(f"{style.name}_shaped", parent=style, shaping=1)
        style = shaped
    return Paragraph(text, style)


def p(text: str, style: str = "body") -> Paragraph:
    return para(text, styles()[style])


def section_bar(text: str) -> Table:
    """A section heading on a full-width shaded bar, aligned with the tables; never left at a page foot."""
    table = Table([[para(text, styles()["section"])]], colWidths=[CONTENT_WIDTH], spaceBefore=9, spaceAfter=5)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), SECTION_FILL),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    table.keepWithNext = True
    return table


def grid_table(
    header: list[str | Paragraph],
    rows: list[list[Any]],
    widths: list[float],
    *,
    numeric_cols: tuple[int, ...] = (),
) -> Table:
    """A ruled table whose header repeats on every page it spans; text cells are wrapped Paragraphs."""
    st = styles()
    head = [
        h if isinstance(h, Paragraph) else para(h, st["head_right"] if i in numeric_cols else st["cell_bold"])
        for i, h in enumerate(header)
    ]
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            if isinstance(cell, str):
                cells.append(para(cell, st["cell_right"] if i in numeric_cols else st["cell"]))
            else:
                cells.append(cell)
        body.append(cells)
    total = sum(widths)
    table = Table([head, *body], colWidths=[w * CONTENT_WIDTH / total for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
                ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def field_table(rows: list[tuple[str, str]], label_width: float = 0.28) -> Table:
    """Label / value pairs (identity, referral): no grid, a thin rule under each row."""
    st = styles()
    data = [[para(label, st["label"]), para(value or "-", st["value"])] for label, value in rows]
    table = Table(data, colWidths=[CONTENT_WIDTH * label_width, CONTENT_WIDTH * (1 - label_width)])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d0d0d0")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table
