"""The bulk writer of pulled pages (caseworker.sync.apply): its index pass writes what the store's own
per-case indexing writes, and a pulled page with its cursor is one transaction."""

from __future__ import annotations

import pytest

from caseworker.store import cases, indexing, syncstate
from caseworker.store.store import Store
from caseworker.sync import apply
from caseworker.sync import protocol as p


def _derived(store: Store) -> tuple[list, list, list]:
    index = store.conn.execute("SELECT * FROM case_index ORDER BY case_id").fetchall()
    search = store.conn.execute(
        "SELECT rowid, case_id, names, ids, notes FROM case_search ORDER BY rowid"
    ).fetchall()
    growth = store.conn.execute("SELECT * FROM growth_status ORDER BY case_id").fetchall()
    return index, search, growth


def _some_cases(store: Store) -> list[str]:
    ids = []
    for i, name in enumerate(["Bayi Melati", "Adi Nugroho", "Siti Ärni", "Putra"]):
        person = cases.register_person(store, {"name": name, "sex": "P", "birth_date": "2025-03-01"}).id
        case_id = cases.open_case(store, person, "01")
        cases.add_note(store, case_id, f"Kunjungan rumah {i}")
        cases.add_record(
            store,
            "measurements",
            case_id,
            {"measured_at": "2026-01-05", "weight_kg": 7.5 + i, "length_cm": 66.0},
        )
        ids.append(case_id)
    cases.add_record(store, "tasks", ids[0], {"title": "Kunjungan ulang", "due_date": "2026-11-01"})
    with store.transaction():
        store.conn.execute("UPDATE cases SET deleted = 1 WHERE id = ?", [ids[3]])
    return ids


def test_bulk_reindex_writes_what_reindex_cases_writes(store: Store) -> None:
    ids = _some_cases(store)
    with store.transaction():
        indexing.reindex_cases(store.db, ids)
    expected = _derived(store)
    assert len(expected[0]) == 3 and len(expected[1]) == 3  # the deleted case is in neither
    with store.transaction():
        for table in ("case_index", "case_search", "growth_status"):
            store.conn.execute(f"DELETE FROM {table}")
        apply.reindex_cases(store, ids)  # a first index
    assert _derived(store) == expected
    with store.transaction():
        apply.reindex_cases(store, ids)  # over existing entries
    assert _derived(store) == expected
    with store.transaction():  # a case leaves the device: its entries go with it
        store.conn.execute("DELETE FROM cases WHERE id = ?", [ids[1]])
        apply.reindex_cases(store, [ids[1], "never-here"])
    index, search, _ = _derived(store)
    assert ids[1] not in {r[0] for r in index} and ids[1] not in {r[1] for r in search}
    assert len(index) == len(search) == 2


def test_a_page_and_its_cursor_commit_together(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    syncstate.ensure_tables(store)
    row = {"id": "c-1", "person_id": "p-1", "facility_code": "SDA", "case_number": "SDA-26-AAAAAA",
           "status": "open", "deleted": 0, "version": 1}  # fmt: skip
    page = [p.Change(seq=7, table="cases", row_id="c-1", op="upsert", row=row, version=1)]

    def broken(*_args: object) -> None:
        raise RuntimeError("disk full (test)")

    monkeypatch.setattr(apply, "reindex_cases", broken)
    with pytest.raises(RuntimeError):
        apply.apply_page(store, page, 7)
    assert syncstate.cursor(store) == 0
    assert store.one("SELECT id FROM cases WHERE id = 'c-1'") is None
    monkeypatch.undo()
    assert apply.apply_page(store, page, 7) == 1
    assert syncstate.cursor(store) == 7
    assert store.one("SELECT case_id FROM case_index WHERE case_id = 'c-1'") is not None
