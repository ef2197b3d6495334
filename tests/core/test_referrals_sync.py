"""Referrals between two facilities' laptops (issue 19): real encrypted profiles, the real server app, SQLite and
PostgreSQL. The directory arrives with the sync; a toddler referred from SDA to MLG, accepted there with the
growth history and without the confidential note; a decline leaves nothing of the client at the receiver."""

from __future__ import annotations

import pytest

from caseworker.errors import KnownError
from caseworker.server import admin
from caseworker.store import cases, referrals
from caseworker.store.schema import DATA_VERSION


def _toddler(device) -> tuple[str, str]:
    person, case = device.new_case("Bayi Melati", presenting_problem="gizi kurang, ibu bekerja")
    cases.add_note(device.store, case, "Melati aktif bermain")
    cases.add_note(device.store, case, "catatan rahasia tentang ayah", confidential=True)
    for day, weight in (("2026-09-01", 8.1), ("2026-10-01", 8.6)):
        cases.add_record(device.store, "measurements", case, {"person_id": person, "measured_at": day,
                                                            "weight_kg": weight, "length_cm": 72.0,
                                                            "position": "lying"})  # fmt: skip
    return person, case


def test_directory_arrives_with_the_sync_and_filters_by_need_and_region(devices, server):
    admin.set_facility(server.db, "MLG", kind="upt", region="35.07", services="01,02,perawatan_pengasuhan")
    admin.add_facility(server.db, "PKM", "Puskesmas Candi", kind="other", region="35.15.08",
                       services="01", contact="031-8921", external=True)  # fmt: skip
    admin.add_facility(server.db, "LKS", "LKS Lansia Harapan", kind="lks", region="35.15", services="09")
    ani = devices("ani")
    assert ani.sync().completed
    listed = referrals.directory(ani.store, needs=["01"], region="35.15.08.1001")
    assert [f["code"] for f in listed] == ["PKM", "MLG"]  # same kabupaten first; the elderly LKS left out
    assert listed[0]["on_caseworker"] is False and listed[0]["contact"] == "031-8921"
    assert "SDA" not in [f["code"] for f in referrals.directory(ani.store)]  # never its own facility
    admin.set_facility(server.db, "LKS", services="01")  # a change reaches the laptop with the next sync
    assert ani.sync().completed
    assert "LKS" in [f["code"] for f in referrals.directory(ani.store, needs=["01"])]


def test_toddler_referred_accepted_with_growth_history_not_confidential_notes(devices, server):
    assert DATA_VERSION >= 3
    ani, rina = devices("ani"), devices("rina")
    assert ani.sync().completed and rina.sync().completed
    person, case = _toddler(ani)
    with pytest.raises(KnownError) as no_consent:
        referrals.send(ani.store, case, to_facility="MLG", reason="usia 5 tahun")
    assert "persetujuan" in str(no_consent.value) or "consent" in str(no_consent.value)
    rid = referrals.send(ani.store, case, to_facility="MLG", reason="Sudah 5 tahun, pindah ke asuhan anak",
                         share_identity=True, sections=["problem", "measurements", "notes"],
                         consent_by="Ibu Sari (ibu kandung)", consent_basis="persetujuan")  # fmt: skip
    assert referrals.incoming(rina.store) == []  # offline: nothing until both have synced
    assert ani.sync().completed and rina.sync().completed
    [waiting] = referrals.incoming(rina.store)
    assert waiting["id"] == rid and waiting["status"] == "sent"
    assert waiting["preview"]["name"] == "Bayi Melati" and waiting["preview"]["counts"] == {
        "measurements": 2,
        "notes": 1,
    }
    assert rina.store.one("SELECT count(*) AS n FROM cases")["n"] == 0

    referrals.accept(rina.store, rid)  # offline; goes with the next sync
    assert rina.sync().completed
    [new_case] = rina.store.query("SELECT * FROM cases")
    assert new_case["facility_code"] == "MLG" and new_case["person_id"] == person
    assert new_case["case_number"].startswith("MLG-") and new_case["assigned_to"] == "rina"
    weights = [r["weight_kg"] for r in rina.store.query(
        "SELECT weight_kg FROM measurements WHERE case_id = ? ORDER BY measured_at", [new_case["id"]])]  # fmt: skip
    assert weights == [8.1, 8.6]
    texts = [r["text"] for r in rina.store.query("SELECT text FROM notes")]
    assert texts == ["Melati aktif bermain"]
    assert rina.store.one("SELECT name FROM persons WHERE id = ?", [person])["name"] == "Bayi Melati"
    assert rina.store.one("SELECT count(*) AS n FROM case_index")["n"] == 1  # in the receiver's case list

    assert ani.sync().completed
    [sent] = referrals.of_case(ani.store, case)
    assert (
        sent["status"] == "accepted"
        and sent["decided_at"]
        and sent["received_case_number"] == (new_case["case_number"])
    )
    assert sent["sections"] == ["problem", "measurements", "notes"]
    audit = {r["action"] for r in rina.store.query("SELECT action FROM audit WHERE row_id = ?", [rid])}
    assert "referral_accept" in audit
    assert ani.store.one("SELECT action FROM audit WHERE row_id = ?", [rid])["action"] == "create"


