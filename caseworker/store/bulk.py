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
from operator import itemgetter
from typing import Any

from caseworker.store.ids import now_iso
from caseworker.store.schema import CASE_RECORDS, COMMON, DATA_VERSION, TABLES
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
    the transaction commits. Returns the ids in the order of `rows` (and completes each dict in place:
    `id` and the common columns set).
    """
    if not rows:
        return []
    if table not in _COLUMNS:
        raise ValueError(f"not a synced table: {table}")
    if check:
        _check_columns(table, rows)
    complete_rows(rows, now_iso(), store.user.username)
    with store.transaction() as txn:
        write_groups(store, table, group_rows(rows))
        if touch:
            txn.touched_cases.update(_touched_cases(store, table, rows))
    return [r["id"] for r in rows]


def complete_rows(rows: list[dict[str, Any]], now: str, user: str) -> None:
    """Fill the common columns a row leaves out, in place: a fresh `id`, `created_at/updated_at` = `now`
    (`updated_at` = the given `created_at` if there is one), `created_by/updated_by` = `user` (or the given
    author), `deleted` 0, `version` 0."""
    fresh = iter(uuid7_many(sum(1 for r in rows if not r.get("id"))))
    for row in rows:
        if not row.get("id"):
            row["id"] = next(fresh)
        if row.get("deleted") is None:
            row["deleted"] = 0
        if row.get("created_at") is None:
            row["created_at"] = now
        if row.get("created_by") is None:
            row["created_by"] = user
        if row.get("updated_at") is None:
            row["updated_at"] = row["created_at"]
        if row.get("updated_by") is None:
            row["updated_by"] = row["created_by"]
        if row.get("version") is None:
            row["version"] = 0


Groups = list[tuple[tuple[str, ...], list[tuple]]]


def _columns_of(row: dict[str, Any]) -> tuple[str, ...]:
    """The columns a row sets (not null), in its order."""
    return tuple(row) if None not in row.values() else tuple(k for k, v in row.items() if v is not None)


def group_rows(rows: list[dict[str, Any]]) -> Groups:
    """Completed rows as (columns, value tuples) groups, one per set of non-null columns (each group's
    outbox fields name just those, as `repository.insert` does), in the order the groups first appear."""
    groups: dict[tuple[str, ...], tuple[Any, list[tuple]]] = {}
    for row in rows:
        keys = _columns_of(row)
        group = groups.get(keys)
        if group is None:
            group = groups[keys] = (itemgetter(*keys), [])
        group[1].append(group[0](row))
    return [(columns, values) for columns, (_, values) in groups.items()]


def write_groups(store: Store, table: str, groups: Groups) -> int:
    """Write grouped rows (`group_rows`) with their outbox and audit entries; returns the table's largest
    rowid before (the rows took the rowids after it, group by group, in order)."""
    now = now_iso()
    first = None
    with store.transaction() as txn:
        for columns, values in groups:
            before = _write_group(store, txn.txn_id, table, columns, values, now)
            first = before if first is None else first
    return first if first is not None else 0


def _write_group(store: Store, txn_id: str, table: str, columns: tuple[str, ...], values: list[tuple],
                 now: str) -> int:  # fmt: skip
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
         "before": before, "device": store.device_id[-8:], "schema": DATA_VERSION, "me": store.user.username},
    )  # fmt: skip
    case_expr = "id" if table == "cases" else ("case_id" if "case_id" in TABLES[table] else "NULL")
    conn.execute(
        "INSERT INTO audit (at, user, action, table_name, row_id, case_id, details)"
        f" SELECT created_at, created_by, 'create', ?, id, {case_expr}, '{{}}' FROM {table}"
        " WHERE rowid > ? ORDER BY rowid",
        [table, before],
    )
    store.hlc_counter += len(values)
    return before


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


# --- index rows from rows held in memory ------------------------------------------------------------------
# A load that has just made its cases (the demo) holds every row `indexing._rows` would read back for them,
# so it can hand indexing's row builders (all_index_values, _search_values) the same input without the
# query; `growth_index.status_row` likewise. Keys of `_rows` rows and where they come from:
_CASE_KEYS = frozenset({"id", "case_number", "person_id", "category_code", "stage", "status", "risk", "assigned_to",
                        "created_by", "facility_code", "opened_at", "conflict", "deleted", "closed_at",
                        "last_contact_at"})  # fmt: skip
_PERSON_KEYS = frozenset({"name", "nickname", "nik", "no_kk", "birth_date", "sex"})
_DERIVED_KEYS = frozenset(
    {"rowid", "case_updated", "person_updated", "next_due", "last_contact", "notes_text", "record_updated"}
)


def index_row_keys(store: Store) -> tuple[str, ...] | None:
    """The keys of the rows `indexing._rows` reads, or None when it reads something `memory_index_rows`
    does not know how to supply (then index with `index_new_cases`, from the database)."""
    from caseworker.store import indexing

    cursor = store.conn.execute(indexing._SELECT + " WHERE 0")
    keys = tuple(d[0] for d in cursor.description)
    return keys if set(keys) <= _CASE_KEYS | _PERSON_KEYS | _DERIVED_KEYS else None


def write_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` in the order `group_rows` + `write_groups` give them rowids (group by group)."""
    first: dict[tuple[str, ...], int] = {}
    keyed = [(first.setdefault(_columns_of(r), len(first)), i) for i, r in enumerate(rows)]
    if len(first) == 1:
        return list(rows)
    return [rows[i] for _, i in sorted(keyed)]


