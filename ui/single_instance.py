"""One running app per profile folder: a second start brings the first window forward, or says why not.

The first app to open a folder listens on a local socket (a named pipe on Windows) whose name is derived
from the folder's resolved path; a second start connects, sends "raise" and exits with a sentence saying
so. After a crash the socket name can be left behind with no one listening: the connect then fails, the
stale name is removed and this app listens in its place.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from ui.i18n import register, tr

register(
    {
        "instance.title": ("Caseworker sudah terbuka", "Caseworker is already open"),
        "instance.raised": (
            "Profil ini sudah dibuka oleh Caseworker lain di komputer ini. Jendelanya sudah dimunculkan; "
            "lanjutkan bekerja di sana.",
            "This profile is already open in another Caseworker on this computer. Its window has been "
            "brought forward; carry on working there.",
        ),
    }
)

RAISE = b"raise\n"
CONNECT_MS = 500


def server_name(folder: Path) -> str:
    """The same for every spelling of one folder (relative, a symbolic link), and per user."""
    resolved = str(Path(folder).expanduser().resolve())
    who = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    digest = hashlib.sha256(f"{who}\0{resolved}".encode()).hexdigest()[:24]
    return f"caseworker-{digest}"


class ProfileGuard(QObject):
    """`claim()`: True when this app is now the one for the folder; False when another already is (it was
    asked to come forward). `raise_requested` fires in the first app when a second one starts."""

    raise_requested = Signal()

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(folder)
        self.server: QLocalServer | None = None

    def claim(self) -> bool:
        if self._ask_running_app_to_raise():
            return False
        QLocalServer.removeServer(self.name)  # a name left behind by a crash: no one answers on it
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            return True  # cannot listen (odd platform): run unguarded rather than not at all
        server.newConnection.connect(self._on_connection)
        self.server = server
        return True

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None

    def _ask_running_app_to_raise(self) -> bool:
        socket = QLocalSocket(self)
        socket.connectToServer(self.name)
        try:
            if not socket.waitForConnected(CONNECT_MS):
                return False
            socket.write(RAISE)
            socket.flush()
            socket.waitForBytesWritten(CONNECT_MS)
            socket.disconnectFromServer()
            return True
        finally:
            socket.deleteLater()

    def _on_connection(self) -> None:
        assert self.server is not None
        while self.server.hasPendingConnections():
            conn = self.server.nextPendingConnection()
            conn.readyRead.connect(lambda conn=conn: self._read(conn))
            conn.disconnected.connect(conn.deleteLater)
            if conn.bytesAvailable():
                self._read(conn)

    def _read(self, conn: QLocalSocket) -> None:
        if bytes(conn.readAll().data()).strip() == RAISE.strip():
            self.raise_requested.emit()


def tell_already_open(parent=None) -> None:  # noqa: ANN001 - a QWidget or None
    """The second start's words before it exits (also on stderr, for a start from a terminal)."""
    import sys

    from PySide6.QtWidgets import QMessageBox

    print("caseworker: " + tr("instance.raised"), file=sys.stderr)
    QMessageBox.information(parent, tr("instance.title"), tr("instance.raised"))
