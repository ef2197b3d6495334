"""The spreadsheet columns of import and export, and the small value rules both sides share.

Import and export use the same Indonesian column names, so an exported file can be imported again.
"""

from __future__ import annotations

import re
from functools import cache

from caseworker.domain import reference

# Import columns, in template and export order.
COLUMNS: tuple[str, ...] = (
    "nama",
    "nik",
    "no_kk",
    "tanggal_lahir",
    "jenis_kelamin",
    "alamat",
    "kode_wilayah",
    "kategori_ppks",
    "tanggal_masuk",
    "catatan",
)
REQUIRED: tuple[str, ...] = ("nama", "kategori_ppks")
# Export adds these; import reads `no_kasus` (to find the same case again) and ignores the other two.
EXPORT_EXTRA: tuple[str, ...] = ("no_kasus", "tahap", "status")
KNOWN: frozenset[str] = frozenset(COLUMNS + EXPORT_EXTRA)

# Column -> persons field (the other columns belong to the case or the first note).
PERSON_FIELDS: dict[str, str] = {
    "nama": "name",
    "nik": "nik",
    "no_kk": "no_kk",
    "tanggal_lahir": "birth_date",
    "jenis_kelamin": "sex",
    "alamat": "address",
    "kode_wilayah": "region_code",
}

MAX_CELL = 10_000  # characters; longer cells are refused (a 1 MB "name" is an error or an attack)

# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# On import we refuse text starting with these (a leading "-" is ordinary text: "- sudah imunisasi").
IMPORT_FORMULA_START = ("=", "+", "@")


def header_key(cell: object) -> str:
    """`  Tanggal Lahir ` -> `tanggal_lahir`: case, surrounding spaces and inner spaces/dashes ignored."""
    text = str(cell or "").replace("\ufeff", "").strip().casefold()
    return re.sub(r"[\s\-]+", "_", text)


def neutralise(value: str) -> str:
    """A text cell a spreadsheet will show as text and never run (OWASP CSV injection advice)."""
    if value and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """Undo `neutralise` on import: `'- anak sakit` written by an export comes back as `- anak sakit`."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def looks_like_formula(value: str) -> bool:
    return value.startswith(IMPORT_FORMULA_START)


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


@cache
def _category_lookup() -> dict[str, str]:
    """Every way a person may write a category -> its code: `01`, `1`, the Indonesian or English name,
    the short form (ABT) or the slug."""
    lookup: dict[str, str] = {}
    for cat in reference.categories():
        code = cat["code"]
        for alias in (code, str(int(code)), cat["name_id"], cat["name_en"], cat["short"], cat["slug"]):
            lookup.setdefault(_fold(str(alias)), code)
        # "Anak yang Berhadapan dengan Hukum (ABH)" may also be written without the bracket.
        bare = re.sub(r"\s*\([^)]*\)\s*$", "", cat["name_id"])
        lookup.setdefault(_fold(bare), code)
    return lookup


def category_code(text: str) -> str | None:
    """A category name (case and spaces ignored) or its number `1`..`26` / `01` -> the code, or None."""
    folded = _fold(text)
    if folded.endswith(".0") and folded[:-2].isdigit():  # 5.0 from a numeric spreadsheet cell
        folded = folded[:-2]
    return _category_lookup().get(folded)


_SEXES = {"l": "L", "p": "P", "laki-laki": "L", "laki laki": "L", "lk": "L", "perempuan": "P", "pr": "P"}


def sex_code(text: str) -> str | None:
    return _SEXES.get(_fold(text))
