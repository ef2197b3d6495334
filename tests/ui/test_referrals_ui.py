"""Referrals in the desktop app (issue 19), against the real server over HTTP: a worker of SDA refers a toddler to
MLG from the case view, typing with the keyboard and picking MLG from the facility directory received with
the sync; MLG's supervisor sees it under 'Rujukan masuk' on her own laptop, accepts it, and after F5 the case
is in her list; a referral to a place outside Caseworker opens its letter in the print preview."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from caseworker.server import admin
from caseworker.store import cases, referrals
from caseworker.sync.enrol import enrol
from tests.core.sync_support import PASSWORD
from tests.ui.conftest import login, wait_idle
from tests.ui.test_sync_ui import device, laptop, live, open_window, press_f5  # noqa: F401 - fixtures


def _toddler(window) -> str:  # noqa: ANN001
    person = cases.register_person(
        window.store, {"name": "Bayi Melati", "sex": "P", "birth_date": "2025-02-01"}
    ).id
    case_id = cases.open_case(window.store, person, "01", presenting_problem="gizi kurang")
    cases.add_record(window.store, "measurements", case_id, {"person_id": person, "measured_at": "2026-10-01",
                                                             "weight_kg": 8.1, "length_cm": 72.0, "position": "lying"})  # fmt: skip
    window.workspace.data_changed()
    return case_id


def _referral_dialog(qtbot, window, case_id: str):  # noqa: ANN001, ANN202
    view = window.workspace.open_case(case_id)
    view.tabs.setCurrentWidget(view.interventions_tab)
    view.new_referral()
    dialog = view.dialog
    qtbot.waitExposed(dialog)
    return view, dialog


def test_refer_accept_and_see_the_case_arrive(qtbot, live, laptop, tmp_path: Path, settings) -> None:  # noqa: ANN001, F811
    case_id = _toddler(laptop)
    press_f5(qtbot, laptop)  # the case goes up; the directory is on the laptop since it joined
    view, dialog = _referral_dialog(qtbot, laptop, case_id)
    assert dialog.directory.count() >= 1
    qtbot.keyClicks(dialog.search, "Malang")
    assert [
        dialog.directory.item(i).data(Qt.ItemDataRole.UserRole + 1) for i in range(dialog.directory.count())
    ] == ["MLG"]
    dialog.directory.setFocus()
    QTest.keyClick(dialog.directory, Qt.Key.Key_Down)
    assert dialog.chosen() == "MLG"
    qtbot.keyClicks(dialog.reason, "Usia 5 tahun, pindah ke asuhan anak")
    dialog.sections["measurements"].click()
    dialog.identity.click()
    assert not dialog.save_button.isEnabled() or dialog.problems()  # no consent yet
    qtbot.keyClicks(dialog.consent_by, "Ibu Sari (ibu)")
    assert dialog.problems() == []
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
    qtbot.keyClick(dialog.consent_by, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S saves
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert view.referrals.table.model().rowCount() == 1
    press_f5(qtbot, laptop)

    # MLG's supervisor, on her own laptop
    store, transport = enrol(tmp_path / "rina", live.url, "rina", PASSWORD)
    transport.close()
    store.close()
    rina = open_window(qtbot, tmp_path / "rina", settings)
    login(qtbot, rina, "rina")
    press_f5(qtbot, rina)
    rina.workspace.select_nav("referrals")
    page = rina.workspace.side_pages["referrals"]
    assert page.list.count() == 1 and "Bayi Melati" in page.text.text()
    assert rina.workspace.counts.get("referrals") == 1
    qtbot.mouseClick(page.accept_button, Qt.MouseButton.LeftButton)
    assert "sinkronisasi berikutnya" in page.state.text()
    press_f5(qtbot, rina)
    wait_idle(qtbot, rina)
    [row] = rina.store.query("SELECT case_number, person_id FROM cases")
    assert row["case_number"].startswith("MLG-")
    page.refresh()
    assert page.open_button.isVisible() or not page.isVisible()
    assert rina.store.query("SELECT weight_kg FROM measurements") == [{"weight_kg": 8.1}]
    rina.workspace.reader.wait()
    rina.close()

    press_f5(qtbot, laptop)  # the sender sees the answer on the case
    [sent] = referrals.of_case(laptop.store, case_id)
    assert sent["status"] == "accepted" and sent["received_case_number"] == row["case_number"]


def test_decline_asks_for_a_reason_and_keeps_what_was_typed(qtbot, live, device, tmp_path, settings) -> None:  # noqa: ANN001, F811
    ani = device("ani")
    person, case = ani.new_case()
    referrals.send(ani.store, case, to_facility="MLG", reason="rujukan", consent_basis="persetujuan")
    assert ani.sync().completed
    store, transport = enrol(tmp_path / "rina", live.url, "rina", PASSWORD)
    transport.close()
    store.close()
    rina = open_window(qtbot, tmp_path / "rina", settings)
    login(qtbot, rina, "rina")
    press_f5(qtbot, rina)
    rina.workspace.select_nav("referrals")
    page = rina.workspace.side_pages["referrals"]
    dialog = page.decline_current()
    qtbot.waitExposed(dialog)
    assert not dialog.save_button.isEnabled() or dialog.problems()
    qtbot.keyClicks(dialog.reason, "Kapasitas penuh")
    QTest.keyClick(dialog, Qt.Key.Key_Escape)  # typed input: asked, not discarded
    assert dialog.isVisible() and dialog.discard_question is not None
    dialog.discard_question.close()
    dialog.save()
    assert not dialog.isVisible()
    assert referrals.incoming(rina.store)[0]["decision_reason"] == "Kapasitas penuh"
    rina.workspace.reader.wait()
    rina.close()


def test_a_referral_outside_caseworker_opens_its_letter(qtbot, live, laptop) -> None:  # noqa: ANN001, F811
    admin.add_facility(live.srv.db, "PKM", "Puskesmas Candi", kind="other", region="35.15", external=True)
    press_f5(qtbot, laptop)
    case_id = _toddler(laptop)
    view, dialog = _referral_dialog(qtbot, laptop, case_id)
    qtbot.keyClicks(dialog.search, "Puskesmas")
    dialog.directory.setCurrentRow(0)
    assert "surat rujukan" in dialog.directory.currentItem().text()
    qtbot.keyClicks(dialog.reason, "Pemeriksaan gizi")
    qtbot.keyClicks(dialog.consent_by, "Ibu Sari")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(view, "print_preview", None) is not None, timeout=5000)
    preview = view.print_preview
    assert preview.document.pageCount() >= 1
    preview.close()


def test_a_supervisor_transfers_a_case_and_keeps_a_closed_record(
    qtbot,  # noqa: ANN001
    live,  # noqa: ANN001, F811
    device,  # noqa: ANN001, F811
    tmp_path,  # noqa: ANN001
    settings,  # noqa: ANN001
) -> None:
    store, transport = enrol(tmp_path / "sri", live.url, "sri", PASSWORD)
    transport.close()
    store.close()
    sri = open_window(qtbot, tmp_path / "sri", settings)
    login(qtbot, sri, "sri")
    case_id = _toddler(sri)
    press_f5(qtbot, sri)
    view = sri.workspace.open_case(case_id)
    view.tabs.setCurrentWidget(view.interventions_tab)
    view.new_transfer()
    dialog = view.dialog
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "Pindahkan kasus ke unit lain"
    codes = [
        dialog.directory.item(i).data(Qt.ItemDataRole.UserRole + 1) for i in range(dialog.directory.count())
    ]
    assert codes == ["MLG"]  # only units on Caseworker take a case
    dialog.directory.setFocus()
    QTest.keyClick(dialog.directory, Qt.Key.Key_Down)
    qtbot.keyClicks(dialog.reason, "Usia 5 tahun")
    qtbot.keyClicks(dialog.consent_by, "Ibu Sari (ibu)")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    press_f5(qtbot, sri)
    rina = device("rina")
    assert rina.sync().completed
    [waiting] = referrals.incoming(rina.store)
    referrals.accept(rina.store, waiting["id"])
    assert rina.sync().completed and rina.row("cases", case_id)["facility_code"] == "MLG"
    press_f5(qtbot, sri)
    wait_idle(qtbot, sri)
    assert sri.store.one("SELECT id FROM cases WHERE id = ?", [case_id]) is None
    [stub] = sri.store.query("SELECT status, closure_reason FROM cases")
    assert stub["status"] == "closed" and "UPT Malang" in stub["closure_reason"]
    sri.workspace.reader.wait()
    sri.close()
