"""Reference curves for charts."""

from __future__ import annotations

import pytest

from caseworker.growth import compute
from caseworker.growth.curves import reference_curves


def test_seven_ordered_lines() -> None:
    curves = reference_curves("waz", "female", 0, 1826)
    assert list(curves) == ["-3", "-2", "-1", "0", "1", "2", "3"]
    assert curves["0"][0] == (0, 3.2322)  # weianthro.txt sex 2, day 0: M
    assert curves["0"][-1][0] == 1826
    for i in range(len(curves["0"])):
        values = [curves[k][i][1] for k in curves]
        assert values == sorted(values)


def test_a_point_on_the_line_scores_its_z() -> None:
    curves = reference_curves("wfl", "male", 70, 70, step=0.1)
    for key, points in curves.items():
        ((x, weight),) = points
        assert x == 70.0
        assert compute("male", 300, weight_kg=weight, length_cm=x, position="lying").whz == pytest.approx(
            int(key), abs=1e-3
        )


def test_range_is_clipped_and_step_respected() -> None:
    curves = reference_curves("wfh", 2, 60, 66, step=0.5)
    assert [x for x, _ in curves["0"]] == [65.0, 65.5, 66.0]
    assert reference_curves("hcz", 1, 2000, 3000)["0"] == []
    assert [x for x, _ in reference_curves("haz", 1, 10, 20, step=5)["0"]] == [10, 15, 20]


def test_unknown_indicator() -> None:
    with pytest.raises(ValueError):
        reference_curves("whz", 1, 0, 10)
