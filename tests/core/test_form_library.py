"""A unit's own instruments in the profile: an XLSForm import is stored as the next version of its form
id (immutable rows of form_definitions, in the outbox for sync), a broken one stores nothing, only a
supervisor imports, and an assessment keeps the version it was made with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caseworker import cli
from caseworker.errors import KnownError, NotAllowed
from caseworker.forms import compute_scores, library
from caseworker.forms.xlsform import XLSFormError
from caseworker.store import cases, repository
from caseworker.store.store import Store
from tests.core.conftest import PASSWORD
from tests.core.xlsform_support import SURVEY, write_xlsform


def _outbox(store: Store) -> list[str]:
    return [r["table_name"] for r in store.query("SELECT table_name FROM outbox ORDER BY seq")]


def _second_version(path: Path) -> Path:
    survey = [list(row) for row in SURVEY]
    survey[1][2] = "Umur anak dalam bulan"  # the label changed in the new version
    return write_xlsform(path, survey=survey, settings={"form_id": "skrining_unit", "version": "2",
                                                        "form_title": "Skrining unit (revisi)"})  # fmt: skip


def test_imports_are_versions_and_an_old_assessment_keeps_its_own(store: Store, tmp_path: Path) -> None:
    first = library.import_xlsform(store, write_xlsform(tmp_path / "skrining.xlsx"))
    assert (first.id, first.version) == ("skrining_unit", 1)
    assert library.available_forms(store)["skrining_unit"].version == 1
    assert "barthel" in library.available_forms(store)  # the shipped forms stay on offer
    person = cases.register_person(store, {"name": "Bayi Melati", "sex": "P", "birth_date": "2025-03-01"}).id
    case_id = cases.open_case(store, person, "01")
    answers = {"umur_bulan": 14, "berjalan": "ya", "bicara": "ya", "masalah": ["gizi"]}
    made = cases.add_record(store, "assessments", case_id, {"form_id": first.id, "form_version": first.version,
                            "data": answers, "scores": compute_scores(first, answers)})  # fmt: skip

    second = library.import_xlsform(store, _second_version(tmp_path / "skrining_v2.xlsx"))
    assert second.version == 2 and second.title.get("id") == "Skrining unit (revisi)"
    assert library.available_forms(store)["skrining_unit"].version == 2  # new assessments use v2
    old = repository.get_row(store, "assessments", made)
    opened = library.form_for(store, old["form_id"], old["form_version"])
    assert opened.version == 1 and opened.field("umur_bulan").label.get("id") == "Umur anak (bulan)"
    assert (
        library.form_for(store, "skrining_unit", 2).field("umur_bulan").label.get("id")
        == "Umur anak dalam bulan"
    )
    rows = library.definitions(store)
    assert [(r["id"], r["form_version"]) for r in rows] == [
        ("form:skrining_unit:v2", 2),
        ("form:skrining_unit:v1", 1),
    ]
    assert _outbox(store).count("form_definitions") == 2


def test_a_shipped_form_id_continues_at_version_2(store: Store, tmp_path: Path) -> None:
    path = write_xlsform(tmp_path / "kpsp.xlsx", settings={"form_id": "kpsp", "form_title": "KPSP unit"})
    form = library.import_xlsform(store, path)
    assert form.version == 2
    assert library.form_for(store, "kpsp", 1).source == "kpsp.json"  # the built-in one is version 1
    assert library.form_for(store, "kpsp").version == 2


def test_a_broken_workbook_stores_nothing(store: Store, tmp_path: Path) -> None:
    before = _outbox(store)
    bad = [list(row) for row in SURVEY] + [["geopoint", "lokasi", "Lokasi", "", "", "", "", "", "", "", ""]]
    with pytest.raises(XLSFormError):
        library.import_xlsform(store, write_xlsform(tmp_path / "rusak.xlsx", survey=bad))
    assert library.definitions(store) == [] and _outbox(store) == before


def test_only_a_supervisor_imports_and_a_version_never_changes(store: Store, login, tmp_path: Path) -> None:
    worker = login("budi")
    with pytest.raises(NotAllowed):
        library.import_xlsform(worker, write_xlsform(tmp_path / "a.xlsx"))
    with pytest.raises(NotAllowed):  # the store refuses too, whatever the caller
        repository.insert(worker, "form_definitions", {"form_id": "x", "form_version": 1, "definition": "{}"})
    library.import_xlsform(store, write_xlsform(tmp_path / "a.xlsx"))
    with pytest.raises(NotAllowed):
        repository.update(store, "form_definitions", "form:skrining_unit:v1", {"title": "Lain"})
    with pytest.raises(KnownError):  # a version that is not here says so
        library.form_for(store, "skrining_unit", 5)


def test_the_command_line_imports_and_lists(store: Store, profile_dir: Path, tmp_path: Path, monkeypatch,
                                            capsys) -> None:  # fmt: skip
    store.close()
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    base = ["--lang", "en", "--profile", str(profile_dir)]
    path = write_xlsform(tmp_path / "skrining.xlsx")
    assert cli.main([*base, "forms", "import", str(path), "--user", "ani", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == 1
    assert cli.main([*base, "forms", "import", str(path), "--user", "ani"]) == 0
    assert "stored as version 2" in capsys.readouterr().out
    bad = write_xlsform(
        tmp_path / "rusak.xlsx", survey=[["geopoint", "lokasi", "L", "", "", "", "", "", "", "", ""]]
    )
    assert cli.main([*base, "forms", "import", str(bad), "--user", "ani"]) == 2
    err = capsys.readouterr().err
    assert "Sheet 'survey', row 2, column 'type'" in err and "nothing was imported" in err
    assert cli.main([*base, "forms", "import", str(path), "--user", "budi"]) == 2  # a worker
    capsys.readouterr()
    assert cli.main([*base, "forms", "list", "--user", "budi", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {"form_id": "skrining_unit", "version": 2, "title": {"id": "Skrining unit", "en": "Skrining unit"}} in \
        listed["forms"]  # fmt: skip
    assert [r["form_version"] for r in listed["imported"]] == [2, 1]


def test_the_case_summary_names_an_assessment_by_its_own_versions_title(store: Store, tmp_path: Path) -> None:
    import pypdf

    from caseworker.reports import render_case_summary

    first = library.import_xlsform(store, write_xlsform(tmp_path / "skrining.xlsx"))
    person = cases.register_person(store, {"name": "Bayi Melati", "sex": "P", "birth_date": "2025-03-01"}).id
    case_id = cases.open_case(store, person, "01")
    answers = {"umur_bulan": 14, "berjalan": "ya", "bicara": "ya", "masalah": ["gizi"]}
    cases.add_record(store, "assessments", case_id, {"form_id": first.id, "form_version": 1, "assessed_at": "2026-12-01",
                     "data": answers, "scores": compute_scores(first, answers)})  # fmt: skip
    renamed = {"form_id": "skrining_unit", "version": "2", "form_title": "Skrining unit revisi"}
    library.import_xlsform(store, write_xlsform(tmp_path / "v2.xlsx", settings=renamed))
    pdf = render_case_summary(store, case_id, tmp_path / "ringkasan.pdf")
    text = " ".join((page.extract_text() or "") for page in pypdf.PdfReader(pdf).pages)
    assert "Skrining unit" in text and "revisi" not in text  # version 1's title, not version 2's
    assert "skrining_unit" not in text  # named, not shown by its id
