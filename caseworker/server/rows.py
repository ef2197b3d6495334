"""Reading and writing synced rows in the changelog, inside one push transaction.

Every write gives the row a new seq. A change of who may see a case (assignee, facility, person) moves all
rows of the case to new seqs: records first, then the person, the case row last, so a device that loses the
case receives every removal before the case's own (see pull.py).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select, tuple_, update

from caseworker.server.auth import Principal
from caseworker.server.db import SeqAllocator, changelog, execute_rows
from caseworker.server.scope import RowScope, assigned_only
from caseworker.store import schema
from caseworker.sync.protocol import CONFLICT_COLUMNS

SYNCED_TABLES: dict[str, dict[str, type]] = {**schema.TABLES}
SYNCED_TABLES.setdefault("conflicts", CONFLICT_COLUMNS)
CONFLICT_NAMESPACE = uuid.UUID("6f1c3c2e-5a51-4f0e-9d6e-3f0b9a0c1d22")


# Built once, with bind parameters: a push runs these for every mutation (see caseworker.server.db).
_C = changelog.c
_LOAD = select(
    _C.data, _C.version, _C.facility_code, _C.case_id, _C.assigned_to, _C.created_by, _C.person_id
).where(_C.table_name == bindparam("t"), _C.row_id == bindparam("r"))
_LOAD_MANY = select(
    _C.table_name, _C.row_id, _C.data, _C.version, _C.facility_code, _C.case_id, _C.assigned_to,
    _C.created_by, _C.person_id,
).where(tuple_(_C.table_name, _C.row_id).in_(bindparam("keys", expanding=True)))  # fmt: skip
INSERT_SQL = (
    "INSERT INTO changelog (table_name, row_id, seq, data, version, deleted, facility_code, case_id,"
    " assigned_to, created_by, person_id, sha256, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE = update(changelog).where(_C.table_name == bindparam("t"), _C.row_id == bindparam("r"))
_CHILDREN = select(_C.table_name, _C.row_id).where(
    _C.case_id == bindparam("case_id"), _C.table_name != "cases"
)
_PERSON_ROWS = select(_C.table_name, _C.row_id).where(
    _C.person_id == bindparam("person_id"), _C.case_id.is_(None)
)
_FAMILIES = select(_C.table_name, _C.row_id, _C.case_id, _C.person_id).where(
    (_C.case_id.in_(bindparam("case_ids", expanding=True)) & (_C.table_name != "cases"))
    | (_C.case_id.is_(None) & _C.person_id.in_(bindparam("person_ids", expanding=True)))
)
_CASES_OF_PERSON = (
    select(_C.row_id)
    .where(_C.table_name == "cases", _C.person_id == bindparam("person_id"))
    .order_by(_C.row_id)
)
WAITING_FOR_CASE = select(_C.facility_code, _C.assigned_to).where(_C.case_id == bindparam("case_id")).limit(1)
REVIEWS_OF = select(_C.data).where(_C.table_name == "reviews", _C.case_id == bindparam("case_id"))
_CONFLICTS_OF = select(_C.data).where(
    _C.table_name == "conflicts",
    (_C.case_id == bindparam("case_id")) | and_(_C.case_id.is_(None), _C.person_id == bindparam("person_id")),
)


def columns(table: str) -> dict[str, type]:
    return {**schema.COMMON, **SYNCED_TABLES[table]}


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Stored:
    table: str
    row_id: str
    data: dict[str, Any]
    version: int
    scope: RowScope

    @property
    def deleted(self) -> bool:
        return bool(self.data.get("deleted"))


Key = tuple[str, str]  # (table, row id)


@dataclass
class Families:
    """The records of some cases and the person-level rows of some persons, as the database holds them in
    this transaction: read once for a whole group of pushes (preload_families) and kept current by every
    write, so rescoping a new case asks nothing more of the database while other pushes wait for the lock."""

    children: dict[str, set[Key]] = field(default_factory=dict)  # case id -> its records
    person_rows: dict[str, set[Key]] = field(default_factory=dict)  # person id -> their rows of no case
    member_of: dict[Key, tuple[str | None, str | None]] = field(default_factory=dict)

    def place(self, key: Key, case_id: str | None, person_id: str | None) -> None:
        """The row now has this case and person: move it between the sets kept."""
        old_case, old_person = self.member_of.pop(key, (None, None))
        if old_case is not None:
            self.children[old_case].discard(key)
        if old_person is not None:
            self.person_rows[old_person].discard(key)
        if key[0] == "cases":
            return  # a case is neither a record of a case nor a row of no case
        in_case = case_id if case_id in self.children else None
        of_person = person_id if case_id is None and person_id in self.person_rows else None
        if in_case is not None:
            self.children[in_case].add(key)
        if of_person is not None:
            self.person_rows[of_person].add(key)
        if in_case is not None or of_person is not None:
            self.member_of[key] = (in_case, of_person)


@dataclass
class Txn:
    """One push transaction: connection, user, seq allocator, server time, and the rows read so far.

    The rows are kept (by table and id, None for "not on the server") because a push reads the same few
    rows again and again (a case for each of its notes); every write here updates them, so they stay what
    the database holds within this transaction, which holds the write lock throughout."""

    conn: Connection
    principal: Principal
    seqs: SeqAllocator
    now: str
    rows: dict[tuple[str, str], Stored | None] = field(default_factory=dict)
    # New changelog rows not yet sent: written together (one executemany) before the next statement on
    # the changelog or at the end (flush), rather than one round trip each.
    inserts: list[tuple[Any, ...]] = field(default_factory=list)
    written: set[tuple[str, str]] = field(default_factory=set)  # rows given a seq in this transaction
    families: Families = field(default_factory=Families)
    # What the policy looked up in this transaction (users, case numbers written): see server.policy.
    cache: dict[str, Any] = field(default_factory=dict)

    def execute(self, statement: Any, params: dict[str, Any]) -> Any:
        """A statement on the changelog, after the rows written so far."""
        self.flush()
        return self.conn.execute(statement, params)

    def flush(self) -> None:
        execute_rows(self.conn, INSERT_SQL, self.take_inserts())

    def take_inserts(self) -> list[tuple[Any, ...]]:
        """The new rows not yet sent, for the caller to write (with INSERT_SQL)."""
        pending = self.inserts[:]
        self.inserts.clear()  # in place: the pushes of one transaction share the list (push_together)
        return pending


def _stored(table: str, row_id: str, row: Any) -> Stored:
    scope = RowScope(row.facility_code, row.case_id, row.assigned_to, row.created_by, row.person_id)
    return Stored(table, row_id, json.loads(row.data), row.version, scope)


def load(txn: Txn, table: str, row_id: str | None) -> Stored | None:
    if not row_id:
        return None
    key = (table, row_id)
    if key not in txn.rows:
        row = txn.execute(_LOAD, {"t": table, "r": row_id}).first()
        txn.rows[key] = _stored(table, row_id, row) if row is not None else None
    found = txn.rows[key]
    return replace(found, data=dict(found.data)) if found is not None else None  # callers may change data


def preload(txn: Txn, keys: set[tuple[str, str]]) -> None:
    """Read these rows in one query (the rows a push is about to read one by one)."""
    wanted = sorted(k for k in keys if k[1] and k not in txn.rows)
    for i in range(0, len(wanted), 400):
        chunk = wanted[i : i + 400]
        found = {(row.table_name, row.row_id): row for row in txn.execute(_LOAD_MANY, {"keys": chunk})}
        for key in chunk:
            txn.rows[key] = _stored(*key, found[key]) if key in found else None


def preload_families(txn: Txn, case_ids: set[str], person_ids: set[str]) -> None:
    """Read the records of these cases and the rows of no case of these persons in one query (what
    rescoping them reads), to be kept current by the writes that follow. Call before any write."""
    fam = txn.families
    case_ids = {c for c in case_ids if c not in fam.children}
    person_ids = {p for p in person_ids if p not in fam.person_rows}
    if not case_ids and not person_ids:
        return
    fam.children.update((c, set()) for c in case_ids)
    fam.person_rows.update((p, set()) for p in person_ids)
    found = txn.execute(_FAMILIES, {"case_ids": sorted(case_ids), "person_ids": sorted(person_ids)})
    for row in found:
        fam.place((row.table_name, row.row_id), row.case_id, row.person_id)


def _children(txn: Txn, case_id: str) -> list[Key]:
    found = _family(txn, txn.families.children, case_id, _CHILDREN, {"case_id": case_id}, (case_id, None))
    return sorted(found)


def _rows_of_person(txn: Txn, person_id: str) -> list[Key]:
    """The person's rows of no case, the person's own row last (relations and conflicts first)."""
    params = {"person_id": person_id}
    found = _family(txn, txn.families.person_rows, person_id, _PERSON_ROWS, params, (None, person_id))
    return sorted(found, key=lambda k: (k[0] == "persons", k[1]))


def _family(
    txn: Txn,
    kept: dict[str, set[Key]],
    owner: str,
    query: Any,
    params: dict[str, Any],
    place: tuple[Any, Any],
) -> set[Key]:
    """The rows of a case or person kept in txn.families; read now if preload_families did not."""
    if owner not in kept:
        found = txn.execute(query, params).all()
        kept[owner] = set()
        for row in found:
            txn.families.place((row.table_name, row.row_id), *place)
    return kept[owner]


def scope_for(txn: Txn, table: str, row_id: str, data: dict[str, Any]) -> RowScope:
    """The denormalised scope of a row from its data and its parents on the server."""
    pr = txn.principal
    created_by = data.get("created_by")
    if table == "cases":
        return RowScope(
            data.get("facility_code"), row_id, data.get("assigned_to"), created_by, data.get("person_id")
        )
    if table == "persons":
        return RowScope(data.get("facility_code") or pr.facility_code, None, None, created_by, row_id)
    if table == "form_definitions":  # the facility's, for all its people
        return RowScope(data.get("facility_code") or pr.facility_code, None, None, created_by, None)
    if table == "relations":
        person = load(txn, "persons", data.get("person_id"))
        facility = person.scope.facility_code if person else pr.facility_code
        return RowScope(facility, None, None, created_by, data.get("person_id"))
    case = load(txn, "cases", data.get("case_id"))
    if case is not None:
        return RowScope(case.scope.facility_code, case.row_id, case.scope.assigned_to, created_by, None)
    # A child whose case has not arrived yet: the pusher's scope until the case comes (then rescoped).
    assignee = pr.username if assigned_only(pr) or pr.role == "worker" else None
    return RowScope(pr.facility_code, data.get("case_id"), assignee, created_by, None)


def write(
    txn: Txn, table: str, row_id: str, data: dict[str, Any], version: int, scope: RowScope, new: bool
) -> None:
    data = {**data, "id": row_id, "version": version}
    values = {
        "seq": txn.seqs.next(),
        "data": dumps(data),
        "version": version,
        "deleted": int(bool(data.get("deleted"))),
        "facility_code": scope.facility_code,
        "case_id": scope.case_id,
        "assigned_to": scope.assigned_to,
        "created_by": scope.created_by,
        "person_id": scope.person_id,
        "sha256": data.get("sha256") if table == "attachments" else None,
        "changed_at": txn.now,
    }
    if new:
        txn.inserts.append((table, row_id, *values.values()))  # written with the next statement
    else:
        txn.execute(_UPDATE, {"t": table, "r": row_id, **values})
    txn.rows[(table, row_id)] = Stored(table, row_id, data, version, scope)
    txn.written.add((table, row_id))
    txn.families.place((table, row_id), scope.case_id, scope.person_id)


def _bump(txn: Txn, table: str, row_id: str, **scope_columns: Any) -> None:
    txn.rows.pop((table, row_id), None)  # read again when needed
    txn.written.add((table, row_id))
    txn.execute(
        _UPDATE, {"t": table, "r": row_id, "seq": txn.seqs.next(), "changed_at": txn.now, **scope_columns}
    )


def rescope_case_children(
    txn: Txn,
    case_id: str,
    scope: RowScope,
    old_person: str | None = None,
    adopt: Callable[[Stored], bool] | None = None,
) -> None:
    """Move the case's records (new scope) and its person(s) to new seqs. The caller writes the case last.
    `adopt`: for a new case, which of the records that arrived before it may follow it."""
    for table, row_id in _children(txn, case_id):
        if adopt is not None:
            child = load(txn, table, row_id)
            if child is None or not adopt(child):
                continue
        _bump(txn, table, row_id, facility_code=scope.facility_code, assigned_to=scope.assigned_to)
    for person_id in dict.fromkeys(p for p in (old_person, scope.person_id) if p):
        person_rows = _rows_of_person(txn, person_id)
        if all(key in txn.written for key in person_rows):
            continue  # (a person registered in this push) their seqs are new already, before the case's
        for table, row_id in person_rows:
            _bump(txn, table, row_id)


def new_conflict(
    txn: Txn, mutation: Any, target: Stored, field: str, server_value: Any, device_value: Any
) -> str:
    """Write an open conflicts row about `target.field` and flag the affected case(s)."""
    conflict_id = str(uuid.uuid5(CONFLICT_NAMESPACE, f"{mutation.mutation_id}:{field}"))
    case_id = target.scope.case_id
    data: dict[str, Any] = {k: None for k in columns("conflicts")}
    data.update(
        case_id=case_id,
        table_name=target.table,
        row_id=target.row_id,
        field=field,
        server_value=json.dumps(server_value, ensure_ascii=False),
        device_value=json.dumps(device_value, ensure_ascii=False),
        device_user=txn.principal.username,
        device_at=mutation.created_at,
        server_user=target.data.get("updated_by"),
        server_at=target.data.get("updated_at"),
        status="open",
        created_at=txn.now,
        created_by="server",
        updated_at=txn.now,
        updated_by="server",
        deleted=0,
    )
    write(txn, "conflicts", conflict_id, data, 1, replace(target.scope), new=True)
    for case in affected_cases(txn, target.scope):
        refresh_conflict_flag(txn, case)
    return conflict_id


def affected_cases(txn: Txn, scope: RowScope) -> list[str]:
    """The cases a conflict on a row with this scope belongs to (the case, or every case of the person)."""
    if scope.case_id:
        return [scope.case_id]
    return list(txn.execute(_CASES_OF_PERSON, {"person_id": scope.person_id}).scalars())


def refresh_conflict_flag(txn: Txn, case_id: str) -> None:
    """Set the case's `conflict` column to 1 while an open conflict exists on it or its person, else 0."""
    case = load(txn, "cases", case_id)
    if case is None:
        return
    person_id = case.data.get("person_id")
    rows = txn.execute(_CONFLICTS_OF, {"case_id": case_id, "person_id": person_id}).scalars()
    flag = int(any(json.loads(d).get("status") == "open" for d in rows))
    if (case.data.get("conflict") or 0) != flag:
        case.data["conflict"] = flag
        write(txn, "cases", case_id, case.data, case.version + 1, case.scope, new=False)
