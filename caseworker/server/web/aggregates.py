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
- growth: children under five at the month's end with a measurement, their latest one: stunted (TB/U or PB/U < -2 SD),
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
        """A field of the row's JSON as text (NULL when absent). PostgreSQL reads it from the row's JSON
        parsed once (`lat`): `data::json ->> name` would parse the whole text again for every field."""
        if self.pg:
            return f"({alias}_j.j ->> '{name}')"
        return f"CAST(json_extract({alias}.data, '$.{name}') AS TEXT)"

    def lat(self, alias: str, left: bool = False) -> str:
        """After `changelog {alias}` in a FROM: its JSON parsed once per row (PostgreSQL; 12.9 -> 7.2 s for
        the active cases of 200,000)."""
        if not self.pg:
            return ""
        parsed = f"(SELECT {alias}.data::jsonb AS j OFFSET 0) {alias}_j"
        return f" LEFT JOIN LATERAL {parsed} ON true" if left else f" CROSS JOIN LATERAL {parsed}"

    def day(self, alias: str, name: str) -> str:
        return f"substr({self.j(alias, name)}, 1, 10)"

    def days_between(self, later: str, earlier: str) -> str:
        if self.pg:
            return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _person_join(sql: _Sql, case_alias: str = "c") -> str:
    return (
        f"LEFT JOIN changelog p ON p.table_name = 'persons' AND p.row_id = {case_alias}.person_id"
        + sql.lat("p", left=True)
    )


def _kab(sql: _Sql) -> str:
    """The client's kabupaten/kota code (NULL when the region is unknown)."""
    return f"substr({sql.j('p', 'region_code')}, 1, 5)"


def _active_clause(sql: _Sql) -> str:
    """The case `c` was open at :end."""
    return (
        f"{sql.day('c', 'opened_at')} <= :end AND (coalesce({sql.j('c', 'status')}, 'open') <> 'closed'"
        f" OR coalesce({sql.day('c', 'closed_at')}, '') > :end)"
    )


# Every statement groups by facility and the clients' kabupaten/kota as well: one computation of a month
# serves every kabupaten filter (caseworker.server.web.snapshots keeps it), folded by `_fold_*` below.


def _active_rows(conn: Connection, f: Filters) -> list[tuple]:
    sql = _Sql(conn)
    birth = sql.day("p", "birth_date")
    age = (
        f"(CAST(:end_year AS INTEGER) - CAST(substr({birth}, 1, 4) AS INTEGER)"
        f" - CASE WHEN :end_md < substr({birth}, 6, 5) THEN 1 ELSE 0 END)"
    )
    disabilities = sql.j("p", "disabilities")
    statement = f"""
SELECT fac, kab, category, stage, sex,
       CASE WHEN age IS NULL THEN 'unknown' WHEN age < 5 THEN '0-4' WHEN age < 18 THEN '5-17'
            WHEN age < 60 THEN '18-59' ELSE '60+' END AS age_band,
       disability, desil, count(*)
FROM (
  SELECT c.facility_code AS fac, {_kab(sql)} AS kab,
         coalesce({sql.j("c", "category_code")}, 'unknown') AS category,
         coalesce({sql.j("c", "stage")}, 'unknown') AS stage,
         CASE WHEN {sql.j("p", "sex")} IN ('L', 'P') THEN {sql.j("p", "sex")} ELSE 'unknown' END AS sex,
         CASE WHEN coalesce({birth}, '') = '' THEN NULL ELSE {age} END AS age,
         CASE WHEN coalesce({disabilities}, '') IN ('', '[]', 'null') THEN 'no' ELSE 'yes' END AS disability,
         coalesce({sql.j("p", "dtsen_desil")}, 'unknown') AS desil
  FROM changelog c{sql.lat("c")} {_person_join(sql)}
  WHERE c.table_name = 'cases' AND c.deleted = 0 AND {_active_clause(sql)}
) x
GROUP BY fac, kab, category, stage, sex, age_band, disability, desil
"""
    end = f.end
    params = {"end": end, "end_year": int(end[:4]), "end_md": end[5:]}
    return [tuple(r) for r in conn.execute(text(statement), params)]


def _fold_active(rows: list, kab: str | None) -> dict[str, dict[str, dict[str, int]]]:
    out: dict[str, dict[str, dict[str, int]]] = {}
    for fac, row_kab, *values, n in rows:
        if kab and row_kab != kab:
            continue
        per = out.setdefault(fac or "", {d: defaultdict(int) for d in DIMENSIONS})
        for dimension, value in zip(DIMENSIONS, values, strict=True):
            per[dimension][str(value)] += n
    return {fac: {d: dict(v) for d, v in dims.items()} for fac, dims in out.items()}


