"""Issue 15, item 10: the smaller things a worker met on a real laptop, each with the test that found it."""

from __future__ import annotations

import socket
from pathlib import Path

from PySide6.QtCore import Qt

from caseworker.store import syncstate
from caseworker.store.profile import is_profile, read_profile
from tests.ui.conftest import PASSWORD, wait_idle
from ui.sync.connect import ConnectDialog, server_url


def test_a_profile_without_a_server_shows_no_count_of_changes_not_sent(qtbot, signed_in) -> None:
    window = signed_in
    wait_idle(qtbot, window)
    assert syncstate.pending_count(window.store) > 0  # the outbox fills all the same
    window.workspace.refresh_counts()
    wait_idle(qtbot, window)
    assert not window.pending_label.isVisible()
    assert not any(
        "belum dikirim" in label.text()
        for label in window.statusBar().findChildren(type(window.pending_label))
        if label.isVisible()
    )


# -- (d) the welcome page's server address -----------------------------------------------------------------
def test_a_bare_host_and_port_on_this_computer_or_the_office_network_means_http() -> None:
    assert server_url("127.0.0.1:8765") == "http://127.0.0.1:8765"
    assert server_url("localhost:8765") == "http://localhost:8765"
    assert server_url("192.168.1.20:8765") == "http://192.168.1.20:8765"
    assert server_url("sinkron.dinsos.example.go.id") == "https://sinkron.dinsos.example.go.id"
    assert server_url("https://10.0.0.5:8443") == "https://10.0.0.5:8443"  # typed schemes are kept


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _type_and_connect(qtbot, dialog, server: str) -> None:
    for field, text in ((dialog.server, server), (dialog.username, "ani"), (dialog.password, PASSWORD)):
        field.setFocus()
        qtbot.keyClicks(field, text)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def test_a_refused_connection_says_no_server_answers_at_that_address(qtbot, tmp_path: Path) -> None:
    dialog = ConnectDialog(tmp_path / "joined", None)
    qtbot.addWidget(dialog)
    dialog.show()
    port = _free_port()  # nothing listens there
    _type_and_connect(qtbot, dialog, f"127.0.0.1:{port}")
    qtbot.waitUntil(lambda: not dialog.busy and bool(dialog.issues.texts()), timeout=10000)
    [text] = dialog.issues.texts()
    assert text.startswith(f"Tidak ada server yang menjawab di http://127.0.0.1:{port}: sambungan ditolak.")
    assert "internet" not in text
    assert not is_profile(tmp_path / "joined")


def test_joining_a_server_typed_as_host_and_port(qtbot, tmp_path: Path, monkeypatch) -> None:
    from tests.core.sync_support import cheap_crypto
    from tests.ui.test_sync_ui import LiveServer

    cheap_crypto(monkeypatch)
    live = LiveServer(tmp_path)
    try:
        dialog = ConnectDialog(tmp_path / "joined", None)
        qtbot.addWidget(dialog)
        dialog.show()
        with qtbot.waitSignal(dialog.enrolled, timeout=15000) as joined:
            _type_and_connect(qtbot, dialog, f"127.0.0.1:{live.port}")
        store, transport = joined.args
        assert read_profile(tmp_path / "joined")["server_url"] == live.url  # http://127.0.0.1:port
        transport.close()
        store.close()
    finally:
        live.close()
