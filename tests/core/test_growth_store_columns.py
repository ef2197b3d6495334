"""Schema v9: an old profile gets measurements.triceps_mm and subscapular_mm, and the skinfolds are scored."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from caseworker.growth.records import result_for
from caseworker.store.profile import open_profile
from caseworker.store.schema import TABLES

FIXTURE = Path(__file__).parent / "data" / "profile_v1"


def test_a_v1_profile_gains_the_skinfold_columns(tmp_path: Path) -> None:
    copy = tmp_path / "profile_v1"
    shutil.copytree(FIXTURE, copy)
    expected = json.loads((FIXTURE / "expected.json").read_text("utf-8"))
    store = open_profile(copy, "budi", expected["password"])
    try:
        columns = {row[1] for row in store.conn.execute("PRAGMA table_info(measurements)").fetchall()}
        assert {"triceps_mm", "subscapular_mm", "muac_cm"} <= columns
        assert set(TABLES["measurements"]) <= columns
    finally:
        store.close()


def test_a_stored_row_with_skinfolds_is_scored() -> None:
    person = {"birth_date": "2025-01-01", "sex": "P"}
    row = {"measured_at": "2025-04-07", "muac_cm": 14.7, "triceps_mm": 17.4, "subscapular_mm": 12.2}
    result = result_for(person, row)
    assert result is not None and result.age_days == 96
    assert result.acz is not None and result.tsz is not None and result.ssz is not None


def test_the_dashboards_growth_index_sees_muac_and_shrinking_lengths() -> None:
    from caseworker.store.growth_index import status_row

    person = {"birth_date": "2025-01-01", "sex": "L"}
    low_muac = [{"measured_at": "2026-02-05", "weight_kg": 9.0, "muac_cm": 11.2}]
    row = status_row("case-1", person, low_muac)
    assert row is not None and "muac_severe" in json.loads(row[5])
    shrinking = [
        {"measured_at": "2026-02-05", "length_cm": 76.0, "position": "lying"},
        {"measured_at": "2026-03-07", "length_cm": 70.0, "position": "lying"},
    ]
    row = status_row("case-2", person, shrinking)
    assert row is not None
    codes = json.loads(row[5])
    assert "length_shrank" in codes and not {"stunted", "severely_stunted", "drop"} & set(codes)
