"""A device the server's admin revoked: the data is locked away (a page instead of the workspace) and the
user is offered to wipe it from this laptop. Wiping asks first and says plainly what would be lost: changes
not yet sent must be acknowledged with a tick before the button works."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.i18n import register, tr
from ui.style import DANGER, icon
from ui.widgets import button, label, row

register(
    {
        "revoked.title": ("Akses laptop ini dicabut", "This laptop's access was revoked"),
        "revoked.text": (
            "Admin server telah mencabut akses laptop ini, misalnya karena laptop hilang atau diganti. Data "
            "kasus tidak dapat dibuka atau disinkronkan lagi dari sini.",
            "The server's admin revoked this laptop's access, for example because it was lost or replaced. "
            "Case data can no longer be opened or synced from here.",
        ),
        "revoked.all_sent": (
            "Semua perubahan Anda sudah terkirim ke server.",
            "All your changes have reached the server.",
        ),
        "revoked.unsent": (
            "{n} perubahan belum terkirim ke server. Bila data dihapus, perubahan itu hilang. Hubungi admin "
            "bila perubahan itu masih diperlukan.",
            "{n} changes have not reached the server. If the data is wiped, they are lost. Contact your admin "
            "if those changes are still needed.",
        ),
        "revoked.wipe": ("Hapus data dari laptop ini…", "Wipe the data from this laptop…"),
        "revoked.leave": ("Keluar", "Sign out"),
        "wipe.title": ("Hapus data dari laptop ini?", "Wipe the data from this laptop?"),
        "wipe.text": (
            "Basis data terenkripsi, dokumen dan sesi server profil ini dihapus dari laptop ini. Ini tidak "
            "dapat dibatalkan. Data yang sudah di server tetap aman di server.",
            "This profile's encrypted database, documents and server session are deleted from this laptop. "
            "This cannot be undone. Data already on the server stays safe there.",
        ),
        "wipe.confirm_unsent": (
            "Saya mengerti bahwa {n} perubahan yang belum terkirim akan hilang.",
            "I understand that {n} changes not yet sent will be lost.",
        ),
        "wipe.button": ("Hapus data sekarang", "Wipe the data now"),
        "wipe.done": (
            "Data profil telah dihapus dari laptop ini.",
            "The profile's data was wiped from this laptop.",
        ),
    }
)


class RevokedPage(QWidget):
    """Shown instead of the workspace. `wipe_requested` after the user confirmed; `leave` signs out."""

    wipe_requested = Signal()
    leave = Signal()

    def __init__(self, pending: int) -> None:
        super().__init__()
        self.setObjectName("Page")
        self.pending = pending
        self.dialog: WipeDialog | None = None
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        card = QFrame()
        card.setObjectName("LoginCard")
        card.setFixedWidth(560)
        lay = QVBoxLayout(card)
        lay.setContentsMargins(28, 24, 28, 22)
        lay.setSpacing(10)
        mark = QLabel()
        mark.setPixmap(icon("lock", DANGER).pixmap(36, 36))
        lay.addWidget(mark)
        lay.addWidget(label(tr("revoked.title"), "subtitle"))
        lay.addWidget(label(tr("revoked.text"), wrap=True))
        self.unsent = label(
            tr("revoked.unsent", n=pending) if pending else tr("revoked.all_sent"),
            "warning" if pending else "ok", wrap=True,
        )  # fmt: skip
        lay.addWidget(self.unsent)
        lay.addSpacing(6)
        self.leave_button = button(tr("revoked.leave"), "logout")
        self.leave_button.clicked.connect(self.leave)
        self.wipe_button = button(tr("revoked.wipe"))
        self.wipe_button.setStyleSheet(f"QPushButton {{ color: {DANGER}; }}")
        self.wipe_button.clicked.connect(self.ask_wipe)
        lay.addLayout(row(self.leave_button, None, self.wipe_button))
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(card)
        middle.addStretch(1)
        outer.addLayout(middle)
        outer.addStretch(3)

    def ask_wipe(self) -> None:
        self.dialog = WipeDialog(self.pending, self)
        self.dialog.accepted.connect(self.wipe_requested)
        self.dialog.open()


class WipeDialog(QDialog):
    def __init__(self, pending: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("wipe.title"))
        self.setMinimumWidth(480)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(22, 18, 22, 16)
        lay.setSpacing(10)
        lay.addWidget(label(tr("wipe.title"), "subtitle"))
        lay.addWidget(label(tr("wipe.text"), wrap=True))
        self.understood: QCheckBox | None = None
        self.ok = button(tr("wipe.button"), primary=True)
        self.ok.setStyleSheet(f"QPushButton {{ background: {DANGER}; border-color: {DANGER}; }}"
                              " QPushButton:disabled { background: #e7b4ae; border-color: #e7b4ae; }")  # fmt: skip
        if pending:
            self.understood = QCheckBox(tr("wipe.confirm_unsent", n=pending))
            self.understood.toggled.connect(self.ok.setEnabled)
            lay.addWidget(self.understood)
            self.ok.setEnabled(False)
        cancel = button(tr("common.cancel"))
        cancel.setDefault(True)
        cancel.clicked.connect(self.reject)
        self.ok.clicked.connect(self.accept)
        lay.addLayout(row(None, cancel, self.ok))
        self.setWindowModality(Qt.WindowModality.WindowModal)
