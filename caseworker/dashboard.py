"""The supervisor's dashboard: caseload figures for this month, reviews waiting and growth alerts, each
number backed by the list of cases behind it (`drilldown`).

Every figure comes from indexed, derived tables (case_index, growth_status), so it opens fast on a
100,000-case profile.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from caseworker.reports.caseload_stats import NO_CONTACT_DAYS, caseload_stats
from caseworker.store.store import Store
from caseworker.store.values import day_of, json_or_raw

GROWTH_ALERTS = ("severely_stunted", "stunted", "severely_wasted", "wasted", "drop")
METRICS = ("open", "new", "closed", "overdue", "no_contact_30", "stage", "category", "growth", "review")


def month_bounds(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


def _has_growth_status(store: Store) -> bool:
    # The derived table is made with the first measurement; a new profile (or a read-only reader of one)
    # has none yet, which means no alerts rather than an error.
    found = store.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'growth_status'")
    return found.fetchone() is not None


def _growth_counts(store: Store) -> dict[tuple[str, str], dict[str, int]]:
    out: dict[tuple[str, str], dict[str, int]] = {}
    if not _has_growth_status(store):
        return out
    rows = store.conn.execute(
        "SELECT i.facility_code, i.assigned_to, g.alerts FROM growth_status g"
        " CROSS JOIN case_index i INDEXED BY idx_case_index_case ON i.case_id = g.case_id"  # from the alerts
        " WHERE i.deleted = 0 AND i.status = 'open' AND g.alerts != '[]'"
    )
    for facility, user, codes in rows:
        counts = out.setdefault((facility, user or ""), dict.fromkeys(GROWTH_ALERTS, 0))
        for code in json_or_raw(codes) or ():
            if code in counts:
                counts[code] += 1
    return out


def _review_counts(store: Store, today: date) -> dict[str, Any]:
    rows = store.conn.execute(
        "SELECT i.assigned_to, r.kind, r.submitted_at FROM reviews r"
        " JOIN case_index i INDEXED BY idx_case_index_case ON i.case_id = r.case_id"
        " WHERE r.status = 'submitted' AND r.deleted = 0 AND i.deleted = 0 AND i.facility_code = ?",
        [store.user.facility_code],
    )
    by_worker: dict[str, int] = {}
    by_kind: dict[str, int] = {}
    oldest = 0
    for assigned, kind, at in rows:
        user = assigned or ""
        by_worker[user] = by_worker.get(user, 0) + 1
        by_kind[kind] = by_kind.get(kind, 0) + 1
        day = day_of(at)
        if day is not None:
            oldest = max(oldest, (today - day).days)
    return {"total": sum(by_kind.values()), "by_kind": by_kind, "by_worker": by_worker, "oldest_days": oldest}


def dashboard(store: Store, today: date | None = None) -> dict[str, Any]:
    """caseload_stats for this month plus `growth` (per worker and totals) and `reviews`."""
    today = today or date.today()
    first, last = month_bounds(today)
    stats = caseload_stats(store, first, last, today)
    growth = _growth_counts(store)
    totals = dict.fromkeys(GROWTH_ALERTS, 0)
    for row in stats["workers"]:
        row["growth"] = growth.get((row["facility_code"], row["username"]), dict.fromkeys(GROWTH_ALERTS, 0))
        for code, n in row["growth"].items():
            totals[code] += n
    stats["totals"]["growth"] = totals
    stats["reviews"] = _review_counts(store, today)
    return stats


def drilldown(
    store: Store, metric: str, username: str | None = None, key: str | None = None, today: date | None = None
) -> list[str]:
    """The case ids behind one dashboard number (worker '' = unassigned, None = everyone)."""
    today = today or date.today()
    first, last = month_bounds(today)
    where = ["i.deleted = 0", "i.facility_code = ?"]
    params: list[Any] = [store.user.facility_code]
    if username is not None:
        where.append("coalesce(i.assigned_to, '') = ?")
        params.append(username)
    # Whole groups of open cases walk the index in name order; smaller sets are found, then sorted.
    table = "case_index i INDEXED BY idx_case_index_name" if metric == "open" else "case_index i"
    if metric in ("open", "stage", "category", "overdue", "no_contact_30", "growth"):
        where.append("i.status = 'open'")
    if metric == "new":
        where.append("i.opened_at BETWEEN ? AND ?")
        params += [first.isoformat(), last.isoformat()]
    elif metric == "closed":
        table = "case_index i INDEXED BY idx_case_index_closed"
        where.append("i.status = 'closed' AND i.closed_on BETWEEN ? AND ?")
        params += [first.isoformat(), last.isoformat()]
    elif metric == "stage":
        where.append("i.stage = ?")
        params.append(key)
    elif metric == "category":
        where.append("i.category_code = ?")
        params.append(key)
    elif metric == "overdue":
        where.append("i.next_due < ?")
        params.append(today.isoformat())
    elif metric == "no_contact_30":
        where.append("i.contact_day < ?")  # the day of the last note, recorded contact or else opening
        params.append((today - timedelta(days=NO_CONTACT_DAYS)).isoformat())
    elif metric == "growth":
        if not _has_growth_status(store):
            return []
        # from the children with this alert, each looked up by case id
        table = (
            "growth_status g CROSS JOIN case_index i INDEXED BY idx_case_index_case ON i.case_id = g.case_id"
        )
        where.append("g.alerts LIKE ?")
        params.append(f'%"{key}"%' if key else '%"%')
    elif metric == "review":
        where.append("i.case_id IN (SELECT case_id FROM reviews WHERE status = 'submitted' AND deleted = 0)")
    elif metric != "open":
        raise ValueError(f"unknown metric {metric!r}")
    # growth_status has one row per case: no join repeats a case.
    sql = f"SELECT i.case_id FROM {table} WHERE {' AND '.join(where)} ORDER BY i.name_sort, i.case_id"
    return [r[0] for r in store.conn.execute(sql, params)]
