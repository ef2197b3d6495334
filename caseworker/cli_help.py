"""The command line's help in Indonesian: argparse's own words and every command's help text.

Keyed by the English text each command module already passes to argparse (as gettext will be, issue
21): `caseworker.cli.HelpFormatter` looks each one up as `i18n.text("help:" + english)`, so the command
modules stay as they are and a help text without an entry here shows in English (tests/e2e/
test_cli_language.py finds those).
"""

from __future__ import annotations

from caseworker import i18n

INDONESIAN_HELP: dict[str, str] = {
    # argparse's own
    "usage: ": "pemakaian: ",
    "positional arguments": "argumen posisi",
    "options": "opsi",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "show program's version number and exit": "tampilkan nomor versi lalu keluar",
    # caseworker
    "Caseworker: case management for social workers": "Caseworker: manajemen kasus pekerja sosial",
    "profile folder (default: CASEWORKER_PROFILE or the user data folder)": (
        "folder profil (bawaan: CASEWORKER_PROFILE atau folder data pengguna)"
    ),
    "language of messages: id (default) or en": "bahasa pesan: id (bawaan) atau en",
    "open the app on the demo profile": "buka aplikasi dengan profil demo",
    "check that this installation works": "periksa apakah instalasi ini berfungsi",
    "create a new standalone profile; its first user is the supervisor who manages it": (
        "buat profil mandiri baru; pengguna pertamanya adalah supervisor yang mengelolanya"
    ),
    "manage the logins of this profile": "kelola login profil ini",
    "write an encrypted backup of the profile": "tulis cadangan profil yang terenkripsi",
    "restore a backup after verifying it": "pulihkan cadangan setelah diperiksa",
    "list and show cases": "daftar dan tampilkan kasus",
    "import persons and cases from a CSV or XLSX file": "impor orang dan kasus dari berkas CSV atau XLSX",
    "export cases to JSON, CSV or XLSX": "ekspor kasus ke JSON, CSV atau XLSX",
    "Compute WHO z-scores and nutritional status (Permenkes 2/2020) for one measurement.": (
        "Hitung z-skor WHO dan status gizi (Permenkes 2/2020) untuk satu pengukuran."
    ),
    "print PDF case summaries and caseload reports": "cetak ringkasan kasus dan laporan beban kasus (PDF)",
    "sync with the server (joins the server on first use)": (
        "sinkronkan dengan server (bergabung ke server pada pemakaian pertama)"
    ),
    "list and resolve sync conflicts": "daftar dan selesaikan konflik sinkronisasi",
    "changes the server refused: list, send again or discard": (
        "perubahan yang ditolak server: daftar, kirim ulang atau buang"
    ),
    "rows from the server this laptop could not store (set aside)": (
        "baris dari server yang tidak dapat disimpan laptop ini (disisihkan)"
    ),
    "create or extend a demo profile with realistic cases (password demo-demo)": (
        "buat atau tambah profil demo dengan kasus yang realistis (kata sandi demo-demo)"
    ),
    "the first login: the profile's supervisor": "login pertama: supervisor profil ini",
    "facility code, e.g. SDA": "kode unit, mis. SDA",
    "add a login for another worker of the facility": "tambahkan login untuk pekerja lain di unit ini",
    "user name (password from CASEWORKER_PASSWORD or a prompt)": (
        "nama pengguna (kata sandi dari CASEWORKER_PASSWORD atau ditanyakan)"
    ),
    "list cases": "daftar kasus",
    "one case in full (JSON)": "satu kasus lengkap (JSON)",
    "name, NIK, KK, case number or a word from the notes": "nama, NIK, KK, nomor kasus atau kata dari catatan",
    "stage code, e.g. asesmen": "kode tahap, mis. asesmen",
    "only cases assigned to me": "hanya kasus yang ditugaskan kepada saya",
    "at most this many (0 = all)": "paling banyak sejumlah ini (0 = semua)",
    "case number or id": "nomor kasus atau id",
    "CSV (UTF-8 or Windows-1252, ',' or ';') or XLSX; with --template: the file to write": (
        "CSV (UTF-8 atau Windows-1252, ',' atau ';') atau XLSX; dengan --template: berkas yang ditulis"
    ),
    "check every row without saving anything": "periksa setiap baris tanpa menyimpan apa pun",
    "write an empty template (.csv or .xlsx) to FILE": "tulis templat kosong (.csv atau .xlsx) ke FILE",
    "the file to write": "berkas yang ditulis",
    "mask NIK/KK and leave out confidential notes": "samarkan NIK/KK dan tanpa catatan rahasia",
    "only cases at this stage, e.g. asesmen": "hanya kasus pada tahap ini, mis. asesmen",
    "only cases matching this text (name, NIK, case number...)": (
        "hanya kasus yang cocok dengan teks ini (nama, NIK, nomor kasus…)"
    ),
    "male | female (also L/P, M/F, 1/2)": "laki-laki | perempuan (juga L/P, M/F, 1/2)",
    "age in completed days": "usia dalam hari genap",
    "YYYY-MM-DD or DD/MM/YYYY": "TTTT-BB-HH atau HH/BB/TTTT",
    "measurement date": "tanggal pengukuran",
    "weight in kg": "berat badan dalam kg",
    "length or height in cm": "panjang atau tinggi badan dalam cm",
    "lying | standing (how --length was measured)": "berbaring | berdiri (cara --length diukur)",
    "head circumference in cm": "lingkar kepala dalam cm",
    "mid-upper arm circumference (LiLA) in cm": "lingkar lengan atas (LiLA) dalam cm",
    "triceps skinfold in mm": "lipatan kulit trisep dalam mm",
    "subscapular skinfold in mm": "lipatan kulit subskapula dalam mm",
    "score every row of a .csv or .xlsx list": "hitung setiap baris daftar .csv atau .xlsx",
    "with --batch: the .csv or .xlsx to write": "dengan --batch: berkas .csv atau .xlsx yang ditulis",
    "bilateral pitting oedema present": "ada edema pitting bilateral",
    "print one JSON object": "cetak satu objek JSON",
    "one case summary (PDF)": "satu ringkasan kasus (PDF)",
    "caseload report per facility and worker (PDF)": "laporan beban kasus per unit dan pekerja (PDF)",
    "one summary per open case at a stage (PDFs in a folder)": (
        "satu ringkasan per kasus aktif pada satu tahap (PDF dalam folder)"
    ),
    "case number (e.g. SDA-26-7F3K2Q8M) or id": "nomor kasus (mis. SDA-26-7F3K2Q8M) atau id",
    "PDF file to write": "berkas PDF yang ditulis",
    "language of the PDF: id or en": "bahasa PDF: id atau en",
    "redacted version for sending outside the facility": "versi tersamar untuk dikirim ke luar unit",
    "print NIK and KK in full (ignored with --redact)": "cetak NIK dan KK lengkap (diabaikan dengan --redact)",
    "period start, 01/10/2026 or 2026-10-01 (default: 1st of this month)": (
        "awal periode, 01/10/2026 atau 2026-10-01 (bawaan: tanggal 1 bulan ini)"
    ),
    "period end (default: today)": "akhir periode (bawaan: hari ini)",
    "stage code: pendekatan_awal, asesmen, rencana_intervensi, intervensi, resosialisasi, terminasi, "
    "bimbingan_lanjut": (
        "kode tahap: pendekatan_awal, asesmen, rencana_intervensi, intervensi, resosialisasi, terminasi, "
        "bimbingan_lanjut"
    ),
    "folder for the PDFs": "folder untuk berkas PDF",
    "redacted versions": "versi tersamar",
    "server URL, e.g. https://sync.example.org (needed the first time)": (
        "URL server, mis. https://sync.example.org (wajib pada kali pertama)"
    ),
    'print {"pushed", "pulled", "conflicts", "rejected", "quarantined", "bytes_sent", ...}': (
        'cetak {"pushed", "pulled", "conflicts", "rejected", "quarantined", "bytes_sent", ...}'
    ),
    "attachment files after the text: auto (as --files-fast-only allows), now (whatever the link), "
    "later (text only)": (
        "berkas lampiran setelah teks: auto (sesuai --files-fast-only), now (apa pun koneksinya), "
        "later (teks saja)"
    ),
    "remember for this profile: attachment files only over fast links (about 2 Mbit/s or more)": (
        "ingat untuk profil ini: berkas lampiran hanya lewat koneksi cepat (sekitar 2 Mbit/s atau lebih)"
    ),
    # sync by file and receipts (caseworker/commands/sync_cmds.py)
    "receipts: list the server's receipts held on this laptop and check their signatures": (
        "receipts: daftar tanda terima server yang disimpan di laptop ini, dan periksa tanda tangannya"
    ),
    "with receipts: only this case's": "bersama receipts: hanya milik kasus ini",
    "no network: write this laptop's changes to FILE (for a USB stick)": (
        "tanpa jaringan: tulis perubahan laptop ini ke FILE (untuk flashdisk)"
    ),
    "no network: apply the server's reply REPLY": "tanpa jaringan: terapkan balasan server REPLY",
    "open conflicts": "konflik yang belum selesai",
    "resolve one conflict": "selesaikan satu konflik",
    "a new value for the field": "nilai baru untuk isian ini",
    "refused changes, oldest first": "perubahan yang ditolak, yang terlama dulu",
    "send one again (checked against today's permissions)": "kirim ulang satu (diperiksa dengan izin hari ini)",
    "accept the refusal (a refused new record leaves the laptop)": (
        "terima penolakan (catatan baru yang ditolak dihapus dari laptop)"
    ),
    "the id shown by `refused list`": "id yang ditampilkan `refused list`",
    "the rows set aside, with the reason": "baris yang disisihkan, dengan alasannya",
    "how many cases to add": "jumlah kasus yang ditambahkan",
    "the date the data is made relative to (YYYY-MM-DD; default: today)": (
        "tanggal acuan data (TTTT-BB-HH; bawaan: hari ini)"
    ),
    "Folder: --profile, else CASEWORKER_PROFILE, else the demo profile folder. The same --seed and "
    "--today give the same names, dates and numbers.": (
        "Folder: --profile, atau CASEWORKER_PROFILE, atau folder profil demo. --seed dan --today yang sama "
        "memberi nama, tanggal dan angka yang sama."
    ),
    # forms (caseworker/commands/forms_cmds.py)
    "the unit's instruments: import an XLSForm, list the forms": (
        "instrumen unit: impor XLSForm, daftar formulir"
    ),
    "import an XLSForm workbook as a new form version (supervisors)": (
        "impor buku kerja XLSForm sebagai versi formulir baru (supervisor)"
    ),
    "the XLSForm workbook (.xlsx)": "buku kerja XLSForm (.xlsx)",
    "the forms on offer and every imported version": "formulir yang tersedia dan setiap versi yang diimpor",
    "which KPSP questionnaire a child's age calls for, and what a score means": (
        "KPSP usia berapa yang dipakai untuk usia anak, dan arti skornya"
    ),
    "the child's birth date, YYYY-MM-DD": "tanggal lahir anak, YYYY-MM-DD",
    "the screening date, YYYY-MM-DD (default: today)": "tanggal skrining, YYYY-MM-DD (bawaan: hari ini)",
    "the number of Ya answers, to interpret": "jumlah jawaban Ya, untuk ditafsirkan",
    # referrals (issue 19)
    "referrals to other facilities: directory, list, send, accept, decline": (
        "rujukan ke unit lain: direktori, daftar, kirim, terima, tolak"
    ),
    "the facility directory received with the sync": "direktori unit yang diterima saat sinkronisasi",
    "filter by this case's needs and region (a case number)": (
        "saring menurut kebutuhan dan wilayah kasus ini (nomor kasus)"
    ),
    "PPKS category or ATENSI codes, comma-separated": "kode kategori PPKS atau ATENSI, dipisah koma",
    "the client's region code: same kabupaten/kota first": "kode wilayah klien: kabupaten/kota yang sama dulu",
    "part of a facility's name or code": "sebagian nama atau kode unit",
    "this facility's referrals (sent), or --incoming": "rujukan dari unit ini (terkirim), atau --incoming",
    "only this case's (a case number)": "hanya milik kasus ini (nomor kasus)",
    "the referrals sent to this facility": "rujukan yang dikirim ke unit ini",
    "refer a case to a facility of the directory or another agency": (
        "rujuk kasus ke unit dalam direktori atau lembaga lain"
    ),
    "the case number": "nomor kasus",
    "the receiving facility's code (see `referrals directory`)": "kode unit tujuan (lihat `referrals directory`)",
    "an agency outside the directory (a letter is printed)": "lembaga di luar direktori (surat rujukan dicetak)",
    "why the client is referred": "alasan klien dirujuk",
    "share the identity (never for ABH children)": "bagikan identitas (tidak pernah untuk ABH)",
    "shared sections, comma-separated: problem,assessments,goals,interventions,notes,measurements": (
        "bagian yang dibagikan, dipisah koma: problem,assessments,goals,interventions,notes,measurements"
    ),
    "who consented (name and relation)": "yang memberi persetujuan (nama dan hubungan)",
    "the legal basis of the consent": "dasar hukum persetujuan",
    "also write the referral letter (PDF) here": "tulis juga surat rujukan (PDF) ke sini",
    "accept an incoming referral (supervisors)": "terima rujukan masuk (supervisor)",
    "the id shown by `referrals list --incoming`": "id yang ditampilkan `referrals list --incoming`",
    "decline an incoming referral, saying why (supervisors)": "tolak rujukan masuk dengan alasannya (supervisor)",
    "why it is declined (the sender sees it)": "alasan penolakan (dilihat pengirim)",
    "write a referral's letter (PDF)": "tulis surat rujukan (PDF)",
    "the id shown by `referrals list`": "id yang ditampilkan `referrals list`",
    "the PDF file to write": "berkas PDF yang ditulis",
    "machine-readable output": "keluaran untuk mesin (JSON)",
    "withdraw a referral not answered yet": "tarik rujukan yang belum dijawab",
    "transfer: the case itself moves once accepted (supervisors; everything is shared)": (
        "pemindahan: kasusnya sendiri pindah setelah diterima (supervisor; semuanya dibagikan)"
    ),
}

i18n.register({f"help:{english}": (indonesian, english) for english, indonesian in INDONESIAN_HELP.items()})

# argparse's error messages (English from the standard library), as patterns -> Indonesian.
ERROR_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.*)", r"argumen berikut wajib diisi: \1"),
    (r"unrecognized arguments: (.*)", r"argumen tidak dikenal: \1"),
    (
        r"argument (.*?): invalid choice: (.*) \(choose from (.*)\)",
        r"argumen \1: pilihan tidak dikenal: \2 (pilih dari \3)",
    ),
    (r"argument (.*?): expected one argument", r"argumen \1: perlu satu nilai"),
    (r"argument (.*?): invalid (\w+) value: (.*)", r"argumen \1: nilai \2 tidak sah: \3"),
    (r"argument (.*?): not allowed with argument (.*)", r"argumen \1: tidak boleh bersama argumen \2"),
    (r"argument (.*?): ambiguous option: (.*)", r"argumen \1: opsi ambigu: \2"),
)
