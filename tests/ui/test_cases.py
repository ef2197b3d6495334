"""A worker's day through the dialogs: create a client and a case, find it, add records, move stages."""

from __future__ import annotations

from datetime import date, timedelta

from caseworker.store import cases, queries
from tests.ui.conftest import wait_idle


def _new_case_dialog(qtbot, window):  # noqa: ANN001, ANN202
    window.actions_["new_case"].trigger()
    dialog = window.workspace.new_case_dialog
    assert dialog.isVisible()
    return dialog


def _search(qtbot, window, text: str) -> list[str]:  # noqa: ANN001
    page = window.workspace.list_page
    with qtbot.waitSignal(page.results_shown, timeout=5000):
        page.search.setText(text)
    wait_idle(qtbot, window)
    return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]


def test_create_client_and_case_end_to_end_then_find_it(qtbot, signed_in) -> None:
    window = signed_in
    dialog = _new_case_dialog(qtbot, window)
    form = dialog.person_form
    assert not dialog.next_button.isEnabled()  # a name is required
    form.name.setText("Dewi Kartika Sari")
    form.sex.setCurrentIndex(form.sex.findData("P"))
    form.birth_date.setText("15/03/2024")
    form.nik.setText("3515085503240007")
    assert form.issues() == [] or not form.has_errors()
    assert dialog.next_button.isEnabled()
    dialog.next_button.click()
    assert dialog.pages.currentIndex() == 2  # no duplicates: straight to the case page
    case_form = dialog.case_form
    assert not dialog.next_button.isEnabled()  # a category is required
    case_form.category.setCurrentIndex(case_form.category.findData("01"))
    case_form.referral.setText("Dinas Sosial Kab. Sidoarjo")
    case_form.problem.setPlainText("Ditemukan di depan puskesmas tanpa pengasuh.")
    assert dialog.next_button.isEnabled()
    dialog.next_button.click()
    ws = window.workspace
    assert ws.case_view is not None and ws.case_view.isVisible()
    assert ws.case_view.name.text() == "Dewi Kartika Sari"
    assert "351508••••••0007" in ws.case_view.nik.text()
    case = queries.case_full(window.store, ws.case_view.case_id)
    assert case["referral_source"] == "Dinas Sosial Kab. Sidoarjo"
    assert case["person"]["birth_date"] == "2024-03-15"

    ws.back_to_list()
    ws.select_nav("facility")
    wait_idle(qtbot, window)
    assert _search(qtbot, window, "dewi kart") == ["Dewi Kartika Sari"]
    assert _search(qtbot, window, "3515085503240007") == ["Dewi Kartika Sari"]
    assert _search(qtbot, window, case["case_number"]) == ["Dewi Kartika Sari"]
    assert _search(qtbot, window, "zzzz") == []
    assert ws.list_page.stack.currentWidget() is ws.list_page.empty


def test_search_finds_words_from_notes(qtbot, signed_in) -> None:
    signed_in.workspace.select_nav("facility")
    wait_idle(qtbot, signed_in)
    assert _search(qtbot, signed_in, "kunjungan rumah sri") == ["Sri Wahyuni"]


def test_a_search_matching_many_shows_the_newest_and_says_so(qtbot, signed_in, monkeypatch) -> None:
    monkeypatch.setattr(queries, "SEARCH_LIMIT", 2)
    ws = signed_in.workspace
    ws.select_nav("facility")
    wait_idle(qtbot, signed_in)
    # every case has a "Kunjungan" note; the two added last are shown, in name order
    assert _search(qtbot, signed_in, "kunjungan") == ["Muhammad Rizki", "Sri Wahyuni"]
    assert "perjelas pencarian" in ws.list_page.count.text()
    # one letter: the names starting with it
    assert _search(qtbot, signed_in, "s") == ["Siti Aminah", "Sri Wahyuni"]
    assert ws.list_page.count.text() == "2 kasus"


def test_validation_speaks_while_typing(qtbot, signed_in) -> None:
    dialog = _new_case_dialog(qtbot, signed_in)
    form = dialog.person_form
    form.name.setText("Budi")
    form.nik.setText("12345")
    assert any("16 angka" in t for t in form.field_issues["nik"].texts())
    assert not dialog.next_button.isEnabled()
    form.nik.setText("3515081203240001")
    form.sex.setCurrentIndex(form.sex.findData("P"))
    warnings = form.field_issues["nik"].texts()
    assert any("jenis kelamin" in t for t in warnings)  # a warning: the NIK says male
    assert dialog.next_button.isEnabled()
    form.birth_date.setText("31/02/2020")
    assert any("tidak dikenali" in t for t in form.field_issues["birth_date"].texts())


