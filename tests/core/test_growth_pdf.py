"""The PDF growth section: every WHO indicator that applies, labels by age, sources of the categories."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path

from pypdf import PdfReader

from caseworker.reports import PrintContext, build_case_summary

CTX = PrintContext({"code": "SDA", "name": "UPT Uji"}, "tester", datetime(2026, 10, 17, 9, 30))


def _case(person: dict, measurements: list[dict]) -> dict:
    return {"case_number": "SDA-26-GROWTH", "category_code": "01", "stage": "asesmen", "status": "open",
            "person": person, "measurements": measurements}  # fmt: skip


def render(case: dict, lang: str = "id", out: Path | None = None) -> str:
    buffer = io.BytesIO()
    build_case_summary(case, buffer, CTX, lang=lang)
    if out is not None:
        out.write_bytes(buffer.getvalue())
    pages = PdfReader(io.BytesIO(buffer.getvalue())).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


TODDLER = _case(
    {"name": "Ani", "sex": "P", "birth_date": "2025-01-01"},
    [  # the last visit is WHO igrowup survey child 12's inputs at 96 days
        {"measured_at": "2025-02-10", "weight_kg": 4.6, "length_cm": 54.0, "position": "lying", "muac_cm": 11.9},
        {"measured_at": "2025-04-07", "weight_kg": 6.5, "length_cm": 59.299999237, "position": "lying",
         "head_cm": 39.0, "muac_cm": 14.699999809, "triceps_mm": 17.399999619, "subscapular_mm": 12.199999809},
    ],
)  # fmt: skip
SCHOOL_CHILD = _case(
    {"name": "Budi", "sex": "L", "birth_date": "2016-01-01"},
    [  # WHO who2007 survey child 48's inputs, at 3816 days
        {"measured_at": "2024-06-01", "weight_kg": 30.0, "length_cm": 138.0, "position": "standing"},
        {"measured_at": "2026-06-13", "weight_kg": 37.1, "length_cm": 146.7, "position": "standing"},
    ],
)  # fmt: skip


def test_a_toddlers_pdf_gives_all_eight_indicators_and_where_categories_come_from(tmp_path: Path) -> None:
    text = render(TODDLER, out=tmp_path / "toddler.pdf")
    for name, z in (("BB/U", "+0,71"), ("PB/U", "\u22120,42"), ("BB/PB", "+1,41"), ("IMT/U", "+1,29"),
                    ("LK/U", "\u22120,57"), ("LiLA/U", "+1,39"), ("LLT/U", "+3,51"), ("LLS/U", "+2,35")):  # fmt: skip
        assert re.search(rf"{re.escape(name)} {re.escape(z)}", text), (name, z, text)
    assert "LiLA menurut umur" in text and "IMT menurut umur" in text  # the two extra charts
    assert "Kategori (Permenkes 2/2020)" not in text
    assert "LK/U: batas \u00b12 SD WHO (Permenkes 2/2020 tidak mengaturnya)" in text
    assert "lipatan trisep 17,4 mm" in text


def test_a_ten_year_olds_pdf_uses_the_2007_reference(tmp_path: Path) -> None:
    text = render(SCHOOL_CHILD, out=tmp_path / "school.pdf")
    assert "TB/U +1,01" in text and "IMT/U +0,31 Gizi baik" in text
    assert "Tinggi badan menurut umur, TB/U" in text and "Berat badan menurut umur (kg)" not in text
    assert "BB/U - BB/U hanya sampai usia 10 tahun" in text
    english = render(SCHOOL_CHILD, "en")
    assert "Height-for-age +1.01" in english and "BMI-for-age +0.31 Normal" in english


def test_a_low_muac_is_an_alert_in_the_pdf() -> None:
    case = _case({"name": "Citra", "sex": "P", "birth_date": "2025-01-01"},
                 [{"measured_at": "2025-10-01", "weight_kg": 6.0, "muac_cm": 11.2}])  # fmt: skip
    text = render(case)
    assert "LiLA 11,2 cm (< 11,5 cm): gizi buruk, rujuk segera" in text
