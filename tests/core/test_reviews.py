"""Review and approval, and the duplicate queue, enforced by the store itself."""

from __future__ import annotations

import pytest

from caseworker.errors import KnownError
from caseworker.store import cases, duplicates, queries, reviews


def _case_of(worker, name="Sri Wahyuni", born="1948-05-01", nik=None):
    person = {"name": name, "birth_date": born, "sex": "P"}
    if nik:
        person["nik"] = nik
    pid = cases.register_person(worker, person).id
    return pid, cases.open_case(worker, pid, "08")


def test_submit_return_resubmit_approve(store, login):
    budi = login("budi")
    _, cid = _case_of(budi)
    assessment = cases.add_record(
        budi,
        "assessments",
        cid,
        {
            "form_id": "barthel",
            "assessed_at": "2026-11-01",
            "data": {},
            "scores": {},
            "review_status": "draft",
        },
    )
    first = reviews.submit(budi, cid, "assessment", assessment)
    with pytest.raises(KnownError):
        reviews.submit(budi, cid, "assessment", assessment)  # already waiting
    with pytest.raises(KnownError):
        reviews.decide(budi, first, approve=True)  # a worker cannot approve
    assert [r["id"] for r in reviews.review_queue(store)] == [first]
    with pytest.raises(KnownError):
        reviews.decide(store, first, approve=False)  # returning needs a comment
    reviews.decide(store, first, approve=False, comment="Skor makan belum diisi")
    returned = reviews.returned_to_me(budi)
    assert [r["decision_comment"] for r in returned] == ["Skor makan belum diisi"]
    second = reviews.submit(budi, cid, "assessment", assessment, comment="Sudah dilengkapi")
    assert reviews.returned_to_me(budi) == []
    reviews.decide(store, second, approve=True)
    assert (
        store.one("SELECT review_status FROM assessments WHERE id = ?", [assessment])["review_status"]
        == "approved"
    )
    assert reviews.review_queue(store) == []


def test_worker_cannot_write_an_approval_directly(store, login):
    budi = login("budi")
    _, cid = _case_of(budi)
    with pytest.raises(KnownError):
        cases.add_record(
            budi,
            "reviews",
            cid,
            {"kind": "closure", "subject_table": "cases", "subject_id": cid, "status": "approved"},
        )


def test_closure_needs_approval(store, login):
    budi = login("budi")
    _, cid = _case_of(budi)
    cases.change_stage(budi, cid, "terminasi", closure_reason="Meninggal dunia")
    with pytest.raises(KnownError):
        cases.close_case(budi, cid, "Meninggal dunia")
    review = reviews.submit(budi, cid, "closure")
    reviews.decide(store, review, approve=True)
    cases.close_case(budi, cid, "Meninggal dunia")
    assert queries.find_case(store, cid)["status"] == "closed"


def test_duplicate_queue_and_merge_keeps_every_record(store, login):
    budi, citra = login("budi"), login("citra")
    a, case_a = _case_of(budi, "Siti Aminah", "1950-02-01", nik="3515084102500001")
    b, case_b = _case_of(citra, "Sitti Aminah", "1950-02-10")
    cases.add_note(budi, case_a, "catatan A")
    cases.add_note(citra, case_b, "catatan B")
    found = duplicates.candidates(store)
    assert {frozenset((c["person"]["id"], c["other"]["id"])) for c in found} == {frozenset((a, b))}
    with pytest.raises(KnownError):
        duplicates.merge(budi, a, b)
    duplicates.merge(store, a, b)
    assert store.one("SELECT deleted FROM persons WHERE id = ?", [b])["deleted"] == 1
    assert {r["id"] for r in store.query("SELECT id FROM cases WHERE person_id = ?", [a])} == {case_a, case_b}
    notes = [n["text"] for cid in (case_a, case_b) for n in queries.records(store, "notes", cid)]
    assert sorted(notes) == ["catatan A", "catatan B"]
    assert duplicates.candidates(store) == []
    assert store.one("SELECT * FROM audit WHERE action = 'merge_persons'")["row_id"] == a


def test_marked_different_leaves_the_queue(store, login):
    budi = login("budi")
    a, _ = _case_of(budi, "Siti Aminah", "1950-02-01")
    b, _ = _case_of(budi, "Siti Aminah", "1950-02-03")
    assert len(duplicates.candidates(store)) == 1
    duplicates.mark_different(store, a, b)
    assert duplicates.candidates(store) == []
