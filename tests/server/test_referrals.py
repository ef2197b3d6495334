"""Referrals between facilities on the server (issue 19): the receiver gets exactly what was shared, a decline
leaves nothing of the client, only the receiving facility's supervisor answers. SQLite and PostgreSQL."""

from __future__ import annotations

import json

from caseworker.server import admin
from tests.server.helpers import Device, case_insert, mutation, new_id, note_insert, person_insert


def _measurement(row_id: str, case_id: str, person_id: str, weight: float) -> dict:
    fields = {"case_id": case_id, "person_id": person_id, "measured_at": "2026-10-01", "weight_kg": weight,
              "length_cm": 70.0, "position": "lying"}  # fmt: skip
    return mutation("measurements", row_id, "insert", fields)


def _referral(row_id: str, case_id: str, to: str = "MLG", **extra: object) -> dict:
    fields = {"case_id": case_id, "referred_at": "2026-10-20", "to_facility": to, "reason": "usia 5 tahun",
              "share_identity": 1, "shared_sections": json.dumps(["problem", "measurements", "notes"]),
              "consent_by": "Ibu Sari (ibu)", "consent_basis": "persetujuan", **extra}  # fmt: skip
    return mutation("referrals", row_id, "insert", fields)


def _sda_case(ani: Device, category: str = "01") -> tuple[str, str, dict[str, str]]:
    person, case = new_id(), new_id()
    ids = {"open": new_id(), "secret": new_id(), "m1": new_id(), "m2": new_id()}
    made = case_insert(case, person)
    made["fields"]["category_code"] = category
    secret = note_insert(ids["secret"], case, text_="catatan rahasia Melati")
    secret["fields"]["confidential"] = 1
    results = ani.push(
        person_insert(person, name="Melati Putri"), made, note_insert(ids["open"], case, text_="Melati ceria"),
        secret, _measurement(ids["m1"], case, person, 8.1), _measurement(ids["m2"], case, person, 8.6),
    )  # fmt: skip
    assert [r["status"] for r in results] == ["applied"] * 6, results
    return person, case, ids


def _rows(device: Device) -> dict[tuple[str, str], dict]:
    return {(c["table"], c["row_id"]): c.get("row") for c in device.pull_all()}


def test_accepted_referral_opens_a_case_with_only_what_was_shared(client, world):
    ani, rina, wati = Device(client, "ani"), Device(client, "rina"), Device(client, "wati")
    _rows(rina), _rows(wati)
    person, case, ids = _sda_case(ani)
    rid = new_id()
    [sent] = ani.push(_referral(rid, case))
    assert sent["status"] == "applied", sent

    # The receiving supervisor sees the inbox row, and nothing else of the case yet.
    seen = _rows(rina)
    assert set(seen) == {("referral_inbox", rid)}, seen
    inbox = seen[("referral_inbox", rid)]
    preview = json.loads(inbox["preview"])
    assert (inbox["status"], inbox["from_facility"], inbox["facility_code"]) == ("sent", "SDA", "MLG")
    assert preview["name"] == "Melati Putri" and preview["counts"] == {"measurements": 2, "notes": 1}
    assert _rows(wati) == {}  # a worker of an assigned-scope facility sees no inbox

    # A worker of the receiving facility may not answer; the supervisor accepts.
    answer = mutation(
        "referral_inbox", rid, "update", {"status": "accepted"}, base={"status": "sent"}, by="wati"
    )
    assert wati.push(answer)[0]["reason"] == "decision_requires_supervisor"
    [accepted] = rina.push(
        mutation("referral_inbox", rid, "update", {"status": "accepted"}, base={"status": "sent"})
    )
    assert accepted["status"] == "applied", accepted

    got = _rows(rina)
    tables = sorted(t for t, _ in got)
    assert tables == ["cases", "measurements", "measurements", "notes", "persons", "referral_inbox"], tables
    new_case = next(row for (t, _), row in got.items() if t == "cases")
    assert new_case["facility_code"] == "MLG" and new_case["person_id"] == person  # the same person
    assert new_case["assigned_to"] == "rina" and new_case["case_number"].startswith("MLG-")
    notes = [row for (t, _), row in got.items() if t == "notes"]
    assert [n["text"] for n in notes] == ["Melati ceria"]  # the confidential note stayed
    assert all(
        row["case_id"] == new_case["id"] for (t, _), row in got.items() if t in ("notes", "measurements")
    )
    assert not {ids["open"], ids["secret"], ids["m1"], case} & {
        r for _, r in got
    }  # copies, never the originals
    assert got[("referral_inbox", rid)]["accepted_case_number"] == new_case["case_number"]

    # The sender sees the answer on its referral.
    back = _rows(ani)
    referral = back[("referrals", rid)]
    assert (referral["status"], referral["decided_by"]) == ("accepted", "rina")
    assert referral["received_case_number"] == new_case["case_number"]
    assert ("cases", new_case["id"]) not in back  # the receiver's case is not the sender's

    # A second answer changes nothing.
    again = rina.push(mutation("referral_inbox", rid, "update", {"status": "declined", "decision_reason": "x"},
                               base={"status": "sent"}))  # fmt: skip
    assert again[0]["status"] in ("merged", "rejected"), again


