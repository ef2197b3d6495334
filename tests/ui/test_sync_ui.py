"""Sync in the desktop app against the REAL server: the FastAPI app served by uvicorn on 127.0.0.1 (a thread of
this process, so the cheap test key derivation applies), reached by the app over real HTTP with the default
transport. Other devices are real profiles too (tests.core.sync_support.Device, through the same server
database). Joining from the welcome page, F5 pushing and pulling, a same-field conflict resolved with one
click, no connection, an expired session, a revoked device."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from caseworker.server import admin
from caseworker.server.app import create_app
from caseworker.store import cases, syncstate
from caseworker.store import repository as repo
from caseworker.store.profile import is_profile, read_profile
from caseworker.sync.enrol import enrol
from caseworker.sync.tokens import TokenStore
from tests.core.sync_support import PASSWORD, Device, Server, cheap_crypto
from tests.ui.conftest import login, wait_idle
from ui import errors
from ui.models import SYNC_STATE_ROLE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The server app over a fresh SQLite database (users ani, budi, sri… of sync_support), on a real port."""

    def __init__(self, folder: Path) -> None:
        self.srv = Server(f"sqlite:///{folder / 'server.db'}")
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(self.srv.db), host="127.0.0.1", port=self.port, log_level="error",
                                access_log=False, lifespan="off")  # fmt: skip
        self.uv = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.uv.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.uv.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        if self.thread.is_alive():
            self.uv.should_exit = True
            self.thread.join(10)

    def close(self) -> None:
        self.stop()
        self.srv.close()


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    cheap_crypto(monkeypatch)
    server = LiveServer(tmp_path)
    yield server
    server.close()


@pytest.fixture
def device(live: LiveServer, tmp_path: Path) -> Iterator:
    made: list[Device] = []

    def make(username: str) -> Device:
        made.append(Device(live.srv, tmp_path / f"device-{username}", username))
        return made[-1]

    yield make
    for d in made:
        d.close()


def open_window(qtbot, folder: Path, settings):  # noqa: ANN001, ANN201
    from ui.shell import MainWindow

    window = MainWindow(folder, settings)
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def laptop(qtbot, live: LiveServer, tmp_path: Path, settings) -> Iterator:  # noqa: ANN001
    """Ani's laptop, joined to the server (as `caseworker sync` would have done) and signed in."""
    store, transport = enrol(tmp_path / "laptop", live.url, "ani", PASSWORD)
    transport.close()
    store.close()
    window = open_window(qtbot, tmp_path / "laptop", settings)
    login(qtbot, window, "ani")
    yield window
    if window.workspace is not None:
        window.workspace.reader.wait()
    window.close()


def wait_sync(qtbot, window) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: window.sync is None or not window.sync.running(), timeout=10000)
    wait_idle(qtbot, window)


def press_f5(qtbot, window) -> None:  # noqa: ANN001
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.sync.running() or window.sync.last_result is not None or window.sync.last_error is not None
    wait_sync(qtbot, window)


def new_case(window, name: str) -> str:  # noqa: ANN001
    person = cases.register_person(window.store, {"name": name, "sex": "P", "birth_date": "2025-02-01"}).id
    case_id = cases.open_case(window.store, person, "01")
    window.workspace.data_changed()
    return case_id


def list_state(window, case_id: str) -> str | None:  # noqa: ANN001
    model = window.workspace.list_page.model
    row = model.row_of(case_id)
    return None if row < 0 else model.index(row, 0).data(SYNC_STATE_ROLE)


def shown_texts() -> list[str]:
    return [box.text() for box in errors.shown]


def close_boxes() -> None:
    for box in list(errors.shown):
        box.done(0)


