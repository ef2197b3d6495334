"""The Unicode TTF fonts every report embeds (resources/fonts), registered once.

reportlab's built-in Helvetica has no glyphs beyond Latin-1, so names like "Ñoman" or "Dwi Ā." would
print as boxes; an embedded TTF (subset per document) prints every name a worker can type. DejaVu Sans is
the text font; the scripts and emoji people paste that it lacks come from Noto fonts, one per script
(caseworker.reports.scripts picks the font of each character): Noto Sans Javanese (aksara Jawa), Noto Naskh
Arabic (Arabic script, also Pegon and Jawi) and Noto Emoji, the monochrome outline emoji font (reportlab
cannot draw the colour bitmap font).
"""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from caseworker.paths import resource
from caseworker.reports import shaping

FAMILY = "DejaVuSans"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"

JAVANESE = "NotoSansJavanese"
JAVANESE_BOLD = "NotoSansJavanese-Bold"
ARABIC = "NotoNaskhArabic"
ARABIC_BOLD = "NotoNaskhArabic-Bold"
EMOJI = "NotoEmoji"

# Each family: (regular, bold, italic, bold italic) face names; a fallback without italics uses its upright faces.
FAMILIES = {
    FAMILY: (REGULAR, BOLD, ITALIC, BOLD_ITALIC),
    JAVANESE: (JAVANESE, JAVANESE_BOLD, JAVANESE, JAVANESE_BOLD),
    ARABIC: (ARABIC, ARABIC_BOLD, ARABIC, ARABIC_BOLD),
    EMOJI: (EMOJI, EMOJI, EMOJI, EMOJI),
}
# The order a character not in a script's own font is looked for: the text font first.
FALLBACK_ORDER = (FAMILY, JAVANESE, ARABIC, EMOJI)

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    JAVANESE: "NotoSansJavanese-Regular.ttf",
    JAVANESE_BOLD: "NotoSansJavanese-Bold.ttf",
    ARABIC: "NotoNaskhArabic-Regular.ttf",
    ARABIC_BOLD: "NotoNaskhArabic-Bold.ttf",
    EMOJI: "NotoEmoji-Regular.ttf",
}
_STYLES = ((0, 0), (1, 0), (0, 1), (1, 1))
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the families with reportlab (idempotent, thread-safe); <b> and <i> in paragraphs map to
    each family's faces."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(resource("fonts", filename))))
        for family, faces in FAMILIES.items():
            # Slanted first, so that a face standing in for its italic still reads as upright (ps2tt).
            for (bold, italic), name in reversed(list(zip(_STYLES, faces, strict=True))):
                addMapping(family, bold, italic, name)
        shaping.install()
        _registered = True


def face(family: str, bold: bool = False, italic: bool = False) -> str:
    """The face name of a family in the given weight and slant."""
    return FAMILIES[family][(1 if bold else 0) + (2 if italic else 0)]


def family_of(face_name: str) -> str | None:
    for family, faces in FAMILIES.items():
        if face_name in faces:
            return family
    return None
