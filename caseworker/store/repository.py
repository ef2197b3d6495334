"""The only way rows change: one transaction writes the row, its sync outbox entry and its audit entry.

Callers pass plain dicts of column values; unknown columns are refused so a typo never vanishes silently.
"""

from __future__ import annotations

import json
from typing import Any

from caseworker.errors import NotFound
from caseworker.store import permissions, syncstate
from caseworker.store.ids import now_iso, uuid7
from caseworker.store.schema import DATA_VERSION, TABLES
from caseworker.store.store import Store


def _check_columns(table: str, values: dict[str, Any]) -> None:
    allowed = TABLES[table]
    unknown = [k for k in values if k not in allowed]
    if unknown:
        raise ValueError(f"unknown columns for {table}: {unknown}")


def next_hlc(store: Store) -> str:
    """Hybrid logical clock stamp: wall time plus a counter and the device. Orders a device's own edits;
    never used to pick a winner between devices."""
    store.hlc_counter += 1
    return f"{now_iso()}-{store.hlc_counter:06d}-{store.device_id[-8:]}"


def _outbox(
    store: Store, table: str, row_id: str, op: str, fields: dict[str, Any], base_version: int
) -> None:
    txn = store._txn
    assert txn is not None
    store.conn.execute(
        "INSERT INTO outbox (mutation_id, txn_id, table_name, row_id, op, fields, base_version, hlc,"
        " schema_version, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            uuid7(),
            txn.txn_id,
            table,
            row_id,
            op,
            json.dumps(fields, ensure_ascii=False),
            base_version,
            next_hlc(store),
            DATA_VERSION,
            now_iso(),
            store.user.username,
        ],
    )


def audit(
    store: Store,
    action: str,
    table: str | None = None,
    row_id: str | None = None,
    case_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append to the audit log (who, when, what, which record). Never holds personal data in details."""
    with store.transaction():
        store.conn.execute(
            "INSERT INTO audit (at, user, action, table_name, row_id, case_id, details) VALUES (?,?,?,?,?,?,?)",
            [
                now_iso(),
                store.user.username,
                action,
                table,
                row_id,
                case_id,
                json.dumps(details or {}, ensure_ascii=False),
            ],
        )


def get_row(store: Store, table: str, row_id: str) -> dict[str, Any]:
    row = store.one(f"SELECT * FROM {table} WHERE id = ?", [row_id])
    if row is None:
        raise NotFound(f"{table} {row_id}")
    return row


def case_id_of(table: str, row: dict[str, Any]) -> str | None:
    if table == "cases":
        return row["id"]
    return row.get("case_id")


def insert(store: Store, table: str, values: dict[str, Any], *, row_id: str | None = None) -> str:
    _check_columns(table, values)
    now, who = now_iso(), store.user.username
    row = {**values, "id": row_id or uuid7(), "created_at": now, "created_by": who, "updated_at": now,
           "updated_by": who, "deleted": 0, "version": 0}  # fmt: skip
    with store.transaction() as txn:
        permissions.check_insert(store, table, row)
        store.db[table].insert(row)
        _outbox(store, table, row["id"], "insert", {k: v for k, v in row.items() if k != "version"}, 0)
        case_id = case_id_of(table, row)
        audit(store, "create", table, row["id"], case_id)
        _touch(store, txn, table, row)
    return row["id"]


def update(store: Store, table: str, row_id: str, changes: dict[str, Any], *, action: str = "update") -> bool:
    """Change some fields; returns False (and writes nothing) when nothing actually differs."""
    _check_columns(table, changes)
    with store.transaction() as txn:
        old = get_row(store, table, row_id)
        diff = {k: v for k, v in changes.items() if old.get(k) != v}
        if not diff:
            return False
        permissions.check_update(store, table, old, diff)
        syncstate.keep_base(store, table, old)  # a pulled row is its own base copy until now
        stamp = {"updated_at": now_iso(), "updated_by": store.user.username}
        store.db[table].update(row_id, {**diff, **stamp})
        _outbox(store, table, row_id, "update", {**diff, **stamp}, old.get("version") or 0)
        audit(store, action, table, row_id, case_id_of(table, old), {"fields": sorted(diff)})
        _touch(store, txn, table, {**old, **diff})
    return True


def delete(store: Store, table: str, row_id: str) -> None:
    """A tombstone, never a hard delete: the deletion must travel to other devices."""
    with store.transaction() as txn:
        old = get_row(store, table, row_id)
        if old["deleted"]:
            return
        permissions.check_update(store, table, old, {"deleted": 1})
        syncstate.keep_base(store, table, old)
        stamp = {"updated_at": now_iso(), "updated_by": store.user.username}
        store.db[table].update(row_id, {"deleted": 1, **stamp})
        _outbox(store, table, row_id, "delete", {"deleted": 1, **stamp}, old.get("version") or 0)
        audit(store, "delete", table, row_id, case_id_of(table, old))
        _touch(store, txn, table, old)


def _touch(store: Store, txn: Any, table: str, row: dict[str, Any]) -> None:
    """Remember which cases need their list row and search entry rebuilt before commit."""
    if table == "persons":
        for r in store.conn.execute("SELECT id FROM cases WHERE person_id = ?", [row["id"]]):
            txn.touched_cases.add(r[0])
        return
    case_id = case_id_of(table, row)
    if case_id:
        txn.touched_cases.add(case_id)
