"""Field-level three-way merge, conflict records, delete versus edit, insert-only tables."""

from __future__ import annotations

import json

from tests.server.helpers import Device, by_row, mutation, new_case, new_id, note_insert


def _case_row(device: Device, case_id: str) -> dict:
    rows = by_row(device.pull_all())
    return rows[("cases", case_id)]["row"]


def test_edits_of_different_fields_both_survive(client, world):
    ani, sri = Device(client, "ani"), Device(client, "sri")
    _, case_id = new_case(ani)
    # Both edit offline from version 1.
    first = ani.push(mutation("cases", case_id, "update", {"risk": "high"}, {"risk": "low"}, 1))[0]
    second = sri.push(
        mutation("cases", case_id, "update", {"stage": "asesmen"}, {"stage": "pendekatan_awal"}, 1, by="sri")
    )[0]
    assert first["status"] == "applied" and first["version"] == 2
    assert second["status"] == "merged" and second["version"] == 3
    row = _case_row(Device(client, "budi"), case_id)
    assert (row["risk"], row["stage"], row["version"], row["conflict"]) == ("high", "asesmen", 3, 0)


def test_same_field_conflict_keeps_the_first_and_records_the_second(client, world):
    ani, sri, budi = Device(client, "ani"), Device(client, "sri"), Device(client, "budi")
    _, case_id = new_case(ani)
    base = {"presenting_problem": "gizi kurang"}
    ani.push(mutation("cases", case_id, "update", {"presenting_problem": "gizi buruk"}, base, 1))
    result = sri.push(
        mutation(
            "cases",
            case_id,
            "update",
            {"presenting_problem": "stunting", "risk": "high"},
            {**base, "risk": "low"},
            1,
            by="sri",
        )
    )[0]
    assert result["status"] == "conflict" and len(result["conflict_ids"]) == 1
    rows = by_row(budi.pull_all())  # every device in scope gets the case flag and the conflict record
    case = rows[("cases", case_id)]["row"]
    assert case["presenting_problem"] == "gizi buruk"  # the first committed wins, not the device clock
    assert case["risk"] == "high"  # the other field merged
    assert case["conflict"] == 1
    conflict = rows[("conflicts", result["conflict_ids"][0])]["row"]
    assert conflict["status"] == "open" and conflict["field"] == "presenting_problem"
    assert json.loads(conflict["server_value"]) == "gizi buruk"
    assert json.loads(conflict["device_value"]) == "stunting"
    assert (conflict["device_user"], conflict["server_user"], conflict["case_id"]) == ("sri", "ani", case_id)

    # Resolving: mark the conflict resolved and write the chosen value; the flag clears.
    conflict_id = result["conflict_ids"][0]
    resolve = mutation(
        "conflicts",
        conflict_id,
        "update",
        {
            "status": "resolved",
            "resolution": "keep_device",
            "resolved_by": "sri",
            "resolved_at": "2026-10-18T09:00:00Z",
        },
        {"status": "open"},
        conflict["version"],
        by="sri",
    )
    chosen = mutation(
        "cases",
        case_id,
        "update",
        {"presenting_problem": "stunting"},
        {"presenting_problem": "gizi buruk"},
        case["version"],
        by="sri",
    )
    statuses = [r["status"] for r in sri.push(resolve, chosen)]
    assert statuses[0] == "applied" and statuses[1] in (
        "applied",
        "merged",
    )  # the flag change bumped the case
    rows = by_row(budi.pull_all())
    assert rows[("cases", case_id)]["row"]["conflict"] == 0
    assert rows[("cases", case_id)]["row"]["presenting_problem"] == "stunting"
    assert rows[("conflicts", conflict_id)]["row"]["status"] == "resolved"
    # A second, concurrent resolution keeps the first.
    late = ani.push(
        mutation(
            "conflicts",
            conflict_id,
            "update",
            {"status": "resolved", "resolution": "keep_server"},
            {"status": "open"},
            1,
        )
    )[0]
    assert late["status"] == "merged" and late["reason"] == "already_resolved"


def test_setting_the_same_value_concurrently_is_no_conflict(client, world):
    ani, sri = Device(client, "ani"), Device(client, "sri")
    _, case_id = new_case(ani)
    ani.push(mutation("cases", case_id, "update", {"risk": "high"}, {"risk": "low"}, 1))
    result = sri.push(mutation("cases", case_id, "update", {"risk": "high"}, {"risk": "low"}, 1, by="sri"))[0]
    assert result["status"] == "applied" and result["conflict_ids"] == []


