"""Indonesian case texts for demo cases: presenting problems, progress-note sentences, goals and
interventions by ATENSI component, referrals, tasks and closure reasons. Placeholders: {n} the client's
call name, {w} the guardian or family member, {kec} the kecamatan, {desa} the desa."""

from __future__ import annotations

import random

# Client groups the texts are written for.
TODDLER, CHILD, ABH, ELDERLY, DISABLED, ADULT = "toddler", "child", "abh", "elderly", "disabled", "adult"

PROBLEMS = {
    TODDLER: (
        "Balita ditemukan warga di teras mushola Desa {desa} tanpa identitas, kondisi lemah dan kurang gizi.",
        "Ibu kandung meninggal saat melahirkan, ayah bekerja di luar pulau; balita diasuh nenek yang sakit-sakitan.",
        "Balita gizi kurang dan stunting, orang tua tidak mampu memenuhi kebutuhan makan dan berobat.",
        "Balita ditelantarkan orang tua yang bercerai; tidak ada keluarga yang bersedia mengasuh.",
        "Balita diserahkan ibu kandung yang masih di bawah umur dan tidak memiliki dukungan keluarga.",
        "Rujukan Puskesmas: berat badan tidak naik tiga bulan berturut-turut, keluarga miskin ekstrem.",
        "Balita dari keluarga pemulung, tinggal di gubuk tanpa sanitasi, sering diare.",
    ),
    CHILD: (
        "Anak putus sekolah sejak kelas 4 SD, membantu orang tua memulung dan sering tidak pulang.",
        "Anak tinggal sendiri setelah ayah dipenjara dan ibu bekerja sebagai PMI di Malaysia.",
        "Anak mengalami kekerasan fisik dari ayah tiri; dilaporkan guru kelas ke UPTD PPA.",
        "Anak yatim piatu diasuh tetangga, kebutuhan sekolah dan makan tidak tercukupi.",
        "Anak sering mengamen di perempatan Gedangan sampai larut malam.",
        "Anak tidak memiliki akta kelahiran sehingga tidak dapat mendaftar sekolah.",
    ),
    ABH: (
        "Anak berkonflik dengan hukum (pencurian sepeda motor), diversi disepakati di Polresta Sidoarjo.",
        "Anak terlibat tawuran antarkampung; penetapan diversi dengan pembinaan di UPT selama enam bulan.",
        "Anak saksi dalam perkara kekerasan seksual; membutuhkan pendampingan psikososial selama proses hukum.",
        "Anak berkonflik dengan hukum kasus penganiayaan ringan, rekomendasi Bapas untuk rehabilitasi sosial.",
    ),
    ELDERLY: (
        "Lansia tinggal sendiri di rumah tidak layak huni, anak-anak merantau dan tidak pernah berkunjung.",
        "Lansia ditemukan terlantar di Terminal Purabaya, mengalami pikun dan tidak ingat alamat.",
        "Lansia dengan riwayat stroke, tidak ada keluarga yang merawat, kebutuhan makan dibantu tetangga.",
        "Lansia tidak memiliki KTP dan BPJS, sakit-sakitan dan tidak mampu berobat.",
        "Lansia diusir menantu dari rumah, tidur di teras masjid desa.",
    ),
    DISABLED: (
        "Penyandang disabilitas fisik (lumpuh kedua kaki) tidak memiliki kursi roda dan tidak dapat keluar rumah.",
        "Penyandang disabilitas mental dipasung keluarga di belakang rumah selama dua tahun.",
        "Penyandang disabilitas netra kehilangan pekerjaan sebagai tukang pijat sejak pandemi.",
        "Anak dengan disabilitas intelektual tidak bersekolah, orang tua tidak tahu layanan yang tersedia.",
        "Penyandang disabilitas rungu wicara menjadi korban penipuan, membutuhkan pendampingan.",
    ),
    ADULT: (
        "Perempuan kepala keluarga dengan tiga anak, suami meninggal, penghasilan tidak tetap dari buruh cuci.",
        "Korban kekerasan dalam rumah tangga, melarikan diri bersama anak balitanya ke rumah kerabat.",
        "Keluarga miskin ekstrem (desil 1 DTSEN), rumah tidak layak huni dan tanpa jamban.",
        "Gelandangan ditemukan Satpol PP di Alun-alun Sidoarjo, tidak memiliki identitas.",
        "Korban perdagangan orang, dipulangkan dari Batam oleh BP3MI Jawa Timur.",
    ),
}

