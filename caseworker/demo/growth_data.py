"""Weights and lengths for demo toddlers, drawn from the WHO standards so the z-scores tell a story:
children growing normally, stunted children, and underweight children who recover in care."""

from __future__ import annotations

import random
from datetime import date, timedelta

from caseworker.growth.tables import MAX_AGE_DAYS, STANDING_FROM_DAYS, lms_for_age
from caseworker.growth.zscores import value_at_z

# Trajectory: (start z weight-for-age, start z length-for-age, weight-z change per month in care), weight.
TRAJECTORIES = {
    "normal": ((-0.4, -0.3, 0.0), 40),
    "stunted": ((-2.3, -2.6, 0.02), 25),
    "recovering": ((-2.9, -1.8, 0.2), 25),
    "wasted": ((-2.6, -1.2, 0.08), 10),
}
_KINDS = tuple(TRAJECTORIES)
_WEIGHTS = tuple(w for _, w in TRAJECTORIES.values())


def measurements(
    rng: random.Random, born: date, sex: str, first: date, last: date, count: int
) -> list[dict[str, object]]:
    """`count` visits (fewer if the child turns five) from `first` to `last`, roughly monthly."""
    kind = rng.choices(_KINDS, _WEIGHTS)[0]
    waz0, haz0, gain = TRAJECTORIES[kind][0]
    waz0 += rng.gauss(0, 0.4)
    haz0 += rng.gauss(0, 0.4)
    sex_code = 1 if sex == "L" else 2
    span = max((last - first).days, count)
    step = max(span // max(count - 1, 1), 14)
    out = []
    on = first
    for i in range(count):
        age = (on - born).days
        if age > MAX_AGE_DAYS or on > last:
            break
        months = (on - first).days / 30.4
        waz = min(waz0 + gain * months + rng.gauss(0, 0.15), 1.5)
        haz = min(haz0 + gain * 0.3 * months + rng.gauss(0, 0.1), 1.5)
        weight = value_at_z(*lms_for_age("waz", sex_code, age), waz)
        length = value_at_z(*lms_for_age("haz", sex_code, age), haz)
        standing = age >= STANDING_FROM_DAYS
        row: dict[str, object] = {
            "measured_at": on.isoformat(),
            "weight_kg": round(weight, 1),
            "length_cm": round(length, 1),
            "position": "standing" if standing else "lying",
            "oedema": 1 if kind == "wasted" and i == 0 and rng.random() < 0.05 else 0,
        }
        if age < 731 and rng.random() < 0.7:
            row["head_cm"] = round(value_at_z(*lms_for_age("hcz", sex_code, age), haz * 0.5), 1)
        if age >= 183 and rng.random() < 0.5:
            row["muac_cm"] = round(max(10.5, 14.5 + waz * 0.9 + rng.gauss(0, 0.3)), 1)
        out.append(row)
        on = on + timedelta(days=step + rng.randint(-5, 5))
    return out
