"""Caseload figures for supervisors, per facility and per worker, computed in SQL over `case_index`
(the supervisor dashboard reuses them; the PDF renders them).

- open: open cases now, also split by stage and by PPKS category;
- new / closed: cases opened / closed within the period (inclusive dates);
- overdue_cases / overdue_tasks: open cases with an unfinished task due before today, and those tasks;
- no_contact_30: open cases with no note (nor recorded contact) for 30 days, counted from the opening
  date when there is none yet, so a case opened yesterday is not "without contact".
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from caseworker.domain.stages import STAGES
from caseworker.store.store import Store

NO_CONTACT_DAYS = 30
MEASURES = ("open", "new", "closed", "overdue_cases", "overdue_tasks", "no_contact_30")

_OPEN = """
SELECT facility_code, coalesce(assigned_to, ''), stage, category_code, count(*)
FROM case_index WHERE deleted = 0 AND status = 'open'
GROUP BY 1, 2, 3, 4
"""
_NEW = """
SELECT facility_code, coalesce(assigned_to, ''), count(*) FROM case_index
WHERE deleted = 0 AND opened_at BETWEEN ? AND ? GROUP BY 1, 2
"""
_CLOSED = """
SELECT facility_code, coalesce(assigned_to, ''), count(*) FROM cases
WHERE deleted = 0 AND status = 'closed' AND substr(closed_at, 1, 10) BETWEEN ? AND ? GROUP BY 1, 2
"""
_OVERDUE = """
SELECT ci.facility_code, coalesce(ci.assigned_to, ''), count(DISTINCT ci.case_id), count(*)
FROM tasks t JOIN case_index ci ON ci.case_id = t.case_id
WHERE t.deleted = 0 AND t.done_at IS NULL AND t.due_date < ? AND ci.deleted = 0 AND ci.status = 'open'
GROUP BY 1, 2
"""
_NO_CONTACT = """
SELECT ci.facility_code, coalesce(ci.assigned_to, ''), count(*)
FROM case_index ci JOIN cases c ON c.id = ci.case_id
WHERE ci.deleted = 0 AND ci.status = 'open'
  AND max(substr(coalesce(ci.last_contact, ''), 1, 10), substr(coalesce(c.last_contact_at, ''), 1, 10),
          coalesce(ci.opened_at, '')) < ?
GROUP BY 1, 2
"""


def _empty() -> dict[str, Any]:
    return {**dict.fromkeys(MEASURES, 0), "by_stage": dict.fromkeys(STAGES, 0), "by_category": {}}


def _add(row: dict[str, Any], measure: str, n: int) -> None:
    row[measure] += n


def caseload_stats(store: Store, date_from: date, date_to: date, today: date | None = None) -> dict[str, Any]:
    """{"period": {"from", "to"}, "today", "stages", "totals", "facilities": [...], "workers": [...]}.

    Each row holds the MEASURES, `by_stage` {stage: n} (every stage, zeros included) and `by_category`
    {code: n} (only categories with open cases). Facility rows add `facility_code` and `facility_name`;
    worker rows add `facility_code`, `username` ('' = unassigned) and `full_name`. Active workers and
    supervisors of the facility appear even with no cases, so an idle worker is visible too.
    """
    today = today or date.today()
    conn = store.conn
    workers: dict[tuple[str, str], dict[str, Any]] = {}

    def worker(facility: str, username: str) -> dict[str, Any]:
        key = (facility or "", username or "")
        if key not in workers:
            workers[key] = _empty()
        return workers[key]

    for username, facility in conn.execute(
        "SELECT username, facility_code FROM users WHERE active = 1 AND role IN ('worker', 'supervisor')"
    ):
        worker(facility, username)
    for facility, username, stage, category, n in conn.execute(_OPEN):
        row = worker(facility, username)
        _add(row, "open", n)
        row["by_stage"][stage] = row["by_stage"].get(stage, 0) + n
        row["by_category"][category] = row["by_category"].get(category, 0) + n
    period = [date_from.isoformat(), date_to.isoformat()]
    for facility, username, n in conn.execute(_NEW, period):
        _add(worker(facility, username), "new", n)
    for facility, username, n in conn.execute(_CLOSED, period):
        _add(worker(facility, username), "closed", n)
    for facility, username, cases, tasks in conn.execute(_OVERDUE, [today.isoformat()]):
        row = worker(facility, username)
        _add(row, "overdue_cases", cases)
        _add(row, "overdue_tasks", tasks)
    cutoff = (today - timedelta(days=NO_CONTACT_DAYS)).isoformat()
    for facility, username, n in conn.execute(_NO_CONTACT, [cutoff]):
        _add(worker(facility, username), "no_contact_30", n)

    names = {r[0]: r[1] for r in conn.execute("SELECT username, full_name FROM users")}
    facility_names = {r[0]: r[1] for r in conn.execute("SELECT code, name FROM facilities")}
    facilities: dict[str, dict[str, Any]] = {}
    totals = _empty()
    for (facility, _username), row in workers.items():
        target = facilities.setdefault(facility, _empty())
        for acc in (target, totals):
            _merge(acc, row)
    worker_rows = [
        {"facility_code": facility, "username": username, "full_name": names.get(username) or username, **row}
        for (facility, username), row in workers.items()
    ]
    worker_rows.sort(
        key=lambda r: (r["facility_code"], r["username"] == "", (r["full_name"] or "").casefold())
    )
    facility_rows = [
        {"facility_code": code, "facility_name": facility_names.get(code) or code, **row}
        for code, row in sorted(facilities.items())
    ]
    return {
        "period": {"from": period[0], "to": period[1]},
        "today": today.isoformat(),
        "stages": list(STAGES),
        "totals": totals,
        "facilities": facility_rows,
        "workers": worker_rows,
    }


def _merge(into: dict[str, Any], row: dict[str, Any]) -> None:
    for measure in MEASURES:
        into[measure] += row[measure]
    for key in ("by_stage", "by_category"):
        for code, n in row[key].items():
            into[key][code] = into[key].get(code, 0) + n
