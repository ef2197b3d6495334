"""From stored measurement rows to z-scores and alerts (the store, the UI and the reports share this)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from caseworker.errors import KnownError
from caseworker.growth.alerts import Alert, alerts
from caseworker.growth.zscores import GrowthResult, age_in_days, compute


def result_for(person: dict[str, Any], m: dict[str, Any]) -> GrowthResult | None:
    """z-scores of one measurement row, or None when the child's sex or birth date is unknown or the
    values are impossible (the form refuses those; old or synced rows may still hold them)."""
    if not person.get("birth_date") or person.get("sex") not in ("L", "P") or not m.get("measured_at"):
        return None
    try:
        days = age_in_days(
            date.fromisoformat(person["birth_date"]), date.fromisoformat(m["measured_at"][:10])
        )
        return compute(
            person["sex"],
            days,
            weight_kg=m.get("weight_kg"),
            length_cm=m.get("length_cm"),
            position=m.get("position") or None,
            head_cm=m.get("head_cm"),
            oedema=bool(m.get("oedema")),
            muac_cm=m.get("muac_cm"),
            triceps_mm=m.get("triceps_mm"),
            subscapular_mm=m.get("subscapular_mm"),
        )
    except (KnownError, ValueError):
        return None


def history(
    person: dict[str, Any], measurements: Iterable[dict[str, Any]]
) -> list[tuple[date, GrowthResult]]:
    out = []
    for m in sorted(measurements, key=lambda r: r.get("measured_at") or ""):
        result = result_for(person, m)
        if result is not None:
            out.append((date.fromisoformat(m["measured_at"][:10]), result))
    return out


def latest_alerts(person: dict[str, Any], measurements: Iterable[dict[str, Any]]) -> list[Alert]:
    return alerts(history(person, measurements), latest_only=True)
