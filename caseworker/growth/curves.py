"""The -3..+3 SD reference lines of the WHO standards, for drawing growth charts (PDF, Qt).

A line at z is the measurement value M * (1 + L*S*z)^(1/L) along the table. The restricted method
changes only z-scores computed beyond +/-3 SD, not these lines, so WHO's printed charts match them.
"""

from __future__ import annotations

import math

from caseworker.growth.tables import (
    FIRST_DAY,
    MAX_AGE_DAYS,
    MONTH_RANGE,
    length_table,
    lms_for_age,
    lms_for_length,
    lms_for_months,
)
from caseworker.growth.zscores import DAYS_PER_MONTH, parse_sex, value_at_z

SD_LINES = (-3, -2, -1, 0, 1, 2, 3)
# Indicators whose x axis is age in days, and the length-keyed tables (x = length/height in cm).
AGE_INDICATORS = ("waz", "haz", "baz", "hcz", "acz", "tsz", "ssz")
# Past MAX_AGE_DAYS these continue on the WHO 2007 reference (5-19 years), to its last month.
OLDER_INDICATORS = ("waz", "haz", "baz")
LENGTH_INDICATORS = {"wfl": "wfl", "wfh": "wfh", "whz_lying": "wfl", "whz_standing": "wfh"}
DEFAULT_POINTS = 300


def x_range(indicator: str) -> tuple[float, float]:
    """The x span the standard covers for an indicator (days, or cm for wfl/wfh)."""
    if indicator in OLDER_INDICATORS:
        return 0, math.floor(MONTH_RANGE[indicator][1] * DAYS_PER_MONTH)
    if indicator in AGE_INDICATORS:
        return FIRST_DAY.get(indicator, 0), MAX_AGE_DAYS
    table = length_table(_length_table_name(indicator))
    return table.min_cm, table.max_cm


def _length_table_name(indicator: str) -> str:
    try:
        return LENGTH_INDICATORS[indicator]
    except KeyError:
        known = ", ".join((*AGE_INDICATORS, *LENGTH_INDICATORS))
        raise ValueError(f"unknown indicator {indicator!r}; use one of {known}") from None


def reference_curves(
    indicator: str,
    sex: str | int,
    x_from: float,
    x_to: float,
    step: float | None = None,
) -> dict[str, list[tuple[float, float]]]:
    """{"-3": [(x, value), ...], ..., "3": [...]} between x_from and x_to, clipped to the standard.

    indicator: waz, haz, baz, hcz, acz, tsz, ssz (x = age in days; waz, haz and baz go on past 1856 days on
    the WHO 2007 reference, to 120 or 228 months) or wfl / wfh (x = length / height in cm;
    whz_lying / whz_standing are aliases). step: x spacing (days, or cm rounded to 0.1); by default
    about 300 points over the span. Length-for-age steps at 731 days where lying length becomes height.
    """
    sex_code = parse_sex(sex)
    low, high = x_range(indicator)
    start, stop = max(float(x_from), low), min(float(x_to), high)
    curves: dict[str, list[tuple[float, float]]] = {str(z): [] for z in SD_LINES}
    if start > stop:
        return curves
    if indicator in AGE_INDICATORS:
        xs: list[float] = list(_age_points(math.ceil(start), math.floor(stop), step))
    else:
        xs = _length_points(start, stop, step)
    for x in xs:
        if indicator in AGE_INDICATORS:
            found = _age_lms(indicator, sex_code, int(x))
            if found is None:  # pragma: no cover - xs are inside the table
                continue
            lms = found
        else:
            found = lms_for_length(_length_table_name(indicator), sex_code, x)
            if found is None:  # pragma: no cover - xs are inside the table
                continue
            lms = found
        for z in SD_LINES:
            curves[str(z)].append((x, round(value_at_z(*lms, float(z)), 4)))
    return curves


def _age_lms(indicator: str, sex_code: int, day: int) -> tuple[float, float, float] | None:
    if day <= MAX_AGE_DAYS:
        return lms_for_age(indicator, sex_code, day)
    return lms_for_months(indicator, sex_code, day / DAYS_PER_MONTH)


def _age_points(first: int, last: int, step: float | None) -> list[int]:
    if first > last:
        return []
    stride = max(1, round(step) if step else math.ceil((last - first) / DEFAULT_POINTS))
    days = list(range(first, last + 1, stride))
    if days[-1] != last:
        days.append(last)
    return days


def _length_points(start: float, stop: float, step: float | None) -> list[float]:
    first, last = math.ceil(start * 10 - 1e-9), math.floor(stop * 10 + 1e-9)
    if first > last:
        return []
    stride = max(1, round(step * 10) if step else math.ceil((last - first) / DEFAULT_POINTS))
    tenths = list(range(first, last + 1, stride))
    if tenths[-1] != last:
        tenths.append(last)
    return [t / 10 for t in tenths]
