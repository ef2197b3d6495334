"""Nutritional-status categories of Permenkes 2/2020 (Standar Antropometri Anak), per indicator.

Permenkes 2/2020 categorises BB/U, PB/U-TB/U, BB/PB-BB/TB and IMT/U for 0-60 months and IMT/U for
5-18 years. Head circumference (LK/U) is not in the regulation: its bands are WHO's +/-2 SD clinical
cut-offs, and `category_source` says so. Arm circumference, skinfolds, TB/U and BB/U after 5 years have no
category: only the z-score is shown.

Boundaries are inclusive exactly as the regulation writes them: "normal -2 SD s.d. +1 SD" means
z = -2.00 and z = +1.00 are both normal. Classify the z-score rounded to 2 decimals (what the worker
sees), otherwise -2.004 would show as "-2.00" yet be labelled "kurang".
"""

from __future__ import annotations

from dataclasses import dataclass

from caseworker import i18n


@dataclass(frozen=True)
class Category:
    indicator: str  # waz, haz, whz, baz, hcz
    code: str  # stable English identifier, e.g. "stunted"
    severity: int  # 0 = normal, 1 = watch, 2 = problem, 3 = severe problem

    def label(self, lang: str | None = None) -> str:
        return i18n.text(f"growth.category.{self.indicator}.{self.code}", lang)


# Per indicator: (upper bound, inclusive?, code, severity) checked in order; the last row has no bound.
# "< -3" is exclusive at -3; "-3 to < -2" ends exclusive at -2; "-2 to +1" ends inclusive at +1.
_BANDS: dict[str, list[tuple[float | None, bool, str, int]]] = {
    "waz": [
        (-3.0, False, "severely_underweight", 3),
        (-2.0, False, "underweight", 2),
        (1.0, True, "normal", 0),
        (None, True, "risk_of_overweight", 1),
    ],
    "haz": [
        (-3.0, False, "severely_stunted", 3),
        (-2.0, False, "stunted", 2),
        (3.0, True, "normal", 0),
        (None, True, "tall", 1),
    ],
    "whz": [
        (-3.0, False, "severely_wasted", 3),
        (-2.0, False, "wasted", 2),
        (1.0, True, "normal", 0),
        (2.0, True, "possible_risk_of_overweight", 1),
        (3.0, True, "overweight", 2),
        (None, True, "obese", 3),
    ],
    "hcz": [
        (-2.0, False, "microcephaly", 2),
        (2.0, True, "normal", 0),
        (None, True, "macrocephaly", 2),
    ],
}
_BANDS["baz"] = _BANDS["whz"]
# IMT/U for 5-18 years (WHO 2007 reference): "gizi lebih" starts above +1 SD, "obesitas" above +2 SD.
_OLDER_BANDS: dict[str, list[tuple[float | None, bool, str, int]]] = {
    "baz": [
        (-3.0, False, "severely_thin", 3),
        (-2.0, False, "thin", 2),
        (1.0, True, "normal", 0),
        (2.0, True, "overweight", 2),
        (None, True, "obese", 3),
    ],
}

# Indicator names as Permenkes 2/2020 writes them (the length-based ones depend on the position).
INDICATOR_NAMES: dict[str, tuple[str, str]] = {
    "waz": ("BB/U", "Weight-for-age"),
    "haz_lying": ("PB/U", "Length-for-age"),
    "haz_standing": ("TB/U", "Height-for-age"),
    "whz_lying": ("BB/PB", "Weight-for-length"),
    "whz_standing": ("BB/TB", "Weight-for-height"),
    "baz": ("IMT/U", "BMI-for-age"),
    "hcz": ("LK/U", "Head circumference-for-age"),
    "acz": ("LiLA/U", "Arm circumference-for-age"),
    "tsz": ("LLT/U", "Triceps skinfold-for-age"),
    "ssz": ("LLS/U", "Subscapular skinfold-for-age"),
}

