"""Joining a server from the welcome page: server address, user name and password. The core's enrol logs in,
makes the encrypted profile in the window's profile folder (the same password unlocks it offline later)
and keeps the session tokens in the OS keyring. Errors are said in words, and nothing is created when the
login fails."""

from __future__ import annotations

import ipaddress
import logging
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from caseworker.errors import KnownError
from ui.i18n import register, tr
from ui.sync.controller import is_offline
from ui.tasks import run_in_background
from ui.widgets import IssueList, button, label, row

log = logging.getLogger("caseworker.ui")

register(
    {
        "connect.title": ("Hubungkan ke server", "Connect to a server"),
        "connect.text": (
            "Ketik alamat server yang diberikan admin dinas, lalu nama pengguna dan kata sandi akun Anda. "
            "Kata sandi yang sama membuka data di laptop ini saat tidak ada internet.",
            "Type the server address your agency's admin gave you, then your account's user name and password. "
            "The same password opens the data on this laptop when there is no internet.",
        ),
        "connect.server": ("Alamat server", "Server address"),
        "connect.server.hint": ("mis. https://sinkron.dinsos.example.go.id", "e.g. https://sync.example.org"),
        "connect.username": ("Nama pengguna", "User name"),
        "connect.password": ("Kata sandi", "Password"),
        "connect.button": ("Hubungkan", "Connect"),
        "connect.busy": ("Menghubungkan ke server…", "Connecting to the server…"),
        "connect.need": ("{label} wajib diisi.", "{label} is required."),
        "connect.bad_url": (
            "Alamat server tidak dikenali. Contoh yang benar: https://sinkron.dinsos.example.go.id",
            "The server address is not recognised. A correct example: https://sync.example.org",
        ),
        "connect.offline": (
            "Server {server} tidak dapat dihubungi. Periksa alamat server dan koneksi internet, lalu coba lagi.",
            "The server {server} cannot be reached. Check the server address and the internet connection, "
            "then try again.",
        ),
        "connect.refused": (
            "Tidak ada server yang menjawab di {server}: sambungan ditolak. Periksa alamat dan nomor port, "
            "dan apakah server sudah dijalankan di komputer itu.",
            "No server answers at {server}: the connection was refused. Check the address and the port "
            "number, and whether the server is running on that computer.",
        ),
        "connect.no_tls": (
            "Server di {server} tidak memakai https. Jika admin memberi alamat http://, ketik alamat itu "
            "lengkap dengan http://.",
            "The server at {server} does not use https. If your admin gave you an http:// address, type it "
            "with the http://.",
        ),
        "connect.bug": (
            "Terjadi kesalahan tak terduga saat menghubungkan. Tidak ada data yang dibuat; coba lagi atau "
            "hubungi admin.",
            "An unexpected error happened while connecting. No data was created; try again or contact your "
            "admin.",
        ),
    }
)


