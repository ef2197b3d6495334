"""WHO z-scores for one measurement: WHO Child Growth Standards (0-1856 days, the igrowup method) and
the WHO Growth Reference 2007 (from 1857 days to 228 months, the who2007/anthroplus method).

- Age in days; the 0-5 standards score from 0 to 1856 days (what WHO's igrowup macros score; arm
  circumference and skinfolds from 91 days). From 1857 days the 2007 reference gives TB/U and IMT/U to
  228 months (19 years) and BB/U to 120 months, at months = days / 30.4375 between whole-month rows.
- Length measured standing before 731 days gets +0.7 cm, lying from 731 days gets -0.7 cm.
- Weight-for-length (45-110 cm) before 731 days, weight-for-height (65-120 cm) from 731 days,
  interpolated linearly between the 0.1 cm rows. BMI uses the corrected length.
- Weight-for-age, weight-for-length/height and BMI-for-age beyond +/-3 SD use the "restricted" method
  (distance between the 2 and 3 SD curves), and so do arm circumference and the two skinfolds (igrowup
  and anthro compute them "adjusted" too); length-for-age and head circumference the plain LMS formula.
  In the 2007 reference BMI- and weight-for-age are restricted, height-for-age plain.
- Oedema makes the weight-based z-scores undefined. An undefined z-score is None with a reason, never a
  guessed number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from caseworker import i18n
from caseworker.errors import KnownError
from caseworker.growth.categories import category, category_code, has_category
from caseworker.growth.tables import (
    MAX_AGE_DAYS,
    STANDING_FROM_DAYS,
    age_table,
    lms_for_length,
    lms_for_months,
)

INDICATORS = ("waz", "haz", "whz", "baz", "hcz", "acz", "tsz", "ssz")
# The indicators the 0-5 standards give from 3 months (arm circumference, triceps, subscapular skinfold).
SKIN_INDICATORS = {"acz": "muac_cm", "tsz": "triceps_mm", "ssz": "subscapular_mm"}
FIRST_SKIN_DAY = 91
DAYS_PER_MONTH = 30.4375
POSITION_CORRECTION_CM = 0.7

# Biologically implausible z-scores (WHO Anthro flags): (lowest plausible, highest plausible).
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "waz": (-6.0, 5.0),
    "haz": (-6.0, 6.0),
    "whz": (-5.0, 5.0),
    "baz": (-5.0, 5.0),
    "hcz": (-5.0, 5.0),
    "acz": (-5.0, 5.0),
    "tsz": (-5.0, 5.0),
    "ssz": (-5.0, 5.0),
}
# Inputs outside these are typing mistakes, not children; they are refused instead of scored.
INPUT_LIMITS: dict[str, tuple[float, float]] = {
    "weight_kg": (0.1, 250.0),
    "length_cm": (10.0, 200.0),
    "head_cm": (10.0, 100.0),
    "muac_cm": (3.0, 100.0),
    "triceps_mm": (0.5, 100.0),
    "subscapular_mm": (0.5, 100.0),
}

_SEXES = {
    "male": 1,
    "m": 1,
    "l": 1,
    "1": 1,
    "laki-laki": 1,
    "laki": 1,
    "boy": 1,
    "female": 2,
    "f": 2,
    "p": 2,
    "2": 2,
    "perempuan": 2,
    "girl": 2,
}
_SEX_EXACT: dict[object, int] = {"male": 1, "female": 2, 1: 1, 2: 2, "L": 1, "P": 2, "M": 1, "F": 2}
_POSITIONS = {
    "lying": "lying",
    "l": "lying",
    "berbaring": "lying",
    "standing": "standing",
    "h": "standing",
    "berdiri": "standing",
}

i18n.register(
    {
        "growth.error.sex": (
            "Jenis kelamin tidak dikenal: {value}. Gunakan laki-laki (L) atau perempuan (P).",
            "Unknown sex: {value}. Use male or female.",
        ),
        "growth.error.age": (
            "Usia harus bilangan bulat hari, 0 atau lebih (diberikan: {value}).",
            "Age must be a whole number of days, 0 or more (given: {value}).",
        ),
        "growth.error.dates": (
            "Tanggal pengukuran {on} sebelum tanggal lahir {birth}.",
            "Measurement date {on} is before the birth date {birth}.",
        ),
        "growth.error.measure": (
            "{what} tidak masuk akal: {value}. Periksa angka dan satuannya.",
            "{what} is not a plausible value: {value}. Check the number and its unit.",
        ),
        "growth.error.position": (
            "Posisi pengukuran tidak dikenal: {value}. Gunakan lying (berbaring) atau standing (berdiri).",
            "Unknown measuring position: {value}. Use lying or standing.",
        ),
        "growth.reason.age_over_60_months": (
            "Usia di atas 60 bulan: di luar Standar Pertumbuhan Anak WHO.",
            "Age over 60 months: outside the WHO Child Growth Standards.",
        ),
        "growth.reason.no_weight": ("Berat badan tidak diukur.", "Weight was not measured."),
        "growth.reason.no_length": ("Panjang/tinggi badan tidak diukur.", "Length/height was not measured."),
        "growth.reason.no_head": ("Lingkar kepala tidak diukur.", "Head circumference was not measured."),
        "growth.reason.no_muac": ("LiLA tidak diukur.", "MUAC was not measured."),
        "growth.reason.no_triceps": (
            "Lipatan kulit trisep tidak diukur.",
            "Triceps skinfold was not measured.",
        ),
        "growth.reason.no_subscapular": (
            "Lipatan kulit subskapula tidak diukur.",
            "Subscapular skinfold was not measured.",
        ),
        "growth.reason.under_3_months": (
            "Di bawah 3 bulan: standar WHO untuk ukuran ini mulai usia 3 bulan.",
            "Under 3 months: the WHO standard for this measure starts at 3 months.",
        ),
        "growth.reason.not_after_5_years": (
            "Setelah usia 5 tahun WHO tidak mempunyai acuan untuk indikator ini.",
            "After 5 years WHO has no reference for this indicator.",
        ),
        "growth.reason.waz_after_10_years": (
            "BB/U hanya sampai usia 10 tahun (acuan WHO 2007); lihat IMT/U.",
            "Weight-for-age stops at 10 years (WHO 2007 reference); see BMI-for-age.",
        ),
        "growth.reason.age_over_19_years": (
            "Usia di atas 19 tahun: di luar acuan WHO 2007 (5-19 tahun).",
            "Age over 19 years: outside the WHO 2007 reference (5-19 years).",
        ),
        "growth.reason.oedema": (
            "Ada edema: z-skor berbasis berat badan tidak dihitung.",
            "Oedema: weight-based z-scores are not computed.",
        ),
        "growth.reason.length_out_of_range": (
            "Panjang/tinggi di luar tabel WHO (PB 45-110 cm, TB 65-120 cm).",
            "Length/height outside the WHO table (lying 45-110 cm, standing 65-120 cm).",
        ),
        "growth.measure.weight_kg": ("Berat badan", "Weight"),
        "growth.measure.length_cm": ("Panjang/tinggi badan", "Length/height"),
        "growth.measure.head_cm": ("Lingkar kepala", "Head circumference"),
        "growth.measure.muac_cm": ("LiLA", "MUAC"),
        "growth.measure.triceps_mm": ("Lipatan kulit trisep", "Triceps skinfold"),
        "growth.measure.subscapular_mm": ("Lipatan kulit subskapula", "Subscapular skinfold"),
    }
)


class GrowthInputError(KnownError, ValueError):
    """An input no child can have (unknown sex, negative age, zero weight): the caller must fix it."""


@dataclass(frozen=True)
class GrowthResult:
    age_days: int
    sex: int  # 1 male, 2 female (WHO coding)
    waz: float | None = None
    haz: float | None = None
    whz: float | None = None
    baz: float | None = None
    hcz: float | None = None
    acz: float | None = None
    tsz: float | None = None
    ssz: float | None = None
    reasons: dict[str, str] = field(default_factory=dict)  # indicator -> reason code (growth.reason.*)
    flags: list[str] = field(default_factory=list)  # implausible indicators: re-measure
    categories: dict[str, str] = field(default_factory=dict)  # indicator -> category code
    length_cm: float | None = None  # after the lying/standing correction
    standing: bool = False  # TB/BB-TB (from 731 days) rather than PB/BB-PB
    bmi: float | None = None
    muac_cm: float | None = None  # kept for the MUAC cut-off alert (6-59 months)
    reference: str = "who2006"  # who2006 (0-1856 days), who2007 (5-19 years) or none (older)

    @property
    def age_months(self) -> float:
        return self.age_days / DAYS_PER_MONTH

    def z(self, indicator: str) -> float | None:
        if indicator not in INDICATORS:
            raise ValueError(f"unknown indicator {indicator!r}")
        return getattr(self, indicator)

    def reason(self, indicator: str, lang: str | None = None) -> str | None:
        code = self.reasons.get(indicator)
        return None if code is None else i18n.text(f"growth.reason.{code}", lang)

    def to_json(self) -> dict[str, Any]:
        """The `caseworker growth --json` contract: z rounded to 2 decimals or null, Permenkes labels."""
        out: dict[str, Any] = {"age_days": self.age_days}
        for indicator in INDICATORS:
            value = getattr(self, indicator)
            out[indicator] = None if value is None else round2(value)
        out["reference"] = self.reference
        out["flags"] = list(self.flags)
        out["categories"] = {
            indicator: category(indicator, code).label("id") for indicator, code in self.categories.items()
        }
        return out


_age_tables: tuple = ()


def _load_age_tables() -> tuple:
    """The age tables bound once, so a computation indexes lists instead of calling lookups."""
    global _age_tables
    _age_tables = tuple(age_table(i) for i in ("waz", "haz", "baz", "hcz", "acz", "tsz", "ssz"))
    return _age_tables


def round2(value: float) -> float:
    return round(value, 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def parse_sex(sex: str | int) -> int:
    """1 for male, 2 for female; accepts male/female, L/P (Indonesian), M/F, 1/2."""
    if isinstance(sex, bool):  # True == 1 would otherwise pass as male
        raise GrowthInputError("growth.error.sex", value=sex)
    code = _SEX_EXACT.get(sex)  # the common spellings without string work
    if code is not None:
        return code
    code = _SEXES.get(str(sex).strip().lower())
    if code is None:
        raise GrowthInputError("growth.error.sex", value=sex)
    return code


def parse_position(position: str | None) -> str | None:
    if position is None or position == "lying" or position == "standing":
        return position
    value = _POSITIONS.get(str(position).strip().lower())
    if value is None:
        raise GrowthInputError("growth.error.position", value=position)
    return value


def age_in_days(birth_date: date, on: date) -> int:
    """Completed days between birth and the measurement date (the WHO tables' age key)."""
    days = (on - birth_date).days
    if days < 0:
        raise GrowthInputError("growth.error.dates", on=on.isoformat(), birth=birth_date.isoformat())
    return days


def corrected_length(age_days: int, length_cm: float, position: str | None) -> float:
    """Length as the table for this age expects it: lying before 731 days, standing from then on."""
    if position == "standing" and age_days < STANDING_FROM_DAYS:
        return length_cm + POSITION_CORRECTION_CM
    if position == "lying" and age_days >= STANDING_FROM_DAYS:
        return length_cm - POSITION_CORRECTION_CM
    return length_cm


def lms_z(x: float, lam: float, mu: float, sigma: float) -> float:
    """The plain LMS z-score ((x/M)^L - 1) / (L*S); the log form when L is 0."""
    if abs(lam) < 1e-12:
        return math.log(x / mu) / sigma
    return ((x / mu) ** lam - 1.0) / (lam * sigma)


def value_at_z(lam: float, mu: float, sigma: float, sd: float) -> float:
    """The measurement that sits exactly `sd` standard deviations from the median (an SD curve point)."""
    if abs(lam) < 1e-12:
        return mu * math.exp(sigma * sd)
    return mu * (1.0 + lam * sigma * sd) ** (1.0 / lam)


def restricted_z(x: float, lam: float, mu: float, sigma: float) -> float:
    """WHO's restricted z beyond +/-3 SD: measured in units of the distance between the 2 and 3 SD curves."""
    z = lms_z(x, lam, mu, sigma)
    if z > 3.0:
        sd3 = value_at_z(lam, mu, sigma, 3.0)
        return 3.0 + (x - sd3) / (sd3 - value_at_z(lam, mu, sigma, 2.0))
    if z < -3.0:
        sd3 = value_at_z(lam, mu, sigma, -3.0)
        return -3.0 + (x - sd3) / (value_at_z(lam, mu, sigma, -2.0) - sd3)
    return z


def _check_measure(name: str, value: float | None) -> float | None:
    if value is None:
        return None
    low, high = INPUT_LIMITS[name]
    if type(value) is float and low <= value <= high:
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (low <= number <= high):  # also refuses NaN
        raise GrowthInputError("growth.error.measure", what=i18n.text(f"growth.measure.{name}"), value=value)
    return number


def compute(
    sex: str | int,
    age_days: int,
    weight_kg: float | None = None,
    length_cm: float | None = None,
    position: str | None = None,
    head_cm: float | None = None,
    oedema: bool = False,
    muac_cm: float | None = None,
    triceps_mm: float | None = None,
    subscapular_mm: float | None = None,
) -> GrowthResult:
    """Z-scores of one measurement. `position` None means the child was measured in the position the
    age calls for (no correction). Raises GrowthInputError for impossible inputs."""
    sex_code = parse_sex(sex)
    if isinstance(age_days, float) and age_days.is_integer():
        age_days = int(age_days)
    if isinstance(age_days, bool) or not isinstance(age_days, int) or age_days < 0:
        raise GrowthInputError("growth.error.age", value=age_days)
    weight = _check_measure("weight_kg", weight_kg)
    length = _check_measure("length_cm", length_cm)
    head = _check_measure("head_cm", head_cm)
    skin = {
        "acz": _check_measure("muac_cm", muac_cm),
        "tsz": _check_measure("triceps_mm", triceps_mm),
        "ssz": _check_measure("subscapular_mm", subscapular_mm),
    }
    pos = parse_position(position)
    standing = age_days >= STANDING_FROM_DAYS

    if age_days > MAX_AGE_DAYS:
        months = age_days / DAYS_PER_MONTH
        return _compute_older(sex_code, age_days, months, weight, length, pos, oedema, skin["acz"])

    weight_rows, length_rows, bmi_rows, head_rows, *skin_rows = _age_tables or _load_age_tables()
    reasons: dict[str, str] = {}
    scores: dict[str, float] = {}
    clen = None if length is None else corrected_length(age_days, length, pos)
    bmi = None if (weight is None or clen is None) else weight / (clen / 100.0) ** 2

    # Reasons in order of what the worker can act on: missing measurement, then oedema, then range.
    if weight is None:
        reasons["waz"] = reasons["whz"] = reasons["baz"] = "no_weight"
    elif oedema:
        reasons["waz"] = reasons["whz"] = reasons["baz"] = "oedema"
    else:
        scores["waz"] = restricted_z(weight, *weight_rows[sex_code][age_days])

    if clen is None:
        reasons["haz"] = "no_length"
        reasons.setdefault("whz", "no_length")
        reasons.setdefault("baz", "no_length")
    else:
        scores["haz"] = lms_z(clen, *length_rows[sex_code][age_days])
        if weight is not None and not oedema and bmi is not None:
            lms = lms_for_length("wfh" if standing else "wfl", sex_code, clen)
            if lms is None:
                reasons["whz"] = "length_out_of_range"
            else:
                scores["whz"] = restricted_z(weight, *lms)
            scores["baz"] = restricted_z(bmi, *bmi_rows[sex_code][age_days])

    if head is None:
        reasons["hcz"] = "no_head"
    else:
        scores["hcz"] = lms_z(head, *head_rows[sex_code][age_days])

    if muac_cm is None and triceps_mm is None and subscapular_mm is None:  # the usual visit: no loop
        reasons.update(_MISSING)
    else:
        _score_skin(sex_code, age_days, skin, skin_rows, scores, reasons)

    return _result(sex_code, age_days, scores, reasons, clen, standing, bmi, skin["acz"], "who2006")


def _score_skin(
    sex_code: int,
    age_days: int,
    skin: dict[str, float | None],
    skin_rows: list,
    scores: dict[str, float],
    reasons: dict[str, str],
) -> None:
    """Arm circumference and skinfolds: restricted z from 91 days, a reason otherwise."""
    for (indicator, value), rows in zip(skin.items(), skin_rows, strict=True):
        if value is None:
            reasons[indicator] = _MISSING[indicator]
        elif age_days < FIRST_SKIN_DAY:
            reasons[indicator] = "under_3_months"
        else:
            scores[indicator] = restricted_z(value, *rows[sex_code][age_days])


_MISSING = {"acz": "no_muac", "tsz": "no_triceps", "ssz": "no_subscapular"}


def compute_months(
    sex: str | int,
    age_months: float,
    weight_kg: float | None = None,
    height_cm: float | None = None,
    oedema: bool = False,
) -> GrowthResult:
    """WHO 2007 z-scores (5-19 years) at an age given in months, as WHO's who2007 survey tools take it
    (60-228 months; weight-for-age to 120). The result's age_days is the age in whole days."""
    sex_code = parse_sex(sex)
    if isinstance(age_months, bool) or not isinstance(age_months, int | float) or not 60 <= age_months:
        raise GrowthInputError("growth.error.age", value=age_months)
    weight = _check_measure("weight_kg", weight_kg)
    height = _check_measure("length_cm", height_cm)
    days = math.floor(age_months * DAYS_PER_MONTH)
    return _compute_older(sex_code, days, float(age_months), weight, height, None, oedema, None)


def _compute_older(
    sex_code: int,
    age_days: int,
    months: float,
    weight: float | None,
    length: float | None,
    pos: str | None,
    oedema: bool,
    muac: float | None,
) -> GrowthResult:
    """5-19 years, WHO Growth Reference 2007: TB/U (plain LMS), IMT/U and BB/U to 10 years (restricted).
    A height measured lying gets the same -0.7 cm as from 2 years in the 0-5 standards."""
    reasons = dict.fromkeys(("whz", "hcz", "acz", "tsz", "ssz"), "not_after_5_years")
    if lms_for_months("haz", sex_code, months) is None:  # past 228 months: nothing is scored
        too_old = dict.fromkeys(INDICATORS, "age_over_19_years")
        return GrowthResult(age_days=age_days, sex=sex_code, reasons=too_old, standing=True, reference="none")
    scores: dict[str, float] = {}
    clen = None if length is None else corrected_length(age_days, length, pos)
    bmi = None if (weight is None or clen is None) else weight / (clen / 100.0) ** 2
    weight_lms = lms_for_months("waz", sex_code, months)
    if weight is None:
        reasons["waz"] = reasons["baz"] = "no_weight"
    elif oedema:
        reasons["waz"] = reasons["baz"] = "oedema"
    elif weight_lms is None:
        reasons["waz"] = "waz_after_10_years"
    else:
        scores["waz"] = restricted_z(weight, *weight_lms)
    if clen is None:
        reasons["haz"] = "no_length"
        reasons.setdefault("baz", "no_length")
    else:
        scores["haz"] = lms_z(clen, *_months_lms("haz", sex_code, months))
        if bmi is not None and not oedema:
            scores["baz"] = restricted_z(bmi, *_months_lms("baz", sex_code, months))
    return _result(sex_code, age_days, scores, reasons, clen, True, bmi, muac, "who2007")


def _months_lms(indicator: str, sex_code: int, months: float) -> tuple[float, float, float]:
    lms = lms_for_months(indicator, sex_code, months)
    assert lms is not None  # haz and baz cover the same months, checked by the caller
    return lms


def _result(
    sex_code: int,
    age_days: int,
    scores: dict[str, float],
    reasons: dict[str, str],
    clen: float | None,
    standing: bool,
    bmi: float | None,
    muac: float | None,
    reference: str,
) -> GrowthResult:
    """Flags (WHO's implausible limits) and categories of the rounded z-scores."""
    flags: list[str] = []
    categories: dict[str, str] = {}
    for indicator, value in scores.items():
        shown = round(value, 2)
        low, high = PLAUSIBLE[indicator]
        if shown < low or shown > high:
            flags.append(indicator)
        older = reference == "who2007"
        if has_category(indicator, older):
            categories[indicator] = category_code(indicator, shown, older)
    return GrowthResult(
        age_days=age_days,
        sex=sex_code,
        reasons=reasons,
        flags=flags,
        categories=categories,
        length_cm=clen,
        standing=standing,
        bmi=bmi,
        muac_cm=muac,
        reference=reference,
        **scores,
    )
