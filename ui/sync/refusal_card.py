"""One change the server refused, as a card: what it was (a new note, an edit of the case…), on which case,
why it was refused in words, what the person wrote, and the two ways out: send again (once allowed) or
take it off this laptop. The core (caseworker.sync.rejections) does both."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from caseworker.sync.rejections import Rejection
from ui import case_history  # noqa: F401 - registers the "thing.*" names used here
from ui.i18n import fmt_datetime, known_keys, language, register, tr
from ui.sync.values import field_name, value_text
from ui.widgets import button, label

register(
    {
        "refusal.insert": ("{thing} baru ditolak server", "New {thing} refused by the server"),
        "refusal.update": ("Perubahan {thing} ditolak server", "Change to {thing} refused by the server"),
        "refusal.delete": ("Penghapusan {thing} ditolak server", "Deletion of {thing} refused by the server"),
        "refusal.written": ("Anda tulis {when}", "You wrote it {when}"),
        "refusal.kept": (
            "Hanya ada di laptop ini sampai Anda memutuskan.",
            "It is only on this laptop until you decide.",
        ),
        "refusal.restored": (
            "Data di laptop ini sudah dikembalikan ke isi server.",
            "The record on this laptop was put back to the server's version.",
        ),
        "refusal.gone": (
            "Kasusnya tidak lagi ada di laptop ini; isinya tetap dapat Anda salin di sini.",
            "Its case is no longer on this laptop; you can still copy its content here.",
        ),
        "refusal.resend": ("Kirim ulang", "Send again"),
        "refusal.discard": ("Buang", "Discard"),
    }
)

CARD_STYLE = """
QFrame#RefusalCard { background: #ffffff; border: 1px solid #e6cfa8; border-radius: 8px; }
QFrame#RefusalContent { background: #fbf8f2; border: 1px solid #efe4cf; border-radius: 6px; }
"""
_HIDDEN = {"id", "case_id", "person_id", "created_at", "created_by", "updated_at", "updated_by", "deleted",
           "version", "confidential", "data", "scores"}  # fmt: skip
_MAX_FIELDS = 6


def _thing(table: str) -> str:
    key = f"thing.{table}"
    return tr(key) if key in known_keys() else table


def title_of(refusal: Rejection) -> str:
    op = refusal.op if refusal.op in ("insert", "update", "delete") else "update"
    text = tr(f"refusal.{op}", thing=_thing(refusal.table))
    return text[:1].upper() + text[1:]


def content_lines(refusal: Rejection, workers: dict[str, str]) -> list[str]:
    """What the person wrote, field by field, in words (the first few fields)."""
    lines = []
    for name, value in refusal.fields.items():
        if name in _HIDDEN or value in (None, "", [], {}):
            continue
        lines.append(f"{field_name(refusal.table, name)}: {value_text(refusal.table, name, value, workers)}")
    return lines[:_MAX_FIELDS]


class RefusalCard(QFrame):
    """`resend(mutation_id)`, `discard(mutation_id)`, `open_case(case_id)`."""

    resend = Signal(str)
    discard = Signal(str)
    open_case = Signal(str)

    def __init__(self, refusal: Rejection, workers: dict[str, str], case_line: str = "",
                 case_here: bool = False, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.refusal = refusal
        self.setObjectName("RefusalCard")
        self.setStyleSheet(CARD_STYLE)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 10, 14, 12)
        outer.setSpacing(6)
        head = QHBoxLayout()
        self.title = label(title_of(refusal), "subtitle")
        head.addWidget(self.title)
        head.addStretch(1)
        if case_line:
            head.addWidget(label(case_line, "muted"))
        if case_here and refusal.case_id:
            link = button(tr("conflict.open_case"), flat=True)
            link.clicked.connect(lambda: self.open_case.emit(refusal.case_id))
            head.addWidget(link)
        outer.addLayout(head)
        self.reason = label(refusal.reason_text(language()), wrap=True)
        outer.addWidget(self.reason)
        lines = content_lines(refusal, workers)
        if lines:
            box = QFrame()
            box.setObjectName("RefusalContent")
            inner = QVBoxLayout(box)
            inner.setContentsMargins(12, 8, 12, 8)
            self.content = label("\n".join(lines), wrap=True)
            self.content.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            inner.addWidget(self.content)
            outer.addWidget(box)
        if refusal.op != "insert":
            state = tr("refusal.restored")
        elif refusal.on_device:
            state = tr("refusal.kept")
        else:
            state = tr("refusal.gone")
        when = tr("refusal.written", when=fmt_datetime(refusal.created_at) or "?")
        outer.addWidget(label(f"{when} · {state}", "muted", wrap=True))
        actions = QHBoxLayout()
        self.resend_button = button(tr("refusal.resend"), "sync")
        self.resend_button.setEnabled(case_here or refusal.table in ("persons", "relations"))
        self.resend_button.clicked.connect(lambda: self.resend.emit(refusal.mutation_id))
        self.discard_button = button(tr("refusal.discard"))
        self.discard_button.clicked.connect(lambda: self.discard.emit(refusal.mutation_id))
        actions.addWidget(self.resend_button)
        actions.addWidget(self.discard_button)
        actions.addStretch(1)
        outer.addLayout(actions)
