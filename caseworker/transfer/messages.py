"""Bilingual messages of import and export (Indonesian first). Keys are prefixed `transfer.`."""

from __future__ import annotations

from caseworker import i18n

i18n.register(
    {
        # The file as a whole (exit 2: nothing imported)
        "transfer.no_file": ("Berkas {path} tidak ditemukan.", "File {path} was not found."),
        "transfer.empty_file": ("Berkas {path} kosong.", "File {path} is empty."),
        "transfer.no_rows": (
            "Berkas {path} hanya berisi judul kolom, tidak ada baris data.",
            "File {path} has a header but no data rows.",
        ),
        "transfer.not_text": (
            "Berkas {path} bukan CSV atau XLSX (isinya biner). Simpan sebagai CSV UTF-8 atau XLSX.",
            "{path} is not a CSV or XLSX file (it holds binary data). Save it as CSV UTF-8 or XLSX.",
        ),
        "transfer.old_xls": (
            "Berkas {path} berformat .xls lama. Buka di Excel/LibreOffice dan simpan sebagai .xlsx atau CSV.",
            "{path} is an old .xls file. Open it in Excel/LibreOffice and save it as .xlsx or CSV.",
        ),
        "transfer.bad_xlsx": (
            "Berkas {path} bukan XLSX yang dapat dibaca ({reason}).",
            "{path} is not a readable XLSX file ({reason}).",
        ),
        "transfer.bad_encoding": (
            "Baris {line} berisi byte 0x{byte} yang bukan UTF-8 maupun Windows-1252. "
            "Simpan berkas sebagai 'CSV UTF-8' lalu coba lagi.",
            "Line {line} holds byte 0x{byte}, which is neither UTF-8 nor Windows-1252. "
            "Save the file as 'CSV UTF-8' and try again.",
        ),
        "transfer.mixed_encoding": (
            "Berkas mencampur dua penyandian huruf (UTF-8 dan Windows-1252, mis. baris {line}); nama akan rusak. "
            "Simpan ulang seluruh berkas sebagai 'CSV UTF-8'.",
            "The file mixes two text encodings (UTF-8 and Windows-1252, e.g. line {line}); names would be "
            "garbled. Save the whole file again as 'CSV UTF-8'.",
        ),
        "transfer.bad_csv": (
            "Berkas CSV tidak dapat dibaca: {reason}.",
            "The CSV file cannot be read: {reason}.",
        ),
        "transfer.no_header": (
            "Tidak ada baris judul kolom di {path}. Baris pertama harus berisi nama kolom: {columns}.",
            "No header row in {path}. The first row must name the columns: {columns}.",
        ),
        "transfer.missing_columns": (
            "Kolom wajib tidak ada: {columns}. Kolom yang ditemukan: {found}.",
            "Required columns are missing: {columns}. Columns found: {found}.",
        ),
        "transfer.duplicate_column": (
            "Kolom {column} muncul dua kali di baris judul.",
            "Column {column} appears twice in the header row.",
        ),
        "transfer.header_moved": (
            "Catatan: judul kolom ditemukan di baris {line}, bukan baris 1; baris di atasnya diabaikan.",
            "Note: the header was found on row {line}, not row 1; the rows above it are ignored.",
        ),
        "transfer.unknown_columns": (
            "Catatan: kolom tidak dikenal diabaikan: {columns}.",
            "Note: unknown columns are ignored: {columns}.",
        ),
        "transfer.encoding_used": (
            "Catatan: berkas dibaca sebagai {encoding}.",
            "Note: the file was read as {encoding}.",
        ),
        "transfer.read_only": (
            "akun staf tidak dapat mengimpor",
            "import with a staff account",
        ),
        # One row (the row is rejected, the others go on)
        "transfer.row": ("Baris {line}: {reason}", "Line {line}: {reason}"),
        "transfer.cell_too_long": (
            "kolom {column} berisi {length} karakter; batasnya {limit}. Baris tidak diimpor.",
            "column {column} holds {length} characters; the limit is {limit}. The row was not imported.",
        ),
        "transfer.formula": (
            "kolom {column} berisi rumus ('{value}'). Rumus tidak pernah dijalankan dan tidak diimpor; "
            "tulis nilainya sebagai teks biasa.",
            "column {column} holds a formula ('{value}'). Formulas are never run nor imported; "
            "write the value as plain text.",
        ),
        "transfer.extra_cells": (
            "baris berisi {count} nilai, judul hanya {columns} kolom (ada koma/titik koma tanpa tanda kutip?).",
            "the row has {count} values but the header only {columns} columns (a comma or semicolon "
            "without quotes?).",
        ),
        "transfer.bad_date": (
            "kolom {column}: '{value}' bukan tanggal yang ada. Tulis 17/10/2026 (hari/bulan/tahun) atau 2026-10-17.",
            "column {column}: '{value}' is not a real date. Write 17/10/2026 (day/month/year) or 2026-10-17.",
        ),
        "transfer.bad_sex": (
            "kolom jenis_kelamin: '{value}' harus L (laki-laki) atau P (perempuan).",
            "column jenis_kelamin: '{value}' must be L (male) or P (female).",
        ),
        "transfer.bad_category": (
            "kolom kategori_ppks: '{value}' tidak dikenal. Tulis nama kategori atau nomornya 1-26.",
            "column kategori_ppks: '{value}' is unknown. Write the category's name or its number 1-26.",
        ),
        "transfer.required": ("kolom {column} wajib diisi.", "column {column} is required."),
        "transfer.warning": ("Baris {line} (peringatan): {reason}", "Line {line} (warning): {reason}"),
        # What happened to a row
        "transfer.existing_case": (
            "{name} sudah punya kasus aktif {number} di unit ini; tidak dibuat kasus kedua.",
            "{name} already has an open case {number} in this facility; no second case was opened.",
        ),
        "transfer.same_case": (
            "kasus {number} sudah ada; tidak dibuat kasus baru.",
            "case {number} already exists; no new case was opened.",
        ),
        "transfer.person_updated": (
            "NIK sudah terdaftar: data {name} diperbarui ({fields}).",
            "The NIK is already registered: {name}'s data was updated ({fields}).",
        ),
        "transfer.similar": (
            "mirip dengan {count} orang yang sudah terdaftar; periksa halaman Data ganda.",
            "similar to {count} person(s) already registered; check the Duplicates page.",
        ),
        "transfer.summary": (
            "{rows} baris: {created} orang baru, {updated} orang diperbarui, {opened} kasus dibuka, "
            "{existing} sudah punya kasus, {rejected} ditolak.",
            "{rows} rows: {created} new persons, {updated} persons updated, {opened} cases opened, "
            "{existing} already had a case, {rejected} rejected.",
        ),
        "transfer.dry_run": (
            "Uji coba (--dry-run): tidak ada yang disimpan.",
            "Dry run (--dry-run): nothing was saved.",
        ),
        "transfer.template_done": ("Templat ditulis ke {path}.", "Template written to {path}."),
        "transfer.template_format": (
            "Templat hanya dapat ditulis sebagai .csv atau .xlsx.",
            "A template can only be written as .csv or .xlsx.",
        ),
        # Export
        "transfer.export_done": (
            "{count} kasus diekspor ke {path}{redacted}.",
            "{count} cases exported to {path}{redacted}.",
        ),
        "transfer.export_redacted": (
            " (NIK/KK disamarkan, catatan rahasia tidak disertakan)",
            " (NIK/KK masked, confidential notes left out)",
        ),
        "transfer.export_format": (
            "Format ekspor tidak dikenal: {format}. Pilihan: json, csv, xlsx.",
            "Unknown export format: {format}. Choices: json, csv, xlsx.",
        ),
        "transfer.unknown_stage": (
            "Tahap tidak dikenal: {stage}. Pilihan: {choices}.",
            "Unknown stage: {stage}. Choices: {choices}.",
        ),
        "transfer.write_failed": (
            "Tidak dapat menulis {path}: {reason}. Tidak ada berkas setengah jadi yang tertinggal.",
            "Cannot write {path}: {reason}. No half-written file was left behind.",
        ),
        "transfer.template_example": ("Contoh", "Example"),
    }
)
