"""Printing in the desktop app: options, preview (QtPdf), the system print dialog, saving a PDF copy and
batch printing. Every print, copy and printer job is written to the audit log (the case's history).

The main window calls `print_case(parent, store, case_id, on_printed=None)` and
`print_cases(parent, store, case_ids, on_printed=None)`.
"""

from ui.printing.actions import print_case, print_cases, render_preview
from ui.printing.batch import BatchPrintDialog, run_batch
from ui.printing.options import PrintOptions, PrintOptionsDialog, may_print_full_ids
from ui.printing.paint import print_pdf
from ui.printing.preview import PrintPreviewDialog

__all__ = [
    "BatchPrintDialog",
    "PrintOptions",
    "PrintOptionsDialog",
    "PrintPreviewDialog",
    "may_print_full_ids",
    "print_case",
    "print_cases",
    "print_pdf",
    "render_preview",
    "run_batch",
]
