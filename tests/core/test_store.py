"""The encrypted store: key slots, atomic writes with outbox and audit, bad storage conditions."""

from __future__ import annotations

import hashlib
import json

import pytest
import sqlcipher3

from caseworker.errors import KnownError, StoreError, WrongPassword
from caseworker.store import attachments, cases, queries, repository, reviews
from caseworker.store import db as dbmod
from caseworker.store.profile import change_password, open_profile

from .conftest import PASSWORD

CHILD = {"name": "Muhammad Rizki", "nik": "3515081203150003", "birth_date": "2015-03-12", "sex": "L"}


def _case(store, person=CHILD, category="02"):
    pid = cases.register_person(store, person).id
    return pid, cases.open_case(store, pid, category)


def test_file_is_encrypted_at_rest(store, profile_dir):
    _case(store)
    store.close()
    raw = b"".join(p.read_bytes() for p in profile_dir.glob("caseworker.db*"))
    assert b"Rizki" not in raw and b"SQLite format 3" not in raw
    plain = sqlcipher3.connect(str(profile_dir / dbmod.DB_FILENAME))
    with pytest.raises(sqlcipher3.dbapi2.DatabaseError):
        plain.execute("SELECT * FROM persons").fetchall()


def test_wrong_password_says_so_and_changes_nothing(store, profile_dir):
    store.close()
    before = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in profile_dir.iterdir() if p.is_file()
    }
    with pytest.raises(WrongPassword) as err:
        open_profile(profile_dir, "ani", "not-the-password")
    assert "ani" in err.value.text("id") and "salah" in err.value.text("id")
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in profile_dir.iterdir() if p.is_file()}
    assert before == after


def test_each_user_has_own_slot_and_password_change_rewraps_only_theirs(store, profile_dir):
    budi = open_profile(profile_dir, "budi", PASSWORD)
    change_password(budi, PASSWORD, "baru-sekali-1")
    budi.close()
    open_profile(profile_dir, "budi", "baru-sekali-1").close()
    open_profile(profile_dir, "ani", PASSWORD).close()
    with pytest.raises(WrongPassword):
        open_profile(profile_dir, "budi", PASSWORD)


def test_damaged_or_foreign_file_gives_clear_error(store, profile_dir):
    store.close()
    (profile_dir / "caseworker.db-wal").unlink(missing_ok=True)
    (profile_dir / dbmod.DB_FILENAME).write_bytes(b"this is not a database" * 500)
    with pytest.raises(StoreError) as err:
        open_profile(profile_dir, "ani", PASSWORD)
    assert err.value.key == "not_a_store"


def test_every_write_has_outbox_and_audit_in_one_transaction(store):
    pid, cid = _case(store)
    cases.add_note(store, cid, "Kunjungan rumah pertama")
    outbox = store.query("SELECT table_name, op, row_id FROM outbox ORDER BY seq")
    assert [(o["table_name"], o["op"]) for o in outbox] == [
        ("persons", "insert"),
        ("cases", "insert"),
        ("notes", "insert"),
    ]
    audited = {
        (a["table_name"], a["row_id"]) for a in store.query("SELECT * FROM audit WHERE action = 'create'")
    }
    assert {(o["table_name"], o["row_id"]) for o in outbox} <= audited


def test_failed_write_leaves_no_row_no_outbox_no_audit(store):
    pid, cid = _case(store)
    counts = [
        store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("notes", "outbox", "audit")
    ]
    with pytest.raises(RuntimeError):
        with store.transaction():
            cases.add_note(store, cid, "akan dibatalkan")
            raise RuntimeError("crash after the row was written")
    after = [
        store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("notes", "outbox", "audit")
    ]
    assert after == counts


def test_update_records_only_changed_fields(store):
    pid, cid = _case(store)
    cases.update_person(store, pid, {"phone": "081234567890", "name": CHILD["name"]})
    last = store.one("SELECT * FROM outbox ORDER BY seq DESC LIMIT 1")
    assert last["op"] == "update"
    assert set(json.loads(last["fields"])) == {"phone", "updated_at", "updated_by"}


def test_delete_is_a_tombstone(store):
    pid, cid = _case(store)
    note = cases.add_note(store, cid, "salah ketik")
    repository.delete(store, "notes", note)
    assert store.one("SELECT deleted FROM notes WHERE id = ?", [note])["deleted"] == 1
    assert queries.records(store, "notes", cid) == []


def test_disk_full_is_a_clear_error_and_store_stays_intact(store):
    pid, cid = _case(store)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError) as err:
        for i in range(200):
            cases.add_note(store, cid, "catatan panjang " * 400 + str(i))
    assert err.value.key == "disk_full"
    assert "penuh" in err.value.text("id")
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.one("SELECT count(*) AS n FROM cases")["n"] == 1


def test_read_only_profile_is_a_clear_error(store, profile_dir):
    pid, cid = _case(store)
    store.conn.execute("PRAGMA query_only = ON")
    with pytest.raises(StoreError) as err:
        cases.add_note(store, cid, "tidak tersimpan")
    assert err.value.key == "read_only"


