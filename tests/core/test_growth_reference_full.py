"""caseworker.growth against whole survey files scored by WHO's own software, every indicator to 0.01.

- data/igrowup_mysurvey_z_st.csv: WHO's igrowup macro on its 498-child demonstration survey (0-5 years):
  weight-, length/height-, weight-for-length/height-, BMI-, head, arm circumference-, triceps and
  subscapular skinfold-for-age, both measuring positions, oedema, |z| > 3 and ages 1827-1856 days.
- data/who2007_survey_z.csv: WHO's who2007 macro on its 933-child 5-19 years survey (height-, weight- and
  BMI-for-age of the WHO 2007 reference).
Both files' headers name their source; nothing in them was computed by caseworker.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from caseworker.growth import INDICATORS, compute
from caseworker.growth.categories import classify
from caseworker.growth.tables import lms_for_months
from caseworker.growth.zscores import compute_months, value_at_z

DATA = Path(__file__).parent / "data"
IGROWUP_COLUMNS = {
    "waz": "_ZWEI",
    "haz": "_ZLEN",
    "whz": "_ZWFL",
    "baz": "_ZBMI",
    "hcz": "_ZHC",
    "acz": "_ZAC",
    "tsz": "_ZTS",
    "ssz": "_ZSS",
}
WHO2007_COLUMNS = {"haz": "zhfa", "waz": "zwfa", "baz": "zbfa"}
# anthroplus (WHO's current 5-19 tool) takes the upper ages as inclusive; the older who2007 macro that
# produced the file scored a little past them. Above these the file's value is not compared.
WHO2007_LAST_MONTH = {"haz": 228, "baz": 228, "waz": 120}


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def _number(text: str) -> float | None:
    text = text.strip()
    return float(text) if text and text != "NA" else None


IGROWUP = _rows("igrowup_mysurvey_z_st.csv")
WHO2007 = _rows("who2007_survey_z.csv")


def _igrowup_result(row: dict[str, str]):
    return compute(
        int(row["GENDER"]),
        int(row["_agedays"]),
        weight_kg=_number(row["WEIGHT"]),
        length_cm=_number(row["HEIGHT"]),
        position={"l": "lying", "h": "standing"}.get(row["measure"]),
        head_cm=_number(row["HEAD"]),
        oedema=row["oedema"] == "y",
        muac_cm=_number(row["MUAC"]),
        triceps_mm=_number(row["TRI"]),
        subscapular_mm=_number(row["SUB"]),
    )


def test_the_igrowup_file_covers_what_must_be_proved() -> None:
    assert len(IGROWUP) == 498
    ages = [int(r["_agedays"]) for r in IGROWUP]
    assert sum(1827 <= a <= 1856 for a in ages) >= 4
    for indicator in ("acz", "tsz", "ssz", "waz", "haz"):
        column = IGROWUP_COLUMNS[indicator]
        assert any(abs(_number(r[column]) or 0) > 3 for r in IGROWUP), indicator
    assert any(r["measure"] == "h" and int(r["_agedays"]) < 731 for r in IGROWUP)
    assert any(r["measure"] == "l" and int(r["_agedays"]) >= 731 for r in IGROWUP)
    assert any(r["oedema"] == "y" for r in IGROWUP)
    assert any(r["MUAC"] and int(r["_agedays"]) < 91 for r in IGROWUP)  # WHO gives no ACZ there


@pytest.mark.parametrize("row", IGROWUP, ids=[f"igrowup-{r['id']}" for r in IGROWUP])
def test_every_igrowup_child_matches_on_all_eight_indicators(row: dict[str, str]) -> None:
    published = _igrowup_result(row).to_json()
    assert set(IGROWUP_COLUMNS) == set(INDICATORS)
    for indicator, column in IGROWUP_COLUMNS.items():
        expected = _number(row[column])
        if expected is None:
            assert published[indicator] is None, f"{indicator}: WHO gives no z-score"
        else:
            assert published[indicator] == pytest.approx(expected, abs=1e-9), indicator


def test_the_who2007_file_covers_what_must_be_proved() -> None:
    assert len(WHO2007) == 933
    months = [float(r["agemons"]) for r in WHO2007]
    assert min(months) < 62 and max(months) > 228
    assert any(abs(_number(r["zbfa"]) or 0) > 3 for r in WHO2007)
    assert any(r["oedema"] == "y" for r in WHO2007)


@pytest.mark.parametrize("row", WHO2007, ids=[f"who2007-{r['id']}" for r in WHO2007])
def test_every_who2007_child_matches(row: dict[str, str]) -> None:
    months = float(row["agemons"])
    result = compute_months(
        int(row["sex"]),
        months,
        weight_kg=_number(row["weight"]),
        height_cm=_number(row["height"]),
        oedema=row["oedema"] == "y",
    )
    published = result.to_json()
    for indicator, column in WHO2007_COLUMNS.items():
        if months > WHO2007_LAST_MONTH[indicator]:
            assert published[indicator] is None
            continue
        expected = _number(row[column])
        if expected is None:
            assert published[indicator] is None, f"{indicator}: WHO gives no z-score"
        else:
            assert published[indicator] == pytest.approx(expected, abs=1e-9), indicator
    if published["baz"] is not None:  # IMT/U 5-18 years gets its Permenkes 2/2020 category
        assert result.categories["baz"] == classify("baz", published["baz"], older=True).code
    assert "haz" not in result.categories  # TB/U 5-18: z-score only (see categories.py)


@pytest.mark.parametrize(
    ("indicator", "sex", "month", "published"),
    [
        # WHO's printed 5-19 years z-score tables (SD lines -3..+3), row 10:0 years (120 months).
        ("baz", 1, 120, (12.8, 13.7, 14.9, 16.4, 18.5, 21.4, 26.1)),
        ("baz", 2, 120, (12.4, 13.5, 14.8, 16.6, 19.0, 22.6, 28.4)),
    ],
)
def test_the_2007_tables_give_whos_printed_sd_lines(indicator, sex, month, published) -> None:
    lms = lms_for_months(indicator, sex, month)
    assert lms is not None
    assert tuple(round(value_at_z(*lms, z), 1) for z in range(-3, 4)) == published


def test_the_2007_medians_quoted_by_who() -> None:
    boys_bmi = lms_for_months("baz", 1, 120)
    girls_height = lms_for_months("haz", 2, 120)
    assert boys_bmi is not None and round(boys_bmi[1], 1) == 16.4
    assert girls_height is not None and round(girls_height[1], 1) == 138.6


@pytest.mark.parametrize(
    ("age", "position", "expected"),
    # WHO's anthro package, tests/testthat/test-zscores.R "adds adjusted lenhei": clenhei for 100 cm.
    [(730, "standing", 100.7), (800, "standing", 100.0), (730, "lying", 100.0), (800, "lying", 99.3)],
)
def test_the_730_731_day_switch_as_who_adjusts_length(age: int, position: str, expected: float) -> None:
    result = compute(1, age, weight_kg=15.0, length_cm=100.0, position=position, muac_cm=15.0)
    assert result.length_cm == pytest.approx(expected)
    assert result.standing == (age >= 731)
    # 730 days scores BB/PB on the lying table, 731 BB/TB on the standing one, both on the corrected length
    assert result.whz is not None and result.acz is not None


def test_day_730_and_731_use_different_length_tables() -> None:
    lying = compute(2, 730, length_cm=77.5)
    standing = compute(2, 731, length_cm=77.5)
    assert standing.to_json()["haz"] == -2.55  # WHO anthro tests: girl, 731 days, 77.5 cm
    assert lying.haz is not None and lying.haz != standing.haz
