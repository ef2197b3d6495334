"""The banner over a case with open sync conflicts: what happened in one sentence, then each conflict with
both values side by side and a button under each to keep it. Hidden when the case has none."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout

from caseworker.store.store import Store
from caseworker.sync.state import case_conflicts
from ui.i18n import register, tr
from ui.sync.conflict_card import ConflictCard, banner_icon
from ui.sync.conflicts_view import resolve_one
from ui.widgets import label

register(
    {
        "banner.title": ("Konflik sinkronisasi pada kasus ini", "Sync conflict on this case"),
        "banner.title_many": ("{n} konflik sinkronisasi pada kasus ini", "{n} sync conflicts on this case"),
        "banner.text": (
            "Data yang sama diubah di dua perangkat saat tidak terhubung. Pilih nilai yang benar; pilihan "
            "Anda dikirim pada sinkronisasi berikutnya.",
            "The same data was changed on two devices while offline. Choose the right value; your choice is "
            "sent with the next sync.",
        ),
    }
)

BANNER_STYLE = "QFrame#ConflictBanner { background: #fff8ec; border: 1px solid #efd6a3; border-radius: 8px; }"


class ConflictBanner(QFrame):
    """`resolved()` after a conflict was resolved here (the case view reloads)."""

    resolved = Signal()

    def __init__(self, store: Store, workers: dict[str, str]) -> None:
        super().__init__()
        self.store, self.workers = store, workers
        self.setObjectName("ConflictBanner")
        self.setStyleSheet(BANNER_STYLE)
        self.cards: list[ConflictCard] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(8)
        head = QHBoxLayout()
        mark = QLabel()
        mark.setPixmap(banner_icon(20))
        head.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        words.setSpacing(2)
        self.title = label("", "subtitle")
        self.title.setStyleSheet("color: #6b4100;")
        words.addWidget(self.title)
        words.addWidget(label(tr("banner.text"), wrap=True))
        head.addLayout(words, 1)
        layout.addLayout(head)
        self.list = QVBoxLayout()
        self.list.setSpacing(8)
        layout.addLayout(self.list)
        self.setVisible(False)

    def load(self, case_id: str, person_id: str | None) -> None:
        conflicts = case_conflicts(self.store, case_id, person_id)
        while self.list.count():
            item = self.list.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.cards = []
        for c in conflicts:
            card = ConflictCard(c, self.workers)
            card.resolve.connect(self._resolve)
            card.resolve_value.connect(lambda cid, value: self._resolve(cid, None, value))
            self.list.addWidget(card)
            self.cards.append(card)
        n = len(conflicts)
        self.title.setText(tr("banner.title") if n == 1 else tr("banner.title_many", n=n))
        self.setVisible(n > 0)

    def _resolve(self, conflict_id: str, keep: str | None, value: str | None = None) -> None:
        resolve_one(self, self.store, conflict_id, keep, value)
        self.resolved.emit()
