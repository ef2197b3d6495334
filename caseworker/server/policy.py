"""The written policy of the push: for every synced table and role, which operations, which fields, which
decisions, and which references must point inside the writer's scope. `check` is the one function every
pushed mutation goes through before it is applied (push.py); nothing a device sends is trusted.

- Operations: staff and admin never write; only a supervisor writes duplicate decisions; conflicts rows
  are made by the server and only resolved by people.
- Server-owned fields take the server's value whatever the device sent: authors from the token
  (created_by, updated_by, submitted_by, decided_by, resolved_by), the case's conflict flag.
- Decisions are state machines gated by role (TRANSITIONS): a worker submits, a supervisor of the facility
  approves or returns; a case is closed only after its closure was approved.
- References (REFERENCES): every id a row names must be a row the writer may already see; a case's
  person must be on the server. A record may arrive before its case (its case id is then unknown to the
  server; it follows the case when it comes, if its writer may write there).
- Values: caseworker.domain.fields (form) for every field, caseworker.domain.validation (meaning) for
  whole persons and cases, and case numbers unique, the rules the laptop applies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from caseworker.domain import fields as f
from caseworker.domain import validation
from caseworker.server import rows as r
from caseworker.server.db import case_numbers, users
from caseworker.server.scope import RowScope, assigned_only, may_change_case, may_change_record
from caseworker.store.schema import INSERT_ONLY

WORKER, SUPERVISOR = "worker", "supervisor"
WRITERS = frozenset({WORKER, SUPERVISOR})
SUPERVISORS = frozenset({SUPERVISOR})
NOBODY: frozenset[str] = frozenset()

# Set by the server on every write, never taken from the device.
STAMPED = frozenset({"created_by", "updated_by", "version"})


@dataclass(frozen=True)
class Rule:
    """The policy of one synced table."""

    insert: frozenset[str] = WRITERS  # roles that may insert, update, delete
    update: frozenset[str] = WRITERS
    delete: frozenset[str] = WRITERS
    immutable: frozenset[str] = frozenset()  # fixed at insert (besides id, created_*, case_id)
    supervisor_only: frozenset[str] = frozenset()  # only a supervisor changes them after insert
    writable: frozenset[str] | None = None  # the only fields an update may change (None: any)
    # column -> what it names: "cases", "persons", "users" (of the writer's facility), "subject", "blob"
    references: dict[str, str] = field(default_factory=dict)
    required: frozenset[str] = frozenset()  # must hold a value (a record of no case belongs to nobody)


_CASE = {"case_id": "cases"}
_OF_CASE = frozenset({"case_id"})
POLICY: dict[str, Rule] = {
    "persons": Rule(supervisor_only=frozenset({"facility_code"})),
    "relations": Rule(
        immutable=frozenset({"person_id"}),
        references={"person_id": "persons", "related_person_id": "persons"},
        required=frozenset({"person_id", "related_person_id"}),
    ),
    "cases": Rule(
        immutable=frozenset({"case_number"}),
        supervisor_only=frozenset({"assigned_to", "facility_code"}),
        references={"person_id": "persons", "assigned_to": "users"},
        required=frozenset({"person_id"}),
    ),
    "assessments": Rule(references=_CASE, required=_OF_CASE),
    "goals": Rule(references=_CASE, required=_OF_CASE),
    "interventions": Rule(references=_CASE, required=_OF_CASE),
    "notes": Rule(references=_CASE, required=_OF_CASE),
    "measurements": Rule(references={**_CASE, "person_id": "persons"}, required=_OF_CASE),
    "referrals": Rule(references=_CASE, required=_OF_CASE),
    "tasks": Rule(references={**_CASE, "assigned_to": "users"}, required=_OF_CASE),
    "attachments": Rule(
        immutable=frozenset({"sha256"}), references={**_CASE, "sha256": "blob"}, required=_OF_CASE
    ),
    "stage_changes": Rule(references=_CASE, required=_OF_CASE),
    "reviews": Rule(
        delete=SUPERVISORS,  # a worker withdraws nothing a supervisor decided on
        immutable=frozenset({"kind", "subject_table", "subject_id", "submitted_by", "submitted_at"}),
        supervisor_only=frozenset({"decided_at", "decision_comment"}),
        references={**_CASE, "subject_id": "subject"},
        required=frozenset({"case_id", "kind", "subject_id", "status"}),
    ),
    "duplicate_decisions": Rule(
        insert=SUPERVISORS,
        update=SUPERVISORS,
        delete=SUPERVISORS,
        references={**_CASE, "person_id": "persons", "other_person_id": "persons"},
        required=frozenset({"case_id", "person_id", "other_person_id", "decision"}),
    ),
    "conflicts": Rule(
        insert=NOBODY,
        delete=NOBODY,
        writable=frozenset({"status", "resolution", "resolved_by", "resolved_at"}),
    ),
    # Written by the server for the receiving facility of a referral (server.referrals); only its
    # supervisors answer it (accept or decline), once.
    "referral_inbox": Rule(
        insert=NOBODY,
        update=SUPERVISORS,
        delete=NOBODY,
        writable=frozenset({"status", "decision_reason", "decided_at", "decided_by"}),
    ),
    # A unit's own instrument version (caseworker.forms.library): a supervisor imports or removes it;
    # nobody changes it, since assessments made with it must open as they were made.
    "form_definitions": Rule(
        insert=SUPERVISORS,
        update=NOBODY,
        delete=SUPERVISORS,
        required=frozenset({"form_id", "form_version", "definition"}),
    ),
}

# (table, field) -> role -> the moves it may make: (from, to); None is "no value yet" (an insert).
_ANY = "*"
TRANSITIONS: dict[tuple[str, str], dict[str, frozenset[tuple[Any, Any]]]] = {
    ("reviews", "status"): {
        WORKER: frozenset({(None, "submitted")}),
        SUPERVISOR: frozenset(
            {
                (None, "submitted"),
                ("submitted", "approved"),
                ("submitted", "returned"),
                ("approved", "returned"),
                ("returned", "approved"),
            }
        ),  # fmt: skip  (the last two: settling two supervisors' decisions in conflict)
    },
    ("assessments", "review_status"): {
        WORKER: frozenset(
            (a, b) for a in (None, "draft", "submitted", "returned") for b in (None, "draft", "submitted")
        ),
        SUPERVISOR: frozenset({(_ANY, _ANY)}),
    },
    ("referral_inbox", "status"): {SUPERVISOR: frozenset({("sent", "accepted"), ("sent", "declined")})},
    ("conflicts", "status"): {
        WORKER: frozenset({("open", "resolved"), ("open", "open")}),
        SUPERVISOR: frozenset({("open", "resolved"), ("open", "open")}),
    },
}
# Fields the server fills from the token when the decision they record is made.
DECIDERS = {
    ("reviews", "decided_by"): "status",
    ("conflicts", "resolved_by"): "status",
    ("referral_inbox", "decided_by"): "status",
}
SERVER_MADE = frozenset({"conflicts", "referral_inbox"})  # rows only the server inserts


class Refused(Exception):
    """A mutation the policy refuses; `reason` is one of protocol.REJECT_REASONS."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_values(table: str, values: dict[str, Any]) -> None:
    for column, value in values.items():
        reason = f.problem(table, column, value)
        if reason is not None:
            raise Refused("unknown_field" if reason == "unknown_field" else "invalid_value")


