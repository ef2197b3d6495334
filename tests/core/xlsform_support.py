"""XLSForm workbooks built with openpyxl for the import tests: a small screening form with skip logic,
a constraint, a required question and a calculated score."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

SURVEY_HEADER = ["type", "name", "label::Indonesian (id)", "label::English (en)", "hint::Indonesian (id)",
                 "relevant", "constraint", "constraint_message::Indonesian (id)",
                 "constraint_message::English (en)", "required", "calculation"]  # fmt: skip
SURVEY = [
    ["note", "intro", "Isi bersama pengasuh.", "Fill in with the carer.", "", "", "", "", "", "", ""],
    ["integer", "umur_bulan", "Umur anak (bulan)", "Child's age (months)", "Bulan penuh", "", ". >= 0 and . <= 72",
     "Umur 0 sampai 72 bulan.", "Age 0 to 72 months.", "yes", ""],
    ["decimal", "berat", "Berat badan (kg)", "Weight (kg)", "", "", ". > 0", "", "", "", ""],
    ["text", "pengasuh", "Nama pengasuh", "Carer's name", "", "", "", "", "", "", ""],
    ["date", "tanggal", "Tanggal kunjungan", "Visit date", "", "", "", "", "", "", ""],
    ["begin_group", "kemampuan", "Kemampuan", "Abilities", "", "${umur_bulan} >= 12", "", "", "", "", ""],
    ["select_one yt", "berjalan", "Dapat berjalan?", "Can walk?", "", "", "", "", "", "yes", ""],
    ["select_one yt", "bicara", "Dapat mengucap 2 kata?", "Says 2 words?", "", "", "", "", "", "", ""],
    ["end_group", "", "", "", "", "", "", "", "", "", ""],
    ["select_multiple masalah", "masalah", "Masalah yang terlihat", "Problems seen", "", "", "", "", "", "", ""],
    ["text", "masalah_lain", "Masalah lain", "Other problem", "", "selected(${masalah}, 'lain')", "", "", "", "",
     ""],
    ["calculate", "skor", "Skor", "Score", "", "",  "", "", "", "",
     "if(${berjalan} = 'ya', 1, 0) + if(${bicara} = 'ya', 1, 0) + count-selected(${masalah})"],
]  # fmt: skip
CHOICES = [
    ["yt", "ya", "Ya", "Yes"],
    ["yt", "tidak", "Tidak", "No"],
    ["masalah", "gizi", "Gizi", "Nutrition"],
    ["masalah", "kulit", "Kulit", "Skin"],
    ["masalah", "lain", "Lainnya", "Other"],
]
SETTINGS = {"form_id": "skrining_unit", "version": "2026120701", "form_title": "Skrining unit"}


def write_xlsform(
    path: Path,
    survey: list[list[Any]] | None = None,
    choices: list[list[Any]] | None = None,
    settings: dict[str, str] | None = None,
    header: list[str] | None = None,
) -> Path:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "survey"
    sheet.append(header or SURVEY_HEADER)
    for row in SURVEY if survey is None else survey:
        sheet.append(row)
    ch = wb.create_sheet("choices")
    ch.append(["list_name", "name", "label::Indonesian (id)", "label::English (en)"])
    for row in CHOICES if choices is None else choices:
        ch.append(row)
    st = wb.create_sheet("settings")
    values = SETTINGS if settings is None else settings
    st.append(list(values))
    st.append(list(values.values()))
    wb.save(path)
    return path
