"""Who may see and change what. Re-evaluated on every push and pull, from the server's own rows.

- worker: the cases of their facility (only those assigned to them when the facility's worker_scope is
  `assigned`), with their persons and records; may change cases assigned to or created by them, and records
  they created or that belong to such cases.
- supervisor: all cases of their facility; may change everything there, reassign and approve.
- staff: the facility's cases, read-only.   - admin: nothing (manages users and facilities on the CLI).

Case-level rows (cases, their records, conflicts on them) carry the case's facility and assignee;
person-level rows (persons, relations, conflicts on persons) are visible through any visible case of the
person, or through the person's own facility.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, exists, false, not_, or_, select

from caseworker.server.auth import Principal
from caseworker.server.db import changelog, device_cases

READ_ROLES = frozenset({"worker", "supervisor", "staff"})
WRITE_ROLES = frozenset({"worker", "supervisor"})


def assigned_only(pr: Principal) -> bool:
    return pr.role == "worker" and pr.worker_scope == "assigned"


def visible_clause(pr: Principal, r=changelog) -> ColumnElement[bool]:
    """SQL condition: the changelog row `r` is visible to the principal."""
    if pr.role not in READ_ROLES or not pr.facility_code:
        return false()
    return _visible(pr.facility_code, pr.username, assigned_only(pr), r)


def _visible(fac: Any, user: Any, assigned: bool, r=changelog) -> ColumnElement[bool]:
    case_level = and_(r.c.case_id.is_not(None), r.c.facility_code == fac)
    c = changelog.alias("scope_case")
    case_of_person = and_(c.c.table_name == "cases", c.c.person_id == r.c.person_id)
    visible_case = and_(case_of_person, c.c.facility_code == fac)
    own = r.c.facility_code == fac
    if assigned:
        case_level = and_(case_level, r.c.assigned_to == user)
        visible_case = and_(visible_case, c.c.assigned_to == user)
        own = or_(
            and_(own, r.c.created_by == user, not_(exists().where(case_of_person))),
            and_(own, r.c.table_name == "form_definitions"),  # the unit's instruments: everyone's
        )
    person_level = and_(r.c.case_id.is_(None), or_(own, exists().where(visible_case)))
    return or_(case_level, person_level)


def held_clause(device_id: Any, r=changelog) -> ColumnElement[bool]:
    """SQL condition: the device holds the row (its case, or a case of its person, is in device_cases)."""
    held_cases = select(device_cases.c.case_id).where(device_cases.c.device_id == device_id)
    c = changelog.alias("held_case")
    held_persons = (
        select(c.c.person_id)
        .select_from(
            device_cases.join(c, and_(c.c.table_name == "cases", c.c.row_id == device_cases.c.case_id))
        )
        .where(device_cases.c.device_id == device_id)
    )
    return or_(
        r.c.case_id.in_(held_cases),
        and_(r.c.case_id.is_(None), r.c.person_id.in_(held_persons)),
    )


_PAGE_QUERIES: dict[tuple[bool, bool], Select] = {}


def page_query(pr: Principal) -> tuple[Select, dict[str, Any]]:
    """The pull query (rows with low < seq <= high, visible or held, in seq order, at most n) and its
    parameters except low, high and n. Built once per kind of principal."""
    reads = pr.role in READ_ROLES and bool(pr.facility_code)
    key = (reads, assigned_only(pr))
    query = _PAGE_QUERIES.get(key)
    if query is None:
        r = changelog.c
        if reads:
            visible = _visible(bindparam("fac"), bindparam("user"), key[1])
        else:
            visible = false()
        query = (
            select(r.seq, r.table_name, r.row_id, r.data, r.version, r.case_id,
                   case((visible, 1), else_=0).label("visible"))
            .where(or_(visible, held_clause(bindparam("device"))), r.seq > bindparam("low"),
                   r.seq <= bindparam("high"))
            .order_by(r.seq)
            .limit(bindparam("n"))
        )  # fmt: skip
        _PAGE_QUERIES[key] = query
    params: dict[str, Any] = {"device": pr.device_id}
    if reads:
        params["fac"] = pr.facility_code
        if key[1]:
            params["user"] = pr.username
    return query, params


@dataclass(frozen=True)
class RowScope:
    """The denormalised scope of one stored row (or of a row about to be stored)."""

    facility_code: str | None
    case_id: str | None
    assigned_to: str | None
    created_by: str | None
    person_id: str | None


def may_change_case(pr: Principal, case: RowScope) -> bool:
    if pr.role == "supervisor":
        return case.facility_code == pr.facility_code
    if pr.role == "worker":
        return case.facility_code == pr.facility_code and pr.username in (case.assigned_to, case.created_by)
    return False


def may_change_record(pr: Principal, record: RowScope, case: RowScope | None) -> bool:
    """A record of a case (or a person-level row, then `case` is one of the person's cases or None)."""
    if pr.role == "supervisor":
        return record.facility_code == pr.facility_code or (case is not None and may_change_case(pr, case))
    if pr.role == "worker":
        if record.facility_code == pr.facility_code and record.created_by == pr.username:
            return True
        return case is not None and may_change_case(pr, case)
    return False