def test_delete_of_a_row_edited_on_the_server_is_a_conflict(client, world):
    ani, sri = Device(client, "ani"), Device(client, "sri")
    _, case_id = new_case(ani)
    ani.push(mutation("cases", case_id, "update", {"risk": "high"}, {"risk": "low"}, 1))
    result = sri.push(mutation("cases", case_id, "delete", {"deleted": 1}, None, 1, by="sri"))[0]
    assert result["status"] == "conflict"
    row = _case_row(Device(client, "budi"), case_id)
    assert row["deleted"] == 0 and row["conflict"] == 1


def test_edit_of_a_deleted_case_never_brings_it_back(client, world):
    ani, sri = Device(client, "ani"), Device(client, "sri")
    _, case_id = new_case(ani)
    assert (
        sri.push(mutation("cases", case_id, "delete", {"deleted": 1}, None, 1, by="sri"))[0]["status"]
        == "applied"
    )
    result = ani.push(mutation("cases", case_id, "update", {"risk": "high"}, {"risk": "low"}, 1))[0]
    assert result["status"] == "conflict"
    rows = by_row(Device(client, "budi").pull_all())
    case = rows[("cases", case_id)]["row"]
    assert case["deleted"] == 1 and case["risk"] == "low"
    conflict = rows[("conflicts", result["conflict_ids"][0])]["row"]
    assert conflict["field"] == "deleted" and json.loads(conflict["device_value"]) == {"risk": "high"}
    # Choosing "keep mine" = an explicit undelete from a base that shows the deletion.
    undelete = mutation(
        "cases",
        case_id,
        "update",
        {"deleted": 0, "risk": "high"},
        {"deleted": 1, "risk": "low"},
        case["version"],
    )
    assert ani.push(undelete)[0]["status"] == "applied"
    case = _case_row(Device(client, "budi"), case_id)
    assert case["deleted"] == 0 and case["risk"] == "high"


def test_unchanged_delete_applies(client, world):
    ani = Device(client, "ani")
    _, case_id = new_case(ani)
    assert ani.push(mutation("cases", case_id, "delete", {"deleted": 1}, None, 1))[0]["status"] == "applied"
    assert _case_row(Device(client, "budi"), case_id)["deleted"] == 1


def test_insert_only_tables_never_conflict(client, world):
    ani, sri = Device(client, "ani"), Device(client, "sri")
    _, case_id = new_case(ani)
    note_id = new_id()
    ani.push(note_insert(note_id, case_id))
    first = ani.push(
        mutation("notes", note_id, "update", {"text": "versi A"}, {"text": "kunjungan rumah"}, 1)
    )[0]
    second = sri.push(
        mutation("notes", note_id, "update", {"text": "versi B"}, {"text": "kunjungan rumah"}, 1, by="sri")
    )[0]
    assert first["status"] == "applied" and second["status"] in ("applied", "merged")
    assert second["conflict_ids"] == []
    rows = by_row(Device(client, "budi").pull_all())
    assert rows[("notes", note_id)]["row"]["text"] == "versi B"
    assert rows[("cases", case_id)]["row"]["conflict"] == 0
    assert not any(table == "conflicts" for table, _ in rows)


def test_missing_base_falls_back_to_the_version(client, world):
    ani, sri = Device(client, "ani"), Device(client, "sri")
    _, case_id = new_case(ani)
    ani.push(mutation("cases", case_id, "update", {"risk": "high"}, None, 1))
    stale = sri.push(mutation("cases", case_id, "update", {"risk": "medium"}, None, 1, by="sri"))[0]
    assert stale["status"] == "conflict"
    fresh = sri.push(
        mutation("cases", case_id, "update", {"risk": "medium"}, None, stale["version"], by="sri")
    )[0]
    assert fresh["status"] == "applied"


def test_person_conflict_flags_every_case_of_the_person(client, world):
    ani, sri = Device(client, "ani"), Device(client, "sri")
    person_id, case_id = new_case(ani)
    base = {"address": None}
    ani.push(mutation("persons", person_id, "update", {"address": "Desa Sukodono"}, base, 1))
    result = sri.push(
        mutation("persons", person_id, "update", {"address": "Desa Buduran"}, base, 1, by="sri")
    )[0]
    assert result["status"] == "conflict"
    rows = by_row(Device(client, "budi").pull_all())
    assert rows[("cases", case_id)]["row"]["conflict"] == 1
    conflict = rows[("conflicts", result["conflict_ids"][0])]["row"]
    assert conflict["case_id"] is None and conflict["table_name"] == "persons"
