"""Words printed on reports, Indonesian first and English second (registered with caseworker.i18n)."""

from __future__ import annotations

from caseworker import i18n

_LABELS: dict[str, tuple[str, str]] = {
    # document frame
    "confidential": ("RAHASIA", "CONFIDENTIAL"),
    "confidential_line": (
        "RAHASIA \u2013 tidak untuk disebarluaskan",
        "CONFIDENTIAL \u2013 not for distribution",
    ),
    "case_summary": ("RINGKASAN KASUS", "CASE SUMMARY"),
    "redacted_version": (
        "Versi tersamar untuk pihak di luar unit: NIK/KK disamarkan, catatan rahasia tidak dicantumkan.",
        "Redacted version for outside the facility: NIK/KK masked, confidential notes left out.",
    ),
    "server_confirmed": (
        "Semua perubahan kasus ini dari laptop ini telah dikonfirmasi server (tanda terima bertanda tangan)"
        " hingga {when} UTC.",
        "All changes to this case from this laptop were confirmed by the server (signed receipts) up to"
        " {when} UTC.",
    ),
    "server_unconfirmed": (
        "Belum semua perubahan kasus ini dari laptop ini dikonfirmasi server: sinkronkan sebelum dipakai"
        " sebagai rujukan resmi.",
        "Not all changes to this case from this laptop have been confirmed by the server yet: sync before"
        " using it as the official record.",
    ),
    "case_number": ("No. Kasus", "Case no."),
    "stage": ("Tahap", "Stage"),
    "status": ("Status", "Status"),
    "status_open": ("Aktif", "Open"),
    "status_closed": ("Ditutup", "Closed"),
    "printed_by": ("Dicetak oleh {who} pada {when}", "Printed by {who} on {when}"),
    "page_of": ("Halaman {page} dari {pages}", "Page {page} of {pages}"),
    "none": ("Tidak ada data.", "None recorded."),
    "phone": ("Telp.", "Tel."),
    # identity
    "sec_identity": ("Identitas Klien", "Client identity"),
    "name": ("Nama", "Name"),
    "nickname": ("Nama panggilan", "Nickname"),
    "birth": ("Tempat, tanggal lahir", "Place and date of birth"),
    "age": ("Usia", "Age"),
    "sex": ("Jenis kelamin", "Sex"),
    "sex_L": ("Laki-laki", "Male"),
    "sex_P": ("Perempuan", "Female"),
    "nik": ("NIK", "NIK (ID no.)"),
    "no_kk": ("No. KK", "Family card no."),
    "address": ("Alamat", "Address"),
    "region": ("Wilayah", "Region"),
    "category": ("Kategori PPKS", "PPKS category"),
    "dtsen": ("Desil DTSEN", "DTSEN decile"),
    "dtsen_value": ("Desil {desil} (diperiksa {on})", "Decile {desil} (checked {on})"),
    "dtsen_value_nodate": ("Desil {desil}", "Decile {desil}"),
    "disabilities": ("Disabilitas", "Disabilities"),
    "guardian": ("Wali / orang tua", "Guardian / parent"),
    "legal_basis": ("Dasar pengasuhan", "Custody basis"),
    "family": ("Keluarga", "Family"),
    "years": ("{y} tahun", "{y} years"),
    "years_months": ("{y} tahun {m} bulan", "{y} years {m} months"),
    "months": ("{m} bulan", "{m} months"),
    "estimated": ("perkiraan", "estimated"),
    "withheld": ("dirahasiakan", "withheld"),
    "abh_notice": (
        "Anak berhadapan dengan hukum: identitas anak dirahasiakan (UU 11/2012 tentang SPPA, Pasal 19); "
        "nama ditulis dengan inisial.",
        "Child in conflict with the law: the child's identity is withheld (Law 11/2012 on juvenile justice, "
        "art. 19); the name is given as initials.",
    ),
    # referral
    "sec_referral": ("Rujukan dan Penerimaan", "Referral and intake"),
    "referral_source": ("Sumber rujukan", "Referral source"),
    "entry_date": ("Tanggal masuk", "Entry date"),
    "consent": ("Persetujuan layanan", "Consent to services"),
    "consent_value": ("{who}, {on} ({basis})", "{who}, {on} ({basis})"),
    "consent_persetujuan": ("persetujuan tertulis", "written consent"),
    "consent_putusan_pengadilan": ("putusan pengadilan", "court order"),
    "consent_surat_penyerahan": ("surat penyerahan", "letter of surrender"),
    "consent_lainnya": ("lainnya", "other"),
    "worker": ("Pekerja sosial", "Social worker"),
    "risk": ("Tingkat risiko", "Risk level"),
    "risk_low": ("Rendah", "Low"),
    "risk_medium": ("Sedang", "Medium"),
    "risk_high": ("Tinggi", "High"),
    # problem
    "sec_problem": ("Masalah yang Dihadapi", "Presenting problem"),
    # assessments
    "sec_assessments": ("Asesmen", "Assessments"),
    "date": ("Tanggal", "Date"),
    "instrument": ("Instrumen", "Instrument"),
    "score": ("Skor", "Score"),
    "band": ("Kategori", "Band"),
    "summary": ("Ringkasan", "Summary"),
    "review_draft": ("draf", "draft"),
    "review_submitted": ("diajukan", "submitted"),
    "review_approved": ("disetujui", "approved"),
    "review_returned": ("dikembalikan", "returned"),
    "incomplete": ("belum lengkap", "incomplete"),
    # growth
    "sec_growth": ("Pertumbuhan Anak", "Child growth"),
    "growth_latest": (
        "Pengukuran terakhir {on} (usia {age}): {values}.",
        "Latest measurement {on} (age {age}): {values}.",
    ),
    "weight": ("BB {v} kg", "weight {v} kg"),
    "length_lying": ("PB {v} cm", "length {v} cm"),
    "length_standing": ("TB {v} cm", "height {v} cm"),
    "head": ("LK {v} cm", "head {v} cm"),
    "muac": ("LiLA {v} cm", "MUAC {v} cm"),
    "oedema": ("edema", "oedema"),
    "indicator": ("Indikator", "Indicator"),
    "zscore": ("z-skor", "Z-score"),
    "growth_category": ("Kategori", "Category"),
    "triceps": ("lipatan trisep {v} mm", "triceps {v} mm"),
    "subscapular": ("lipatan subskapula {v} mm", "subscapular {v} mm"),
    "no_category": ("-", "-"),
    "category_note": (
        "Kategori BB/U, PB/U atau TB/U, BB/PB atau BB/TB dan IMT/U: Permenkes 2/2020 (IMT/U 5-18 tahun: acuan"
        " WHO 2007). LK/U: batas \u00b12 SD WHO (Permenkes 2/2020 tidak mengaturnya). LiLA/U, lipatan kulit dan"
        " TB/U di atas 5 tahun: z-skor WHO tanpa kategori; LiLA 6-59 bulan: < 11,5 cm gizi buruk, 11,5 - < 12,5 cm"
        " gizi kurang.",
        "Categories of weight-for-age, length/height-for-age, weight-for-length/height and BMI-for-age:"
        " Permenkes 2/2020 (BMI-for-age 5-18 years on the WHO 2007 reference). Head circumference: WHO's \u00b12 SD"
        " cut-offs (Permenkes 2/2020 does not define them). MUAC-for-age, skinfolds and height-for-age over 5"
        " years: WHO z-score without a category; MUAC at 6-59 months: < 11.5 cm severe, 11.5 - < 12.5 cm moderate"
        " acute malnutrition.",
    ),
    "recheck": ("periksa ulang pengukuran", "re-measure"),
    "age_months_axis": ("Usia (bulan)", "Age (months)"),
    "chart_waz": ("Berat badan menurut umur (kg)", "Weight-for-age (kg)"),
    "chart_haz": ("Panjang/tinggi badan menurut umur (cm)", "Length/height-for-age (cm)"),
    "chart_haz_lying": ("Panjang badan menurut umur, PB/U (cm)", "Length-for-age (cm)"),
    "chart_haz_standing": ("Tinggi badan menurut umur, TB/U (cm)", "Height-for-age (cm)"),
    "chart_baz": ("IMT menurut umur, IMT/U (kg/m\u00b2)", "BMI-for-age (kg/m\u00b2)"),
    "chart_acz": ("LiLA menurut umur, LiLA/U (cm)", "MUAC-for-age (cm)"),
    "chart_note": (
        "Garis: kurva WHO \u22123 s.d. +3 SD (tebal: median); titik: pengukuran anak.",
        "Lines: WHO curves \u22123 to +3 SD (bold: median); dots: the child's measurements.",
    ),
    # plan
    "sec_plan": ("Rencana Intervensi dan Tujuan", "Plan and goals"),
    "goal": ("Tujuan", "Goal"),
    "atensi": ("Komponen ATENSI", "ATENSI component"),
    "target": ("Target", "Target"),
    "goal_open": ("berjalan", "open"),
    "goal_achieved": ("tercapai", "achieved"),
    "goal_dropped": ("dibatalkan", "dropped"),
    # interventions
    "sec_services": ("Layanan (Komponen ATENSI)", "Services (ATENSI components)"),
    "service": ("Layanan", "Service"),
    "provider": ("Pemberi layanan", "Provider"),
    "outcome": ("Hasil", "Outcome"),
    "other_component": ("Lainnya", "Other"),
    # notes
    "sec_notes": ("Catatan Perkembangan", "Progress notes"),
    "note_visit": ("Kunjungan", "Visit"),
    "note_call": ("Telepon", "Call"),
    "note_meeting": ("Pertemuan", "Meeting"),
    "note_observation": ("Observasi", "Observation"),
    "note_other": ("Lainnya", "Other"),
    "note_by": ("oleh {who}", "by {who}"),
    "notes_left_out": (
        "{n} catatan bertanda rahasia tidak dicantumkan dalam versi ini.",
        "{n} notes marked confidential are left out of this version.",
    ),
    # closure
    "sec_closure": ("Penutupan, Rujukan dan Bimbingan Lanjut", "Closure, referral and after-care"),
    "closed_on": ("Tanggal penutupan", "Closed on"),
    "closure_reason": ("Alasan penutupan", "Reason for closure"),
    "referrals": ("Rujukan ke lembaga lain", "Referrals to other agencies"),
    "to_agency": ("Lembaga tujuan", "To agency"),
    "reason": ("Alasan", "Reason"),
    "ref_sent": ("dikirim", "sent"),
    "ref_accepted": ("diterima", "accepted"),
    "ref_completed": ("selesai", "completed"),
    "ref_declined": ("ditolak", "declined"),
    "aftercare": ("Bimbingan lanjut dan tindak lanjut", "After-care and follow-ups"),
    "aftercare_stage": (
        "Kasus berada pada tahap bimbingan lanjut.",
        "The case is in the after-care stage.",
    ),
    "task": ("Kegiatan", "Task"),
    "due": ("Jatuh tempo", "Due"),
    "done": ("Selesai", "Done"),
    "case_still_open": ("Kasus masih aktif.", "The case is still open."),
    # signatures
    "sec_signatures": ("Pengesahan", "Sign-off"),
    "sign_prepared": ("Dibuat oleh,", "Prepared by,"),
    "sign_checked": ("Diperiksa oleh,", "Reviewed by,"),
    "sign_approved": ("Mengetahui,", "Acknowledged by,"),
    "role_worker": ("Pekerja Sosial", "Social Worker"),
    "role_supervisor": ("Supervisor", "Supervisor"),
    "role_head": ("Kepala UPT", "Head of Unit"),
    "nip": ("NIP.", "NIP"),
    # caseload report
    "caseload_title": ("LAPORAN BEBAN KASUS", "CASELOAD REPORT"),
    "period": ("Periode {start} s.d. {end}", "Period {start} to {end}"),
    "as_of": ("Keadaan per {on}", "As of {on}"),
    "sec_by_facility": ("Ringkasan per Unit", "Summary by facility"),
    "sec_by_worker": ("Beban Kasus per Pekerja Sosial", "Caseload by social worker"),
    "sec_by_stage": ("Kasus Aktif per Tahap", "Open cases by stage"),
    "sec_by_category": ("Kasus Aktif per Kategori PPKS", "Open cases by PPKS category"),
    "facility": ("Unit", "Facility"),
    "open": ("Aktif", "Open"),
    "new": ("Baru", "New"),
    "closed": ("Ditutup", "Closed"),
    "overdue": ("Tindak lanjut terlambat", "Overdue follow-ups"),
    "no_contact": ("Tanpa kontak \u226530 hari", "No contact \u226530 days"),
    "total": ("Jumlah", "Total"),
    "unassigned": ("(belum ditugaskan)", "(unassigned)"),
    "chart_by_worker": ("Kasus aktif per pekerja, menurut tahap", "Open cases per worker, by stage"),
    "caseload_notes": (
        "Baru dan ditutup: dalam periode. Aktif, terlambat dan tanpa kontak: keadaan pada tanggal cetak. "
        "Tanpa kontak: tidak ada catatan sejak 30 hari (atau sejak dibuka bila belum ada catatan).",
        "New and closed: within the period. Open, overdue and no contact: on the date printed. "
        "No contact: no note for 30 days (or since opening when there is none).",
    ),
}

i18n.register({f"report.{key}": pair for key, pair in _LABELS.items()})


def t(key: str, lang: str, **params: object) -> str:
    """A report label in `lang` ('id' or 'en')."""
    return i18n.text(f"report.{key}", lang, **params)


def t_or(key: str, lang: str, fallback: str) -> str:
    """A label when the key is known (codes from data), else the fallback (e.g. the raw code)."""
    full = f"report.{key}"
    return i18n.text(full, lang) if full in i18n.MESSAGES else fallback


i18n.register(
    {
        f"report.rel_{code}": pair
        for code, pair in {
            "parent": ("orang tua", "parent"),
            "child": ("anak", "child"),
            "guardian": ("wali", "guardian"),
            "sibling": ("saudara kandung", "sibling"),
            "spouse": ("suami/istri", "spouse"),
            "grandparent": ("kakek/nenek", "grandparent"),
            "grandchild": ("cucu", "grandchild"),
            "relative": ("kerabat", "relative"),
            "other": ("lainnya", "other"),
        }.items()
    }
)
