"""Reference tables shipped in resources/reference: PPKS categories and ATENSI components.

The files are versioned JSON (`version`, `source`); they are read once on first use.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from caseworker import i18n
from caseworker.paths import resource

PPKS_FILE = ("reference", "ppks_categories.json")
ATENSI_FILE = ("reference", "atensi_components.json")


@cache
def _load(parts: tuple[str, ...]) -> dict[str, Any]:
    with resource(*parts).open(encoding="utf-8") as f:
        return json.load(f)


def _lang(lang: str | None) -> str:
    return "en" if (lang or i18n.language()) == "en" else "id"


# --- PPKS categories (Permensos 08/2012) ---


def ppks_version() -> str:
    return _load(PPKS_FILE)["version"]


def categories() -> list[dict[str, Any]]:
    """All 26 categories in regulation order: code, short, slug, name_id, name_en, child, abh, ..."""
    return list(_load(PPKS_FILE)["categories"])


@cache
def _categories_by_code() -> dict[str, dict[str, Any]]:
    return {c["code"]: c for c in _load(PPKS_FILE)["categories"]}


def category(code: str | None) -> dict[str, Any] | None:
    return _categories_by_code().get(code or "")


def is_category(code: str | None) -> bool:
    return category(code) is not None


def category_name(code: str | None, lang: str | None = None) -> str | None:
    found = category(code)
    return found[f"name_{_lang(lang)}"] if found else None


def is_child_category(code: str | None) -> bool:
    found = category(code)
    return bool(found and found["child"])


def is_abh_category(code: str | None) -> bool:
    """Children in contact with the law: their records get the strictest confidentiality (UU SPPA)."""
    found = category(code)
    return bool(found and found["abh"])


# --- ATENSI components (Asistensi Rehabilitasi Sosial) ---


def atensi_version() -> str:
    return _load(ATENSI_FILE)["version"]


def atensi_components() -> list[dict[str, Any]]:
    """The seven components in order: code, order, name_id, name_en, description_id, description_en."""
    return list(_load(ATENSI_FILE)["components"])


@cache
def _components_by_code() -> dict[str, dict[str, Any]]:
    return {c["code"]: c for c in _load(ATENSI_FILE)["components"]}


def is_atensi_component(code: str | None) -> bool:
    return (code or "") in _components_by_code()


def atensi_name(code: str | None, lang: str | None = None) -> str | None:
    found = _components_by_code().get(code or "")
    return found[f"name_{_lang(lang)}"] if found else None
