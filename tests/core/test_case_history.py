"""A case's history (issue 15, item 8): in time order with date and time, one entry per reassignment, people
by their full name (the username when the profile has none)."""

from __future__ import annotations

from caseworker.store import cases, queries


def _case(store) -> str:  # noqa: ANN001
    person = cases.register_person(store, {"name": "Siti Aminah"}).id
    return cases.open_case(store, person, "01", assigned_to="budi")


def test_newest_first_by_time_not_by_insertion(store) -> None:  # noqa: ANN001
    case_id = _case(store)
    cases.add_note(store, case_id, "Kunjungan rumah.")
    # a bulk import (or demo data) writes its lines afterwards with the records' own, earlier times
    for at, action in (("2024-03-01T08:00:00Z", "print"), ("2023-01-05T09:30:00+00:00", "export")):
        store.conn.execute(
            "INSERT INTO audit (at, user, action, table_name, row_id, case_id, details) VALUES (?,?,?,?,?,?,?)",
            [at, "citra", action, "cases", case_id, case_id, "{}"],
        )
    history = queries.case_history(store, case_id)
    moments = [queries._moment(r["at"]) for r in history]
    assert moments == sorted(moments, reverse=True)
    assert [r["action"] for r in history][-2:] == ["print", "export"]  # the oldest last
    seqs_today = [r["seq"] for r in history if r["action"] not in ("print", "export")]
    assert seqs_today == sorted(seqs_today, reverse=True)  # same second: the later line first


def test_a_reassignment_is_one_entry_with_full_names(store) -> None:  # noqa: ANN001
    case_id = _case(store)
    cases.reassign(store, [case_id], "citra", "budi cuti panjang")
    history = queries.case_history(store, case_id)
    moves = [r for r in history if r["action"] in ("reassign", "reassign_reason")]
    assert len(moves) == 1
    assert moves[0]["action"] == "reassign_reason"
    assert moves[0]["to_name"] == "Citra Lestari"
    assert moves[0]["user_name"] == "ani"  # no full name recorded: the username
    cases.reassign(store, [case_id], "budi", "kembali")
    moves = [r for r in queries.case_history(store, case_id) if r["action"].startswith("reassign")]
    assert [m["to_name"] for m in moves] == ["Budi Santoso", "Citra Lestari"]  # newest first


def test_unknown_users_and_odd_times_are_kept(store) -> None:  # noqa: ANN001
    case_id = _case(store)
    store.conn.execute(
        "INSERT INTO audit (at, user, action, table_name, row_id, case_id, details) VALUES (?,?,?,?,?,?,?)",
        ["not a time", "dewi", "print", "cases", case_id, case_id, "not json"],
    )
    history = queries.case_history(store, case_id)
    assert history[-1]["user_name"] == "dewi" and history[-1]["action"] == "print"
