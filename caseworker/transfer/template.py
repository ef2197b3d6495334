"""`caseworker import --template FILE`: an empty import file with the headers, one example row and a
row explaining each column. Both are comment rows (first cell starts with `#`), which import skips."""

from __future__ import annotations

import csv
from pathlib import Path

from caseworker.domain import reference
from caseworker.errors import KnownError
from caseworker.transfer import messages  # noqa: F401  (registers the messages)
from caseworker.transfer.columns import COLUMNS, REQUIRED
from caseworker.transfer.exporter import atomic_path

EXAMPLE = {
    "nama": "Siti Aminah",
    "nik": "3515084506200001",
    "no_kk": "3515080101200005",
    "tanggal_lahir": "05/06/2020",
    "jenis_kelamin": "P",
    "alamat": "Jl. Mawar 1, Sidokare",
    "kode_wilayah": "35.15.08.1004",
    "kategori_ppks": "Anak Balita Terlantar",
    "tanggal_masuk": "15/01/2026",
    "catatan": "Diserahkan oleh kepala desa bersama surat keterangan.",
}
EXPLAIN = {
    "nama": "WAJIB. Nama lengkap / full name",
    "nik": "16 angka, boleh kosong. NIK yang sudah terdaftar memperbarui orang itu / 16 digits; a known NIK updates that person",
    "no_kk": "16 angka, boleh kosong / 16 digits, optional",
    "tanggal_lahir": "DD/MM/YYYY atau YYYY-MM-DD",
    "jenis_kelamin": "L (laki-laki) atau P (perempuan)",
    "alamat": "Alamat / address",
    "kode_wilayah": "Kode wilayah Kemendagri, mis. 35.15.08.1004",
    "kategori_ppks": "WAJIB. Nama kategori PPKS atau nomornya 1-26 (lihat lembar 'kategori') / name or number 1-26",
    "tanggal_masuk": "DD/MM/YYYY; kosong = hari ini / empty = today",
    "catatan": "Menjadi catatan perkembangan pertama / becomes the first progress note",
}
FOOTNOTE = (
    "# Baris yang diawali # tidak diimpor: isi data mulai baris berikutnya. "
    "Rows starting with # are not imported: fill in your data below."
)


def _comment_rows() -> list[list[str]]:
    example = [EXAMPLE[c] for c in COLUMNS]
    example[0] = "#Contoh/Example: " + example[0]
    explain = [EXPLAIN[c] for c in COLUMNS]
    explain[0] = "#" + explain[0]
    return [example, explain, [FOOTNOTE]]


def write_template(path: str | Path) -> Path:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise KnownError("transfer.template_format")
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            with tmp.open("w", encoding="utf-8-sig", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(COLUMNS)
                writer.writerows(_comment_rows())
        else:
            _write_xlsx(tmp)
    return path


def _write_xlsx(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(list(COLUMNS))
    for cell, column in zip(ws[1], COLUMNS, strict=True):
        cell.font = Font(bold=True)
        cell.comment = Comment(EXPLAIN[column], "Caseworker")
        ws.column_dimensions[cell.column_letter].width = 30 if column in REQUIRED else 18
    for row in _comment_rows():
        ws.append(row)
    # NIK, KK and dates typed as text: Excel would round a 16-digit NIK to 15 digits and may read
    # 05/06/2020 as 6 May.
    for letter in ("B", "C", "D", "I"):
        for r in range(5, 505):
            ws[f"{letter}{r}"].number_format = "@"
    ws.freeze_panes = "A2"
    cats = wb.create_sheet("kategori")
    cats.append(["nomor", "kategori_ppks", "category (en)"])
    for cat in reference.categories():
        cats.append([cat["code"], cat["name_id"], cat["name_en"]])
    cats.column_dimensions["B"].width = 50
    cats.column_dimensions["C"].width = 50
    wb.save(str(path))
