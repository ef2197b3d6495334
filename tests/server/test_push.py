"""Push: idempotency, replayed and reordered batches, rights, validation, outdated clients."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from caseworker.server.db import applied_mutations, changelog, max_seq
from caseworker.store.schema import DATA_VERSION
from tests.server.helpers import (
    Device,
    by_row,
    case_insert,
    mutation,
    new_case,
    new_id,
    note_insert,
    person_insert,
)


def _count(db, table) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_retried_push_is_a_duplicate_with_the_first_result(client, world):
    ani = Device(client, "ani")
    person_id, case_id = new_id(), new_id()
    batch = [person_insert(person_id), case_insert(case_id, person_id)]
    first = ani.push(*batch)
    assert [r["status"] for r in first] == ["applied", "applied"]
    seq_after_first, rows_after_first = max_seq_of(world), _count(world, changelog)
    again = ani.push(*batch)  # the response was lost: the client sends the same batch again
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert [r["original_status"] for r in again] == ["applied", "applied"]
    assert [r["version"] for r in again] == [r["version"] for r in first]
    assert max_seq_of(world) == seq_after_first  # no second changelog entry
    assert _count(world, changelog) == rows_after_first
    assert _count(world, applied_mutations) == 2


def max_seq_of(db) -> int:
    with db.read() as conn:
        return max_seq(conn)


def test_a_mutation_repeated_inside_one_batch_is_applied_once(client, world):
    ani = Device(client, "ani")
    person = person_insert(new_id())
    results = ani.push(person, person)
    assert [r["status"] for r in results] == ["applied", "duplicate"]


def test_reordered_batches_child_before_parent(client, world):
    ani = Device(client, "ani")
    person_id, case_id, note_id = new_id(), new_id(), new_id()
    parent_batch = [person_insert(person_id), case_insert(case_id, person_id)]
    child_batch = [note_insert(note_id, case_id)]
    assert ani.push(*child_batch)[0]["status"] == "applied"  # the note arrives before its case
    assert [r["status"] for r in ani.push(*parent_batch)] == ["applied", "applied"]
    assert [r["status"] for r in ani.push(*child_batch, *parent_batch)] == ["duplicate"] * 3
    budi = Device(client, "budi")  # a colleague in the same facility receives the case with its note
    rows = by_row(budi.pull_all())
    assert {("persons", person_id), ("cases", case_id), ("notes", note_id)} <= set(rows)


def test_orphan_child_follows_its_case_into_another_scope(client, world):
    wati = Device(client, "wati")  # MLG: worker_scope=assigned
    yoga = Device(client, "yoga")
    rina = Device(client, "rina")
    person_id, case_id, note_id = new_id(), new_id(), new_id()
    assert wati.push(note_insert(note_id, case_id, by="wati"))[0]["status"] == "applied"
    assert yoga.pull_all() == []
    results = rina.push(
        person_insert(person_id, "MLG", by="rina"),
        case_insert(case_id, person_id, "MLG", assigned_to="wati", by="rina"),
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert {("cases", case_id), ("notes", note_id), ("persons", person_id)} <= set(by_row(wati.pull_all()))
    reassign = mutation(
        "cases", case_id, "update", {"assigned_to": "yoga"}, {"assigned_to": "wati"}, 1, by="rina"
    )
    assert rina.push(reassign)[0]["status"] == "applied"
    assert {("cases", case_id), ("notes", note_id), ("persons", person_id)} <= set(by_row(yoga.pull_all()))


def test_a_record_sent_before_its_case_does_not_follow_a_case_its_writer_may_not_write(client, world):
    """A record naming a case id the server does not know yet is kept; if the case then comes from a
    writer whose case the record's writer may not change, the record stays out of that case's scope."""
    wati, yoga, rina = Device(client, "wati"), Device(client, "yoga"), Device(client, "rina")
    person_id, case_id, note_id = new_id(), new_id(), new_id()
    assert wati.push(note_insert(note_id, case_id, by="wati", text_="sisipan"))[0]["status"] == "applied"
    rina.push(
        person_insert(person_id, "MLG", by="rina"),
        case_insert(case_id, person_id, "MLG", assigned_to="yoga", by="rina"),
    )
    got = by_row(yoga.pull_all())
    assert ("cases", case_id) in got and ("notes", note_id) not in got


def test_staff_and_admin_pushes_are_rejected(client, world):
    for user in ("tata", "root"):
        device = Device(client, user)
        result = device.push(person_insert(new_id(), by=user))[0]
        assert result["status"] == "rejected" and result["reason"] == "read_only_role"
    assert _count(world, changelog) == 0


def test_worker_cannot_reassign_or_approve_supervisor_can(client, world):
    ani, sri = Device(client, "ani"), Device(client, "sri")
    person_id, case_id = new_case(ani)
    reassign = mutation("cases", case_id, "update", {"assigned_to": "budi"}, {"assigned_to": "ani"}, 1)
    assert ani.push(reassign)[0]["reason"] == "reassign_not_allowed"
    assert sri.push({**reassign, "mutation_id": new_id()})[0]["status"] == "applied"
    assessment_id = new_id()
    fields = {
        "case_id": case_id,
        "form_id": "asesmen-balita",
        "review_status": "submitted",
        "created_by": "ani",
    }
    assert ani.push(mutation("assessments", assessment_id, "insert", fields))[0]["status"] == "applied"
    approve = mutation(
        "assessments",
        assessment_id,
        "update",
        {"review_status": "approved"},
        {"review_status": "submitted"},
        1,
    )
    assert ani.push(approve)[0]["reason"] == "decision_requires_supervisor"
    assert sri.push({**approve, "mutation_id": new_id()})[0]["status"] == "applied"


def test_worker_may_change_own_or_assigned_cases_only(client, world):
    ani, budi = Device(client, "ani"), Device(client, "budi")
    _, case_id = new_case(ani)
    edit = mutation("cases", case_id, "update", {"risk": "high"}, {"risk": "low"}, 1, by="budi")
    result = budi.push(edit)[0]
    assert result["status"] == "rejected" and result["reason"] == "not_allowed"
    # A note on a colleague's case is refused too; on one's own case it is fine.
    assert budi.push(note_insert(new_id(), case_id, by="budi"))[0]["reason"] == "not_allowed"
    assert ani.push(note_insert(new_id(), case_id))[0]["status"] == "applied"


def test_other_facility_rows_cannot_be_changed_or_created(client, world):
    ani, wati = Device(client, "ani"), Device(client, "wati")
    _, case_id = new_case(ani)
    edit = mutation("cases", case_id, "update", {"risk": "high"}, {"risk": "low"}, 1, by="wati")
    assert wati.push(edit)[0]["reason"] == "not_allowed"
    assert wati.push(note_insert(new_id(), case_id, by="wati"))[0]["reason"] == "not_allowed"
    foreign = case_insert(new_id(), new_id(), facility="SDA", assigned_to="wati", by="wati")
    assert wati.push(foreign)[0]["reason"] == "not_allowed"


def test_invalid_mutations_are_rejected_with_a_reason(client, world):
    ani = Device(client, "ani")
    person_id, case_id = new_case(ani)
    cases = [
        (mutation("nonsense", new_id(), "insert", {}), "unknown_table"),
        (mutation("persons", new_id(), "insert", {"colour": "red"}), "unknown_field"),
        (mutation("persons", new_id(), "insert", {"dtsen_desil": "tiga"}), "invalid_value"),
        (mutation("persons", person_id, "insert", {"name": "X"}), "row_exists"),
        (mutation("cases", new_id(), "update", {"risk": "high"}), "unknown_row"),
        (mutation("conflicts", new_id(), "insert", {"field": "risk"}), "server_managed"),
    ]
    results = ani.push(*(m for m, _ in cases))
    assert [r["reason"] for r in results] == [reason for _, reason in cases]
    assert all(r["status"] == "rejected" for r in results)


@pytest.mark.parametrize("old", [0, DATA_VERSION - 1])  # 1: a laptop from before form_definitions
def test_outdated_client_may_push_but_is_told_to_update(client, world, old: int):
    ani = Device(client, "ani")
    person_id = new_id()
    resp = ani.push_raw([person_insert(person_id)], schema_version=old)
    body = resp.json()
    assert resp.status_code == 200 and body["update_required"] is True
    assert body["results"][0]["status"] == "applied"  # its pending work is not lost
    page = ani.pull_page(schema_version=old)
    assert page["update_required"] is True and page["changes"] == []  # its cursor stays: nothing skipped
    assert ani.pull_page()["update_required"] is False


def test_a_device_with_an_older_local_store_version_but_the_same_data_is_not_outdated(client, world):
    """Local migrations (indexes, local tables) bump SCHEMA_VERSION only; sync compares DATA_VERSION."""
    from caseworker.store.schema import DATA_VERSION, SCHEMA_VERSION

    assert DATA_VERSION <= SCHEMA_VERSION
    ani = Device(client, "ani")
    resp = ani.push_raw([person_insert(new_id())], schema_version=DATA_VERSION)
    assert resp.json()["update_required"] is False
    assert ani.pull_page(schema_version=DATA_VERSION)["update_required"] is False


def test_push_for_another_device_is_refused(client, world):
    ani = Device(client, "ani")
    body = {
        "device_id": "someone-else",
        "protocol_version": 1,
        "schema_version": DATA_VERSION,
        "mutations": [],
    }
    resp = client.post("/sync/push", json=body, headers=ani.headers)
    assert resp.status_code == 403 and resp.json()["error"] == "wrong_device"


def test_logs_carry_no_personal_data(client, world, caplog):
    from caseworker.server.logs import JsonFormatter

    ani = Device(client, "ani")
    with caplog.at_level("INFO", logger="caseworker.server"):
        ani.push(person_insert(new_id(), name="Melati Kusumawardani"))
        ani.pull_all()
    lines = [JsonFormatter().format(r) for r in caplog.records]
    assert any('"event": "push"' in line and '"applied": 1' in line for line in lines)
    assert not any("Melati" in line or "ani" in line.replace('"', " ").split() for line in lines)