def check_required(rule: Rule, row: dict[str, Any]) -> None:
    if any(row.get(column) in (None, "") for column in rule.required):
        raise Refused("invalid_value")


def check_operation(role: str, table: str, op: str) -> Rule:
    if role not in WRITERS:
        raise Refused("read_only_role")
    rule = POLICY.get(table)
    if rule is None:
        raise Refused("unknown_table")
    allowed = {"insert": rule.insert, "update": rule.update, "delete": rule.delete}[op]
    if role not in allowed:
        if table == "form_definitions" and op == "update":
            raise Refused("not_allowed")  # a version is fixed, for supervisors too
        if table in SERVER_MADE and op != "update":
            raise Refused("server_managed")
        raise Refused("decision_requires_supervisor")
    return rule


def check_transition(role: str, table: str, column: str, old: Any, new: Any) -> None:
    moves = TRANSITIONS.get((table, column))
    if moves is None or old == new:
        return
    allowed = moves.get(role, frozenset())
    if (_ANY, _ANY) in allowed or (old, new) in allowed:
        return
    raise Refused("decision_requires_supervisor" if role != SUPERVISOR else "invalid_transition")


# -- references --------------------------------------------------------------------------------------
def visible(txn: r.Txn, stored: r.Stored) -> bool:
    """The stored row is in the principal's scope (the pull's rule, scope.visible_clause, in Python)."""
    pr = txn.principal
    s = stored.scope
    if not pr.facility_code:
        return False
    assigned = assigned_only(pr)
    if s.case_id is not None:
        return s.facility_code == pr.facility_code and (not assigned or s.assigned_to == pr.username)
    if s.facility_code == pr.facility_code and (not assigned or stored.table == "form_definitions"):
        return True  # a person of the writer's facility, in facility scope: no need to ask for their cases
    cases = [c for c in (r.load(txn, "cases", cid) for cid in r.affected_cases(txn, s)) if c is not None]
    for case in cases:
        if case.scope.facility_code == pr.facility_code and (
            not assigned or case.scope.assigned_to == pr.username
        ):
            return True
    if s.facility_code != pr.facility_code:
        return False
    return not assigned or (s.created_by == pr.username and not cases)


