"""The login page (choose your name, type your password) and the lock page shown after idle time.

Checking a password derives a key (argon2id, ~0.3 s), so it runs off the UI thread; the page shows
"Memeriksa…" meanwhile. Several workers share one laptop: each has their own key slot and login.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QComboBox, QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

from caseworker import __version__
from caseworker.paths import resource
from ui.i18n import register, tr
from ui.style import icon
from ui.widgets import button, label, row

register(
    {
        "app.name": ("Caseworker", "Caseworker"),
        "app.tagline": ("Manajemen kasus pekerja sosial", "Case management for social workers"),
        "login.title": ("Masuk", "Sign in"),
        "login.user": ("Pengguna", "User"),
        "login.password": ("Kata sandi", "Password"),
        "login.button": ("Masuk", "Sign in"),
        "login.checking": ("Memeriksa kata sandi…", "Checking the password…"),
        "login.offline": (
            "Bekerja tanpa internet: data tersimpan terenkripsi di laptop ini.",
            "Works without internet: data is kept encrypted on this laptop.",
        ),
        "login.demo": (
            "Profil demo: masuk sebagai pekerja atau supervisor, kata sandi demo-demo.",
            "Demo profile: sign in as pekerja or supervisor, password demo-demo.",
        ),
        "login.empty_password": ("Ketik kata sandi Anda.", "Type your password."),
        "lock.title": ("Layar terkunci", "Screen locked"),
        "lock.text": (
            "Layar dikunci oleh {user}. Masukkan kata sandi {user} untuk melanjutkan; "
            "isian yang belum disimpan tetap ada.",
            "{user} locked the screen. Type {user}'s password to go on; unsaved input is kept.",
        ),
        "lock.text_idle": (
            "Caseworker dikunci karena tidak digunakan. Masukkan kata sandi {user} untuk melanjutkan; "
            "isian yang belum disimpan tetap ada.",
            "Caseworker was locked because it was not used. Type {user}'s password to go on; "
            "unsaved input is kept.",
        ),
        "lock.unlock": ("Buka kunci", "Unlock"),
        "lock.switch": ("Ganti pengguna", "Switch user"),
    }
)


class _PasswordCard(QFrame):
    """The shared card: a title, some words, a password box, an error line and a button."""

    submitted = Signal()

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setFixedWidth(420)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(32, 28, 32, 28)
        self.layout_.setSpacing(10)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setObjectName("PasswordField")
        self.password.returnPressed.connect(self.submitted)
        self.message = label("", "error", wrap=True)
        self.message.setVisible(False)
        self.submit = button("", primary=True)
        self.submit.clicked.connect(self.submitted)

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.submit.setEnabled(not busy)
        self.password.setEnabled(not busy)
        self.show_message(text, "muted" if busy else "error")

    def show_message(self, text: str, role: str = "error") -> None:
        from ui.style import set_role

        set_role(self.message, role)
        self.message.setText(text)
        self.message.setVisible(bool(text))


class LoginPage(QWidget):
    """`login_requested(username, password)`: the controller checks it in the background."""

    login_requested = Signal(str, str)

    def __init__(self, users: list[str], facility: str, demo: bool = False, last_user: str | None = None):
        super().__init__()
        self.setObjectName("Page")
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        logo_file = resource("icons", "caseworker.png")
        if logo_file.exists():
            logo = QLabel()
            logo.setPixmap(QPixmap(str(logo_file)).scaled(56, 56, Qt.AspectRatioMode.KeepAspectRatio,
                                                          Qt.TransformationMode.SmoothTransformation))  # fmt: skip
            logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
            outer.addWidget(logo)
        brand = label(tr("app.name"), "brand")
        brand.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tagline = label(tr("app.tagline"), "muted")
        tagline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(brand)
        outer.addWidget(tagline)
        outer.addSpacing(16)

        self.card = _PasswordCard("LoginCard")
        lay = self.card.layout_
        lay.addWidget(label(tr("login.title"), "title"))
        lay.addWidget(label(facility, "muted", wrap=True))
        lay.addSpacing(6)
        lay.addWidget(label(tr("login.user"), "fieldlabel"))
        self.user = QComboBox()
        self.user.setObjectName("UserCombo")
        for name in users:
            self.user.addItem(icon("user"), name, name)
        if last_user and last_user in users:
            self.user.setCurrentIndex(users.index(last_user))
        lay.addWidget(self.user)
        lay.addWidget(label(tr("login.password"), "fieldlabel"))
        lay.addWidget(self.card.password)
        lay.addWidget(self.card.message)
        self.card.submit.setText(tr("login.button"))
        lay.addSpacing(4)
        lay.addWidget(self.card.submit)
        if demo:
            hint = label(tr("login.demo"), "muted", wrap=True)
            hint.setObjectName("DemoHint")
            lay.addWidget(hint)
        self.card.submitted.connect(self._submit)
        outer.addLayout(row(None, self.card, None))
        outer.addSpacing(12)
        foot = label(f"{tr('login.offline')}   ·   v{__version__}", "muted")
        foot.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(foot)
        outer.addStretch(3)

    @property
    def password(self) -> QLineEdit:
        return self.card.password

    def _submit(self) -> None:
        if not self.card.password.text():
            self.card.show_message(tr("login.empty_password"))
            return
        self.card.set_busy(True, tr("login.checking"))
        self.login_requested.emit(self.user.currentData() or "", self.card.password.text())

    def failed(self, text: str) -> None:
        self.card.set_busy(False)
        self.card.show_message(text)
        self.card.password.selectAll()
        self.card.password.setFocus()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        super().showEvent(event)
        self.card.password.setFocus()


class LockPage(QWidget):
    """Hides the data; `unlock_requested(password)` or `switch_user`. Says whether the user locked the
    screen or idle time did."""

    unlock_requested = Signal(str)
    switch_user = Signal()

    def __init__(self, username: str, *, idle: bool = False) -> None:
        super().__init__()
        self.setObjectName("Page")
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        self.card = _PasswordCard("LockCard")
        lay = self.card.layout_
        title = label(tr("lock.title"), "title")
        lay.addWidget(title)
        self.reason = label(tr("lock.text_idle" if idle else "lock.text", user=username), "muted", wrap=True)
        lay.addWidget(self.reason)
        lay.addSpacing(4)
        lay.addWidget(label(tr("login.password"), "fieldlabel"))
        lay.addWidget(self.card.password)
        lay.addWidget(self.card.message)
        self.card.submit.setText(tr("lock.unlock"))
        self.card.submit.setIcon(icon("lock"))
        self.switch = button(tr("lock.switch"), "logout", flat=True)
        self.switch.clicked.connect(self.switch_user)
        lay.addLayout(row(self.switch, None, self.card.submit))
        self.card.submitted.connect(self._submit)
        outer.addLayout(row(None, self.card, None))
        outer.addStretch(3)

    @property
    def password(self) -> QLineEdit:
        return self.card.password

    def _submit(self) -> None:
        if not self.card.password.text():
            self.card.show_message(tr("login.empty_password"))
            return
        self.card.set_busy(True, tr("login.checking"))
        self.unlock_requested.emit(self.card.password.text())

    def failed(self, text: str) -> None:
        self.card.set_busy(False)
        self.card.show_message(text)
        self.card.password.selectAll()
        self.card.password.setFocus()

    def reset(self) -> None:
        self.card.set_busy(False)
        self.card.password.clear()
        self.card.password.setFocus()
