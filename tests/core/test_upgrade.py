"""Profiles and settings made by an earlier version open with today's code (tests/core/data/profile_v*/).

Each fixture was written once by scripts/make_profile_fixture.py and is never regenerated; its
expected.json lists what was written. Users ani (supervisor) and budi (worker), password in expected.json
("profil-v1-2026"). The checks read only what the fixture wrote (cases, persons, notes, records), so new
tables or columns added by later migrations do not break them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from caseworker.errors import WrongPassword
from caseworker.store import cases, queries
from caseworker.store.indexing import rebuild_all
from caseworker.store.migrations import V2_CASE_INDEX_COLUMNS, current_version
from caseworker.store.profile import open_profile, read_profile
from caseworker.store.schema import SCHEMA_VERSION
from ui.settings import Settings

DATA = Path(__file__).parent / "data"
FIXTURES = sorted(p for p in DATA.glob("profile_v*") if (p / "expected.json").exists())


def expected_of(fixture: Path) -> dict:
    return json.loads((fixture / "expected.json").read_text("utf-8"))


@pytest.fixture(params=FIXTURES, ids=[p.name for p in FIXTURES])
def old_profile(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, dict]:
    """A copy: opening migrates and writes (audit, WAL), and the committed fixture must stay as it was."""
    copy = tmp_path / request.param.name
    shutil.copytree(request.param, copy)
    return copy, expected_of(request.param)


def test_there_is_a_fixture_for_schema_version_1():
    assert [p.name for p in FIXTURES][:1] == ["profile_v1"]
    assert expected_of(FIXTURES[0])["schema_version"] == 1


def test_old_profile_opens_migrates_and_reads_every_case(old_profile):
    folder, expected = old_profile
    assert expected["schema_version"] <= SCHEMA_VERSION
    store = open_profile(folder, "budi", expected["password"])
    try:
        assert current_version(store.db) == SCHEMA_VERSION
        assert store.user.role == "worker"
        ids = set(queries.case_ids(store, queries.CaseFilter(status=None)))
        assert ids == {c["case_id"] for c in expected["cases"]}
        for want in expected["cases"]:
            case = queries.case_full(store, want["case_id"])
            assert case["case_number"] == want["case_number"]
            assert case["category_code"] == want["category_code"]
            assert case["stage"] == want["stage"]
            for key, value in want["person"].items():
                assert case["person"][key] == value, key
            notes = sorted(case["notes"], key=lambda n: n["noted_at"])
            assert [n["text"] for n in notes] == want["notes"]
            assert len(case["measurements"]) == want["measurements"]
            assert len(case["tasks"]) == want["tasks"]
    finally:
        store.close()


def test_old_profile_is_searchable_and_writable_after_the_upgrade(old_profile):
    folder, expected = old_profile
    first = expected["cases"][0]
    store = open_profile(folder, "budi", expected["password"])
    try:
        surname = first["person"]["name"].split()[-1]
        assert first["case_id"] in queries.case_ids(store, queries.CaseFilter(text=surname, status=None))
        cases.add_note(store, first["case_id"], "Catatan setelah pembaruan aplikasi.")
    finally:
        store.close()
    store = open_profile(folder, "ani", expected["password"])  # reopen: the write was committed
    try:
        texts = [n["text"] for n in queries.case_full(store, first["case_id"])["notes"]]
        assert sorted(texts) == sorted([*first["notes"], "Catatan setelah pembaruan aplikasi."])
        assert store.user.is_supervisor
    finally:
        store.close()


def test_v1_profile_gets_the_v2_case_index_columns_and_indexes(old_profile):
    """Migration v2 fills the new case_index columns of existing rows as a full rebuild would."""
    folder, expected = old_profile
    if expected["schema_version"] >= 2:
        pytest.skip("made after v2")
    store = open_profile(folder, "ani", expected["password"])
    try:
        columns = ", ".join(V2_CASE_INDEX_COLUMNS)
        migrated = store.query(f"SELECT case_id, {columns} FROM case_index ORDER BY case_id")
        assert len(migrated) == len(expected["cases"])
        assert all(r["case_rowid"] is not None and r["contact_day"] for r in migrated)
        with store.transaction():
            rebuild_all(store.db)
        assert store.query(f"SELECT case_id, {columns} FROM case_index ORDER BY case_id") == migrated
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {
            "idx_case_index_name",
            "idx_case_index_open",
            "idx_reviews_queue",
            "idx_tasks_open_due",
        } <= names
        assert "idx_tasks_due" not in names
        # the figures that read the new columns still count the fixture's open cases
        assert (
            queries.count_cases(store)
            == store.one("SELECT count(*) AS n FROM cases WHERE status = 'open' AND deleted = 0")["n"]
        )
    finally:
        store.close()


def test_old_key_slots_still_refuse_a_wrong_password(old_profile):
    folder, expected = old_profile
    with pytest.raises(WrongPassword):
        open_profile(folder, "ani", expected["password"] + "x")


def test_old_settings_survive(old_profile):
    folder, expected = old_profile
    assert read_profile(folder)["facility_code"] == "SDA"
    store = open_profile(folder, "ani", expected["password"])
    try:
        assert store.settings() == expected["profile_settings"]
    finally:
        store.close()
    desktop = Settings.load(folder / "settings" / "desktop.json")
    for key, value in expected["desktop_settings"].items():
        assert getattr(desktop, key) == value, key


def test_the_search_index_keeps_no_token_positions_after_the_upgrade(old_profile):
    """Migration v7: case_search is rebuilt with `detail = column` from what the old index held, and every
    case is still found by a word of its notes and by the start of its person's name."""
    folder, expected = old_profile
    store = open_profile(folder, "budi", expected["password"])
    try:
        sql = store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'case_search'").fetchone()[0]
        assert "detail = column" in sql and "prefix = '2 3 4'" in sql
        for want in expected["cases"]:
            name = want["person"]["name"].split()[0]
            found = queries.case_ids(store, queries.CaseFilter(text=name[:3], status=None))
            assert want["case_id"] in found
            words = [w for n in want["notes"] for w in n.split() if len(w) > 4 and w.isalpha()]
            if words:
                found = queries.case_ids(store, queries.CaseFilter(text=words[0], status=None))
                assert want["case_id"] in found, words[0]
        assert queries.case_ids(store, queries.CaseFilter(text="a_b budi_", status=None)) is not None
    finally:
        store.close()
