"""Pushes that arrive together are applied in one transaction (push.push_together, the app's push queue):
each device gets exactly the answer it would have got alone."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from caseworker.server import push, rows
from caseworker.server.app import _PushQueue
from caseworker.server.db import changelog
from caseworker.server.errors import ApiError
from tests.server.helpers import (
    Device,
    case_insert,
    mutation,
    new_case,
    new_id,
    note_insert,
    person_insert,
    principal_of,
    push_request,
)


def _statuses(response) -> list[str]:
    return [r.status for r in response.results]


def test_a_group_applies_each_push_after_the_ones_before_it(client, world):
    ani, sri, budi = Device(client, "ani"), Device(client, "sri"), Device(client, "budi")
    person_id, case_id = new_id(), new_id()
    first = push_request(ani, person_insert(person_id), case_insert(case_id, person_id))
    # The supervisor's note refers to the case the first push creates, in the same transaction.
    second = push_request(sri, note_insert(new_id(), case_id, by="sri"))
    retried = push_request(ani, *[m.model_dump() for m in first.mutations])  # ani's retry, same ids
    answers = push.push_together(
        world, [(principal_of(ani), first), (principal_of(sri), second), (principal_of(ani), retried)]
    )
    assert _statuses(answers[0]) == ["applied", "applied"]
    assert _statuses(answers[1]) == ["applied"]
    assert _statuses(answers[2]) == ["duplicate", "duplicate"]
    assert [r.original_status for r in answers[2].results] == ["applied", "applied"]
    got = {(c["table"], c["row_id"]) for c in budi.pull_all()}
    assert {("persons", person_id), ("cases", case_id)} <= got and len(got) == 3
    # A later push of the same mutations is still answered from what was recorded.
    again = push.push(world, principal_of(ani), retried)
    assert _statuses(again) == ["duplicate", "duplicate"]


def test_a_wrong_or_failing_push_fails_alone(client, world, monkeypatch):
    ani, budi = Device(client, "ani"), Device(client, "budi")
    good, bad_id = new_id(), new_id()
    wrong_device = push_request(ani, person_insert(new_id()))
    wrong_device.device_id = "someone-else"
    write = rows.write

    def breaking(txn, table, row_id, *args, **kwargs):
        if row_id == bad_id:
            raise RuntimeError("disk full")
        return write(txn, table, row_id, *args, **kwargs)

    monkeypatch.setattr(rows, "write", breaking)
    answers = push.push_together(
        world,
        [
            (principal_of(ani), wrong_device),
            (principal_of(budi), push_request(budi, person_insert(bad_id, by="budi"))),
            (principal_of(ani), push_request(ani, person_insert(good))),
        ],
    )
    assert isinstance(answers[0], ApiError) and answers[0].code == "wrong_device"
    assert isinstance(answers[1], RuntimeError)
    assert _statuses(answers[2]) == ["applied"]
    assert [c["row_id"] for c in Device(client, "sri").pull_all()] == [good]  # nothing of the failed one


def test_pushes_waiting_together_go_in_one_group(client, world, monkeypatch):
    devices = [Device(client, name) for name in ("ani", "budi", "sri")]
    groups: list[int] = []
    together = push.push_together

    def spy(database, requests):
        groups.append(len(requests))
        return together(database, requests)

    monkeypatch.setattr(push, "push_together", spy)
    queue = _PushQueue(world)

    async def all_at_once():
        return await asyncio.gather(
            *(
                queue.submit(principal_of(d), push_request(d, person_insert(new_id(), by=d.username)))
                for d in devices
            )
        )

    answers = asyncio.run(all_at_once())
    assert groups == [3]
    assert [_statuses(a) for a in answers] == [["applied"]] * 3


def _scopes(database, *keys):
    """(seq, assigned_to) of each changelog row, by (table, row id)."""
    c = changelog.c
    with database.read() as conn:
        found = conn.execute(select(c.table_name, c.row_id, c.seq, c.assigned_to)).all()
    by_key = {(row.table_name, row.row_id): (row.seq, row.assigned_to) for row in found}
    return [by_key[k] for k in keys]


@pytest.mark.parametrize("read_up_front", [True, False], ids=["read-up-front", "read-when-needed"])
def test_a_case_rescoped_in_a_group_takes_along_what_the_group_wrote_before(
    client, world, monkeypatch, read_up_front
):
    """The records and person rows a case carries along when it moves (to another worker, or when it
    arrives after its records) include those written by earlier pushes of the same group, whether they
    were read with the group's rows (rows.preload_families) or when the case moved."""
    if not read_up_front:
        monkeypatch.setattr(rows, "preload_families", lambda *args: None)
    wati, rina, yoga = Device(client, "wati"), Device(client, "rina"), Device(client, "yoga")
    person_id, case_id = new_case(wati, facility="MLG")
    relative_id = new_id()
    note_id, relation_id, early_note, late_case = new_id(), new_id(), new_id(), new_id()
    wati_writes = push_request(
        wati,
        note_insert(note_id, case_id, by="wati"),
        person_insert(relative_id, facility="MLG", by="wati"),
        mutation("relations", relation_id, "insert",
                 {"person_id": person_id, "related_person_id": relative_id, "relation": "parent"}, by="wati"),
        note_insert(early_note, late_case, by="wati"),  # before its case, which rina creates next, for wati
    )  # fmt: skip
    reassign = mutation("cases", case_id, "update", {"assigned_to": "yoga"}, base={"assigned_to": "wati"},
                        base_version=1, by="rina")  # fmt: skip
    rina_writes = push_request(rina, reassign, case_insert(late_case, person_id, "MLG", "wati", by="rina"))
    answers = push.push_together(
        world, [(principal_of(wati), wati_writes), (principal_of(rina), rina_writes)]
    )
    assert [_statuses(a) for a in answers] == [["applied"] * 4, ["applied", "applied"]]
    (note, note_owner), (relation, _), (person, _), (case, owner) = _scopes(
        world, ("notes", note_id), ("relations", relation_id), ("persons", person_id), ("cases", case_id)
    )
    assert owner == note_owner == "yoga"
    assert note < relation < person < case  # all moved along: records, then the person's rows, the case last
    (early, early_owner), (late, _) = _scopes(world, ("notes", early_note), ("cases", late_case))
    assert early_owner == "wati" and early < late
    got = {c["row_id"] for c in yoga.pull_all()}
    assert {note_id, relation_id, person_id, case_id} <= got
    assert {early_note, late_case} <= {c["row_id"] for c in wati.pull_all() if c["op"] == "upsert"}