# -- joining a server ---------------------------------------------------------------------------------------
def test_welcome_joins_a_server_then_signs_in_and_syncs(qtbot, live, device, tmp_path, settings) -> None:
    budi = device("budi")
    budi.new_case("Bayi Kenanga")
    budi.sync()
    folder = tmp_path / "new-laptop"
    window = open_window(qtbot, folder, settings)
    page = window.welcome_page
    assert page.server_button.isEnabled()
    page.server_button.click()
    dialog = window.connect_dialog
    assert dialog is not None and dialog.isVisible()

    dialog.connect_button.click()  # nothing typed: says what is missing, in Indonesian
    assert "Alamat server wajib diisi." in dialog.issues.texts()
    dialog.server.setText(live.url)
    dialog.username.setText("ani")
    dialog.password.setText("salah-sekali")
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    assert dialog.issues.texts() == ["Nama pengguna atau kata sandi server salah."]
    assert not is_profile(folder)  # a failed login creates nothing

    dialog.password.setText(PASSWORD)
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10000)
    wait_sync(qtbot, window)
    assert read_profile(folder)["mode"] == "server" and read_profile(folder)["server_url"] == live.url
    assert window.store.user.username == "ani" and window.store.facility()["code"] == "SDA"
    assert window.actions_["sync"].isEnabled()
    assert window.sync.last_result is not None and window.sync.last_result.completed
    assert "Daring" in window.online_label.text()
    assert "belum pernah" not in window.sync_label.text()
    window.workspace.select_nav("facility")
    wait_idle(qtbot, window)
    names = {
        window.workspace.list_page.model.index(r, 0).data()
        for r in range(window.workspace.list_page.model.rowCount())
    }
    assert "Bayi Kenanga" in names  # the first sync brought the facility's cases
    window.close()


def test_joining_an_unreachable_server_says_so_in_words(qtbot, tmp_path, settings, monkeypatch) -> None:
    cheap_crypto(monkeypatch)
    window = open_window(qtbot, tmp_path / "p", settings)
    window.welcome_page.server_button.click()
    dialog = window.connect_dialog
    dialog.server.setText("127.0.0.1:9 /x")
    dialog.username.setText("ani")
    dialog.password.setText(PASSWORD)
    dialog.connect_button.click()
    assert any("Alamat server tidak dikenali" in t for t in dialog.issues.texts())
    dialog.server.setText(f"http://127.0.0.1:{_free_port()}")
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    [text] = dialog.issues.texts()
    assert "Tidak ada server yang menjawab" in text and "Periksa alamat dan nomor port" in text
    assert window.workspace is None and not is_profile(tmp_path / "p")
    window.close()


# -- syncing ------------------------------------------------------------------------------------------------
def test_f5_sends_a_new_case_and_brings_another_devices_case(
    qtbot, qtmodeltester, live, device, laptop
) -> None:
    window = laptop
    assert window.actions_["sync"].shortcut().toString() == "F5"
    assert window.actions_["sync"].isEnabled()
    budi = device("budi")
    _, theirs = budi.new_case("Bayi Kenanga")
    budi.sync()
    mine = new_case(window, "Bayi Melati")
    window.workspace.select_nav("facility")
    wait_idle(qtbot, window)
    # the list and its sync marks arrive from the background reader: wait for them, then check
    qtbot.waitUntil(lambda: list_state(window, mine) is not None, timeout=5000)
    assert list_state(window, mine) == "pending"
    assert "Perubahan belum dikirim: 0" not in window.pending_label.text()

    press_f5(qtbot, window)
    assert window.sync.last_result.completed
    assert syncstate.pending_count(window.store) == 0
    assert mine in live.srv.rows("cases")  # sent
    assert window.workspace.list_page.model.row_of(theirs) >= 0  # received, in the list
    assert list_state(window, mine) == "synced" and list_state(window, theirs) == "synced"
    qtmodeltester.check(window.workspace.list_page.model)  # with the sync-state icons
    assert window.pending_label.text() == "Perubahan belum dikirim: 0"
    assert "belum pernah" not in window.sync_label.text() and "Daring" in window.online_label.text()
    assert window.workspace.counts["facility"] >= 2
    view = window.workspace.open_case(theirs)
    assert view.sync_badge.isVisible() and view.sync_badge.text() == "Tersinkron"
    assert view.sync_badge.toolTip() == "Kasus ini sama dengan data di server."  # no change of ours in it
    assert not view.sync_banner.isVisible()