REFERRAL_SOURCES = (
    "Dinas Sosial Kabupaten Sidoarjo", "Dinas Sosial Kota Surabaya", "Puskesmas {kec}", "Pemerintah Desa {desa}",
    "UPTD PPA Kabupaten Sidoarjo", "Polresta Sidoarjo", "Bapas Surabaya", "Laporan warga", "TKSK Kecamatan {kec}",
    "RSUD R.T. Notopuro Sidoarjo", "Satpol PP Kabupaten Sidoarjo", "Datang sendiri bersama keluarga",
)  # fmt: skip
LEGAL_BASIS = (
    "Surat penyerahan anak dari keluarga", "Berita acara penemuan anak dari Polsek {kec}",
    "Surat rujukan Dinas Sosial Kabupaten Sidoarjo", "Penetapan Pengadilan Agama Sidoarjo (perwalian)",
)  # fmt: skip
# (relation, sex of the guardian: L, P or "" for either), with weights.
GUARDIAN_RELATIONS_CHILD = (
    ("ibu kandung", "P", 35),
    ("ayah kandung", "L", 10),
    ("nenek", "P", 25),
    ("kakek", "L", 5),
    ("bibi", "P", 10),
    ("paman", "L", 6),
    ("kakak kandung", "", 5),
    ("ibu tiri", "P", 4),
)
GUARDIAN_RELATIONS_ADULT = (("anak kandung", "", 45), ("menantu", "", 12), ("keponakan", "", 15), ("adik kandung", "", 8),
                            ("suami", "L", 8), ("istri", "P", 8), ("tetangga", "", 4))  # fmt: skip

NOTE_OPENINGS = {
    "visit": (
        "Kunjungan rumah ke tempat tinggal {w} di Kecamatan {kec}.",
        "Home visit bersama pendamping desa; {w} ada di rumah.",
        "Kunjungan lanjutan untuk memantau kondisi {n}.",
        "Melakukan kunjungan ke rumah keluarga {n} bersama TKSK.",
    ),
    "call": (
        "Menelepon {w} untuk menanyakan perkembangan {n}.",
        "Dihubungi {w} melalui telepon, menyampaikan kabar terbaru.",
        "Konfirmasi jadwal layanan lewat WhatsApp dengan {w}.",
    ),
    "meeting": (
        "Case conference bersama supervisor, perawat dan psikolog UPT.",
        "Rapat koordinasi dengan Puskesmas dan pemerintah desa membahas {n}.",
        "Pertemuan dengan keluarga besar {n} untuk membahas rencana pengasuhan.",
    ),
    "observation": (
        "Observasi di asrama pada pagi hari.",
        "Pengamatan saat kegiatan kelompok di UPT.",
        "Observasi saat makan siang dan waktu bermain.",
    ),
}
NOTE_FINDINGS = {
    TODDLER: (
        "Nafsu makan {n} mulai membaik, habis satu porsi bubur.",
        "{n} sudah bisa berdiri berpegangan.",
        "Berat badan {n} naik dibanding bulan lalu.",
        "{n} masih rewel pada malam hari dan sering terbangun.",
        "Diare sudah berhenti, obat dari Puskesmas sudah habis.",
        "{n} mulai mengoceh dan merespons namanya.",
        "Imunisasi campak belum diberikan, dijadwalkan di Posyandu.",
        "{n} tampak ceria saat bermain dengan pengasuh.",
    ),
    CHILD: (
        "{n} mau kembali bersekolah bila ada seragam dan buku.",
        "{n} tampak lebih terbuka dan mau bercerita.",
        "Nilai rapor {n} semester ini membaik.",
        "{n} masih menolak bertemu ayah tirinya.",
        "{n} mengikuti kegiatan mengaji sore dengan rutin.",
        "Menurut {w}, {n} jarang keluar malam lagi.",
    ),
    ABH: (
        "{n} mengikuti bimbingan mental dan kegiatan keterampilan dengan baik.",
        "{n} menyatakan menyesal dan ingin kembali ke sekolah.",
        "Bapas meminta laporan perkembangan bulanan.",
        "Sidang lanjutan dijadwalkan ulang; {n} didampingi pekerja sosial.",
    ),
    ELDERLY: (
        "Mbah {n} mengeluh nyeri lutut dan sulit berjalan ke kamar mandi.",
        "Tekanan darah Mbah {n} 160/90.",
        "Mbah {n} sudah mau makan bersama penghuni lain.",
        "Mbah {n} sering lupa sudah makan atau belum.",
        "Mbah {n} senang mengikuti pengajian Kamis sore.",
        "Keluarga belum dapat dihubungi kembali.",
    ),
    DISABLED: (
        "{n} sudah dapat berpindah dari tempat tidur ke kursi roda dengan sedikit bantuan.",
        "{n} rutin minum obat dari RSJ Menur, emosinya lebih stabil.",
        "{n} berminat ikut pelatihan menjahit.",
        "Keluarga bersedia melepas pasung dan membawa {n} kontrol rutin.",
        "{n} belum memiliki kartu disabilitas.",
    ),
    ADULT: (
        "{w} sudah mendaftar usaha warung kopi kecil di depan rumah.",
        "Bantuan PKH sudah cair bulan ini.",
        "Kondisi psikologis {n} membaik, tidur lebih nyenyak.",
        "Rumah sudah masuk usulan program RTLH desa.",
        "{n} masih takut bertemu pelaku dan meminta pendampingan.",
    ),
}
NOTE_PLANS = (
    "Rencana tindak lanjut: kunjungan ulang dua minggu lagi.", "Akan dikoordinasikan dengan Puskesmas.",
    "Perlu surat keterangan dari desa untuk pengurusan administrasi.", "Dilaporkan kepada supervisor.",
    "Keluarga diminta melengkapi fotokopi KK dan akta kelahiran.", "Dijadwalkan asesmen lanjutan minggu depan.",
    "Tidak ada tindak lanjut khusus.", "Pengasuh diminta mencatat pola makan harian.",
)  # fmt: skip

