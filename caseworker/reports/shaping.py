"""Two fixes to reportlab's HarfBuzz shaping, installed once by fonts.register_fonts().

1. reportlab shapes each word (the text between spaces) with the font of its first character, so a word
   whose fonts change ("kasih🙏", "ꦮ.", "(الله)") came out with the first font's glyph numbers for every
   character: boxes or wrong letters. shape_word() shapes each run of one font on its own and joins them.
2. reportlab's ToUnicode map (what copy, search and text extraction read) wrote a code point beyond the
   BMP (every emoji) as five hex digits, which readers take for a different character, and mapped each
   glyph that shaping made (a Javanese pasangan, an Arabic ligature without a code point of its own) to the
   private-use character it numbered it with. to_unicode_cmap() writes UTF-16, and those glyphs as the text
   they were shaped from.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.platypus import paragraph

_lock = threading.Lock()
_installed = False
_PRIVATE = range(0xE000, 0xF900)
# For each font (its PostScript name), the text that each private-use character made by shaping stands for.
_shaped_text: dict[str, dict[int, str]] = {}


def install() -> None:
    global _installed
    if _installed:
        return
    with _lock:
        if _installed:
            return
        original = paragraph.shapeFragWord
        paragraph.shapeFragWord = lambda word, *args, **kwargs: shape_word(original, word, *args, **kwargs)
        ttfonts.makeToUnicodeCMap = to_unicode_cmap
        _installed = True


def _font_of(piece: tuple[Any, str]) -> str | None:
    frag = piece[0]
    return None if hasattr(frag, "cbDefn") else frag.fontName


def shape_word(original: Callable[..., Any], word: Any, *args: Any, **kwargs: Any) -> Any:
    """reportlab's shapeFragWord applied to each run of one font in the word, the results joined."""
    if isinstance(word, ttfonts.ShapedFragWord):
        return word
    groups: list[list[tuple[Any, str]]] = []
    font: str | None = None
    for piece in word[1:]:
        name = _font_of(piece)
        if groups and (name is None or name == font):
            groups[-1].append(piece)
        else:
            groups.append([piece])
            font = name if name is not None else font
    if len(groups) <= 1:
        return _remember(original(word, *args, **kwargs), word)
    shaped = []
    subs = []
    for group in groups:
        width = sum(
            pdfmetrics.stringWidth(text, frag.fontName, frag.fontSize)
            for frag, text in group
            if not hasattr(frag, "cbDefn")
        )
        sub = word.__class__([width, *group])
        subs.append(sub)
        shaped.append(_remember(original(sub, *args, **kwargs), sub))
    if all(result is sub for result, sub in zip(shaped, subs, strict=True)):
        return word
    joined = ttfonts.makeShapedFragWord(word)([sum(result[0] for result in shaped)])
    for result in shaped:
        joined.extend(result[1:])
    return joined


def _remember(result: Any, word: Any) -> Any:
    """Note the text behind each private-use character in a shaped word, for the ToUnicode map."""
    if not isinstance(result, ttfonts.ShapedFragWord):
        return result
    text = "".join(s for frag, s in word[1:] if not hasattr(frag, "cbDefn"))
    for frag, shaped in result[1:]:
        data = getattr(shaped, "__shapeData__", None)
        if hasattr(frag, "cbDefn") or not data:
            continue
        known = _shaped_text.setdefault(pdfmetrics.getFont(frag.fontName).face.name.decode("latin-1"), {})
        clusters = sorted({d.cluster for d in data if 0 <= d.cluster < len(text)})
        for char, d in zip(shaped, data, strict=False):
            cp = ord(char)
            if cp not in _PRIVATE or cp in known or not 0 <= d.cluster < len(text):
                continue
            later = [c for c in clusters if c > d.cluster]
            cluster_text = text[d.cluster : later[0] if later else len(text)]
            # The characters of the cluster that other glyphs already stand for are not repeated.
            others = {c for c, e in zip(shaped, data, strict=False) if e.cluster == d.cluster and c != char}
            known[cp] = "".join(c for c in cluster_text if c not in others) or cluster_text
    return result


def _utf16(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's makeToUnicodeCMap, with UTF-16 values and shaped glyphs mapped to their text."""
    name = fontname.split("+", 1)[-1]
    known = next((text for face, text in _shaped_text.items() if name.startswith(face)), {})
    pairs = [f"<{i:02X}> <{_utf16(known.get(cp) or chr(cp))}>" for i, cp in enumerate(subset)]
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *pairs,
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)
