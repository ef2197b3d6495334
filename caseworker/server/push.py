"""Applying pushed mutations: idempotency, authorisation and the field-level three-way merge.

See caseworker.sync.protocol for the rules as the client sees them. A batch runs in one transaction that
holds the changelog sequence lock from its start, so reads and writes of rows never race another push.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, bindparam, select

from caseworker.server import policy
from caseworker.server import rows as r
from caseworker.server.auth import Principal, iso
from caseworker.server.db import (
    Database,
    SeqAllocator,
    applied_mutations,
    execute_rows_together,
    lock_sequence,
)
from caseworker.server.errors import ApiError
from caseworker.store import schema
from caseworker.sync import protocol as p
from caseworker.sync import receipt_format, sealing

BOOKKEEPING = frozenset({"updated_at", "updated_by", "version"})
IMMUTABLE = frozenset({"id", "created_at", "created_by", "case_id"})
CONFLICT_RESOLUTION_FIELDS = frozenset({"status", "resolution", "resolved_by", "resolved_at"})


# Built once (see caseworker.server.db): every push runs them.
_SEEN = select(applied_mutations).where(applied_mutations.c.mutation_id.in_(bindparam("ids", expanding=True)))
_APPLIED = (
    "INSERT INTO applied_mutations (mutation_id, device_id, username, txn_id, table_name, row_id, op, status,"
    " reason, version, conflict_ids, hlc, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_HOLD_IF_NEW = (
    "INSERT INTO device_cases (device_id, case_id) VALUES (?, ?) ON CONFLICT (device_id, case_id) DO NOTHING"
)


Rejected = policy.Refused


def outdated(protocol_version: int, schema_version: int) -> bool:
    return protocol_version < p.PROTOCOL_VERSION or schema_version < schema.DATA_VERSION


def push(database: Database, pr: Principal, req: p.PushRequest) -> p.PushResponse:
    _check(pr, req)
    return _apply_together(database, [(pr, req)])[0]


def push_together(
    database: Database, requests: list[tuple[Principal, p.PushRequest]]
) -> list[p.PushResponse | Exception]:
    """Several devices' pushes in one transaction, one turn of the changelog's write lock: the same as
    applying them one after another (each sees what the ones before it wrote), at a fraction of the lock
    time when many devices push at once. Each gets its own answer or error; if applying the group fails,
    each is applied alone, so only the one at fault fails."""
    answers: list[p.PushResponse | Exception | None] = [None] * len(requests)
    valid: list[int] = []
    for i, (pr, req) in enumerate(requests):
        try:
            _check(pr, req)
            valid.append(i)
        except ApiError as exc:
            answers[i] = exc
    try:
        for i, response in zip(valid, _apply_together(database, [requests[i] for i in valid]), strict=True):
            answers[i] = response
    except Exception as exc:
        for i in valid:
            try:
                answers[i] = push(database, *requests[i]) if len(valid) > 1 else exc
            except Exception as alone:
                answers[i] = alone
    return [a for a in answers if a is not None]


def _check(pr: Principal, req: p.PushRequest) -> None:
    if req.protocol_version < p.MIN_PUSH_PROTOCOL_VERSION:
        raise ApiError(426, "protocol_too_old")
    if req.device_id != pr.device_id:
        raise ApiError(403, "wrong_device")


def _apply_together(
    database: Database, requests: list[tuple[Principal, p.PushRequest]]
) -> list[p.PushResponse]:
    if not requests:
        return []
    now = iso(time.time())
    responses: list[p.PushResponse] = []
    keys = _receipt_keys(database)  # (read before the write transaction: it may make them)
    with database.write() as conn:
        lock_sequence(conn)
        shared = r.Txn(conn, requests[0][0], SeqAllocator(conn), now)
        # Read up front for the whole group: every write below keeps the rows read current.
        mutations = [m for _, req in requests for m in req.mutations]
        r.preload(shared, _rows_read(mutations))
        r.preload_families(shared, *_families_read(shared, mutations))
        policy.preload_case_numbers(shared, mutations)
        seen = _seen(conn, list(dict.fromkeys(m.mutation_id for m in mutations)))  # answered before, or below
        applied: list[tuple[Any, ...]] = []
        held: list[tuple[str, str]] = []
        for pr, req in requests:
            txn = replace(shared, principal=pr)  # the same rows, pending writes and seqs
            results: list[p.MutationResult] = []
            for m in req.mutations:
                if m.mutation_id in seen:
                    again = seen[m.mutation_id].model_copy(update={"status": "duplicate"})
                    if again.receipt is None and (again.original_status or "") in receipt_format.HELD:
                        again.receipt = receipt_format.sign(keys, m, again, None, now)
                    results.append(again)
                    continue
                before = shared.seqs.last
                result = _apply_or_refuse(txn, m)
                if result.status in receipt_format.HELD:
                    seq = shared.seqs.last if shared.seqs.last != before else None
                    result.receipt = receipt_format.sign(keys, m, result, seq, now)
                seen[m.mutation_id] = result.model_copy(
                    update={"status": "duplicate", "original_status": result.status}
                )
                results.append(result)
                applied.append(_applied_row(txn, m, result))
            kept = [(m.table, m.row_id) for m, res in zip(req.mutations, results, strict=True)
                    if (res.original_status or res.status) != "rejected"]  # fmt: skip
            held += _held_cases(txn, kept)
            update_required = outdated(req.protocol_version, req.schema_version)
            responses.append(
                p.PushResponse(results=results, server_time=now, update_required=update_required)
            )
        execute_rows_together(
            conn,
            [(r.INSERT_SQL, shared.take_inserts()), (_HOLD_IF_NEW, held), (_APPLIED, applied),
             (policy.CASE_NUMBER_SQL, policy.take_case_numbers(shared))],
        )  # fmt: skip
    return responses


def _receipt_keys(database: Database) -> sealing.KeyPair:
    from caseworker.server.bundles import server_keys

    return server_keys(database)


def _rows_read(mutations: list[p.Mutation]) -> set[tuple[str, str]]:
    """The rows applying these mutations reads first: their own, and the case or person each refers to."""
    keys: set[tuple[str, str]] = set()
    for m in mutations:
        keys.add((m.table, m.row_id))
        for table, column in (("cases", "case_id"), ("persons", "person_id")):
            ref = m.fields.get(column)
            if isinstance(ref, str):
                keys.add((table, ref))
    return keys


_RESCOPING = frozenset({"assigned_to", "facility_code", "person_id"})


def _families_read(txn: r.Txn, mutations: list[p.Mutation]) -> tuple[set[str], set[str]]:
    """The cases and persons these mutations may rescope (a new case, or a case given to someone else):
    their records and rows of no case are read up front, with the rows (r.preload)."""
    case_ids: set[str] = set()
    person_ids: set[str] = set()
    for m in mutations:
        if m.table != "cases" or (m.op != "insert" and not _RESCOPING & m.fields.keys()):
            continue
        case_ids.add(m.row_id)
        stored = txn.rows.get((m.table, m.row_id))
        for person_id in (m.fields.get("person_id"), stored and stored.scope.person_id):
            if isinstance(person_id, str) and person_id:
                person_ids.add(person_id)
    return case_ids, person_ids


def _seen(conn: Connection, mutation_ids: list[str]) -> dict[str, p.MutationResult]:
    """What the server answered before to the mutations of this batch it already applied (a retried push)."""
    found: dict[str, p.MutationResult] = {}
    for i in range(0, len(mutation_ids), 500):
        for row in conn.execute(_SEEN, {"ids": mutation_ids[i : i + 500]}):
            found[row.mutation_id] = p.MutationResult(
                mutation_id=row.mutation_id,
                status="duplicate",
                original_status=row.status,
                reason=row.reason,
                version=row.version,
                conflict_ids=json.loads(row.conflict_ids or "[]"),
            )
    return found


def _held_cases(txn: r.Txn, rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(device, case) rows for device_cases: the pushing device holds the cases of the rows it wrote (it
    made them, or changed them locally). Recorded here, not only when a pull sends a case: a case created
    on the device and reassigned away before the device's next pull would otherwise never leave it."""
    case_ids: set[str] = set()
    for table, row_id in dict.fromkeys(rows):
        if table in ("persons", "relations"):
            continue  # rows of no case
        stored = r.load(txn, table, row_id)
        case = r.load(txn, "cases", stored.scope.case_id) if stored is not None else None
        if case is not None and policy.visible(txn, case):  # never a case the device may not see
            case_ids.add(case.row_id)
    return [(txn.principal.device_id, case_id) for case_id in sorted(case_ids)]


