"""Stores with cases of every kind for the report tests and benchmarks (real encrypted profiles, no mocks).

No tests here: test_reports*.py and benchmarks/bench_reports.py import these builders.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from caseworker.store import cases, repository, reviews
from caseworker.store.profile import add_user, create_profile
from caseworker.store.store import Store

PASSWORD = "kata-sandi-uji-123"
TODAY = date.today()
FACILITY = {
    "address": "Jl. Raya Lingkar Timur No. 12, Sidokare",
    "city": "Sidoarjo",
    "phone": "(031) 8941234",
    "head_name": "Dra. Sri Wahyuningsih, M.Si.",
    "head_nip": "196805121994032006",
}


def make_nik(birth: date, sex: str, serial: int, region: str = "351508") -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def new_store(folder: Path) -> Store:
    store = create_profile(
        folder,
        username="ratna",
        password=PASSWORD,
        facility_code="SDA",
        facility_name="UPT Perlindungan dan Pelayanan Sosial Asuhan Balita Sidoarjo",
        full_name="Ratna Kusumawati, S.Tr.Sos.",
        facility=FACILITY,
    )
    store.conn.execute("UPDATE users SET nip = '198203142008012011' WHERE username = 'ratna'")
    add_user(store, "budi", PASSWORD, "worker", "Budi Santoso, S.Sos.", "199001012015031002")
    return store


def person(store: Store, name: str, birth: date, sex: str, serial: int, **extra: Any) -> str:
    values = {
        "name": name,
        "birth_date": birth.isoformat(),
        "sex": sex,
        "nik": make_nik(birth, sex, serial),
        "no_kk": f"3515080101{serial:06d}",
        "birthplace": "Sidoarjo",
        "address": "Jl. Mawar No. 5 RT 02 RW 03",
        "region_code": "35.15.08.1004",
        **extra,
    }
    return cases.register_person(store, values).id


def _days_ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


def _stamp(days: int) -> str:
    return f"{_days_ago(days)}T03:00:00Z"


def advance(store: Store, case_id: str, to_stage: str, reason: str | None = None) -> None:
    cases.change_stage(store, case_id, to_stage, closure_reason=reason)


def toddler_case(store: Store, serial: int = 1, months_of_history: int = 24) -> str:
    """A girl admitted at about 2 months, measured monthly, with assessments, goals, services and notes."""
    birth = TODAY - timedelta(days=int((months_of_history + 2) * 30.4375))
    pid = person(store, "Siti Nur Aisyah", birth, "P", serial, nickname="Ais", guardian_name="Ibu Sulastri",
                 guardian_relation="parent", dtsen_desil=2, dtsen_checked_at=_days_ago(300))  # fmt: skip
    cid = cases.open_case(store, pid, "01", opened_at=_days_ago(months_of_history * 30),
                          referral_source="Puskesmas Sidoarjo", presenting_problem=(
                              "Bayi ditemukan ditinggalkan di teras rumah warga; berat badan rendah, "
                              "ibu kandung belum ditemukan."),
                          consent_by="Dinas Sosial Kab. Sidoarjo", consent_at=_days_ago(months_of_history * 30),
                          consent_basis="surat_penyerahan", risk="high")  # fmt: skip
    weight, length = 4.2, 54.0
    for month in range(months_of_history):
        weight += 0.55 if month < 6 else 0.2
        length += 2.6 if month < 6 else 0.9
        cases.add_record(store, "measurements", cid, {
            "measured_at": _days_ago((months_of_history - month) * 30), "person_id": pid,
            "weight_kg": round(weight, 1), "length_cm": round(length, 1), "position": "lying",
            "head_cm": round(38 + month * 0.45, 1), "measured_by": "ratna"})  # fmt: skip
        cases.add_note(store, cid, f"Kunjungan bulanan ke-{month + 1}: Siti makan dengan lahap, tidur cukup. "
                       "Perkembangan motorik sesuai umur; pengasuh melaporkan tidak ada demam.",
                       kind="observation", noted_at=_stamp((months_of_history - month) * 30 - 2))  # fmt: skip
    cases.add_note(store, cid, "Informasi keluarga kandung dari kepolisian: RAHASIA.", confidential=True,
                   noted_at=_stamp(20))  # fmt: skip
    cases.add_record(store, "assessments", cid, {
        "form_id": "kpsp", "form_version": 1, "assessed_at": _days_ago(40), "review_status": "approved",
        "summary": "Perkembangan sesuai umur.",
        "scores": {"total": {"value": 9, "band": "sesuai", "label": {"id": "Sesuai", "en": "Appropriate"},
                             "score_label": {"id": "Jumlah jawaban Ya", "en": "Yes answers"}}}})  # fmt: skip
    cases.add_record(store, "goals", cid, {"description": "Berat badan naik ke garis normal dalam 6 bulan",
                                            "atensi_component": "perawatan_pengasuhan",
                                            "target_date": _days_ago(-180), "status": "open"})  # fmt: skip
    cases.add_record(store, "goals", cid, {"description": "Penelusuran keluarga kandung",
                                            "atensi_component": "dukungan_keluarga",
                                            "target_date": _days_ago(-90), "status": "open"})  # fmt: skip
    for i, comp in enumerate(["perawatan_pengasuhan"] * 5 + ["terapi", "dukungan_keluarga"]):
        cases.add_record(store, "interventions", cid, {
            "atensi_component": comp, "description": f"Layanan {comp.replace('_', ' ')} sesi {i + 1}",
            "provided_at": _days_ago(300 - i * 30), "provider": "Tim pengasuh", "outcome": "Berjalan baik"})  # fmt: skip
    cases.add_record(store, "tasks", cid, {"title": "Timbang ulang", "due_date": _days_ago(5)})
    advance(store, cid, "intervensi")
    return cid


def barthel_scores(total: int) -> dict[str, Any]:
    band = (
        ("Ketergantungan berat", "Severe dependence")
        if total <= 8
        else ("Ketergantungan ringan", "Mild dependence")
    )
    return {"total": {"value": total, "band": "x", "label": {"id": band[0], "en": band[1]},
                      "score_label": {"id": "Skor Indeks Barthel", "en": "Barthel Index score"}}}  # fmt: skip


def elderly_case(store: Store, serial: int = 2) -> str:
    pid = person(store, "Mbah Suparmi", date(1941, 3, 7), "P", serial, dtsen_desil=1)
    cid = cases.open_case(store, pid, "08", opened_at=_days_ago(200), referral_source="Kelurahan Sidokare",
                          presenting_problem="Lansia tinggal sendiri, tidak mampu mengurus diri.")  # fmt: skip
    for days, total in ((190, 7), (60, 13)):
        cases.add_record(store, "assessments", cid, {"form_id": "barthel", "form_version": 1,
                         "assessed_at": _days_ago(days), "scores": barthel_scores(total),
                         "review_status": "approved", "summary": "Dinilai dengan observasi langsung."})  # fmt: skip
    cases.add_note(
        store, cid, "Kunjungan rumah: rumah bersih, tetangga membantu memasak.", noted_at=_stamp(45)
    )
    return cid


def disabled_adult_case(store: Store, serial: int = 3) -> str:
    pid = person(store, "Andreas Müller Ñoman", date(1990, 6, 15), "L", serial,
                 disabilities=["fisik", "sensorik netra"], guardian_name="Théodora Ñoman",
                 guardian_relation="sibling", phone="081234567890")  # fmt: skip
    cid = cases.open_case(store, pid, "09", opened_at=_days_ago(120), referral_source="Rumah Sakit Umum Daerah",
                          presenting_problem="Kehilangan pekerjaan setelah kecelakaan kerja.")  # fmt: skip
    cases.add_record(store, "interventions", cid, {"atensi_component": "aksesibilitas",
                     "description": "Kursi roda dan tongkat putih", "provided_at": _days_ago(100)})  # fmt: skip
    cases.add_record(store, "interventions", cid, {"atensi_component": "vokasional_kewirausahaan",
                     "description": "Pelatihan menjahit 3 bulan", "provided_at": _days_ago(90),
                     "outcome": "Lulus, mulai menerima pesanan"})  # fmt: skip
    return cid


def abh_case(store: Store, serial: int = 4) -> str:
    pid = person(store, "Rizky Maulana Pratama", TODAY.replace(year=TODAY.year - 15) - timedelta(days=40), "L",
                 serial, guardian_name="Slamet Riyadi", guardian_relation="parent")  # fmt: skip
    cid = cases.open_case(store, pid, "03", opened_at=_days_ago(60), referral_source="Bapas Surabaya",
                          presenting_problem="Rizky terlibat perkelahian antarkelompok; diversi disepakati.")  # fmt: skip
    cases.add_note(store, cid, "Rizky mengikuti konseling kelompok dan menyesal. Ayahnya (Slamet) hadir.",
                   noted_at=_stamp(30))  # fmt: skip
    cases.add_note(store, cid, "Catatan penyidik: rahasia.", confidential=True, noted_at=_stamp(20))
    return cid


def closed_case(store: Store, serial: int = 5) -> str:
    pid = person(store, "Dewi Lestari", date(2012, 1, 20), "P", serial)
    cid = cases.open_case(store, pid, "02", opened_at=_days_ago(400), referral_source="Sekolah")
    cases.add_record(store, "referrals", cid, {"referred_at": _days_ago(100), "to_agency": "LKSA Al-Hikmah",
                     "reason": "Pengasuhan jangka panjang", "status": "accepted"})  # fmt: skip
    advance(store, cid, "terminasi", "Anak dikembalikan kepada keluarga besar.")
    advance(store, cid, "bimbingan_lanjut")
    reviews.decide(store, reviews.submit(store, cid, "closure"), True)
    cases.close_case(store, cid, "Reunifikasi berhasil; bimbingan lanjut selesai.", closed_at=_days_ago(10))
    return cid


def many_notes_case(store: Store, serial: int = 6, count: int = 300) -> str:
    pid = person(store, "Bambang Hariyanto", date(1975, 9, 2), "L", serial)
    cid = cases.open_case(store, pid, "11", opened_at=_days_ago(count + 5), referral_source="Satpol PP")
    long_text = " ".join(
        ["Klien menceritakan riwayat hidupnya di jalanan dan rencana kembali ke kampung."] * 60
    )
    with store.transaction():
        for i in range(count):
            text = long_text if i == 7 else f"Catatan harian {i + 1}: klien mengikuti kegiatan bimbingan."
            cases.add_note(store, cid, text, noted_at=_stamp(count - i))
    return cid


def all_kinds(store: Store) -> dict[str, str]:
    return {
        "toddler": toddler_case(store),
        "elderly": elderly_case(store),
        "disabled": disabled_adult_case(store),
        "abh": abh_case(store),
        "closed": closed_case(store),
        "many_notes": many_notes_case(store),
    }


def person_row(store: Store, case_id: str) -> dict[str, Any]:
    return repository.get_row(store, "persons", repository.get_row(store, "cases", case_id)["person_id"])
