"""Numbers read and shown in the user's language: one place for the app, the CLI and the PDFs.

Indonesian writes 1.500.000,5 and English 1,500,000.5; money is "Rp1.500.000". People type either way
whatever the language, so `parse_number` reads "95,2" and "95.2" both as 95.2 and refuses (never
truncates) anything it cannot read.
"""

from __future__ import annotations

import math
import re

from caseworker import i18n

i18n.register(
    {
        "number_not_a_number": ("'{value}' bukan angka.", "'{value}' is not a number."),
        "number_not_an_integer": ("'{value}' harus bilangan bulat.", "'{value}' must be a whole number."),
    }
)

MINUS = "\u2212"
_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_PLAIN = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")  # 1.500.000 or 1,500,000 (one kind checked below)


class NumberError(ValueError):
    """A text that is not a number (code "not_a_number") or not a whole one ("not_an_integer")."""

    def __init__(self, code: str, value: str, lang: str | None = None) -> None:
        super().__init__(f"{code}: {value!r}")
        self.code, self.value, self.lang = code, value, lang

    def text(self, lang: str | None = None) -> str:
        return i18n.text(f"number_{self.code}", lang or self.lang, value=self.value)


def _separators(lang: str) -> tuple[str, str]:
    """(decimal mark, thousands separator)."""
    return (",", ".") if lang == "id" else (".", ",")


def parse_number(text: str, lang: str | None = None, *, integer: bool = False) -> float | int | None:
    """The number in `text`, None for an empty text; NumberError when it cannot be read.

    A lone separator is a decimal mark ("95,2", "95.2"), except in a whole-number field where a lone
    separator before exactly three digits groups thousands ("1.500", "1,500"). Reading is deliberately
    the same in both languages (people type both ways); `lang` only words the error.
    Several separators of one kind group thousands ("1.500.000"); with both kinds, the last one is the
    decimal mark ("1.500.000,50", "1,500,000.50"). A leading "Rp" and spaces are ignored.
    """
    raw = text
    body = _SPACES.sub("", text or "")
    if not body:
        return None
    if body[:2].lower() == "rp":
        body = body[2:]
    sign = 1
    if body[:1] and body[0] in "+-" + MINUS:
        sign, body = (-1 if body[0] != "+" else 1), body[1:]
    whole, frac = body, ""
    has_dot, has_comma = "." in body, "," in body
    if has_dot and has_comma:
        mark = "." if body.rfind(".") > body.rfind(",") else ","
        whole, _, frac = body.rpartition(mark)
        group = "," if mark == "." else "."
        if mark in whole or not _GROUPED.match(whole) or group not in whole:
            raise NumberError("not_a_number", raw.strip(), lang)
        whole = whole.replace(group, "")
    elif has_dot or has_comma:
        sep = "." if has_dot else ","
        count = body.count(sep)
        if count > 1:
            if not _GROUPED.match(body):
                raise NumberError("not_a_number", raw.strip(), lang)
            whole = body.replace(sep, "")
        else:
            left, _, right = body.partition(sep)
            if integer and len(right) == 3 and _GROUPED.match(body):
                whole = left + right
            else:
                whole, frac = left, right
    if not whole:
        whole = "0" if frac else ""
    if not _PLAIN.match(whole) or (frac and not _PLAIN.match(frac)) or (not frac and body[-1:] in ".,"):
        raise NumberError("not_a_number", raw.strip(), lang)
    if integer:
        if frac.strip("0"):
            raise NumberError("not_an_integer", raw.strip(), lang)
        return sign * int(whole)
    if not frac:
        return sign * int(whole)
    value = sign * float(f"{whole}.{frac}")
    if not math.isfinite(value):
        raise NumberError("not_a_number", raw.strip(), lang)
    return value


def format_number(
    value: float | None, lang: str | None = None, decimals: int | None = None, *, sign: bool = False
) -> str:
    """1.500.000,5 (Indonesian) or 1,500,000.5 (English); '-' for nothing.

    `decimals` fixes the digits after the mark (None: as few as the value needs, at most 6); `sign` puts
    + on positive numbers. Negative numbers carry a true minus sign (−0,12).
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    lang = lang or i18n.language()
    decimal_mark, thousands = _separators(lang)
    if decimals is None:
        text = f"{abs(value):.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(abs(value))
    else:
        text = f"{abs(value):.{decimals}f}"
    whole, _, frac = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", thousands)
    out = grouped + (decimal_mark + frac if frac else "")
    negative = value < 0 and out.strip("0.,") != ""
    if negative:
        return MINUS + out
    return ("+" + out) if sign else out


def format_z(value: float | None, lang: str | None = None) -> str:
    """A z-score with its sign and two decimals: +1,25 / −0,12."""
    return format_number(value, lang, 2, sign=True)


def format_money(value: float | None, lang: str | None = None) -> str:
    """Rupiah: Rp1.500.000 (Indonesian), Rp1,500,000 (English); sen only when there are any."""
    if value is None:
        return "-"
    decimals = 0 if float(value).is_integer() else 2
    text = format_number(value, lang, decimals)
    return (MINUS + "Rp" + text[1:]) if text.startswith(MINUS) else "Rp" + text


def format_count(value: int | None, lang: str | None = None) -> str:
    """A whole number with thousands separators: 4.208 / 4,208."""
    return format_number(value, lang, 0)


def format_bytes(value: int, lang: str | None = None) -> str:
    """A size as people read it: 820 B, 14 kB, 1,2 MB (decimal units, one decimal below 10)."""
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if value >= size:
            amount = value / size
            return f"{format_number(amount, lang, 1 if amount < 10 else 0)} {unit}"
    return f"{format_count(value, lang)} B"
