"""Unit tests of the z-score method, with values hand-computed from single WHO table rows."""

from __future__ import annotations

import math
from datetime import date

import pytest

from caseworker.growth import INDICATORS, GrowthInputError, age_in_days, compute
from caseworker.growth.tables import MAX_AGE_DAYS, lms_for_age, lms_for_length
from caseworker.growth.zscores import lms_z, parse_sex, restricted_z, value_at_z

# weianthro.txt, sex 1, age 0: L 0.3487, M 3.3464, S 0.14602
BOY_BIRTH_WEIGHT = (0.3487, 3.3464, 0.14602)


def test_table_rows_are_read_as_published() -> None:
    assert lms_for_age("waz", 1, 0) == BOY_BIRTH_WEIGHT
    assert lms_for_age("haz", 1, 0) == (1.0, 49.8842, 0.03795)
    assert lms_for_length("wfl", 1, 45.0) == (-0.3521, 2.441, 0.09182)
    assert lms_for_length("wfh", 1, 65.0) == (-0.3521, 7.4327, 0.08217)


def test_plain_formula_on_a_table_row() -> None:
    lam, mu, sigma = BOY_BIRTH_WEIGHT
    by_hand = ((4.0 / 3.3464) ** 0.3487 - 1) / (0.3487 * 0.14602)
    assert compute("male", 0, weight_kg=4.0).waz == pytest.approx(by_hand, abs=1e-12)
    assert lms_z(mu, lam, mu, sigma) == 0.0


def test_head_circumference_uses_the_plain_formula() -> None:
    # hcanthro.txt, sex 1, age 0: L 1, M 34.4618, S 0.03686
    assert compute("male", 0, head_cm=36.0).hcz == pytest.approx((36.0 / 34.4618 - 1) / 0.03686)


def test_restricted_method_beyond_three_sd() -> None:
    lam, mu, sigma = BOY_BIRTH_WEIGHT
    sd2, sd3 = value_at_z(lam, mu, sigma, 2), value_at_z(lam, mu, sigma, 3)
    heavy = sd3 + 0.5 * (sd3 - sd2)
    assert restricted_z(heavy, lam, mu, sigma) == pytest.approx(3.5)
    assert lms_z(heavy, lam, mu, sigma) != pytest.approx(3.5)
    sd2n, sd3n = value_at_z(lam, mu, sigma, -2), value_at_z(lam, mu, sigma, -3)
    light = sd3n - (sd2n - sd3n)
    assert restricted_z(light, lam, mu, sigma) == pytest.approx(-4.0)
    assert compute("male", 0, weight_kg=light).waz == pytest.approx(-4.0)


def test_length_for_age_is_not_restricted() -> None:
    result = compute("male", 0, length_cm=60.0)
    assert result.haz == pytest.approx((60.0 / 49.8842 - 1) / 0.03795)
    assert result.haz > 5


def test_position_correction() -> None:
    # lenanthro.txt sex 2: age 700 L row, age 800 H row.
    standing_baby = compute("female", 700, length_cm=80.0, position="standing")
    lying_baby = compute("female", 700, length_cm=80.7, position="lying")
    assert standing_baby.length_cm == pytest.approx(80.7)
    assert standing_baby.haz == pytest.approx(lying_baby.haz)
    lying_toddler = compute("female", 800, length_cm=90.7, position="lying")
    assert lying_toddler.length_cm == pytest.approx(90.0)
    assert lying_toddler.haz == pytest.approx(compute("female", 800, length_cm=90.0, position="standing").haz)
    assert compute("female", 800, length_cm=90.0).length_cm == 90.0  # no position: as the age calls for


def test_weight_for_length_before_731_days_and_for_height_after() -> None:
    lying = compute("male", 730, weight_kg=10.0, length_cm=80.0, position="lying")
    standing = compute("male", 731, weight_kg=10.0, length_cm=80.0, position="standing")
    lam, mu, sigma = lms_for_length("wfl", 1, 80.0)
    assert lying.whz == pytest.approx(restricted_z(10.0, lam, mu, sigma))
    lam, mu, sigma = lms_for_length("wfh", 1, 80.0)
    assert standing.whz == pytest.approx(restricted_z(10.0, lam, mu, sigma))
    assert lying.whz != pytest.approx(standing.whz)
    assert not lying.standing and standing.standing


def test_linear_interpolation_between_tenth_rows() -> None:
    low, high = lms_for_length("wfl", 2, 70.1), lms_for_length("wfl", 2, 70.2)
    middle = lms_for_length("wfl", 2, 70.14)
    for a, b, m in zip(low, high, middle, strict=True):
        assert m == pytest.approx(a + 0.4 * (b - a))


def test_bmi_uses_the_corrected_length() -> None:
    result = compute("male", 400, weight_kg=10.0, length_cm=75.3, position="standing")
    assert result.bmi == pytest.approx(10.0 / 0.76**2)
    assert result.baz == pytest.approx(restricted_z(result.bmi, *lms_for_age("baz", 1, 400)))


def test_oedema_leaves_weight_based_scores_undefined() -> None:
    result = compute("female", 300, weight_kg=7.0, length_cm=68.0, position="lying", head_cm=43, oedema=True)
    assert result.waz is None and result.whz is None and result.baz is None
    assert {result.reasons[i] for i in ("waz", "whz", "baz")} == {"oedema"}
    assert result.haz is not None and result.hcz is not None
    assert "edema" in (result.reason("waz", "id") or "")