def test_same_nik_shows_the_existing_person_and_opens_their_case(qtbot, signed_in) -> None:
    store = signed_in.store
    pid = cases.register_person(store, {"name": "Rahmat Hidayat", "nik": "3515081203240001", "sex": "L",
                                        "birth_date": "2024-03-12"}).id  # fmt: skip
    existing = cases.open_case(store, pid, "01")
    dialog = _new_case_dialog(qtbot, signed_in)
    dialog.person_form.name.setText("Rahmad Hidayat")
    dialog.person_form.nik.setText("3515 0812 0324 0001")
    dialog.next_button.click()
    assert dialog.pages.currentIndex() == 1
    opener = dialog.dup_page.findChild(type(dialog.next_button), "OpenExistingCase")
    opener.click()
    assert not dialog.isVisible()
    assert signed_in.workspace.case_view.case_id == existing


def test_similar_names_ask_same_or_different(qtbot, signed_in) -> None:
    dialog = _new_case_dialog(qtbot, signed_in)
    dialog.person_form.name.setText("Siti Aminah")
    dialog.person_form.birth_date.setText("12/05/2024")
    dialog.next_button.click()
    assert dialog.pages.currentIndex() == 1
    same = dialog.dup_page.findChild(type(dialog.next_button), "SamePerson")
    same.click()
    assert dialog.pages.currentIndex() == 2 and dialog.existing_person["name"] == "Siti Aminah"
    dialog.case_form.category.setCurrentIndex(dialog.case_form.category.findData("02"))
    before = signed_in.store.one("SELECT count(*) AS n FROM persons")["n"]
    dialog.next_button.click()
    assert signed_in.store.one("SELECT count(*) AS n FROM persons")["n"] == before  # nobody registered twice
    view = signed_in.workspace.case_view
    assert view.case["person_id"] == dialog.existing_person["id"]


def test_different_person_goes_on_to_register(qtbot, signed_in) -> None:
    dialog = _new_case_dialog(qtbot, signed_in)
    dialog.person_form.name.setText("Siti Aminah")
    dialog.person_form.birth_date.setText("12/05/2024")
    dialog.next_button.click()
    dialog.dup_page.findChild(type(dialog.next_button), "DifferentPerson").click()
    assert dialog.pages.currentIndex() == 2 and dialog.existing_person is None
    dialog.case_form.category.setCurrentIndex(dialog.case_form.category.findData("01"))
    dialog.next_button.click()
    rows = signed_in.store.query("SELECT id FROM persons WHERE name = 'Siti Aminah'")
    assert len(rows) == 2


def _open_first_case(qtbot, window, name: str = "Siti Aminah"):  # noqa: ANN001, ANN202
    ws = window.workspace
    page = ws.list_page
    row = next(r for r in range(page.model.rowCount()) if page.model.index(r, 0).data() == name)
    page.table.doubleClicked.emit(page.model.index(row, 0))
    assert ws.case_view is not None
    return ws.case_view


def test_stage_moves_say_what_they_need(qtbot, signed_in) -> None:
    view = _open_first_case(qtbot, signed_in)
    view.stage_button.click()
    dialog = view.dialog
    dialog.target.setCurrentIndex(dialog.target.findData("terminasi"))
    assert dialog.reason.isVisible()
    assert not dialog.save_button.isEnabled()
    assert any("alasan penutupan" in t for t in dialog.issues.texts())
    assert dialog.save() is False  # refused without a reason, nothing written
    assert queries.case_full(signed_in.store, view.case_id)["stage"] == "pendekatan_awal"
    dialog.target.setCurrentIndex(dialog.target.findData("asesmen"))
    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    assert view.case["stage"] == "asesmen" and view.stage_badge.text() == "Asesmen"

    view.stage_button.click()
    dialog = view.dialog
    dialog.target.setCurrentIndex(dialog.target.findData("pendekatan_awal"))
    assert not dialog.save_button.isEnabled()
    assert any("memerlukan catatan" in t for t in dialog.issues.texts())
    dialog.note.setPlainText("Keluarga belum siap diasesmen.")
    dialog.save_button.click()
    assert view.case["stage"] == "pendekatan_awal"
    assert any("Keluarga belum siap" in n["text"] for n in view.case["notes"])

    view.stage_button.click()
    dialog = view.dialog
    dialog.target.setCurrentIndex(dialog.target.findData("terminasi"))
    dialog.reason.setPlainText("Anak kembali ke keluarga.")
    dialog.save_button.click()
    assert view.case["stage"] == "terminasi" and view.close_button.isVisible()


