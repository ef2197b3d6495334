"""A supervisor's XLSForm import reaches the unit's laptops through the real server: a worker's laptop
offers the instrument after a sync and fills it offline, and an assessment made with version 1 keeps
opening with version 1 after version 2 arrives."""

from __future__ import annotations

from pathlib import Path

from caseworker.forms import compute_scores, library, normalize_answers
from caseworker.store import cases, repository
from tests.core.xlsform_support import SURVEY, write_xlsform


def test_an_import_syncs_to_a_workers_laptop_and_old_assessments_keep_their_version(devices, tmp_path: Path):
    sri, ani, wati = devices("sri"), devices("ani"), devices("wati")  # SDA supervisor, SDA worker, MLG worker
    library.import_xlsform(sri.store, write_xlsform(tmp_path / "skrining.xlsx"))
    assert sri.sync().completed
    assert "skrining_unit" not in library.available_forms(ani.store)
    assert ani.sync().completed
    form = library.available_forms(ani.store)["skrining_unit"]
    assert form.version == 1
    assert ani.row("form_definitions", "form:skrining_unit:v1")["created_by"] == "sri"

    # offline on the worker's laptop: fill it and save an assessment with the version it was made with
    _, case_id = ani.new_case()
    answers = normalize_answers(
        form, {"umur_bulan": "15", "berjalan": "ya", "bicara": "tidak", "masalah": ["kulit"]}
    )
    made = cases.add_record(ani.store, "assessments", case_id, {"form_id": form.id, "form_version": form.version,
                            "data": answers, "scores": compute_scores(form, answers)})  # fmt: skip
    assert compute_scores(form, answers)["skor"]["value"] == 2

    survey = [list(row) for row in SURVEY]
    survey[1][2] = "Umur anak dalam bulan"
    library.import_xlsform(sri.store, write_xlsform(tmp_path / "v2.xlsx", survey=survey))
    assert sri.sync().completed and ani.sync().completed
    assert library.available_forms(ani.store)["skrining_unit"].version == 2
    old = repository.get_row(ani.store, "assessments", made)
    assert library.form_for(ani.store, old["form_id"], old["form_version"]).field("umur_bulan").label.get("id") == (
        "Umur anak (bulan)"
    )  # fmt: skip
    assert set(sri.server.rows("form_definitions")) == {"form:skrining_unit:v1", "form:skrining_unit:v2"}

    # another facility's laptop never receives them
    assert wati.sync().completed
    assert "skrining_unit" not in library.available_forms(wati.store)


def test_a_workers_laptop_that_pushes_a_definition_is_refused_by_the_server(
    devices, tmp_path: Path, monkeypatch
):
    """The laptop's own check is bypassed (a modified client): the server still refuses the row."""
    import json

    from caseworker.forms.xlsform import convert
    from caseworker.store import permissions

    ani = devices("ani")  # a worker
    definition, _ = convert(write_xlsform(tmp_path / "skrining.xlsx"))
    monkeypatch.setattr(permissions, "check_insert", lambda *a, **k: None)
    repository.insert(ani.store, "form_definitions",
                      {"form_id": "skrining_unit", "form_version": 1, "title": "Skrining unit",
                       "definition": json.dumps(definition), "facility_code": "SDA"},
                      row_id="form:skrining_unit:v1")  # fmt: skip
    result = ani.sync()
    assert result.completed and result.rejected == 1
    assert "form:skrining_unit:v1" not in ani.server.rows("form_definitions")
    budi = devices("budi")
    assert budi.sync().completed and "skrining_unit" not in library.available_forms(budi.store)