def test_the_0_to_5_standards_run_to_1856_days_then_the_2007_reference() -> None:
    assert MAX_AGE_DAYS == 1856
    last = compute("male", 1856, weight_kg=18.0, length_cm=110, position="standing", head_cm=50, muac_cm=16)
    assert last.reference == "who2006"
    assert all(last.z(i) is not None for i in ("waz", "haz", "whz", "baz", "hcz", "acz"))
    # weianthro.txt sex 1, day 1856 (an igrowup row WHO's newer anthro package dropped)
    assert lms_for_age("waz", 1, 1856) == (-0.1534, 18.4968, 0.1358)
    after = compute("male", 1857, weight_kg=18.0, length_cm=110, position="standing", head_cm=50, muac_cm=16)
    assert after.reference == "who2007"
    assert after.waz is not None and after.haz is not None and after.baz is not None
    assert after.whz is None and after.reasons["whz"] == "not_after_5_years"
    assert after.hcz is None and after.acz is None
    assert after.to_json()["hcz"] is None


@pytest.mark.parametrize(
    ("age", "length", "position"),
    [
        (100, 44.9, "lying"),
        (100, 110.1, "lying"),
        (800, 64.9, "standing"),
        (800, 120.1, "standing"),
        (800, 121.0, "lying"),
    ],
)
def test_length_outside_the_table_gives_no_weight_for_length(age: int, length: float, position: str) -> None:
    result = compute("female", age, weight_kg=9.0, length_cm=length, position=position)
    assert result.whz is None
    assert result.reasons["whz"] == "length_out_of_range"
    assert result.haz is not None  # length-for-age is still defined


def test_table_edges_are_inside() -> None:
    assert compute("male", 100, weight_kg=3.0, length_cm=45.0, position="lying").whz is not None
    assert compute("male", 100, weight_kg=20.0, length_cm=110.0, position="lying").whz is not None
    assert compute("male", 900, weight_kg=25.0, length_cm=120.0, position="standing").whz is not None


def test_missing_measurements_have_reasons() -> None:
    result = compute("male", 200)
    assert result.reasons == {
        "waz": "no_weight",
        "whz": "no_weight",
        "baz": "no_weight",
        "haz": "no_length",
        "hcz": "no_head",
        "acz": "no_muac",
        "tsz": "no_triceps",
        "ssz": "no_subscapular",
    }
    assert compute("male", 90, muac_cm=12.0).reasons["acz"] == "under_3_months"
    assert compute("male", 91, muac_cm=12.0).acz is not None
    weight_only = compute("male", 200, weight_kg=8.0)
    assert weight_only.reasons["whz"] == "no_length" and weight_only.waz is not None


@pytest.mark.parametrize("value", ["male", "M", "l", "L", 1, "1", "Laki-laki"])
def test_male_spellings(value: str | int) -> None:
    assert parse_sex(value) == 1


@pytest.mark.parametrize("value", ["female", "F", "p", "P", 2, "2", "perempuan"])
def test_female_spellings(value: str | int) -> None:
    assert parse_sex(value) == 2


@pytest.mark.parametrize("value", ["x", "", 3, True, None])
def test_unknown_sex_is_refused(value: object) -> None:
    with pytest.raises(GrowthInputError):
        compute(value, 10)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"age_days": -1},
        {"age_days": 1.5},
        {"age_days": True},
        {"age_days": 10, "weight_kg": 0},
        {"age_days": 10, "weight_kg": -3},
        {"age_days": 10, "weight_kg": math.nan},
        {"age_days": 10, "length_cm": math.inf},
        {"age_days": 10, "head_cm": 0},
        {"age_days": 10, "weight_kg": 900},
        {"age_days": 10, "length_cm": 60, "position": "sitting"},
    ],
)
def test_impossible_inputs_are_refused(kwargs: dict) -> None:
    with pytest.raises(GrowthInputError) as caught:
        compute("female", **kwargs)
    assert caught.value.text("id") and caught.value.text("en")


def test_age_in_days() -> None:
    assert age_in_days(date(2024, 2, 29), date(2026, 2, 28)) == 730
    assert age_in_days(date(2026, 1, 1), date(2026, 1, 1)) == 0
    with pytest.raises(GrowthInputError):
        age_in_days(date(2026, 1, 2), date(2026, 1, 1))


def test_flags_follow_the_who_limits() -> None:
    # WAZ flags below -6 or above 5 (asymmetric): newborn boy at 0.8 kg is -6.38, at 6.5 kg +5.40.
    assert "waz" in compute("male", 0, weight_kg=0.8).flags
    assert "waz" not in compute("male", 0, weight_kg=1.0).flags  # -5.85: very low but plausible
    assert "waz" in compute("male", 0, weight_kg=6.5).flags
    assert "haz" in compute("male", 987, length_cm=72.86, position="lying").flags  # WHO anthro: -6.09
    assert compute("male", 0, weight_kg=3.3).flags == []


def test_to_json_contract() -> None:
    result = compute("female", 240, weight_kg=7.0, length_cm=67.8, position="lying", head_cm=43.3)
    out = result.to_json()
    assert set(out) == {"age_days", *INDICATORS, "reference", "flags", "categories"}
    assert out["age_days"] == 240
    assert all(out[i] == round(out[i], 2) for i in ("waz", "haz", "whz", "baz", "hcz"))
    assert out["categories"]["whz"] == "Gizi baik"
    assert out["categories"]["waz"] == "Berat badan normal"
