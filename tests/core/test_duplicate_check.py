"""The duplicate check of registering a person and of the import: similar names (names.similar_names) with
close birth dates, found through the person_keys blocking index (caseworker.store.person_index).

Verdicts on realistic pairs; the blocked check finds what comparing with everyone finds; the index stays
current through edits, tombstones and pulled rows; an import's batches see their own new people.
"""

from __future__ import annotations

import random

import pytest

from caseworker.demo import names as demo_names
from caseworker.domain.names import block_keys, similar_names
from caseworker.store import bulk, cases, repository
from caseworker.sync import apply
from caseworker.sync import protocol as p
from caseworker.transfer import import_file, importer

BORN = "2012-05-10"

# (registered, then typed again for the same person): found.
SAME_PERSON = [
    ("Muhammad Rizki", "Mohamad Risky"),
    ("Muhammad Rizki", "M. Rizki"),
    ("Mochammad Arif Hidayat", "Muhamad Arif Hidayat"),
    ("Siti Aminah", "Sitti Aminah"),
    ("Siti Rohmah", "Siti Romhah"),  # letters swapped
    ("Soekarno", "Sukarno"),  # one word, old spelling
    ("Painem", "Painem"),  # one word, as written
    ("Rahmawati", "Rhamawati"),  # one word, a typo in its first letters
    ("Tukiman", "Tukimen"),
    ("Nur Hayati", "Nurhayati"),
    ("Abdul Rahman", "Abdurrahman"),
    ("Djoko Santoso", "Joko Santoso"),
    ("Achmad Fauzi", "Ahmad Fauzi"),
    ("Aminah Siti", "Siti Aminah"),
    ("Nur Aini Safitri", "Nuraini Safitri"),
]
# Different people with common names, born the same month: not flagged.
DIFFERENT_PEOPLE = [
    ("Siti Nur", "Siti Nurhaliza"),
    ("Muhammad Rizki", "Muhammad Iqbal"),
    ("Muhammad Arkan", "Muhammad Azka"),
    ("Siti Aminah", "Siti Aisyah"),
    ("Sri Wahyuni", "Sri Rahayu"),
    ("Dimas Pratama", "Dimas Saputra"),
    ("Agus", "Bagus"),
    ("Nur Hidayat", "Nur Hasanah"),
    ("Ahmad Fauzi", "Ahmad Fauzan"),
    ("Dewi Lestari", "Dewi Puspita"),
]


def _person(store, name: str, birth_date: str = BORN, **more) -> str:
    return cases.register_person(store, {"name": name, "birth_date": birth_date, "sex": "L", **more}).id


@pytest.mark.parametrize(("registered", "typed"), SAME_PERSON)
def test_the_same_person_spelled_differently_is_found(store, registered, typed):
    pid = _person(store, registered)
    _person(store, "Bambang Wibowo")  # someone else born that day
    assert [r["id"] for r in cases.find_similar_persons(store, typed, "2012-05-20")] == [pid]
    assert cases.find_similar_persons(store, typed, "2011-05-10") == []  # a year apart: someone else
    assert [r["id"] for r in cases.find_similar_persons(store, typed, "2011-06-01", estimated=True)] == [pid]


@pytest.mark.parametrize(("registered", "typed"), DIFFERENT_PEOPLE)
def test_different_people_with_common_names_are_not_flagged(store, registered, typed):
    _person(store, registered)
    assert cases.find_similar_persons(store, typed, BORN) == []
    assert cases.register_person(store, {"name": typed, "birth_date": BORN}).similar == []


LETTERS = "abcdefghijklmnopqrstuvwxyz"
RESPELL = (("Muhammad", "Mohamad"), ("Moch.", "Muhammad"), ("Siti", "Sitti"), ("oe", "u"), ("dj", "j"),
           ("y", "i"), ("i", "y"), ("Achmad", "Ahmad"), ("Nur ", "Nur"), ("dh", "d"), ("ch", "kh"), ("z", "s"),
           ("u", "o"))  # fmt: skip