def _facility_user(txn: r.Txn, username: str, facility: str | None) -> bool:
    """An active user of the facility (a case moved to another facility goes to one of its people)."""
    pr = txn.principal
    if username == pr.username and (facility or pr.facility_code) == pr.facility_code:
        return True  # the token's own user: active in their facility, or the token would not be valid
    cache: dict[str, tuple[str | None, bool]] = txn.cache.setdefault("users", {})
    if username not in cache:
        row = txn.conn.execute(
            select(users.c.facility_code, users.c.active).where(users.c.username == username)
        ).first()
        cache[username] = (row.facility_code, bool(row.active)) if row is not None else (None, False)
    found, active = cache[username]
    return active and found is not None and found == (facility or txn.principal.facility_code)


def check_references(txn: r.Txn, table: str, row: dict[str, Any], changed: set[str] | None) -> None:
    """Every id the row names (the changed ones, for an update) is one the writer may see."""
    for column, kind in POLICY[table].references.items():
        value = row.get(column)
        if value in (None, "") or (changed is not None and column not in changed):
            continue
        if kind == "cases":
            case = r.load(txn, "cases", value)
            if case is not None and not visible(txn, case):
                raise Refused("not_allowed")
            if case is None and not _may_await_case(txn, value):
                raise Refused("not_allowed")
            ok = True
        elif kind == "persons":
            person = r.load(txn, "persons", value)
            ok = person is not None and visible(txn, person)
        elif kind == "users":
            ok = _facility_user(txn, value, row.get("facility_code") if table == "cases" else None)
        elif kind == "subject":
            ok = _subject_ok(txn, row)
        else:  # a blob, by its sha256: only one the writer uploaded or already sees
            from caseworker.server import blobs

            ok = blobs.may_attach(txn.conn, txn.principal, value)
        if not ok:
            raise Refused("unknown_reference")


def _may_await_case(txn: r.Txn, case_id: str) -> bool:
    """A record may name a case the server does not know yet (it arrived first) unless records of someone
    else's scope already wait for that id: devices holding them would learn of this one."""
    pr = txn.principal
    waiting = txn.execute(r.WAITING_FOR_CASE, {"case_id": case_id}).first()
    if waiting is None:
        return True
    assignee = pr.username if pr.role == WORKER else None  # as rows.scope_for places such a record
    return (waiting.facility_code, waiting.assigned_to) == (pr.facility_code, assignee)


