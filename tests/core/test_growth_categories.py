"""Permenkes 2/2020 category boundaries, exactly as the regulation writes them."""

from __future__ import annotations

import pytest

from caseworker.growth.categories import classify, indicator_name


@pytest.mark.parametrize(
    ("z", "code"),
    [
        (-3.01, "severely_underweight"),
        (-3.0, "underweight"),
        (-2.01, "underweight"),
        (-2.0, "normal"),
        (0.0, "normal"),
        (1.0, "normal"),
        (1.01, "risk_of_overweight"),
    ],
)
def test_weight_for_age(z: float, code: str) -> None:
    assert classify("waz", z).code == code


@pytest.mark.parametrize(
    ("z", "code"),
    [
        (-3.01, "severely_stunted"),
        (-3.0, "stunted"),
        (-2.01, "stunted"),
        (-2.0, "normal"),
        (3.0, "normal"),
        (3.01, "tall"),
    ],
)
def test_length_for_age(z: float, code: str) -> None:
    assert classify("haz", z).code == code


@pytest.mark.parametrize("indicator", ["whz", "baz"])
@pytest.mark.parametrize(
    ("z", "code"),
    [
        (-3.01, "severely_wasted"),
        (-3.0, "wasted"),
        (-2.01, "wasted"),
        (-2.0, "normal"),
        (1.0, "normal"),
        (1.01, "possible_risk_of_overweight"),
        (2.0, "possible_risk_of_overweight"),
        (2.01, "overweight"),
        (3.0, "overweight"),
        (3.01, "obese"),
    ],
)
def test_weight_for_length_and_bmi(indicator: str, z: float, code: str) -> None:
    assert classify(indicator, z).code == code


@pytest.mark.parametrize(
    ("z", "code"), [(-2.01, "microcephaly"), (-2.0, "normal"), (2.0, "normal"), (2.01, "macrocephaly")]
)
def test_head_circumference(z: float, code: str) -> None:
    assert classify("hcz", z).code == code


def test_labels_are_bilingual() -> None:
    assert classify("whz", -3.5).label("id") == "Gizi buruk"
    assert classify("whz", -3.5).label("en") == "Severely wasted"
    assert classify("haz", -2.5).label("id") == "Pendek"
    assert classify("waz", 1.5).label("id") == "Risiko berat badan lebih"
    assert classify("baz", 3.5).label("id") == "Obesitas"


def test_indicator_names_follow_the_position() -> None:
    assert indicator_name("haz", standing=False, lang="id") == "PB/U"
    assert indicator_name("haz", standing=True, lang="id") == "TB/U"
    assert indicator_name("whz", standing=True, lang="id") == "BB/TB"
    assert indicator_name("baz", lang="id") == "IMT/U"


def test_unknown_indicator() -> None:
    with pytest.raises(ValueError):
        classify("muac", 0.0)
