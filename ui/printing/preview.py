"""The print preview: the rendered PDF in a QPdfView with page navigation and zoom, and the two ways out,
"Cetak…" (system print dialog) and "Simpan PDF…". Both are written to the audit log and so appear in the
case's history. The preview's temporary file is deleted when the window closes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMargins, QObject, QPointF, QStandardPaths, Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor, QIntValidator, QKeySequence, QPalette, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QFrame, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget
from shiboken6 import isValid

from caseworker.store.store import Store
from ui.errors import show_error
from ui.i18n import register, tr
from ui.printing.files import PrivateFolder, audit_print, save_pdf_copy
from ui.printing.options import PrintOptions, variant_name
from ui.printing.paint import prepare_printer, print_pdf
from ui.tasks import run_in_background
from ui.widgets import button, combo, label

register(
    {
        "print.preview.title": ("Pratinjau cetak · {name}", "Print preview · {name}"),
        "print.preview.page": ("Halaman", "Page"),
        "print.preview.of": ("dari {n}", "of {n}"),
        "print.preview.prev": ("Halaman sebelumnya", "Previous page"),
        "print.preview.next": ("Halaman berikutnya", "Next page"),
        "print.preview.zoom_in": ("Perbesar", "Zoom in"),
        "print.preview.zoom_out": ("Perkecil", "Zoom out"),
        "print.preview.fit_width": ("Lebar halaman", "Fit width"),
        "print.preview.fit_page": ("Satu halaman penuh", "Whole page"),
        "print.preview.print": ("Cetak…", "Print…"),
        "print.preview.save": ("Simpan PDF…", "Save PDF…"),
        "print.preview.save_title": ("Simpan salinan PDF", "Save a copy of the PDF"),
        "print.preview.variant": ("{variant} · {language}", "{variant} · {language}"),
        "print.preview.private": (
            "Berisi data pribadi. Berkas sementara dihapus saat pratinjau ditutup.",
            "Contains personal data. The temporary file is deleted when the preview closes.",
        ),
        "print.preview.sending": (
            "Mengirim ke printer… halaman {done} dari {total}",
            "Sending to the printer… page {done} of {total}",
        ),
        "print.preview.sent": ("Dikirim ke printer: {n} halaman.", "Sent to the printer: {n} pages."),
        "print.preview.saved": ("Salinan disimpan: {path}", "Copy saved: {path}"),
        "print.preview.busy": ("Tunggu hingga pencetakan selesai.", "Wait until printing has finished."),
    }
)

ZOOM_STEPS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)


class _PrintProgress(QObject):
    """Lives on the UI thread; the printing thread's progress arrives queued."""

    changed = Signal(int, int)