def test_same_nik_refused_pointing_to_existing_person(store):
    pid, cid = _case(store)
    with pytest.raises(cases.DuplicateNik) as err:
        cases.register_person(store, {**CHILD, "name": "Rizki M"})
    assert err.value.existing_id == pid
    case_number = store.one("SELECT case_number FROM cases")["case_number"]
    assert case_number in err.value.text("id")


def test_similar_name_and_close_birth_date_is_a_warning_with_candidates(store):
    pid, _ = _case(store)
    result = cases.register_person(store, {"name": "Mohamad Risky", "birth_date": "2015-03-20", "sex": "L"})
    assert [c["id"] for c in result.similar] == [pid]
    far = cases.register_person(store, {"name": "Mohamad Risky", "birth_date": "2001-01-01", "sex": "L"})
    assert far.similar == []


def test_case_numbers_come_from_facility_and_id(store):
    _, cid = _case(store)
    number = store.one("SELECT case_number FROM cases WHERE id = ?", [cid])["case_number"]
    assert number.startswith("SDA-") and len(number.split("-")[2]) == 8
    assert queries.find_case(store, number.replace("-", ""))["id"] == cid


def test_search_prefix_accents_ids_and_notes(store):
    _, c1 = _case(store)
    _, c2 = _case(store, {"name": "José Ramírez", "birth_date": "1950-01-01", "sex": "L"}, "08")
    cases.add_note(store, c2, "Pendampingan ke puskesmas Candi")

    def find(text):
        return set(queries.case_ids(store, queries.CaseFilter(text=text)))

    assert find("riz") == {c1}
    assert find("jose ramir") == {c2}
    assert find("3515081") == {c1}
    assert find("puskes") == {c2}
    assert find("moham") == {c1}  # spelling variant typed halfway
    assert find("tidakada") == set()


def test_permissions_hold_in_the_store(store, login):
    budi, citra, tata = login("budi"), login("citra"), login("tata")
    pid = cases.register_person(budi, {"name": "Sri Wahyuni", "birth_date": "1948-05-01", "sex": "P"}).id
    cid = cases.open_case(budi, pid, "08")
    cases.add_note(budi, cid, "catatan budi")
    with pytest.raises(KnownError):
        cases.add_note(citra, cid, "bukan kasus citra")
    with pytest.raises(KnownError):
        cases.add_note(tata, cid, "staf hanya membaca")
    with pytest.raises(KnownError):
        cases.reassign(budi, [cid], "citra", "cuti")
    cases.reassign(store, [cid], "citra", "budi cuti panjang")
    cases.add_note(citra, cid, "sekarang kasus citra")
    assert store.one("SELECT assigned_to FROM cases WHERE id = ?", [cid])["assigned_to"] == "citra"


def test_stage_moves_and_closing(store):
    _, cid = _case(store)
    cases.change_stage(store, cid, "asesmen")
    with pytest.raises(KnownError):
        cases.change_stage(store, cid, "pendekatan_awal")  # back without a note
    cases.change_stage(store, cid, "pendekatan_awal", note="Keluarga belum bisa ditemui")
    with pytest.raises(KnownError):
        cases.close_case(store, cid, "selesai")  # not at termination
    with pytest.raises(KnownError):
        cases.change_stage(store, cid, "terminasi")  # needs a closure reason
    cases.change_stage(store, cid, "terminasi", closure_reason="Kembali ke keluarga")
    with pytest.raises(KnownError) as err:
        cases.close_case(store, cid, "Kembali ke keluarga")  # no approved closure yet
    assert err.value.key == "closure_not_approved"
    review = reviews.submit(store, cid, "closure", comment="Anak kembali ke keluarga")
    reviews.decide(store, review, approve=True)
    cases.close_case(store, cid, "Kembali ke keluarga")
    assert store.one("SELECT status FROM cases WHERE id = ?", [cid])["status"] == "closed"
    assert len(queries.records(store, "stage_changes", cid)) == 3


def test_reveal_nik_is_audited(store):
    pid, cid = _case(store)
    nik, _ = cases.reveal_nik(store, pid, cid)
    assert nik == CHILD["nik"]
    assert store.one("SELECT * FROM audit WHERE action = 'reveal_nik'")["case_id"] == cid
    assert cases.mask_id(nik) == "351508••••••0003"


def test_attachments_are_encrypted_and_verified(store, tmp_path):
    _, cid = _case(store)
    scan = tmp_path / "surat.jpg"
    scan.write_bytes(b"\xff\xd8 surat penyerahan anak " * 100)
    att = attachments.add_attachment(store, cid, scan, "Surat penyerahan")
    row = store.one("SELECT * FROM attachments WHERE id = ?", [att])
    stored = attachments.blob_path(store, row["sha256"]).read_bytes()
    assert b"surat penyerahan" not in stored
    _, data = attachments.read_attachment(store, att)
    assert data == scan.read_bytes()
