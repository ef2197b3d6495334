"""The push policy (caseworker.server.policy): one regression test per finding of the security review.

References outside the writer's scope, forged decisions, forged authors, and values a laptop cannot store
or show are refused; a refused push records nothing about the device.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from caseworker.server.db import changelog, device_cases
from caseworker.store.schema import DATA_VERSION, TABLES
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


def _stored(db, table: str, row_id: str) -> dict:
    with db.read() as conn:
        data = conn.execute(
            select(changelog.c.data).where(changelog.c.table_name == table, changelog.c.row_id == row_id)
        ).scalar_one()
    return json.loads(data)


def _status(results: list[dict]) -> list[tuple[str, str | None]]:
    return [(r["status"], r["reason"]) for r in results]


def _review(review_id: str, case_id: str, kind: str = "closure", **fields) -> dict:
    row = {"case_id": case_id, "kind": kind, "subject_table": "cases", "subject_id": case_id,
           "status": "submitted", "submitted_at": "2026-10-20T08:00:00Z", **fields}  # fmt: skip
    return mutation("reviews", review_id, "insert", row)


# -- references ---------------------------------------------------------------------------------------
def test_a_case_naming_another_facilitys_person_is_refused_and_the_person_never_arrives(client, world):
    ani, wati = Device(client, "ani"), Device(client, "wati")
    person_id, _ = new_case(ani)  # SDA
    stolen = case_insert(new_id(), person_id, facility="MLG", assigned_to="wati", by="wati")
    assert _status(wati.push(stolen)) == [("rejected", "unknown_reference")]
    edit = mutation(
        "persons", person_id, "update", {"phone": "0812 0000 0000"}, {"phone": None}, 1, by="wati"
    )
    assert wati.push(edit)[0]["status"] == "rejected"
    assert ("persons", person_id) not in by_row(wati.pull_all())


def test_in_assigned_scope_a_case_naming_a_colleagues_client_is_refused(client, world):
    wati, yoga = Device(client, "wati"), Device(client, "yoga")  # MLG: worker_scope=assigned
    person_id, _ = new_case(wati, facility="MLG")
    stolen = case_insert(new_id(), person_id, facility="MLG", assigned_to="yoga", by="yoga")
    assert _status(yoga.push(stolen)) == [("rejected", "unknown_reference")]
    assert ("persons", person_id) not in by_row(yoga.pull_all())


def test_a_relation_or_measurement_naming_a_person_out_of_scope_is_refused(client, world):
    ani, wati = Device(client, "ani"), Device(client, "wati")
    sda_person, _ = new_case(ani)
    mlg_person, mlg_case = new_case(wati, facility="MLG")
    relation = mutation(
        "relations", new_id(), "insert",
        {"person_id": mlg_person, "related_person_id": sda_person, "relation": "sibling"}, by="wati",
    )  # fmt: skip
    measurement = mutation(
        "measurements", new_id(), "insert",
        {"case_id": mlg_case, "person_id": sda_person, "measured_at": "2026-10-17", "weight_kg": 9.5}, by="wati",
    )  # fmt: skip
    assert _status(wati.push(relation, measurement)) == [("rejected", "unknown_reference")] * 2


def test_a_refused_push_naming_another_facilitys_case_records_nothing_about_the_device(client, world):
    ani, wati = Device(client, "ani"), Device(client, "wati")
    _, case_id = new_case(ani)
    note_id = new_id()
    ani.push(note_insert(note_id, case_id))
    assert wati.push(note_insert(new_id(), case_id, by="wati"))[0]["status"] == "rejected"
    with world.read() as conn:
        held = conn.execute(select(device_cases.c.case_id).where(device_cases.c.device_id == wati.device_id))
        assert held.all() == []
    got = {c["row_id"] for c in wati.pull_all()}
    assert not got & {case_id, note_id}  # not even as removals: their ids never reach the device


def test_a_task_for_a_user_of_another_facility_is_refused(client, world):
    ani = Device(client, "ani")
    _, case_id = new_case(ani)
    task = mutation(
        "tasks", new_id(), "insert", {"case_id": case_id, "title": "Kunjungan", "assigned_to": "wati"}
    )
    assert _status(ani.push(task)) == [("rejected", "unknown_reference")]
    own = mutation(
        "tasks", new_id(), "insert", {"case_id": case_id, "title": "Kunjungan", "assigned_to": "budi"}
    )
    assert ani.push(own)[0]["status"] == "applied"


def test_a_review_is_about_its_own_case_or_an_assessment_of_it(client, world):
    ani = Device(client, "ani")
    _, case_a = new_case(ani)
    _, case_b = new_case(ani)
    assessment = new_id()
    ani.push(
        mutation("assessments", assessment, "insert", {"case_id": case_b, "form_id": "barthel", "data": "{}"})
    )
    other_case = _review(new_id(), case_a, subject_id=case_b)
    other_assessment = _review(
        new_id(), case_a, kind="assessment", subject_table="assessments", subject_id=assessment
    )
    assert _status(ani.push(other_case, other_assessment)) == [("rejected", "unknown_reference")] * 2


# -- decisions ----------------------------------------------------------------------------------------
def test_a_worker_cannot_forge_a_supervisors_decision(client, world):
    ani, sri = Device(client, "ani"), Device(client, "sri")
    _, case_id = new_case(ani)
    approved = _review(new_id(), case_id, status="approved", decided_by="sri", decided_at="2026-10-20")
    assert _status(ani.push(approved)) == [("rejected", "decision_requires_supervisor")]
    review_id = new_id()
    forged = _review(review_id, case_id, decided_by="sri", submitted_by="budi", decision_comment="ok")
    assert ani.push(forged)[0]["status"] == "applied"
    row = _stored(world, "reviews", review_id)
    assert (row["submitted_by"], row["decided_by"], row["decision_comment"]) == ("ani", None, None)
    approve = mutation("reviews", review_id, "update", {"status": "approved"}, {"status": "submitted"}, 1)
    assert _status(ani.push(approve)) == [("rejected", "decision_requires_supervisor")]
    decider = mutation("reviews", review_id, "update", {"decided_by": "sri"}, {"decided_by": None}, 1)
    ani.push(decider)
    assert _stored(world, "reviews", review_id)["decided_by"] is None
    by_sri = mutation("reviews", review_id, "update", {"status": "approved", "decided_by": "tata"},
                      {"status": "submitted"}, 1, by="sri")  # fmt: skip
    assert sri.push(by_sri)[0]["status"] == "applied"
    assert _stored(world, "reviews", review_id)["decided_by"] == "sri"


def test_a_worker_cannot_approve_or_return_an_assessment(client, world):
    ani, sri = Device(client, "ani"), Device(client, "sri")
    _, case_id = new_case(ani)
    for status in ("approved", "returned"):
        insert = mutation("assessments", new_id(), "insert",
                          {"case_id": case_id, "form_id": "barthel", "data": "{}", "review_status": status})  # fmt: skip
        assert _status(ani.push(insert)) == [("rejected", "decision_requires_supervisor")]
    assessment = new_id()
    fields = {"case_id": case_id, "form_id": "barthel", "data": "{}", "review_status": "submitted"}
    assert ani.push(mutation("assessments", assessment, "insert", fields))[0]["status"] == "applied"
    returned = mutation("assessments", assessment, "update", {"review_status": "returned"},
                        {"review_status": "submitted"}, 1)  # fmt: skip
    assert _status(ani.push(returned)) == [("rejected", "decision_requires_supervisor")]
    assert sri.push({**returned, "mutation_id": new_id()})[0]["status"] == "applied"


def test_only_a_supervisor_of_the_facility_decides_duplicates(client, world):
    ani, sri, rina = Device(client, "ani"), Device(client, "sri"), Device(client, "rina")
    person_a, case_a = new_case(ani)
    person_b, _ = new_case(ani)
    decision = {
        "case_id": case_a,
        "person_id": person_a,
        "other_person_id": person_b,
        "decision": "different",
    }
    assert _status(ani.push(mutation("duplicate_decisions", new_id(), "insert", decision))) == [
        ("rejected", "decision_requires_supervisor")
    ]
    assert (
        rina.push(mutation("duplicate_decisions", new_id(), "insert", decision, by="rina"))[0]["status"]
        == "rejected"
    )  # a supervisor of another facility
    assert sri.push(mutation("duplicate_decisions", new_id(), "insert", decision, by="sri"))[0]["status"] == (
        "applied"
    )


def test_a_case_is_closed_only_after_its_closure_was_approved(client, world):
    ani, sri = Device(client, "ani"), Device(client, "sri")
    _, case_id = new_case(ani)
    close = {
        "status": "closed",
        "closed_at": "2026-10-21",
        "closure_reason": "Reunifikasi",
        "stage": "terminasi",
    }
    attempt = mutation("cases", case_id, "update", close, {"status": "open"}, 1)
    assert _status(ani.push(attempt)) == [("rejected", "closure_not_approved")]
    review_id = new_id()
    ani.push(_review(review_id, case_id))
    sri.push(
        mutation("reviews", review_id, "update", {"status": "approved"}, {"status": "submitted"}, 1, by="sri")
    )
    assert ani.push({**attempt, "mutation_id": new_id()})[0]["status"] == "applied"


def test_staff_never_writes_and_conflicts_are_made_only_by_the_server(client, world):
    ani, tata = Device(client, "ani"), Device(client, "tata")
    _, case_id = new_case(ani)
    assert tata.push(note_insert(new_id(), case_id, by="tata"))[0]["reason"] == "read_only_role"
    conflict = mutation("conflicts", new_id(), "insert", {"case_id": case_id, "status": "open"})
    assert ani.push(conflict)[0]["reason"] == "server_managed"


# -- authorship -----------------------------------------------------------------------------------------
def test_authors_come_from_the_token_never_from_the_body(client, world):
    ani, budi = Device(client, "ani"), Device(client, "budi")
    person_id, case_id = new_id(), new_id()
    forged = case_insert(case_id, person_id, by="ani")
    forged["fields"].update(created_by="budi", updated_by="sri")
    ani.push(person_insert(person_id), forged)
    row = _stored(world, "cases", case_id)
    assert (row["created_by"], row["updated_by"]) == ("ani", "ani")
    # The forged creator would have let budi change ani's case.
    edit = mutation("cases", case_id, "update", {"risk": "high"}, {"risk": "low"}, 1, by="budi")
    assert budi.push(edit)[0]["reason"] == "not_allowed"
    edit_by_ani = mutation(
        "cases", case_id, "update", {"risk": "high", "updated_by": "sri"}, {"risk": "low"}, 1
    )
    edit_by_ani["created_by"] = "sri"
    ani.push(edit_by_ani)
    assert _stored(world, "cases", case_id)["updated_by"] == "ani"


def test_conflict_authors_and_resolvers_come_from_the_token(client, world):
    ani, sri = Device(client, "ani"), Device(client, "sri")
    _, case_id = new_case(ani)
    sri.push(mutation("cases", case_id, "update", {"risk": "high"}, {"risk": "low"}, 1, by="sri"))
    mine = mutation("cases", case_id, "update", {"risk": "medium"}, {"risk": "low"}, 1, by="budi")
    conflict_id = ani.push(mine)[0]["conflict_ids"][0]
    assert _stored(world, "conflicts", conflict_id)["device_user"] == "ani"
    resolve = mutation("conflicts", conflict_id, "update",
                       {"status": "resolved", "resolution": "keep_server", "resolved_by": "sri"}, {"status": "open"}, 1)  # fmt: skip
    assert ani.push(resolve)[0]["status"] == "applied"
    assert _stored(world, "conflicts", conflict_id)["resolved_by"] == "ani"


# -- values -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("table", "fields"),
    [
        ("notes", {"text": "x", "confidential": 2**64}),  # a laptop's SQLite cannot hold it
        ("notes", {"text": "x" * 100_001}),  # far longer than any visit report
        ("notes", {"text": "nul \x00 byte"}),  # PostgreSQL cannot store NUL
        ("notes", {"text": "lone \ud800 surrogate"}),
        ("notes", {"text": "x", "noted_at": "kemarin"}),
        ("assessments", {"form_id": "barthel", "data": "{not json"}),
        ("assessments", {"form_id": "barthel", "data": "[1, 2]"}),
        ("measurements", {"measured_at": "2026-10-17", "weight_kg": float("1e308") * 10}),
        ("reviews", {"kind": "closure", "status": "submitted", "submitted_at": "not a date"}),
        ("goals", {"description": "x", "unknown_column": 1}),
    ],
)
def test_values_a_laptop_cannot_store_or_show_are_refused(client, world, table, fields):
    ani = Device(client, "ani")
    _, case_id = new_case(ani)
    row = {"case_id": case_id, **fields}
    if table == "reviews":
        row.update(subject_table="cases", subject_id=case_id)
    body = {"device_id": ani.device_id, "protocol_version": 1, "schema_version": DATA_VERSION,
            "mutations": [mutation(table, new_id(), "insert", row)]}  # fmt: skip
    try:  # json.dumps escapes a lone surrogate (\ud800), as a hostile client would send it
        content = json.dumps(body)
    except ValueError:  # inf: JSON cannot carry it
        return
    headers = {**ani.headers, "Content-Type": "application/json"}
    resp = client.post("/sync/push", content=content, headers=headers)
    if resp.status_code == 422:  # refused by the request parser itself (Infinity)
        return
    assert resp.status_code == 200, resp.text
    result = resp.json()["results"][0]
    assert result["status"] == "rejected" and result["reason"] in ("invalid_value", "unknown_field")


def test_a_duplicate_case_number_is_refused(client, world):
    ani, budi = Device(client, "ani"), Device(client, "budi")
    _, case_id = new_case(ani)
    number = _stored(world, "cases", case_id)["case_number"]
    person_id, copy_id = new_id(), new_id()
    copy = case_insert(copy_id, person_id, assigned_to="budi", by="budi")
    copy["fields"]["case_number"] = number
    assert _status(budi.push(person_insert(person_id, by="budi"), copy))[1] == (
        "rejected",
        "duplicate_case_number",
    )
    twins = [case_insert(new_id(), person_id, assigned_to="budi", by="budi") for _ in range(2)]
    twins[1]["fields"]["case_number"] = twins[0]["fields"]["case_number"]
    assert [r["status"] for r in budi.push(*twins)] == ["applied", "rejected"]  # within one push too


def test_an_invalid_nik_or_unknown_stage_is_refused_like_on_the_laptop(client, world):
    ani = Device(client, "ani")
    person = person_insert(new_id())
    person["fields"]["nik"] = "12345"
    case = case_insert(new_id(), new_id())
    case["fields"]["stage"] = "no_such_stage"
    assert [r["reason"] for r in ani.push(person, case)] == ["invalid_value", "invalid_value"]


def test_the_openapi_document_states_every_tables_field_limits(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["Row_notes"]["properties"]["text"]["maxLength"] == 100_000
    assert schemas["Row_persons"]["properties"]["dtsen_desil"]["maximum"] == 10
    assert schemas["Row_reviews"]["properties"]["status"]["enum"][:3] == ["submitted", "approved", "returned"]
    assert {f"Row_{t}" for t in TABLES} <= set(schemas)


def test_a_forged_base_does_not_move_an_approved_assessment_and_workers_cannot_change_it(client, world):
    ani, sri = Device(client, "ani"), Device(client, "sri")
    _, case_id = new_case(ani)
    assessment = new_id()
    fields = {"case_id": case_id, "form_id": "barthel", "data": "{}", "review_status": "submitted"}
    ani.push(mutation("assessments", assessment, "insert", fields))
    sri.push(mutation("assessments", assessment, "update", {"review_status": "approved"},
                      {"review_status": "submitted"}, 1, by="sri"))  # fmt: skip
    # Assessments are insert-only records: their updates apply whatever the base says, so a forged base
    # ("it was a draft") must not let a worker take the approval back.
    forged = mutation(
        "assessments", assessment, "update", {"review_status": "submitted"}, {"review_status": "draft"}, 2
    )
    assert ani.push(forged)[0]["reason"] == "decision_requires_supervisor"
    answers = mutation("assessments", assessment, "update", {"data": '{"q1": 3}'}, {"data": "{}"}, 2)
    assert ani.push(answers)[0]["reason"] == "decision_requires_supervisor"
    assert _stored(world, "assessments", assessment)["review_status"] == "approved"


def test_only_a_supervisor_deletes_a_review(client, world):
    ani, sri = Device(client, "ani"), Device(client, "sri")
    _, case_id = new_case(ani)
    review_id = new_id()
    ani.push(_review(review_id, case_id))
    assert ani.push(mutation("reviews", review_id, "delete", {}, None, 1))[0]["reason"] == (
        "decision_requires_supervisor"
    )
    assert sri.push(mutation("reviews", review_id, "delete", {}, None, 1, by="sri"))[0]["status"] == "applied"
