"""Pull: scope, paging, removals after scope changes, and seq order == commit order."""

from __future__ import annotations

import json
import threading
import time

from sqlalchemy import text

from caseworker.server import admin, push, rows
from caseworker.server.auth import iso
from caseworker.server.db import SeqAllocator, lock_sequence
from caseworker.server.scope import RowScope
from caseworker.store.schema import DATA_VERSION
from caseworker.sync import protocol as p
from tests.server.helpers import (
    Device,
    by_row,
    case_insert,
    mutation,
    new_case,
    new_id,
    note_insert,
    person_insert,
    principal_of,
)


def test_worker_never_receives_another_facilitys_rows(client, world):
    ani, wati = Device(client, "ani"), Device(client, "wati")
    sda_person, sda_case = new_case(ani)
    ani.push(note_insert(new_id(), sda_case))
    mlg_person, mlg_case = new_case(wati, facility="MLG")
    wati.push(note_insert(new_id(), mlg_case, by="wati"))
    for device, own, foreign in ((ani, sda_case, mlg_case), (wati, mlg_case, sda_case)):
        changes = device.pull_all()
        rows_ = by_row(changes)
        assert ("cases", own) in rows_ and ("cases", foreign) not in rows_
        assert {c["row"].get("case_id") for c in changes if c["table"] == "notes"} == {own}
        assert all(
            c["row"].get("facility_code") in (None, device.login_response["user"]["facility_code"])
            for c in changes
        )
    assert Device(client, "root").pull_all() == []  # admin receives nothing


def test_staff_receives_the_facility_read_only(client, world):
    ani, tata = Device(client, "ani"), Device(client, "tata")
    _, case_id = new_case(ani)
    assert ("cases", case_id) in by_row(tata.pull_all())
    edit = mutation("cases", case_id, "update", {"risk": "high"}, {"risk": "low"}, 1, by="tata")
    assert tata.push(edit)[0]["reason"] == "read_only_role"


def test_assigned_scope_worker_sees_only_assigned_cases(client, world):
    rina, wati, yoga = Device(client, "rina"), Device(client, "wati"), Device(client, "yoga")
    _, for_wati = new_case(rina, "MLG", assigned_to="wati")
    _, for_yoga = new_case(rina, "MLG", assigned_to="yoga")
    wati_rows, yoga_rows = by_row(wati.pull_all()), by_row(yoga.pull_all())
    assert ("cases", for_wati) in wati_rows and ("cases", for_yoga) not in wati_rows
    assert ("cases", for_yoga) in yoga_rows and ("cases", for_wati) not in yoga_rows
    assert {("cases", for_wati), ("cases", for_yoga)} <= set(by_row(rina.pull_all()))


def test_paging_with_cursor_returns_each_row_once_in_seq_order(client, world):
    ani, budi = Device(client, "ani"), Device(client, "budi")
    _, case_id = new_case(ani)
    note_ids = [new_id() for _ in range(23)]
    ani.push(*(note_insert(n, case_id) for n in note_ids))
    # The case changes three times: it must appear once, with its latest state.
    for version, risk in ((1, "medium"), (2, "high"), (3, "low")):
        ani.push(mutation("cases", case_id, "update", {"risk": risk}, None, version))
    pages, cursors = [], []
    while True:
        page = budi.pull_page(limit=10)
        pages.append(page["changes"])
        cursors.append(page["cursor"])
        budi.cursor = page["cursor"]
        if not page["has_more"]:
            break
    changes = [c for page in pages for c in page]
    assert len(pages) == 3 and [len(pg) for pg in pages] == [10, 10, 5]
    assert cursors == sorted(cursors) and len(set(cursors)) == 3
    seqs = [c["seq"] for c in changes]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    keys = [(c["table"], c["row_id"]) for c in changes]
    assert len(keys) == len(set(keys)) == 25
    case = by_row(changes)[("cases", case_id)]
    assert case["row"]["risk"] == "low" and case["version"] == 4
    assert budi.pull_page()["changes"] == []


def test_reassignment_removes_the_case_from_the_old_assignee(client, world):
    rina, wati, yoga = Device(client, "rina"), Device(client, "wati"), Device(client, "yoga")
    person_id, case_id = new_case(rina, "MLG", assigned_to="wati")
    note_id = new_id()
    assert wati.push(note_insert(note_id, case_id, by="wati"))[0]["status"] == "applied"
    held = by_row(wati.pull_all())
    assert {("cases", case_id), ("notes", note_id), ("persons", person_id)} <= set(held)
    before = wati.cursor

    reassign = mutation(
        "cases", case_id, "update", {"assigned_to": "yoga"}, {"assigned_to": "wati"}, 1, by="rina"
    )
    assert rina.push(reassign)[0]["status"] == "applied"

    lost = wati.pull_page()  # the response is lost on the way: the device pulls again from the same cursor
    again = wati.pull_page(since=before)
    for page in (lost, again):
        removals = [(c["table"], c["row_id"]) for c in page["changes"] if c["op"] == "remove"]
        assert set(removals) == {("cases", case_id), ("notes", note_id), ("persons", person_id)}
        assert removals[-1] == ("cases", case_id)  # the case goes last, after its records
        assert all(c["row"] is None for c in page["changes"] if c["op"] == "remove")
    wati.cursor = again["cursor"]
    assert wati.pull_page()["changes"] == []  # acknowledged: nothing lingers, nothing repeats

    gained = by_row(yoga.pull_all())
    assert {("cases", case_id), ("notes", note_id), ("persons", person_id)} <= set(gained)
    assert all(c["op"] == "upsert" for c in gained.values())


