"""Paragraph text in the scripts people paste: a font for each character, Arabic words in reading order.

reportlab draws a run of text in one font and has no fallback, so an emoji from WhatsApp, aksara Jawa or
Arabic in a note printed as .notdef boxes. markup() rewrites a paragraph's markup so that each run of
characters is in the first font that has them (fonts.FALLBACK_ORDER: the text font first), with the
scripts' own fonts preferred for Arabic script, Javanese and emoji (DejaVu Sans has a few Arabic letters and
emoji-like symbols, but not joined or in colour style). It also says whether the paragraph needs shaping:
reportlab then shapes each word with HarfBuzz (uharfbuzz), which joins Arabic letters, lays an Arabic word
out right to left, forms Javanese pasangan and sandhangan, and draws emoji sequences (skin tones, ZWJ).

Where the font changes inside a word ("kasih🙏"), each run is shaped with its own font (shaping.py).
The order of the words of an Arabic phrase is
the bidi algorithm's at word level (base direction left to right, as the reports are): a run of right-to-left
words, with the numbers and punctuation between them, is printed in reverse order. The run is reordered
before the paragraph is broken into lines, so an Arabic passage longer than a line reads right to left on
each line but starts on the last line; notes hold short phrases (greetings, names, a prayer).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from reportlab.pdfbase import pdfmetrics

from caseworker.reports import fonts

_TAG = re.compile(r"(<[^>]*>)")
_UNIT = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|.", re.S)
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\xa0"}
_BOLD_TAGS = {"b", "strong"}
_ITALIC_TAGS = {"i", "em"}

# Code points drawn as emoji without a variation selector (Unicode's Emoji_Presentation, below U+1F000);
# everything from U+1F000 that the emoji font has is taken as emoji too.
_EMOJI_BMP = (
    (0x231A, 0x231B), (0x23E9, 0x23EC), (0x23F0, 0x23F0), (0x23F3, 0x23F3), (0x25FD, 0x25FE),
    (0x2614, 0x2615), (0x2648, 0x2653), (0x267F, 0x267F), (0x2693, 0x2693), (0x26A1, 0x26A1),
    (0x26AA, 0x26AB), (0x26BD, 0x26BE), (0x26C4, 0x26C5), (0x26CE, 0x26CE), (0x26D4, 0x26D4),
    (0x26EA, 0x26EA), (0x26F2, 0x26F3), (0x26F5, 0x26F5), (0x26FA, 0x26FA), (0x26FD, 0x26FD),
    (0x2705, 0x2705), (0x270A, 0x270B), (0x2728, 0x2728), (0x274C, 0x274C), (0x274E, 0x274E),
    (0x2753, 0x2755), (0x2757, 0x2757), (0x2795, 0x2797), (0x27B0, 0x27B0), (0x27BF, 0x27BF),
    (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55),
)  # fmt: skip
_ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
_JAVANESE = ((0xA980, 0xA9DF),)
# Joiners and selectors stay in the font of the character before them (one shaped cluster).
_ATTACH = {0x200C, 0x200D, 0xFE0E, 0xFE0F, 0x20E3}


def _within(cp: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= cp <= high for low, high in ranges)


@cache
def _cmap(family: str) -> dict[int, int]:
    fonts.register_fonts()
    return pdfmetrics.getFont(fonts.face(family)).face.charToGlyph


def _has(family: str, cp: int) -> bool:
    return cp in _cmap(family)


@dataclass
class _Unit:
    raw: str  # as in the markup (an entity stays an entity)
    char: str  # what it stands for
    family: str | None = None  # None: neutral, takes a neighbour's font


def _decode(raw: str) -> str:
    if len(raw) == 1:
        return raw
    body = raw[1:-1]
    if body.startswith(("#x", "#X")):
        return chr(int(body[2:], 16))
    if body.startswith("#"):
        return chr(int(body[1:]))
    return _ENTITIES.get(body, "\ufffd")


def _strong_family(cp: int, next_cp: int | None) -> str | None:
    """The font a character asks for, or None for a neutral one (space, punctuation, digit, mark)."""
    if next_cp == 0xFE0F and _has(fonts.EMOJI, cp):
        return fonts.EMOJI
    if (cp >= 0x1F000 or _within(cp, _EMOJI_BMP)) and _has(fonts.EMOJI, cp):
        return fonts.EMOJI
    if _within(cp, _ARABIC):
        return fonts.ARABIC
    if _within(cp, _JAVANESE):
        return fonts.JAVANESE
    category = unicodedata.category(chr(cp))
    if category[0] in "PSNZC":
        return None
    for family in fonts.FALLBACK_ORDER:
        if _has(family, cp):
            return family
    return fonts.FAMILY


def _assign(units: list[_Unit], base: str) -> None:
    """Give every unit its font: strong characters their own, joiners and marks the one before them,
    neutrals (spaces, punctuation, digits) the text font if it has them (an emoji font's space is an
    emoji wide; a period after an Arabic word must not be shaped right to left with it), else a neighbour's."""
    for i, unit in enumerate(units):
        cp = ord(unit.char)
        if not _attaches(unit.char):
            nxt = ord(units[i + 1].char) if i + 1 < len(units) else None
            unit.family = _strong_family(cp, nxt)
    previous: str | None = None
    for i, unit in enumerate(units):
        cp = ord(unit.char)
        if unit.family is None and _attaches(unit.char) and previous is not None:
            unit.family = previous
        elif unit.family is None:
            following = next((u.family for u in units[i + 1 :] if u.family is not None), None)
            for candidate in (base, previous, following, *fonts.FALLBACK_ORDER):
                if candidate is not None and _has(candidate, cp):
                    unit.family = candidate
                    break
            else:
                unit.family = base
        previous = unit.family