def _apply_or_refuse(txn: r.Txn, m: p.Mutation) -> p.MutationResult:
    try:
        return _apply(txn, m)
    except Rejected as exc:
        return p.MutationResult(mutation_id=m.mutation_id, status="rejected", reason=exc.reason)


def _applied_row(txn: r.Txn, m: p.Mutation, result: p.MutationResult) -> tuple[Any, ...]:
    """The applied_mutations row (see _APPLIED) recording this answer, for a retry of the push."""
    pr = txn.principal
    return (
        m.mutation_id, pr.device_id, pr.username, m.txn_id, m.table[:40], m.row_id, m.op, result.status,
        result.reason, result.version, json.dumps(result.conflict_ids), m.hlc, txn.now,
    )  # fmt: skip


def _apply(txn: r.Txn, m: p.Mutation) -> p.MutationResult:
    current = r.load(txn, m.table, m.row_id) if m.table in policy.POLICY else None
    checked = policy.check(txn, m, current)  # raises Rejected: everything a device claims is checked there
    if m.op == "insert":
        return _insert(txn, m, checked)
    assert current is not None
    if m.table == "conflicts":
        return _resolve(txn, m, current, checked)
    if m.table == "referral_inbox":  # a supervisor accepts or declines a referral (server.referrals)
        from caseworker.server import referrals

        return referrals.answer(txn, m, current, checked)
    if m.op == "delete":
        return _delete(txn, m, current)
    return _update(txn, m, current, checked)


