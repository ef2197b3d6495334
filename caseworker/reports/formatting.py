"""Small formatting helpers shared by the reports: dates dd/mm/yyyy, ages, numbers, initials, escaping."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from xml.sax.saxutils import escape

from caseworker import numbers
from caseworker.reports.labels import t


def parse_day(value: str | None) -> date | None:
    """A date from an ISO date or timestamp (timestamps are UTC and shown in the device's local time)."""
    if not value:
        return None
    try:
        if len(value) > 10:
            stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=UTC)
            return stamp.astimezone().date()
        return date.fromisoformat(value)
    except ValueError:
        return None


def fmt_date(value: str | date | None) -> str:
    day = value if isinstance(value, date) else parse_day(value)
    return day.strftime("%d/%m/%Y") if day else "-"


def fmt_datetime(value: datetime) -> str:
    return value.strftime("%d/%m/%Y %H:%M")


def fmt_number(value: float | None, decimals: int = 1, lang: str = "id") -> str:
    """12,5 in Indonesian, 12.5 in English (caseworker.numbers, as the app and the CLI show them)."""
    return numbers.format_number(value, lang, decimals)


def fmt_z(value: float | None, lang: str = "id") -> str:
    return numbers.format_z(value, lang)


def age_parts(born: date, on: date) -> tuple[int, int]:
    """Completed years and the completed months beyond them."""
    months = (on.year - born.year) * 12 + on.month - born.month - (1 if on.day < born.day else 0)
    months = max(months, 0)
    return months // 12, months % 12


def fmt_age(birth_date: str | None, on: date, lang: str) -> str:
    born = parse_day(birth_date)
    if born is None:
        return "-"
    years, months = age_parts(born, on)
    if years == 0:
        return t("months", lang, m=months)
    if years < 5:
        return t("years_months", lang, y=years, m=months)
    return t("years", lang, y=years)


def initials(name: str | None) -> str:
    """'Muhammad Rizky Pratama' -> 'M.R.P.'; one-word names (common in Indonesia) -> 'S.'."""
    words = [w for w in re.split(r"[\s.\-']+", name or "") if w]
    return "".join(f"{w[0].upper()}." for w in words) or "-"


def scrub_name(text: str, name: str | None) -> str:
    """Replace each word of the name (3+ letters) in free text by its initial: for the ABH variant,
    where workers' notes often mention the child by name."""
    out = text
    for word in sorted({w for w in re.split(r"[\s.\-']+", name or "") if len(w) >= 3}, key=len, reverse=True):
        out = re.sub(rf"\b{re.escape(word)}\b", f"{word[0].upper()}.", out, flags=re.IGNORECASE)
    return out


def para_text(text: str | None) -> str:
    """Plain text for a reportlab Paragraph: markup escaped, line breaks kept."""
    if not text:
        return ""
    return escape(text.strip()).replace("\r\n", "\n").replace("\n", "<br/>")
