"""The scripts and emoji people paste print in the PDFs (issue 15, item 11): a case from a real store with a
note in Indonesian, WhatsApp emoji, aksara Jawa and Arabic, read back with pypdf and poppler's pdftotext:
each character drawn by a font that has it (no .notdef), Arabic joined and right to left, the text
extractable as typed."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from caseworker.reports import fonts as report_fonts
from caseworker.reports import render_case_summary
from caseworker.reports.scripts import markup
from caseworker.store import cases
from tests.core import test_reports_data as data

JAVANESE = "ꦲꦏ꧀ꦱꦫꦗꦮ"
ARABIC = "بسم الله"
NOTE = f"Ibu klien mengirim pesan lewat WhatsApp: terima kasih 🙏😊 atas kunjungannya. Aksara Jawa: {JAVANESE}. Tulisan di dinding rumah: {ARABIC}. Selesai."  # noqa: E501


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scripts")
    store = data.new_store(folder / "profile")
    try:
        pid = data.person(store, "Siti Aminah", date(2020, 3, 4), "P", 41)
        cid = cases.open_case(store, pid, "02", opened_at=date.today().isoformat(), referral_source="Warga")
        cases.add_note(store, cid, NOTE)
        out = folder / "ringkasan.pdf"
        render_case_summary(store, cid, out)
    finally:
        store.close()
    return out


def drawn_by_font(path: Path) -> dict[str, str]:
    """The text each embedded font draws (from its ToUnicode map), by the font's name without subset tag."""
    seen: dict[str, list[str]] = {}

    def visit(text, cm, tm, font, size):
        if font is not None and text:
            seen.setdefault(str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1], []).append(text)

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return {name: "".join(parts) for name, parts in seen.items()}


def test_each_script_is_drawn_by_its_own_font_with_no_missing_glyph(pdf):
    drawn = drawn_by_font(pdf)
    assert "🙏😊" in drawn["NotoEmoji-Regular"]
    assert JAVANESE in drawn["NotoSansJavanese-Regular"]
    arabic = unicodedata.normalize("NFKC", drawn["NotoNaskhArabic-Regular"])
    assert set(ARABIC.replace(" ", "")) <= set(arabic)
    assert (
        "🙏" not in drawn["DejaVuSans"] and "ꦲ" not in drawn["DejaVuSans"] and "ب" not in drawn["DejaVuSans"]
    )
    # A font asked for a character it lacks draws .notdef (a box): every character each font drew is in it.
    face_of = {
        pdfmetrics.getFont(name).face.name.decode(): name
        for family in report_fonts.FAMILIES.values()
        for name in family
    }
    assert not drawn.pop("Helvetica", "").strip()  # reportlab's canvas default, set but drawing nothing
    for font_name, text in drawn.items():
        cmap = pdfmetrics.getFont(face_of[font_name]).face.charToGlyph
        missing = {ch for ch in text if not ch.isspace() and ord(ch) not in cmap}
        assert not missing, (font_name, missing)


def test_the_font_list_holds_the_noto_fonts(pdf):
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in PdfReader(pdf).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert {"DejaVuSans", "NotoEmoji-Regular", "NotoSansJavanese-Regular", "NotoNaskhArabic-Regular"} <= fonts


def pdftotext_words(path: Path) -> list[tuple[float, float, str]]:
    """Words as poppler lays them out (x, y, text): the glyphs of a word in the order they are drawn."""
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed: .ci/run installs it"
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = []
    for line in html.splitlines():
        line = line.strip()
        if line.startswith("<word "):
            attrs = dict(part.split("=", 1) for part in line[6 : line.index(">")].split())
            text = unescape(line[line.index(">") + 1 : line.rindex("</word>")])
            words.append((float(attrs["xMin"].strip('"')), float(attrs["yMin"].strip('"')), text))
    return words


def test_arabic_is_joined_and_right_to_left_and_the_text_extracts_as_typed(pdf):
    words = pdftotext_words(pdf)
    text = " ".join(word for _, _, word in words)
    assert "🙏😊" in text  # emoji beyond the BMP are extractable (reportlab wrote them as other characters)
    assert JAVANESE in text  # the pasangan glyph ꦏ꧀ꦱ is extracted as the letters it was shaped from
    # بسم is drawn as final mim, medial sin, initial ba from left to right: joined, right to left.
    bismi = next(w for w in words if "\ufee2\ufeb4\ufe91" in w[2])
    allah = next(w for w in words if "لله" in w[2] and w[1] == pytest.approx(bismi[1], abs=3))
    assert allah[0] < bismi[0]  # and the second word, الله, to the left of the first
    dinding = next(w for w in words if w[2] == "rumah:")
    assert dinding[0] < allah[0]  # the Indonesian around it still reads left to right


def test_markup_gives_each_run_its_font_and_reverses_only_arabic_words():
    assert markup("Ani Müller, S.Sos. &amp; <b>Budi</b>", "DejaVuSans") == (
        "Ani Müller, S.Sos. &amp; <b>Budi</b>",
        False,
    )
    text, shaping = markup("Doa: بسم الله. Amin 🙏", "DejaVuSans")
    assert shaping
    assert text == (
        'Doa: <font face="NotoNaskhArabic">الله</font> <font face="NotoNaskhArabic">بسم</font>.'
        ' Amin <font face="NotoEmoji">🙏</font>'
    )
    # Bold text asks for the fallback's bold face; an emoji straight after a word stays beside it.
    assert markup("<b>ꦱꦶꦠꦶ</b>kasih❤️", "DejaVuSans")[0] == (
        '<b><font face="NotoSansJavanese-Bold">ꦱꦶꦠꦶ</font></b>kasih<font face="NotoEmoji">❤️</font>'
    )
    assert markup("ꦱꦶꦠꦶ", "DejaVuSans-Bold")[0] == '<font face="NotoSansJavanese-Bold">ꦱꦶꦠꦶ</font>'
    # The monochrome font has no skin tones: the modifier is left out rather than printed as a gap.
    assert markup("👍🏽 ok", "DejaVuSans")[0] == '<font face="NotoEmoji">👍</font> ok'
    # An Arabic comma between two Arabic words stays with the first one.
    assert markup("بسم، الله", "DejaVuSans")[0] == (
        '<font face="NotoNaskhArabic">الله</font> <font face="NotoNaskhArabic">بسم،</font>'
    )