def _local_host(host: str) -> bool:
    """This computer or the office network (loopback, private and link-local addresses, names without a
    dot or under .local/.lan): a server there is reached over plain http, as `caseworker-server` serves."""
    host = host.strip("[]").lower()
    if host == "localhost" or "." not in host and ":" not in host or host.endswith((".local", ".lan")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local


def server_url(text: str) -> str | None:
    """The address as typed; with no scheme, http:// for this computer or the office network
    (127.0.0.1:8765, 192.168.1.5:8765, localhost) and https:// for any other host. None when it is not an
    address."""
    text = text.strip().rstrip("/")
    if not text:
        return None
    if "://" not in text:
        try:
            host = urlsplit("//" + text).hostname or ""
        except ValueError:
            return None
        text = ("http://" if host and _local_host(host) else "https://") + text
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in text:
        return None
    return text


def _caused_by(exc: BaseException, kind: type[BaseException], *words: str) -> bool:
    """Whether the error was caused by a `kind` error, or one whose message holds one of `words` (httpx
    wraps the socket's error in its own, and words it per platform: WinError 10061 is a refusal)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, kind) or any(word.lower() in str(current).lower() for word in words):
            return True
        current = current.__cause__ or current.__context__
    return False


class ConnectDialog(QDialog):
    """`enrolled(store, transport)` once the profile exists and the user is signed in."""

    enrolled = Signal(object, object)

    def __init__(self, folder: Path, transport_factory: Callable[[str, str], Any] | None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.folder, self.factory = folder, transport_factory
        self.setWindowTitle(tr("connect.title"))
        self.setMinimumWidth(540)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(10)
        layout.addWidget(label(tr("connect.title"), "subtitle"))
        layout.addWidget(label(tr("connect.text"), "muted", wrap=True))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.server = QLineEdit()
        self.server.setPlaceholderText(tr("connect.server.hint"))
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(tr("connect.server"), self.server)
        form.addRow(tr("connect.username"), self.username)
        form.addRow(tr("connect.password"), self.password)
        layout.addLayout(form)
        self.issues = IssueList()
        self.issues.setVisible(False)
        layout.addWidget(self.issues)
        self.status = label("", "muted")
        layout.addWidget(self.status)
        self.cancel_button = button(tr("common.cancel"))
        self.cancel_button.clicked.connect(self.reject)
        self.connect_button = button(tr("connect.button"), "sync", primary=True)
        self.connect_button.setDefault(True)
        self.connect_button.clicked.connect(self.submit)
        layout.addLayout(row(None, self.cancel_button, self.connect_button))
        self.busy = False

    def problems(self) -> list[str]:
        out = []
        for widget, key in ((self.server, "connect.server"), (self.username, "connect.username"),
                            (self.password, "connect.password")):  # fmt: skip
            if not widget.text().strip():
                out.append(tr("connect.need", label=tr(key)))
        if self.server.text().strip() and server_url(self.server.text()) is None:
            out.append(tr("connect.bad_url"))
        return out

    def submit(self) -> None:
        if self.busy:
            return
        problems = self.problems()
        self.issues.set_issues(("error", p) for p in problems)
        if problems:
            return
        url, user, secret = server_url(self.server.text()), self.username.text().strip(), self.password.text()
        folder, factory = self.folder, self.factory
        self._set_busy(True)

        def join() -> tuple[Any, Any]:
            from caseworker.sync.enrol import enrol, http_transport

            made: list[Any] = []

            def transport(server: str, device_id: str) -> Any:
                made.append((factory or http_transport)(server, device_id))
                return made[-1]

            try:
                return enrol(folder, str(url), user, secret, transport_factory=transport)
            except BaseException:
                for t in made:  # a failed join leaves no open connection behind
                    if hasattr(t, "close"):
                        t.close()
                raise

        run_in_background(join, self._done, lambda exc: self._failed(exc, str(url)))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.status.setText(tr("connect.busy") if busy else "")
        for widget in (self.server, self.username, self.password, self.connect_button, self.cancel_button):
            widget.setEnabled(not busy)

    def _done(self, result: tuple[Any, Any]) -> None:
        self._set_busy(False)
        store, transport = result
        self.accept()
        self.enrolled.emit(store, transport)

    def _failed(self, exc: BaseException, url: str) -> None:
        self._set_busy(False)
        if is_offline(exc) and _caused_by(exc, ConnectionRefusedError, "refused", "10061"):
            text = tr("connect.refused", server=url)
        elif is_offline(exc) and url.startswith("https://") and _caused_by(exc, ssl.SSLError, "SSL"):
            text = tr("connect.no_tls", server=url)
        elif is_offline(exc):
            text = tr("connect.offline", server=url)
        elif isinstance(exc, KnownError):
            text = exc.text()
        else:
            log.error("joining %s failed: %s", url, getattr(exc, "ui_traceback", repr(exc)))
            text = tr("connect.bug")
        self.issues.set_issues([("error", text)])
        self.password.setFocus()
        self.password.selectAll()

    def reject(self) -> None:
        if not self.busy:
            super().reject()
