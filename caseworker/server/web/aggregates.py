"""The provincial overview's figures, counted by the database over the changelog (issue 20).

The server holds each synced row once, its latest state as JSON in `changelog.data` (caseworker.server.db),
with the facility, case and person as columns. Every figure here is a GROUP BY in SQL over those rows,
the same statement text on SQLite (json_extract) and PostgreSQL (->>), and returns counts only: no name,
NIK, birth date or any other value of a person leaves these queries. Small cells are suppressed afterwards
(caseworker.server.web.suppression), before anything is shown or exported.

- active: cases open at the end of the month (opened on or before it, not closed by then), by facility and
  PPKS category, stage, sex, age band at the month's end, disability (any recorded) and DTSEN desil. The
  category, stage and person's fields are today's (the server keeps no history of them).
- new / closed: cases opened / closed in each of the 12 months up to the chosen one.
- services: ATENSI interventions provided in each of those months, by component.
- overdue: open cases with an unfinished follow-up task due before today, and those tasks.
- referrals: referrals made in the month by status; days to answer for those answered (accepted,
  completed or declined: the day of their last change minus the day they were made).
- growth: children under five with a measurement, their latest one: stunted (TB/U or PB/U < -2 SD),
  wasted (BB/TB < -2 SD), underweight (BB/U < -2 SD); the latest rows are chosen in SQL, the WHO z-scores
  computed in Python (caseworker.growth).

The kabupaten/kota filter is the client's home region (the first two parts of persons.region_code).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

AGE_BANDS = ("0-4", "5-17", "18-59", "60+", "unknown")
SEXES = ("L", "P", "unknown")
DISABILITY = ("yes", "no")
DESILS = (*(str(n) for n in range(1, 11)), "unknown")
DIMENSIONS = ("category", "stage", "sex", "age_band", "disability", "desil")
MONTHS_SHOWN = 12
REFERRAL_STATUSES = ("sent", "accepted", "completed", "declined")
ANSWERED = ("accepted", "completed", "declined")


@dataclass(frozen=True)
class Filters:
    month: str  # YYYY-MM
    kabupaten: str | None = None  # Kemendagri code of a kabupaten/kota, e.g. 35.15

    @property
    def start(self) -> str:
        return f"{self.month}-01"

    @property
    def end(self) -> str:
        year, month = (int(x) for x in self.month.split("-"))
        return f"{self.month}-{calendar.monthrange(year, month)[1]:02d}"

    def months(self, n: int = MONTHS_SHOWN) -> list[str]:
        """The n months up to and including this one, oldest first."""
        year, month = (int(x) for x in self.month.split("-"))
        out = []
        for _ in range(n):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return out[::-1]


@dataclass
class Overview:
    """Raw counts (before suppression). Keys of per-facility dicts are facility codes."""

    filters: Filters
    facilities: dict[str, str] = field(default_factory=dict)  # code -> name
    # facility -> dimension -> value -> n
    active: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    new: dict[str, dict[str, int]] = field(default_factory=dict)  # facility -> month -> n
    closed: dict[str, dict[str, int]] = field(default_factory=dict)
    services: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)  # fac -> component -> month
    overdue_cases: dict[str, int] = field(default_factory=dict)
    overdue_tasks: dict[str, int] = field(default_factory=dict)
    referrals: dict[str, dict[str, int]] = field(default_factory=dict)  # facility -> status -> n
    answer_days: dict[str, tuple[int, int]] = field(default_factory=dict)  # facility -> (sum, count)
    growth: dict[str, dict[str, int]] = field(default_factory=dict)  # facility -> measured|stunted|...


class _Sql:
    """The dialect's pieces of statement text."""

    def __init__(self, conn: Connection) -> None:
        self.pg = conn.dialect.name == "postgresql"

    def j(self, alias: str, name: str) -> str:
        """A field of the row's JSON as text (NULL when absent)."""
        if self.pg:
            return f"(({alias}.data)::json ->> '{name}')"
        return f"CAST(json_extract({alias}.data, '$.{name}') AS TEXT)"

    def day(self, alias: str, name: str) -> str:
        return f"substr({self.j(alias, name)}, 1, 10)"

    def days_between(self, later: str, earlier: str) -> str:
        if self.pg:
            return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _person_join(sql: _Sql, case_alias: str = "c") -> str:
    return f"LEFT JOIN changelog p ON p.table_name = 'persons' AND p.row_id = {case_alias}.person_id"