def test_declined_referral_leaves_nothing_of_the_client(client, world):
    ani, rina = Device(client, "ani"), Device(client, "rina")
    _rows(rina)
    _, case, _ = _sda_case(ani)
    rid = new_id()
    ani.push(_referral(rid, case))
    assert set(_rows(rina)) == {("referral_inbox", rid)}
    no_reason = mutation(
        "referral_inbox", rid, "update", {"status": "declined"}, base={"status": "sent"}, by="rina"
    )
    assert rina.push(no_reason)[0]["reason"] == "invalid_value"  # a decline says why
    declined = mutation("referral_inbox", rid, "update", {"status": "declined", "decision_reason": "penuh"},
                        base={"status": "sent"}, by="rina")  # fmt: skip
    assert rina.push(declined)[0]["status"] == "applied"
    got = _rows(rina)
    assert set(got) == {("referral_inbox", rid)}
    row = got[("referral_inbox", rid)]
    assert row["status"] == "declined" and row["preview"] is None and row["reason"] is None
    assert row["consent_by"] is None
    referral = _rows(ani)[("referrals", rid)]
    assert (referral["status"], referral["decision_reason"]) == ("declined", "penuh")


def test_abh_child_is_referred_with_initials_only(client, world):
    ani, rina = Device(client, "ani"), Device(client, "rina")
    _rows(rina)
    person, case, _ = _sda_case(ani, category="03")  # Anak yang Berhadapan dengan Hukum
    rid = new_id()
    ani.push(_referral(rid, case))  # identity ticked: still withheld
    preview = json.loads(_rows(rina)[("referral_inbox", rid)]["preview"])
    assert preview["name"] == "M.P." and preview["identity_withheld"] and "nik" not in preview
    rina.push(
        mutation("referral_inbox", rid, "update", {"status": "accepted"}, base={"status": "sent"}, by="rina")
    )
    got = _rows(rina)
    persons = [row for (t, _), row in got.items() if t == "persons"]
    assert len(persons) == 1 and persons[0]["id"] != person and persons[0]["name"] == "M.P."
    notes = [row["text"] for (t, _), row in got.items() if t == "notes"]
    assert notes == ["M. ceria"]  # the name in the shared note reduced to its initial


def test_referral_policy(client, world):
    admin.add_facility(world, "PKM", "Puskesmas Candi", external=True, kind="other", region="35.15")
    ani, sri = Device(client, "ani"), Device(client, "sri")
    _, case, _ = _sda_case(ani)
    assert ani.push(_referral(new_id(), case, to="NOPE"))[0]["reason"] == "unknown_facility"
    assert ani.push(_referral(new_id(), case, to="SDA"))[0]["reason"] == "not_allowed"
    assert (
        ani.push(_referral(new_id(), case, consent_by=None, consent_basis=None))[0]["reason"]
        == "invalid_value"
    )
    forged = _referral(new_id(), case, status="accepted", decided_by="rina", from_facility="MLG")
    assert ani.push(forged)[0]["status"] == "applied"
    row = _rows(ani)[("referrals", forged["row_id"])]
    assert (row["status"], row["decided_by"], row["from_facility"]) == ("sent", None, "SDA")
    # The sender cannot answer for the receiver, nor change what was shared after sending.
    answer = mutation(
        "referrals", forged["row_id"], "update", {"status": "accepted"}, base={"status": "sent"}
    )
    assert ani.push(answer)[0]["reason"] == "server_managed"
    widen = mutation("referrals", forged["row_id"], "update", {"shared_sections": '["notes","assessments"]'},
                     base={"shared_sections": row["shared_sections"]})  # fmt: skip
    assert ani.push(widen)[0]["reason"] == "not_allowed"
    # Nobody inserts inbox rows; a supervisor of the sender's facility cannot answer.
    assert sri.push(mutation("referral_inbox", new_id(), "insert", {"facility_code": "SDA", "status": "sent"},
                             by="sri"))[0]["reason"] == "server_managed"  # fmt: skip
    stolen = mutation("referral_inbox", forged["row_id"], "update", {"status": "accepted"}, base={"status": "sent"},
                      by="sri")  # fmt: skip
    assert sri.push(stolen)[0]["reason"] == "not_allowed"
    # To a facility outside the app: no inbox; the worker keeps the status (a letter was printed).
    external = _referral(new_id(), case, to="PKM")
    assert ani.push(external)[0]["status"] == "applied"
    done = mutation(
        "referrals", external["row_id"], "update", {"status": "accepted"}, base={"status": "sent"}
    )
    assert ani.push(done)[0]["status"] in ("applied", "merged")


