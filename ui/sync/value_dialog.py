"""Writing a third value for a text field both people changed (e.g. combining two descriptions of the
presenting problem): both values shown for reference, the editor starts from the person's own."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from ui.i18n import register, tr
from ui.widgets import button, label

register(
    {
        "conflict.write": ("Tulis nilai lain…", "Write another value…"),
        "conflict.write.title": ("Tulis nilai yang benar", "Write the right value"),
        "conflict.write.intro": (
            "Gabungkan atau perbaiki kedua nilai. Nilai ini menggantikan keduanya pada sinkronisasi berikutnya.",
            "Combine or correct both values. This value replaces both with the next sync.",
        ),
        "conflict.write.empty": ("Tulis nilainya dulu.", "Write the value first."),
    }
)

# Fields whose values are free text (a third, combined value makes sense); coded fields keep two choices.
_CODED = {"risk", "stage", "status", "sex", "assigned_to", "category_code", "kind", "nik", "no_kk", "deleted",
          "facility_code", "region_code", "review_status", "decision", "priority"}  # fmt: skip


def is_free_text(field: str, *values: object) -> bool:
    if field in _CODED or field.endswith(("_at", "_date", "_id", "_code", "_on")):
        return False
    return all(v is None or isinstance(v, str) for v in values)


class ValueDialog(QDialog):
    def __init__(self, field_title: str, mine: str, theirs_title: str, theirs: str,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(tr("conflict.write.title"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(label(field_title, "subtitle"))
        layout.addWidget(label(tr("conflict.write.intro"), "muted", wrap=True))
        layout.addWidget(label(f"{tr('conflict.mine')}: {mine}", wrap=True))
        layout.addWidget(label(f"{theirs_title}: {theirs}", wrap=True))
        self.editor = QPlainTextEdit(mine)
        self.editor.setMinimumHeight(90)
        layout.addWidget(self.editor)
        self.problem = label("", "error")
        self.problem.setVisible(False)
        layout.addWidget(self.problem)
        self.save_button = button(tr("common.save"), primary=True)
        self.save_button.clicked.connect(self._save)
        cancel = button(tr("common.cancel"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

    def value(self) -> str:
        return self.editor.toPlainText().strip()

    def _save(self) -> None:
        if not self.value():
            self.problem.setText(tr("conflict.write.empty"))
            self.problem.setVisible(True)
            return
        self.accept()