i18n.register(
    {
        "growth.category.waz.severely_underweight": ("Berat badan sangat kurang", "Severely underweight"),
        "growth.category.waz.underweight": ("Berat badan kurang", "Underweight"),
        "growth.category.waz.normal": ("Berat badan normal", "Normal weight"),
        "growth.category.waz.risk_of_overweight": ("Risiko berat badan lebih", "Risk of overweight"),
        "growth.category.haz.severely_stunted": ("Sangat pendek", "Severely stunted"),
        "growth.category.haz.stunted": ("Pendek", "Stunted"),
        "growth.category.haz.normal": ("Normal", "Normal"),
        "growth.category.haz.tall": ("Tinggi", "Tall"),
        "growth.category.whz.severely_wasted": ("Gizi buruk", "Severely wasted"),
        "growth.category.whz.wasted": ("Gizi kurang", "Wasted"),
        "growth.category.whz.normal": ("Gizi baik", "Normal"),
        "growth.category.whz.possible_risk_of_overweight": (
            "Berisiko gizi lebih",
            "Possible risk of overweight",
        ),
        "growth.category.whz.overweight": ("Gizi lebih", "Overweight"),
        "growth.category.whz.obese": ("Obesitas", "Obese"),
        "growth.category.baz.severely_wasted": ("Gizi buruk", "Severely wasted"),
        "growth.category.baz.wasted": ("Gizi kurang", "Wasted"),
        "growth.category.baz.normal": ("Gizi baik", "Normal"),
        "growth.category.baz.possible_risk_of_overweight": (
            "Berisiko gizi lebih",
            "Possible risk of overweight",
        ),
        "growth.category.baz.overweight": ("Gizi lebih", "Overweight"),
        "growth.category.baz.obese": ("Obesitas", "Obese"),
        "growth.category.hcz.microcephaly": ("Mikrosefali", "Microcephaly"),
        "growth.category.hcz.normal": ("Normal", "Normal"),
        "growth.category.hcz.macrocephaly": ("Makrosefali", "Macrocephaly"),
        "growth.category.baz.severely_thin": ("Gizi buruk", "Severe thinness"),
        "growth.category.baz.thin": ("Gizi kurang", "Thinness"),
        "growth.source.permenkes": ("Permenkes 2/2020", "Permenkes 2/2020"),
        "growth.source.who_hc": ("WHO, batas \u00b12 SD", "WHO, \u00b12 SD cut-offs"),
    }
)


def _bands(indicator: str, older: bool) -> list[tuple[float | None, bool, str, int]] | None:
    if older:
        return _OLDER_BANDS.get(indicator)
    return _BANDS.get(indicator)


def has_category(indicator: str, older: bool = False) -> bool:
    """Whether the indicator is categorised (Permenkes 2/2020, or WHO's bands for LK/U); `older` = scored
    on the WHO 2007 reference (5-19 years)."""
    return _bands(indicator, older) is not None


def category_source(indicator: str, lang: str | None = None) -> str:
    """Who defines the indicator's category bands: Permenkes 2/2020, or WHO's +/-2 SD for head size."""
    return i18n.text("growth.source.who_hc" if indicator == "hcz" else "growth.source.permenkes", lang)


def category_code(indicator: str, z: float, older: bool = False) -> str:
    """The category code of a z-score (pass it rounded to 2 decimals); `older` for 5-18 years."""
    bands = _bands(indicator, older)
    if bands is None:
        raise ValueError(f"no categories for {indicator!r}{' after 5 years' if older else ''}")
    for bound, inclusive, code, _severity in bands:
        if bound is None or z < bound or (inclusive and z == bound):
            return code
    raise AssertionError("the last band has no bound")  # pragma: no cover


def classify(indicator: str, z: float, older: bool = False) -> Category:
    """The category of a z-score (pass it rounded to 2 decimals); `older` for 5-18 years."""
    return category(indicator, category_code(indicator, z, older))


def category(indicator: str, code: str) -> Category:
    """Rebuild a Category from its stored code (GrowthResult.categories keeps codes)."""
    for _bound, _inclusive, known, severity in _BANDS[indicator] + _OLDER_BANDS.get(indicator, []):
        if known == code:
            return Category(indicator, code, severity)
    raise ValueError(f"unknown category {code!r} for {indicator}")


def indicator_name(indicator: str, standing: bool = False, lang: str | None = None) -> str:
    """Short Permenkes name: BB/U, PB/U or TB/U, BB/PB or BB/TB, IMT/U, LK/U (English in 'en')."""
    key = indicator
    if indicator in ("haz", "whz"):
        key = f"{indicator}_{'standing' if standing else 'lying'}"
    name_id, name_en = INDICATOR_NAMES[key]
    return name_id if (lang or i18n.language()) == "id" else name_en
