"""Demo data: realistic, deterministic for a seed, written like every other row (outbox + audit)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from caseworker.cli import main
from caseworker.demo import DEMO_PASSWORD
from caseworker.demo.loader import fill_demo_profile
from caseworker.domain import stages, validation
from caseworker.domain.nik import nik_birth_date, nik_sex, validate_kk, validate_nik
from caseworker.forms.definitions import get_form
from caseworker.forms.engine import compute_scores
from caseworker.growth.records import history
from caseworker.store import queries, reviews
from caseworker.store.profile import open_profile
from caseworker.store.schema import TABLES

TODAY = date(2026, 10, 17)
CASES = 60


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "profile"
    fill_demo_profile(folder, CASES, seed=7, today=TODAY)
    return folder


@pytest.fixture
def demo(demo_dir: Path):
    store = open_profile(demo_dir, "supervisor", DEMO_PASSWORD)
    yield store
    store.close()


def _content(store) -> list[tuple]:
    """What must not change between runs with the same seed: people, dates, numbers and texts."""
    people = store.query(
        "SELECT name, nickname, nik, no_kk, birth_date, sex, address, region_code, phone, guardian_name"
        " FROM persons ORDER BY birth_date, name, nik"
    )
    cases = store.query(
        "SELECT category_code, stage, status, opened_at, closed_at, assigned_to, presenting_problem"
        " FROM cases ORDER BY opened_at, presenting_problem, stage"
    )
    notes = store.query("SELECT noted_at, text FROM notes ORDER BY noted_at, text")
    growth = store.query("SELECT measured_at, weight_kg, length_cm FROM measurements ORDER BY 1, 2, 3")
    return [tuple(r.values()) for r in people + cases + notes + growth]


def test_same_seed_same_content_other_seed_other_content(demo, tmp_path):
    fill_demo_profile(tmp_path / "again", CASES, seed=7, today=TODAY)
    fill_demo_profile(tmp_path / "other", CASES, seed=8, today=TODAY)
    again = open_profile(tmp_path / "again", "pekerja", DEMO_PASSWORD)
    other = open_profile(tmp_path / "other", "pekerja", DEMO_PASSWORD)
    try:
        assert _content(again) == _content(demo)
        assert _content(other) != _content(demo)
    finally:
        again.close()
        other.close()


def test_counts_accounts_and_facility(demo, demo_dir):
    assert demo.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == CASES
    assert demo.conn.execute("SELECT count(*) FROM case_index").fetchone()[0] == CASES
    users = {r["username"]: r["role"] for r in demo.query("SELECT username, role FROM users")}
    assert users["supervisor"] == "supervisor" and users["pekerja"] == "worker"
    workers = [u for u, role in users.items() if role == "worker"]
    assert len(workers) >= 3
    spread = {r["assigned_to"] for r in demo.query("SELECT assigned_to FROM cases")}
    assert spread == set(workers)
    facility = demo.facility()
    assert facility["code"] == "SDA" and "Asuhan Balita Sidoarjo" in facility["name"]
    assert facility["head_name"] and len(facility["head_nip"]) == 18
    open_profile(demo_dir, "pekerja", DEMO_PASSWORD).close()


def test_people_and_cases_pass_validation_and_niks_match(demo):
    persons = demo.query("SELECT * FROM persons")
    assert sum(1 for p in persons if p["nik"]) > len(persons) * 0.7
    for p in persons:
        assert not [i for i in validation.validate_person(p, TODAY) if i.severity == "error"], p
        if p["nik"]:
            assert validate_nik(p["nik"], date.fromisoformat(p["birth_date"]), p["sex"]) == []
            assert nik_birth_date(p["nik"]) == date.fromisoformat(p["birth_date"])
            assert nik_sex(p["nik"]) == p["sex"]
            assert p["nik"][:6] == p["region_code"].replace(".", "")[:6]  # issued in the kecamatan
        if p["no_kk"]:
            assert validate_kk(p["no_kk"]) == []
        assert p["region_code"].startswith("35.") and p["region_code"].count(".") == 3
    niks = [p["nik"] for p in persons if p["nik"]]
    assert len(niks) == len(set(niks))
    for c in demo.query("SELECT * FROM cases"):
        assert not [i for i in validation.validate_case(c, TODAY) if i.severity == "error"], c


def test_every_row_has_its_outbox_and_audit_entry(demo):
    for table in TABLES:
        rows = demo.query(f"SELECT * FROM {table}")
        if not rows:
            continue
        outbox = {
            r["row_id"]: r
            for r in demo.query("SELECT * FROM outbox WHERE table_name = ? AND op = 'insert'", [table])
        }
        audited = {
            r["row_id"]: r
            for r in demo.query("SELECT * FROM audit WHERE table_name = ? AND action = 'create'", [table])
        }
        assert len(outbox) == len(rows) and len(audited) == len(rows), table
        for row in rows:
            fields = json.loads(outbox[row["id"]]["fields"])
            assert fields == {k: v for k, v in row.items() if v is not None and k != "version"}
            if "case_id" in row:
                assert audited[row["id"]]["case_id"] == row["case_id"]
    mutation_ids = [r[0] for r in demo.conn.execute("SELECT mutation_id FROM outbox")]
    assert len(mutation_ids) == len(set(mutation_ids))


def test_case_mix_stages_and_records(demo):
    cases = demo.query("SELECT * FROM cases")
    assert {c["stage"] for c in cases} == set(stages.STAGES)
    assert {"01", "08"} <= {c["category_code"] for c in cases}
    closed = [c for c in cases if c["status"] == "closed"]
    assert closed and all(c["closure_reason"] and c["closed_at"] for c in closed)
    assert all(reviews.closure_approved(demo, c["id"]) for c in closed)
    for table in ("notes", "tasks", "goals", "interventions", "stage_changes", "relations"):
        assert demo.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table
    overdue = queries.count_cases(demo, queries.CaseFilter(overdue=True, on=TODAY.isoformat()))
    open_cases = queries.count_cases(demo, queries.CaseFilter())
    assert 0 < overdue < open_cases
    for c in cases:  # a stage change for every step up to the current stage
        moves = queries.records(demo, "stage_changes", c["id"])
        assert [m["to_stage"] for m in moves] == list(stages.STAGES[1 : stages.stage_index(c["stage"]) + 1])


def test_toddlers_have_plausible_growth(demo):
    toddlers = demo.query(
        "SELECT c.id, p.birth_date, p.sex FROM cases c JOIN persons p ON p.id = c.person_id"
        " WHERE c.category_code = '01'"
    )
    assert toddlers
    for t in toddlers:
        ms = queries.records(demo, "measurements", t["id"])
        assert 1 <= len(ms) <= 12
        results = history(t, ms)
        assert len(results) == len(ms)
        for _, r in results:
            assert -6 < r.waz < 3 and -6 < r.haz < 3
    statuses = demo.query("SELECT alerts FROM growth_status")
    assert any(json.loads(s["alerts"]) for s in statuses) and any(
        not json.loads(s["alerts"]) for s in statuses
    )


def test_barthel_scores_are_the_form_engine_scores(demo):
    rows = demo.query("SELECT * FROM assessments")
    assert rows
    form = get_form("barthel")
    for row in rows:
        assert row["form_id"] == "barthel"
        assert json.loads(row["scores"]) == compute_scores(form, json.loads(row["data"]))


def test_search_finds_a_demo_person_by_name_and_nik(demo):
    person = demo.one(
        "SELECT p.name, p.nik FROM persons p JOIN cases c ON c.person_id = p.id WHERE p.nik IS NOT NULL"
    )
    by_name = queries.case_ids(demo, queries.CaseFilter(text=person["name"], status=None))
    by_nik = queries.case_ids(demo, queries.CaseFilter(text=person["nik"][:8], status=None))
    assert by_name and set(by_name) & set(by_nik)


def test_cli_creates_then_extends_the_profile_without_a_password(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CASEWORKER_PASSWORD", raising=False)
    folder = tmp_path / "cli-demo"
    assert (
        main(["--profile", str(folder), "demo-data", "--cases", "6", "--seed", "3", "--today", "2026-10-17"])
        == 0
    )
    assert "6" in capsys.readouterr().out
    assert main(["--profile", str(folder), "demo-data", "--cases", "4", "--today", "2026-10-17"]) == 0
    assert "10" in capsys.readouterr().out
    store = open_profile(folder, "pekerja", DEMO_PASSWORD)
    try:
        assert store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 10
        niks = [r[0] for r in store.conn.execute("SELECT nik FROM persons WHERE nik IS NOT NULL")]
        assert len(niks) == len(set(niks))
    finally:
        store.close()


def test_cli_refuses_a_negative_count(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--profile", str(tmp_path / "x"), "demo-data", "--cases", "-1"])
    assert not (tmp_path / "x").exists()
