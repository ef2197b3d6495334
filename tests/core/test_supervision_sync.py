"""Supervision across laptops: a worker's submission reaches the supervisor's profile through the server, the
supervisor's decision (made offline) comes back to the worker with its comment, and a reassignment moves the case
between the two workers' profiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseworker.errors import KnownError
from caseworker.store import cases, duplicates, reviews
from tests.core.sync_support import Device, Server, cheap_crypto, local_rows


def _assessment(device: Device, case_id: str) -> str:
    return cases.add_record(
        device.store,
        "assessments",
        case_id,
        {
            "form_id": "barthel",
            "assessed_at": "2026-11-01",
            "data": {},
            "scores": {},
            "review_status": "draft",
        },
    )


def test_review_decisions_travel_between_worker_and_supervisor(devices, server):
    ani, sri = devices("ani"), devices("sri")
    _, case_id = ani.new_case("Sri Wahyuni")
    first = reviews.submit(ani.store, case_id, "assessment", _assessment(ani, case_id))
    ani.sync()
    sri.sync()
    assert [r["id"] for r in reviews.review_queue(sri.store)] == [first]

    reviews.decide(sri.store, first, approve=False, comment="Skor makan belum diisi")  # offline
    sri.sync()
    ani.sync()
    assert [r["decision_comment"] for r in reviews.returned_to_me(ani.store)] == ["Skor makan belum diisi"]

    assessment = reviews.case_reviews(ani.store, case_id)[0]["subject_id"]
    second = reviews.submit(ani.store, case_id, "assessment", assessment, comment="Sudah dilengkapi")
    ani.sync()
    sri.sync()
    reviews.decide(sri.store, second, approve=True)
    sri.sync()
    ani.sync()
    row = ani.row("assessments", assessment)
    assert row is not None and row["review_status"] == "approved"
    assert reviews.returned_to_me(ani.store) == []
    assert reviews.review_queue(sri.store) == []


def test_closure_approved_on_one_laptop_lets_the_worker_close_on_another(devices, server):
    ani, sri = devices("ani"), devices("sri")
    _, case_id = ani.new_case("Budi Hartono")
    cases.change_stage(ani.store, case_id, "terminasi", closure_reason="tujuan tercapai")
    with pytest.raises(KnownError):
        cases.close_case(ani.store, case_id, "tujuan tercapai")
    closure = reviews.submit(ani.store, case_id, "closure", comment="Anak kembali ke keluarga")
    ani.sync()
    sri.sync()
    reviews.decide(sri.store, closure, approve=True)
    sri.sync()
    ani.sync()
    cases.close_case(ani.store, case_id, "tujuan tercapai")
    ani.sync()
    sri.sync()
    closed = sri.row("cases", case_id)
    assert closed is not None and closed["status"] == "closed"


def test_reassignment_moves_the_case_between_two_workers_profiles(
    server_url: str, tmp_path: Path, monkeypatch
):
    cheap_crypto(monkeypatch)
    srv = Server(server_url, sda_scope="assigned")  # workers receive only the cases assigned to them
    made = [Device(srv, tmp_path / name, name) for name in ("ani", "budi", "sri")]
    ani, budi, sri = made
    try:
        _, case_id = ani.new_case("Pindah Tangan")
        cases.add_note(ani.store, case_id, "kunjungan rumah pertama")
        for device in (ani, sri, budi):
            device.sync()
        assert case_id not in local_rows(budi.store, "cases")
        names = {
            r["username"]: r["full_name"] for r in sri.store.query("SELECT * FROM users WHERE active = 1")
        }
        assert names["budi"] == "Budi" and "wati" not in names  # the facility's people, no other facility's

        cases.reassign(sri.store, [case_id], "budi", "Ani cuti melahirkan")
        for device in (sri, ani, budi):
            device.sync()
        assert case_id not in local_rows(ani.store, "cases")
        moved = local_rows(budi.store, "cases")[case_id]
        assert moved["assigned_to"] == "budi"
        assert [n["text"] for n in local_rows(budi.store, "notes").values()] == ["kunjungan rumah pertama"]
        with pytest.raises(KnownError):
            cases.reassign(budi.store, [case_id], "ani", "a worker may not reassign")
    finally:
        for device in made:
            device.close()
        srv.close()


def test_the_same_client_registered_on_two_laptops_offline_is_merged_by_the_supervisor(devices, server):
    """Ani and Budi each register the same woman (same NIK) without a connection; after sync the pair is in
    Sri's duplicate queue; her merge (made offline) keeps both cases and reaches both workers."""
    ani, budi, sri = devices("ani"), devices("budi"), devices("sri")
    child = {"name": "Putri Ayu Lestari", "nik": "3515085708900002", "sex": "P", "birth_date": "1990-08-17"}
    kept = cases.register_person(ani.store, child).id
    ani_case = cases.open_case(ani.store, kept, "01")
    other = cases.register_person(budi.store, {**child, "name": "Putri Ayu"}).id
    budi_case = cases.open_case(budi.store, other, "01")
    cases.add_note(budi.store, budi_case, "Datang bersama neneknya")
    for device in (ani, budi, sri):
        device.sync()

    [pair] = duplicates.candidates(sri.store)
    assert pair["reason"] == "same_nik" and {pair["person"]["id"], pair["other"]["id"]} == {kept, other}
    duplicates.merge(sri.store, kept, other)
    for device in (sri, ani, budi):
        device.sync()

    for device in (ani, budi, sri):
        assert device.row("persons", other)["deleted"] == 1
        assert {device.row("cases", c)["person_id"] for c in (ani_case, budi_case)} == {kept}
        assert duplicates.candidates(device.store) == []
    assert [n["text"] for n in local_rows(ani.store, "notes").values()] == ["Datang bersama neneknya"]
