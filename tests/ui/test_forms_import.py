"""Impor instrumen (XLSForm)… in the app: a supervisor imports a workbook, the new form is offered where
assessments start, a worker fills it with the keyboard (skip logic, the constraint's message, the score),
and an assessment made with version 1 still opens with version 1 after version 2 is imported."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from caseworker.forms import library
from tests.core.xlsform_support import SURVEY, write_xlsform
from tests.ui.conftest import login
from tests.ui.test_cases import _open_first_case


def test_a_supervisor_imports_and_the_form_is_filled_with_the_keyboard(
    qtbot, signed_in, tmp_path: Path
) -> None:
    from ui import forms_import

    window = signed_in
    assert "import_forms" in window.actions_  # ani is the profile's supervisor
    result = forms_import.import_xlsform(window, window.store, write_xlsform(tmp_path / "skrining.xlsx"))
    assert "disimpan sebagai versi 1" in result.summary.text() and result.problem_texts() == []
    result.accept()

    view = _open_first_case(qtbot, window, "Siti Aminah")
    view.tabs.setCurrentWidget(view.assessments)
    assert view.form_choice.findData("skrining_unit") >= 0
    view.form_choice.setCurrentIndex(view.form_choice.findData("skrining_unit"))
    view.new_assessment(view.form_choice.currentData())
    dialog = view.dialog
    qtbot.waitExposed(dialog)
    form = dialog.form
    assert form.fields["intro"].isVisible() and form.fields["intro"].input is None  # a note: its words only
    assert not form.fields["skor"].isVisible()  # a calculation shows in the score box
    walking = form.fields["berjalan"]
    assert not walking.isVisible()  # the group asks from 12 months
    age = form.fields["umur_bulan"].input
    age.setFocus()
    qtbot.keyClicks(age, "80")
    assert "Umur anak (bulan): Umur 0 sampai 72 bulan." in form.fields["umur_bulan"].issues.texts()
    age.selectAll()
    qtbot.keyClick(age, Qt.Key.Key_Backspace)
    qtbot.keyClicks(age, "14")
    assert form.fields["umur_bulan"].issues.texts() == [] and walking.isVisible()
    walking.choose("ya")
    form.fields["bicara"].choose("ya")
    form.fields["masalah"].checks[0].click()
    assert "Skor: 3" in dialog.score.text()
    other = form.fields["masalah_lain"]
    assert not other.isVisible()
    form.fields["masalah"].checks[2].click()  # Lainnya: its text field appears
    assert other.isVisible()
    qtbot.keyClicks(other.input, "demam")
    assert dialog.score.text() == "Skor: 4"  # a calculated score without bands: its value, not "partial"
    dialog.save_button.click()
    assert not dialog.isVisible()
    saved = view.case["assessments"][0]
    assert (saved["form_id"], saved["form_version"]) == ("skrining_unit", 1)
    assert saved["data"]["masalah_lain"] == "demam" and saved["data"]["skor"] == 4

    survey = [list(row) for row in SURVEY]
    survey[1][2] = "Umur anak dalam bulan"
    again = forms_import.import_xlsform(
        window, window.store, write_xlsform(tmp_path / "v2.xlsx", survey=survey)
    )
    assert "versi 2" in again.summary.text()
    again.accept()
    view._view_assessment(saved)
    shown = [w.text() for w in view.dialog.findChildren(type(again.summary))]
    assert "Umur anak (bulan)" in shown and "Umur anak dalam bulan" not in shown  # its own version
    assert library.available_forms(window.store)["skrining_unit"].version == 2


def test_a_broken_workbook_lists_its_rows_and_stores_nothing(qtbot, signed_in, tmp_path: Path) -> None:
    from ui import forms_import

    bad = [list(row) for row in SURVEY] + [["geopoint", "lokasi", "Lokasi", "", "", "", "", "", "", "", ""]]
    result = forms_import.import_xlsform(
        signed_in, signed_in.store, write_xlsform(tmp_path / "r.xlsx", survey=bad)
    )
    assert "tidak ada yang diimpor" in result.summary.text()
    assert any(t.startswith("Lembar 'survey', baris 14, kolom 'type'") for t in result.problem_texts())
    assert library.definitions(signed_in.store) == []


def test_a_worker_has_no_import_action(qtbot, window) -> None:
    login(qtbot, window, "budi")
    assert "import_forms" not in window.actions_
