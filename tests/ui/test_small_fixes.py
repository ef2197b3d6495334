"""Issue 15, item 10: the smaller things a worker met on a real laptop, each with the test that found it."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from caseworker.forms import load_forms
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


# -- (e) the form offered first follows the client's age and PPKS category --------------------------------
def _case_view_for(qtbot, window, birth_date: str, category: str):  # noqa: ANN001, ANN202
    from caseworker.store import cases

    store = window.workspace.store
    person = cases.register_person(store, {"name": "Klien Uji", "birth_date": birth_date, "sex": "P"}).id
    case_id = cases.open_case(store, person, category, assigned_to="ani")
    return window.workspace.open_case(case_id)


def _months_ago(months: int) -> str:
    from datetime import date

    today = date.today()
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, 28)).isoformat()


def test_a_toddlers_case_offers_the_child_form_first_and_an_elderly_case_the_barthel_index(
    qtbot, signed_in
) -> None:
    toddler = _case_view_for(qtbot, signed_in, _months_ago(26), "01")  # Anak Balita Terlantar, 2 years
    assert toddler.form_choice.currentData() == "kpsp"
    assert toddler.form_choice.itemData(toddler.form_choice.count() - 1) == "barthel"  # ruled out: last
    elderly = _case_view_for(qtbot, signed_in, "1948-03-01", "08")  # Lanjut Usia Terlantar
    assert elderly.form_choice.currentData() == "barthel"
    assert elderly.form_choice.itemData(elderly.form_choice.count() - 1) == "kpsp"
    assert elderly.form_choice.count() == len(load_forms())  # every form stays on offer


def test_form_hints_use_the_category_codes_cases_store() -> None:
    from datetime import date

    from caseworker.forms import FormDefinitionError, rank_forms
    from caseworker.forms.definitions import parse_form

    shipped = load_forms()
    assert shipped["barthel"].applies_to["categories"] == ["08", "09"]
    today = date(2026, 12, 4)
    ids = lambda *a: [f.id for f in rank_forms(shipped.values(), *a, today=today)]  # noqa: E731
    assert ids("2024-10-01", "01")[0] == "kpsp"  # 26 months
    assert ids("1950-01-01", "08")[0] == "barthel"
    assert ids("1990-01-01", "09")[0] == "barthel"  # an adult with a disability
    assert ids("2012-01-01", "05")[-2:] == ["barthel", "kpsp"]  # a 14-year-old: neither fits
    assert ids(None, "08")[0] == "barthel"  # no birth date: the category still speaks
    raw = {"id": "x", "version": 1, "title": {"id": "X", "en": "X"}, "applies_to": {"categories": ["lansia"]},
           "sections": [{"id": "s", "title": {"id": "S", "en": "S"},
                         "fields": [{"id": "a", "type": "text", "label": {"id": "A", "en": "A"}}]}]}  # fmt: skip
    with pytest.raises(FormDefinitionError, match="applies_to.categories"):
        parse_form(raw, "x.json")


# -- (f) spin boxes show their arrows -----------------------------------------------------------------------
def _dark_pixels(image, rect) -> int:  # noqa: ANN001
    return sum(
        1
        for x in range(rect.left(), rect.right() + 1)
        for y in range(rect.top(), rect.bottom() + 1)
        if image.pixelColor(x, y).lightness() < 140
    )


def test_a_spin_box_shows_up_and_down_arrows_and_its_buttons_step(qtbot) -> None:
    from PySide6.QtWidgets import QSpinBox, QStyle, QStyleOptionSpinBox

    spin = QSpinBox()
    qtbot.addWidget(spin)
    spin.setRange(0, 10)
    spin.setValue(5)
    spin.resize(140, 34)
    spin.show()
    qtbot.waitExposed(spin)
    option = QStyleOptionSpinBox()
    spin.initStyleOption(option)
    cc, up_sc, down_sc = (
        QStyle.ComplexControl.CC_SpinBox,
        QStyle.SubControl.SC_SpinBoxUp,
        QStyle.SubControl.SC_SpinBoxDown,
    )
    up = spin.style().subControlRect(cc, option, up_sc, spin)
    down = spin.style().subControlRect(cc, option, down_sc, spin)
    assert up.width() >= 16 and up.height() >= 10 and down.width() >= 16 and down.height() >= 10
    image = spin.grab().toImage()
    assert _dark_pixels(image, up.adjusted(2, 2, -2, -2)) >= 6  # an arrow is drawn, not an empty box
    assert _dark_pixels(image, down.adjusted(2, 2, -2, -2)) >= 6
    qtbot.mouseClick(spin, Qt.MouseButton.LeftButton, pos=up.center())
    assert spin.value() == 6
    qtbot.mouseClick(spin, Qt.MouseButton.LeftButton, pos=down.center())
    qtbot.mouseClick(spin, Qt.MouseButton.LeftButton, pos=down.center())
    assert spin.value() == 4


# -- (g) no stray "-" in empty areas ------------------------------------------------------------------------
def test_an_empty_list_says_what_is_missing_instead_of_a_lone_dash(qtbot, signed_in) -> None:
    from tests.ui.test_cases import _open_first_case

    view = _open_first_case(qtbot, signed_in)
    view.tabs.setCurrentWidget(view.interventions_tab)
    referrals = view.referrals
    assert referrals.empty.isVisible()  # no referral yet
    assert referrals.empty.text() == "Belum ada rujukan."
    shown = [w.text() for w in view.findChildren(type(referrals.empty)) if w.isVisible()]
    assert not [t for t in shown if t.strip() in ("-", "–", "—")], shown  # noqa: RUF001


# -- (h) a required field's error only once the user left it or tried to save -------------------------------
def _visible_issue_texts(widget) -> list[str]:  # noqa: ANN001
    from ui.widgets import IssueList

    return [t for lst in widget.findChildren(IssueList) if lst.isVisible() for t in lst.texts()]


def test_a_new_clients_form_says_the_name_is_required_only_after_leaving_it(qtbot, signed_in) -> None:
    from tests.ui.test_cases import _new_case_dialog

    dialog = _new_case_dialog(qtbot, signed_in)
    form = dialog.person_form
    qtbot.waitExposed(dialog)
    assert _visible_issue_texts(dialog) == []  # nothing typed: nothing to scold
    form.name.setFocus()
    qtbot.waitUntil(form.name.hasFocus)
    assert _visible_issue_texts(dialog) == []
    QTest.keyClick(form.name, Qt.Key.Key_Tab)  # leaves the empty name
    assert any("wajib diisi" in t for t in form.field_issues["name"].texts())
    assert form.field_issues["name"].isVisible()
    form.name.setFocus()  # typing the name takes the error away
    qtbot.keyClicks(form.name, "Dewi")
    assert not form.field_issues["name"].isVisible()


def test_a_note_says_its_text_is_required_only_after_saving_or_leaving(qtbot, signed_in) -> None:
    from tests.ui.test_cases import _open_first_case

    view = _open_first_case(qtbot, signed_in)
    view.tabs.setCurrentWidget(view.notes)
    from ui.record_dialogs import MeasurementDialog, NoteDialog, ReferralDialog

    # (the measurement's "weight or length" was said before anything was typed: seen in the real window)
    for make in (NoteDialog, ReferralDialog, MeasurementDialog):
        dialog = make(view.store, view.case, view)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert _visible_issue_texts(dialog) == [], make.__name__
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # Simpan on the empty form
        assert dialog.isVisible()
        said = "paling sedikit" if make is MeasurementDialog else "wajib diisi"
        assert any(said in t for t in _visible_issue_texts(dialog)), make.__name__
        dialog.discard_and_close()


def test_the_measurement_form_opens_whole_with_room_for_its_results(qtbot, signed_in) -> None:
    """Seen in the real window at 1366x768: the measurement dialog opened 463 px tall with its form in a
    scroll area, the results preview ('Hasil') cut at the bottom, while the screen had room for all of it."""
    from PySide6.QtWidgets import QScrollArea

    from tests.ui.test_cases import _open_first_case
    from ui.record_dialogs import MeasurementDialog

    view = _open_first_case(qtbot, signed_in)
    dialog = MeasurementDialog(view.store, view.case, view)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.weight.edit, "12,5")
    QTest.keyClick(dialog.weight.edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.length.edit, "95.2")
    QTest.keyClick(dialog.length.edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: "BB/U" in dialog.preview.text())
    area = dialog.findChild(QScrollArea)
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() == 0)  # nothing hidden below
    assert dialog.frameGeometry().height() <= dialog.screen().availableGeometry().height()
    dialog.discard_and_close()


# -- (a) one running app per profile folder -----------------------------------------------------------------
def test_a_second_start_on_the_same_profile_brings_the_first_window_forward(
    qtbot, window, monkeypatch
) -> None:
    from ui import single_instance
    from ui.shell import MainWindow

    told: list[str] = []
    monkeypatch.setattr(single_instance, "tell_already_open", lambda parent=None: told.append("told"))
    assert window.claim_profile()  # the first app for this folder
    raised: list[bool] = []
    monkeypatch.setattr(window, "bring_forward", lambda: raised.append(True))
    window.instance_guard.raise_requested.disconnect()
    window.instance_guard.raise_requested.connect(window.bring_forward)
    second = MainWindow(window.profile_dir / ".." / window.profile_dir.name, window.settings)  # same folder
    qtbot.addWidget(second)
    assert not second.claim_profile()  # another app has it: this start ends, after saying so
    assert told == ["told"]
    qtbot.waitUntil(lambda: raised == [True], timeout=3000)
    other = single_instance.ProfileGuard(window.profile_dir.parent / "another")
    assert other.claim()  # another folder is another app's
    other.release()
    window.instance_guard.release()
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(5000)  # the second window's start-up reads end first
    second.close()


def test_a_socket_name_left_by_a_crash_does_not_block_the_next_start(qtbot, tmp_path: Path) -> None:
    import socket as sockets

    from PySide6.QtNetwork import QLocalServer

    from ui import single_instance
    from ui.single_instance import ProfileGuard, tell_already_open

    first = ProfileGuard(tmp_path / "profile")
    assert first.claim()
    path = first.server.fullServerName()
    first.release()
    if hasattr(sockets, "AF_UNIX") and not Path(path).exists():  # left behind as a crashed app leaves it
        stale = sockets.socket(sockets.AF_UNIX)
        stale.bind(path)
        stale.close()
    assert Path(path).exists()
    again = ProfileGuard(tmp_path / "profile")
    assert again.claim()  # nobody answered on the old name: removed, and this app listens
    assert again.server is not None and again.server.isListening()
    again.release()
    QLocalServer.removeServer(again.name)
    assert tell_already_open is single_instance.tell_already_open
    assert "sudah dibuka" in single_instance.tr("instance.raised")
