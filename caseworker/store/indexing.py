"""Derived, local-only indexes rebuilt from the synced tables: `case_index` (what the case list sorts
and filters on) and `case_search` (FTS5 over names, NIK, KK, case number and notes).

Rebuilt for the touched cases inside the writing transaction, so they are never stale.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

import sqlite_utils

from caseworker.domain.names import name_key
from caseworker.store.growth_index import refresh_growth
from caseworker.store.schema import CASE_RECORDS


def fold(text: str | None) -> str:
    """Lower case without diacritics: the sort key for names."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


_LAST_RECORD = " UNION ALL ".join(
    f"SELECT max(updated_at) AS u FROM {t} WHERE case_id = c.id" for t in CASE_RECORDS
)

_SELECT = f"""
SELECT c.rowid AS rowid, c.id, c.case_number, c.person_id, p.name, p.nickname, p.nik, p.no_kk, p.birth_date,
       p.sex, c.category_code, c.stage, c.status, c.risk, c.assigned_to, c.created_by, c.facility_code,
       c.opened_at, c.conflict, c.deleted, c.updated_at AS case_updated, p.updated_at AS person_updated,
       c.closed_at, c.last_contact_at,
       (SELECT min(due_date) FROM tasks t WHERE t.case_id = c.id AND t.done_at IS NULL AND t.deleted = 0)
           AS next_due,
       (SELECT max(noted_at) FROM notes n WHERE n.case_id = c.id AND n.deleted = 0) AS last_contact,
       (SELECT group_concat(text, ' ') FROM notes n WHERE n.case_id = c.id AND n.deleted = 0) AS notes_text,
       (SELECT max(u) FROM ({_LAST_RECORD})) AS record_updated
FROM cases c LEFT JOIN persons p ON p.id = c.person_id
"""

INDEX_COLUMNS = (
    "case_id, case_number, person_id, name, name_sort, nik, no_kk, birth_date, sex, category_code, stage, status,"
    " risk, assigned_to, created_by, facility_code, opened_at, next_due, last_contact, last_update, conflict, deleted"
)


def _rows(db: sqlite_utils.Database, where: str = "", params: Iterable[Any] = ()) -> Iterator[dict[str, Any]]:
    cursor = db.execute(_SELECT + where, list(params))
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(names, values, strict=True))


# Since schema v2 (migrations._v2): the case's rowid (its case_search key), the day it was closed and the
# day of its last contact. Writers naming only INDEX_COLUMNS (caseworker.store.bulk) get these filled by a
# trigger computing the same; ALL_INDEX_COLUMNS with all_index_values() writes them directly.
ALL_INDEX_COLUMNS = INDEX_COLUMNS + ", case_rowid, closed_on, contact_day"
_INSERT_INDEX = (
    f"INSERT OR REPLACE INTO case_index ({ALL_INDEX_COLUMNS})"
    f" VALUES ({','.join('?' * len(ALL_INDEX_COLUMNS.split(',')))})"
)


def all_index_values(r: dict[str, Any]) -> tuple:
    """The case_index row of one `_rows` row, in ALL_INDEX_COLUMNS order."""
    closed_on = r["closed_at"][:10] if r["closed_at"] is not None else None
    contact_day = max((r["last_contact"] or "")[:10], (r["last_contact_at"] or "")[:10], r["opened_at"] or "")
    return (*_index_values(r), r["rowid"], closed_on, contact_day)


def _index_values(r: dict[str, Any]) -> tuple:
    last_update = max(
        x for x in (r["case_updated"], r["person_updated"], r["record_updated"], "") if x is not None
    )
    return (
        r["id"], r["case_number"], r["person_id"], r["name"], fold(r["name"]), r["nik"], r["no_kk"],
        r["birth_date"], r["sex"], r["category_code"], r["stage"], r["status"], r["risk"], r["assigned_to"],
        r["created_by"], r["facility_code"], r["opened_at"], r["next_due"], r["last_contact"], last_update,
        r["conflict"] or 0, r["deleted"] or 0,
    )  # fmt: skip


def _search_values(r: dict[str, Any]) -> tuple:
    names = " ".join(
        x for x in (r["name"], r["nickname"], name_key(r["name"] or ""), name_key(r["nickname"] or "")) if x
    )
    number = r["case_number"] or ""
    ids = " ".join(x for x in (r["nik"], r["no_kk"], number, number.replace("-", "")) if x)
    return (r["rowid"], r["id"], names, ids, r["notes_text"] or "")


def _write(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> None:
    conn = db.conn
    for r in rows:
        conn.execute("DELETE FROM case_search WHERE rowid = ?", [r["rowid"]])
        if r["deleted"]:
            conn.execute("DELETE FROM case_index WHERE case_id = ?", [r["id"]])
            continue
        conn.execute(_INSERT_INDEX, all_index_values(r))
        conn.execute(
            "INSERT INTO case_search (rowid, case_id, names, ids, notes) VALUES (?,?,?,?,?)",
            _search_values(r),
        )


def reindex_cases(db: sqlite_utils.Database, case_ids: Iterable[str]) -> None:
    ids = list(case_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = list(_rows(db, f"WHERE c.id IN ({','.join('?' * len(chunk))})", chunk))
        _write(db, rows)
        refresh_growth(db, chunk)
        found = {r["id"] for r in rows}
        for missing in set(chunk) - found:  # removed from the device (left scope)
            db.conn.execute("DELETE FROM case_index WHERE case_id = ?", [missing])
            db.conn.execute("DELETE FROM case_search WHERE case_id = ?", [missing])


def rebuild_all(db: sqlite_utils.Database) -> None:
    """Rebuild both indexes from scratch (bulk loads, repair). Call inside a transaction."""
    db.conn.execute("DELETE FROM case_index")
    db.conn.execute("DELETE FROM case_search")
    _write(db, _rows(db))
    refresh_growth(db)