def test_notes_tasks_and_overdue(qtbot, signed_in) -> None:
    view = _open_first_case(qtbot, signed_in)
    view.tabs.setCurrentWidget(view.tasks)
    from ui.record_dialogs import TaskDialog

    view._open(TaskDialog(view.store, view.case, view.workers, view))
    dialog = view.dialog
    assert dialog.issues.texts() == []  # untouched: no errors said yet
    assert dialog.save() is None and dialog.isVisible()  # Simpan on the empty form: refused, and it says why
    assert dialog.issues.texts() and not dialog.save_button.isEnabled()
    dialog.title.setText("Antar ke posyandu")
    dialog.due.setText((date.today() - timedelta(days=3)).strftime("%d/%m/%Y"))
    dialog.save_button.click()
    model = view.tasks.model
    assert model.rowCount() == 1
    from PySide6.QtCore import Qt

    assert "terlambat" in model.index(0, 0).data()
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole).name() == "#b42318"
    view.tasks.table.selectRow(0)
    view._task_done()
    assert view.tasks.model.row_dict(0)["done_at"] == date.today().isoformat()

    from ui.record_dialogs import NoteDialog

    view._open(NoteDialog(view.store, view.case, view))
    view.dialog.text.setPlainText("Ibu asuh melaporkan anak demam ringan.")
    view.dialog.save_button.click()
    assert view.notes.model.index(0, 3).data().startswith("Ibu asuh")  # after date, kind and author


def test_reveal_nik_is_audited(qtbot, signed_in) -> None:
    store = signed_in.store
    pid = cases.register_person(store, {"name": "Nur Hasanah", "nik": "3515085503240007", "sex": "P",
                                        "birth_date": "2024-03-15"}).id  # fmt: skip
    view = signed_in.workspace.open_case(cases.open_case(store, pid, "01"))
    assert "••••" in view.nik.text()
    view.reveal_button.click()
    assert "3515085503240007" in view.nik.text()
    assert store.one("SELECT count(*) AS n FROM audit WHERE action = 'reveal_nik'")["n"] == 1
    texts = [view.history.model.index(r, 2).data() for r in range(view.history.model.rowCount())]
    assert "melihat NIK dan KK lengkap" in texts


def test_measurement_shows_z_scores_and_chart(qtbot, signed_in) -> None:
    view = _open_first_case(qtbot, signed_in)
    assert view.tabs.isTabVisible(view.growth_index)
    assert view.growth is None  # built when first shown
    view.show_growth().add_button.click()
    dialog = view.dialog
    qtbot.keyClicks(dialog.weight.edit, "9,5")
    qtbot.keyClicks(dialog.length.edit, "80")
    assert "BB/U" in dialog.preview.text()
    dialog.save_button.click()
    assert view.growth.model.rowCount() == 1
    assert view.growth.model.index(0, 4).data().startswith(("+", "\u2212"))
    assert len(view.growth.chart.series()) == 9  # 7 WHO lines, the child's line and dots


def test_closing_needs_a_supervisors_approval(qtbot, window) -> None:
    from caseworker.store import reviews
    from tests.ui.conftest import login

    login(qtbot, window, "budi")
    view = _open_first_case(qtbot, window, "Muhammad Rizki")
    cases.change_stage(window.store, view.case_id, "terminasi", closure_reason="Kembali ke keluarga.")
    view.reload()
    assert view.close_button.isVisible()
    view.close_button.click()
    dialog = view.dialog
    assert not dialog.approved and "supervisor" in dialog.action.text()
    dialog.action.click()
    queue = reviews.review_queue(window.store)
    assert [r["kind"] for r in queue] == ["closure"]
    window.logout()
    login(qtbot, window, "ani")
    ws = window.workspace
    ws.select_nav("review")
    wait_idle(qtbot, window)
    page = ws.side_pages["review"]
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert ws.counts["review"] == 1
    reviews.decide(window.store, queue[0]["id"], True)
    view = ws.open_case(queue[0]["case_id"])
    view.close_button.click()
    dialog = view.dialog
    assert dialog.approved
    dialog.action.click()
    assert view.case["status"] == "closed" and view.status_badge.isVisible()
    assert not view.stage_button.isEnabled()


def test_print_list_offers_every_case_shown(qtbot, signed_in) -> None:
    from ui.printing import BatchPrintDialog

    window = signed_in
    window.workspace.select_nav("facility")
    wait_idle(qtbot, window)
    shown = _search(qtbot, window, "s")
    window.actions_["print_list"].trigger()
    dialog = window.findChild(BatchPrintDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.case_ids == window.workspace.list_page.model.ids() and len(shown) == len(dialog.case_ids)
    dialog.reject()
