"""Printing a filtered list of cases in one go: options, a progress bar with the current case, Cancel
between cases, and a summary with the folder. The rendering runs on a worker thread with its own store
connection, so the window never freezes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from caseworker.private_files import private_dir
from caseworker.reports import render_case_batch
from caseworker.store.store import Store
from ui.errors import show_error
from ui.i18n import language, register, tr
from ui.printing.files import audit_print, worker_store
from ui.printing.options import PrintOptions, language_combo, variant_name
from ui.tasks import run_in_background
from ui.widgets import button, card, label, row

register(
    {
        "print.batch.title": ("Cetak banyak ringkasan kasus", "Print many case summaries"),
        "print.batch.count": (
            "{n} kasus dari daftar yang sedang ditampilkan, satu berkas PDF per kasus.",
            "{n} cases from the list on screen, one PDF file per case.",
        ),
        "print.batch.none": ("Tidak ada kasus di daftar ini.", "There are no cases in this list."),
        "print.batch.folder": ("Folder tujuan", "Output folder"),
        "print.batch.browse": ("Pilih…", "Browse…"),
        "print.batch.pick_folder": ("Pilih folder untuk berkas PDF", "Choose a folder for the PDF files"),
        "print.batch.no_full_ids": (
            "NIK dan KK lengkap hanya dapat dicetak per kasus.",
            "The full NIK and KK can only be printed one case at a time.",
        ),
        "print.batch.start": ("Mulai mencetak", "Start printing"),
        "print.batch.stop": ("Hentikan", "Stop"),
        "print.batch.starting": ("Menyiapkan…", "Getting ready…"),
        "print.batch.progress": ("Kasus {done} dari {total} · {number}", "Case {done} of {total} · {number}"),
        "print.batch.progress_end": ("{done} dari {total} kasus", "{done} of {total} cases"),
        "print.batch.stopping": (
            "Berhenti setelah kasus yang sedang dicetak…",
            "Stopping after the case being printed…",
        ),
        "print.batch.done": ("{n} ringkasan kasus selesai dicetak.", "{n} case summaries printed."),
        "print.batch.stopped": (
            "Dihentikan: {n} dari {total} ringkasan kasus sudah dicetak.",
            "Stopped: {n} of {total} case summaries were printed.",
        ),
        "print.batch.failed": (
            "Terhenti karena kesalahan: {n} dari {total} ringkasan kasus sudah dicetak.",
            "Stopped by an error: {n} of {total} case summaries were printed.",
        ),
        "print.batch.where": ("Tersimpan di folder:", "Saved in the folder:"),
        "print.batch.open_folder": ("Buka folder", "Open folder"),
        "print.batch.private": (
            "Berkas berisi data pribadi: simpan di folder yang aman dan hapus bila tidak diperlukan lagi.",
            "The files hold personal data: keep them in a safe folder and delete them when no longer needed.",
        ),
    }
)

Progress = Callable[[int, int, str], None]


def default_output_folder(now: datetime | None = None) -> Path:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    stamp = (now or datetime.now()).strftime("%Y-%m-%d-%H%M")
    return Path(documents or Path.home()) / "Caseworker" / f"ringkasan-kasus-{stamp}"


def run_batch(
    store: Store,
    case_ids: Iterable[str],
    folder: Path,
    options: PrintOptions,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[Path]:
    """The worker: one PDF per case in `folder` (fewer when stopped). Each file is audited twice, as the
    core's 'print' and as a 'save_pdf' copy left in a folder. Runs in any thread (own connection)."""
    ids = list(case_ids)
    with worker_store(store) as worker:

        def step(done: int, total: int, number: str) -> None:
            audit_print(worker, "save_pdf", ids[done - 1], options, batch=True)
            if progress:
                progress(done, total, number)

        return render_case_batch(
            worker,
            ids,
            folder,
            lang=options.lang,
            redact=options.redact,
            progress=step,
            should_stop=should_stop,
        )


