"""KPSP (Kuesioner Pra Skrining Perkembangan, SDIDTK) by age: which questionnaire a child's age calls for,
what a number of "Ya" answers means, and what to do next.

The guide's rules (Kemenkes, Pedoman Pelaksanaan Stimulasi, Deteksi dan Intervensi Dini Tumbuh Kembang
Anak): the screening ages are 3, 6, ..., 72 months (SCREENING_AGES); the age is counted in months, a
remainder of 16 days or more counting as one more month (3 months 16 days is 4 months, 3 months 15 days
is 3); a child at a screening age gets that age's questionnaire; a child brought between screening ages
with a worry gets the questionnaire of the nearest younger screening age, and for routine screening
comes back at the next one. 9-10 "Ya" is sesuai, 7-8 meragukan, 6 or fewer a possible deviation.

The question texts are data, not code: a questionnaire for an age is a form with id `kpsp_<age>` (a JSON
file in resources/forms, or a unit's own XLSForm import with that form_id), and the shipped `kpsp` form
holds the 24-month one. `questionnaire_for` finds it; `missing_ages` says which ages have no texts yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from caseworker import i18n
from caseworker.forms.model import Bilingual, FormDef
from caseworker.store.values import day_of

__all__ = [
    "SCREENING_AGES",
    "Interpretation",
    "ScreeningAge",
    "interpret",
    "kpsp_age_months",
    "missing_ages",
    "questionnaire_for",
    "screening_age",
]

SCREENING_AGES = (3, 6, 9, 12, 15, 18, 21, 24, 30, 36, 42, 48, 54, 60, 66, 72)
SHIPPED_KPSP = {24: "kpsp"}  # the shipped form holding an age's questions, besides kpsp_<age>

i18n.register(
    {
        "kpsp_too_young": (
            "Anak di bawah 3 bulan: KPSP pertama pada usia 3 bulan.",
            "Under 3 months: the first KPSP is at 3 months.",
        ),
        "kpsp_too_old": ("KPSP hanya sampai usia 72 bulan.", "KPSP goes up to 72 months only."),
    }
)

_BANDS: dict[str, tuple[Bilingual, Bilingual]] = {
    # code -> (label, what to do next), in the guide's terms, summarised
    "sesuai": (
        Bilingual("Sesuai (S)", "Appropriate for age (S)"),
        Bilingual(
            "Puji orang tua/pengasuh atas pengasuhannya; teruskan stimulasi sesuai usia setiap hari; "
            "skrining KPSP lagi pada usia skrining berikutnya.",
            "Praise the parent/carer for their care; keep up age-appropriate stimulation every day; screen "
            "with KPSP again at the next screening age.",
        ),
    ),
    "meragukan": (
        Bilingual("Meragukan (M)", "Doubtful (M)"),
        Bilingual(
            "Ajari orang tua/pengasuh stimulasi untuk kemampuan yang belum bisa, lebih sering; periksa "
            "kemungkinan penyakit yang menghambat perkembangan; ulangi KPSP yang sama setelah 2 minggu, dan "
            "rujuk bila hasilnya tetap meragukan atau menyimpang.",
            "Show the parent/carer how to stimulate the skills not yet reached, more often; look for an "
            "illness that may hold development back; repeat the same KPSP after 2 weeks, and refer if it is "
            "still doubtful or deviant.",
        ),
    ),
    "penyimpangan": (
        Bilingual("Kemungkinan ada penyimpangan (P)", "Possible developmental deviation (P)"),
        Bilingual(
            "Rujuk ke fasilitas kesehatan rujukan tumbuh kembang (rumah sakit) dengan menuliskan jenis dan "
            "jumlah penyimpangan (gerak kasar, gerak halus, bicara dan bahasa, sosialisasi dan kemandirian).",
            "Refer to a growth and development referral service (hospital), writing down the kind and number "
            "of deviations (gross motor, fine motor, speech and language, social and self-help).",
        ),
    ),
}


@dataclass(frozen=True)
class ScreeningAge:
    """The questionnaire a child's age calls for."""

    months: int  # the child's age as KPSP counts it
    questionnaire: int  # the screening age whose questionnaire to use now
    next_routine: int | None  # the next routine screening age (None after 72 months)
    on_schedule: bool  # the child is at a screening age


@dataclass(frozen=True)
class Interpretation:
    yes: int
    code: str  # sesuai | meragukan | penyimpangan
    label: Bilingual
    advice: Bilingual


def kpsp_age_months(birth_date: Any, on: date | None = None) -> int | None:
    """The age in months as KPSP counts it: 16 days or more of a started month count as a month."""
    born, on = day_of(birth_date), on or date.today()
    if born is None or on < born:
        return None
    months = (on.year - born.year) * 12 + on.month - born.month
    if on.day < born.day:
        months -= 1
    anniversary = _add_months(born, months)
    return months + (1 if (on - anniversary).days >= 16 else 0)


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def screening_age(months: int) -> ScreeningAge:
    """Which questionnaire: the age's own at a screening age, else the nearest younger one.

    Raises KnownError under 3 months (no questionnaire yet) and over 72 (KPSP ends there)."""
    from caseworker.errors import KnownError

    if months < SCREENING_AGES[0]:
        raise KnownError("kpsp_too_young")
    if months > SCREENING_AGES[-1]:
        raise KnownError("kpsp_too_old")
    younger = max(a for a in SCREENING_AGES if a <= months)
    later = [a for a in SCREENING_AGES if a > months]
    return ScreeningAge(months, younger, later[0] if later else None, younger == months)


def interpret(yes: int) -> Interpretation:
    """9-10 Ya: sesuai; 7-8: meragukan; 6 or fewer: possible deviation; with what to do next."""
    if not 0 <= yes <= 10:
        raise ValueError(f"a KPSP has at most 10 questions, not {yes} Ya answers")
    code = "sesuai" if yes >= 9 else "meragukan" if yes >= 7 else "penyimpangan"
    label, advice = _BANDS[code]
    return Interpretation(yes, code, label, advice)


def _form_for_age(forms: dict[str, FormDef], age: int) -> FormDef | None:
    own = forms.get(f"kpsp_{age}")
    if own is not None:
        return own
    shipped = SHIPPED_KPSP.get(age)
    return forms.get(shipped) if shipped else None


def questionnaire_for(forms: dict[str, FormDef], months: int) -> tuple[ScreeningAge, FormDef | None]:
    """The screening age for `months` and the form holding its questions (None: no texts for that age).

    `forms` is what the profile offers (caseworker.forms.library.available_forms)."""
    age = screening_age(months)
    return age, _form_for_age(forms, age.questionnaire)


def missing_ages(forms: dict[str, FormDef]) -> list[int]:
    """The screening ages whose questionnaire texts this profile does not have."""
    return [age for age in SCREENING_AGES if _form_for_age(forms, age) is None]
