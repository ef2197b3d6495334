"""caseworker.growth against z-scores published by WHO (igrowup macro output and the anthro R package).

The expected values in data/who_reference_cases.csv were computed by WHO's software, not by us; the
file's header names the sources. Every indicator must match to 2 decimals, and an empty expected value
(missing input, oedema, length outside the table) must be None, never a number.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from caseworker.growth import INDICATORS, compute

DATA = Path(__file__).parent / "data" / "who_reference_cases.csv"


def _cases() -> list[dict[str, str]]:
    with open(DATA, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


CASES = _cases()
# The indicators this file publishes (arm circumference and skinfolds are in test_growth_reference_full).
COLUMNS = [indicator for indicator in INDICATORS if indicator in CASES[0]]


def test_the_reference_set_is_large_enough() -> None:
    complete = [c for c in CASES if all(c[indicator] for indicator in COLUMNS)]
    assert len(complete) >= 10, "need at least 10 children with every indicator published"
    assert {c["source"] for c in CASES} == {"igrowup", "anthro"}
    assert any(c["oedema"] == "y" for c in CASES)
    assert any(c["position"] == "standing" and int(c["age_days"]) < 731 for c in CASES)
    assert any(c["position"] == "lying" and int(c["age_days"]) >= 731 for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['source']}-{c['case']}" for c in CASES])
def test_matches_who_to_two_decimals(case: dict[str, str]) -> None:
    result = compute(
        int(case["sex"]),
        int(case["age_days"]),
        weight_kg=_number(case["weight_kg"]),
        length_cm=_number(case["length_cm"]),
        position=case["position"] or None,
        head_cm=_number(case["head_cm"]),
        oedema=case["oedema"] == "y",
    )
    published = result.to_json()
    for indicator in COLUMNS:
        expected = _number(case[indicator])
        if expected is None:
            assert published[indicator] is None, f"{indicator}: WHO gives no z-score"
            assert indicator in result.reasons
        else:
            assert published[indicator] == pytest.approx(expected, abs=1e-9), indicator
