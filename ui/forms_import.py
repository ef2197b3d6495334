"""A supervisor's "Impor instrumen (XLSForm)…": choose a workbook, import it as the next version of its
form (caseworker.forms.library), and say what happened: the form's title and version, or every row the
import could not take and what to change there. Nothing is stored unless the whole workbook is taken."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QListWidget, QVBoxLayout, QWidget

from caseworker.errors import KnownError
from caseworker.forms import library
from caseworker.forms.xlsform import XLSFormError
from caseworker.store.store import Store
from ui.i18n import register, tr
from ui.widgets import button, label

register(
    {
        "act.import_forms": ("Impor instrumen (XLSForm)…", "Import instrument (XLSForm)…"),
        "forms_import.choose": ("Pilih XLSForm", "Choose an XLSForm"),
        "forms_import.filter": ("XLSForm (*.xlsx *.xls)", "XLSForm (*.xlsx *.xls)"),
        "forms_import.done_title": ("Instrumen diimpor", "Instrument imported"),
        "forms_import.done": (
            "'{title}' ({form_id}) disimpan sebagai versi {version}. Asesmen baru memakai versi ini; asesmen "
            "lama tetap dengan versinya. Sinkronkan agar instrumen sampai ke laptop lain di unit ini.",
            "'{title}' ({form_id}) was stored as version {version}. New assessments use this version; earlier "
            "ones keep theirs. Sync so that the instrument reaches the unit's other laptops.",
        ),
        "forms_import.failed_title": ("Instrumen tidak diimpor", "Instrument not imported"),
        "forms_import.failed": (
            "{file}: {count} masalah, tidak ada yang diimpor. Perbaiki baris berikut di Excel, lalu impor lagi.",
            "{file}: {count} problems, nothing was imported. Fix these rows in Excel, then import again.",
        ),
    }
)


class ImportResultDialog(QDialog):
    """The outcome: the imported form, or the list of problems (one per line, selectable)."""

    def __init__(self, parent: QWidget | None, title: str, summary: str, problems: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(720, 420 if problems else 200)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        self.summary = label(summary, wrap=True)
        layout.addWidget(self.summary)
        self.problems = QListWidget()
        self.problems.setWordWrap(True)
        self.problems.addItems(problems)
        self.problems.setVisible(bool(problems))
        layout.addWidget(self.problems, 1)
        close = button(tr("common.close"), primary=True)
        close.clicked.connect(self.accept)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)

    def problem_texts(self) -> list[str]:
        return [self.problems.item(i).text() for i in range(self.problems.count())]


def import_xlsform(
    parent: QWidget | None, store: Store, path: str | Path | None = None
) -> ImportResultDialog | None:
    """Ask for a workbook (unless `path` is given), import it and show the result dialog (returned)."""
    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(
            parent, tr("forms_import.choose"), "", tr("forms_import.filter")
        )
        if not chosen:
            return None
        path = chosen
    path = Path(path)
    try:
        form = library.import_xlsform(store, path)
    except XLSFormError as exc:
        dialog = ImportResultDialog(
            parent, tr("forms_import.failed_title"),
            tr("forms_import.failed", file=path.name, count=len(exc.errors)), [e.text() for e in exc.errors],
        )  # fmt: skip
    except KnownError as exc:
        dialog = ImportResultDialog(parent, tr("forms_import.failed_title"), exc.text(), [])
    else:
        dialog = ImportResultDialog(
            parent, tr("forms_import.done_title"),
            tr("forms_import.done", title=form.title.get(), form_id=form.id, version=form.version), [],
        )  # fmt: skip
    dialog.open()
    return dialog