def test_a_same_field_conflict_is_shown_and_resolved_with_one_click(
    qtbot, live, device, laptop, tmp_path
) -> None:
    window = laptop
    sri = device("sri")
    case_id = new_case(window, "Bayi Melati")
    press_f5(qtbot, window)
    sri.sync()
    repo.update(sri.store, "cases", case_id, {"risk": "high"})
    sri.sync()
    repo.update(window.store, "cases", case_id, {"risk": "low"})
    window.workspace.data_changed()
    press_f5(qtbot, window)
    assert window.sync.last_result.conflicts == 1
    assert window.workspace.counts["conflicts"] == 1
    window.workspace.select_nav("facility")
    wait_idle(qtbot, window)
    assert list_state(window, case_id) == "conflict"

    window.workspace.select_nav("conflicts")
    wait_idle(qtbot, window)
    page = window.workspace.side_pages["conflicts"]
    [card] = page.cards
    assert card.field_label.text() == "Tingkat risiko"
    assert (card.mine_value.text(), card.their_value.text()) == ("Rendah", "Tinggi")
    assert "Sri" in card.keep_theirs.text()
    assert card.write_button is None  # a coded field: one of the two values
    window.grab().save(str(tmp_path / "conflicts.png"))

    card.open_button.click()  # the case line opens the case, with the banner
    view = window.workspace.case_view
    assert window.workspace.showing_case() and view.case_id == case_id
    assert view.sync_banner.isVisible() and view.conflict_badge.isVisible()
    [banner_card] = view.sync_banner.cards
    assert (banner_card.mine_value.text(), banner_card.their_value.text()) == ("Rendah", "Tinggi")
    window.grab().save(str(tmp_path / "case-conflict.png"))
    banner_card.keep_mine.click()
    wait_idle(qtbot, window)
    assert not view.sync_banner.isVisible() and not view.conflict_badge.isVisible()
    assert view.sync_badge.text().startswith("Belum dikirim")
    assert window.store.one("SELECT risk FROM cases WHERE id = ?", [case_id])["risk"] == "low"
    assert window.workspace.counts["conflicts"] == 0

    press_f5(qtbot, window)  # the choice reaches the server and the other device
    sri.sync()
    assert sri.row("cases", case_id)["risk"] == "low" and sri.row("cases", case_id)["conflict"] == 0
    [row] = live.srv.rows("conflicts").values()
    assert (row["status"], row["resolution"], row["resolved_by"]) == ("resolved", "keep_device", "ani")
    assert view.sync_badge.text() == "Terkirim"  # issue 18: "Terkirim" means the receipts are held
    # The laptop holds the server's signed receipts for its changes of this case: the tip gives their date.
    tip = view.sync_badge.toolTip()
    assert "terkirim: server mengonfirmasinya dengan tanda terima" in tip and tip.endswith(" UTC."), tip


def test_no_connection_is_said_in_words_and_nothing_is_lost(qtbot, live, laptop) -> None:
    window = laptop
    case_id = new_case(window, "Bayi Melati")
    pending = syncstate.pending_count(window.store)
    live.stop()
    press_f5(qtbot, window)
    [text] = shown_texts()
    assert text.startswith("Tidak ada koneksi ke server.") and "tetap tersimpan di laptop ini" in text
    close_boxes()
    assert syncstate.pending_count(window.store) == pending  # the outbox is still there
    assert "Luring" in window.online_label.text()
    assert window.online_label.toolTip().startswith("Server http://127.0.0.1")
    window.workspace.select_nav("facility")
    wait_idle(qtbot, window)
    assert list_state(window, case_id) == "pending"
    # With about how much the next sync sends (a count of mutations, their compressed size).
    assert window.pending_label.text().startswith(f"Perubahan belum dikirim: {pending} (± ")
    assert window.pending_label.text().endswith(" B)") or window.pending_label.text().endswith(" kB)")


def test_cancel_during_the_pull_keeps_whole_pages_and_the_next_sync_completes(qtbot, device, laptop) -> None:
    window = laptop
    budi = device("budi")
    made = {budi.new_case(f"Anak {i}")[1] for i in range(12)}
    budi.sync()
    window.sync.pull_limit = 3  # many small pages
    transport = window.sync._transport()
    real_pull, pressed, calls = transport.pull, threading.Event(), []

    def pull(since: int, limit: int):  # noqa: ANN202
        calls.append(since)
        if len(calls) == 2:  # the second page waits until Cancel was pressed: no race with a fast server
            pressed.wait(5)
        return real_pull(since, limit)

    transport.pull = pull
    window.sync.start()
    dialog = window.sync.dialog
    seen: list[str] = []

    def progress(_done: int, _total: int, text: str) -> None:
        seen.append(text)
        if text.startswith("Menerima"):  # the first page is in: press Cancel
            window.sync.cancel()
            pressed.set()

    dialog.job.progress.connect(progress)
    wait_sync(qtbot, window)
    assert any(t.startswith("Menerima data dari server") for t in seen)
    assert window.sync.last_result is None  # cancelled: no result, the status line says so
    # Whatever arrived came in whole pages with their cursor: every case has its person.
    orphans = window.store.query(
        "SELECT c.id FROM cases c LEFT JOIN persons p ON p.id = c.person_id WHERE p.id IS NULL"
    )
    assert orphans == []
    here = {r["id"] for r in window.store.query("SELECT id FROM cases")}
    assert here < made and syncstate.cursor(window.store) > 0
    press_f5(qtbot, window)  # continues from the cursor
    assert window.sync.last_result.completed
    assert {r["id"] for r in window.store.query("SELECT id FROM cases")} == made
    assert window.workspace.counts["facility"] == len(made)