def _subject_ok(txn: r.Txn, review: dict[str, Any]) -> bool:
    """A review is about its own case (plan, closure) or an assessment of that case."""
    kind, subject_id, case_id = review.get("kind"), review.get("subject_id"), review.get("case_id")
    if kind in ("plan", "closure"):
        return subject_id == case_id and review.get("subject_table") == "cases"
    if kind == "assessment":
        subject = r.load(txn, "assessments", subject_id)
        return (
            review.get("subject_table") == "assessments"
            and subject is not None
            and subject.data.get("case_id") == case_id
        )
    return False


# -- whole rows ------------------------------------------------------------------------------------
def _tolerant_today() -> Any:
    # Devices in Indonesia are 7-9 hours ahead of UTC (and some clocks a little fast): "today" on a
    # laptop may be tomorrow here.
    return (datetime.now(UTC) + timedelta(days=1)).date()


def check_meaning(table: str, row: dict[str, Any]) -> None:
    """The laptop's rules of meaning for a whole person or case (the errors that block a save there)."""
    if table == "persons":
        issues = validation.validate_person(row, _tolerant_today())
    elif table == "cases":
        issues = validation.validate_case(row, _tolerant_today())
    else:
        return
    if validation.has_errors(issues):
        raise Refused("invalid_value")


def _definition_ok(row: dict[str, Any]) -> bool:
    """A definition the laptops can open: it parses as a form, and its id and version are the row's."""
    from caseworker.forms.definitions import parse_form  # the laptops' own parser (no store code)
    from caseworker.forms.model import FormDefinitionError, definition_row_id

    try:
        form = parse_form(json.loads(row["definition"]), "form_definitions")
    except (FormDefinitionError, ValueError, TypeError):
        return False
    ours = (form.id, form.version, definition_row_id(form.id, form.version))
    return ours == (row.get("form_id"), row.get("form_version"), row.get("id"))


CASE_NUMBER_SQL = "INSERT INTO case_numbers (case_number, case_id) VALUES (?, ?)"


def _pending_numbers(txn: r.Txn) -> dict[str, str]:
    return txn.cache.setdefault("case_numbers", {})  # number -> case id, written with the push's last rows


def check_case_number(txn: r.Txn, case_id: str, number: Any) -> None:
    if not number:
        return
    holder = _pending_numbers(txn).get(number)
    known: dict[str, str] | None = txn.cache.get("known_numbers")
    if holder is None and known is not None and number in txn.cache["numbers_read"]:
        holder = known.get(number)
    elif holder is None:
        row = txn.conn.execute(
            select(case_numbers.c.case_id).where(case_numbers.c.case_number == number)
        ).first()
        holder = row.case_id if row is not None else None
    if holder is not None and holder != case_id:
        raise Refused("duplicate_case_number")


def preload_case_numbers(txn: r.Txn, mutations: list[Any]) -> None:
    """Read the numbers the group's new cases claim in one query (checked one by one in check_case_number)."""
    numbers = sorted(
        {m.fields["case_number"] for m in mutations
         if m.table == "cases" and m.op == "insert" and isinstance(m.fields.get("case_number"), str)}
    )  # fmt: skip
    found = txn.cache.setdefault("known_numbers", {})
    read = txn.cache.setdefault("numbers_read", set())
    for i in range(0, len(numbers), 400):
        chunk = numbers[i : i + 400]
        query = select(case_numbers.c.case_number, case_numbers.c.case_id).where(
            case_numbers.c.case_number.in_(chunk)
        )
        found.update((row.case_number, row.case_id) for row in txn.conn.execute(query))
        read.update(chunk)


def note_case_number(txn: r.Txn, case_id: str, number: Any) -> None:
    if number:
        _pending_numbers(txn)[number] = case_id


def take_case_numbers(txn: r.Txn) -> list[tuple[Any, ...]]:
    pending = _pending_numbers(txn)
    taken = list(pending.items())
    pending.clear()
    return taken


