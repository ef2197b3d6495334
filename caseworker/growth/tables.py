"""WHO LMS tables, loaded lazily once and kept as flat per-sex lists.

WHO Child Growth Standards (0-5 years): age tables indexed by age in days (0..MAX_AGE_DAYS; arm
circumference and skinfolds start at day 91, the rows before are None); length tables by length in tenths
of a centimetre minus the table's first row. A list index is the fastest lookup plain Python offers, which
matters when a report computes z-scores for thousands of measurements.

WHO Growth Reference 2007 (5-19 years): monthly rows 60..228 months, read between whole months by linear
interpolation as WHO's who2007 macro and its anthroplus package do.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path

from caseworker.paths import resource

# Last day in the daily tables WHO's igrowup macros score (they run to 1856 days, just under 61 months;
# WHO's newer anthro package stops at 60 months, 1826 days).
MAX_AGE_DAYS = 1856
# Measurements before this age are lying length (PB), from it standing height (TB).
STANDING_FROM_DAYS = 731

# Tables keyed by age in days.
AGE_TABLES = {
    "waz": "weianthro.txt",
    "haz": "lenanthro.txt",
    "baz": "bmianthro.txt",
    "hcz": "hcanthro.txt",
    "acz": "acanthro.txt",
    "tsz": "tsanthro.txt",
    "ssz": "ssanthro.txt",
}
# First day of each age table (WHO defines arm circumference and skinfolds from 3 months).
FIRST_DAY = {"acz": 91, "tsz": 91, "ssz": 91}
# WHO Growth Reference 2007, monthly rows (weight-for-age only to 120 months).
MONTH_TABLES = {
    "haz": "hfawho2007.txt",
    "baz": "bfawho2007.txt",
    "waz": "wfawho2007.txt",
}
MONTH_RANGE = {"haz": (60, 228), "baz": (60, 228), "waz": (60, 120)}
# Tables keyed by length/height in 0.1 cm steps.
LENGTH_TABLES = {
    "wfl": "wflanthro.txt",
    "wfh": "wfhanthro.txt",
}

LMS = tuple[float, float, float]


@dataclass(frozen=True)
class LengthTable:
    """Rows every 0.1 cm from `first_tenths` (e.g. 450 = 45.0 cm) to `last_tenths`, per sex."""

    first_tenths: int
    last_tenths: int
    rows: dict[int, list[LMS]]

    @property
    def min_cm(self) -> float:
        return self.first_tenths / 10

    @property
    def max_cm(self) -> float:
        return self.last_tenths / 10


_lock = threading.Lock()
_age: dict[str, dict[int, list[LMS | None]]] = {}
_length: dict[str, LengthTable] = {}
_month: dict[str, dict[int, dict[int, LMS]]] = {}


def _who_dir() -> Path:
    return resource("who")


def _read_rows(name: str) -> list[tuple[int, float, float, float, float]]:
    """(sex, key, l, m, s) rows of one tab-separated WHO file, header skipped."""
    rows = []
    with open(_who_dir() / name, encoding="utf-8", newline="") as handle:
        next(handle)
        for line in handle:
            parts = line.strip().split("\t")
            if len(parts) < 5:
                continue
            rows.append((int(parts[0]), float(parts[1]), float(parts[2]), float(parts[3]), float(parts[4])))
    return rows


def _load_age(name: str, first_day: int = 0) -> dict[int, list[LMS | None]]:
    by_sex: dict[int, list[LMS | None]] = {1: [None] * first_day, 2: [None] * first_day}
    for sex, key, lam, mu, sigma in _read_rows(name):
        day = int(key)
        if day != len(by_sex[sex]):
            raise ValueError(f"{name}: sex {sex} rows are not consecutive days at {day}")
        by_sex[sex].append((lam, mu, sigma))
    for sex, rows in by_sex.items():
        if len(rows) != MAX_AGE_DAYS + 1:
            raise ValueError(f"{name}: sex {sex} has {len(rows)} days, expected {MAX_AGE_DAYS + 1}")
    return by_sex


def _load_length(name: str) -> LengthTable:
    by_sex: dict[int, list[LMS]] = {1: [], 2: []}
    firsts: dict[int, int] = {}
    for sex, key, lam, mu, sigma in _read_rows(name):
        tenths = round(key * 10)
        first = firsts.setdefault(sex, tenths)
        if tenths - first != len(by_sex[sex]):
            raise ValueError(f"{name}: sex {sex} rows are not consecutive 0.1 cm steps at {key}")
        by_sex[sex].append((lam, mu, sigma))
    if firsts[1] != firsts[2] or len(by_sex[1]) != len(by_sex[2]):
        raise ValueError(f"{name}: boys' and girls' rows cover different lengths")
    first = firsts[1]
    return LengthTable(first, first + len(by_sex[1]) - 1, by_sex)


def age_table(indicator: str) -> dict[int, list[LMS | None]]:
    """{sex: [(L, M, S) for day 0..MAX_AGE_DAYS]} for 'waz', 'haz', 'baz', 'hcz', 'acz', 'tsz' or 'ssz'
    (None before the table's first day)."""
    table = _age.get(indicator)
    if table is None:
        with _lock:
            table = _age.get(indicator)
            if table is None:
                table = _load_age(AGE_TABLES[indicator], FIRST_DAY.get(indicator, 0))
                _age[indicator] = table
    return table


def length_table(name: str) -> LengthTable:
    """The weight-for-length ('wfl', lying) or weight-for-height ('wfh', standing) table."""
    table = _length.get(name)
    if table is None:
        with _lock:
            table = _length.get(name)
            if table is None:
                table = _load_length(LENGTH_TABLES[name])
                _length[name] = table
    return table


def lms_for_age(indicator: str, sex: int, age_days: int) -> LMS | None:
    """Exact row for an age in days (None before the table's first day); the caller checks
    0 <= age_days <= MAX_AGE_DAYS."""
    table = _age.get(indicator)
    if table is None:
        table = age_table(indicator)
    return table[sex][age_days]


def _load_months(name: str) -> dict[int, dict[int, LMS]]:
    by_sex: dict[int, dict[int, LMS]] = {1: {}, 2: {}}
    for sex, key, lam, mu, sigma in _read_rows(name):
        by_sex[sex][int(key)] = (lam, mu, sigma)
    for sex, rows in by_sex.items():
        months = sorted(rows)
        if months != list(range(months[0], months[-1] + 1)):
            raise ValueError(f"{name}: sex {sex} rows are not consecutive months")
    return by_sex


def month_table(indicator: str) -> dict[int, dict[int, LMS]]:
    """{sex: {month: (L, M, S)}} of the WHO 2007 reference for 'haz', 'baz' or 'waz'."""
    table = _month.get(indicator)
    if table is None:
        with _lock:
            table = _month.get(indicator)
            if table is None:
                table = _load_months(MONTH_TABLES[indicator])
                _month[indicator] = table
    return table


def lms_for_months(indicator: str, sex: int, months: float) -> LMS | None:
    """WHO 2007 L, M, S at an age in months, interpolated linearly between whole months (who2007 macro);
    None outside the reference's months (60-228, weight-for-age 60-120)."""
    low_month, high_month = MONTH_RANGE[indicator]
    if not (low_month <= months <= high_month):
        return None
    rows = month_table(indicator)[sex]
    low = math.trunc(months)
    fraction = months - low
    if fraction <= 0:
        return rows[low]
    l0, m0, s0 = rows[low]
    l1, m1, s1 = rows[low + 1]
    return (l0 + fraction * (l1 - l0), m0 + fraction * (m1 - m0), s0 + fraction * (s1 - s0))


def lms_for_length(name: str, sex: int, length_cm: float) -> LMS | None:
    """L, M, S at a length, linearly interpolated between the 0.1 cm rows (WHO Anthro method).

    None when the length is outside the table (45-110 cm lying, 65-120 cm standing).
    """
    table = length_table(name)
    scaled = length_cm * 10
    # The small epsilon keeps 85.2 (stored as 85.19999...) on the 85.2 row instead of 85.1.
    low = int(scaled + 1e-9)
    if low < table.first_tenths or low > table.last_tenths or scaled > table.last_tenths + 1e-9:
        return None
    rows = table.rows[sex]
    index = low - table.first_tenths
    fraction = scaled - low
    if fraction <= 1e-9 or low == table.last_tenths:
        return rows[index]
    l0, m0, s0 = rows[index]
    l1, m1, s1 = rows[index + 1]
    return (l0 + fraction * (l1 - l0), m0 + fraction * (m1 - m0), s0 + fraction * (s1 - s0))
