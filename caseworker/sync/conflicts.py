"""Sync conflicts as people see them: list them, and resolve one (keep mine, keep theirs, or a new value).

A conflict row is written by the server when two people changed the same field offline (or one deleted
what the other edited). "Mine" is the value of the signed-in user when they were the one set aside
(`device_user`), else the value the record holds now; "theirs" is the other one. Resolving is an update of
the conflict row plus an update of the record, through the repository, in one transaction: both go to the
outbox and reach every device at the next sync.
"""

from __future__ import annotations

import json
from typing import Any

from caseworker import i18n
from caseworker.errors import KnownError, NotFound
from caseworker.store import repository as repo
from caseworker.store import syncstate
from caseworker.store.ids import now_iso
from caseworker.store.schema import COMMON, TABLES
from caseworker.store.store import Store

i18n.register(
    {
        "conflict_not_open": ("Konflik {id} sudah diselesaikan.", "Conflict {id} is already resolved."),
        "conflict_choose": (
            "Pilih salah satu: --keep mine, --keep theirs atau --value TEKS.",
            "Choose one: --keep mine, --keep theirs or --value TEXT.",
        ),
        "conflict_no_value_for_delete": (
            "Konflik hapus/ubah hanya dapat diselesaikan dengan --keep mine atau --keep theirs.",
            "A delete/edit conflict can only be resolved with --keep mine or --keep theirs.",
        ),
        "conflict_bad_value": (
            "Nilai tidak valid untuk {field}: {value}",
            "Invalid value for {field}: {value}",
        ),
    }
)

_SELECT = """
SELECT k.*, coalesce(c.case_number,
                     (SELECT c2.case_number FROM cases c2 WHERE c2.person_id = k.row_id AND c2.deleted = 0 LIMIT 1))
       AS case_number
FROM conflicts k LEFT JOIN cases c ON c.id = k.case_id
"""


def _decode(raw: str | None) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _describe(store: Store, row: dict[str, Any]) -> dict[str, Any]:
    mine_is_device = row["device_user"] == store.user.username
    device, server = _decode(row["device_value"]), _decode(row["server_value"])
    return {
        "id": row["id"],
        "case_id": row["case_id"],
        "case_number": row["case_number"],
        "table": row["table_name"],
        "row_id": row["row_id"],
        "field": row["field"],
        "my_value": device if mine_is_device else server,
        "their_value": server if mine_is_device else device,
        "their_user": row["server_user"] if mine_is_device else row["device_user"],
        "their_at": row["server_at"] if mine_is_device else row["device_at"],
        "mine_is_device": mine_is_device,
        "server_value": server,
        "device_value": device,
        "server_user": row["server_user"],
        "server_at": row["server_at"],
        "device_user": row["device_user"],
        "device_at": row["device_at"],
        "status": row["status"],
        "created_at": row["created_at"],
    }


def list_conflicts(
    store: Store, case_id: str | None = None, include_resolved: bool = False
) -> list[dict[str, Any]]:
    """Open conflicts (newest first), optionally of one case."""
    where = ["k.deleted = 0"]
    params: list[Any] = []
    if not include_resolved:
        where.append("k.status = 'open'")
    if case_id:
        where.append("k.case_id = ?")
        params.append(case_id)
    rows = store.query(
        _SELECT + " WHERE " + " AND ".join(where) + " ORDER BY k.created_at DESC, k.id", params
    )
    return [_describe(store, r) for r in rows]


def get_conflict(store: Store, conflict_id: str) -> dict[str, Any]:
    rows = store.query(_SELECT + " WHERE k.id = ?", [conflict_id])
    if not rows:
        raise NotFound(f"conflict {conflict_id}")
    return _describe(store, rows[0])


def _coerce(table: str, name: str, text: str) -> Any:
    kind = {**COMMON, **TABLES[table]}.get(name, str)
    if kind is str:
        return text
    if text.strip() == "":
        return None
    try:
        return kind(text)
    except ValueError:
        raise KnownError("conflict_bad_value", field=name, value=text) from None


def resolve_conflict(store: Store, conflict_id: str, keep: str | None = None, value: Any = None) -> str:
    """Resolve with keep="mine"|"theirs", or with `value` (a new value; text is converted to the column's type).
    Returns the resolution written (keep_device, keep_server or edited)."""
    c = get_conflict(store, conflict_id)
    if c["status"] != "open":
        raise KnownError("conflict_not_open", id=conflict_id)
    if (keep is None) == (value is None) or keep not in (None, "mine", "theirs"):
        raise KnownError("conflict_choose")
    if keep is not None:
        keep_device = (keep == "mine") == c["mine_is_device"]
        resolution = "keep_device" if keep_device else "keep_server"
    else:
        resolution = "edited"
    table, row_id, name = c["table"], c["row_id"], c["field"]
    with store.transaction():
        repo.update(
            store,
            "conflicts",
            conflict_id,
            {"status": "resolved", "resolution": resolution, "resolved_by": store.user.username,
             "resolved_at": now_iso()},
        )  # fmt: skip
        if table not in TABLES or store.one(f"SELECT id FROM {table} WHERE id = ?", [row_id]) is None:
            return resolution  # the record is not on this device (left its scope): only the decision travels
        if name == "deleted":
            _resolve_deletion(store, c, resolution)
        elif resolution == "edited":
            chosen = _coerce(table, name, value) if isinstance(value, str) else value
            repo.update(store, table, row_id, {name: chosen})
        else:
            repo.update(
                store,
                table,
                row_id,
                {name: c["device_value" if resolution == "keep_device" else "server_value"]},
            )
    return resolution


def _resolve_deletion(store: Store, c: dict[str, Any], resolution: str) -> None:
    """Delete versus edit: the server value says whether the server deleted the row (1) or edited it (0)."""
    if resolution == "edited":
        raise KnownError("conflict_no_value_for_delete")
    table, row_id = c["table"], c["row_id"]
    server_deleted = c["server_value"] == 1
    current = repo.get_row(store, table, row_id)
    if server_deleted:
        if resolution == "keep_device":  # bring the row back with the edits that were set aside
            edits = c["device_value"] if isinstance(c["device_value"], dict) else {}
            columns = TABLES[table]
            changes = {k: v for k, v in edits.items() if k in columns}
            syncstate.undelete(store, table, row_id, changes)
        elif not current["deleted"]:
            repo.delete(store, table, row_id)
    elif resolution == "keep_device":  # this device deleted it, the other edited: delete after all
        repo.delete(store, table, row_id)
    elif current["deleted"]:
        syncstate.undelete(store, table, row_id)