def active(conn: Connection, f: Filters) -> dict[str, dict[str, dict[str, int]]]:
    return _fold_active(_active_rows(conn, f), f.kabupaten)


def _opened_closed_rows(conn: Connection, f: Filters) -> list[list[tuple]]:
    sql = _Sql(conn)
    first = f.months()[0] + "-01"
    result = []
    for column, extra in (("opened_at", ""), ("closed_at", f" AND {sql.j('c', 'status')} = 'closed'")):
        statement = f"""
SELECT c.facility_code, {_kab(sql)}, substr({sql.day("c", column)}, 1, 7) AS month, count(*)
FROM changelog c{sql.lat("c")} {_person_join(sql)}
WHERE c.table_name = 'cases' AND c.deleted = 0 AND {sql.day("c", column)} BETWEEN :first AND :end{extra}
GROUP BY c.facility_code, {_kab(sql)}, substr({sql.day("c", column)}, 1, 7)
"""
        result.append([tuple(r) for r in conn.execute(text(statement), {"first": first, "end": f.end})])
    return result


def _fold_months(rows: list, kab: str | None) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for fac, row_kab, month, n in rows:
        if not kab or row_kab == kab:
            counts[fac or ""][month] += n
    return {fac: dict(per) for fac, per in counts.items()}


