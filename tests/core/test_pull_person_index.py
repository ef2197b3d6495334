"""A pulled page files its persons for the duplicate check set-wise (person_index.deferred), not row by
row: the index must hold exactly what the triggers (and a full rebuild) would, for new, renamed and
deleted persons, and the laptop's own writes must still be filed by the triggers."""

from __future__ import annotations

from caseworker.store import cases, person_index
from caseworker.store import repository as repo


def _filed(store) -> set[tuple[str, str, int]]:
    """(person id, key, birth day) of every entry that points at a person (stale ones point at nobody)."""
    return set(
        store.conn.execute(
            "SELECT n.person_id, k.key, k.birth FROM person_keys k JOIN person_names n ON n.pid = k.pid"
        ).fetchall()
    )


def _rebuilt(store) -> set[tuple[str, str, int]]:
    with store.transaction():
        person_index.rebuild(store.conn)
    return _filed(store)


def test_pulled_persons_are_filed_as_a_rebuild_would(devices, server):
    ani, sri = devices("ani"), devices("sri")
    ids = [cases.register_person(ani.store, {"name": n, "sex": "L", "birth_date": "2024-05-0" + str(i + 1)}).id
           for i, n in enumerate(["Muhammad Rizky", "Siti Nurhaliza", "Dewi Lestari"])]  # fmt: skip
    cases.register_person(ani.store, {"name": "Tanpa Tanggal", "sex": "P"})  # no birth date: not filed
    assert ani.sync().completed
    assert sri.sync().completed
    first = _filed(sri.store)
    assert {p for p, _k, _b in first} == set(ids)
    assert first == _rebuilt(sri.store)
    # Renamed and removed on another laptop: the pull files them again (old keys point at nobody).
    repo.update(ani.store, "persons", ids[0], {"name": "Mohamad Riski"})
    repo.delete(ani.store, "persons", ids[1])
    assert ani.sync().completed and sri.sync().completed
    again = _filed(sri.store)
    assert {p for p, _k, _b in again} == {ids[0], ids[2]}
    assert again == _rebuilt(sri.store)
    found = cases.find_similar_persons(sri.store, "Muhamad Rizki", "2024-05-01")
    assert [p["id"] for p in found] == [ids[0]]
    # The laptop's own registration is filed by the triggers, as before.
    own = cases.register_person(
        sri.store, {"name": "Budi Santoso", "sex": "L", "birth_date": "2024-06-01"}
    ).id
    assert own in {p for p, _k, _b in _filed(sri.store)}