def _variant(rng: random.Random, name: str) -> str:
    """A respelling, or one typo (a letter changed, dropped, added, or two swapped)."""
    if rng.random() < 0.4:
        for old, new in rng.sample(RESPELL, len(RESPELL)):
            if old in name:
                return name.replace(old, new, 1)
    i, op = rng.randrange(len(name)), rng.random()
    if op < 0.3:
        return name[:i] + rng.choice(LETTERS) + name[i + 1 :]
    if op < 0.55:
        return name[:i] + name[i + 1 :]
    if op < 0.8:
        return name[:i] + rng.choice(LETTERS) + name[i:]
    j = min(i + 1, len(name) - 1)
    chars = list(name)
    chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


def test_similar_names_share_a_block_key():
    """Over demo names of every generation and their respellings and typos, every pair that the name
    rule finds similar is filed under a common key (so the blocked check cannot miss it)."""
    rng = random.Random(16)
    similar = 0
    for _ in range(20_000):
        name = demo_names.person_name(rng, rng.choice("LP"), rng.randint(1940, 2025))
        other = _variant(rng, name)
        if similar_names(name, other):
            similar += 1
            assert set(block_keys(name)) & set(block_keys(other)), (name, other)
    assert similar > 15_000


def test_blocked_check_finds_what_comparing_with_everyone_finds(store):
    """Against comparing with everyone in the birth window (the check before person_keys): the person a
    respelled or mistyped name comes from is always found, and of the others that the rule finds similar
    (names two or more edits away that happen to pass it: Suynato for a Sunarto) nearly all are too.
    Nothing is found that comparing with everyone would not find."""
    rng = random.Random(7)
    people = []
    for _ in range(1500):
        year = rng.choice((1950, 1985, 2010, 2020))
        born = f"{year}-{rng.randint(1, 2):02d}-{rng.randint(1, 28):02d}"
        people.append({"name": demo_names.person_name(rng, rng.choice("LP"), year), "birth_date": born})
    bulk.bulk_insert(store, "persons", people)
    stored = store.query("SELECT id, name, birth_date FROM persons WHERE deleted = 0")
    found_all = everyone_all = 0
    for person in rng.sample(people, 300):
        typed = person["name"] if rng.random() < 0.2 else _variant(rng, person["name"])
        for estimated in (False, True):
            found = {
                r["id"] for r in cases.find_similar_persons(store, typed, person["birth_date"], estimated)
            }
            low, high = _window(person["birth_date"], estimated)
            everyone = {
                s["id"] for s in stored if low <= s["birth_date"] <= high and similar_names(typed, s["name"])
            }
            assert found <= everyone
            if similar_names(typed, person["name"]):
                assert person["id"] in found, typed
            found_all += len(found)
            everyone_all += len(everyone)
    assert everyone_all > 1000 and found_all >= 0.97 * everyone_all, (found_all, everyone_all)


def _window(birth_date: str, estimated: bool) -> tuple[str, str]:
    from datetime import date, timedelta

    born, days = date.fromisoformat(birth_date), timedelta(days=366 if estimated else 31)
    return (born - days).isoformat(), (born + days).isoformat()


