"""bulk_insert writes what repository.insert writes: the row, its outbox entry and its audit entry."""

from __future__ import annotations

import json
import uuid

import pytest

from caseworker.store import bulk, cases, queries, repository


def _outbox(store, row_id):
    return store.one("SELECT * FROM outbox WHERE row_id = ?", [row_id])


def test_bulk_rows_match_single_inserts(store):
    pid = cases.register_person(store, {"name": "Siti Aminah", "birth_date": "2015-03-12", "sex": "P"}).id
    case_id = cases.open_case(store, pid, "02")
    note = {"case_id": case_id, "noted_at": "2026-01-05T02:00:00Z", "kind": "visit", "text": "Kunjungan rumah.",
            "confidential": 0}  # fmt: skip
    single = repository.insert(store, "notes", dict(note))
    with store.transaction():
        ids = bulk.bulk_insert(store, "notes", [dict(note), {**note, "text": "Telepon ibu.", "kind": "call"}])
    assert len(ids) == 2
    one, many = _outbox(store, single), _outbox(store, ids[0])
    assert json.loads(many["fields"]).keys() == json.loads(one["fields"]).keys()
    assert (many["op"], many["base_version"], many["schema_version"]) == ("insert", 0, one["schema_version"])
    assert many["hlc"] > one["hlc"] and _outbox(store, ids[1])["hlc"] > many["hlc"]
    audit = store.one("SELECT * FROM audit WHERE row_id = ?", [ids[1]])
    assert (audit["action"], audit["case_id"], audit["user"]) == ("create", case_id, "ani")
    row = repository.get_row(store, "notes", ids[1])
    assert row["text"] == "Telepon ibu." and row["deleted"] == 0 and row["version"] == 0
    index = queries.case_rows(store, [case_id])[case_id]
    assert index["last_contact"] == "2026-01-05T02:00:00Z"  # touched cases were reindexed at commit


def test_bulk_keeps_given_dates_and_authors(store):
    rows = [{"name": "Painem", "created_at": "2025-02-01T03:00:00Z", "created_by": "budi"}]
    (pid,) = bulk.bulk_insert(store, "persons", rows)
    person = repository.get_row(store, "persons", pid)
    assert (person["created_at"], person["updated_by"]) == ("2025-02-01T03:00:00Z", "budi")
    audit = store.one("SELECT * FROM audit WHERE row_id = ?", [pid])
    assert (audit["at"], audit["user"]) == ("2025-02-01T03:00:00Z", "budi")
    assert _outbox(store, pid)["created_by"] == "ani"  # queued now, by the signed-in user


def test_bulk_refuses_unknown_columns_and_writes_nothing(store):
    before = store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    with pytest.raises(ValueError, match="nmae"):
        bulk.bulk_insert(store, "persons", [{"nmae": "Typo"}])
    assert store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == before


def test_uuid7_many_are_valid_unique_v7():
    ids = bulk.uuid7_many(2000)
    parsed = [uuid.UUID(i) for i in ids]
    assert len(set(ids)) == 2000
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    assert all(str(u) == i for u, i in zip(parsed, ids, strict=True))
