"""Asking for the server password again when the server session ended (the sync then continues)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout, QWidget

from ui.i18n import register, tr
from ui.widgets import IssueList, button, label, row

register(
    {
        "relogin.title": ("Masuk lagi ke server", "Sign in to the server again"),
        "relogin.text": (
            "Sesi server Anda sudah berakhir. Ketik kata sandi server untuk {user}; sinkronisasi lalu dilanjutkan. "
            "Data di laptop ini tetap aman.",
            "Your server session has ended. Type the server password of {user}; the sync then continues. "
            "The data on this laptop is safe.",
        ),
        "relogin.first_title": ("Masuk ke server", "Sign in to the server"),
        "relogin.first_text": (
            "{user} belum masuk ke server di laptop ini. Ketik kata sandi server untuk {user}; sinkronisasi "
            "lalu berjalan dengan sesi {user} sendiri, sehingga perubahan tercatat atas nama {user}. "
            "Perubahan pengguna lain di laptop ini menunggu sinkronisasi mereka sendiri.",
            "{user} has not signed in to the server on this laptop. Type the server password of {user}; the "
            "sync then runs with the session of {user}, so the changes are recorded under the name of "
            "{user}. Other users' changes on this laptop wait for their own sync.",
        ),
        "relogin.password": ("Kata sandi", "Password"),
        "relogin.button": ("Masuk dan sinkronkan", "Sign in and sync"),
    }
)


class PasswordDialog(QDialog):
    """`password_given(text)` when the user pressed the button."""

    password_given = Signal(str)

    def __init__(
        self, username: str, error: str = "", parent: QWidget | None = None, first: bool = False
    ) -> None:
        """`first`: the user has no server session on this laptop yet (a shared laptop's other user)."""
        super().__init__(parent)
        title = tr("relogin.first_title") if first else tr("relogin.title")
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.setSpacing(10)
        layout.addWidget(label(title, "subtitle"))
        text = tr("relogin.first_text" if first else "relogin.text", user=username)
        self.text = label(text, wrap=True)
        layout.addWidget(self.text)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("relogin.password"))
        layout.addWidget(self.password)
        self.issues = IssueList()
        self.issues.set_issues([("error", error)] if error else [])
        layout.addWidget(self.issues)
        cancel = button(tr("common.cancel"))
        cancel.clicked.connect(self.reject)
        self.ok = button(tr("relogin.button"), "sync", primary=True)
        self.ok.setDefault(True)
        self.ok.clicked.connect(self._submit)
        self.password.textChanged.connect(lambda text: self.ok.setEnabled(bool(text)))
        self.ok.setEnabled(False)
        layout.addLayout(row(None, cancel, self.ok))

    def _submit(self) -> None:
        if self.password.text():
            self.accept()
            self.password_given.emit(self.password.text())
