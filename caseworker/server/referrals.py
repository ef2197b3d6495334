"""Referrals between facilities on the server (issue 19): the server decides what the receiver gets.

1. A worker's laptop pushes a `referrals` row on a case naming `to_facility` (a facility of the directory).
   policy.check stamps from_facility and the status; when the facility is on Caseworker, `delivered` writes
   a `referral_inbox` row in the receiving facility's scope (no case, no person: its supervisors see it)
   holding only what was shared (domain.referrals.preview).
2. The receiving supervisor answers by updating that inbox row (status accepted or declined; policy:
   supervisors only, from `sent`). `answer` then, in the same push transaction:
   - accepted: opens a case in the receiving facility, assigned to the supervisor, naming the same person
     when the identity was shared (a stand-in person with initials otherwise, and always for ABH children),
     with copies of the shared sections' records (confidential notes never), and sets the sender's
     referral to accepted with the new case's number;
   - declined: wipes the inbox row's preview, reason and consent (nothing of the client stays at the
     receiver) and sets the sender's referral to declined with the reason.
   The first answer wins; a later one is answered `merged` with reason `already_answered`.
3. A transfer (kind `transfer`, sent by a supervisor, to a facility on Caseworker) shares everything; accepted,
   the case itself moves (`_move_case`): its facility and assignee change and all its records follow (the
   sender's devices receive removals), and the sender keeps a closed stand-in case for the same person with
   copies of its own notes, services and this referral (what it did). Nothing is duplicated at the receiver.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from sqlalchemy import and_, select

from caseworker.domain import referrals as rules
from caseworker.domain.stages import FIRST_STAGE
from caseworker.server import logs
from caseworker.server import rows as r
from caseworker.server.db import changelog, facilities
from caseworker.server.policy import Refused
from caseworker.server.scope import RowScope
from caseworker.sync import protocol as p

NAMESPACE = uuid.UUID("2b0e7c3a-6d43-4f1b-9a57-0c5e3d9f7a11")
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Set by the server on a referral to a facility on Caseworker; a device never writes them.
SERVER_OWNED = frozenset({"from_facility", "status", "decided_at", "decided_by", "decision_reason",
                          "received_case_number"})  # fmt: skip
FIXED = frozenset({"to_facility", "share_identity", "shared_sections", "consent_by", "consent_basis", "kind"})
TRANSFER = "transfer"
KEPT_AT_SENDER = ("notes", "interventions", "referrals")  # what the sender keeps of a transferred case
INBOX_ANSWER = frozenset({"status", "decision_reason", "decided_at", "decided_by"})


def facility(txn: r.Txn, code: str | None) -> Any:
    if not code:
        return None
    cache: dict[str, Any] = txn.cache.setdefault("facilities", {})
    if code not in cache:
        cache[code] = txn.conn.execute(
            select(facilities.c.code, facilities.c.name, facilities.c.external).where(
                facilities.c.code == code
            )
        ).first()
    return cache[code]


def on_caseworker(txn: r.Txn, code: str | None) -> bool:
    found = facility(txn, code)
    return found is not None and not found.external


def sections(data: dict[str, Any]) -> list[str]:
    try:
        found = json.loads(data.get("shared_sections") or "[]")
    except ValueError:
        return []
    return [s for s in found if s in rules.SECTIONS] if isinstance(found, list) else []


# -- the policy's part (called from policy.check) ------------------------------------------------------
def check_insert(txn: r.Txn, data: dict[str, Any]) -> None:
    """A new referral: to a known facility other than the writer's, with consent, stamped by the server."""
    pr = txn.principal
    data["from_facility"] = pr.facility_code
    target = data.get("to_facility")
    for column in SERVER_OWNED - {"from_facility", "status"}:
        data[column] = None
    if not target:
        data["status"] = data.get("status") or "sent"
        return  # a free-text agency, as before: the worker keeps its status
    data["status"] = "sent"
    if facility(txn, target) is None:
        raise Refused("unknown_facility")
    if data.get("kind") == TRANSFER:  # the whole case moves: a supervisor's decision, to a unit on Caseworker
        if pr.role != "supervisor":
            raise Refused("decision_requires_supervisor")
        if not on_caseworker(txn, target):
            raise Refused("not_allowed")
        data["share_identity"] = 1
        data["shared_sections"] = json.dumps(list(rules.SECTIONS))
    if target == pr.facility_code:
        raise Refused("not_allowed")
    if not (data.get("consent_by") or data.get("consent_basis")):
        raise Refused("invalid_value")  # who consented, or the legal basis
    if on_caseworker(txn, target) and r.load(txn, "cases", data.get("case_id")) is None:
        raise Refused("unknown_reference")  # the server builds what is shared from the case it holds


