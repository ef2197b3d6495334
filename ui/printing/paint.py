"""Sending a PDF to a QPrinter: each page of a QPdfDocument rendered to an image at the printer's
resolution (capped, so a 1200 dpi device does not need half a gigabyte per page) and painted on A4.

Works in any thread (QPainter may paint on a QPrinter outside the GUI thread); the preview runs it in the
background so the window stays responsive while a long summary is spooled.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from caseworker.errors import KnownError
from caseworker.i18n import register as register_core

MAX_RENDER_DPI = 300  # crisp text on paper; more only grows the spool file

register_core(
    {
        "print_pdf_unreadable": (
            "PDF tidak dapat dibuka untuk dicetak.",
            "The PDF cannot be opened for printing.",
        ),
        "print_printer_failed": (
            "Printer tidak dapat dimulai. Periksa apakah printer menyala dan terhubung.",
            "The printer could not be started. Check that it is switched on and connected.",
        ),
    }
)


def prepare_printer(printer: QPrinter, doc_name: str = "") -> QPrinter:
    """A4 portrait, whole paper: the PDF already carries its own margins."""
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    if doc_name:
        printer.setDocName(doc_name)
    return printer


def pages_to_print(printer: QPrinter, page_count: int, current_page: int = 0) -> list[int]:
    """0-based page indexes chosen in the print dialog (all, a range like 2-3,5, or the current page)."""
    everything = list(range(page_count))
    mode = printer.printRange()
    if mode == QPrinter.PrintRange.CurrentPage:
        return [min(max(current_page, 0), page_count - 1)] if page_count else []
    if mode == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            return [i for i in everything if ranges.contains(i + 1)]
        first, last = printer.fromPage(), printer.toPage()
        if first > 0:
            return [i for i in everything if first - 1 <= i <= (last or page_count) - 1]
    return everything


def render_page(document: QPdfDocument, page: int, dpi: int) -> QImage:
    """The page on white paper: PDFium leaves the background transparent, and an alpha mask makes the
    spool file larger and some printer drivers slower or wrong."""
    points = document.pagePointSize(page)  # 1/72 inch
    size = QSize(max(1, round(points.width() * dpi / 72)), max(1, round(points.height() * dpi / 72)))
    paper = QImage(size, QImage.Format.Format_RGB32)
    paper.fill(Qt.GlobalColor.white)
    painter = QPainter(paper)
    painter.drawImage(0, 0, document.render(page, size))
    painter.end()
    return paper


def print_pdf(
    pdf_path: str | Path,
    printer: QPrinter,
    *,
    current_page: int = 0,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> int:
    """Print the chosen pages of the PDF on `printer` (a real printer or a PDF file); returns pages sent."""
    document = QPdfDocument()
    try:
        if document.load(str(pdf_path)) != QPdfDocument.Error.None_ or document.pageCount() == 0:
            raise KnownError("print_pdf_unreadable")
        pages = pages_to_print(printer, document.pageCount(), current_page)
        copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
        sequence = [p for _ in range(copies) for p in pages]
        if not sequence:
            return 0
        dpi = min(printer.resolution(), MAX_RENDER_DPI)
        painter = QPainter()
        if not painter.begin(printer):
            raise KnownError("print_printer_failed")
        sent = 0
        try:
            for number, page in enumerate(sequence):
                if should_stop and should_stop():
                    printer.abort()
                    break
                if number:
                    printer.newPage()
                image = render_page(document, page, dpi)
                paper = printer.paperRect(QPrinter.Unit.DevicePixel)
                painter.drawImage(_fit(image, paper.width(), paper.height()), image)
                sent += 1
                if progress:
                    progress(sent, len(sequence))
        finally:
            painter.end()
        return sent
    finally:
        document.close()


def _fit(image: QImage, width: float, height: float) -> QRectF:
    """The image scaled to the paper, aspect kept, centred (a Letter printer still gets the whole page)."""
    scale = min(width / image.width(), height / image.height())
    w, h = image.width() * scale, image.height() * scale
    return QRectF((width - w) / 2, (height - h) / 2, w, h)
