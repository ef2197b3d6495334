"""Reading a note whole: the list shows the first lines of each note beside its date, kind and author; Enter
or a double-click opens this reader with the whole text, scrollable, in a window that fits the screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from ui.i18n import fmt_datetime, register, tr
from ui.widgets import button, label

register(
    {
        "reader.title": ("Catatan", "Note"),
        "reader.date": ("Tanggal", "Date"),
        "reader.kind": ("Jenis", "Kind"),
        "reader.by": ("Oleh", "By"),
        "reader.confidential": (
            "🔒 Rahasia (tidak dicetak dalam ringkasan tersamar)",
            "🔒 Confidential (left out of redacted summaries)",
        ),
        "reader.hint": (
            "Tekan Enter atau klik dua kali untuk membaca seluruh catatan.",
            "Press Enter or double-click to read the whole note.",
        ),
    }
)

PREVIEW_LINES = 3
PREVIEW_CHARS = 240


def preview(text: str | None) -> str:
    """The first lines of a note for a list row: at most 3 lines and 240 characters, '…' when cut."""
    whole = (text or "").strip()
    lines = whole.splitlines()
    short = "\n".join(lines[:PREVIEW_LINES])
    if len(short) > PREVIEW_CHARS:
        short = short[:PREVIEW_CHARS].rsplit(" ", 1)[0] or short[:PREVIEW_CHARS]
    return short + ("…" if short != whole else "")


def kind_text(kind: str | None) -> str:
    return tr(f"note.kind.{kind or 'other'}")


class NoteReader(QDialog):
    """One note, read-only: date, kind, author by full name, and the whole text."""

    def __init__(self, note: dict[str, Any], author: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NoteReader")
        self.setWindowTitle(tr("reader.title"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        facts = QFormLayout()
        self.when = label(fmt_datetime(note.get("noted_at")))
        self.kind = label(kind_text(note.get("kind")))
        self.author = label(author)
        facts.addRow(tr("reader.date"), self.when)
        facts.addRow(tr("reader.kind"), self.kind)
        facts.addRow(tr("reader.by"), self.author)
        layout.addLayout(facts)
        if note.get("confidential"):
            layout.addWidget(label(tr("reader.confidential"), "warning", wrap=True))
        self.text = QPlainTextEdit(note.get("text") or "")
        self.text.setObjectName("NoteText")
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        close = button(tr("common.close"), primary=True)
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(760, 640)  # ui.screen_fit makes it smaller on a smaller screen
        self.text.setFocus()  # arrows and Page Down scroll the text at once
