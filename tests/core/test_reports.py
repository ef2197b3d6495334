"""Case summary PDFs from real encrypted stores, checked with pypdf: section order, masking, redaction,
footer on every page, fonts, languages and the audit entry."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from caseworker.reports import PrintContext, build_case_summary, render_case_summary
from caseworker.reports.formatting import initials, scrub_name
from tests.core import test_reports_data as data

SECTIONS_ID = [
    "RINGKASAN KASUS",
    "1. Identitas Klien",
    "2. Rujukan dan Penerimaan",
    "3. Masalah yang Dihadapi",
    "4. Asesmen",
    "5. Pertumbuhan Anak",
    "6. Rencana Intervensi dan Tujuan",
    "7. Layanan (Komponen ATENSI)",
    "8. Catatan Perkembangan",
    "9. Penutupan, Rujukan dan Bimbingan Lanjut",
    "Pekerja Sosial",
    "Supervisor",
    "Kepala UPT",
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("reports")
    store = data.new_store(folder / "profile")
    ids = data.all_kinds(store)
    yield store, ids, folder
    store.close()


def pages_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def flat(pages: list[str]) -> str:
    """All pages as one line of words: table cells and paragraphs wrap wherever the layout puts them."""
    return " ".join(" ".join(pages).split())


def render(world, kind: str, name: str | None = None, **options) -> tuple[Path, list[str]]:
    store, ids, folder = world
    out = folder / f"{name or kind}.pdf"
    render_case_summary(store, ids[kind], out, **options)
    return out, pages_text(out)


def test_sections_in_order_for_a_toddler_with_growth(world):
    _, pages = render(world, "toddler")
    text = flat(pages)
    positions = [text.find(heading) for heading in SECTIONS_ID]
    assert -1 not in positions, [h for h, pos in zip(SECTIONS_ID, positions, strict=True) if pos < 0]
    assert positions == sorted(positions)
    assert text.index("UPT Perlindungan dan Pelayanan Sosial") < text.index("RINGKASAN KASUS")
    assert "Berat badan menurut umur" in text and "BB/U" in text and "Berat badan normal" in text
    assert "LK/U: batas \u00b12 SD WHO" in text


def test_every_page_has_the_footer_and_the_confidential_mark(world):
    _, pages = render(world, "many_notes")
    assert len(pages) > 5
    for number, text in enumerate(pages, start=1):
        assert f"Halaman {number} dari {len(pages)}" in text
        assert "Dicetak oleh Ratna Kusumawati, S.Tr.Sos. (ratna) pada" in text
        assert "RAHASIA" in text


def test_three_hundred_notes_all_printed_and_long_note_wraps(world):
    _, pages = render(world, "many_notes")
    text = flat(pages)
    assert "Catatan harian 1:" in text and "Catatan harian 300:" in text
    assert text.count("kembali ke kampung.") == 60  # the long note is complete, not cut at a page end


def test_nik_masked_by_default_full_on_request(world):
    store, ids, _ = world
    person = data.person_row(store, ids["disabled"])
    masked = person["nik"][:6] + "••••••" + person["nik"][-4:]
    _, pages = render(world, "disabled")
    text = flat(pages)
    assert masked in text and person["nik"] not in text and person["no_kk"] not in text
    _, pages = render(world, "disabled", "disabled_full", full_ids=True)
    text = flat(pages)
    assert person["nik"] in text and person["no_kk"] in text


@pytest.mark.parametrize("kind", ["toddler", "elderly", "disabled", "abh", "closed", "many_notes"])
def test_redacted_never_shows_full_nik_or_kk(world, kind):
    store, ids, _ = world
    person = data.person_row(store, ids[kind])
    _, pages = render(world, kind, f"{kind}_redacted", redact=True, full_ids=True)
    text = flat(pages)
    assert person["nik"] not in text and person["no_kk"] not in text
    assert "Versi tersamar" in pages[0]


def test_redacted_leaves_out_confidential_notes(world):
    _, pages = render(world, "toddler")
    assert "Informasi keluarga kandung" in flat(pages)
    _, pages = render(world, "toddler", "toddler_redacted", redact=True)
    text = flat(pages)
    assert "Informasi keluarga kandung" not in text
    assert "1 catatan bertanda rahasia tidak dicantumkan" in text
    assert "Siti Nur Aisyah" in text  # not an ABH case: the name stays


def test_abh_child_reduced_to_initials_when_redacted(world):
    _, pages = render(world, "abh", "abh_redacted", redact=True)
    text = flat(pages)
    assert "R.M.P." in text
    for word in ("Rizky", "Maulana", "Pratama", "Slamet", "Jl. Mawar", "Sidokare, Sidoarjo, Kabupaten"):
        assert word not in text, word
    assert "Catatan penyidik" not in text
    assert "(dirahasiakan)" in text and "UU 11/2012" in text
    assert "Kabupaten Sidoarjo, Jawa Timur" in text
    # The internal print of the same case keeps the identity.
    _, pages = render(world, "abh")
    assert "Rizky Maulana Pratama" in flat(pages)


def test_elderly_barthel_and_no_growth_section(world):
    _, pages = render(world, "elderly")
    text = flat(pages)
    assert "Indeks Barthel" in text and "Skor Indeks Barthel: 7" in text and "Ketergantungan berat" in text
    assert "Pertumbuhan Anak" not in text
    assert "5. Rencana Intervensi dan Tujuan" in text  # numbering continues without the growth section


def test_diacritics_print_with_the_embedded_font(world):
    out, pages = render(world, "disabled")
    text = flat(pages)
    assert "Andreas Müller Ñoman" in text and "Théodora Ñoman" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(out).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any(name.endswith("DejaVuSans") for name in fonts)
    assert any(name.endswith("DejaVuSans-Bold") for name in fonts)


def test_closed_case_shows_closure_and_referral(world):
    _, pages = render(world, "closed")
    text = flat(pages)
    assert "Status: Ditutup" in text
    assert "Tanggal penutupan" in text and "Reunifikasi berhasil" in text
    assert "LKSA Al-Hikmah" in text and "diterima" in text


def test_english_on_request(world):
    _, pages = render(world, "toddler", "toddler_en", lang="en")
    text = flat(pages)
    for heading in ("CASE SUMMARY", "1. Client identity", "Child growth", "Progress notes", "Head of Unit"):
        assert heading in text
    assert f"Page 1 of {len(pages)}" in pages[0] and "Printed by" in pages[0]
    assert "Weight-for-age" in text


def test_dates_are_day_month_year(world):
    store, ids, _ = world
    opened = store.one("SELECT opened_at FROM cases WHERE id = ?", [ids["elderly"]])["opened_at"]
    y, m, d = opened.split("-")
    _, pages = render(world, "elderly")
    assert f"Tanggal masuk {d}/{m}/{y}" in flat(pages)


def test_print_is_audited(world):
    store, ids, _ = world
    render(world, "closed", "closed_audit", redact=True, lang="en")
    row = store.one(
        "SELECT * FROM audit WHERE action = 'print' AND case_id = ? ORDER BY seq DESC", [ids["closed"]]
    )
    assert row["user"] == "ratna" and row["table_name"] == "cases"
    assert json.loads(row["details"]) == {"variant": "redacted", "lang": "en"}


def test_pure_renderer_needs_no_store_and_tolerates_missing_fields():
    case = {"case_number": "SDA-26-0000TEST", "category_code": "02", "stage": "asesmen", "status": "open",
            "person": {"name": "Ñ"}}  # fmt: skip
    ctx = PrintContext({"code": "SDA", "name": "UPT Uji"}, "tester", datetime(2026, 10, 17, 9, 30))
    buffer = io.BytesIO()
    build_case_summary(case, buffer, ctx, lang="en")
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    text = reader.pages[0].extract_text()
    assert "SDA-26-0000TEST" in text and "Printed by tester on 17/10/2026 09:30" in text
    assert "None recorded." in text


def test_no_half_written_file_when_rendering_fails(world, monkeypatch):
    store, ids, folder = world
    out = folder / "broken.pdf"

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("caseworker.reports.case_summary.build_case_summary", explode)
    with pytest.raises(RuntimeError):
        render_case_summary(store, ids["elderly"], out)
    assert not out.exists()
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_initials_and_name_scrubbing():
    assert initials("Muhammad Rizky Pratama") == "M.R.P."
    assert initials("Sukarno") == "S."
    assert initials("") == "-"
    assert scrub_name("Rizky datang; RIZKY pulang. Rizkyana lain.", "Rizky Pratama") == (
        "R. datang; R. pulang. Rizkyana lain."
    )


def _images_on_first_page(data_bytes: bytes) -> int:
    page = PdfReader(io.BytesIO(data_bytes)).pages[0]
    xobjects = page["/Resources"].get("/XObject") or {}
    return sum(1 for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image")


def test_facility_logo_in_the_letterhead_and_a_broken_logo_is_skipped(tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 140), (20, 60, 120)).save(logo)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    case = {
        "case_number": "SDA-26-LOGO",
        "category_code": "08",
        "stage": "asesmen",
        "person": {"name": "Ani"},
    }
    printed = datetime(2026, 10, 17, 9, 30)
    counts = []
    for path in (logo, broken):
        buffer = io.BytesIO()
        ctx = PrintContext({"code": "SDA", "name": "UPT Uji", "logo_path": str(path)}, "tester", printed)
        build_case_summary(case, buffer, ctx)
        counts.append(_images_on_first_page(buffer.getvalue()))
    assert counts == [1, 0]


def test_growth_section_explains_what_was_not_computed():
    born = datetime(2025, 1, 10).date()
    case = {
        "case_number": "SDA-26-GROW", "category_code": "01", "stage": "asesmen", "status": "open",
        "person": {"name": "Bayi", "sex": "L", "birth_date": born.isoformat()},
        "measurements": [
            {"measured_at": "2025-07-10", "weight_kg": 6.1, "length_cm": 63.0, "position": "lying"},
            {"measured_at": "2025-10-10", "weight_kg": 7.0, "length_cm": 68.0, "position": "lying", "oedema": 1},
            {"measured_at": "2025-11-10", "weight_kg": 0, "length_cm": 68.0},  # impossible: not plotted
        ],
    }  # fmt: skip
    ctx = PrintContext({"code": "SDA", "name": "UPT Uji"}, "tester", datetime(2026, 1, 5, 8, 0))
    buffer = io.BytesIO()
    build_case_summary(case, buffer, ctx)
    text = flat([p.extract_text() for p in PdfReader(io.BytesIO(buffer.getvalue())).pages])
    assert "Pengukuran terakhir 10/10/2025 (usia 9 bulan)" in text
    assert "Ada edema" in text and "PB/U" in text