def memory_index_rows(
    keys: tuple[str, ...], rows: dict[str, list[dict[str, Any]]], first_rowid: int
) -> list[dict[str, Any]] | None:
    """What `indexing._rows` reads for the new cases in `rows` (completed rows per table, every row of those
    cases among them), when the cases get rowids from `first_rowid` on in `write_order`. None if a case's
    person is not among `rows` (index from the database then)."""
    persons = {p["id"]: p for p in rows.get("persons", ())}
    cases = write_order(rows.get("cases", []))
    info: dict[str, dict[str, Any]] = {
        c["id"]: {"next_due": None, "last_contact": None, "notes": [], "record_updated": None} for c in cases
    }
    for table in CASE_RECORDS:
        for r in rows.get(table, ()):
            i = info.get(r.get("case_id"))  # type: ignore[arg-type]
            if i is not None and r.get("updated_at") is not None:
                if i["record_updated"] is None or r["updated_at"] > i["record_updated"]:
                    i["record_updated"] = r["updated_at"]
    for t in rows.get("tasks", ()):
        i = info.get(t.get("case_id"))  # type: ignore[arg-type]
        if (
            i is not None
            and t.get("done_at") is None
            and not t.get("deleted")
            and t.get("due_date") is not None
        ):
            if i["next_due"] is None or t["due_date"] < i["next_due"]:
                i["next_due"] = t["due_date"]
    for n in write_order(rows.get("notes", [])):
        i = info.get(n.get("case_id"))  # type: ignore[arg-type]
        if i is None or n.get("deleted"):
            continue
        if n.get("noted_at") is not None and (i["last_contact"] is None or n["noted_at"] > i["last_contact"]):
            i["last_contact"] = n["noted_at"]
        if n.get("text") is not None:
            i["notes"].append(n["text"])
    out = []
    for rowid, c in enumerate(cases, start=first_rowid):
        p = persons.get(c.get("person_id"))  # type: ignore[arg-type]
        if p is None:
            return None
        i = info[c["id"]]
        derived = {
            "rowid": rowid, "case_updated": c.get("updated_at"), "person_updated": p.get("updated_at"),
            "next_due": i["next_due"], "last_contact": i["last_contact"],
            "notes_text": " ".join(i["notes"]) if i["notes"] else None, "record_updated": i["record_updated"],
        }  # fmt: skip
        out.append({k: derived[k] if k in derived else (p if k in _PERSON_KEYS else c).get(k) for k in keys})
    return out


def memory_growth_rows(rows: dict[str, list[dict[str, Any]]]) -> list[tuple]:
    """The growth_status rows `growth_index.refresh_growth` would write for the cases in `rows`."""
    from caseworker.store.growth_index import status_row

    persons = {p["id"]: p for p in rows.get("persons", ())}
    cases = {c["id"]: c for c in rows.get("cases", ())}
    by_case: dict[str, list[dict[str, Any]]] = {}
    for m in rows.get("measurements", ()):
        if not m.get("deleted") and m.get("case_id") in cases:
            by_case.setdefault(m["case_id"], []).append(m)
    out = []
    for case_id, ms in by_case.items():
        p = persons.get(cases[case_id].get("person_id"), {})  # type: ignore[arg-type]
        row = status_row(case_id, {"birth_date": p.get("birth_date"), "sex": p.get("sex")}, ms)
        if row is not None:
            out.append(row)
    return out


def write_index_rows(store: Store, index: list[tuple], search: list[tuple], growth: list[tuple]) -> None:
    """Write case_index rows (`indexing.all_index_values`), case_search entries (`indexing._search_values`)
    and growth_status rows (`growth_index.status_row`) of new cases. Call inside the loading transaction."""
    from caseworker.store import indexing
    from caseworker.store.growth_index import CREATE

    columns = indexing.ALL_INDEX_COLUMNS
    with store.transaction():
        conn = store.conn
        conn.executemany(
            f"INSERT OR REPLACE INTO case_index ({columns}) VALUES ({','.join('?' * len(columns.split(',')))})",
            index,
        )
        conn.executemany(
            "INSERT INTO case_search (rowid, case_id, names, ids, notes) VALUES (?,?,?,?,?)", search
        )
        conn.execute(CREATE)
        conn.executemany("INSERT OR REPLACE INTO growth_status VALUES (?,?,?,?,?,?)", growth)