def check_update(txn: r.Txn, current: r.Stored, changed: set[str]) -> None:
    if changed & FIXED:
        raise Refused("not_allowed")
    owned = SERVER_OWNED if on_caseworker(txn, current.data.get("to_facility")) else SERVER_OWNED - {"status"}
    if changed & owned:
        raise Refused("server_managed")


def check_delete(txn: r.Txn, current: r.Stored) -> None:
    """A referral to a facility on Caseworker may be withdrawn (deleted) only while it waits for an answer."""
    if on_caseworker(txn, current.data.get("to_facility")) and current.data.get("status") != "sent":
        raise Refused("invalid_transition")


def withdrawn(txn: r.Txn, referral_id: str) -> None:
    """The sender withdrew the referral: nothing of the client stays in the receiver's inbox."""
    inbox = r.load(txn, "referral_inbox", referral_id)
    if inbox is None or inbox.data.get("status") != "sent":
        return
    data = {**inbox.data, "status": "withdrawn", "preview": None, "reason": None, "consent_by": None,
            "decided_at": txn.now, "updated_at": txn.now, "updated_by": "server"}  # fmt: skip
    r.write(txn, "referral_inbox", referral_id, data, inbox.version + 1, inbox.scope, new=False)


def check_answer(merged: dict[str, Any], changed: set[str]) -> None:
    if "status" in changed and merged.get("status") == "declined" and not merged.get("decision_reason"):
        raise Refused("invalid_value")  # a decline says why


# -- sending: the receiver's inbox row -----------------------------------------------------------------
_RECORDS = select(changelog.c.table_name, changelog.c.row_id, changelog.c.data).where(
    changelog.c.case_id.is_not(None), changelog.c.table_name != "cases"
)


def _shared_records(txn: r.Txn, case_id: str, wanted: list[str]) -> list[tuple[str, dict[str, Any]]]:
    tables = [s for s in wanted if s in rules.RECORD_SECTIONS]
    if not tables:
        return []
    query = _RECORDS.where(and_(changelog.c.case_id == case_id, changelog.c.table_name.in_(tables)))
    out = []
    for table, _row_id, data in txn.execute(query, {}).all():
        row = json.loads(data)
        if row.get("deleted") or (table == "notes" and row.get("confidential")):
            continue
        out.append((table, row))
    out.sort(key=lambda item: (rules.RECORD_SECTIONS.index(item[0]), item[1].get("created_at") or "",
                               item[1]["id"]))  # fmt: skip
    return out


def delivered(txn: r.Txn, referral_id: str, data: dict[str, Any]) -> None:
    """After a referral's insert: the receiving facility's inbox row, if it is on Caseworker."""
    target = data.get("to_facility")
    if not on_caseworker(txn, target):
        return
    case = r.load(txn, "cases", data["case_id"])
    assert case is not None  # check_insert
    person = r.load(txn, "persons", case.data.get("person_id"))
    shared = sections(data)
    counts: dict[str, int] = {}
    for table, _row in _shared_records(txn, case.row_id, shared):
        counts[table] = counts.get(table, 0) + 1
    sender = facility(txn, txn.principal.facility_code)
    inbox: dict[str, Any] = {k: None for k in r.columns("referral_inbox")}
    inbox.update(
        facility_code=target,
        from_facility=txn.principal.facility_code,
        from_facility_name=sender.name if sender is not None else None,
        from_case_number=case.data.get("case_number"),
        referred_at=data.get("referred_at") or txn.now[:10],
        reason=data.get("reason"),
        share_identity=int(bool(data.get("share_identity"))),
        shared_sections=json.dumps(shared),
        consent_by=data.get("consent_by"),
        consent_basis=data.get("consent_basis"),
        kind=data.get("kind") or "referral",
        preview=r.dumps(
            rules.preview(
                person.data if person else {}, case.data, data.get("share_identity"), shared, counts
            )
        ),
        status="sent",
        created_at=txn.now,
        created_by="server",
        updated_at=txn.now,
        updated_by="server",
        deleted=0,
    )
    scope = RowScope(target, None, None, "server", None)
    r.write(txn, "referral_inbox", referral_id, inbox, 1, scope, new=True)
    logs.event("referral_delivered", referral_id=referral_id, to_facility=target, sections=len(shared))