def test_an_expired_session_asks_for_the_password_and_continues(qtbot, laptop) -> None:
    window = laptop
    TokenStore(window.store.device_id, window.store.user.username).clear()  # the keyring lost it
    new_case(window, "Bayi Melati")
    press_f5(qtbot, window)
    dialog = window.sync.password_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.password.setText("salah-sekali")
    dialog.ok.click()
    wait_sync(qtbot, window)
    dialog = window.sync.password_dialog
    assert dialog.isVisible() and dialog.issues.texts() == ["Nama pengguna atau kata sandi server salah."]
    dialog.password.setText(PASSWORD)
    dialog.ok.click()
    wait_sync(qtbot, window)
    assert window.sync.last_result is not None and window.sync.last_result.completed
    assert syncstate.pending_count(window.store) == 0


def test_a_revoked_device_is_locked_and_can_be_wiped_after_a_warning(qtbot, live, laptop, tmp_path) -> None:
    window = laptop
    folder = window.profile_dir
    new_case(window, "Bayi Melati")
    admin.revoke_device(live.srv.db, window.store.device_id)
    press_f5(qtbot, window)
    page = window.revoked_page
    assert page is not None and window.stack.currentWidget() is page
    assert not window.menuBar().isVisible()
    assert "belum terkirim" in page.unsent.text()
    window.lock()  # the idle lock cannot lead back to the data
    assert window.stack.currentWidget() is page
    page.wipe_button.click()
    dialog = page.dialog
    assert not dialog.ok.isEnabled()  # unsent changes: the loss must be acknowledged first
    dialog.understood.setChecked(True)
    dialog.ok.click()
    qtbot.waitUntil(lambda: window.welcome_page is not None, timeout=5000)
    assert not is_profile(folder) and not (folder / "caseworker.db").exists()
    close_boxes()


def test_a_refused_note_is_shown_and_can_be_discarded(
    qtbot, live, device, laptop, tmp_path, monkeypatch
) -> None:
    """Sri hands Ani's case to Budi while Ani writes a note offline: the server refuses the note; Ani sees
    it under Konflik with the reason and its words, and decides."""
    from ui.sync import conflicts_view

    window = laptop
    sri = device("sri")
    _, case_id = sri.new_case("Dewi Lestari", assigned_to="ani")
    sri.sync()
    press_f5(qtbot, window)
    note_id = cases.add_note(window.store, case_id, "Ibu belum bisa datang minggu ini")
    window.workspace.data_changed()
    repo.update(sri.store, "cases", case_id, {"assigned_to": "budi"})
    sri.sync()
    press_f5(qtbot, window)
    assert window.sync.last_result.rejected == 1
    assert any("Catatan baru ditolak server: Anda tidak berwenang" in t for t in shown_texts())  # in words
    close_boxes()
    assert window.workspace.counts["conflicts"] == 1
    window.workspace.select_nav("facility")
    wait_idle(qtbot, window)
    assert list_state(window, case_id) == "refused"
    view = window.workspace.open_case(case_id)
    assert view.sync_badge.isVisible() and view.sync_badge.text() == "Ada perubahan ditolak server"

    window.workspace.select_nav("conflicts")
    wait_idle(qtbot, window)
    page = window.workspace.side_pages["conflicts"]
    assert page.cards == [] and page.scroll.isVisible() and not page.intro.isVisible()
    [card] = page.refusal_cards
    assert card.title.text() == "Catatan baru ditolak server"
    assert "dipindahkan ke pekerja lain" in card.reason.text()
    assert "Ibu belum bisa datang minggu ini" in card.content.text()
    window.grab().save(str(tmp_path / "refused.png"))

    card.resend_button.click()  # still Budi's case: refused on the laptop already, in words
    [text] = shown_texts()
    assert "tidak ditugaskan kepada Anda" in text
    close_boxes()

    monkeypatch.setattr(conflicts_view, "confirm", lambda *args: True)
    card.discard_button.click()
    wait_idle(qtbot, window)
    assert page.refusal_cards == [] and page.empty.isVisible()
    assert window.store.one("SELECT id FROM notes WHERE id = ?", [note_id]) is None
    assert window.workspace.counts["conflicts"] == 0
    window.workspace.select_nav("facility")
    wait_idle(qtbot, window)
    assert list_state(window, case_id) == "synced"


