"""caseworker.sync.state: which cases wait to be sent or have open conflicts, the second connection a
background sync uses, and wiping a revoked device's data. Also: a key slot remembers the parameters it was
derived with (the app re-opens profiles made under other costs, e.g. the tests' cheap ones)."""

from __future__ import annotations

from pathlib import Path

from caseworker.security import keyslots
from caseworker.store import cases, syncstate
from caseworker.store import repository as repo
from caseworker.store.profile import is_profile, open_profile
from caseworker.sync import state
from caseworker.sync.engine import sync
from caseworker.sync.tokens import TokenStore
from tests.core.sync_support import PASSWORD


def test_case_states_follow_the_outbox_and_open_conflicts(devices, server) -> None:
    ani, sri = devices("ani"), devices("sri")
    person, case_id = ani.new_case()
    assert state.is_server_profile(ani.store)
    assert state.case_states(ani.store) == {case_id: state.PENDING}
    assert state.case_state(ani.store, case_id) == (state.PENDING, 2)  # the person and the case
    ani.sync()
    assert state.case_states(ani.store) == {}
    assert state.case_state(ani.store, case_id) == (state.SYNCED, 0)
    assert state.last_sync_at(ani.store)

    cases.add_note(ani.store, case_id, "Kunjungan rumah.")
    repo.update(ani.store, "persons", person, {"name": "Bayi Melati Putri"})
    assert state.pending_case_ids(ani.store) == {case_id}
    assert state.case_state(ani.store, case_id) == (state.PENDING, 2)
    ani.sync()

    sri.sync()
    repo.update(sri.store, "cases", case_id, {"risk": "high"})
    repo.update(ani.store, "cases", case_id, {"risk": "low"})
    sri.sync()
    ani.sync()
    assert state.conflict_case_ids(ani.store) == {case_id}
    assert state.case_states(ani.store) == {case_id: state.CONFLICT}
    assert state.open_conflict_count(ani.store) == 1
    assert [c["field"] for c in state.case_conflicts(ani.store, case_id)] == ["risk"]
    assert state.case_state(ani.store, case_id)[0] == state.CONFLICT


def test_a_sync_over_the_second_connection_is_seen_by_the_first(devices, server) -> None:
    ani = devices("ani")
    _, case_id = ani.new_case()
    connection = state.sync_connection(ani.store)
    try:
        result = sync(connection, ani.transport)
    finally:
        state.close_sync_connection(connection)
    assert result.completed and syncstate.pending_count(ani.store) == 0
    assert state.case_state(ani.store, case_id) == (state.SYNCED, 0)


def test_a_revoked_profile_remembers_it_and_can_be_wiped(devices, server) -> None:
    ani = devices("ani")
    folder, device_id = ani.store.profile_dir, ani.store.device_id
    assert TokenStore(device_id, "ani").load() is not None
    state.mark_revoked(ani.store)
    ani.store.close()
    reopened = open_profile(folder, "ani", PASSWORD)
    assert state.is_revoked(reopened)
    reopened.close()
    state.wipe_local_data(folder, device_id)
    assert not is_profile(folder) and not folder.exists()
    assert TokenStore(device_id, "ani").load() is None


def test_a_key_slot_keeps_the_parameters_it_was_made_with(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(keyslots, "TIME_COST", 1)
    monkeypatch.setattr(keyslots, "MEMORY_KIB", 1024)
    key = keyslots.new_database_key()
    slot = keyslots.make_slot("ani", PASSWORD, key)
    assert (slot.time_cost, slot.memory_kib) == (1, 1024)
    monkeypatch.undo()
    assert keyslots.unwrap(slot, PASSWORD) == key


def test_base_copies_are_found_through_their_key_not_by_reading_them_all(store) -> None:
    """A push records its results against the base copies of the rows it sent: looking them up must use
    the (table, row id) key, or each push reads every base copy and a big outbox takes quadratic time."""
    syncstate._put_base(store, "cases", "c-1", {"risk": "low"}, 3)
    syncstate._put_base(store, "notes", "c-1", {"text": "same id, other table"}, 1)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        found = syncstate.bases(store, [("cases", "c-1"), ("persons", "p-9")])
    finally:
        store.conn.set_trace_callback(None)
    assert found == {("cases", "c-1"): ({"risk": "low"}, 3)}
    lookups = [s for s in statements if "FROM sync_base" in s]
    assert lookups
    for sql in lookups:
        plan = " ".join(str(row[-1]) for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert "SEARCH sync_base USING" in plan and "table_name=? AND row_id=?" in plan, plan


def test_the_size_of_unsent_changes_is_estimated_from_their_json_compressed(store) -> None:
    assert state.pending_wire_bytes(store) == 0
    person = cases.register_person(store, {"name": "Bayi Melati", "sex": "P", "birth_date": "2025-03-01"}).id
    case_id = cases.open_case(store, person, "01")
    cases.add_note(store, case_id, "Kunjungan rumah. " * 200)  # 3,400 characters
    raw = sum(len(r["fields"]) for r in store.query("SELECT fields FROM outbox"))
    estimate = state.pending_wire_bytes(store)
    assert raw / 8 < estimate < raw / 2
    assert state.pending_wire_bytes(store, user="someone-else") == 0
