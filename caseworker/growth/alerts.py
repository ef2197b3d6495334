"""Alerts a worker should see from a child's measurement history: stunting, wasting, underweight,
thinness (5-18 years), oedema, a low MUAC (6-59 months), a fall of more than 1 SD since the previous visit,
and values to re-measure (implausible, or a length shorter than at the last visit).

Thresholds come from the Permenkes 2/2020 categories of the rounded z-score, so an alert never
contradicts the category shown beside it. Implausible (flagged) values raise only a re-measure alert.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from caseworker import i18n
from caseworker.growth.categories import indicator_name
from caseworker.growth.zscores import GrowthResult, round2
from caseworker.numbers import format_number

DROP_LIMIT_SD = 1.0
DROP_INDICATORS = ("waz", "haz", "whz")
# MUAC cut-offs for 6-59 months (WHO/UNICEF 2009, used by Indonesia's gizi buruk guideline), in cm.
MUAC_SEVERE_CM = 11.5
MUAC_MODERATE_CM = 12.5
MUAC_MONTHS = (6.0, 60.0)  # from 6 completed months to before 60
# A length/height this much shorter than at the last visit is a measuring error, not growth.
SHRINK_TOLERANCE_CM = 0.5
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}

# (indicator, category code) -> (alert code, severity)
_STATUS = {
    ("haz", "severely_stunted"): ("severely_stunted", "high"),
    ("haz", "stunted"): ("stunted", "medium"),
    ("whz", "severely_wasted"): ("severely_wasted", "high"),
    ("whz", "wasted"): ("wasted", "medium"),
    ("waz", "severely_underweight"): ("severely_underweight", "high"),
    ("waz", "underweight"): ("underweight", "medium"),
    ("baz", "severely_thin"): ("severely_thin", "high"),
    ("baz", "thin"): ("thin", "medium"),
}

i18n.register(
    {
        "growth.alert.severely_stunted": (
            "Sangat pendek ({name} z = {z}): rujuk ke puskesmas untuk tata laksana stunting.",
            "Severely stunted ({name} z = {z}): refer to the health centre for stunting care.",
        ),
        "growth.alert.stunted": (
            "Pendek/stunting ({name} z = {z}): pantau gizi dan rujuk ke puskesmas.",
            "Stunted ({name} z = {z}): follow nutrition closely and refer to the health centre.",
        ),
        "growth.alert.severely_wasted": (
            "Gizi buruk ({name} z = {z}): rujuk segera ke fasilitas kesehatan.",
            "Severely wasted ({name} z = {z}): refer to a health facility now.",
        ),
        "growth.alert.wasted": (
            "Gizi kurang ({name} z = {z}): perlu intervensi gizi.",
            "Wasted ({name} z = {z}): needs a nutrition intervention.",
        ),
        "growth.alert.severely_underweight": (
            "Berat badan sangat kurang ({name} z = {z}).",
            "Severely underweight ({name} z = {z}).",
        ),
        "growth.alert.underweight": ("Berat badan kurang ({name} z = {z}).", "Underweight ({name} z = {z})."),
        "growth.alert.oedema": (
            "Edema bilateral: tanda gizi buruk, rujuk segera ke fasilitas kesehatan.",
            "Bilateral oedema: a sign of severe malnutrition, refer to a health facility now.",
        ),
        "growth.alert.drop": (
            "{name} turun {delta} SD sejak kunjungan {since} (dari {previous} ke {z}).",
            "{name} fell by {delta} SD since the visit of {since} (from {previous} to {z}).",
        ),
        "growth.alert.severely_thin": (
            "Gizi buruk ({name} z = {z}): rujuk ke puskesmas.",
            "Severe thinness ({name} z = {z}): refer to the health centre.",
        ),
        "growth.alert.thin": (
            "Gizi kurang ({name} z = {z}): perlu intervensi gizi.",
            "Thinness ({name} z = {z}): needs a nutrition intervention.",
        ),
        "growth.alert.muac_severe": (
            "LiLA {muac} cm (< 11,5 cm): gizi buruk, rujuk segera ke fasilitas kesehatan.",
            "MUAC {muac} cm (< 11.5 cm): severe acute malnutrition, refer to a health facility now.",
        ),
        "growth.alert.muac_moderate": (
            "LiLA {muac} cm (11,5 - < 12,5 cm): gizi kurang, perlu intervensi gizi.",
            "MUAC {muac} cm (11.5 - < 12.5 cm): moderate acute malnutrition, needs a nutrition intervention.",
        ),
        "growth.alert.length_shrank": (
            "{name}: {length} cm, lebih pendek dari {previous} cm pada {since}: ukur ulang panjang/tinggi badan.",
            "{name}: {length} cm, shorter than {previous} cm on {since}: measure the length/height again.",
        ),
        "growth.alert.implausible": (
            "Nilai {name} tidak masuk akal (z = {z}): periksa data dan ukur ulang.",
            "{name} is implausible (z = {z}): check the data and measure again.",
        ),
    }
)


@dataclass(frozen=True)
class Alert:
    code: str  # severely_stunted, stunted, severely_wasted, wasted, (severely_)underweight, (severely_)thin,
    # oedema, muac_severe, muac_moderate, drop, length_shrank, implausible
    indicator: str  # waz, haz, whz, baz, hcz, acz
    severity: str  # high, medium, low
    on: date  # date of the measurement that raised it
    z: float | None = None
    previous_z: float | None = None
    since: date | None = None  # for drops: date of the earlier visit
    standing: bool = False  # TB/BB-TB naming rather than PB/BB-PB
    value: float | None = None  # the measurement itself: MUAC in cm, or the shorter length
    previous_value: float | None = None  # the earlier visit's length for length_shrank

    def text(self, lang: str | None = None) -> str:
        prev = _fmt(self.previous_z, lang)
        return i18n.text(
            f"growth.alert.{self.code}",
            lang,
            name=indicator_name(self.indicator, self.standing, lang),
            z=_fmt(self.z, lang),
            delta=_fmt(None if self.z is None or self.previous_z is None else self.previous_z - self.z, lang),
            since=self.since.strftime("%d/%m/%Y") if self.since else "",
            muac=_fmt1(self.value, lang),
            length=_fmt1(self.value, lang),
            previous=_fmt1(self.previous_value, lang) if self.code == "length_shrank" else prev,
        )

    @property
    def message(self) -> str:
        """The text in the current language."""
        return self.text()


def _fmt(value: float | None, lang: str | None = None) -> str:
    """−3,53 in Indonesian, −3.53 in English."""
    return "" if value is None else format_number(value, lang or i18n.language(), 2)


def _fmt1(value: float | None, lang: str | None = None) -> str:
    return "" if value is None else format_number(value, lang or i18n.language(), 1)


def _shown(result: GrowthResult, indicator: str) -> float | None:
    """The rounded z-score, or None when undefined or implausible (not to be read as a finding)."""
    value = result.z(indicator)
    if value is None or indicator in result.flags:
        return None
    return round2(value)


def _visit_alerts(
    on: date, result: GrowthResult, earlier: Sequence[tuple[date, GrowthResult]]
) -> list[Alert]:
    found: list[Alert] = []
    if result.reasons.get("waz") == "oedema":
        found.append(Alert("oedema", "whz", "high", on, standing=result.standing))
    found.extend(_muac_alerts(on, result))
    shrank = _shrink_alert(on, result, earlier)
    if shrank is not None:
        found.append(shrank)
    for indicator in result.flags:
        found.append(
            Alert(
                "implausible",
                indicator,
                "low",
                on,
                z=round2(result.z(indicator) or 0.0),
                standing=result.standing,
            )
        )
    for indicator, code in result.categories.items():
        status = _STATUS.get((indicator, code))
        if status is None or indicator in result.flags or (shrank and indicator == "haz"):
            continue
        found.append(
            Alert(status[0], indicator, status[1], on, z=_shown(result, indicator), standing=result.standing)
        )
    for indicator in DROP_INDICATORS:
        current = _shown(result, indicator)
        if current is None or (shrank and indicator == "haz"):
            continue
        for before_on, before in reversed(earlier):
            previous = _shown(before, indicator)
            if previous is None:
                continue
            if previous - current > DROP_LIMIT_SD + 1e-9:
                found.append(
                    Alert(
                        "drop",
                        indicator,
                        "medium",
                        on,
                        z=current,
                        previous_z=previous,
                        since=before_on,
                        standing=result.standing,
                    )
                )
            break
    return found


def _muac_alerts(on: date, result: GrowthResult) -> list[Alert]:
    """The MUAC cut-offs apply from 6 to 59 completed months, whatever the arm-circumference z-score."""
    muac = result.muac_cm
    months = result.age_days / 30.4375
    if muac is None or not (MUAC_MONTHS[0] <= months < MUAC_MONTHS[1]):
        return []
    if muac < MUAC_SEVERE_CM:
        return [Alert("muac_severe", "acz", "high", on, z=_shown(result, "acz"), value=muac)]
    if muac < MUAC_MODERATE_CM:
        return [Alert("muac_moderate", "acz", "medium", on, z=_shown(result, "acz"), value=muac)]
    return []


def _shrink_alert(
    on: date, result: GrowthResult, earlier: Sequence[tuple[date, GrowthResult]]
) -> Alert | None:
    """A length/height (position-corrected) shorter than at the closest earlier visit that has one asks to
    measure again instead of reading the fall as stunting."""
    if result.length_cm is None:
        return None
    for before_on, before in reversed(earlier):
        if before.length_cm is None:
            continue
        if before.length_cm - result.length_cm > SHRINK_TOLERANCE_CM + 1e-9:
            return Alert(
                "length_shrank",
                "haz",
                "low",
                on,
                z=_shown(result, "haz"),
                since=before_on,
                standing=result.standing,
                value=round(result.length_cm, 1),
                previous_value=round(before.length_cm, 1),
            )
        return None
    return None


def alerts(history: Sequence[tuple[date, GrowthResult]], latest_only: bool = True) -> list[Alert]:
    """Alerts for the latest visit (or every visit with latest_only=False), most severe first.

    A drop compares each indicator with the closest earlier visit that has a plausible value for it.
    """
    visits = sorted(history, key=lambda visit: visit[0])
    if not visits:
        return []
    indexes = range(len(visits) - 1, len(visits)) if latest_only else range(len(visits))
    found: list[Alert] = []
    for index in indexes:
        on, result = visits[index]
        found.extend(_visit_alerts(on, result, visits[:index]))
    found.sort(key=lambda alert: (SEVERITY_ORDER[alert.severity], -alert.on.toordinal()))
    return found