def test_a_text_conflict_can_be_settled_with_a_combined_value(qtbot, live, device, laptop) -> None:
    window = laptop
    sri = device("sri")
    case_id = new_case(window, "Bayi Melati")
    press_f5(qtbot, window)
    sri.sync()
    repo.update(sri.store, "cases", case_id, {"presenting_problem": "Ditinggal di depan panti"})
    sri.sync()
    repo.update(window.store, "cases", case_id, {"presenting_problem": "Ibu tidak mampu merawat"})
    window.workspace.data_changed()
    press_f5(qtbot, window)
    window.workspace.select_nav("conflicts")
    wait_idle(qtbot, window)
    [card] = window.workspace.side_pages["conflicts"].cards
    card.write_button.click()
    dialog = card.dialog
    assert dialog.isVisible() and dialog.editor.toPlainText() == "Ibu tidak mampu merawat"
    dialog.editor.setPlainText("")
    dialog.save_button.click()  # an empty value is refused, in words
    assert dialog.isVisible() and dialog.problem.text() == "Tulis nilainya dulu."
    dialog.editor.setPlainText("Ditinggal di depan panti; ibu tidak mampu merawat")
    dialog.save_button.click()
    wait_idle(qtbot, window)
    row = window.store.one("SELECT presenting_problem FROM cases WHERE id = ?", [case_id])
    assert row["presenting_problem"] == "Ditinggal di depan panti; ibu tidak mampu merawat"
    assert window.workspace.counts["conflicts"] == 0
    press_f5(qtbot, window)
    sri.sync()
    assert sri.row("cases", case_id)["presenting_problem"] == row["presenting_problem"]


def test_a_row_the_laptop_cannot_store_is_listed_under_konflik(qtbot, live, device, laptop) -> None:
    """An older server stored a second case with a number already in use: Ani's laptop syncs everything
    else and lists the row it set aside under Konflik, with the reason in words."""
    from tests.core.test_sync_quarantine import rewrite

    window = laptop
    budi = device("budi")
    _, first = budi.new_case("Anak Pertama")
    _, second = budi.new_case("Anak Kedua")
    budi.sync()
    rewrite(live.srv, "cases", second, case_number=budi.row("cases", first)["case_number"])
    press_f5(qtbot, window)
    assert window.sync.last_result.completed and window.sync.last_result.quarantined == 1
    assert any("1 data dari server disisihkan" in t for t in shown_texts())
    close_boxes()
    assert window.store.one("SELECT 1 FROM cases WHERE id = ?", [first])
    assert window.workspace.counts["conflicts"] == 1

    window.workspace.select_nav("conflicts")
    wait_idle(qtbot, window)
    page = window.workspace.side_pages["conflicts"]
    assert page.scroll.isVisible() and not page.empty.isVisible()
    [card] = page.quarantine_cards
    assert card.item.row_id == second
    assert budi.row("cases", first)["case_number"] in card.title.text()
    assert "sudah dipakai data lain" in card.reason.text() and "nomor kasus ganda" in card.reason.text()