def test_keys_follow_edits_tombstones_and_pulled_rows(store):
    pid = _person(store, "Sukinah")
    assert [r["id"] for r in cases.find_similar_persons(store, "Sukinah", BORN)] == [pid]
    cases.update_person(store, pid, {"name": "Tumini"})
    assert cases.find_similar_persons(store, "Sukinah", BORN) == []
    assert [r["id"] for r in cases.find_similar_persons(store, "Tumini", BORN)] == [pid]
    cases.update_person(store, pid, {"birth_date": "1950-01-01"})
    assert cases.find_similar_persons(store, "Tumini", BORN) == []
    repository.delete(store, "persons", pid)
    assert cases.find_similar_persons(store, "Tumini", "1950-01-01") == []
    assert (
        store.conn.execute("SELECT count(*) FROM person_names WHERE person_id = ?", [pid]).fetchone()[0] == 0
    )
    # a tombstone's keys are gone too, not only its name row
    filed = store.conn.execute("SELECT count(*) FROM person_keys").fetchone()[0]
    assert filed == 0, filed

    row = {"id": "p-pulled", "name": "Marsinah", "birth_date": BORN, "sex": "P", "deleted": 0, "version": 1,
           "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "created_by": "x",
           "updated_by": "x", "facility_code": "SDA"}  # fmt: skip
    apply.apply_page(
        store, [p.Change(seq=1, table="persons", row_id="p-pulled", op="upsert", row=row, version=1)], 1
    )
    assert [r["id"] for r in cases.find_similar_persons(store, "Marsina", BORN)] == ["p-pulled"]
    renamed = {**row, "name": "Kartini", "version": 2}
    apply.apply_page(
        store, [p.Change(seq=2, table="persons", row_id="p-pulled", op="upsert", row=renamed, version=2)], 2
    )
    assert cases.find_similar_persons(store, "Marsina", BORN) == []
    assert [r["id"] for r in cases.find_similar_persons(store, "Kartini", BORN)] == ["p-pulled"]


HEADER = "nama,nik,tanggal_lahir,jenis_kelamin,kategori_ppks,catatan"


def test_an_import_batch_sees_its_own_new_people(store, tmp_path, monkeypatch):
    """Within one batch (not yet written when the later row is checked): the same NIK again updates the
    person, a respelled name with a close birth date is a warning, a row without NIK repeated is the same
    person."""
    monkeypatch.setattr(importer, "BATCH_ROWS", 50)
    path = tmp_path / "data.csv"
    path.write_text(
        f"{HEADER}\n"
        "Muhammad Rizki,3515081005120003,10/05/2012,L,1,Datang diantar ibu\n"
        "Mohamad Risky,,12/05/2012,L,1,\n"
        "Muhammad Rizki,3515081005120003,10/05/2012,L,1,Kunjungan kedua\n"
        "Painem,,,P,3,\n"
        "Painem,,,P,3,\n",
        "utf-8",
    )
    report = import_file(store, path)
    assert report.counts == {"rows": 5, "created": 3, "updated": 0, "opened": 3, "existing": 2, "rejected": 0}
    assert store.conn.execute("SELECT count(*) FROM persons").fetchone()[0] == 3
    rizki = store.one("SELECT id FROM persons WHERE nik = '3515081005120003'")
    notes = store.query(
        "SELECT n.text FROM notes n JOIN cases c ON c.id = n.case_id WHERE c.person_id = ? ORDER BY n.text",
        [rizki["id"]],
    )
    assert [n["text"] for n in notes] == ["Datang diantar ibu", "Kunjungan kedua"]
    warned = store.query("SELECT name FROM persons WHERE name = 'Mohamad Risky'")
    assert warned  # registered, with a warning (the same name spelled otherwise, two days apart)
    report2 = import_file(store, path)
    assert report2.counts["created"] == 0 and report2.counts["existing"] == 5


