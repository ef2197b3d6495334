"""Every user-visible string of the desktop app, Indonesian first and English second.

Modules register their words at import time (`register`) and show them with `tr(key, **params)`. The
language is the core's (caseworker.i18n), so the app, the core's messages and validation issues always
speak the same language. Qt's own dialogs are translated through a QTranslator (see `install_qt_translator`).
"""

from __future__ import annotations

from caseworker import i18n as core_i18n

LANGUAGES = core_i18n.LANGUAGES
_STRINGS: dict[str, tuple[str, str]] = {}


def register(strings: dict[str, tuple[str, str]]) -> None:
    for key, pair in strings.items():
        if key in _STRINGS and _STRINGS[key] != pair:
            raise ValueError(f"UI string {key!r} defined twice")
        _STRINGS[key] = pair


def tr(key: str, **params: object) -> str:
    """The string in the current language; the key itself when it was never registered (a visible bug)."""
    pair = _STRINGS.get(key)
    if pair is None:
        return key
    template = pair[0] if core_i18n.language() == "id" else pair[1]
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def language() -> str:
    return core_i18n.language()


def set_language(lang: str) -> None:
    core_i18n.set_language(lang)


def known_keys() -> set[str]:
    return set(_STRINGS)


def fmt_date(value: str | None) -> str:
    """A stored ISO date or UTC timestamp as dd/mm/yyyy (empty for nothing)."""
    if not value:
        return ""
    text = str(value)
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:10]}/{text[5:7]}/{text[:4]}"
    return text


def fmt_datetime(value: str | None) -> str:
    """A UTC timestamp as local dd/mm/yyyy HH:MM."""
    if not value:
        return ""
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return fmt_date(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%d/%m/%Y %H:%M")