def test_switch_user_syncs_with_the_second_users_own_session(qtbot, live, tmp_path, settings) -> None:  # noqa: ANN001
    """A shared laptop: sri's offline edits wait while ani, signed in after "Ganti pengguna", is asked for
    her own server password (never given sri's session); her changes go up under her name, the status bar
    says sri's wait for another user, and they go up when sri syncs again."""
    from caseworker.store.profile import add_user

    store, transport = enrol(tmp_path / "laptop", live.url, "sri", PASSWORD)
    transport.close()
    add_user(store, "ani", PASSWORD, "worker", "Ani")
    person = cases.register_person(store, {"name": "Bayi Melati", "sex": "P", "birth_date": "2025-02-01"}).id
    sri_case = cases.open_case(store, person, "01")  # sri, offline
    store.close()
    window = open_window(qtbot, tmp_path / "laptop", settings)
    login(qtbot, window, "ani")
    ani_case = new_case(window, "Bayi Kenanga")
    wait_idle(qtbot, window)
    press_f5(qtbot, window)
    dialog = window.sync.password_dialog
    assert dialog is not None and dialog.isVisible()
    assert "ani belum masuk ke server di laptop ini" in dialog.text.text()
    assert live.srv.rows("cases") == {}  # nothing was sent with sri's session
    dialog.password.setText(PASSWORD)
    dialog.ok.click()
    wait_sync(qtbot, window)
    result = window.sync.last_result
    assert result is not None and result.completed and result.waiting == 2
    rows = live.srv.rows("cases")
    assert set(rows) == {ani_case} and rows[ani_case]["created_by"] == "ani"
    qtbot.waitUntil(lambda: "2 menunggu pengguna lain" in window.pending_label.text(), timeout=5000)
    assert window.pending_label.text() == "Perubahan belum dikirim: 2 (2 menunggu pengguna lain)"

    window.logout()  # "Ganti pengguna"
    login(qtbot, window, "sri")
    press_f5(qtbot, window)  # the server gave the device to ani: sri signs in again
    dialog = window.sync.password_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.password.setText(PASSWORD)
    dialog.ok.click()
    wait_sync(qtbot, window)
    assert window.sync.last_result is not None and window.sync.last_result.completed
    rows = live.srv.rows("cases")
    assert (rows[sri_case]["created_by"], rows[ani_case]["created_by"]) == ("sri", "ani")
    qtbot.waitUntil(lambda: window.pending_label.text() == "Perubahan belum dikirim: 0", timeout=5000)
    window.workspace.reader.wait()
    window.close()


# -- attachment files ---------------------------------------------------------------------------------------
def _colleague_case_with_scan(device, tmp_path: Path) -> tuple[str, bytes, str]:  # noqa: ANN001
    import hashlib
    import os

    from caseworker.store import attachments

    budi = device("budi")
    _, case_id = budi.new_case("Bayi Kenanga")
    content = os.urandom(150_000)
    scan = tmp_path / "akta.jpg"
    scan.write_bytes(content)
    attachments.add_attachment(budi.store, case_id, scan)
    assert budi.sync().completed
    return case_id, content, hashlib.sha256(content).hexdigest()


def test_files_follow_the_text_in_the_background(qtbot, laptop, device, tmp_path) -> None:
    from caseworker.store import attachments

    case_id, content, sha = _colleague_case_with_scan(device, tmp_path)
    press_f5(qtbot, laptop)
    assert laptop.sync.last_result.completed and laptop.sync.last_result.files_waiting == 1  # text first
    qtbot.waitUntil(lambda: not laptop.sync.files_running(), timeout=10000)
    assert laptop.sync.last_files.files_downloaded == 1
    assert attachments.get_blob(laptop.store, sha) == content
    assert "1 diunduh" in laptop.statusBar().currentMessage()


def test_download_now_fetches_a_cases_files_over_a_slow_link(
    qtbot, laptop, device, tmp_path, monkeypatch
) -> None:
    from caseworker.store import attachments
    from caseworker.sync import files

    case_id, content, sha = _colleague_case_with_scan(device, tmp_path)
    files.set_fast_links_only(laptop.store, True)
    monkeypatch.setattr(files, "FAST_BYTES_PER_SECOND", 10**12)  # this loopback counts as a slow link
    press_f5(qtbot, laptop)
    qtbot.waitUntil(lambda: not laptop.sync.files_running(), timeout=10000)
    assert laptop.sync.last_files.files_skipped and not attachments.is_here(laptop.store, {"sha256": sha})
    view = laptop.workspace.open_case(case_id)
    view.tabs.setCurrentWidget(view.documents)
    table = view.documents.table
    assert table.model().index(0, 3).data() == "belum diunduh"
    assert view.download_button.isVisible()
    view.download_button.click()
    qtbot.waitUntil(lambda: attachments.is_here(laptop.store, {"sha256": sha}), timeout=10000)
    qtbot.waitUntil(lambda: not laptop.sync.files_running(), timeout=10000)
    wait_idle(qtbot, laptop)
    assert attachments.get_blob(laptop.store, sha) == content
    qtbot.waitUntil(lambda: not view.download_button.isVisible(), timeout=5000)
    assert view.documents.table.model().index(0, 3).data() == "ada"
