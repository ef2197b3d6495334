"""The duplicate-person queue and merging.

Candidates: two persons with the same NIK (e.g. registered on two laptops offline and met after sync), or
similar names (Indonesian spelling variants) with birth dates within a month. A supervisor merges a pair
(keeping every record of both) or marks it as two different people.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from caseworker import i18n
from caseworker.domain.names import name_key, similar_names
from caseworker.errors import KnownError, NotAllowed
from caseworker.store import repository as repo
from caseworker.store.store import Store
from caseworker.store.values import day_of

i18n.register(
    {
        "perm_merge": ("menggabungkan data orang (hanya supervisor)", "merge persons (supervisors only)"),
        "merge_same": (
            "Tidak bisa menggabungkan orang dengan dirinya sendiri.",
            "A person cannot be merged with itself.",
        ),
    }
)

PERSON_FIELDS = (
    "nickname", "nik", "no_kk", "birth_date", "birthplace", "address", "region_code", "phone", "disabilities",
    "guardian_name", "guardian_relation", "guardian_phone", "legal_basis", "dtsen_desil", "dtsen_checked_at",
)  # fmt: skip


def _decided_pairs(store: Store) -> set[frozenset[str]]:
    rows = store.conn.execute("SELECT person_id, other_person_id FROM duplicate_decisions WHERE deleted = 0")
    return {frozenset(r) for r in rows}


def candidates(store: Store, limit: int = 200) -> list[dict[str, Any]]:
    """Pairs that may be the same person, strongest first: same NIK, then similar name and birth date."""
    decided = _decided_pairs(store)
    persons = store.query(
        "SELECT id, name, nik, birth_date, sex, region_code, created_by, created_at FROM persons WHERE deleted = 0"
    )
    by_id = {p["id"]: p for p in persons}
    pairs: dict[frozenset[str], str] = {}
    by_nik: dict[str, list[str]] = defaultdict(list)
    blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for p in persons:
        if p["nik"]:
            by_nik[p["nik"]].append(p["id"])
        key = name_key(p["name"])
        if key and p["birth_date"]:
            # Blocking keeps this linear: only names with the same first two letters and birth year meet.
            blocks[(key[:2], p["birth_date"][:4])].append(p["id"])
    for ids in by_nik.values():
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pairs[frozenset((a, b))] = "same_nik"
    for ids in blocks.values():
        for i, a in enumerate(ids):
            pa = by_id[a]
            for b in ids[i + 1 :]:
                pb = by_id[b]
                pair = frozenset((a, b))
                if pair in pairs or (pa["nik"] and pb["nik"] and pa["nik"] != pb["nik"]):
                    continue
                born_a, born_b = day_of(pa["birth_date"]), day_of(pb["birth_date"])
                if born_a is None or born_b is None:
                    continue
                if abs((born_a - born_b).days) <= 31 and similar_names(pa["name"], pb["name"]):
                    pairs[pair] = "similar_name"
    out = []
    for pair, reason in pairs.items():
        if pair in decided:
            continue
        a, b = sorted(pair, key=lambda pid: (by_id[pid]["created_at"] or "", pid))
        out.append({"reason": reason, "person": by_id[a], "other": by_id[b]})
    out.sort(key=lambda c: (c["reason"] != "same_nik", c["person"]["name"] or ""))
    return out[:limit]


def _a_case_of(store: Store, person_id: str) -> str | None:
    row = store.one(
        "SELECT id FROM cases WHERE person_id = ? AND deleted = 0 ORDER BY opened_at LIMIT 1", [person_id]
    )
    return row["id"] if row else None


def mark_different(store: Store, person_id: str, other_person_id: str) -> None:
    if not store.user.is_supervisor:
        raise NotAllowed(i18n.text("perm_merge"))
    repo.insert(
        store,
        "duplicate_decisions",
        {"case_id": _a_case_of(store, person_id), "person_id": person_id, "other_person_id": other_person_id,
         "decision": "different"},
    )  # fmt: skip


def merge(store: Store, keep_id: str, merge_id: str) -> None:
    """Fold `merge_id` into `keep_id`: every case, relation and measurement moves over, empty fields of the
    kept person are filled from the other, and the other becomes a tombstone. Nothing is deleted."""
    if not store.user.is_supervisor:
        raise NotAllowed(i18n.text("perm_merge"))
    if keep_id == merge_id:
        raise KnownError("merge_same")
    with store.transaction():
        keep = repo.get_row(store, "persons", keep_id)
        other = repo.get_row(store, "persons", merge_id)
        fill = {
            f: other[f] for f in PERSON_FIELDS if other.get(f) not in (None, "") and keep.get(f) in (None, "")
        }
        if fill.get("nik") and store.one(
            "SELECT id FROM persons WHERE nik = ? AND id != ?", [fill["nik"], merge_id]
        ):
            del fill["nik"]  # that NIK belongs to a third person: leave it for a person to sort out
        if fill:
            repo.update(store, "persons", keep_id, fill, action="merge_fill")
        moved: dict[str, list[str]] = {}
        for table, column in (("cases", "person_id"), ("relations", "person_id"),
                              ("relations", "related_person_id"), ("measurements", "person_id")):  # fmt: skip
            ids = [r[0] for r in store.conn.execute(
                f"SELECT id FROM {table} WHERE {column} = ? AND deleted = 0", [merge_id])]  # fmt: skip
            for row_id in ids:
                repo.update(store, table, row_id, {column: keep_id}, action="merge_move")
            moved[f"{table}.{column}"] = ids
        repo.delete(store, "persons", merge_id)
        repo.insert(
            store,
            "duplicate_decisions",
            {"case_id": _a_case_of(store, keep_id), "person_id": keep_id, "other_person_id": merge_id,
             "decision": "merged"},
        )  # fmt: skip
        repo.audit(store, "merge_persons", "persons", keep_id, None,
                   {"kept": keep_id, "merged": merge_id, "moved": {k: len(v) for k, v in moved.items()}})  # fmt: skip