GOALS = {
    "kebutuhan_hidup_layak": ("Kebutuhan makan bergizi {n} terpenuhi setiap hari",
                              "{n} memiliki tempat tinggal yang layak dan aman"),
    "perawatan_pengasuhan": ("Berat badan {n} naik sesuai kurva pertumbuhan", "{n} diasuh dalam keluarga pengganti",
                             "{n} mendapat pengasuhan yang konsisten"),
    "dukungan_keluarga": ("Keluarga mampu mengasuh {n} kembali", "{w} memahami kebutuhan perawatan {n}"),
    "terapi": ("{n} mengikuti terapi wicara secara rutin", "Kondisi emosi {n} stabil tanpa ledakan marah",
               "{n} mampu berjalan dengan alat bantu"),
    "vokasional_kewirausahaan": ("{n} menyelesaikan pelatihan menjahit dasar", "Usaha kecil {w} berjalan"),
    "bantuan_asistensi_sosial": ("{n} terdaftar sebagai penerima PBI JK", "Keluarga menerima bantuan PKH/BPNT",
                                 "{n} memiliki NIK dan KK"),
    "aksesibilitas": ("{n} memiliki kursi roda yang sesuai", "{n} dapat mengakses sekolah inklusi"),
}  # fmt: skip
INTERVENTIONS = {
    "kebutuhan_hidup_layak": ("Pemberian makanan tambahan (PMT) balita", "Pemberian permakanan lansia",
                              "Bantuan sandang dan perlengkapan tidur"),
    "perawatan_pengasuhan": ("Pengasuhan harian di asrama UPT", "Penempatan sementara di keluarga asuh",
                             "Stimulasi tumbuh kembang oleh pengasuh"),
    "dukungan_keluarga": ("Konseling keluarga", "Pertemuan keluarga (family group conference)",
                          "Edukasi pola asuh kepada orang tua"),
    "terapi": ("Fisioterapi di RSUD", "Konseling psikososial", "Bimbingan mental spiritual",
               "Terapi wicara", "Terapi okupasi"),
    "vokasional_kewirausahaan": ("Pelatihan menjahit", "Pelatihan tata boga", "Bantuan modal usaha (UEP)"),
    "bantuan_asistensi_sosial": ("Pendampingan pengurusan akta kelahiran di Dispendukcapil",
                                 "Pengusulan PBI JK ke Dinas Sosial", "Bantuan ATENSI tunai"),
    "aksesibilitas": ("Pemberian kursi roda", "Pemberian alat bantu dengar", "Pemberian tongkat dan kruk"),
}  # fmt: skip
OUTCOMES = ("Berjalan baik", "Selesai, tujuan tercapai", "Masih berlangsung", "Klien hadir tidak rutin",
            "Perlu dilanjutkan bulan depan", "")  # fmt: skip
