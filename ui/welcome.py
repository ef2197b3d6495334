"""First run without a profile: connect to a server (ui.sync.connect: the account's facility and role come
from the server) or work on this laptop alone (create a local profile: facility code and name, the first
user, a password of at least 8 characters)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from caseworker.security.keyslots import MIN_PASSWORD_LENGTH
from ui.i18n import register, tr
from ui.widgets import IssueList, button, label, row

register(
    {
        "welcome.title": ("Selamat datang di Caseworker", "Welcome to Caseworker"),
        "welcome.text": (
            "Laptop ini belum memiliki profil. Pilih cara Anda bekerja.",
            "This laptop has no profile yet. Choose how you will work.",
        ),
        "welcome.server": ("Hubungkan ke server", "Connect to a server"),
        "welcome.server.text": (
            "Masuk dengan akun dari server dinas; data disinkronkan saat ada internet.",
            "Sign in with an account from the agency's server; data syncs when there is internet.",
        ),
        "welcome.standalone": ("Bekerja mandiri", "Work on this laptop"),
        "welcome.standalone.text": (
            "Buat profil lokal untuk unit Anda. Semua data tersimpan terenkripsi di laptop ini.",
            "Create a local profile for your unit. All data is kept encrypted on this laptop.",
        ),
        "create.title": ("Profil baru", "New profile"),
        "create.facility_code": ("Kode unit", "Facility code"),
        "create.facility_code.hint": ("2-10 huruf/angka, mis. SDA", "2-10 letters or digits, e.g. SDA"),
        "create.facility_name": ("Nama unit", "Facility name"),
        "create.facility_name.hint": ("mis. UPT PPSAB Sidoarjo", "e.g. UPT PPSAB Sidoarjo"),
        "create.username": ("Nama pengguna", "User name"),
        "create.full_name": ("Nama lengkap", "Full name"),
        "create.password": ("Kata sandi", "Password"),
        "create.password2": ("Ulangi kata sandi", "Repeat the password"),
        "create.rules": (
            "Kata sandi minimal {n} karakter. Kata sandi membuka kunci data terenkripsi: bila lupa, data tidak "
            "dapat dibuka (kecuali oleh pengguna lain profil ini). Anda menjadi pengelola profil dan dapat "
            "menambah pengguna lain.",
            "The password needs at least {n} characters. It unlocks the encrypted data: if it is forgotten, the "
            "data cannot be opened (except by another user of this profile). You manage the profile and can add "
            "other users.",
        ),
        "create.button": ("Buat profil", "Create profile"),
        "create.busy": ("Membuat profil…", "Creating the profile…"),
        "create.need": ("{label} wajib diisi.", "{label} is required."),
        "create.bad_code": (
            "Kode unit harus 2-10 huruf/angka tanpa spasi.",
            "The facility code must be 2-10 letters or digits without spaces.",
        ),
        "create.bad_username": (
            "Nama pengguna hanya huruf kecil, angka, titik, garis bawah atau tanda hubung.",
            "The user name may contain only lower-case letters, digits, dots, underscores or hyphens.",
        ),
        "create.short": (
            "Kata sandi minimal {n} karakter (sekarang {length}).",
            "The password needs at least {n} characters (now {length}).",
        ),
        "create.mismatch": ("Kedua kata sandi tidak sama.", "The two passwords differ."),
    }
)


def _choice_card(title: str, text: str, action) -> tuple[QFrame, QWidget]:  # noqa: ANN001
    frame = QFrame()
    frame.setProperty("card", True)
    frame.setFixedWidth(330)
    lay = QVBoxLayout(frame)
    lay.setContentsMargins(22, 20, 22, 20)
    lay.addWidget(label(title, "subtitle"))
    lay.addWidget(label(text, "muted", wrap=True))
    lay.addStretch(1)
    lay.addWidget(action)
    return frame, action


class WelcomePage(QWidget):
    """`create_requested(values)` with facility_code, facility_name, username, full_name, password;
    `connect_requested()` when the user chose to join a server."""

    create_requested = Signal(dict)
    connect_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("Page")
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        title = label(tr("welcome.title"), "title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(title)
        text = label(tr("welcome.text"), "muted")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(text)
        outer.addSpacing(18)
        self.stack = QStackedWidget()
        choices = QWidget()
        choice_row = QHBoxLayout(choices)
        self.server_button = button(tr("welcome.server"), "sync")
        self.server_button.clicked.connect(self.connect_requested)
        self.standalone_button = button(tr("welcome.standalone"), "user", primary=True)
        self.standalone_button.clicked.connect(lambda: self.stack.setCurrentIndex(1))
        server_card, _ = _choice_card(tr("welcome.server"), tr("welcome.server.text"), self.server_button)
        local_card, _ = _choice_card(
            tr("welcome.standalone"), tr("welcome.standalone.text"), self.standalone_button
        )
        choice_row.addStretch(1)
        choice_row.addWidget(server_card)
        choice_row.addSpacing(16)
        choice_row.addWidget(local_card)
        choice_row.addStretch(1)
        self.stack.addWidget(choices)
        self.stack.addWidget(self._create_form())
        outer.addWidget(self.stack)
        outer.addStretch(3)

    def _create_form(self) -> QWidget:
        holder = QWidget()
        card = QFrame()
        card.setObjectName("LoginCard")
        card.setFixedWidth(520)
        lay = QVBoxLayout(card)
        lay.setContentsMargins(28, 22, 28, 22)
        lay.addWidget(label(tr("create.title"), "subtitle"))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.facility_code = QLineEdit()
        self.facility_code.setPlaceholderText(tr("create.facility_code.hint"))
        self.facility_code.setMaxLength(10)
        self.facility_name = QLineEdit()
        self.facility_name.setPlaceholderText(tr("create.facility_name.hint"))
        self.username = QLineEdit()
        self.full_name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(tr("create.facility_code") + " *", self.facility_code)
        form.addRow(tr("create.facility_name"), self.facility_name)
        form.addRow(tr("create.username") + " *", self.username)
        form.addRow(tr("create.full_name"), self.full_name)
        form.addRow(tr("create.password") + " *", self.password)
        form.addRow(tr("create.password2") + " *", self.password2)
        lay.addLayout(form)
        lay.addWidget(label(tr("create.rules", n=MIN_PASSWORD_LENGTH), "muted", wrap=True))
        self.issues = IssueList()
        lay.addWidget(self.issues)
        self.status = label("", "muted")
        lay.addWidget(self.status)
        back = button(tr("newcase.back"), "back")
        back.clicked.connect(lambda: self.stack.setCurrentIndex(0))
        self.create_button = button(tr("create.button"), primary=True)
        self.create_button.clicked.connect(self._submit)
        lay.addLayout(row(back, None, self.create_button))
        for widget in (self.facility_code, self.facility_name, self.username, self.full_name, self.password,
                       self.password2):  # fmt: skip
            widget.textChanged.connect(self.revalidate)
        h = QHBoxLayout(holder)
        h.addStretch(1)
        h.addWidget(card)
        h.addStretch(1)
        self.revalidate()
        return holder

    def problems(self, final: bool = False) -> list[str]:
        out = []
        code = self.facility_code.text().strip()
        if code and not (2 <= len(code) <= 10 and code.isalnum()):
            out.append(tr("create.bad_code"))
        user = self.username.text().strip()
        if user and not all(ch.isdigit() or (ch.isalpha() and ch.islower()) or ch in "._-" for ch in user):
            out.append(tr("create.bad_username"))
        pw, pw2 = self.password.text(), self.password2.text()
        if pw and len(pw) < MIN_PASSWORD_LENGTH:
            out.append(tr("create.short", n=MIN_PASSWORD_LENGTH, length=len(pw)))
        if pw2 and pw != pw2:
            out.append(tr("create.mismatch"))
        if final:
            for widget, key in ((self.facility_code, "create.facility_code"), (self.username, "create.username"),
                                (self.password, "create.password")):  # fmt: skip
                if not widget.text().strip():
                    out.append(tr("create.need", label=tr(key)))
        return out

    def revalidate(self) -> None:
        problems = self.problems()
        self.issues.set_issues(("error", p) for p in problems)
        complete = all(
            w.text().strip() for w in (self.facility_code, self.username, self.password, self.password2)
        )
        self.create_button.setEnabled(not problems and complete)

    def _submit(self) -> None:
        problems = self.problems(final=True)
        if problems:
            self.issues.set_issues(("error", p) for p in problems)
            return
        self.create_button.setEnabled(False)
        self.status.setText(tr("create.busy"))
        self.create_requested.emit(
            {"facility_code": self.facility_code.text().strip().upper(),
             "facility_name": self.facility_name.text().strip(), "username": self.username.text().strip(),
             "full_name": self.full_name.text().strip(), "password": self.password.text()}
        )  # fmt: skip

    def failed(self, text: str) -> None:
        self.status.setText("")
        self.issues.set_issues([("error", text)])
        self.create_button.setEnabled(True)