def _insert(txn: r.Txn, m: p.Mutation, data: dict[str, Any]) -> p.MutationResult:
    scope = r.scope_for(txn, m.table, m.row_id, data)
    if m.table == "cases":
        # Records that arrived before their case follow it, if their writer may write there.
        r.rescope_case_children(txn, m.row_id, scope, adopt=lambda child: policy.may_adopt(txn, child, scope))
        policy.note_case_number(txn, m.row_id, data.get("case_number"))
    r.write(txn, m.table, m.row_id, data, 1, scope, new=True)
    if m.table == "referrals" and data.get("to_facility"):  # to the receiver's inbox (server.referrals)
        from caseworker.server import referrals

        referrals.delivered(txn, m.row_id, data)
    return p.MutationResult(mutation_id=m.mutation_id, status="applied", version=1)


def _stamp(m: p.Mutation, data: dict[str, Any], pr: Principal, now: str) -> None:
    data["updated_by"] = pr.username  # the token's user, whatever the device says
    data["updated_at"] = m.fields.get("updated_at") or m.created_at or now


def _changed_since_base(m: p.Mutation, current: r.Stored) -> bool:
    if m.base:
        skip = BOOKKEEPING | {"conflict"}
        return any(current.data.get(k) != v for k, v in m.base.items() if k not in skip)
    return current.version > m.base_version


