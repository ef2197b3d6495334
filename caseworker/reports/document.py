"""The page frame every report shares: A4, facility letterhead, RAHASIA mark, and a footer on every page
with who printed it, when, and "page x of y" (known only once all pages are laid out, so the canvas keeps
each page until the end and stamps the footers then: one layout pass instead of two)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, HRFlowable, Image, SimpleDocTemplate, Spacer, Table, TableStyle

from caseworker import __version__
from caseworker.paths import resource
from caseworker.private_files import open_private
from caseworker.reports.fonts import BOLD, REGULAR
from caseworker.reports.formatting import fmt_datetime, para_text
from caseworker.reports.labels import t
from caseworker.reports.styles import (
    ALERT,
    CONTENT_WIDTH,
    INK,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    PAGE_SIZE,
    RULE,
    p,
)

DEFAULT_LOGO = ("branding", "logo.png")
LOGO_HEIGHT = 20 * mm


@dataclass(frozen=True)
class PageFrame:
    lang: str
    printed_by: str  # "Full Name (username)"
    printed_at: datetime
    running_title: str  # shown at the top of every page after the first


def _draw_frame(canvas: Canvas, frame: PageFrame, page: int, pages: int) -> None:
    width, height = PAGE_SIZE
    canvas.saveState()
    # RAHASIA stamp, top right of every page.
    mark = t("confidential", frame.lang)
    canvas.setFont(BOLD, 9)
    text_w = canvas.stringWidth(mark, BOLD, 9)
    x, y = width - MARGIN_X - text_w - 8, height - 13 * mm
    canvas.setStrokeColor(ALERT)
    canvas.setFillColor(ALERT)
    canvas.setLineWidth(1)
    canvas.rect(x, y - 3, text_w + 8, 13, stroke=1, fill=0)
    canvas.drawString(x + 4, y, mark)
    if page > 1:
        canvas.setFillColor(MUTED)
        canvas.setFont(REGULAR, 7.5)
        canvas.drawString(MARGIN_X, y, frame.running_title)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_X, y - 6, width - MARGIN_X, y - 6)
    # Footer.
    base = 12 * mm
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN_X, base + 9, width - MARGIN_X, base + 9)
    canvas.setFillColor(INK)
    canvas.setFont(REGULAR, 7)
    when = fmt_datetime(frame.printed_at)
    canvas.drawString(MARGIN_X, base, t("printed_by", frame.lang, who=frame.printed_by, when=when))
    canvas.drawRightString(width - MARGIN_X, base, t("page_of", frame.lang, page=page, pages=pages))
    canvas.setFillColor(ALERT)
    canvas.drawCentredString(width / 2, base - 9, t("confidential_line", frame.lang))
    canvas.restoreState()


def numbered_canvas(frame: PageFrame) -> type[Canvas]:
    """A canvas class that holds every page until save() so each footer can say "of y"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                _draw_frame(self, frame, self._pageNumber, total)
                Canvas.showPage(self)
            self._pages = []
            Canvas.save(self)

    return NumberedCanvas


def _logo(facility: dict[str, Any]) -> Image | None:
    candidates = [facility.get("logo_path"), str(resource(*DEFAULT_LOGO))]
    for path in candidates:
        if not path or not Path(path).is_file():
            continue
        try:
            reader = ImageReader(path)
            w, h = reader.getSize()
        except Exception:  # a damaged or unsupported logo must not stop the print; the next one is tried
            continue
        return Image(path, width=LOGO_HEIGHT * w / h, height=LOGO_HEIGHT)
    return None


def letterhead(facility: dict[str, Any], lang: str) -> list[Flowable]:
    """Kop surat: logo left, the facility's name, address and phone centred, a double rule below."""
    lines = [p(para_text(facility.get("name") or facility.get("code") or ""), "letter_name")]
    address = ", ".join(x for x in (facility.get("address"), facility.get("city")) if x)
    if address:
        lines.append(p(para_text(address), "letter_line"))
    if facility.get("phone"):
        lines.append(p(f"{t('phone', lang)} {para_text(facility['phone'])}", "letter_line"))
    logo = _logo(facility)
    side = LOGO_HEIGHT * 1.6
    table = Table([[logo or "", lines, ""]], colWidths=[side, CONTENT_WIDTH - 2 * side, side])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [
        table,
        Spacer(1, 2 * mm),
        HRFlowable(width="100%", thickness=1.6, color=INK, spaceAfter=1),
        HRFlowable(width="100%", thickness=0.5, color=INK, spaceAfter=4 * mm),
    ]


def build_pdf(
    out: str | Path | IO[bytes],
    story: list[Flowable],
    frame: PageFrame,
    *,
    title: str,
    author: str,
) -> None:
    if isinstance(out, (str, Path)):  # a file by name: written private to the user (0600)
        with open_private(out, "wb") as handle:
            build_pdf(handle, story, frame, title=title, author=author)
        return
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=author,
        creator=f"Caseworker {__version__}",
        subject=t("confidential", frame.lang),
    )
    doc.build(story, canvasmaker=numbered_canvas(frame))
