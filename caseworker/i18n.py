"""Bilingual user-facing messages of the core. Indonesian first, English second.

The UI has its own Qt translations; the core speaks through `text(key, **params)` so the CLI, the
server and the UI show the same words for the same problem.
"""

from __future__ import annotations

import os

LANGUAGES = ("id", "en")
_current = os.environ.get("CASEWORKER_LANG", "id") if os.environ.get("CASEWORKER_LANG") in LANGUAGES else "id"

# key -> (Indonesian, English). Parameters use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {}


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Modules add their messages at import time; a key defined twice with different words is a bug."""
    for key, pair in messages.items():
        if key in MESSAGES and MESSAGES[key] != pair:
            raise ValueError(f"message {key!r} defined twice")
        MESSAGES[key] = pair


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _current = lang


def language() -> str:
    return _current


def text(key: str, lang: str | None = None, **params: object) -> str:
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    template = pair[0] if (lang or _current) == "id" else pair[1]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
