"""Numbers typed with real key events are read as typed ("95,2" and "95.2" are 95.2), refused under the field
when they cannot be read, and shown in the user's language (issue 15, item 4)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from caseworker import i18n
from caseworker.store import queries
from tests.ui.test_cases import _open_first_case


def _measurement_dialog(qtbot, window):  # noqa: ANN001, ANN202
    view = _open_first_case(qtbot, window)
    view.show_growth().add_button.click()
    return view, view.dialog


@pytest.mark.parametrize("typed", ["95.2", "95,2"])
def test_a_length_typed_either_way_is_stored_as_typed(qtbot, signed_in, typed: str) -> None:
    view, dialog = _measurement_dialog(qtbot, signed_in)
    dialog.length.edit.setFocus()
    qtbot.keyClicks(dialog.length.edit, typed)
    qtbot.keyClicks(dialog.weight.edit, "12,25")
    assert dialog.length.error() == "" and not dialog.length.error_label.isVisible()
    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    assert not dialog.isVisible()
    rows = queries.case_full(signed_in.store, view.case_id)["measurements"]
    assert [(r["length_cm"], r["weight_kg"]) for r in rows] == [(95.2, 12.25)]
    model = view.growth.model
    assert model.index(0, 3).data() == "95,2"  # shown with the Indonesian decimal comma
    assert model.index(0, 2).data() == "12,25"
    z = model.index(0, 4).data()
    assert "," in z and "." not in z and z[0] in "+\u2212"


def test_unreadable_number_is_an_error_under_the_field_and_saves_nothing(qtbot, signed_in) -> None:
    view, dialog = _measurement_dialog(qtbot, signed_in)
    qtbot.keyClicks(dialog.weight.edit, "9,5")
    qtbot.keyClicks(dialog.length.edit, "9x")
    assert dialog.length.error_label.isVisible()
    assert "'9x' bukan angka" in dialog.length.error_label.text()
    assert not dialog.save_button.isEnabled()
    assert dialog.save() is None
    assert dialog.isVisible()
    QTest.keyClick(dialog.length.edit, Qt.Key.Key_Backspace)  # now "9": readable, the error goes
    assert not dialog.length.error_label.isVisible() and dialog.save_button.isEnabled()
    QTest.keyClick(dialog.length.edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.length.edit, "250")
    assert "Paling besar 200" in dialog.length.error_label.text()
    dialog.reject()
    assert queries.case_full(signed_in.store, view.case_id)["measurements"] == []


def test_english_shows_a_decimal_point_and_reads_both(qtbot, signed_in) -> None:
    i18n.set_language("en")
    view, dialog = _measurement_dialog(qtbot, signed_in)
    qtbot.keyClicks(dialog.length.edit, "95,2")
    qtbot.keyClicks(dialog.weight.edit, "12.5")
    dialog.save_button.click()
    model = view.growth.model
    assert (model.index(0, 3).data(), model.index(0, 2).data()) == ("95.2", "12.50")


def test_assessment_number_typed_with_a_comma_and_money_shown_in_rupiah(qtbot) -> None:
    from caseworker.forms import get_form
    from ui.assessment import AssessmentForm

    form = AssessmentForm(get_form("biopsikososial"))
    qtbot.addWidget(form)
    income = form.fields["penghasilan_bulanan"]
    qtbot.keyClicks(income.input, "1.500.000")
    assert form.answers()["penghasilan_bulanan"] == "1.500.000"
    from caseworker.forms import answer_text, normalize_answers

    clean = normalize_answers(get_form("biopsikososial"), form.answers())
    assert clean["penghasilan_bulanan"] == 1500000
    assert (
        answer_text(get_form("biopsikososial").field("penghasilan_bulanan"), 1500000, "id") == "Rp1.500.000"
    )
    dependants = form.fields["jumlah_tanggungan"]
    qtbot.keyClicks(dependants.input, "2x")
    dependants.touched = True
    form.refresh()
    assert any("bukan angka" in t for t in dependants.issues.texts())