def _attaches(char: str) -> bool:
    return ord(char) in _ATTACH or unicodedata.category(char).startswith("M")


def _drop_skin_tones(units: list[_Unit]) -> list[_Unit]:
    """A skin-tone modifier after an emoji: the monochrome font has no toned emoji, and draws the
    modifier as an empty space beside it."""
    return [
        unit
        for i, unit in enumerate(units)
        if not (0x1F3FB <= ord(unit.char) <= 0x1F3FF and i and units[i - 1].family == fonts.EMOJI)
    ]


def _direction(word: list[_Unit]) -> str:
    for unit in word:
        kind = unicodedata.bidirectional(unit.char)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
    return "N"


def _strong(unit: _Unit) -> bool:
    return unicodedata.bidirectional(unit.char) in ("L", "R", "AL")


def _chunks(units: list[_Unit]) -> list[list[_Unit]]:
    """Words and the spaces between them, alternately."""
    chunks: list[list[_Unit]] = []
    for unit in units:
        space = unit.char.isspace()
        if chunks and chunks[-1][0].char.isspace() == space:
            chunks[-1].append(unit)
        else:
            chunks.append([unit])
    return chunks


def _reorder(units: list[_Unit]) -> list[_Unit]:
    """Reverse each run of right-to-left words (and what stands between them) into visual order. The
    punctuation before the run's first letter and after its last ("(بسم الله)." ) stays where it is, in
    the left-to-right text around the run; HarfBuzz lays out each word's letters right to left."""
    chunks = _chunks(units)
    kinds = ["S" if chunk[0].char.isspace() else _direction(chunk) for chunk in chunks]
    if "R" not in kinds:
        return units
    out: list[_Unit] = []
    i = 0
    while i < len(chunks):
        if kinds[i] != "R":
            out.extend(chunks[i])
            i += 1
            continue
        end = i  # the last right-to-left word before a left-to-right one
        for j in range(i, len(chunks)):
            if kinds[j] == "L":
                break
            if kinds[j] == "R":
                end = j
        span = [list(chunk) for chunk in chunks[i : end + 1]]
        lead = _take_neutrals(span[0])
        trail = _take_neutrals(span[-1], from_end=True)
        out.extend(lead)
        for chunk in reversed(span):
            out.extend(chunk)
        out.extend(trail)
        i = end + 1
    return out


def _take_neutrals(chunk: list[_Unit], from_end: bool = False) -> list[_Unit]:
    """Remove and return the chunk's leading (or trailing) characters of no direction."""
    taken: list[_Unit] = []
    while chunk and not _strong(chunk[-1 if from_end else 0]):
        taken.append(chunk.pop(-1 if from_end else 0))
    return taken[::-1] if from_end else taken


def _needs_work(text: str) -> bool:
    return any(ord(ch) >= 0x0590 for ch in text)


def markup(text: str, font_name: str) -> tuple[str, bool]:
    """The paragraph markup with a <font> around each run that its style's font cannot draw, and
    whether the paragraph must be shaped. Text the style's font draws alone comes back unchanged."""
    if not _needs_work(text):
        return text, False
    base = fonts.family_of(font_name) or fonts.FAMILY
    base_bold = font_name in (fonts.BOLD, fonts.BOLD_ITALIC)
    base_italic = font_name in (fonts.ITALIC, fonts.BOLD_ITALIC)
    bold = italic = 0
    shaping = False
    out: list[str] = []
    for piece in _TAG.split(text):
        if not piece:
            continue
        if piece.startswith("<"):
            name = piece.strip("<>/ ").split()[0].lower() if piece.strip("<>/ ") else ""
            closing = piece.startswith("</")
            if name in _BOLD_TAGS:
                bold += -1 if closing else 1
            elif name in _ITALIC_TAGS:
                italic += -1 if closing else 1
            out.append(piece)
            continue
        units = [_Unit(raw, _decode(raw)) for raw in _UNIT.findall(piece)]
        _assign(units, base)
        units = _reorder(_drop_skin_tones(units))
        for family, run in _runs(units):
            if family != base:
                shaping = True
            raw = "".join(unit.raw for unit in run)
            if family == base:
                out.append(raw)
            else:
                chosen = fonts.face(family, base_bold or bold > 0, base_italic or italic > 0)
                out.append(f'<font face="{chosen}">{raw}</font>')
    return "".join(out), shaping


def _runs(units: list[_Unit]) -> list[tuple[str, list[_Unit]]]:
    runs: list[tuple[str, list[_Unit]]] = []
    for unit in units:
        family = unit.family or fonts.FAMILY
        if runs and runs[-1][0] == family:
            runs[-1][1].append(unit)
        else:
            runs.append((family, [unit]))
    return runs