# -- answering -----------------------------------------------------------------------------------------
def answer(txn: r.Txn, m: Any, current: r.Stored, checked: dict[str, Any]) -> p.MutationResult:
    """The receiving supervisor's accept or decline (an update of the inbox row)."""
    if current.data.get("status") != "sent":
        return p.MutationResult(
            mutation_id=m.mutation_id, status="merged", reason="already_answered", version=current.version
        )
    fields = {k: v for k, v in checked.items() if k in INBOX_ANSWER}
    status = fields.get("status")
    data = {**current.data, **fields, "decided_by": txn.principal.username, "decided_at": txn.now}
    data["updated_by"], data["updated_at"] = txn.principal.username, m.fields.get("updated_at") or txn.now
    referral = r.load(txn, "referrals", m.row_id)
    answered: dict[str, Any] = {"status": status, "decided_at": txn.now, "decided_by": txn.principal.username}
    if status == "accepted" and current.data.get("kind") == TRANSFER:
        case_id, number = _move_case(txn, current.data, referral, answered)
        data.update(accepted_case_id=case_id, accepted_case_number=number)
        answered["received_case_number"] = number
        referral = r.load(txn, "referrals", m.row_id)  # moved with its case
    elif status == "accepted":
        case_id, number = _open_case(txn, current.data, referral)
        data.update(accepted_case_id=case_id, accepted_case_number=number)
        answered["received_case_number"] = number
    elif status == "declined":
        data.update(preview=None, reason=None, consent_by=None)  # nothing of the client stays here
        answered["decision_reason"] = fields.get("decision_reason")
    else:
        return p.MutationResult(mutation_id=m.mutation_id, status="applied", version=current.version)
    r.write(txn, "referral_inbox", m.row_id, data, current.version + 1, current.scope, new=False)
    if referral is not None:
        sent = {**referral.data, **answered, "updated_at": txn.now, "updated_by": "server"}
        r.write(txn, "referrals", m.row_id, sent, referral.version + 1, referral.scope, new=False)
    logs.event("referral_answered", referral_id=m.row_id, status=status, facility=txn.principal.facility_code)
    return p.MutationResult(mutation_id=m.mutation_id, status="applied", version=current.version + 1)


def _case_number(facility_code: str, row_id: str, year: int) -> str:
    """The laptops' rule (caseworker.store.ids.case_number): facility, year, 40 random bits of the id."""
    bits = uuid.UUID(row_id).int & ((1 << 40) - 1)
    chars = "".join(CROCKFORD[(bits >> shift) & 31] for shift in range(35, -1, -5))
    return f"{facility_code.upper()}-{year % 100:02d}-{chars}"