def _update(txn: r.Txn, m: p.Mutation, current: r.Stored, checked: dict[str, Any]) -> p.MutationResult:
    fields = {k: v for k, v in checked.items() if k not in BOOKKEEPING | IMMUTABLE and k != "conflict"}
    base = m.base or {}
    insert_only = m.table in schema.INSERT_ONLY
    conflict_ids: list[str] = []
    undelete = fields.get("deleted") == 0 and base.get("deleted") == 1
    if current.deleted and not insert_only and not undelete:
        # An edit of a row deleted on the server: never resurrect it silently.
        if not fields or fields == {"deleted": 1}:
            return p.MutationResult(mutation_id=m.mutation_id, status="applied", version=current.version)
        conflict_ids.append(r.new_conflict(txn, m, current, "deleted", 1, fields))
        version = (r.load(txn, m.table, m.row_id) or current).version
        return p.MutationResult(
            mutation_id=m.mutation_id, status="conflict", version=version, conflict_ids=conflict_ids
        )
    applied: dict[str, Any] = {}
    for name, new in fields.items():
        server = current.data.get(name)
        if server == new:
            continue
        unchanged = base[name] == server if name in base else m.base_version == current.version
        if unchanged or insert_only:
            applied[name] = new
        else:
            conflict_ids.append(r.new_conflict(txn, m, current, name, server, new))
    version = current.version
    if applied:
        stored = r.load(txn, m.table, m.row_id) or current  # conflicts may have flagged this very case
        old_scope = stored.scope
        data = {**stored.data, **applied}
        _stamp(m, data, txn.principal, txn.now)
        version = stored.version + 1
        scope = r.scope_for(txn, m.table, m.row_id, data)
        if m.table == "cases" and scope != old_scope:
            r.rescope_case_children(txn, m.row_id, scope, old_person=old_scope.person_id)
        r.write(txn, m.table, m.row_id, data, version, scope, new=False)
    if conflict_ids:
        status = "conflict"
        version = (r.load(txn, m.table, m.row_id) or current).version  # the conflict flag may have bumped it
    elif applied and current.version != m.base_version:
        status = "merged"
    else:
        status = "applied"
    return p.MutationResult(
        mutation_id=m.mutation_id, status=status, version=version, conflict_ids=conflict_ids
    )


def _delete(txn: r.Txn, m: p.Mutation, current: r.Stored) -> p.MutationResult:
    if current.deleted:
        return p.MutationResult(mutation_id=m.mutation_id, status="applied", version=current.version)
    if m.table not in schema.INSERT_ONLY and _changed_since_base(m, current):
        conflict_id = r.new_conflict(txn, m, current, "deleted", 0, 1)
        version = (r.load(txn, m.table, m.row_id) or current).version
        return p.MutationResult(
            mutation_id=m.mutation_id, status="conflict", version=version, conflict_ids=[conflict_id]
        )
    data = {**current.data, "deleted": 1}
    _stamp(m, data, txn.principal, txn.now)
    r.write(txn, m.table, m.row_id, data, current.version + 1, current.scope, new=False)
    if m.table == "referrals":  # withdrawn: the receiver's inbox is wiped (server.referrals)
        from caseworker.server import referrals

        referrals.withdrawn(txn, m.row_id)
    return p.MutationResult(mutation_id=m.mutation_id, status="applied", version=current.version + 1)


def _resolve(txn: r.Txn, m: p.Mutation, current: r.Stored, checked: dict[str, Any]) -> p.MutationResult:
    """An update of a conflicts row. The first resolution wins; a later one is answered `merged`."""
    if current.data.get("status") == "resolved":
        return p.MutationResult(
            mutation_id=m.mutation_id, status="merged", reason="already_resolved", version=current.version
        )
    fields = {k: v for k, v in checked.items() if k in CONFLICT_RESOLUTION_FIELDS}
    data = {**current.data, **fields}
    if data.get("status") == "resolved":
        data["resolved_by"] = txn.principal.username
        data["resolved_at"] = data.get("resolved_at") or txn.now
    _stamp(m, data, txn.principal, txn.now)
    r.write(txn, "conflicts", m.row_id, data, current.version + 1, current.scope, new=False)
    for case_id in r.affected_cases(txn, current.scope):
        r.refresh_conflict_flag(txn, case_id)
    return p.MutationResult(mutation_id=m.mutation_id, status="applied", version=current.version + 1)
