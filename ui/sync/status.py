"""The sync part of the status bar: online or offline, when the last sync completed, how many changes wait
to be sent, and a Sync button (the same action as the menu and F5)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QStatusBar, QToolButton

from caseworker.numbers import format_bytes, format_count
from caseworker.store.store import Store
from caseworker.sync import state
from ui.i18n import fmt_datetime, register, tr
from ui.style import SUCCESS, WARNING

register(
    {
        "status.online": ("Daring", "Online"),
        "status.online.tip": (
            "Terhubung ke {server}. Sinkronisasi terakhir berhasil.",
            "Connected to {server}. The last sync worked.",
        ),
        "status.unreachable.tip": (
            "Server {server} tidak dapat dihubungi. Semua pekerjaan tersimpan di laptop ini; coba lagi dengan F5.",
            "The server {server} cannot be reached. All work is saved on this laptop; try again with F5.",
        ),
        "status.not_yet.tip": (
            "Bekerja tanpa koneksi. Tekan F5 untuk sinkronisasi dengan {server}.",
            "Working without a connection. Press F5 to sync with {server}.",
        ),
        "status.sync_button": ("Sinkronkan", "Sync"),
        "status.pending_size": (
            "Perubahan belum dikirim: {n} (± {size})",
            "Changes not yet sent: {n} (about {size})",
        ),
        "status.pending_size.tip": (
            "Kira-kira sebanyak ini yang akan dikirim lewat jaringan pada sinkronisasi berikutnya (sudah dimampatkan).",
            "About this much goes over the network with the next sync (compressed).",
        ),
        "status.pending_waiting": (
            "Perubahan belum dikirim: {n} ({waiting} menunggu pengguna lain)",
            "Changes not yet sent: {n} ({waiting} waiting for another user)",
        ),
        "status.pending_waiting.tip": (
            "Perubahan pengguna lain di laptop ini dikirim saat pengguna itu menyinkronkan dengan sesinya "
            "sendiri, agar tercatat atas namanya.",
            "Other users' changes on this laptop are sent when that user syncs with their own session, so "
            "they are recorded under their name.",
        ),
    }
)


class SyncStatus:
    """Labels and the Sync button in `bar`; `set_online`, `set_pending` and `show_last_sync` update them."""

    def __init__(self, bar: QStatusBar, store: Store, action: QAction) -> None:
        self.store = store
        self.server = str(store.profile.get("server_url") or "")
        self.online_label = QLabel()
        self.online_label.setObjectName("OnlineStatus")
        self.sync_label = QLabel()
        self.sync_label.setObjectName("LastSync")
        self.pending_label = QLabel(tr("status.pending", n=0))
        self.pending_label.setObjectName("PendingStatus")
        self.button = QToolButton()
        self.button.setObjectName("SyncButton")
        self.button.setDefaultAction(action)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setAutoRaise(True)
        self.button.setText(tr("status.sync_button"))
        bar.addWidget(self.online_label)
        bar.addWidget(self.sync_label)
        bar.addWidget(self.pending_label)
        bar.addPermanentWidget(self.button)
        self.set_online("unknown")
        self.show_last_sync()

    def set_online(self, value: str) -> None:
        """ "online" after a sync reached the server, "offline" when it could not, "unknown" before any."""
        if not state.is_server_profile(self.store):
            text, colour, tip = tr("status.offline"), WARNING, tr("status.offline.tip")
        elif value == "online":
            text, colour, tip = tr("status.online"), SUCCESS, tr("status.online.tip", server=self.server)
        elif value == "offline":
            text, colour, tip = (
                tr("status.offline"),
                WARNING,
                tr("status.unreachable.tip", server=self.server),
            )
        else:
            text, colour, tip = tr("status.offline"), WARNING, tr("status.not_yet.tip", server=self.server)
        self.online_label.setText("●  " + text)
        self.online_label.setStyleSheet(f"color: {colour};")
        self.online_label.setToolTip(tip)

    def show_last_sync(self) -> None:
        last = state.last_sync_at(self.store)
        self.sync_label.setText(
            tr("status.last_sync", when=fmt_datetime(last) if last else tr("status.never"))
        )

    def set_pending(self, n: int, waiting: int = 0) -> None:
        """`n` changes not yet sent, `waiting` of them written by other users of this laptop (their sync)."""
        shown = format_count(n)
        if waiting:
            others = format_count(waiting)
            self.pending_label.setText(tr("status.pending_waiting", n=shown, waiting=others))
            self.pending_label.setToolTip(tr("status.pending_waiting.tip"))
        elif n and state.is_server_profile(self.store):
            size = format_bytes(state.pending_wire_bytes(self.store))
            self.pending_label.setText(tr("status.pending_size", n=shown, size=size))
            self.pending_label.setToolTip(tr("status.pending_size.tip"))
        else:
            self.pending_label.setText(tr("status.pending", n=shown))
            self.pending_label.setToolTip("")