def test_declined_referral_leaves_nothing_at_the_receiver(devices, server):
    ani, rina, wati = devices("ani"), devices("rina"), devices("wati")
    _, case = _toddler(ani)
    rid = referrals.send(ani.store, case, to_facility="MLG", reason="rujukan", share_identity=True,
                         sections=["notes"], consent_basis="surat_penyerahan")  # fmt: skip
    assert ani.sync().completed and rina.sync().completed and wati.sync().completed
    assert referrals.incoming(wati.store) == []  # MLG's workers see their own cases only
    with pytest.raises(KnownError):
        referrals.decline(rina.store, rid, "  ")  # a decline says why
    with pytest.raises(KnownError):
        referrals.accept(wati.store, rid)
    referrals.decline(rina.store, rid, "Kapasitas penuh bulan ini")
    assert rina.sync().completed
    [row] = referrals.incoming(rina.store)
    assert row["status"] == "declined" and row["preview"] is None and row["reason"] is None
    assert rina.store.one("SELECT count(*) AS n FROM persons")["n"] == 0
    assert rina.store.one("SELECT count(*) AS n FROM notes")["n"] == 0
    assert ani.sync().completed
    [sent] = referrals.of_case(ani.store, case)
    assert (sent["status"], sent["decision_reason"]) == ("declined", "Kapasitas penuh bulan ini")


def test_referral_input_errors_are_bilingual(devices, server):
    from caseworker import i18n

    ani = devices("ani")
    assert ani.sync().completed
    _, case = ani.new_case()
    for kwargs, key in (
        ({"to_facility": "NOPE", "reason": "x", "consent_basis": "persetujuan"}, "referral_unknown_facility"),
        ({"to_facility": "SDA", "reason": "x", "consent_basis": "persetujuan"}, "referral_own_facility"),
        ({"reason": "x", "consent_basis": "persetujuan"}, "referral_no_target"),
        ({"to_facility": "MLG", "reason": " ", "consent_basis": "persetujuan"}, "referral_no_reason"),
        ({"to_facility": "MLG", "reason": "x", "consent_basis": "kata_tetangga"}, "referral_bad_basis"),
        (
            {"to_facility": "MLG", "reason": "x", "consent_by": "ibu", "sections": ["rahasia"]},
            "referral_bad_section",
        ),
    ):
        with pytest.raises(KnownError) as err:
            referrals.send(ani.store, case, **kwargs)
        assert err.value.key == key, (kwargs, err.value.key)
        assert i18n.MESSAGES[key][0] != i18n.MESSAGES[key][1]


