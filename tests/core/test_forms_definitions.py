"""Form definitions: every shipped form loads, broken files are named precisely, new forms need no code."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from caseworker import paths
from caseworker.forms import (
    FormDefinitionError,
    FormNotFound,
    compute_scores,
    get_form,
    load_form_file,
    load_forms,
    validate_answers,
)
from caseworker.forms.definitions import parse_form

SHIPPED = ("biopsikososial", "barthel", "kpsp", "kunjungan_rumah")

MINIMAL = {
    "id": "contoh",
    "version": 1,
    "title": {"id": "Contoh", "en": "Example"},
    "sections": [
        {
            "id": "utama",
            "title": {"id": "Utama", "en": "Main"},
            "fields": [
                {
                    "id": "nyeri",
                    "type": "scale",
                    "min": 0,
                    "max": 10,
                    "required": True,
                    "label": {"id": "Skala nyeri", "en": "Pain scale"},
                },
                {
                    "id": "tidur",
                    "type": "choice",
                    "label": {"id": "Tidur", "en": "Sleep"},
                    "options": [
                        {"value": "baik", "label": {"id": "Baik", "en": "Good"}, "score": 0},
                        {"value": "buruk", "label": {"id": "Buruk", "en": "Poor"}, "score": 3},
                    ],
                },
            ],
        }
    ],
    "scores": [
        {
            "id": "total",
            "label": {"id": "Total", "en": "Total"},
            "sum": ["nyeri", "tidur"],
            "bands": [
                {"min": 0, "max": 5, "code": "ringan", "label": {"id": "Ringan", "en": "Mild"}},
                {"min": 6, "max": 13, "code": "berat", "label": {"id": "Berat", "en": "Severe"}},
            ],
        }
    ],
}


def write(folder: Path, name: str, data: object) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def broken(mutate) -> FormDefinitionError:
    data = copy.deepcopy(MINIMAL)
    mutate(data)
    with pytest.raises(FormDefinitionError) as info:
        parse_form(data, "contoh.json")
    return info.value


def test_every_shipped_form_loads():
    forms = load_forms()
    assert set(SHIPPED) <= set(forms)
    for form_id in SHIPPED:
        form = forms[form_id]
        assert form.version >= 1
        assert form.source == f"{form_id}.json"
        for f in form.fields():
            assert f.label.id and f.label.en


def test_every_json_in_the_shipped_folder_is_a_valid_form():
    errors: list[FormDefinitionError] = []
    forms = load_forms(paths.resource("forms"), errors=errors)
    assert errors == []
    assert len(forms) == len(list(paths.resource("forms").glob("*.json")))


def test_get_form_and_unknown_form():
    assert get_form("barthel").title.get("id").startswith("Indeks Barthel")
    with pytest.raises(FormNotFound) as info:
        get_form("tidak_ada")
    assert "tidak_ada" in info.value.text("id")
    assert "tidak ditemukan" in info.value.text("id")


def test_barthel_definition_matches_the_instrument():
    form = get_form("barthel")
    total = next(s for s in form.scores if s.id == "total")
    assert len(total.fields) == 10
    maxima = [max(o.score for o in form.field(fid).options) for fid in total.fields]
    assert sum(maxima) == 20
    assert sorted(maxima) == [1, 1, 2, 2, 2, 2, 2, 2, 3, 3]


def test_kpsp_has_ten_yes_no_questions():
    form = get_form("kpsp")
    (score,) = form.scores
    assert score.kind == "count" and score.count_value == "ya"
    assert len(score.fields) == 10
    for fid in score.fields:
        assert [o.value for o in form.field(fid).options] == ["ya", "tidak"]


def test_broken_json_syntax_names_file_and_line(tmp_path):
    (tmp_path / "rusak.json").write_text('{"id": "rusak",\n "version": 1,,}', encoding="utf-8")
    with pytest.raises(FormDefinitionError) as info:
        load_forms(tmp_path)
    assert info.value.file == "rusak.json"
    assert "line 2" in info.value.where
    assert "rusak.json" in info.value.text("id") and "rusak.json" in str(info.value)


@pytest.mark.parametrize(
    ("mutate", "where", "words"),
    [
        (
            lambda d: d["sections"][0]["fields"][1].update(type="slider"),
            "sections[0].fields[1].type",
            "one of",
        ),
        (
            lambda d: d["sections"][0]["fields"][1]["options"][1].update(score="tiga"),
            "sections[0].fields[1].options[1].score",
            "number",
        ),
        (
            lambda d: d["sections"][0]["fields"][0].update(label={"id": "Nyeri"}),
            "sections[0].fields[0].label",
            '"en"',
        ),
        (lambda d: d["sections"][0]["fields"][0].update(requird=True), "sections[0].fields[0]", "requird"),
        (lambda d: d["sections"][0]["fields"][1].update(id="nyeri"), "sections[0].fields[1].id", "twice"),
        (lambda d: d["sections"][0]["fields"][0].pop("max"), "sections[0].fields[0]", "min and max"),
        (lambda d: d["scores"][0]["sum"].append("hilang"), "scores[0].sum[2]", "'hilang'"),
        (lambda d: d["scores"][0]["bands"][1].update(min=5), "scores[0].bands[1]", "overlaps"),
        (lambda d: d.pop("version"), "version", "missing"),
        (
            lambda d: d["sections"][0]["fields"][0].update(visible_if={"field": "tidur", "equals": "baik"}),
            "sections[0].fields[0].visible_if.field",
            "earlier",
        ),
        (
            lambda d: d["sections"][0]["fields"][1].update(
                visible_if={"field": "nyeri", "equals": 1, "in": [1]}
            ),
            "sections[0].fields[1].visible_if",
            "exactly one",
        ),
        (
            lambda d: d["sections"][0]["fields"][1]["options"][0].pop("score"),
            "scores[0].sum[1]",
            "needs a score",
        ),
    ],
)
def test_a_broken_definition_names_the_exact_place(mutate, where, words):
    error = broken(mutate)
    assert error.file == "contoh.json"
    assert error.where == where
    assert words in error.problem
    assert f"contoh.json is invalid at {where}" in error.text("en")
    assert f"Definisi formulir contoh.json tidak valid di {where}" in error.text("id")


def test_condition_value_must_be_an_option_of_the_target():
    def mutate(d):
        d["sections"][0]["fields"].append(
            {
                "id": "catatan",
                "type": "text",
                "label": {"id": "Catatan", "en": "Notes"},
                "visible_if": {"field": "tidur", "equals": "nyenyak"},
            }
        )

    error = broken(mutate)
    assert error.where == "sections[0].fields[2].visible_if.equals"
    assert "'nyenyak'" in error.problem


def test_duplicate_form_ids_across_files(tmp_path):
    write(tmp_path, "a.json", MINIMAL)
    write(tmp_path, "b.json", MINIMAL)
    with pytest.raises(FormDefinitionError) as info:
        load_forms(tmp_path)
    assert info.value.file == "b.json" and "a.json" in info.value.problem


def test_lenient_loading_keeps_good_forms_and_collects_errors(tmp_path):
    write(tmp_path, "baik.json", MINIMAL)
    write(tmp_path, "buruk.json", {**MINIMAL, "id": "buruk", "sections": []})
    errors: list[FormDefinitionError] = []
    forms = load_forms(tmp_path, errors=errors)
    assert list(forms) == ["contoh"]
    assert [(e.file, e.where) for e in errors] == [("buruk.json", "sections")]


def test_a_new_form_dropped_into_a_folder_works_without_code(tmp_path):
    write(tmp_path, "contoh.json", MINIMAL)
    form = load_forms(tmp_path)["contoh"]
    assert form is not None and load_form_file(tmp_path / "contoh.json") == form

    issues = validate_answers(form, {"nyeri": "11", "tidur": "baik"})
    assert [(i.field, i.code) for i in issues] == [("nyeri", "above_max")]
    assert issues[0].text("id") == "Skala nyeri: paling besar 10."

    scores = compute_scores(form, {"nyeri": 4, "tidur": "buruk"})
    assert scores["total"]["value"] == 7
    assert scores["total"]["band"] == "berat"
    assert scores["total"]["label"] == {"id": "Berat", "en": "Severe"}


def test_condition_on_a_yes_no_field_must_compare_with_a_boolean():
    def mutate(d):
        d["sections"][0]["fields"] += [
            {"id": "rujuk", "type": "boolean", "label": {"id": "Dirujuk", "en": "Referred"}},
            {
                "id": "tujuan",
                "type": "text",
                "label": {"id": "Tujuan rujukan", "en": "Referred to"},
                "visible_if": {"field": "rujuk", "equals": "ya"},
            },
        ]

    error = broken(mutate)
    assert error.where == "sections[0].fields[3].visible_if.equals"
    assert "true or false" in error.problem


def test_forms_are_immutable_values():
    forms = load_forms()
    assert len({hash(form) for form in forms.values()}) == len(forms)
    assert load_forms()["kpsp"] == forms["kpsp"]
