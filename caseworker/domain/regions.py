"""Indonesian administrative regions (Kemendagri codes): names, paths, children and search.

Codes are dotted: province `35`, kabupaten/kota `35.15`, kecamatan `35.15.08`, desa/kelurahan
`35.15.08.1001`. Every function also accepts the undotted form a NIK uses (`351508`).
The table (about 91,600 rows) is read on first use and then kept; nothing is loaded at import time.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from functools import cache

from caseworker.paths import resource

REGIONS_FILE = ("reference", "wilayah_kemendagri_2025.csv")
CHANGES_FILE = ("reference", "region_code_changes.json")

PROVINCE, KABUPATEN, KECAMATAN, DESA = 1, 2, 3, 4
_PART_LENGTHS = (2, 2, 2, 4)
_UNDOTTED = re.compile(r"\d{2}(\d{2}(\d{2}(\d{4})?)?)?")


def normalize_code(code: str | None) -> str | None:
    """`351508` or ` 35.15.08 ` -> `35.15.08`; None when it is not shaped like a region code."""
    if code is None:
        return None
    text = str(code).strip()
    if "." in text:
        parts = text.split(".")
        if len(parts) > 4 or any(
            len(p) != n or not p.isdigit() for p, n in zip(parts, _PART_LENGTHS, strict=False)
        ):
            return None
        return text
    if not _UNDOTTED.fullmatch(text):
        return None
    parts, start = [], 0
    for n in _PART_LENGTHS:
        if start >= len(text):
            break
        parts.append(text[start : start + n])
        start += n
    return ".".join(parts)


def level(code: str) -> int:
    """1 province, 2 kabupaten/kota, 3 kecamatan, 4 desa/kelurahan (of a normalised code)."""
    return code.count(".") + 1


@cache
def _names() -> dict[str, str]:
    with resource(*REGIONS_FILE).open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)  # header: code,name
        return {row[0]: row[1] for row in reader}


@cache
def _children_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {"": []}
    for code in _names():
        parent = code.rpartition(".")[0]
        index.setdefault(parent, []).append(code)
    return index


@cache
def _old_kabupaten() -> dict[str, str]:
    """Kabupaten codes from before province splits -> today's code (NIKs keep the old one)."""
    with resource(*CHANGES_FILE).open(encoding="utf-8") as f:
        data = json.load(f)
    return {old: entry["current"] for old, entry in data["kabupaten"].items()}


def load() -> None:
    """Read the tables now (e.g. in a background thread at start-up) instead of on first use."""
    _names()
    _old_kabupaten()


def region_name(code: str | None) -> str | None:
    """The official name of a current region code, or None if unknown."""
    norm = normalize_code(code)
    return _names().get(norm) if norm else None


def exists(code: str | None) -> bool:
    return region_name(code) is not None


def current_code(code: str | None) -> str | None:
    """The code as it is today: an older kabupaten prefix (before a province split) is replaced by
    the current one; None when the code is malformed. The result may still be unknown."""
    norm = normalize_code(code)
    if norm is None or level(norm) < KABUPATEN:
        return norm
    kabupaten = norm[:5]
    return _old_kabupaten().get(kabupaten, kabupaten) + norm[5:]


def is_kecamatan(code: str | None) -> bool:
    """True for a known current kecamatan code, dotted (`35.15.08`) or as in a NIK (`351508`)."""
    norm = normalize_code(code)
    return norm is not None and level(norm) == KECAMATAN and norm in _names()


def region_path(code: str | None) -> list[tuple[str, str]]:
    """[(code, name)] from the province down to the code itself; unknown levels are left out."""
    norm = normalize_code(code)
    if norm is None:
        return []
    names = _names()
    parts = norm.split(".")
    path = []
    for i in range(1, len(parts) + 1):
        prefix = ".".join(parts[:i])
        if prefix in names:
            path.append((prefix, names[prefix]))
    return path


def region_label(code: str | None) -> str:
    """A one-line label from the smallest region up: `Sidoarjo, Kabupaten Sidoarjo, Jawa Timur`."""
    return ", ".join(name for _, name in reversed(region_path(code)))


def children(code: str | None = None) -> list[tuple[str, str]]:
    """[(code, name)] of the regions directly below `code` (provinces when code is None or '')."""
    norm = "" if not code else normalize_code(code)
    if norm is None:
        return []
    names = _names()
    return [(c, names[c]) for c in _children_index().get(norm, [])]


@cache
def _lowered() -> list[tuple[str, str]]:
    return [(code, name.lower()) for code, name in _names().items()]


@cache
def _with_parents() -> dict[str, str]:
    """code -> lowered names of the region and its parents (built only for multi-word searches)."""
    lowered = dict(_lowered())
    out: dict[str, str] = {}
    for code, low in lowered.items():
        parent = code.rpartition(".")[0]
        out[code] = f"{low} {out[parent]}" if parent in out else low
    return out


def _distance(code: str, near: Sequence[str]) -> int:
    """How far `code` is from the places in `near` (most specific first): the index of the first that
    is `code` or holds it, len(near) when none does."""
    for i, place in enumerate(near):
        if code == place or code.startswith(place + "."):
            return i
    return len(near)


def search_regions(text: str, limit: int = 20, near: Sequence[str] = ()) -> list[tuple[str, str]]:
    """Regions whose name matches `text`, best first: names that start with the text (or have a
    word that does), then names containing it; among those, regions inside `near` (region codes, most
    specific first: where the person's NIK was issued, where the unit's clients live) before others,
    larger regions before smaller ones. "candi" typed in Sidoarjo offers Candi, Sidoarjo before the
    Candipuro of Lampung. Extra words narrow by parent names (`lemahputro sidoarjo`). A code (`35.15`)
    lists it and what is below."""
    query = " ".join(text.lower().split())
    if not query or limit <= 0:
        return []
    names = _names()
    code_query = normalize_code(query.replace(" ", ""))
    if code_query:
        hits = [c for c in names if c == code_query or c.startswith(code_query + ".")]
        return [(c, names[c]) for c in sorted(hits, key=lambda c: (level(c), c))[:limit]]
    words = query.split()
    full = _with_parents() if len(words) > 1 else {}
    ranked: list[tuple[int, int, str]] = []
    for code, low in _lowered():
        if query in low:
            rank = 0 if low.startswith(query) or f" {query}" in low else 1
        elif full and all(w in full[code] for w in words):
            rank = 2
        else:
            continue
        ranked.append((rank, _distance(code, near), level(code), code))
    ranked.sort()
    return [(code, names[code]) for *_, code in ranked[:limit]]


def nik_places(nik: str | None) -> list[str]:
    """The kecamatan and kabupaten a NIK was issued in (its first six digits), most specific first, as
    far as they are known (an old code maps to today's region); [] for anything else."""
    digits = "".join(ch for ch in nik or "" if ch.isdigit())
    if len(digits) < 6:
        return []
    kecamatan = current_code(f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}") or ""
    kabupaten = current_code(f"{digits[0:2]}.{digits[2:4]}") or ""
    return [c for c in (kecamatan, kabupaten) if c and exists(c)]
