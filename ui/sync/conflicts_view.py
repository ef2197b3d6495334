"""The "Konflik" page: every open sync conflict of this device as a card (both values, who and when), each
resolved with one click; the case line opens the case. Resolving writes through the core
(caseworker.sync.conflicts.resolve_conflict) and reaches the other devices with the next sync.

Below them, the changes the server refused (ui.sync.refusal_card): sent again or discarded by their author,
never dropped on their own. Last, the rows from the server this laptop could not store (caseworker.sync.
quarantine): nothing to decide here, they are fixed on the server and the next sync replaces them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from caseworker import i18n
from caseworker.errors import KnownError
from caseworker.store.store import Store
from caseworker.sync import quarantine, rejections
from caseworker.sync.conflicts import list_conflicts, resolve_conflict
from ui.errors import show_error
from ui.i18n import language, register, tr
from ui.style import icon
from ui.sync.conflict_card import ConflictCard
from ui.sync.refusal_card import RefusalCard, _thing
from ui.widgets import confirm, label

register(
    {
        "conflicts.title": ("Konflik sinkronisasi", "Sync conflicts"),
        "conflicts.intro": (
            "Dua orang mengubah data yang sama saat tidak terhubung. Tidak ada yang hilang: pilih nilai yang "
            "benar. Pilihan Anda dikirim ke server pada sinkronisasi berikutnya.",
            "Two people changed the same data while offline. Nothing was lost: choose the right value. Your "
            "choice is sent to the server with the next sync.",
        ),
        "conflicts.count": ("{n} konflik terbuka", "{n} open conflicts"),
        "conflicts.none": ("Tidak ada konflik", "No conflicts"),
        "conflicts.none.text": (
            "Semua perubahan sudah sejalan dengan server.",
            "All changes agree with the server.",
        ),
        "conflicts.case_line": ("{number} · {name}", "{number} · {name}"),
        "refusals.title": ("Ditolak server ({n})", "Refused by the server ({n})"),
        "refusals.intro": (
            "Perubahan ini tidak diterima server, biasanya karena kasus sudah dipindahkan. Kirim ulang bila "
            "kasus sudah kembali kepada Anda, atau buang setelah isinya Anda sampaikan ke pemegang kasus.",
            "The server did not accept these changes, usually because the case was reassigned. Send one "
            "again once the case is back with you, or discard it after passing its content to the case holder.",
        ),
        "quarantine.title": ("Disisihkan dari server ({n})", "Set aside from the server ({n})"),
        "quarantine.card": ("{thing} {label}", "{thing} {label}"),
        "quarantine.seq": ("versi server {version}, urutan {seq}", "server version {version}, seq {seq}"),
        "refusals.discard.title": ("Buang perubahan ini?", "Discard this change?"),
        "refusals.discard.text": (
            "{what} akan dihapus dari laptop ini dan tidak dapat dikembalikan.",
            "{what} will be removed from this laptop and cannot be brought back.",
        ),
    }
)


QUARANTINE_STYLE = (
    "QFrame#QuarantineCard { background: #ffffff; border: 1px solid #d9c2c2; border-radius: 8px; }"
)


class QuarantineCard(QFrame):
    """A row from the server set aside: what it is, why in words, and where it came from (nothing to click:
    it is fixed on the server)."""

    def __init__(self, item: quarantine.Quarantined) -> None:
        super().__init__()
        self.item = item
        self.setObjectName("QuarantineCard")
        self.setStyleSheet(QUARANTINE_STYLE)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 10, 14, 12)
        lay.setSpacing(4)
        thing = _thing(item.table)
        self.title = label(
            tr("quarantine.card", thing=thing[:1].upper() + thing[1:], label=item.label()), "subtitle"
        )
        lay.addWidget(self.title)
        self.reason = label(item.reason_text(language()), wrap=True)
        lay.addWidget(self.reason)
        where = tr("quarantine.seq", version=item.version or "?", seq=item.seq or "?")
        lay.addWidget(label(f"{item.table} · {item.row_id} · {where}", "muted", wrap=True))


def resolve_one(
    parent: QWidget, store: Store, conflict_id: str, keep: str | None = None, value: str | None = None
) -> bool:
    """Keep one side of a conflict, or write a new value; a problem (already resolved elsewhere…) is shown,
    never raised."""
    try:
        resolve_conflict(store, conflict_id, keep=keep, value=value)
    except KnownError as exc:
        show_error(parent, exc)
        return False
    return True


def refusal_case_lines(store: Store, refusals: list[rejections.Rejection]) -> dict[str, str]:
    """mutation id -> the case line, for refusals whose case is on this laptop."""
    found = {}
    for r in refusals:
        if r.case_id:
            row = store.one("SELECT case_number, name FROM case_index WHERE case_id = ?", [r.case_id])
            if row:
                found[r.mutation_id] = tr("conflicts.case_line", number=row["case_number"] or "",
                                          name=row["name"] or "")  # fmt: skip
    return found


def case_lines(store: Store, conflicts: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """conflict id -> (case id, "SDA-26-7F3K2Q · Siti Aminah") for the conflicts that belong to a case here."""
    out: dict[str, tuple[str, str]] = {}
    for c in conflicts:
        if c["case_id"]:
            row = store.one(
                "SELECT case_id, case_number, name FROM case_index WHERE case_id = ?", [c["case_id"]]
            )
        elif c["table"] == "persons":
            row = store.one(
                "SELECT case_id, case_number, name FROM case_index WHERE person_id = ? AND deleted = 0"
                " ORDER BY opened_at DESC LIMIT 1",
                [c["row_id"]],
            )
        else:
            row = None
        if row:
            line = tr("conflicts.case_line", number=row["case_number"] or "", name=row["name"] or "")
            out[c["id"]] = (row["case_id"], line)
    return out


class ConflictsView(QWidget):
    caseRequested = Signal(str)  # noqa: N815 - the workspace connects side pages by these names
    changed = Signal()

    def __init__(self, store: Store, workers: dict[str, str]) -> None:
        super().__init__()
        self.setObjectName("Page")
        self.store, self.workers = store, workers
        self.cards: list[ConflictCard] = []
        self.refusal_cards: list[RefusalCard] = []
        self.quarantine_cards: list[QuarantineCard] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(8)
        head = QHBoxLayout()
        head.addWidget(label(tr("conflicts.title"), "title"))
        head.addSpacing(10)
        self.count = label("", "muted")
        head.addWidget(self.count, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        layout.addLayout(head)
        self.intro = label(tr("conflicts.intro"), "muted", wrap=True)
        self.intro.setMaximumWidth(900)
        layout.addWidget(self.intro)
        layout.addSpacing(4)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body = QWidget()
        self.body.setObjectName("Page")
        self.list = QVBoxLayout(self.body)
        self.list.setContentsMargins(0, 0, 6, 0)
        self.list.setSpacing(10)
        self.scroll.setWidget(self.body)
        layout.addWidget(self.scroll, 1)
        self.empty = self._empty()
        layout.addWidget(self.empty, 1)

    def _empty(self) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.addStretch(1)
        mark = QLabel()
        mark.setPixmap(icon("check", "#1c7a43").pixmap(40, 40))
        mark.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(mark)
        title = label(tr("conflicts.none"), "subtitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(title)
        text = label(tr("conflicts.none.text"), "muted")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(text)
        lay.addStretch(2)
        return box

    def refresh(self) -> None:
        """Read the open conflicts again (a handful: read here, on the UI thread) and rebuild the cards."""
        conflicts = list_conflicts(self.store)
        lines = case_lines(self.store, conflicts)
        while self.list.count():
            item = self.list.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.cards = []
        for c in conflicts:
            case_id, line = lines.get(c["id"], (None, ""))
            card = ConflictCard(c, self.workers, line, case_id)
            card.resolve.connect(self._resolve)
            card.resolve_value.connect(lambda cid, value: self._resolve(cid, None, value))
            card.open_case.connect(self.caseRequested)
            self.list.addWidget(card)
            self.cards.append(card)
        self._add_refusals(rejections.rejections(self.store))
        self._add_quarantined(quarantine.quarantined(self.store))
        self.list.addStretch(1)
        self.count.setText(tr("conflicts.count", n=len(conflicts)) if conflicts else "")
        anything = bool(conflicts or self.refusal_cards or self.quarantine_cards)
        self.intro.setVisible(bool(conflicts) or not anything)  # about conflicts: not over refusals alone
        self.scroll.setVisible(anything)
        self.empty.setVisible(not anything)

    def _add_refusals(self, refusals: list[rejections.Rejection]) -> None:
        self.refusal_cards = []
        if not refusals:
            return
        self.list.addSpacing(8)
        self.list.addWidget(label(tr("refusals.title", n=len(refusals)), "subtitle"))
        intro = label(tr("refusals.intro"), "muted", wrap=True)
        intro.setMaximumWidth(900)
        self.list.addWidget(intro)
        lines = refusal_case_lines(self.store, refusals)
        for r in refusals:
            card = RefusalCard(r, self.workers, lines.get(r.mutation_id, ""), r.mutation_id in lines)
            card.resend.connect(self._resend)
            card.discard.connect(self._discard)
            card.open_case.connect(self.caseRequested)
            self.list.addWidget(card)
            self.refusal_cards.append(card)

    def _add_quarantined(self, items: list[quarantine.Quarantined]) -> None:
        self.quarantine_cards = []
        if not items:
            return
        self.list.addSpacing(8)
        self.list.addWidget(label(tr("quarantine.title", n=len(items)), "subtitle"))
        intro = label(i18n.text("quarantine_help", language()), "muted", wrap=True)
        intro.setMaximumWidth(900)
        self.list.addWidget(intro)
        for item in items:
            card = QuarantineCard(item)
            self.list.addWidget(card)
            self.quarantine_cards.append(card)

    def _resend(self, mutation_id: str) -> None:
        try:
            rejections.resend(self.store, mutation_id)
        except KnownError as exc:
            show_error(self, exc)
            return
        self.refresh()
        self.changed.emit()

    def _discard(self, mutation_id: str) -> None:
        card = next((c for c in self.refusal_cards if c.refusal.mutation_id == mutation_id), None)
        what = card.title.text() if card else ""
        if not confirm(self, tr("refusals.discard.title"), tr("refusals.discard.text", what=what)):
            return
        try:
            rejections.discard(self.store, mutation_id)
        except KnownError as exc:
            show_error(self, exc)
            return
        self.refresh()
        self.changed.emit()

    def _resolve(self, conflict_id: str, keep: str | None, value: str | None = None) -> None:
        resolve_one(self, self.store, conflict_id, keep, value)
        self.refresh()
        self.changed.emit()
