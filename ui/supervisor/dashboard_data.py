"""The dashboard's figures for one facility and the case ids behind each of them (Qt-free helpers for the
widgets; they run on the background reader).

A `Drill` names one clickable number: the core's drilldown metric, the worker ('' unassigned, None
everyone) and the keys (stage, category or growth alert codes; several keys are united, e.g. stunting =
severely stunted + stunted)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from caseworker.dashboard import dashboard, drilldown
from caseworker.store.store import Store

STUNTING = ("severely_stunted", "stunted")
WASTING = ("severely_wasted", "wasted")

# (column key, core drilldown metric, growth keys) for the worker table and the tiles, in display order.
MEASURES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("open", "open", ()),
    ("new", "new", ()),
    ("closed", "closed", ()),
    ("overdue_cases", "overdue", ()),
    ("no_contact_30", "no_contact_30", ()),
    ("stunting", "growth", STUNTING),
    ("wasting", "growth", WASTING),
    ("reviews", "review", ()),
)


@dataclass(frozen=True)
class Drill:
    metric: str
    username: str | None = None
    keys: tuple[str, ...] = ()


def case_ids(store: Store, drill: Drill, today: date | None = None) -> list[str]:
    """The ids behind a number, in the core's order (by name); several keys are united without repeats."""
    if not drill.keys:
        return drilldown(store, drill.metric, drill.username, None, today)
    seen: set[str] = set()
    out: list[str] = []
    for key in drill.keys:
        for case_id in drilldown(store, drill.metric, drill.username, key, today):
            if case_id not in seen:
                seen.add(case_id)
                out.append(case_id)
    if len(drill.keys) > 1 and out:
        order = {r[0]: r[1] or "" for r in _name_sorts(store, out)}
        out.sort(key=lambda cid: (order.get(cid, ""), cid))
    return out


def _name_sorts(store: Store, ids: list[str]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows += store.conn.execute(
            f"SELECT case_id, name_sort FROM case_index WHERE case_id IN ({','.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
    return rows


def _growth_pair(growth: dict[str, int], codes: tuple[str, ...]) -> int:
    return sum(growth.get(code, 0) for code in codes)


def facility_view(store: Store, today: date | None = None) -> dict[str, Any]:
    """dashboard() narrowed to the user's facility (drilldowns are per facility too), with the worker rows
    the table shows and a facility row that sums them."""
    today = today or date.today()
    data = dashboard(store, today)
    facility = store.user.facility_code
    reviews = data["reviews"]
    workers = []
    for row in data["workers"]:
        if row["facility_code"] != facility:
            continue
        growth = row.get("growth", {})
        workers.append(
            {
                **row,
                "stunting": _growth_pair(growth, STUNTING),
                "wasting": _growth_pair(growth, WASTING),
                "reviews": reviews["by_worker"].get(row["username"], 0),
            }
        )
    total = next((f for f in data["facilities"] if f["facility_code"] == facility), None)
    if total is None:  # a brand-new profile: no cases, no users with a role yet
        total = {"open": 0, "new": 0, "closed": 0, "overdue_cases": 0, "overdue_tasks": 0, "no_contact_30": 0,
                 "by_stage": {s: 0 for s in data["stages"]}, "by_category": {}}  # fmt: skip
    growth_total: dict[str, int] = {}
    for row in workers:
        for code, n in row.get("growth", {}).items():
            growth_total[code] = growth_total.get(code, 0) + n
    total = {
        **total,
        "username": None,
        "growth": growth_total,
        "stunting": sum(w["stunting"] for w in workers),
        "wasting": sum(w["wasting"] for w in workers),
        "reviews": reviews["total"],
    }
    from caseworker.store import referrals  # overdue referrals, both ways (issue 19)

    late = referrals.overdue(store, today)
    return {
        "referrals_overdue": {"sent": len(late["sent"]), "incoming": len(late["incoming"])},
        "today": data["today"],
        "period": data["period"],
        "stages": data["stages"],
        "facility_code": facility,
        "facility_name": store.facility().get("name") or facility,
        "workers": workers,
        "total": total,
        "reviews": reviews,
    }
