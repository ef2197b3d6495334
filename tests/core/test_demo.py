"""Demo data: realistic, deterministic for a seed, written like every other row (outbox + audit)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from caseworker.cli import main
from caseworker.demo import DEMO_PASSWORD
from caseworker.demo.loader import add_demo_cases, fill_demo_profile, open_or_create
from caseworker.domain import stages, validation
from caseworker.domain.nik import nik_birth_date, nik_sex, validate_kk, validate_nik
from caseworker.forms.definitions import get_form
from caseworker.forms.engine import compute_scores
from caseworker.growth.alerts import alerts
from caseworker.growth.records import history
from caseworker.store import indexing, queries, reviews
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


def test_cli_never_fills_a_units_own_profile(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CASEWORKER_PASSWORD", "rahasia-123")
    folder = tmp_path / "cw"
    assert main(["--profile", str(folder), "init", "--user", "ani", "--facility", "SDA"]) == 0
    assert "supervisor" in capsys.readouterr().out
    assert main(["--profile", str(folder), "demo-data", "--cases", "3"]) == 2
    err = capsys.readouterr().err
    assert "bukan profil demo" in err and "--profile ~/cw-demo" in err and len(err.splitlines()) == 1
    store = open_profile(folder, "ani", "rahasia-123")
    try:
        assert store.user.role == "supervisor"
        assert store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
    finally:
        store.close()


def test_cli_refuses_a_negative_count(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--profile", str(tmp_path / "x"), "demo-data", "--cases", "-1"])
    assert not (tmp_path / "x").exists()


def _derived(store) -> tuple[list, list, list]:
    return (
        store.conn.execute("SELECT * FROM case_index ORDER BY case_id").fetchall(),
        store.conn.execute(
            "SELECT rowid, case_id, names, ids, notes FROM case_search ORDER BY rowid"
        ).fetchall(),
        store.conn.execute("SELECT * FROM growth_status ORDER BY case_id").fetchall(),
    )


def _assert_index_agrees_with_cases(store) -> None:
    """The list, search and growth rows the load wrote are the ones indexing rebuilds from the tables."""
    cases = store.conn.execute("SELECT count(*) FROM cases WHERE deleted = 0").fetchone()[0]
    loaded = _derived(store)
    assert len(loaded[0]) == len(loaded[1]) == cases
    toddlers = store.conn.execute(
        "SELECT count(DISTINCT case_id) FROM measurements WHERE deleted = 0"
    ).fetchone()[0]
    assert len(loaded[2]) == toddlers
    store.conn.execute("BEGIN")
    try:
        indexing.rebuild_all(store.db)
        rebuilt = _derived(store)
    finally:
        store.conn.execute("ROLLBACK")
    assert loaded == rebuilt


def test_index_rows_agree_with_the_cases(demo):
    _assert_index_agrees_with_cases(demo)


def test_growth_status_is_what_the_whole_history_says(demo):
    rows = demo.query("SELECT * FROM growth_status")
    assert rows
    for row in rows:
        person = demo.one(
            "SELECT p.birth_date, p.sex FROM cases c JOIN persons p ON p.id = c.person_id WHERE c.id = ?",
            [row["case_id"]],
        )
        h = history(person, queries.records(demo, "measurements", row["case_id"]))
        on, last = h[-1]
        assert (row["measured_at"], row["waz"], row["haz"], row["whz"]) == (on.isoformat(), last.waz, last.haz,
                                                                            last.whz)  # fmt: skip
        assert json.loads(row["alerts"]) == sorted({a.code for a in alerts(h, latest_only=True)})


# --- the large-load path: batches made in a child process, one transaction, indexes rebuilt -------------------


def _load(folder: Path, *, child: bool, cases: int = CASES, batch: int = 25, progress=None) -> None:
    store, _ = open_or_create(folder)
    try:
        add_demo_cases(store, cases, seed=7, today=TODAY, batch=batch, child=child, progress=progress)
    finally:
        store.close()


def _schema(store) -> list[tuple]:
    """Tables, indexes and triggers (but growth_status, made by the first write that needs it)."""
    return store.conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name <> 'growth_status' ORDER BY name"
    ).fetchall()


@pytest.fixture(scope="module")
def loaded_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("load")
    _load(base / "child", child=True)
    _load(base / "here", child=False)
    return base / "child", base / "here"


def test_batches_made_in_a_child_process_are_the_same_cases(loaded_dirs, tmp_path):
    made_by_child, made_here = (open_profile(d, "supervisor", DEMO_PASSWORD) for d in loaded_dirs)
    fresh, _ = open_or_create(tmp_path / "fresh")
    try:
        assert _content(made_by_child) == _content(made_here)
        assert made_by_child.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == CASES
        for store in (made_by_child, made_here):
            _assert_index_agrees_with_cases(store)
            # the indexes dropped for the load are all back, and the settings are as they were
            assert _schema(store) == _schema(fresh)
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert store.conn.execute("SELECT k FROM case_search_config").fetchall() == [("version",)]
            store.conn.execute("INSERT INTO case_search(case_search, rank) VALUES ('integrity-check', 0)")
        assert made_by_child.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        for store in (made_by_child, made_here, fresh):
            store.close()


def test_an_interrupted_load_adds_nothing(tmp_path):
    folder = tmp_path / "stopped"
    _load(folder, child=False, cases=30, batch=10)

    def stop(done: int, total: int) -> None:
        if done >= 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _load(folder, child=True, cases=40, batch=10, progress=stop)
    store = open_profile(folder, "supervisor", DEMO_PASSWORD)
    try:
        assert store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 30
        assert (
            store.conn.execute("SELECT count(*) FROM outbox WHERE table_name = 'cases'").fetchone()[0] == 30
        )
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        _assert_index_agrees_with_cases(store)
        assert len(store.query("SELECT name FROM sqlite_master WHERE name = 'idx_persons_nik'")) == 1
    finally:
        store.close()


def test_index_from_the_database_when_indexing_reads_more_than_the_load_knows(tmp_path, monkeypatch):
    from caseworker.store import bulk

    monkeypatch.setattr(bulk, "index_row_keys", lambda store: None)
    folder = tmp_path / "fallback"
    _load(folder, child=False, cases=30, batch=10)
    store = open_profile(folder, "supervisor", DEMO_PASSWORD)
    try:
        assert store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 30
        _assert_index_agrees_with_cases(store)
    finally:
        store.close()
