"""Property tests: z rises with weight, undefined outside the standard, never an exception in range."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseworker.growth import INDICATORS, GrowthInputError, compute
from caseworker.growth.tables import MAX_AGE_DAYS

sexes = st.sampled_from(["male", "female", "L", "P", 1, 2])
ages = st.integers(min_value=0, max_value=MAX_AGE_DAYS)
weights = st.floats(min_value=0.1, max_value=150.0, allow_nan=False)
lengths = st.floats(min_value=10.0, max_value=200.0, allow_nan=False)
heads = st.floats(min_value=10.0, max_value=100.0, allow_nan=False)
positions = st.sampled_from([None, "lying", "standing"])


@settings(max_examples=300, deadline=None)
@given(sexes, ages, weights, weights, lengths, positions)
def test_z_rises_with_weight(sex, age, w1, w2, length, position) -> None:
    light, heavy = sorted((w1, w2))
    a = compute(sex, age, weight_kg=light, length_cm=length, position=position)
    b = compute(sex, age, weight_kg=heavy, length_cm=length, position=position)
    for indicator in ("waz", "whz", "baz"):
        za, zb = a.z(indicator), b.z(indicator)
        assert (za is None) == (zb is None)
        if za is not None and zb is not None:
            assert zb >= za - 1e-9


@settings(max_examples=300, deadline=None)
@given(sexes, ages, lengths, lengths, positions)
def test_z_rises_with_length(sex, age, l1, l2, position) -> None:
    short, tall = sorted((l1, l2))
    assert (
        compute(sex, age, length_cm=tall, position=position).haz
        >= compute(sex, age, length_cm=short, position=position).haz - 1e-9
    )


@settings(max_examples=300, deadline=None)
@given(
    sexes,
    ages,
    st.one_of(st.none(), weights),
    st.one_of(st.none(), lengths),
    positions,
    st.one_of(st.none(), heads),
    st.booleans(),
)
def test_no_exception_and_consistent_result(sex, age, weight, length, position, head, oedema) -> None:
    result = compute(sex, age, weight, length, position, head, oedema)
    out = result.to_json()
    for indicator in INDICATORS:
        value = result.z(indicator)
        assert (value is None) == (indicator in result.reasons)
        assert (value is None) == (indicator not in result.categories)
        if value is not None:
            assert math.isfinite(value)
            assert out[indicator] == round(value, 2)
    assert set(result.flags) <= set(result.categories)
    if oedema:
        assert result.waz is None and result.whz is None and result.baz is None


@settings(max_examples=200, deadline=None)
@given(sexes, st.integers(min_value=6941, max_value=40_000), weights, lengths, heads)
def test_none_beyond_nineteen_years(sex, age, weight, length, head) -> None:
    # 228 months (the WHO 2007 reference's end) = 6939.75 days; 6940 days is 228.01 months.
    result = compute(sex, age, weight, length, "standing", head)
    assert all(result.z(indicator) is None for indicator in INDICATORS)
    assert set(result.reasons.values()) == {"age_over_19_years"}


@settings(max_examples=200, deadline=None)
@given(sexes, st.integers(min_value=MAX_AGE_DAYS + 1, max_value=6939), weights, lengths, heads)
def test_after_five_years_only_the_2007_reference_indicators(sex, age, weight, length, head) -> None:
    result = compute(sex, age, weight, length, "standing", head, muac_cm=15.0)
    assert result.reference == "who2007"
    assert result.haz is not None and result.baz is not None
    assert all(result.z(i) is None for i in ("whz", "hcz", "acz", "tsz", "ssz"))
    assert (result.waz is not None) == (age / 30.4375 <= 120)


@settings(max_examples=200, deadline=None)
@given(
    sexes,
    st.integers(min_value=0, max_value=730),
    weights,
    st.one_of(st.floats(min_value=10.0, max_value=44.99), st.floats(min_value=110.01, max_value=199.0)),
)
def test_none_outside_the_weight_for_length_table(sex, age, weight, length) -> None:
    result = compute(sex, age, weight, length, "lying")
    assert result.whz is None
    assert result.reasons["whz"] == "length_out_of_range"


@settings(max_examples=200, deadline=None)
@given(
    sexes,
    ages,
    st.sampled_from(["weight_kg", "length_cm", "head_cm"]),
    st.one_of(
        st.floats(max_value=0.09),
        st.floats(min_value=250.01),
        st.just(math.nan),
        st.just(math.inf),
    ),
)
def test_impossible_measurements_are_refused_not_scored(sex, age, name, value) -> None:
    with pytest.raises(GrowthInputError):
        compute(sex, age, **{name: value})
