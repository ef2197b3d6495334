"""The referral letter PDF (issue 19) from a real encrypted store, read back with pypdf: only what was shared,
never a confidential note, initials only for an ABH child; the print is audited."""

from __future__ import annotations

import json

from pypdf import PdfReader

from caseworker.reports.referral_letter import render_referral_letter
from caseworker.store import cases, referrals, repository


def _text(path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(str(path)).pages)


def _case(store, category: str = "01") -> str:
    person = cases.register_person(store, {"name": "Melati Putri", "sex": "P", "birth_date": "2022-03-01",
                                           "nik": "3515084103220001", "address": "Jl. Mawar 3"}).id  # fmt: skip
    case = cases.open_case(store, person, category, presenting_problem="Melati sering tidak makan")
    cases.add_note(store, case, "Melati mulai bicara")
    cases.add_note(store, case, "rahasia keluarga", confidential=True)
    cases.add_record(store, "measurements", case, {"person_id": person, "measured_at": "2026-10-01",
                                                   "weight_kg": 11.2, "length_cm": 88.0, "position": "standing"})  # fmt: skip
    return case


def _outside(store) -> None:
    store.conn.execute(
        "INSERT INTO facility_directory (code, name, kind, region_code, services, contact, address, on_caseworker,"
        " listed) VALUES ('PKM', 'Puskesmas Candi', 'other', '35.15.08', '[]', '031-8921', 'Jl. Candi 1', 0, 1)"
    )


def test_letter_holds_what_was_shared_and_is_audited(tmp_path, store):
    _outside(store)
    case = _case(store)
    rid = referrals.send(store, case, to_facility="PKM", reason="Pemeriksaan gizi lanjutan", share_identity=True,
                         sections=["problem", "measurements", "notes"], consent_by="Ibu Sari (ibu)",
                         consent_basis="persetujuan")  # fmt: skip
    path = render_referral_letter(store, rid, tmp_path / "surat.pdf")
    text = _text(path)
    for words in ("SURAT RUJUKAN", "Puskesmas Candi", "031-8921", "Melati Putri", "Pemeriksaan gizi lanjutan",
                  "Melati mulai bicara", "11,2", "Ibu Sari (ibu)", "RAHASIA"):  # fmt: skip
        assert words in text, words
    assert "rahasia keluarga" not in text
    audit = store.one("SELECT action, details FROM audit WHERE row_id = ? AND action = 'print'", [rid])
    assert json.loads(audit["details"])["variant"] == "referral_letter"


def test_letter_for_an_abh_child_or_withheld_identity_has_initials_only(tmp_path, store):
    case = _case(store, category="03")
    rid = referrals.send(store, case, to_agency="Bapas Surabaya", reason="Pendampingan Melati", share_identity=True,
                         sections=["notes"], consent_basis="putusan_pengadilan")  # fmt: skip
    assert repository.get_row(store, "referrals", rid)["share_identity"] == 0  # never for an ABH child
    text = _text(render_referral_letter(store, rid, tmp_path / "abh.pdf", lang="en"))
    assert "REFERRAL LETTER" in text and "Bapas Surabaya" in text and "M.P." in text
    for leaked in ("Melati", "3515084103220001", "Jl. Mawar"):
        assert leaked not in text, leaked
    assert "M. mulai bicara" in text