class PrintPreviewDialog(QDialog):
    """Shows `pdf_path`. With a store and case id, printing and saving are audited for that case. A
    `folder` handed over is removed (with the PDF) when the dialog closes."""

    printed = Signal(int)  # pages sent to the printer
    saved = Signal(str)  # where the copy went

    def __init__(
        self,
        pdf_path: str | Path,
        parent: QWidget | None = None,
        *,
        store: Store | None = None,
        case_id: str | None = None,
        options: PrintOptions | None = None,
        folder: PrivateFolder | None = None,
        on_recorded: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.pdf_path = Path(pdf_path)
        self.store, self.case_id, self.folder = store, case_id, folder
        self.options = options or PrintOptions()
        self._on_recorded = on_recorded
        self._busy = False
        self._closed = False
        self.setWindowTitle(tr("print.preview.title", name=self.pdf_path.stem))
        self.resize(980, 820)

        self.document = QPdfDocument(self)
        self.document.load(str(self.pdf_path))
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocumentMargins(QMargins(18, 18, 18, 18))
        self.view.setPageSpacing(14)
        self.view.setStyleSheet("QPdfView { border: 1px solid #d5dbe2; border-radius: 6px; }")
        backdrop = self.view.palette()
        backdrop.setColor(QPalette.ColorRole.Dark, QColor("#dde2e7"))  # QPdfView paints around pages in Dark
        self.view.setPalette(backdrop)
        self.view.setDocument(self.document)
        self.navigator = self.view.pageNavigator()
        self.navigator.currentPageChanged.connect(self._page_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(self._toolbar())
        layout.addWidget(self.view, 1)
        layout.addLayout(self._bottom_bar())

        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.open_print_dialog)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.open_save_dialog)
        self.finished.connect(lambda _result: self._cleanup())
        self._page_changed(0)

    # -- layout ---------------------------------------------------------------------------------------
    def _toolbar(self) -> QFrame:
        bar = QFrame()
        bar.setProperty("card", True)
        row = QHBoxLayout(bar)
        row.setContentsMargins(10, 6, 10, 6)
        row.setSpacing(6)
        self.prev_button = button("‹")
        self.prev_button.setToolTip(tr("print.preview.prev"))
        self.next_button = button("›")
        self.next_button.setToolTip(tr("print.preview.next"))
        for nav in (self.prev_button, self.next_button):
            nav.setFixedWidth(38)
        self.prev_button.clicked.connect(lambda: self.go_to_page(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to_page(self.current_page() + 1))
        self.page_edit = QLineEdit("1")  # a QSpinBox without arrows loses its text under the stylesheet
        self.page_edit.setValidator(QIntValidator(1, max(1, self.page_count()), self.page_edit))
        self.page_edit.setFixedWidth(52)
        self.page_edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_edit.editingFinished.connect(self._page_typed)
        self.page_count_label = label(tr("print.preview.of", n=self.page_count()), "muted")
        self.zoom_out_button = button("−")
        self.zoom_out_button.setToolTip(tr("print.preview.zoom_out"))
        self.zoom_in_button = button("+")
        self.zoom_in_button.setToolTip(tr("print.preview.zoom_in"))
        for zoom in (self.zoom_out_button, self.zoom_in_button):
            zoom.setFixedWidth(38)
        items = [(tr("print.preview.fit_width"), "width"), (tr("print.preview.fit_page"), "page")]
        self.zoom_box = combo(items + [(f"{round(step * 100)}%", step) for step in ZOOM_STEPS], "width")
        self.zoom_box.setMinimumWidth(170)
        self.zoom_box.currentIndexChanged.connect(lambda _i: self._apply_zoom(self.zoom_box.currentData()))
        self.zoom_out_button.clicked.connect(lambda: self._step_zoom(-1))
        self.zoom_in_button.clicked.connect(lambda: self._step_zoom(+1))
        for widget in (self.prev_button, self.next_button, label(tr("print.preview.page"))):
            row.addWidget(widget)
        row.addWidget(self.page_edit)
        row.addWidget(self.page_count_label)
        row.addStretch(1)
        for widget in (self.zoom_out_button, self.zoom_box, self.zoom_in_button):
            row.addWidget(widget)
        return bar

    def _bottom_bar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        info = QVBoxLayout()
        info.setSpacing(0)
        language = tr("print.opt.lang_id" if self.options.lang == "id" else "print.opt.lang_en")
        self.variant_label = label(
            tr("print.preview.variant", variant=variant_name(self.options.variant), language=language)
        )
        self.variant_label.setStyleSheet("font-weight: 600;")
        self.status = label(tr("print.preview.private"), "muted", wrap=True)
        info.addWidget(self.variant_label)
        info.addWidget(self.status)
        row.addLayout(info, 1)
        self.close_button = button(tr("common.close"))
        self.save_button = button(tr("print.preview.save"), "export")
        self.print_button = button(tr("print.preview.print"), "print", primary=True)
        self.print_button.setDefault(True)
        self.close_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.open_save_dialog)
        self.print_button.clicked.connect(self.open_print_dialog)
        for widget in (self.close_button, self.save_button, self.print_button):
            row.addWidget(widget)
        return row

    # -- navigation and zoom --------------------------------------------------------------------------
    def page_count(self) -> int:
        return self.document.pageCount()

    def current_page(self) -> int:
        return self.navigator.currentPage()

    def go_to_page(self, index: int) -> None:
        if 0 <= index < self.page_count() and index != self.current_page():
            self.navigator.jump(index, QPointF(), self.navigator.currentZoom())

    def _page_changed(self, index: int) -> None:
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < self.page_count() - 1)
        self.page_edit.setText(str(index + 1))

    def _page_typed(self) -> None:
        text = self.page_edit.text()
        if text.isdigit():
            self.go_to_page(int(text) - 1)

    def _apply_zoom(self, value: object) -> None:
        if value == "width":
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif value == "page":
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(float(value))  # type: ignore[arg-type]

    def _step_zoom(self, direction: int) -> None:
        current = self.zoom_box.currentData()
        factor = current if isinstance(current, float) else 1.0
        steps = [s for s in ZOOM_STEPS if (s > factor if direction > 0 else s < factor)]
        if not isinstance(current, float):
            steps = [1.0]  # from a fitted view, start at 100%
        if steps:
            target = steps[0] if direction > 0 else steps[-1]
            self.zoom_box.setCurrentIndex(self.zoom_box.findData(target))

    # -- print and save -------------------------------------------------------------------------------
    def open_print_dialog(self) -> None:
        if self._busy:
            return
        printer = prepare_printer(QPrinter(QPrinter.PrinterMode.HighResolution), self.pdf_path.stem)
        dialog = QPrintDialog(printer, self)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        dialog.setMinMax(1, max(1, self.page_count()))
        dialog.accepted.connect(lambda: self.print_to(printer))
        self._print_dialog = dialog  # kept alive while it is open
        dialog.open()

    def print_to(self, printer: QPrinter) -> None:
        """Send the chosen pages to `printer` off the UI thread; `printed(pages)` when done. Tests pass a
        PDF-file printer here."""
        if self._busy:
            return
        self._set_busy(True)
        relay = _PrintProgress(self)
        relay.changed.connect(lambda done, total: self.status.setText(
            tr("print.preview.sending", done=done, total=total)))  # fmt: skip
        path, current = self.pdf_path, self.current_page()
        self._printer = printer  # owned by this dialog until the job ends

        def job() -> int:
            return print_pdf(path, printer, current_page=current, progress=relay.changed.emit)

        def done(pages: int) -> None:
            if not isValid(self):
                return
            self._set_busy(False)
            if pages:
                self._record("print_sent", pages=pages)
            self.status.setText(tr("print.preview.sent", n=pages))
            self.printed.emit(pages)

        def failed(exc: BaseException) -> None:
            if not isValid(self):
                return
            self._set_busy(False)
            self.status.setText(tr("print.preview.private"))
            show_error(self, exc)

        run_in_background(job, done, failed)

    def open_save_dialog(self) -> None:
        if self._busy:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / self.pdf_path.name) if folder else self.pdf_path.name
        target, _ = QFileDialog.getSaveFileName(
            self, tr("print.preview.save_title"), suggested, "PDF (*.pdf)"
        )
        if target:
            self.save_to(Path(target))

    def save_to(self, target: Path) -> Path | None:
        """Copy the PDF to `target` and record it; `saved(path)` on success."""
        try:
            written = save_pdf_copy(self.pdf_path, target)
        except OSError as exc:
            show_error(self, exc)
            return None
        self._record("save_pdf")
        self.status.setText(tr("print.preview.saved", path=str(written)))
        self.saved.emit(str(written))
        return written

    def _record(self, action: str, **extra: object) -> None:
        if self.store is None:
            return
        audit_print(self.store, action, self.case_id, self.options, **extra)
        if self._on_recorded:
            self._on_recorded()

    # -- closing --------------------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.print_button, self.save_button, self.close_button):
            widget.setEnabled(not busy)
        if not busy and self._closed:
            self._remove_files()

    def reject(self) -> None:
        if self._busy:
            self.status.setText(tr("print.preview.busy"))
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._busy:
            self.status.setText(tr("print.preview.busy"))
            event.ignore()
            return
        super().closeEvent(event)

    def _cleanup(self) -> None:
        self._closed = True
        self.document.close()
        if not self._busy:
            self._remove_files()

    def _remove_files(self) -> None:
        if self.folder is not None:
            self.folder.remove()
