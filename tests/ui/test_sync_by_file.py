""" "Sinkronisasi lewat berkas…" in the app (issue 18): a bundle written through a file dialog, applied by the
real server code, and its reply applied with the sync's progress and summary; a changed reply is refused
in words. The laptop is a real profile joined to the real server over HTTP (tests/ui/test_sync_ui.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from caseworker.server import bundles
from caseworker.store import syncstate
from caseworker.sync import bundle_format as bf
from tests.ui.conftest import wait_idle
from tests.ui.test_sync_ui import (  # noqa: F401 - fixtures
    close_boxes,
    device,
    laptop,
    live,
    new_case,
    shown_texts,
    wait_sync,
)
from ui import errors


def _choose(qtbot, window, button: str, monkeypatch, path: Path) -> None:  # noqa: ANN001
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions_["sync_file"].trigger()
    [box] = [
        b
        for b in errors.shown
        if isinstance(b, QMessageBox) and b.windowTitle() == "Sinkronisasi lewat berkas"
    ]
    [chosen] = [b for b in box.buttons() if b.text() == button]
    chosen.click()
    wait_sync(qtbot, window)


def test_a_bundle_and_its_reply_go_through_the_file_sync_action(
    qtbot, live, device, laptop, tmp_path: Path, monkeypatch  # noqa: F811
) -> None:  # fmt: skip
    window = laptop
    action = window.actions_["sync_file"]
    assert action.text() == "Sinkronisasi lewat berkas…" and action.isEnabled()
    budi = device("budi")
    _, theirs = budi.new_case("Bayi Kenanga")
    budi.sync()
    mine = new_case(window, "Bayi Melati")

    stick = tmp_path / "stick.cwb"
    _choose(qtbot, window, "Buat berkas kiriman…", monkeypatch, stick)
    assert stick.exists() and b"Melati" not in stick.read_bytes()
    assert any(t.startswith("Berkas sinkronisasi ditulis") for t in shown_texts()), shown_texts()
    close_boxes()
    assert syncstate.pending_count(window.store) == 2  # waiting for the reply

    sealed, _ = bundles.apply(live.srv.db, str(stick), stick.read_bytes())
    assert mine in live.srv.rows("cases")
    reply = tmp_path / "reply.cwb"
    bf.write(reply, sealed)
    changed = tmp_path / "changed.cwb"
    changed.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 1]))

    _choose(qtbot, window, "Terapkan balasan…", monkeypatch, changed)
    assert any("tanda tangan tidak cocok" in t for t in shown_texts()), shown_texts()
    close_boxes()
    assert syncstate.pending_count(window.store) == 2

    _choose(qtbot, window, "Terapkan balasan…", monkeypatch, reply)
    result = window.sync.last_result
    assert result.completed and result.pushed == 2 and result.pulled >= 2
    assert syncstate.pending_count(window.store) == 0
    window.workspace.select_nav("facility")
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.workspace.list_page.model.row_of(theirs) >= 0, timeout=5000)
