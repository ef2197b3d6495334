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

# Each query reads one partial index of case_index (schema v2), never the table: open cases in one pass
# (with their overdue and no-contact counts), cases opened and closed in the period by range.
# Grouped by the raw columns in index order; worker() folds NULL and '' (unassigned) together.
# Overdue tasks: the unfinished tasks due before today (CROSS JOIN: from the tasks' due-date index).
_OPEN = """
SELECT facility_code, assigned_to, stage, category_code, count(*),
       coalesce(sum(next_due < :today), 0), coalesce(sum(contact_day < :cutoff), 0)
FROM case_index WHERE deleted = 0 AND status = 'open'
GROUP BY facility_code, assigned_to, stage, category_code
"""
_NEW = """
SELECT facility_code, assigned_to, count(*) FROM case_index
WHERE deleted = 0 AND opened_at BETWEEN :from AND :to GROUP BY 1, 2
"""
_CLOSED = """
SELECT facility_code, assigned_to, count(*) FROM case_index INDEXED BY idx_case_index_closed
WHERE deleted = 0 AND status = 'closed' AND closed_on BETWEEN :from AND :to GROUP BY 1, 2
"""
_OVERDUE_TASKS = """
SELECT ci.facility_code, ci.assigned_to, count(*)
FROM tasks t CROSS JOIN case_index ci INDEXED BY idx_case_index_case ON ci.case_id = t.case_id
WHERE t.deleted = 0 AND t.done_at IS NULL AND t.due_date < :today AND ci.deleted = 0 AND ci.status = 'open'
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
    period = [date_from.isoformat(), date_to.isoformat()]
    args = {"today": today.isoformat(), "cutoff": (today - timedelta(days=NO_CONTACT_DAYS)).isoformat(),
            "from": period[0], "to": period[1]}  # fmt: skip
    for facility, username, stage, category, n, overdue, no_contact in conn.execute(_OPEN, args):
        row = worker(facility, username)
        _add(row, "open", n)
        _add(row, "overdue_cases", overdue)
        _add(row, "no_contact_30", no_contact)
        row["by_stage"][stage] = row["by_stage"].get(stage, 0) + n
        row["by_category"][category] = row["by_category"].get(category, 0) + n
    for facility, username, n in conn.execute(_NEW, args):
        _add(worker(facility, username), "new", n)
    for facility, username, n in conn.execute(_CLOSED, args):
        _add(worker(facility, username), "closed", n)
    for facility, username, n in conn.execute(_OVERDUE_TASKS, args):
        _add(worker(facility, username), "overdue_tasks", n)

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