class _Relay(QObject):
    progress = Signal(int, int, str)


class BatchPrintDialog(QDialog):
    """`batch_finished(paths)` when the run ends (also when stopped early)."""

    batch_finished = Signal(list)

    def __init__(
        self,
        store: Store,
        case_ids: Iterable[str],
        parent: QWidget | None = None,
        *,
        folder: Path | None = None,
        on_recorded: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.case_ids = store, list(case_ids)
        self._on_recorded = on_recorded
        self._stop = threading.Event()
        self._running = False
        self._close_when_done = False
        self.printed: list[Path] = []
        self.done_count = 0
        self.setWindowTitle(tr("print.batch.title"))
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.setSpacing(10)
        layout.addWidget(label(tr("print.batch.title"), "subtitle"))
        count = tr("print.batch.count", n=len(self.case_ids)) if self.case_ids else tr("print.batch.none")
        layout.addWidget(label(count, "muted", wrap=True))
        layout.addWidget(self._options_card(folder or default_output_folder()))
        layout.addWidget(self._progress_card())
        layout.addWidget(self._summary_card())
        layout.addStretch(1)
        self.close_button = button(tr("common.cancel"))
        self.start_button = button(tr("print.batch.start"), "print", primary=True)
        self.start_button.setDefault(True)
        self.start_button.setEnabled(bool(self.case_ids))
        self.close_button.clicked.connect(lambda: self.cancel() if self._running else self.reject())
        self.start_button.clicked.connect(self.start)
        layout.addLayout(row(None, self.close_button, self.start_button))

    def _options_card(self, folder: Path) -> QWidget:
        frame, box = card()
        form = QFormLayout()
        form.setVerticalSpacing(10)
        self.language = language_combo(language())
        form.addRow(tr("print.opt.language"), self.language)
        variants = QVBoxLayout()
        variants.setSpacing(2)
        self.variant_group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        for variant in ("standard", "redacted"):
            radio = QRadioButton(variant_name(variant))
            self.radios[variant] = radio
            self.variant_group.addButton(radio)
            variants.addWidget(radio)
            hint = label(tr(f"print.variant.{variant}_hint"), "muted", wrap=True)
            hint.setContentsMargins(26, 0, 0, 4)
            variants.addWidget(hint)
        self.radios["standard"].setChecked(True)
        variants.addWidget(label(tr("print.batch.no_full_ids"), "muted", wrap=True))
        form.addRow(tr("print.opt.variant"), variants)
        self.folder_edit = QLineEdit(str(folder))
        browse = button(tr("print.batch.browse"), "folder")
        browse.clicked.connect(self._browse)
        form.addRow(tr("print.batch.folder"), row(self.folder_edit, browse, stretch_at=0))
        box.addLayout(form)
        self.options_card = frame
        return frame

    def _progress_card(self) -> QWidget:
        frame, box = card()
        self.chosen_label = label("", "muted", wrap=True)
        self.progress_label = label(tr("print.batch.starting"))
        self.progress_label.setStyleSheet("font-weight: 600;")
        self.bar = QProgressBar()
        self.bar.setRange(0, max(1, len(self.case_ids)))
        self.bar.setValue(0)
        box.addWidget(self.chosen_label)
        box.addWidget(self.progress_label)
        box.addWidget(self.bar)
        frame.setVisible(False)
        self.progress_card = frame
        return frame

    @staticmethod
    def _chosen_text(options: PrintOptions) -> str:
        language = tr("print.opt.lang_id" if options.lang == "id" else "print.opt.lang_en")
        return f"{variant_name(options.variant)} · {language}"

    def _summary_card(self) -> QWidget:
        frame, box = card()
        self.summary_label = label("", "ok", wrap=True)
        self.summary_label.setStyleSheet("font-weight: 600;")
        self.folder_label = label("", wrap=True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder_button = button(tr("print.batch.open_folder"), "folder")
        self.open_folder_button.clicked.connect(self.open_folder)
        box.addWidget(self.summary_label)
        box.addWidget(label(tr("print.batch.where"), "muted"))
        box.addLayout(row(self.folder_label, self.open_folder_button, stretch_at=0))
        box.addWidget(label(tr("print.batch.private"), "muted", wrap=True))
        frame.setVisible(False)
        self.summary_card = frame
        return frame

    # -- running --------------------------------------------------------------------------------------
    def options(self) -> PrintOptions:
        variant = "redacted" if self.radios["redacted"].isChecked() else "standard"
        return PrintOptions(lang=self.language.currentData(), variant=variant)

    def folder(self) -> Path:
        return Path(self.folder_edit.text().strip()).expanduser()

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, tr("print.batch.pick_folder"), str(self.folder().parent)
        )
        if chosen:
            self.folder_edit.setText(chosen)

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        if self._running or not self.case_ids or not self.folder_edit.text().strip():
            return
        folder, options, ids = self.folder(), self.options(), list(self.case_ids)
        try:
            private_dir(folder, tighten_existing=False)  # a folder made here is 0700; a chosen one is kept
        except OSError as exc:
            show_error(self, exc)
            return
        self._running = True
        self._stop.clear()
        self.done_count = 0
        self.options_card.setVisible(False)  # replaced by one line saying what is being printed
        self.chosen_label.setText(self._chosen_text(options))
        self.progress_card.setVisible(True)
        self.summary_card.setVisible(False)
        self.start_button.setEnabled(False)
        self.close_button.setText(tr("print.batch.stop"))
        relay = _Relay(self)
        relay.progress.connect(self._progress)

        def job() -> list[Path]:
            return run_batch(self.store, ids, folder, options, progress=relay.progress.emit,
                             should_stop=self._stop.is_set)  # fmt: skip

        run_in_background(job, lambda paths: self._finish(paths, None), lambda exc: self._finish(None, exc))

    def cancel(self) -> None:
        """Stop between cases: the case being printed is finished, no further case is started."""
        if self._running and not self._stop.is_set():
            self._stop.set()
            self.close_button.setEnabled(False)
            self.progress_label.setText(tr("print.batch.stopping"))

    def _progress(self, done: int, total: int, number: str) -> None:
        self.done_count = done
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        if not self._stop.is_set():
            self.progress_label.setText(tr("print.batch.progress", done=done, total=total, number=number))

    def _finish(self, paths: list[Path] | None, error: BaseException | None) -> None:
        if not isValid(self):
            return  # the window was destroyed with its parent while the worker finished its case
        self._running = False
        total = len(self.case_ids)
        self.printed = list(paths or [])
        count = len(self.printed) if paths is not None else self.done_count
        if error is not None:
            text, role = tr("print.batch.failed", n=count, total=total), "error"
        elif count < total:
            text, role = tr("print.batch.stopped", n=count, total=total), "warning"
        else:
            text, role = tr("print.batch.done", n=count), "ok"
        self.summary_label.setText(text)
        self.summary_label.setProperty("role", role)
        self.summary_label.style().polish(self.summary_label)
        self.folder_label.setText(str(self.folder()))
        self.summary_card.setVisible(True)
        self.bar.setValue(count)
        self.progress_label.setText(tr("print.batch.progress_end", done=count, total=total))
        self.start_button.setVisible(False)
        self.close_button.setText(tr("common.close"))
        self.close_button.setEnabled(True)
        self.close_button.setDefault(True)
        if count and self._on_recorded:
            self._on_recorded()  # the history and lists show the new audit entries
        self.batch_finished.emit(self.printed)
        if error is not None:
            show_error(self, error)
        if self._close_when_done:
            super().reject()

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder())))

    def reject(self) -> None:
        """Cancel / Esc / the window's close button: while running, stop and close once the case ends."""
        if self._running:
            self._close_when_done = True
            self.cancel()
            return
        super().reject()