def _new_row(txn: r.Txn, table: str, values: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {k: None for k in r.columns(table)}
    row.update(values)
    row.update(created_by=values.get("created_by") or txn.principal.username, updated_by="server",
               created_at=values.get("created_at") or txn.now, updated_at=txn.now, deleted=0)  # fmt: skip
    return row


def _open_case(txn: r.Txn, inbox: dict[str, Any], referral: r.Stored | None) -> tuple[str, str]:
    from caseworker.server import policy  # (policy imports this module)

    pr = txn.principal
    rid = inbox["id"]
    source = r.load(txn, "cases", referral.data.get("case_id")) if referral is not None else None
    if source is None:
        raise Refused("unknown_reference")
    person = r.load(txn, "persons", source.data.get("person_id"))
    seen = json.loads(inbox.get("preview") or "{}")
    shared = sections(inbox)
    withheld = rules.identity_withheld(source.data.get("category_code"), inbox.get("share_identity"))
    names = rules.person_names(person.data) if person is not None else []
    case_id = str(uuid.uuid5(NAMESPACE, f"{rid}:case"))
    number = _case_number(pr.facility_code or "", case_id, date.fromisoformat(txn.now[:10]).year)
    policy.check_case_number(txn, case_id, number)  # (before anything is written)
    if withheld or person is None:
        person_id = str(uuid.uuid5(NAMESPACE, f"{rid}:person"))
        stand_in = _new_row(
            txn, "persons", {**rules.stand_in_person(seen), "facility_code": pr.facility_code}
        )
        r.write(txn, "persons", person_id, stand_in, 1,
                RowScope(pr.facility_code, None, None, stand_in["created_by"], person_id), new=True)  # fmt: skip
    else:
        person_id = person.row_id
    problem = source.data.get("presenting_problem") if "problem" in shared else None
    case = _new_row(
        txn,
        "cases",
        {
            "case_number": number,
            "person_id": person_id,
            "facility_code": pr.facility_code,
            "assigned_to": pr.username,
            "category_code": source.data.get("category_code"),
            "stage": FIRST_STAGE,
            "status": "open",
            "risk": source.data.get("risk") if "problem" in shared else None,
            "opened_at": txn.now[:10],
            "referral_source": f"{inbox.get('from_facility_name') or inbox.get('from_facility')}"
            f" ({inbox.get('from_case_number')})",
            "presenting_problem": rules.scrub(problem, names) if withheld else problem,
            "consent_by": None if withheld else inbox.get("consent_by"),
            "consent_basis": inbox.get("consent_basis"),
            "conflict": 0,
        },
    )
    scope = RowScope(pr.facility_code, case_id, pr.username, case["created_by"], person_id)
    r.rescope_case_children(txn, case_id, scope)  # the person (and their relations) to new seqs
    r.write(txn, "cases", case_id, case, 1, scope, new=True)
    policy.note_case_number(txn, case_id, number)
    for table, row in _shared_records(txn, source.row_id, shared):
        copy = {k: v for k, v in row.items() if k not in ("id", "version")}
        copy["case_id"] = case_id
        if table == "measurements":
            copy["person_id"] = person_id
        if withheld:
            for column in rules.TEXT_FIELDS.get(table, ()):
                copy[column] = rules.scrub(copy.get(column), names)
        new = _new_row(txn, table, copy)
        row_id = str(uuid.uuid5(NAMESPACE, f"{rid}:{table}:{row['id']}"))
        r.write(txn, table, row_id, new, 1,
                RowScope(pr.facility_code, case_id, pr.username, new["created_by"], None), new=True)  # fmt: skip
    return case_id, number


def _move_case(
    txn: r.Txn, inbox: dict[str, Any], referral: r.Stored | None, answered: dict[str, Any]
) -> tuple[str, str]:
    """Accepting a transfer: the case and all its records go to the receiving facility; the sender keeps a
    closed stand-in case (same person) with copies of its notes, services and this referral."""
    from caseworker.server import policy  # (policy imports this module)

    pr = txn.principal
    rid = inbox["id"]
    source = r.load(txn, "cases", referral.data.get("case_id")) if referral is not None else None
    if source is None or source.scope.facility_code != inbox.get("from_facility"):
        raise Refused("unknown_reference")  # gone, or moved elsewhere meanwhile
    sender = source.scope.facility_code or ""
    stub_id = str(uuid.uuid5(NAMESPACE, f"{rid}:stub"))
    stub_number = _case_number(sender, stub_id, date.fromisoformat(txn.now[:10]).year)
    policy.check_case_number(txn, stub_id, stub_number)
    kept = [(t, row) for t, row in _case_records(txn, source.row_id) if t in KEPT_AT_SENDER]
    receiver = facility(txn, pr.facility_code)
    to_name = receiver.name if receiver is not None else pr.facility_code
    number = source.data.get("case_number") or ""
    # The case moves, with every record (the sender's devices receive removals; rows.py keeps the order).
    moved = {**source.data, "facility_code": pr.facility_code, "assigned_to": pr.username,
             "updated_at": txn.now, "updated_by": "server"}  # fmt: skip
    scope = RowScope(
        pr.facility_code, source.row_id, pr.username, source.scope.created_by, source.scope.person_id
    )
    r.rescope_case_children(txn, source.row_id, scope, old_person=source.scope.person_id)
    r.write(txn, "cases", source.row_id, moved, source.version + 1, scope, new=False)
    # What stays at the sender: a closed case of the same person, its notes, services and the referral.
    stub = _new_row(
        txn,
        "cases",
        {
            **{k: source.data.get(k) for k in ("person_id", "category_code", "risk", "opened_at", "referral_source",
                                               "presenting_problem", "consent_by", "consent_at", "consent_basis")},
            "case_number": stub_number,
            "facility_code": sender,
            "assigned_to": source.data.get("assigned_to"),
            "stage": "terminasi",
            "status": "closed",
            "closed_at": txn.now[:10],
            "closure_reason": f"Dipindahkan ke {to_name} ({number}) / Transferred to {to_name}",
            "created_by": source.data.get("created_by"),
            "conflict": 0,
        },
    )  # fmt: skip
    stub_scope = RowScope(sender, stub_id, stub["assigned_to"], stub["created_by"], source.scope.person_id)
    r.write(txn, "cases", stub_id, stub, 1, stub_scope, new=True)
    policy.note_case_number(txn, stub_id, stub_number)
    for table, row in kept:
        copy = {k: v for k, v in row.items() if k not in ("id", "version")}
        copy["case_id"] = stub_id
        if table == "referrals" and row["id"] == rid:
            copy.update(answered, received_case_number=number)
        new = _new_row(txn, table, copy)
        row_id = str(uuid.uuid5(NAMESPACE, f"{rid}:stub:{table}:{row['id']}"))
        r.write(txn, table, row_id, new, 1,
                RowScope(sender, stub_id, stub["assigned_to"], new["created_by"], None), new=True)  # fmt: skip
    return source.row_id, number


def _case_records(txn: r.Txn, case_id: str) -> list[tuple[str, dict[str, Any]]]:
    query = _RECORDS.where(changelog.c.case_id == case_id)
    out = [(table, json.loads(data)) for table, _row_id, data in txn.execute(query, {}).all()]
    return [(t, row) for t, row in out if not row.get("deleted")]
