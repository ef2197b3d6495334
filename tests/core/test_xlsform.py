"""XLSForm import: a workbook built with openpyxl goes through pyxform and the converter into a form
definition the engine fills: skip logic (a group's and a question's relevant), a constraint, a required
question and a calculated score; a broken workbook gives one error per row and nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caseworker.forms import compute_scores, expr, normalize_answers, validate_answers, visible_field_ids
from caseworker.forms.definitions import parse_form
from caseworker.forms.xlsform import XLSFormError, convert
from tests.core.xlsform_support import CHOICES, SURVEY, SURVEY_HEADER, write_xlsform


@pytest.fixture
def form(tmp_path: Path):
    definition, parsed = convert(write_xlsform(tmp_path / "skrining.xlsx"))
    return definition, parsed


def test_the_workbook_becomes_a_definition_that_survives_json(form) -> None:
    definition, parsed = form
    assert parsed.id == "skrining_unit" and parsed.version == 1
    assert parsed.title.get("id") == "Skrining unit"
    assert parsed.origin == {"format": "xlsform", "file": "skrining.xlsx", "xlsform_version": "2026120701"}
    types = {f.id: f.type for f in parsed.fields()}
    assert types == {"intro": "note", "umur_bulan": "integer", "berat": "number", "pengasuh": "text",
                     "tanggal": "date", "berjalan": "choice", "bicara": "choice", "masalah": "multichoice",
                     "masalah_lain": "text", "skor": "calculate"}  # fmt: skip
    assert [s.id for s in parsed.sections] == ["utama", "kemampuan", "bagian_3"]
    assert parsed.field("umur_bulan").label.get("en") == "Child's age (months)"
    assert parsed.field("umur_bulan").required and not parsed.field("berat").required
    again = parse_form(json.loads(json.dumps(definition, ensure_ascii=False)), "skrining.xlsx")
    assert again == parsed  # the stored JSON is the whole definition


def test_skip_logic_follows_relevant(form) -> None:
    _, f = form
    young = visible_field_ids(f, {"umur_bulan": "8"})
    assert "berjalan" not in young and "bicara" not in young  # the group asks from 12 months
    older = visible_field_ids(f, {"umur_bulan": "12"})
    assert {"berjalan", "bicara"} <= older
    assert "masalah_lain" not in visible_field_ids(f, {"masalah": ["gizi"]})
    assert "masalah_lain" in visible_field_ids(f, {"masalah": ["gizi", "lain"]})
    # a hidden answer is neither required nor stored
    stored = normalize_answers(
        f, {"umur_bulan": "8", "berjalan": "ya", "masalah": ["gizi"], "masalah_lain": "x"}
    )
    assert "berjalan" not in stored and "masalah_lain" not in stored


def test_required_and_constraint_give_errors_in_both_languages(form) -> None:
    _, f = form
    missing = validate_answers(f, {})
    assert [(i.field, i.code) for i in missing] == [("umur_bulan", "required")]
    too_old = validate_answers(f, {"umur_bulan": "80"})
    assert [(i.field, i.code) for i in too_old] == [("umur_bulan", "constraint")]
    assert too_old[0].text("id") == "Umur anak (bulan): Umur 0 sampai 72 bulan."
    assert too_old[0].text("en") == "Child's age (months): Age 0 to 72 months."
    weight = validate_answers(f, {"umur_bulan": "3", "berat": "0"})
    assert [(i.field, i.code) for i in weight] == [("berat", "constraint")]
    assert "tidak memenuhi syarat" in weight[0].text("id")  # no constraint_message: the default one
    walking = validate_answers(f, {"umur_bulan": "13"})
    assert [(i.field, i.code) for i in walking] == [("berjalan", "required")]  # required once shown


def test_the_calculation_scores_the_answers(form) -> None:
    _, f = form
    answers = {"umur_bulan": "14", "berjalan": "ya", "bicara": "ya", "masalah": ["gizi", "kulit"]}
    score = compute_scores(f, answers)["skor"]
    assert score["value"] == 4 and score["complete"]
    assert normalize_answers(f, answers)["skor"] == 4
    # hidden items count as empty text: if() gives 0 for them
    assert compute_scores(f, {"umur_bulan": "6", "berjalan": "ya"})["skor"]["value"] == 0
    # the score is computed, whatever a caller sends for it
    assert normalize_answers(f, {**answers, "skor": 99})["skor"] == 4


def _errors(tmp_path: Path, survey: list[list[str]], **kw) -> list[tuple[str, int | None, str | None]]:
    with pytest.raises(XLSFormError) as caught:
        convert(write_xlsform(tmp_path / "rusak.xlsx", survey=survey, **kw))
    return [(e.sheet, e.row, e.column) for e in caught.value.errors]


def _row(kind: str, name: str, label: str = "L", **cols: str) -> list[str]:
    row = dict.fromkeys(SURVEY_HEADER, "")
    row.update({"type": kind, "name": name, "label::Indonesian (id)": label, **cols})
    return list(row.values())


def test_a_broken_workbook_names_every_row_and_imports_nothing(tmp_path: Path) -> None:
    survey = [
        _row("integer", "umur"),
        _row("geopoint", "lokasi"),  # row 3: a type the app has no field for
        _row("integer", "skor_a", relevant="${umur} >>> 2"),  # row 4: not an expression
        _row("calculate", "total", "", calculation="sum(${umur})"),  # row 5: a repeat function
        _row("select_one tidak_ada", "pilih"),  # row 6: no such choice list
        _row("text", "catatan", relevant="${nanti} = 'x'"),  # row 7: refers to a later field
        _row("integer", "nanti", required="${umur} > 3"),  # row 8: a conditional required
        _row("integer", "Umur Ibu"),  # row 9: a name the app cannot store
    ]
    with pytest.raises(XLSFormError) as caught:
        convert(write_xlsform(tmp_path / "rusak.xlsx", survey=survey))
    where = {(e.sheet, e.row, e.column) for e in caught.value.errors}
    assert {("survey", 3, "type"), ("survey", 4, "relevant"), ("survey", 5, "calculation"),
            ("survey", 6, "type"), ("survey", 7, "relevant"), ("survey", 8, "required"),
            ("survey", 9, "name")} <= where  # fmt: skip
    text_id, text_en = caught.value.text("id"), caught.value.text("en")
    assert "Lembar 'survey', baris 3, kolom 'type': jenis 'geopoint' tidak didukung" in text_id
    assert "Sheet 'survey', row 5, column 'calculation': sum() adds up a repeat group" in text_en
    assert "tidak ada yang diimpor" in text_id


def test_pyxforms_own_checks_are_reported_with_their_row(tmp_path: Path) -> None:
    duplicate = [*CHOICES, ["yt", "ya", "Ya lagi", "Yes again"]]  # a choice name used twice in its list
    with pytest.raises(XLSFormError) as caught:
        convert(write_xlsform(tmp_path / "pilihan.xlsx", choices=duplicate))
    [error] = caught.value.errors
    assert (error.sheet, error.row, error.column) == ("choices", 7, "name")
    assert error.problem_id.startswith("pemeriksaan XLSForm (pyxform) menolak")
    # where the converter says the same place itself (in both languages), pyxform's English is left out
    where = _errors(tmp_path, [_row("integer", "umur"), _row("integer", "umur")])
    assert where == [("survey", 3, "name")]


def test_nested_groups_and_missing_form_id_are_refused(tmp_path: Path) -> None:
    survey = [_row("begin_group", "a"), _row("begin_group", "b"), _row("integer", "x"), _row("end_group", ""),
              _row("end_group", "")]  # fmt: skip
    where = _errors(tmp_path, survey, settings={"form_title": "Tanpa id"})
    assert ("survey", 3, "type") in where and ("settings", 2, "form_id") in where


def test_the_expression_language_follows_xpath_on_empty_answers() -> None:
    empty = {}.get
    assert expr.evaluate(expr.parse("${a} > 5"), empty) is False
    assert expr.evaluate(expr.parse("${a} = ''"), empty) is True
    assert expr.evaluate(expr.parse("not(${a} = 'x') and 3 div 2 = 1.5"), empty) is True
    assert expr.evaluate(expr.parse("coalesce(${a}, 7) mod 4"), empty) == 3
    with pytest.raises(expr.ExprError):
        expr.parse("pulldata('x', 'y', 'z', 'w')")


def test_the_sample_survey_rows_are_in_header_order() -> None:
    assert all(len(row) == len(SURVEY_HEADER) for row in SURVEY)


def test_a_file_that_is_no_workbook_or_is_missing_says_so(tmp_path: Path) -> None:
    junk = tmp_path / "rusak.xlsx"
    junk.write_bytes(b"bukan buku kerja\x00")
    with pytest.raises(XLSFormError) as caught:
        convert(junk)
    assert "buku kerja tidak dapat dibaca" in caught.value.text("id")
    with pytest.raises(XLSFormError) as caught:
        convert(tmp_path / "tidak_ada.xlsx")
    assert "tidak ditemukan" in caught.value.text("id") and "was not found" in caught.value.text("en")
