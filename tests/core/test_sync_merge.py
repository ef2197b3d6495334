"""Three-way merges and conflicts end to end through the engine: different fields, same field, delete versus
edit, device clocks, and resolving through caseworker.sync.conflicts."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from caseworker.errors import KnownError
from caseworker.store import repository as repo
from caseworker.sync.conflicts import list_conflicts, resolve_conflict

DAY = 86400.0


def _shared_case(devices):
    ani, sri = devices("ani"), devices("sri")
    _, case_id = ani.new_case()
    ani.sync()
    sri.sync()
    return ani, sri, case_id


def test_edits_to_different_fields_both_survive(devices, server):
    ani, sri, case_id = _shared_case(devices)
    repo.update(ani.store, "cases", case_id, {"risk": "high"})
    repo.update(sri.store, "cases", case_id, {"presenting_problem": "gizi buruk"})
    for d in (ani, sri, ani):
        result = d.sync()
        assert result.conflicts == 0
    for d in (ani, sri):
        row = d.row("cases", case_id)
        assert (row["risk"], row["presenting_problem"], row["conflict"]) == ("high", "gizi buruk", 0)
    assert server.rows("conflicts") == {}


def test_same_field_edits_leave_one_value_and_a_conflict_on_both_devices(devices, server):
    ani, sri, case_id = _shared_case(devices)
    repo.update(ani.store, "cases", case_id, {"risk": "high"})
    repo.update(sri.store, "cases", case_id, {"risk": "low"})
    ani.sync()
    sri.sync()
    ani.sync()
    for d in (ani, sri):
        assert d.row("cases", case_id)["risk"] == "high"  # the first to reach the server
        assert d.row("cases", case_id)["conflict"] == 1
        [c] = list_conflicts(d.store)
        assert (c["case_number"], c["table"], c["field"]) == (
            d.row("cases", case_id)["case_number"],
            "cases",
            "risk",
        )
    [mine] = list_conflicts(sri.store)
    assert (mine["my_value"], mine["their_value"], mine["their_user"]) == ("low", "high", "ani")
    [theirs] = list_conflicts(ani.store)
    assert (theirs["my_value"], theirs["their_value"], theirs["their_user"]) == ("high", "low", "sri")
    assert resolve_conflict(sri.store, mine["id"], keep="mine") == "keep_device"
    assert list_conflicts(sri.store) == []
    sri.sync()
    ani.sync()
    for d in (ani, sri):
        assert d.row("cases", case_id)["risk"] == "low"
        assert d.row("cases", case_id)["conflict"] == 0
        assert list_conflicts(d.store) == []
    [row] = server.rows("conflicts").values()
    assert (row["status"], row["resolution"], row["resolved_by"]) == ("resolved", "keep_device", "sri")


def test_resolving_with_a_new_value(devices, server):
    ani, sri, case_id = _shared_case(devices)
    repo.update(ani.store, "cases", case_id, {"presenting_problem": "A"})
    repo.update(sri.store, "cases", case_id, {"presenting_problem": "B"})
    ani.sync()
    sri.sync()
    [c] = list_conflicts(sri.store)
    with pytest.raises(KnownError):
        resolve_conflict(sri.store, c["id"])
    assert resolve_conflict(sri.store, c["id"], value="A dan B") == "edited"
    with pytest.raises(KnownError):
        resolve_conflict(sri.store, c["id"], keep="theirs")  # already resolved
    sri.sync()
    ani.sync()
    assert ani.row("cases", case_id)["presenting_problem"] == "A dan B"
    assert ani.row("cases", case_id)["conflict"] == 0


def test_delete_versus_edit_is_a_conflict_and_the_deleted_case_never_comes_back_silently(devices, server):
    ani, sri, case_id = _shared_case(devices)
    repo.delete(sri.store, "cases", case_id)
    repo.update(ani.store, "cases", case_id, {"presenting_problem": "masih ditangani"})
    sri.sync()  # the deletion reaches the server first
    result = ani.sync()
    assert result.conflicts == 1
    assert server.rows("cases")[case_id]["deleted"] == 1
    assert ani.row("cases", case_id)["deleted"] == 1  # not resurrected by the edit
    sri.sync()
    [c] = list_conflicts(sri.store)
    assert (c["field"], c["server_value"]) == ("deleted", 1)
    # The worker keeps the case (and the edit that was set aside): it comes back, on purpose.
    [mine] = list_conflicts(ani.store)
    assert resolve_conflict(ani.store, mine["id"], keep="mine") == "keep_device"
    ani.sync()
    sri.sync()
    for d in (ani, sri):
        row = d.row("cases", case_id)
        assert (row["deleted"], row["presenting_problem"], row["conflict"]) == (0, "masih ditangani", 0)


def test_edit_reaching_the_server_before_a_delete_keeps_the_case(devices, server):
    ani, sri, case_id = _shared_case(devices)
    repo.update(ani.store, "cases", case_id, {"presenting_problem": "masih ditangani"})
    repo.delete(sri.store, "cases", case_id)
    ani.sync()
    assert sri.sync().conflicts == 1
    assert server.rows("cases")[case_id]["deleted"] == 0
    row = sri.row("cases", case_id)
    assert (row["deleted"], row["presenting_problem"], row["conflict"]) == (0, "masih ditangani", 1)
    [c] = list_conflicts(sri.store)
    assert resolve_conflict(sri.store, c["id"], keep="mine") == "keep_device"  # delete after all
    sri.sync()
    ani.sync()
    assert ani.row("cases", case_id)["deleted"] == 1


def _scenario(devices, monkeypatch, offsets: dict[str, float]) -> tuple[dict, list, list]:
    """Two devices edit the same case offline with their clocks off by `offsets` seconds."""
    ani, sri, case_id = _shared_case(devices)
    results = []

    def edit_as(device, changes):
        shifted = datetime.now(UTC) + timedelta(seconds=offsets[device.username])
        monkeypatch.setattr(repo, "now_iso", lambda: shifted.strftime("%Y-%m-%dT%H:%M:%SZ"))
        repo.update(device.store, "cases", case_id, changes)

    edit_as(sri, {"risk": "low", "presenting_problem": "dari sri"})
    edit_as(ani, {"risk": "high", "stage": "asesmen"})
    for d in (ani, sri, ani):
        results.append(d.sync(clock=lambda d=d: time.time() + offsets[d.username]))
    row = ani.row("cases", case_id)
    assert row == sri.row("cases", case_id)  # both devices converged on the server's row
    values = {k: row[k] for k in ("risk", "presenting_problem", "stage", "conflict", "deleted")}
    conflicts = [
        (c["field"], c["server_value"], c["device_value"]) for c in list_conflicts(ani.store, case_id)
    ]
    return values, conflicts, results


def test_device_clocks_days_off_change_no_result(devices, server, monkeypatch):
    normal = _scenario(devices, monkeypatch, {"ani": 0.0, "sri": 0.0})
    skewed = _scenario(devices, monkeypatch, {"ani": -3 * DAY, "sri": 4 * DAY})
    assert (
        normal[0]
        == skewed[0]
        == {
            "risk": "high",
            "presenting_problem": "dari sri",
            "stage": "asesmen",
            "conflict": 1,
            "deleted": 0,
        }
    )
    assert normal[1] == skewed[1] == [("risk", "high", "low")]
    assert all(abs(r.clock_skew_seconds) < 300 and not r.warnings for r in normal[2])
    ani_result, sri_result = skewed[2][0], skewed[2][1]
    assert ani_result.clock_skew_seconds == pytest.approx(-3 * DAY, abs=120)
    assert sri_result.clock_skew_seconds == pytest.approx(4 * DAY, abs=120)
    assert ani_result.warnings and sri_result.warnings  # told to fix the clock, nothing else changes