def test_unanswered_referrals_are_overdue_after_the_facility_days(devices, server):
    from datetime import date, timedelta

    admin.set_facility(server.db, "MLG", referral_days=7)
    ani, rina = devices("ani"), devices("rina")
    assert ani.sync().completed
    _, case = ani.new_case()
    old = (date.today() - timedelta(days=8)).isoformat()
    rid = referrals.send(
        ani.store, case, to_facility="MLG", reason="x", consent_basis="persetujuan", referred_at=old
    )
    recent = referrals.send(ani.store, case, to_facility="MLG", reason="y", consent_basis="persetujuan")
    assert ani.sync().completed and rina.sync().completed
    assert [r["id"] for r in referrals.overdue(ani.store)["sent"]] == [rid]
    assert [r["id"] for r in referrals.overdue(rina.store)["incoming"]] == [rid]
    assert recent not in [r["id"] for r in referrals.overdue(rina.store)["incoming"]]
    referrals.accept(rina.store, rid)
    assert rina.sync().completed and ani.sync().completed
    assert referrals.overdue(ani.store)["sent"] == [] and referrals.overdue(rina.store)["incoming"] == []


def test_transfer_moves_the_case_between_laptops_and_leaves_a_closed_record(devices, server):
    ani, sri, rina = devices("ani"), devices("sri"), devices("rina")
    person, case = _toddler(ani)
    assert ani.sync().completed and sri.sync().completed and rina.sync().completed
    with pytest.raises(KnownError) as worker:
        referrals.send(
            ani.store, case, to_facility="MLG", reason="x", consent_basis="persetujuan", transfer=True
        )
    assert worker.value.key == "referral_transfer_supervisor"
    rid = referrals.send(sri.store, case, to_facility="MLG", reason="Usia 5 tahun: pindah ke UPT anak",
                         consent_basis="surat_penyerahan", transfer=True)  # fmt: skip
    assert sri.sync().completed and rina.sync().completed
    [waiting] = referrals.incoming(rina.store)
    assert waiting["kind"] == "transfer"
    referrals.accept(rina.store, rid)
    assert rina.sync().completed and ani.sync().completed and sri.sync().completed

    moved = rina.row("cases", case)  # the same case, with its whole history
    assert (moved["facility_code"], moved["assigned_to"]) == ("MLG", "rina")
    assert rina.store.one("SELECT count(*) AS n FROM notes WHERE case_id = ?", [case])["n"] == 2
    assert rina.store.one("SELECT count(*) AS n FROM measurements WHERE case_id = ?", [case])["n"] == 2
    assert rina.store.one("SELECT count(*) AS n FROM cases")["n"] == 1  # nothing duplicated
    for laptop in (ani, sri):  # the sender's laptops: the case left, a closed record of its work stayed
        assert laptop.row("cases", case) is None
        [stub] = laptop.store.query("SELECT * FROM cases")
        assert (stub["status"], stub["person_id"]) == ("closed", person) and "UPT Malang" in stub[
            "closure_reason"
        ]
        texts = sorted(
            r["text"] for r in laptop.store.query("SELECT text FROM notes WHERE case_id = ?", [stub["id"]])
        )
        assert texts == ["Melati aktif bermain", "catatan rahasia tentang ayah"]
        assert laptop.store.one("SELECT count(*) AS n FROM measurements")["n"] == 0
        [kept] = referrals.of_case(laptop.store, stub["id"])
        assert (kept["status"], kept["kind"], kept["received_case_number"]) == (
            "accepted", "transfer", moved["case_number"])  # fmt: skip


def test_a_referral_withdrawn_before_its_answer_leaves_nothing_at_the_receiver(devices, server):
    ani, rina = devices("ani"), devices("rina")
    _, case = _toddler(ani)
    rid = referrals.send(ani.store, case, to_facility="MLG", reason="rujukan", share_identity=True,
                         sections=["notes"], consent_basis="persetujuan")  # fmt: skip
    assert ani.sync().completed and rina.sync().completed
    assert referrals.incoming(rina.store)[0]["preview"]["name"] == "Bayi Melati"
    referrals.withdraw(ani.store, rid)
    assert ani.sync().completed and rina.sync().completed
    [row] = referrals.incoming(rina.store)
    assert (row["status"], row["preview"], row["reason"]) == ("withdrawn", None, None)
    with pytest.raises(KnownError):
        referrals.accept(rina.store, rid)
    assert referrals.of_case(ani.store, case) == []