def test_similar_warning_inside_one_batch(store, tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(importer, "BATCH_ROWS", 50)
    path = tmp_path / "data.csv"
    path.write_text(f"{HEADER}\nSiti Rohmah,,10/05/2012,P,1,\nSiti Romhah,,12/05/2012,P,1,\n", "utf-8")
    import_file(store, path, progress=seen.append)
    assert [bool(r.warnings) for r in seen] == [False, True]


def test_a_rerun_in_many_batches_adds_nobody_twice(store, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_ROWS", 7)
    rng = random.Random(3)
    lines = [HEADER]
    for i in range(40):
        nik = f"35150810051{i:05d}" if i % 4 else ""
        name = demo_names.person_name(rng, "L", 2012)
        lines.append(f"{name} {i},{nik},10/05/2012,L,1,catatan {i}")
    path = tmp_path / "data.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    first = import_file(store, path)
    assert (first.counts["created"], first.counts["rejected"]) == (40, 0)
    again = import_file(store, path)
    assert (again.counts["created"], again.counts["existing"], again.counts["updated"]) == (0, 40, 0)
    assert store.conn.execute("SELECT count(*) FROM persons").fetchone()[0] == 40
    assert store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 40
    assert store.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 40


def test_index_compares_the_keys_it_holds_as_the_names_compare(store):
    """person_names holds each person's name key (names.name_key), kept by the triggers: comparing those
    finds exactly the candidates whose names `similar_names` finds similar (no person read for the others)."""
    from caseworker.domain.names import name_key
    from caseworker.store import person_index

    rng = random.Random(3)
    people = [
        {
            "name": demo_names.person_name(rng, rng.choice("LP"), 1985),
            "birth_date": f"1985-03-{rng.randint(1, 28):02d}",
        }
        for _ in range(400)
    ]
    bulk.bulk_insert(store, "persons", people)
    cases.update_person(store, people[0]["id"], {"name": "Sitti Aminah"})
    for pid, name, key in store.conn.execute(
        "SELECT p.id, p.name, n.name_key FROM persons p JOIN person_names n ON n.person_id = p.id"
    ):
        assert key == name_key(name), pid
    for person in rng.sample(people, 100):
        typed = _variant(rng, person["name"])
        low, high = person_index.window(person["birth_date"])
        expected = {r["id"] for r in person_index.candidates(store.conn, typed, low, high)
                    if similar_names(typed, r["name"])}  # fmt: skip
        assert {r["id"] for r in cases.find_similar_persons(store, typed, person["birth_date"])} == expected


# The schema v4 blocking index as it was made (person_keys with the id and name key in every entry), for
# the upgrade test below.
V4_INDEX = (
    "CREATE TABLE person_keys (person_id TEXT NOT NULL, key TEXT NOT NULL, birth_date TEXT NOT NULL,"
    " name_key TEXT NOT NULL)",
    "INSERT INTO person_keys SELECT p.id, j.value, p.birth_date, cw_name_key(p.name) FROM persons p,"
    " json_each(cw_block_keys(p.name)) j WHERE p.deleted = 0 AND p.birth_date IS NOT NULL",
    "CREATE INDEX idx_person_keys_key ON person_keys(key, birth_date, person_id, name_key)",
    "CREATE INDEX idx_person_keys_person ON person_keys(person_id)",
    "CREATE TRIGGER person_keys_insert AFTER INSERT ON persons BEGIN INSERT INTO person_keys SELECT NEW.id,"
    " j.value, NEW.birth_date, cw_name_key(NEW.name) FROM json_each(cw_block_keys(NEW.name)) j"
    " WHERE NEW.deleted = 0 AND NEW.birth_date IS NOT NULL; END",
)


def test_a_v5_store_gets_the_v6_index(store, login):
    """A store of schema v5 (v4's person_keys) is filed again in v6's person_keys and person_names, and
    v4's table and triggers are gone."""
    kept = _person(store, "Siti Rohmah")
    _person(store, "Bambang Wibowo", "1970-01-01")
    repository.delete(store, "persons", _person(store, "Tukiman"))
    conn = store.conn
    with store.transaction():
        for sql in ("DROP TRIGGER person_index_insert", "DROP TRIGGER person_index_update",
                    "DROP TRIGGER person_index_delete", "DROP TABLE person_keys", "DROP TABLE person_names",
                    *V4_INDEX, "UPDATE meta SET value = '5' WHERE key = 'schema_version'"):  # fmt: skip
            conn.execute(sql)
    store.close()
    again = login("ani")
    objects = {
        r[0] for r in again.conn.execute("SELECT name FROM sqlite_master") if r[0].startswith("person_")
    }
    assert objects == {"person_keys", "person_names", "person_index_insert", "person_index_update",
                       "person_index_delete"}  # fmt: skip
    assert [r["id"] for r in cases.find_similar_persons(again, "Siti Romhah", BORN)] == [kept]
    assert cases.find_similar_persons(again, "Tukiman", BORN) == []
    assert again.conn.execute("SELECT count(*) FROM person_names").fetchone()[0] == 2
    added = _person(again, "Tukimen")
    assert [r["id"] for r in cases.find_similar_persons(again, "Tukiman", BORN)] == [added]
