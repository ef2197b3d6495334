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
        "relogin.password": ("Kata sandi", "Password"),
        "relogin.button": ("Masuk dan sinkronkan", "Sign in and sync"),
    }
)


class PasswordDialog(QDialog):
    """`password_given(text)` when the user pressed the button."""

    password_given = Signal(str)

    def __init__(self, username: str, error: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("relogin.title"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.setSpacing(10)
        layout.addWidget(label(tr("relogin.title"), "subtitle"))
        layout.addWidget(label(tr("relogin.text", user=username), wrap=True))
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