def test_transfer_moves_the_case_and_leaves_the_sender_a_closed_record(client, world):
    ani, sri, rina = Device(client, "ani"), Device(client, "sri"), Device(client, "rina")
    _rows(rina)
    person, case, ids = _sda_case(ani)
    _rows(ani), _rows(sri)
    rid = new_id()
    as_worker = _referral(rid, case, kind="transfer")
    assert ani.push(as_worker)[0]["reason"] == "decision_requires_supervisor"  # moving a case: a supervisor
    as_worker["mutation_id"], as_worker["created_by"] = new_id(), "sri"
    assert sri.push(as_worker)[0]["status"] == "applied"
    inbox = _rows(rina)[("referral_inbox", rid)]
    assert inbox["kind"] == "transfer" and json.loads(inbox["shared_sections"]) == [
        "problem", "assessments", "goals", "interventions", "notes", "measurements"]  # fmt: skip
    rina.push(
        mutation("referral_inbox", rid, "update", {"status": "accepted"}, base={"status": "sent"}, by="rina")
    )

    got = _rows(rina)
    moved = got[("cases", case)]  # the same case, not a copy
    assert (moved["facility_code"], moved["assigned_to"]) == ("MLG", "rina")
    assert {("notes", ids["open"]), ("notes", ids["secret"]), ("measurements", ids["m1"]), ("measurements", ids["m2"]),
            ("persons", person), ("referrals", rid)} <= set(got)  # its whole history, nothing duplicated  # fmt: skip
    assert [t for t, _ in got].count("cases") == 1

    back = _rows(ani)
    removed = {key for key, row in back.items() if row is None}
    assert ("cases", case) in removed and ("notes", ids["secret"]) in removed
    stub = next(row for (t, _), row in back.items() if t == "cases" and row)
    assert (stub["status"], stub["facility_code"], stub["person_id"]) == ("closed", "SDA", person)
    assert "UPT Malang" in stub["closure_reason"] and stub["case_number"].startswith("SDA-")
    kept = sorted(row["text"] for (t, _), row in back.items() if t == "notes" and row)
    assert kept == ["Melati ceria", "catatan rahasia Melati"]  # the sender's own notes stay with it
    referral = next(row for (t, _), row in back.items() if t == "referrals" and row)
    assert (referral["status"], referral["case_id"]) == ("accepted", stub["id"])
    assert not any(t == "measurements" and row for (t, _), row in back.items())


def test_a_withdrawn_referral_leaves_nothing_and_an_answered_one_stays(client, world):
    ani, rina = Device(client, "ani"), Device(client, "rina")
    _rows(rina)
    _, case, _ = _sda_case(ani)
    rid, kept = new_id(), new_id()
    ani.push(_referral(rid, case), _referral(kept, case))
    assert {k for k in _rows(rina)} == {("referral_inbox", rid), ("referral_inbox", kept)}
    [withdrawn] = ani.push(mutation("referrals", rid, "delete", {"deleted": 1}, base_version=1))
    assert withdrawn["status"] == "applied", withdrawn
    row = _rows(rina)[("referral_inbox", rid)]
    assert row["status"] == "withdrawn" and row["preview"] is None and row["reason"] is None
    answer = mutation(
        "referral_inbox", rid, "update", {"status": "accepted"}, base={"status": "sent"}, by="rina"
    )
    assert rina.push(answer)[0]["status"] in ("merged", "rejected")  # nothing left to accept
    assert not [t for t, _ in _rows(rina) if t == "cases"]
    rina.push(
        mutation("referral_inbox", kept, "update", {"status": "accepted"}, base={"status": "sent"}, by="rina")
    )
    late = ani.push(mutation("referrals", kept, "delete", {"deleted": 1}, base_version=2))
    assert late[0]["reason"] == "invalid_transition"  # answered: it stays, as the receiver's case does
