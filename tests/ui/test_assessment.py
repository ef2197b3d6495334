"""Assessment forms rendered from JSON: fields by type, live validation and score."""

from __future__ import annotations

from caseworker.forms import load_forms
from tests.ui.test_cases import _open_first_case

BARTHEL_ALL_INDEPENDENT = {
    "bab": "2", "bak": "2", "membersihkan_diri": "1", "penggunaan_jamban": "2", "makan": "2",
    "berpindah": "3", "mobilitas": "3", "berpakaian": "2", "naik_turun_tangga": "2", "mandi": "1",
}  # fmt: skip


def test_barthel_scores_live_and_saves(qtbot, signed_in) -> None:
    view = _open_first_case(qtbot, signed_in, "Sri Wahyuni")
    view.tabs.setCurrentWidget(view.assessments)
    view.form_choice.setCurrentIndex(view.form_choice.findData("barthel"))
    view.new_assessment(view.form_choice.currentData())
    dialog = view.dialog
    assert "belum ada jawaban" in dialog.score.text()
    dialog.form.fields["bab"].choose("2")
    dialog.form.fields["mobilitas"].choose("1")
    assert "3 (baru 2 dari 10 butir dijawab)" in dialog.score.text()
    assert dialog.save() is None  # required answers missing: refused, and now every missing one is named
    assert "Periksa isian" in dialog.errors.texts()[0]
    assert any("wajib diisi" in t for t in dialog.form.fields["bak"].issues.texts())
    dialog.form.fields["sumber_informasi"].choose("observasi")
    for fid, value in BARTHEL_ALL_INDEPENDENT.items():
        dialog.form.fields[fid].choose(value)
    assert "Skor Indeks Barthel: 20 · Mandiri" in dialog.score.text()
    dialog.form.fields["mandi"].choose("0")
    assert "19 · Ketergantungan ringan" in dialog.score.text()
    dialog.save_button.click()
    assert not dialog.isVisible()
    rows = view.case["assessments"]
    assert len(rows) == 1 and rows[0]["scores"]["total"]["value"] == 19
    assert rows[0]["scores"]["total"]["band"] == "ketergantungan_ringan"
    assert "19" in view.assessments.model.index(0, 2).data()


def test_every_shipped_form_renders_and_hides_conditional_fields(qtbot) -> None:
    from ui.assessment import AssessmentForm

    for form in load_forms().values():
        widget = AssessmentForm(form)
        qtbot.addWidget(widget)
        conditional = [f.id for f in form.fields() if f.visible_if is not None]
        for fid in conditional:
            assert widget.fields[fid].isHidden()
        assert widget.answers() == {}


def test_number_fields_validate_while_typing(qtbot) -> None:
    from caseworker.forms import get_form
    from ui.assessment import AssessmentForm

    widget = AssessmentForm(get_form("kpsp"))
    qtbot.addWidget(widget)
    age = widget.fields["umur_bulan"]
    age.input.setText("dua")
    assert any("bukan angka" in t or "bilangan bulat" in t for t in age.issues.texts())
    age.input.setText("80")
    assert any("paling besar 72" in t for t in age.issues.texts())
    age.input.setText("40")
    assert any("rentang lazim" in t for t in age.issues.texts())  # a warning only
    age.input.setText("26")
    assert age.issues.texts() == []