def closure_approved(txn: r.Txn, case_id: str) -> bool:
    """The case's latest closure review (on the server) is approved."""
    reviews = [json.loads(data) for data in txn.execute(r.REVIEWS_OF, {"case_id": case_id}).scalars()]
    closures = [
        v
        for v in reviews
        if v.get("kind") == "closure" and v.get("subject_id") == case_id and not v.get("deleted")
    ]
    if not closures:
        return False
    latest = max(closures, key=lambda v: (v.get("submitted_at") or "", v.get("id") or ""))
    return latest.get("status") == "approved"


# -- the one entry point -----------------------------------------------------------------------------
def check(txn: r.Txn, m: Any, current: r.Stored | None) -> dict[str, Any]:
    """Refuse what the policy forbids; return the fields to apply, server-owned ones set by the server."""
    pr = txn.principal
    rule = check_operation(pr.role, m.table, m.op)
    check_values(m.table, m.fields)
    if m.op == "insert":
        return _check_insert(txn, m, rule, current)
    if current is None:
        raise Refused("unknown_row")
    _check_may_change(txn, m.table, current)
    if m.op == "delete":
        if m.table == "referrals":  # withdrawn only while it waits (server.referrals)
            from caseworker.server import referrals

            referrals.check_delete(txn, current)
        return {}
    return _check_update(txn, m, rule, current)


def _check_insert(txn: r.Txn, m: Any, rule: Rule, current: r.Stored | None) -> dict[str, Any]:
    pr = txn.principal
    if current is not None:
        raise Refused("row_exists")
    data: dict[str, Any] = {k: None for k in r.columns(m.table)}
    data.update(m.fields)
    data["deleted"] = int(bool(data.get("deleted")))
    data["created_by"] = data["updated_by"] = pr.username
    data["created_at"] = data.get("created_at") or m.created_at or txn.now
    data["updated_at"] = data.get("updated_at") or data["created_at"]
    if m.table in ("cases", "persons", "form_definitions"):
        data["facility_code"] = data.get("facility_code") or pr.facility_code
        if data["facility_code"] != pr.facility_code:
            raise Refused("not_allowed")
    if m.table == "cases":
        data["conflict"] = 0
        if pr.role != SUPERVISOR:
            if data.get("assigned_to") not in (None, "", pr.username):
                raise Refused("reassign_not_allowed")
            data["assigned_to"] = pr.username  # else the worker's own new case could leave their scope
        check_case_number(txn, m.row_id, data.get("case_number"))
    if m.table == "referrals":  # between facilities: the server stamps and delivers (server.referrals)
        from caseworker.server import referrals

        referrals.check_insert(txn, data)
    if m.table == "reviews":
        data["submitted_by"] = pr.username
        data["decided_by"] = None
        data["decided_at"] = data["decision_comment"] = None
    for (table, column), _moves in TRANSITIONS.items():
        if table == m.table:
            check_transition(pr.role, table, column, None, data.get(column))
    check_required(rule, data)
    check_meaning(m.table, data)
    if m.table == "form_definitions" and not _definition_ok({**data, "id": m.row_id}):
        raise Refused("invalid_value")
    check_references(txn, m.table, data, None)
    scope = r.scope_for(txn, m.table, m.row_id, data)
    if m.table in ("persons", "relations"):
        if scope.facility_code != pr.facility_code and not person_changeable(txn, scope):
            raise Refused("not_allowed")
    elif m.table != "cases":
        case = case_of(txn, scope)
        if case is not None and not may_change_case(pr, case):
            raise Refused("not_allowed")
    return data


def _check_may_change(txn: r.Txn, table: str, current: r.Stored) -> None:
    pr = txn.principal
    if table == "cases":
        allowed = may_change_case(pr, current.scope)
    elif table in ("persons", "relations") or current.scope.case_id is None:
        allowed = person_changeable(txn, current.scope)
    else:
        allowed = may_change_record(pr, current.scope, case_of(txn, current.scope))
    if not allowed:
        raise Refused("not_allowed")


