"""File menu import and export (caseworker.transfer) in a worker thread with a progress bar and Cancel.

The work runs on a connection of its own (the UI thread owns the main one); SQLite serialises writers,
and the UI sees the imported rows as soon as the import commits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from caseworker.store import db as dbmod
from caseworker.store.queries import CaseFilter
from caseworker.store.store import Store
from ui.errors import show_error, show_info
from ui.i18n import register, tr
from ui.progress import ProgressDialog
from ui.tasks import Cancelled, JobControl
from ui.widgets import button, combo, label

register(
    {
        "transfer.import_title": ("Impor klien", "Import clients"),
        "transfer.export_title": ("Ekspor kasus", "Export cases"),
        "transfer.pick_import": (
            "Pilih berkas Excel atau CSV untuk diimpor",
            "Choose an Excel or CSV file to import",
        ),
        "transfer.pick_export": ("Simpan ekspor sebagai", "Save the export as"),
        "transfer.row": ("Baris {n} diperiksa…", "Row {n} checked…"),
        "transfer.rejected": ("Baris {line}: {reasons}", "Row {line}: {reasons}"),
        "transfer.more": ("…dan {n} baris lain ditolak.", "…and {n} more rows rejected."),
        "transfer.exported": ("{n} kasus diekspor ke {path}.", "{n} cases exported to {path}."),
        "transfer.progress": ("{done} dari {total} kasus", "{done} of {total} cases"),
        "transfer.format": ("Format", "Format"),
        "transfer.redact": (
            "Samarkan NIK/KK dan lewati catatan rahasia",
            "Mask NIK/KK and leave out confidential notes",
        ),
        "transfer.only_list": (
            "Hanya kasus pada daftar yang sedang ditampilkan",
            "Only the cases in the list shown now",
        ),
        "transfer.next": ("Pilih berkas…", "Choose file…"),
    }
)

FORMAT_NAMES = {"xlsx": "Excel (*.xlsx)", "csv": "CSV (*.csv)", "json": "JSON (*.json)"}


def available() -> bool:
    import importlib.util

    return importlib.util.find_spec("caseworker.transfer") is not None  # without importing openpyxl


def worker_connection(store: Store) -> Store:
    """Another read-write connection to the same profile, for a background job; close it afterwards."""
    db = dbmod.connect(store.profile_dir / dbmod.DB_FILENAME, store.key)
    return Store(store.profile_dir, db, store.user, store.profile, store.key)


def run_import(
    parent: QWidget, store: Store, path: Path, on_done: Callable[[Any], None] | None
) -> ProgressDialog:
    from caseworker.transfer import import_file

    def job(control: JobControl) -> Any:
        other = worker_connection(store)
        seen = [0]

        def progress(_row: Any) -> None:
            seen[0] += 1
            if seen[0] % 20 == 0:
                control.progress(0, 0, tr("transfer.row", n=seen[0]))

        try:
            return import_file(other, path, progress=progress, cancelled=lambda: control.cancelled)
        finally:
            other.close()

    def done(report: Any) -> None:
        lines = [report.summary()]
        for row in report.rejected[:8]:
            lines.append(tr("transfer.rejected", line=row.line, reasons="; ".join(row.reasons)))
        if len(report.rejected) > 8:
            lines.append(tr("transfer.more", n=len(report.rejected) - 8))
        show_info(parent, tr("transfer.import_title"), "\n".join(lines))
        if on_done:
            on_done(report)

    dialog = ProgressDialog(
        parent, tr("transfer.import_title"), job, done, lambda exc: show_error(parent, exc)
    )
    dialog.start()
    return dialog


def import_dialog(parent: QWidget, store: Store, on_done: Callable[[], None] | None) -> None:
    name, _ = QFileDialog.getOpenFileName(parent, tr("transfer.pick_import"), "", "Excel/CSV (*.xlsx *.csv)")
    if name:
        parent.transfer_dialog = run_import(parent, store, Path(name), lambda _r: on_done and on_done())  # type: ignore[attr-defined]


def run_export(parent: QWidget, store: Store, out: Path, fmt: str, redact: bool,
               case_filter: CaseFilter | None) -> ProgressDialog:  # fmt: skip
    from caseworker.transfer import export_cases

    def job(control: JobControl) -> int:
        other = worker_connection(store)
        try:
            return export_cases(other, out, fmt, redact=redact, case_filter=case_filter,
                                progress=lambda done, total: control.progress(done, total, tr("transfer.progress", done=done, total=total)))  # fmt: skip
        finally:
            other.close()

    def done(n: int) -> None:
        show_info(parent, tr("transfer.export_title"), tr("transfer.exported", n=n, path=str(out)))

    def failed(exc: BaseException) -> None:
        if not isinstance(exc, Cancelled):
            show_error(parent, exc)

    dialog = ProgressDialog(parent, tr("transfer.export_title"), job, done, failed)
    dialog.start()
    return dialog


class ExportOptions(QDialog):
    def __init__(self, parent: QWidget | None, current: CaseFilter | None) -> None:
        super().__init__(parent)
        self.current = current
        self.setWindowTitle(tr("transfer.export_title"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(label(tr("transfer.export_title"), "subtitle"))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.format = combo([(text, key) for key, text in FORMAT_NAMES.items()])
        self.redact = QCheckBox(tr("transfer.redact"))
        self.redact.setChecked(True)
        self.only_list = QCheckBox(tr("transfer.only_list"))
        self.only_list.setEnabled(current is not None)
        form.addRow(tr("transfer.format"), self.format)
        form.addRow("", self.redact)
        form.addRow("", self.only_list)
        layout.addLayout(form)
        cancel = button(tr("common.cancel"))
        cancel.clicked.connect(self.reject)
        go = button(tr("transfer.next"), "export", primary=True)
        go.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(go)
        layout.addLayout(buttons)


def export_dialog(parent: QWidget, store: Store, current: CaseFilter | None = None) -> None:
    options = ExportOptions(parent, current)
    parent.transfer_options = options  # type: ignore[attr-defined]

    def chosen() -> None:
        fmt = options.format.currentData()
        name, _ = QFileDialog.getSaveFileName(
            parent, tr("transfer.pick_export"), f"kasus.{fmt}", FORMAT_NAMES[fmt]
        )
        if not name:
            return
        case_filter = options.current if options.only_list.isChecked() else None
        parent.transfer_dialog = run_export(
            parent, store, Path(name), fmt, options.redact.isChecked(), case_filter
        )  # type: ignore[attr-defined]

    options.accepted.connect(chosen)
    options.open()