def _kab_clause(sql: _Sql, f: Filters) -> str:
    return f" AND substr({sql.j('p', 'region_code')}, 1, 5) = :kab" if f.kabupaten else ""


def _params(f: Filters, **more: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"start": f.start, "end": f.end, **more}
    if f.kabupaten:
        params["kab"] = f.kabupaten
    return params


def _active_clause(sql: _Sql) -> str:
    """The case `c` was open at :end."""
    return (
        f"{sql.day('c', 'opened_at')} <= :end AND (coalesce({sql.j('c', 'status')}, 'open') <> 'closed'"
        f" OR coalesce({sql.day('c', 'closed_at')}, '') > :end)"
    )


def active(conn: Connection, f: Filters) -> dict[str, dict[str, dict[str, int]]]:
    sql = _Sql(conn)
    birth = sql.day("p", "birth_date")
    age = (
        f"(CAST(:end_year AS INTEGER) - CAST(substr({birth}, 1, 4) AS INTEGER)"
        f" - CASE WHEN :end_md < substr({birth}, 6, 5) THEN 1 ELSE 0 END)"
    )
    disabilities = sql.j("p", "disabilities")
    statement = f"""
SELECT fac, category, stage, sex,
       CASE WHEN age IS NULL THEN 'unknown' WHEN age < 5 THEN '0-4' WHEN age < 18 THEN '5-17'
            WHEN age < 60 THEN '18-59' ELSE '60+' END AS age_band,
       disability, desil, count(*)
FROM (
  SELECT c.facility_code AS fac,
         coalesce({sql.j("c", "category_code")}, 'unknown') AS category,
         coalesce({sql.j("c", "stage")}, 'unknown') AS stage,
         CASE WHEN {sql.j("p", "sex")} IN ('L', 'P') THEN {sql.j("p", "sex")} ELSE 'unknown' END AS sex,
         CASE WHEN coalesce({birth}, '') = '' THEN NULL ELSE {age} END AS age,
         CASE WHEN coalesce({disabilities}, '') IN ('', '[]', 'null') THEN 'no' ELSE 'yes' END AS disability,
         coalesce({sql.j("p", "dtsen_desil")}, 'unknown') AS desil
  FROM changelog c {_person_join(sql)}
  WHERE c.table_name = 'cases' AND c.deleted = 0 AND {_active_clause(sql)}{_kab_clause(sql, f)}
) x
GROUP BY fac, category, stage, sex, age_band, disability, desil
"""
    end = f.end
    rows = conn.execute(text(statement), _params(f, end_year=int(end[:4]), end_md=end[5:]))
    out: dict[str, dict[str, dict[str, int]]] = {}
    for fac, *values, n in rows:
        per = out.setdefault(fac or "", {d: defaultdict(int) for d in DIMENSIONS})
        for dimension, value in zip(DIMENSIONS, values, strict=True):
            per[dimension][str(value)] += n
    return {fac: {d: dict(v) for d, v in dims.items()} for fac, dims in out.items()}