IMMUTABLE = frozenset({"id", "created_at", "created_by", "case_id"})


def _check_update(txn: r.Txn, m: Any, rule: Rule, current: r.Stored) -> dict[str, Any]:
    pr = txn.principal
    table = m.table
    sent = {k: v for k, v in m.fields.items() if k not in STAMPED}
    if rule.writable is not None and set(sent) - rule.writable - {"updated_at"}:
        raise Refused("not_allowed")
    base = m.base or {}
    changed = {k for k, v in sent.items() if v != current.data.get(k)}
    if any(k in IMMUTABLE or k in rule.immutable for k in changed):
        raise Refused("not_allowed")
    if pr.role != SUPERVISOR:
        if table == "cases" and "assigned_to" in changed:
            raise Refused("reassign_not_allowed")
        if changed & rule.supervisor_only:
            raise Refused("not_allowed")
    if table in ("referrals", "referral_inbox"):
        from caseworker.server import referrals

        if table == "referrals":
            referrals.check_update(txn, current, changed)
        else:
            referrals.check_answer({**current.data, **sent}, changed)
    if table == "cases" and "facility_code" in changed:
        from caseworker.server.db import facilities

        known = txn.conn.execute(select(facilities.c.code).where(facilities.c.code == sent["facility_code"]))
        if known.first() is None:
            raise Refused("unknown_facility")
    for (t, column), _moves in TRANSITIONS.items():
        if t == table and column in changed:
            # From the value the device saw: the change is applied only if the server still has it
            # (otherwise it becomes a conflict), so this is the move that would be made. Insert-only
            # records take their updates whatever the base says: from the server's value.
            seen = (
                current.data.get(column)
                if table in INSERT_ONLY
                else base.get(column, current.data.get(column))
            )
            check_transition(pr.role, table, column, seen, sent[column])
    if table == "assessments" and current.data.get("review_status") == "approved" and pr.role != SUPERVISOR:
        raise Refused(
            "decision_requires_supervisor"
        )  # an approved assessment is what the supervisor approved
    if table == "cases" and sent.get("status") == "closed" and "status" in changed:
        if not closure_approved(txn, m.row_id):
            raise Refused("closure_not_approved")
    for (t, column), decision in DECIDERS.items():
        if t == table:  # who decided is the token's user, and only when a decision is made
            sent.pop(column, None)
            if decision in changed:
                sent[column] = pr.username
    merged = {**current.data, **sent}
    check_values(table, sent)
    check_required(rule, merged)
    check_meaning(table, merged)
    check_references(txn, table, merged, changed)
    return sent


def case_of(txn: r.Txn, scope: RowScope) -> RowScope | None:
    case = r.load(txn, "cases", scope.case_id)
    return case.scope if case else None


def person_changeable(txn: r.Txn, person_scope: RowScope) -> bool:
    """A person-level row: by its own facility/creator, or through a case of the person the user may change."""
    pr = txn.principal
    if may_change_record(pr, person_scope, None):
        return True
    for case_id in r.affected_cases(txn, person_scope):
        case = case_of(txn, RowScope(None, case_id, None, None, None))
        if case is not None and may_change_case(pr, case):
            return True
    return False


def may_adopt(txn: r.Txn, child: r.Stored, case_scope: RowScope) -> bool:
    """A record that arrived before its case follows the case only if its writer may write there."""
    writer = child.scope.created_by
    if case_scope.facility_code != child.scope.facility_code:
        return False
    if writer in (case_scope.assigned_to, case_scope.created_by):
        return True
    return _is_supervisor_of(txn, writer, case_scope.facility_code)


def _is_supervisor_of(txn: r.Txn, username: str | None, facility: str | None) -> bool:
    if not username:
        return False
    row = txn.conn.execute(
        select(users.c.role, users.c.facility_code).where(users.c.username == username)
    ).first()
    return row is not None and row.role == SUPERVISOR and row.facility_code == facility