PROVIDERS = ("UPT PPSAB Sidoarjo", "Puskesmas {kec}", "RSUD R.T. Notopuro Sidoarjo", "Dinas Sosial Kab. Sidoarjo",
             "Dispendukcapil Kab. Sidoarjo", "LKS Al Hidayah", "Pekerja sosial UPT")  # fmt: skip

REFERRALS = (
    ("Puskesmas {kec}", "Pemeriksaan kesehatan dan imunisasi"),
    ("RSUD R.T. Notopuro Sidoarjo", "Pemeriksaan gizi buruk dan tumbuh kembang"),
    ("RSJ Menur Surabaya", "Pengobatan gangguan jiwa"),
    ("Dispendukcapil Kab. Sidoarjo", "Penerbitan akta kelahiran dan KK"),
    ("UPTD PPA Kabupaten Sidoarjo", "Pendampingan hukum korban kekerasan"),
    ("UPT Pelayanan Sosial Tresna Werdha Pasuruan", "Pengasuhan lanjut usia terlantar"),
    ("SLB Negeri Sidoarjo", "Pendidikan anak berkebutuhan khusus"),
    ("LPA Jawa Timur", "Pendampingan anak"),
    ("BPJS Kesehatan Cabang Sidoarjo", "Aktivasi kepesertaan PBI JK"),
)
TASKS = (
    "Kunjungan rumah ke keluarga {n}", "Telepon {w} tentang jadwal kontrol", "Lengkapi asesmen biopsikososial",
    "Timbang dan ukur panjang badan {n}", "Urus surat keterangan tidak mampu (SKTM)", "Antar {n} kontrol ke RSUD",
    "Kirim laporan perkembangan ke Bapas", "Siapkan bahan case conference", "Ajukan PBI JK untuk {n}",
    "Minta salinan akta kelahiran", "Evaluasi rencana intervensi bersama supervisor", "Cek status DTSEN keluarga",
)  # fmt: skip
CLOSURE_REASONS = (
    "Tujuan rencana intervensi tercapai; klien kembali ke keluarga.",
    "Anak diasuh keluarga pengganti dengan penetapan pengadilan.",
    "Dirujuk dan diterima di UPT Pelayanan Sosial Tresna Werdha.",
    "Klien meninggal dunia.", "Keluarga pindah ke luar Jawa Timur, kasus dialihkan ke Dinas Sosial setempat.",
    "Klien mandiri secara ekonomi dan tidak lagi membutuhkan layanan.",
    "Masa pembinaan diversi selesai, anak kembali ke orang tua.",
)  # fmt: skip
STAGE_NOTES = ("", "", "Sesuai hasil case conference.", "Disetujui supervisor.", "Setelah asesmen lengkap.")


def fill(rng: random.Random, options: tuple[str, ...], **names: str) -> str:
    return rng.choice(options).format(**names)


def note_text(rng: random.Random, group: str, kind: str, **names: str) -> str:
    """1-4 sentences: what happened, what was found, what comes next."""
    parts = [fill(rng, NOTE_OPENINGS[kind], **names)]
    findings = NOTE_FINDINGS[group]
    for found in rng.sample(findings, k=min(len(findings), rng.choice((0, 1, 1, 2)))):
        parts.append(found.format(**names))
    if rng.random() < 0.6:
        parts.append(fill(rng, NOTE_PLANS, **names))
    return " ".join(parts)
