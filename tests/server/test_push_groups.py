"""Pushes that arrive together are applied in one transaction (push.push_together, the app's push queue):
each device gets exactly the answer it would have got alone."""

from __future__ import annotations

import asyncio

from caseworker.server import push, rows
from caseworker.server.app import _PushQueue
from caseworker.server.errors import ApiError
from tests.server.helpers import (
    Device,
    case_insert,
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