def opened_closed(
    conn: Connection, f: Filters
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    sql = _Sql(conn)
    first = f.months()[0] + "-01"
    result = []
    for column, extra in (("opened_at", ""), ("closed_at", f" AND {sql.j('c', 'status')} = 'closed'")):
        statement = f"""
SELECT c.facility_code, substr({sql.day("c", column)}, 1, 7) AS month, count(*)
FROM changelog c {_person_join(sql)}
WHERE c.table_name = 'cases' AND c.deleted = 0 AND {sql.day("c", column)} BETWEEN :first AND :end{extra}
  {_kab_clause(sql, f)}
GROUP BY c.facility_code, substr({sql.day("c", column)}, 1, 7)
"""
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        for fac, month, n in conn.execute(text(statement), _params(f, first=first)):
            counts[fac or ""][month] = n
        result.append(dict(counts))
    return result[0], result[1]


def services(conn: Connection, f: Filters) -> dict[str, dict[str, dict[str, int]]]:
    sql = _Sql(conn)
    first = f.months()[0] + "-01"
    statement = f"""
SELECT c.facility_code, coalesce({sql.j("i", "atensi_component")}, 'unknown'),
       substr({sql.day("i", "provided_at")}, 1, 7), count(*)
FROM changelog i
JOIN changelog c ON c.table_name = 'cases' AND c.row_id = i.case_id
{_person_join(sql)}
WHERE i.table_name = 'interventions' AND i.deleted = 0 AND c.deleted = 0
  AND {sql.day("i", "provided_at")} BETWEEN :first AND :end{_kab_clause(sql, f)}
GROUP BY c.facility_code, coalesce({sql.j("i", "atensi_component")}, 'unknown'),
         substr({sql.day("i", "provided_at")}, 1, 7)
"""
    out: dict[str, dict[str, dict[str, int]]] = {}
    for fac, component, month, n in conn.execute(text(statement), _params(f, first=first)):
        out.setdefault(fac or "", {}).setdefault(component, {})[month] = n
    return out


def overdue(conn: Connection, f: Filters, today: date) -> tuple[dict[str, int], dict[str, int]]:
    """Open cases (now) with an unfinished task due before `today`, and those tasks, per facility."""
    sql = _Sql(conn)
    statement = f"""
SELECT c.facility_code, count(DISTINCT c.row_id), count(*)
FROM changelog t
JOIN changelog c ON c.table_name = 'cases' AND c.row_id = t.case_id
{_person_join(sql)}
WHERE t.table_name = 'tasks' AND t.deleted = 0 AND c.deleted = 0
  AND coalesce({sql.j("c", "status")}, 'open') <> 'closed'
  AND coalesce({sql.j("t", "done_at")}, '') = ''
  AND coalesce({sql.day("t", "due_date")}, '') <> '' AND {sql.day("t", "due_date")} < :today
  {_kab_clause(sql, f)}
GROUP BY c.facility_code
"""
    cases: dict[str, int] = {}
    tasks: dict[str, int] = {}
    for fac, n_cases, n_tasks in conn.execute(text(statement), _params(f, today=today.isoformat())):
        cases[fac or ""], tasks[fac or ""] = n_cases, n_tasks
    return cases, tasks


def referrals(conn: Connection, f: Filters) -> tuple[dict[str, dict[str, int]], dict[str, tuple[int, int]]]:
    sql = _Sql(conn)
    made, changed = sql.day("r", "referred_at"), "substr(r_updated, 1, 10)"
    statement = f"""
SELECT fac, status, count(*),
       sum(CASE WHEN status IN ('accepted', 'completed', 'declined') THEN {sql.days_between(changed, "made")}
           END),
       sum(CASE WHEN status IN ('accepted', 'completed', 'declined') THEN 1 ELSE 0 END)
FROM (
  SELECT c.facility_code AS fac, coalesce({sql.j("r", "status")}, 'sent') AS status, {made} AS made,
         coalesce({sql.j("r", "updated_at")}, r.changed_at) AS r_updated
  FROM changelog r
  JOIN changelog c ON c.table_name = 'cases' AND c.row_id = r.case_id
  {_person_join(sql)}
  WHERE r.table_name = 'referrals' AND r.deleted = 0 AND c.deleted = 0
    AND {made} BETWEEN :start AND :end{_kab_clause(sql, f)}
) x
GROUP BY fac, status
"""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    days: dict[str, tuple[int, int]] = {}
    for fac, status, n, day_sum, answered in conn.execute(text(statement), _params(f)):
        counts[fac or ""][status] = n
        before = days.get(fac or "", (0, 0))
        days[fac or ""] = (before[0] + int(day_sum or 0), before[1] + int(answered or 0))
    return dict(counts), days


def growth(conn: Connection, f: Filters) -> dict[str, dict[str, int]]:
    """Children under five (at their latest measurement up to the month's end) of cases open at the
    month's end: the latest measurement per person chosen in SQL, z-scores computed here."""
    from caseworker.growth.records import result_for  # the WHO tables load on first use only

    sql = _Sql(conn)
    measured = sql.day("m", "measured_at")
    statement = f"""
SELECT fac, sex, birth, measured, weight, length, position, oedema FROM (
  SELECT c.facility_code AS fac, {sql.j("p", "sex")} AS sex, {sql.day("p", "birth_date")} AS birth,
         {measured} AS measured, {sql.j("m", "weight_kg")} AS weight, {sql.j("m", "length_cm")} AS length,
         {sql.j("m", "position")} AS position, {sql.j("m", "oedema")} AS oedema,
         ROW_NUMBER() OVER (PARTITION BY c.person_id ORDER BY {measured} DESC, m.seq DESC) AS rn
  FROM changelog m
  JOIN changelog c ON c.table_name = 'cases' AND c.row_id = m.case_id
  {_person_join(sql)}
  WHERE m.table_name = 'measurements' AND m.deleted = 0 AND c.deleted = 0 AND {measured} <= :end
    AND {_active_clause(sql)}{_kab_clause(sql, f)}
) x WHERE rn = 1
"""
    out: dict[str, dict[str, int]] = {}
    for fac, sex, birth, on, weight, length, position, oedema in conn.execute(text(statement), _params(f)):
        result = result_for(
            {"sex": sex, "birth_date": birth},
            {
                "measured_at": on,
                "weight_kg": float(weight) if weight not in (None, "") else None,
                "length_cm": float(length) if length not in (None, "") else None,
                "position": position,
                "oedema": oedema in ("1", "true", 1),
            },
        )
        if result is None or result.age_days >= 1856:  # five years: 60 months
            continue
        counts = out.setdefault(fac or "", dict.fromkeys(("measured", "stunted", "wasted", "underweight"), 0))
        counts["measured"] += 1
        for key, indicator in (("stunted", "haz"), ("wasted", "whz"), ("underweight", "waz")):
            z = result.z(indicator)
            if z is not None and indicator not in result.flags and z < -2:
                counts[key] += 1
    return out


def facility_names(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(text("SELECT code, name FROM facilities ORDER BY code")).all())


def kabupaten_codes(conn: Connection) -> list[str]:
    """The kabupaten/kota the clients of open and closed cases live in (codes only), for the filter."""
    sql = _Sql(conn)
    statement = f"""
SELECT DISTINCT substr({sql.j("p", "region_code")}, 1, 5) FROM changelog p
WHERE p.table_name = 'persons' AND p.deleted = 0 AND length(coalesce({sql.j("p", "region_code")}, '')) >= 5
"""
    return sorted(code for (code,) in conn.execute(text(statement)) if code)


def overview(conn: Connection, f: Filters, today: date) -> Overview:
    result = Overview(filters=f, facilities=facility_names(conn))
    result.active = active(conn, f)
    result.new, result.closed = opened_closed(conn, f)
    result.services = services(conn, f)
    result.overdue_cases, result.overdue_tasks = overdue(conn, f, today)
    result.referrals, result.answer_days = referrals(conn, f)
    result.growth = growth(conn, f)
    return result