def test_person_stays_while_another_of_their_cases_is_in_scope(client, world):
    rina, wati = Device(client, "rina"), Device(client, "wati")
    person_id, first_case = new_case(rina, "MLG", assigned_to="wati")
    second_case = new_id()
    assert (
        rina.push(case_insert(second_case, person_id, "MLG", assigned_to="wati", by="rina"))[0]["status"]
        == "applied"
    )
    wati.pull_all()
    rina.push(
        mutation(
            "cases", first_case, "update", {"assigned_to": "yoga"}, {"assigned_to": "wati"}, 1, by="rina"
        )
    )
    changes = by_row(wati.pull_all())
    assert changes[("cases", first_case)]["op"] == "remove"
    assert changes[("persons", person_id)]["op"] == "upsert"


def test_case_moved_to_another_facility_is_removed(client, world):
    ani, sri, budi = Device(client, "ani"), Device(client, "sri"), Device(client, "budi")
    _, case_id = new_case(ani)
    budi.pull_all()
    move = mutation(
        "cases", case_id, "update", {"facility_code": "MLG", "assigned_to": "wati"}, None, 1, by="sri"
    )
    assert sri.push(move)[0]["status"] == "applied"
    assert by_row(budi.pull_all())[("cases", case_id)]["op"] == "remove"
    assert by_row(Device(client, "wati").pull_all())[("cases", case_id)]["op"] == "upsert"


def test_user_moved_to_another_facility_rescans_and_loses_old_cases(client, world):
    ani, wati = Device(client, "ani"), Device(client, "wati")
    _, sda_case = new_case(ani)
    _, mlg_case = new_case(wati, "MLG")
    ani.pull_all()
    admin.set_user(world, "ani", facility="MLG")
    ani.login()  # a fresh token carries the new facility
    page = ani.pull_page()
    assert page["reset"] is True and page["changes"] == [] and page["cursor"] == 0
    ani.cursor = 0
    rows_ = by_row(ani.pull_all())
    assert rows_[("cases", sda_case)]["op"] == "remove"
    assert ("cases", mlg_case) not in rows_  # MLG is worker_scope=assigned: wati's case stays hidden
    assert ani.pull_page()["reset"] is False


def test_late_committing_transaction_is_not_skipped(client, world):
    """A writer that took its seq earlier but commits later must still be seen by a cursor."""
    ani = Device(client, "ani")
    budi = Device(client, "budi")
    new_case(ani)
    budi.pull_all()
    late_id = new_id()
    holding = world.write()
    conn = holding.__enter__()
    try:
        lock_sequence(conn)
        txn = rows.Txn(conn, principal_of(ani), SeqAllocator(conn), iso(time.time()))
        data = {"name": "late", "facility_code": "SDA", "created_by": "ani", "deleted": 0}
        rows.write(txn, "persons", late_id, data, 1, RowScope("SDA", None, None, "ani", late_id), new=True)
        txn.flush()
        # Another push starts meanwhile; it must wait for our commit to get a later seq.
        other_id = new_id()
        request = p.PushRequest(
            device_id=ani.device_id,
            protocol_version=1,
            schema_version=DATA_VERSION,
            mutations=[person_insert(other_id)],
        )
        pusher = threading.Thread(target=push.push, args=(world, principal_of(ani), request))
        pusher.start()
        time.sleep(0.3)
        assert pusher.is_alive()  # blocked behind the uncommitted writer
        early = budi.pull_page()
        assert early["changes"] == []  # nothing committed yet: the cursor does not move past the gap
        budi.cursor = early["cursor"]
    finally:
        holding.__exit__(None, None, None)  # commit
    pusher.join(timeout=30)
    got = [c["row_id"] for c in budi.pull_all()]
    assert got == [late_id, other_id]  # commit order == seq order, nothing skipped


