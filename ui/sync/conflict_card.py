"""One sync conflict as a card: the field, both values side by side with who changed them and when, which
one the record holds now, and one button under each value to keep it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from ui.i18n import fmt_datetime, register, tr
from ui.style import icon
from ui.sync.value_dialog import ValueDialog, is_free_text
from ui.sync.values import field_name, value_text
from ui.widgets import Badge, button, label

register(
    {
        "conflict.mine": ("Nilai Anda", "Your value"),
        "conflict.theirs": ("Nilai {who}", "{who}'s value"),
        "conflict.someone": ("orang lain", "someone else"),
        "conflict.you": ("Anda", "You"),
        "conflict.by": ("{who} · {when}", "{who} · {when}"),
        "conflict.current": ("Tersimpan sekarang", "Saved now"),
        "conflict.keep_mine": ("Pakai nilai saya", "Keep mine"),
        "conflict.keep_theirs": ("Pakai nilai {who}", "Keep {who}'s"),
        "conflict.open_case": ("Buka kasus", "Open case"),
    }
)

CARD_STYLE = """
QFrame#ConflictCard { background: #ffffff; border: 1px solid #d5dbe2; border-radius: 8px; }
QFrame#ConflictSide { background: #f7f9fa; border: 1px solid #e3e7ec; border-radius: 6px; }
QFrame#ConflictSide[current="true"] { background: #f2f8fa; border: 1px solid #b9d7e1; }
QLabel#ConflictValue { font-size: 11pt; font-weight: 600; color: #14202a; }
"""


def short_name(full: str) -> str:
    """The first name for a button: "Sri" of "Sri Wahyuni", "Endang" of "Dra. Endang Susilowati, M.Si";
    titles and degrees are left out, one-word names stay whole."""
    words = [w for w in full.split(",")[0].split() if not w.endswith(".")]
    return words[0] if words else full.strip()


class ConflictCard(QFrame):
    """`resolve(conflict_id, keep)` with keep "mine" or "theirs"; `open_case(case_id)` from the case line."""

    resolve = Signal(str, str)
    resolve_value = Signal(str, str)  # conflict id, a value the person wrote
    open_case = Signal(str)

    def __init__(self, conflict: dict[str, Any], workers: dict[str, str], case_line: str = "",
                 case_id: str | None = None, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.conflict = conflict
        self.setObjectName("ConflictCard")
        self.setStyleSheet(CARD_STYLE)
        c = conflict
        table, fld = c["table"], c["field"]
        theirs_who = workers.get(c["their_user"] or "", c["their_user"] or "") or tr("conflict.someone")
        my_at = c["device_at"] if c["mine_is_device"] else c["server_at"]
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 10, 14, 12)
        outer.setSpacing(8)
        head = QHBoxLayout()
        self.field_label = label(field_name(table, fld), "subtitle")
        head.addWidget(self.field_label)
        head.addStretch(1)
        if case_line:
            head.addWidget(label(case_line, "muted"))
            if case_id:
                link = button(tr("conflict.open_case"), flat=True)
                link.clicked.connect(lambda: self.open_case.emit(case_id))
                head.addWidget(link)
                self.open_button = link
        outer.addLayout(head)
        sides = QHBoxLayout()
        sides.setSpacing(12)
        # The server's value is the one the record holds now; the other one was set aside.
        mine_current = not c["mine_is_device"]
        self.mine_value, self.keep_mine = self._side(
            sides, tr("conflict.mine"), value_text(table, fld, c["my_value"], workers),
            tr("conflict.by", who=tr("conflict.you"), when=fmt_datetime(my_at) or "?"), mine_current,
            tr("conflict.keep_mine"), "mine",
        )  # fmt: skip
        self.their_value, self.keep_theirs = self._side(
            sides, tr("conflict.theirs", who=theirs_who), value_text(table, fld, c["their_value"], workers),
            tr("conflict.by", who=theirs_who, when=fmt_datetime(c["their_at"]) or "?"), not mine_current,
            tr("conflict.keep_theirs", who=short_name(theirs_who)), "theirs",
        )  # fmt: skip
        outer.addLayout(sides)
        self.write_button = None
        self.dialog = None
        if is_free_text(fld, c["my_value"], c["their_value"]):
            self.write_button = button(tr("conflict.write"), "edit", flat=True)
            self.write_button.clicked.connect(
                lambda: self._write(value_text(table, fld, c["my_value"], workers) if c["my_value"] else "",
                                    tr("conflict.theirs", who=theirs_who),
                                    value_text(table, fld, c["their_value"], workers))
            )  # fmt: skip
            row = QHBoxLayout()
            row.addWidget(self.write_button)
            row.addStretch(1)
            outer.addLayout(row)

    def _side(self, layout: QHBoxLayout, title: str, value: str, by: str, current: bool, action: str,
              keep: str) -> tuple[QWidget, QWidget]:  # fmt: skip
        frame = QFrame()
        frame.setObjectName("ConflictSide")
        frame.setProperty("current", current)
        box = QVBoxLayout(frame)
        box.setContentsMargins(12, 8, 12, 10)
        box.setSpacing(4)
        top = QHBoxLayout()
        top.addWidget(label(title, "fieldlabel"))
        top.addStretch(1)
        if current:
            top.addWidget(Badge(tr("conflict.current")))
        box.addLayout(top)
        shown = label(value, wrap=True)
        shown.setObjectName("ConflictValue")
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(shown)
        box.addWidget(label(by, "muted"))
        choose = button(action, "check")
        choose.clicked.connect(lambda: self._chosen(keep))
        row = QHBoxLayout()
        row.addWidget(choose)
        row.addStretch(1)
        box.addLayout(row)
        layout.addWidget(frame, 1)
        return shown, choose

    def _write(self, mine: str, theirs_title: str, theirs: str) -> None:
        self.dialog = ValueDialog(self.field_label.text(), mine, theirs_title, theirs, self)
        self.dialog.accepted.connect(
            lambda: self.resolve_value.emit(self.conflict["id"], self.dialog.value())
        )
        self.dialog.open()

    def _chosen(self, keep: str) -> None:
        self.keep_mine.setEnabled(False)
        self.keep_theirs.setEnabled(False)
        self.resolve.emit(self.conflict["id"], keep)


def banner_icon(size: int = 20):  # noqa: ANN201 - QPixmap
    from ui.style import WARNING

    return icon("conflict", WARNING).pixmap(size, size)
