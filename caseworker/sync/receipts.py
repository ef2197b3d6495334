"""Receipts: the server's signed word that it holds a change (issue 18).

For every mutation it applied (applied, merged, or kept as a conflict) the server answers a receipt: the
mutation id, its outcome, the row, its version and changelog seq, the server's time, signed with the
server's Ed25519 bundle key. The laptop keeps them (sync_receipts) from network and bundle syncs alike and
checks them offline with the server's public key it got at enrolment: "Terkirim" means "receipt held".
A duplicate answer (a retried push whose first answer was lost) carries a receipt too, without the seq
(the server does not keep it per mutation).
"""

from __future__ import annotations

import json
from typing import Any

from caseworker.store.store import Store
from caseworker.sync import protocol as p
from caseworker.sync import sealing
from caseworker.sync.receipt_format import HELD, message

_TABLE = (
    "CREATE TABLE IF NOT EXISTS sync_receipts (mutation_id TEXT PRIMARY KEY, table_name TEXT NOT NULL,"
    " row_id TEXT NOT NULL, case_id TEXT, status TEXT NOT NULL, version INTEGER, seq INTEGER,"
    " server_time TEXT NOT NULL, signature TEXT NOT NULL)"
)


def ensure_table(store: Store) -> None:
    store.conn.execute(_TABLE)


def keep(store: Store, sent: list[p.Mutation], results: list[p.MutationResult]) -> int:
    """Keep the receipts of these answers (one transaction); how many were new."""
    ensure_table(store)
    by_id = {m.mutation_id: m for m in sent}
    kept = 0
    with store.transaction():
        for r in results:
            m = by_id.get(r.mutation_id)
            status = r.original_status if r.status == "duplicate" and r.original_status else r.status
            if m is None or r.receipt is None or status not in HELD:
                continue
            case_id = m.row_id if m.table == "cases" else m.fields.get("case_id")
            if not isinstance(case_id, str):
                case_id = _case_of(store, m.table, m.row_id)
            cursor = store.conn.execute(
                "INSERT INTO sync_receipts (mutation_id, table_name, row_id, case_id, status, version, seq,"
                " server_time, signature) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(mutation_id) DO UPDATE SET"
                " seq = excluded.seq, server_time = excluded.server_time, signature = excluded.signature"
                " WHERE sync_receipts.seq IS NULL AND excluded.seq IS NOT NULL",  # one with its seq wins
                [m.mutation_id, m.table, m.row_id, case_id, status, r.version, r.receipt.seq,
                 r.receipt.server_time, r.receipt.signature],
            )  # fmt: skip
            kept += cursor.rowcount > 0
    return kept


def _case_of(store: Store, table: str, row_id: str) -> str | None:
    try:
        row = store.one(f"SELECT case_id FROM {table} WHERE id = ?", [row_id])  # noqa: S608 - a synced table
    except Exception:  # noqa: BLE001 - a table without case_id (persons, relations)
        return None
    return row["case_id"] if row else None


def verified(row: dict[str, Any], server: sealing.PublicKeys | None) -> bool:
    if server is None:
        return False
    signed = message(row["mutation_id"], row["status"], row["table_name"], row["row_id"], row["version"],
                     row["seq"], row["server_time"])  # fmt: skip
    try:
        return sealing.verify(server.sign, signed, sealing.unb64(row["signature"]))
    except ValueError:
        return False


def listed(
    store: Store, server: sealing.PublicKeys | None, case_id: str | None = None
) -> list[dict[str, Any]]:
    """The receipts held (of one case), oldest first, each checked against the server's key. Reads only
    (the case view asks on a store that may be open read-only)."""
    if store.one("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'sync_receipts'") is None:
        return []
    where, args = ("WHERE case_id = ?", [case_id]) if case_id else ("", [])
    rows = store.query(f"SELECT * FROM sync_receipts {where} ORDER BY server_time, mutation_id", args)
    return [{**r, "verified": verified(r, server)} for r in rows]


def pending_of(store: Store, case_id: str | None = None) -> int:
    """Changes still in the outbox (of one case): not confirmed by any receipt yet."""
    if case_id is None:
        return int(store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
    rows = store.query("SELECT table_name, row_id, fields FROM outbox")
    return sum(
        1
        for r in rows
        if (r["row_id"] if r["table_name"] == "cases" else json.loads(r["fields"]).get("case_id")
            or _case_of(store, r["table_name"], r["row_id"])) == case_id
    )  # fmt: skip


def confirmed_up_to(
    store: Store, server: sealing.PublicKeys | None, case_id: str | None = None, waiting: int | None = None
) -> str | None:
    """The server time of the last receipt when every receipt (of the case) verifies and none of its
    changes waits to be sent: what a printed summary may state as "all changes confirmed by the server up
    to <date>". None otherwise. `waiting`: the case's changes still to send, when the caller knows (the
    case view does; counting them reads the whole outbox)."""
    held = listed(store, server, case_id)
    if waiting is None:
        waiting = pending_of(store, case_id)
    if not held or not all(r["verified"] for r in held) or waiting:
        return None
    return str(max(r["server_time"] for r in held))