def test_a_sparse_scope_pages_through_a_large_changelog_in_bounded_scans(client, world, monkeypatch):
    """A pull reads the changelog in windows of seqs and at most _MAX_SCAN of them; a device whose rows are
    few among another facility's many still gets each of its rows exactly once, in order, possibly over
    pulls that carry nothing but a cursor further on."""
    from caseworker.server import pull

    monkeypatch.setattr(pull, "_MAX_SCAN", 5)
    ani, wati = Device(client, "ani"), Device(client, "wati")
    mine = [new_case(ani)[1]]
    for _ in range(10):
        new_case(wati, facility="MLG")  # 20 rows ani never sees
    mine += [new_case(ani)[1], new_case(ani)[1]]
    changes, empty_pages = [], 0
    while True:
        page = ani.pull_page(limit=2)
        changes += page["changes"]
        empty_pages += not page["changes"]
        assert page["cursor"] >= ani.cursor
        ani.cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert [c["row_id"] for c in changes if c["table"] == "cases"] == mine
    assert len({(c["table"], c["row_id"]) for c in changes}) == len(changes) == 6
    assert empty_pages >= 1  # the scan stopped inside the other facility's rows and answered a cursor
    assert ani.pull_all() == []


def test_row_ids_needing_escapes_arrive_intact(client, world):
    """Pages are assembled as text; an id a device chose with quotes or backslashes stays valid JSON."""
    ani, budi = Device(client, "ani"), Device(client, "budi")
    odd = 'orang "kecil" \\ 1'
    ani.push(person_insert(odd))
    assert [c["row_id"] for c in budi.pull_all()] == [odd]


def test_pages_bounded_by_bytes_carry_every_change_once(client, world) -> None:
    ani = Device(client, "ani")
    for _ in range(6):
        person, case = new_id(), new_id()
        ani.push(
            person_insert(person), case_insert(case, person), note_insert(new_id(), case, text_="y" * 3000)
        )
    sri = Device(client, "sri")
    seen: list[int] = []
    pages = 0
    while True:
        page = sri.pull_page(limit=1000, max_bytes=4096)
        assert page["changes"], "a page is never empty while rows remain"
        # At most one row past the budget: a 3 KB note fills a page on its own.
        assert len(page["changes"]) == 1 or sum(len(json.dumps(c["row"])) for c in page["changes"]) < 2 * 4096
        seen += [c["seq"] for c in page["changes"]]
        sri.cursor = page["cursor"]
        pages += 1
        if not page["has_more"]:
            break
    assert seen == sorted(set(seen)) and len(seen) == 18
    assert pages > 3
    assert len(Device(client, "budi").pull_page(limit=1000)["changes"]) == 18  # no bound: one page


def test_the_column_shape_carries_the_same_changes_with_each_tables_fields_once(client, world) -> None:
    """shape=columns: the laptop's pages (field names once per table, rows as value lists) carry exactly
    the changes of the plain shape, removals included; a row whose fields differ comes as a Change."""
    rina, wati = Device(client, "rina"), Device(client, "wati")
    person_id, case_id = new_case(rina, "MLG", assigned_to="wati")
    for _ in range(3):
        wati.push(note_insert(new_id(), case_id, by="wati", text_="Kunjungan rumah. " * 40))
    odd = new_id()  # a row stored with fewer fields than the others of its table (an older server's row)
    wati.push(note_insert(odd, case_id, by="wati"))
    with world.write() as conn:
        conn.execute(
            text("UPDATE changelog SET data = :data WHERE row_id = :id"),
            {"data": json.dumps({"id": odd, "case_id": case_id}), "id": odd},
        )
    reassign = mutation(
        "cases", case_id, "update", {"assigned_to": "yoga"}, {"assigned_to": "wati"}, 1, by="rina"
    )

    def both(device: Device, since: int) -> tuple[dict, dict]:
        return device.pull_page(since=since), device.pull_page(since=since, shape="columns")

    plain, shaped = both(wati, 0)
    assert shaped["columns"]["notes"][0] == "id" and "text" in shaped["columns"]["notes"]
    assert [c["row_id"] for c in shaped["changes"]] == [odd]  # its fields differ: sent as a Change
    merged = p.with_rows_as_changes(p.PullResponse.model_validate(shaped))
    assert [c.model_dump() for c in merged.changes] == plain["changes"]
    assert len(json.dumps(shaped)) < len(json.dumps(plain))
    cursor = plain["cursor"]
    assert rina.push(reassign)[0]["status"] == "applied"
    plain, shaped = both(wati, cursor)
    assert all(r[4] is None for r in shaped["rows"]) and len(shaped["rows"]) == len(plain["changes"]) > 0
    merged = p.with_rows_as_changes(p.PullResponse.model_validate(shaped))
    assert [c.model_dump() for c in merged.changes] == plain["changes"]


def test_a_malformed_column_row_is_refused_in_words() -> None:
    page = p.PullResponse.model_validate(
        {"changes": [], "columns": {"notes": ["id", "text"]}, "rows": [[1, "notes", "n1", 1, ["n1"]]],
         "cursor": 1, "has_more": False, "server_time": "2026-12-04T00:00:00Z"}
    )  # fmt: skip
    try:
        p.with_rows_as_changes(page)
    except ValueError as exc:
        assert "column list" in str(exc)
    else:
        raise AssertionError("a short row was accepted")
