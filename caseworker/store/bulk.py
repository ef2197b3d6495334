"""Bulk writes for loads of many rows at once (demo data, imports): the same row + outbox + audit triple as
`repository.insert`, at a fraction of the cost per row.

The rows go in with one `executemany`; their outbox and audit entries are then made by SQLite itself from
the rows just written (`INSERT ... SELECT`, the outbox fields with `json_object`), which saves encoding
JSON in Python, the slow part on a small machine. The caller may wrap several calls in one
`store.transaction()` so that a case and its records commit together or not at all; touched cases get
their list row and search entry rebuilt before that commit (unless the caller rebuilds them itself).
"""

from __future__ import annotations

import os
import time
from typing import Any

from caseworker.store.ids import now_iso
from caseworker.store.schema import COMMON, SCHEMA_VERSION, TABLES
from caseworker.store.store import Store

_COLUMNS: dict[str, tuple[str, ...]] = {t: (*COMMON, *cols) for t, cols in TABLES.items()}

# A UUIDv7 made by SQLite for each outbox entry: the given time prefix, version 7, random bits, variant 10.
_SQL_UUID7 = (
    "printf('%s-7%03x-%x%03x-%012x', :ts, random() & 4095, 8 + (random() & 3), random() & 4095,"
    " random() & 281474976710655)"
)


def _time_prefix() -> str:
    ts = f"{(time.time_ns() // 1_000_000) & ((1 << 48) - 1):012x}"
    return f"{ts[:8]}-{ts[8:]}"


def uuid7_many(n: int) -> list[str]:
    """`n` UUIDv7 strings from one clock reading and one urandom call (ids.uuid7 costs ~4x more per id).

    Same layout as ids.uuid7: 48-bit millisecond time, version 7, 12 random bits, variant 10, 62 random bits.
    """
    if n <= 0:
        return []
    head = _time_prefix() + "-7"
    raw = os.urandom(10 * n).hex()
    variant = dict(zip("0123456789abcdef", "89ab" * 4, strict=True))
    return [
        f"{head}{raw[i:i + 3]}-{variant[raw[i + 3]]}{raw[i + 4:i + 7]}-{raw[i + 7:i + 19]}"
        for i in range(0, 20 * n, 20)
    ]  # fmt: skip


def _check_columns(table: str, rows: list[dict[str, Any]]) -> None:
    allowed = set(_COLUMNS[table])
    unknown = sorted({k for row in rows for k in row} - allowed)
    if unknown:
        raise ValueError(f"unknown columns for {table}: {unknown}")


def bulk_insert(
    store: Store, table: str, rows: list[dict[str, Any]], *, touch: bool = True, check: bool = True
) -> list[str]:
    """Insert `rows` (dicts of schema columns) into a synced table with one outbox and one audit entry each.

    Missing common columns are filled: a fresh UUIDv7 `id`, `created_at/updated_at` now, `created_by/
    updated_by` the signed-in user, `deleted` 0, `version` 0. Given ones are kept, so a load may date a
    note to the visit it records; the audit entry is dated and signed like the row, the outbox entry is
    queued now by the signed-in user. Outbox fields hold the row's non-null columns except `version`
    (as `repository.insert` writes them). With `touch`, the cases the rows belong to are reindexed before
    the transaction commits. Returns the ids in the order of `rows` (and sets `id` on each dict).
    """
    if not rows:
        return []
    if table not in _COLUMNS:
        raise ValueError(f"not a synced table: {table}")
    if check:
        _check_columns(table, rows)
    now, me = now_iso(), store.user.username
    fresh = iter(uuid7_many(sum(1 for r in rows if not r.get("id"))))
    # Rows grouped by the columns they set, so each group's outbox fields name just those (as insert does).
    groups: dict[tuple[str, ...], list[tuple]] = {}
    for row in rows:
        if not row.get("id"):
            row["id"] = next(fresh)
        full = {
            "deleted": 0,
            "created_at": now,
            "created_by": me,
            **{k: v for k, v in row.items() if v is not None},
        }
        full.setdefault("updated_at", full["created_at"])
        full.setdefault("updated_by", full["created_by"])
        full["version"] = full.pop("version", 0)  # last: written, but not an outbox field
        key = tuple(full)
        groups.setdefault(key, []).append(tuple(full.values()))
    with store.transaction() as txn:
        for columns, values in groups.items():
            _write_group(store, txn.txn_id, table, columns, values, now)
        if touch:
            txn.touched_cases.update(_touched_cases(store, table, rows))
    return [r["id"] for r in rows]


def _write_group(store: Store, txn_id: str, table: str, columns: tuple[str, ...], values: list[tuple],
                 now: str) -> None:  # fmt: skip
    conn = store.conn
    before = conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", values
    )
    # The new rows took the rowids after `before`, in order (we hold the write lock): the clock counts by them.
    fields = ", ".join(f"'{c}', {c}" for c in columns if c != "version")
    conn.execute(
        "INSERT INTO outbox (mutation_id, txn_id, table_name, row_id, op, fields, base_version, hlc,"
        f" schema_version, created_at, created_by) SELECT {_SQL_UUID7}, :txn, :table, id, 'insert',"
        f" json_object({fields}), 0, printf('%s-%06d-%s', :now, :hlc + rowid - :before, :device), :schema,"
        f" :now, :me FROM {table} WHERE rowid > :before ORDER BY rowid",
        {"ts": _time_prefix(), "txn": txn_id, "table": table, "now": now, "hlc": store.hlc_counter,
         "before": before, "device": store.device_id[-8:], "schema": SCHEMA_VERSION, "me": store.user.username},
    )  # fmt: skip
    case_expr = "id" if table == "cases" else ("case_id" if "case_id" in TABLES[table] else "NULL")
    conn.execute(
        "INSERT INTO audit (at, user, action, table_name, row_id, case_id, details)"
        f" SELECT created_at, created_by, 'create', ?, id, {case_expr}, '{{}}' FROM {table}"
        " WHERE rowid > ? ORDER BY rowid",
        [table, before],
    )
    store.hlc_counter += len(values)


def _touched_cases(store: Store, table: str, rows: list[dict[str, Any]]) -> set[str]:
    if table == "cases":
        return {r["id"] for r in rows}
    if table == "persons":
        ids = [r["id"] for r in rows]
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0] for r in store.conn.execute(f"SELECT id FROM cases WHERE person_id IN ({marks})", chunk)
            )
        return found
    return {r["case_id"] for r in rows if r.get("case_id")}


def index_new_cases(store: Store, case_ids: list[str]) -> None:
    """List rows, search entries and growth status for cases that have none yet (a bulk load): the same
    rows `indexing.reindex_cases` writes, without its per-case deletes. Call inside the loading transaction."""
    from caseworker.store import indexing
    from caseworker.store.growth_index import refresh_growth

    conn = store.conn
    with store.transaction():
        for start in range(0, len(case_ids), 500):
            chunk = case_ids[start : start + 500]
            rows = [r for r in indexing._rows(store.db, f"WHERE c.id IN ({','.join('?' * len(chunk))})", chunk)
                    if not r["deleted"]]  # fmt: skip
            conn.executemany(
                f"INSERT OR REPLACE INTO case_index ({indexing.INDEX_COLUMNS}) VALUES ({','.join('?' * 22)})",
                [indexing._index_values(r) for r in rows],
            )
            conn.executemany(
                "INSERT INTO case_search (rowid, case_id, names, ids, notes) VALUES (?,?,?,?,?)",
                [indexing._search_values(r) for r in rows],
            )
            refresh_growth(store.db, chunk)
