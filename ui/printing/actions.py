"""What the main window calls: `print_case` (Ctrl+P: options, render off the UI thread, preview) and
`print_cases` (batch printing of a filtered list)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from caseworker.reports import render_case_summary
from caseworker.store.store import Store
from ui import case_history  # registers the history's words first; ours only fill the gaps
from ui.errors import show_error
from ui.i18n import known_keys, register, tr
from ui.printing.batch import BatchPrintDialog
from ui.printing.files import PrivateFolder, pdf_file_name, worker_store
from ui.printing.options import PrintOptions, PrintOptionsDialog
from ui.printing.preview import PrintPreviewDialog
from ui.progress import ProgressDialog
from ui.tasks import JobControl

register({"print.rendering": ("Menyiapkan ringkasan kasus…", "Preparing the case summary…")})
_HISTORY_WORDS = {
    "act.print_sent": ("mengirim ringkasan kasus ke printer", "sent the case summary to a printer"),
    "act.save_pdf": ("menyimpan salinan PDF ringkasan kasus", "saved a PDF copy of the case summary"),
}
register({key: words for key, words in _HISTORY_WORDS.items() if key not in known_keys()})
assert case_history  # imported for its registrations

SHOW_BUSY_AFTER_MS = 350  # a quick render shows no flashing progress window


def print_case(
    parent: QWidget, store: Store, case_id: str, on_printed: Callable[[], None] | None = None
) -> PrintOptionsDialog:
    """Ask for language and variant, then render and preview. Returns the (open) options dialog."""
    dialog = PrintOptionsDialog(store.user, parent)
    dialog.accepted.connect(lambda: render_preview(parent, store, case_id, dialog.options(), on_printed))
    dialog.open()
    parent.print_options = dialog  # type: ignore[attr-defined]  # tests and screenshots reach it
    return dialog


def render_preview(
    parent: QWidget | None,
    store: Store,
    case_id: str,
    options: PrintOptions,
    on_printed: Callable[[], None] | None = None,
    on_preview: Callable[[PrintPreviewDialog], None] | None = None,
) -> ProgressDialog:
    """Render into a private temporary folder on a worker thread, then open the preview (which deletes
    the folder when it closes). The core's render audits the print ('print', variant, language)."""
    folder = PrivateFolder()
    target = folder.path / pdf_file_name(store, case_id, options)

    def render(control: JobControl) -> Path:
        with worker_store(store) as worker:
            return render_case_summary(worker, case_id, target, lang=options.lang, redact=options.redact,
                                       full_ids=options.full_ids)  # fmt: skip

    def show(path: Path) -> None:
        if on_printed:
            on_printed()
        preview = PrintPreviewDialog(path, parent, store=store, case_id=case_id, options=options, folder=folder,
                                     on_recorded=on_printed)  # fmt: skip
        if parent is not None:
            parent.print_preview = preview  # type: ignore[attr-defined]
        preview.open()
        if on_preview:
            on_preview(preview)

    def failed(exc: BaseException) -> None:
        folder.remove()
        show_error(parent, exc)

    progress = ProgressDialog(parent, tr("print.rendering"), render, show, failed)
    ended: list[bool] = []
    for signal in (progress.job.finished, progress.job.failed, progress.job.cancelled):
        signal.connect(lambda *_: ended.append(True))
    progress.job.cancelled.connect(folder.remove)
    progress.job.start()

    def show_busy() -> None:
        if not ended:
            progress.open()

    QTimer.singleShot(SHOW_BUSY_AFTER_MS, progress, show_busy)
    return progress


def print_cases(
    parent: QWidget | None,
    store: Store,
    case_ids: Iterable[str],
    on_printed: Callable[[], None] | None = None,
) -> BatchPrintDialog:
    """Batch printing of the cases on screen (e.g. the filtered case list). Returns the open dialog."""
    dialog = BatchPrintDialog(store, case_ids, parent, on_recorded=on_printed)
    dialog.open()
    return dialog