def opened_closed(
    conn: Connection, f: Filters
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    opened, closed = _opened_closed_rows(conn, f)
    return _fold_months(opened, f.kabupaten), _fold_months(closed, f.kabupaten)


def _services_rows(conn: Connection, f: Filters) -> list[tuple]:
    sql = _Sql(conn)
    first = f.months()[0] + "-01"
    component = f"coalesce({sql.j('i', 'atensi_component')}, 'unknown')"
    month = f"substr({sql.day('i', 'provided_at')}, 1, 7)"
    statement = f"""
SELECT c.facility_code, {_kab(sql)}, {component}, {month}, count(*)
FROM changelog i{sql.lat("i")}
JOIN changelog c ON c.table_name = 'cases' AND c.row_id = i.case_id{sql.lat("c")}
{_person_join(sql)}
WHERE i.table_name = 'interventions' AND i.deleted = 0 AND c.deleted = 0
  AND {sql.day("i", "provided_at")} BETWEEN :first AND :end
GROUP BY c.facility_code, {_kab(sql)}, {component}, {month}
"""
    return [tuple(r) for r in conn.execute(text(statement), {"first": first, "end": f.end})]


def _fold_services(rows: list, kab: str | None) -> dict[str, dict[str, dict[str, int]]]:
    out: dict[str, dict[str, dict[str, int]]] = {}
    for fac, row_kab, component, month, n in rows:
        if not kab or row_kab == kab:
            per = out.setdefault(fac or "", {}).setdefault(component, {})
            per[month] = per.get(month, 0) + n
    return out


def services(conn: Connection, f: Filters) -> dict[str, dict[str, dict[str, int]]]:
    return _fold_services(_services_rows(conn, f), f.kabupaten)


def _overdue_rows(conn: Connection, today: date) -> list[tuple]:
    sql = _Sql(conn)
    statement = f"""
SELECT c.facility_code, {_kab(sql)}, count(DISTINCT c.row_id), count(*)
FROM changelog t{sql.lat("t")}
JOIN changelog c ON c.table_name = 'cases' AND c.row_id = t.case_id{sql.lat("c")}
{_person_join(sql)}
WHERE t.table_name = 'tasks' AND t.deleted = 0 AND c.deleted = 0
  AND coalesce({sql.j("c", "status")}, 'open') <> 'closed'
  AND coalesce({sql.j("t", "done_at")}, '') = ''
  AND coalesce({sql.day("t", "due_date")}, '') <> '' AND {sql.day("t", "due_date")} < :today
GROUP BY c.facility_code, {_kab(sql)}
"""
    return [tuple(r) for r in conn.execute(text(statement), {"today": today.isoformat()})]


def _fold_overdue(rows: list, kab: str | None) -> tuple[dict[str, int], dict[str, int]]:
    cases: dict[str, int] = defaultdict(int)
    tasks: dict[str, int] = defaultdict(int)
    for fac, row_kab, n_cases, n_tasks in rows:  # a case has one client: its kabupaten counts it once
        if not kab or row_kab == kab:
            cases[fac or ""] += n_cases
            tasks[fac or ""] += n_tasks
    return dict(cases), dict(tasks)


def overdue(conn: Connection, f: Filters, today: date) -> tuple[dict[str, int], dict[str, int]]:
    """Open cases (now) with an unfinished task due before `today`, and those tasks, per facility."""
    return _fold_overdue(_overdue_rows(conn, today), f.kabupaten)


def _referral_rows(conn: Connection, f: Filters) -> list[tuple]:
    sql = _Sql(conn)
    made, changed = sql.day("r", "referred_at"), "substr(r_updated, 1, 10)"
    statement = f"""
SELECT fac, kab, status, count(*),
       sum(CASE WHEN status IN ('accepted', 'completed', 'declined') THEN {sql.days_between(changed, "made")}
           END),
       sum(CASE WHEN status IN ('accepted', 'completed', 'declined') THEN 1 ELSE 0 END)
FROM (
  SELECT c.facility_code AS fac, {_kab(sql)} AS kab, coalesce({sql.j("r", "status")}, 'sent') AS status,
         {made} AS made, coalesce({sql.j("r", "updated_at")}, r.changed_at) AS r_updated
  FROM changelog r{sql.lat("r")}
  JOIN changelog c ON c.table_name = 'cases' AND c.row_id = r.case_id{sql.lat("c")}
  {_person_join(sql)}
  WHERE r.table_name = 'referrals' AND r.deleted = 0 AND c.deleted = 0
    AND {made} BETWEEN :start AND :end
) x
GROUP BY fac, kab, status
"""
    rows = conn.execute(text(statement), {"start": f.start, "end": f.end})
    return [
        (fac, kab, status, n, int(day_sum or 0), int(answered or 0))
        for fac, kab, status, n, day_sum, answered in rows
    ]


def _fold_referrals(
    rows: list, kab: str | None
) -> tuple[dict[str, dict[str, int]], dict[str, tuple[int, int]]]:
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    days: dict[str, tuple[int, int]] = {}
    for fac, row_kab, status, n, day_sum, answered in rows:
        if kab and row_kab != kab:
            continue
        counts[fac or ""][status] = counts[fac or ""].get(status, 0) + n
        before = days.get(fac or "", (0, 0))
        days[fac or ""] = (before[0] + day_sum, before[1] + answered)
    return dict(counts), days


def referrals(conn: Connection, f: Filters) -> tuple[dict[str, dict[str, int]], dict[str, tuple[int, int]]]:
    return _fold_referrals(_referral_rows(conn, f), f.kabupaten)


GROWTH = ("measured", "stunted", "wasted", "underweight")


def _growth_rows(conn: Connection, f: Filters) -> list[tuple]:
    """Children under five at the month's end, of cases open then, by their latest measurement up to
    then (chosen in SQL; its z-scores computed here): (facility, kabupaten, measured, stunted, wasted,
    underweight)."""
    from caseworker.growth.records import result_for  # the WHO tables load on first use only

    sql = _Sql(conn)
    measured = sql.day("m", "measured_at")
    statement = f"""
SELECT fac, kab, sex, birth, measured, weight, length, position, oedema FROM (
  SELECT c.facility_code AS fac, {_kab(sql)} AS kab, {sql.j("p", "sex")} AS sex,
         {sql.day("p", "birth_date")} AS birth, {measured} AS measured, {sql.j("m", "weight_kg")} AS weight,
         {sql.j("m", "length_cm")} AS length, {sql.j("m", "position")} AS position,
         {sql.j("m", "oedema")} AS oedema,
         ROW_NUMBER() OVER (PARTITION BY c.person_id ORDER BY {measured} DESC, m.seq DESC) AS rn
  FROM changelog m{sql.lat("m")}
  JOIN changelog c ON c.table_name = 'cases' AND c.row_id = m.case_id{sql.lat("c")}
  {_person_join(sql)}
  WHERE m.table_name = 'measurements' AND m.deleted = 0 AND c.deleted = 0 AND {measured} <= :end
    AND {_active_clause(sql)} AND {sql.day("p", "birth_date")} > :born_after
) x WHERE rn = 1
"""
    counts: dict[tuple, list[int]] = {}
    for fac, kab, sex, birth, on, weight, length, position, oedema in conn.execute(
        text(statement), {"end": f.end, "born_after": f"{int(f.end[:4]) - 5:04d}{f.end[4:]}"}
    ):
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
        per = counts.setdefault((fac or "", kab), [0, 0, 0, 0])
        per[0] += 1
        for i, indicator in ((1, "haz"), (2, "whz"), (3, "waz")):
            z = result.z(indicator)
            if z is not None and indicator not in result.flags and z < -2:
                per[i] += 1
    return [(fac, kab, *values) for (fac, kab), values in counts.items()]


def _fold_growth(rows: list, kab: str | None) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for fac, row_kab, *values in rows:
        if not kab or row_kab == kab:
            per = out.setdefault(fac, dict.fromkeys(GROWTH, 0))
            for key, n in zip(GROWTH, values, strict=True):
                per[key] += n
    return out


def growth(conn: Connection, f: Filters) -> dict[str, dict[str, int]]:
    return _fold_growth(_growth_rows(conn, f), f.kabupaten)


def facility_names(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(text("SELECT code, name FROM facilities ORDER BY code")).all())


def kabupaten_codes(conn: Connection) -> list[str]:
    """The kabupaten/kota the clients of open and closed cases live in (codes only), for the filter."""
    sql = _Sql(conn)
    statement = f"""
SELECT DISTINCT substr({sql.j("p", "region_code")}, 1, 5) FROM changelog p{sql.lat("p")}
WHERE p.table_name = 'persons' AND p.deleted = 0 AND length(coalesce({sql.j("p", "region_code")}, '')) >= 5
"""
    return sorted(code for (code,) in conn.execute(text(statement)) if code)


def raw(conn: Connection, month: str, today: date) -> dict[str, Any]:
    """Every count of the month, by facility and clients' kabupaten/kota, as JSON-ready lists."""
    f = Filters(month)
    opened, closed = _opened_closed_rows(conn, f)
    return {
        "month": month,
        "today": today.isoformat(),
        "facilities": facility_names(conn),
        "kabupaten": kabupaten_codes(conn),
        "active": _active_rows(conn, f),
        "opened": opened,
        "closed": closed,
        "services": _services_rows(conn, f),
        "overdue": _overdue_rows(conn, today),
        "referrals": _referral_rows(conn, f),
        "growth": _growth_rows(conn, f),
    }


def fold(counts: dict[str, Any], kabupaten: str | None) -> Overview:
    """The overview of one kabupaten/kota (None: the whole province) from a month's `raw` counts."""
    result = Overview(filters=Filters(counts["month"], kabupaten), facilities=dict(counts["facilities"]))
    result.active = _fold_active(counts["active"], kabupaten)
    result.new = _fold_months(counts["opened"], kabupaten)
    result.closed = _fold_months(counts["closed"], kabupaten)
    result.services = _fold_services(counts["services"], kabupaten)
    result.overdue_cases, result.overdue_tasks = _fold_overdue(counts["overdue"], kabupaten)
    result.referrals, result.answer_days = _fold_referrals(counts["referrals"], kabupaten)
    result.growth = _fold_growth(counts["growth"], kabupaten)
    return result


def fold_all(counts: dict[str, Any]) -> dict[str, Overview]:
    """The province's overview ('') and every kabupaten/kota's, in two passes over the counts."""
    by_kab: dict[str, dict[str, Any]] = {}
    for key in ("active", "opened", "closed", "services", "overdue", "referrals", "growth"):
        for row in counts[key]:
            if row[1]:
                by_kab.setdefault(row[1], {k: [] for k in ("active", "opened", "closed", "services", "overdue",
                                                          "referrals", "growth")})[key].append(row)  # fmt: skip
    out = {"": fold(counts, None)}
    for kab, rows in by_kab.items():
        out[kab] = fold({**counts, **rows}, kab)
    return out


def to_json(o: Overview) -> dict[str, Any]:
    return {
        "month": o.filters.month, "kabupaten": o.filters.kabupaten, "facilities": o.facilities,
        "active": o.active, "new": o.new, "closed": o.closed, "services": o.services,
        "overdue_cases": o.overdue_cases, "overdue_tasks": o.overdue_tasks, "referrals": o.referrals,
        "answer_days": {k: list(v) for k, v in o.answer_days.items()}, "growth": o.growth,
    }  # fmt: skip


def from_json(data: dict[str, Any]) -> Overview:
    fields = set(Overview.__dataclass_fields__) - {"filters"}
    values = {k: v for k, v in data.items() if k in fields}
    values["answer_days"] = {k: tuple(v) for k, v in values["answer_days"].items()}
    return Overview(filters=Filters(data["month"], data["kabupaten"]), **values)


def overview(conn: Connection, f: Filters, today: date) -> Overview:
    return fold(raw(conn, f.month, today), f.kabupaten)
