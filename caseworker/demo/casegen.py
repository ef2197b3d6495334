"""Realistic demo cases as plain row dicts: a person (with family), the case, and its records.

Everything comes from one `random.Random` and a fixed `today`, so the same seed and the same today give
the same content (ids aside). Dates are days before `today`; times are office hours in WIB (UTC+7).
"""

from __future__ import annotations

import json
import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from typing import Any

from caseworker.demo import growth_data, names, texts
from caseworker.demo.places import BIRTHPLACES, NumberBook, Place, PlacePool, address, phone
from caseworker.domain.stages import STAGES
from caseworker.store.ids import case_number

T = texts
# PPKS category code -> (text group, weight in the caseload)
CATEGORY_MIX = (
    ("01", T.TODDLER, 34), ("02", T.CHILD, 12), ("04", T.CHILD, 2), ("06", T.CHILD, 4), ("07", T.CHILD, 2),
    ("05", T.DISABLED, 4), ("03", T.ABH, 3), ("08", T.ELDERLY, 15), ("09", T.DISABLED, 9), ("23", T.ADULT, 4),
    ("19", T.ADULT, 3), ("24", T.ADULT, 3), ("11", T.ADULT, 2), ("18", T.ADULT, 1),
)  # fmt: skip
STAGE_WEIGHTS = (10, 13, 12, 25, 12, 12, 16)
# Typical days since opening for a case at each stage.
STAGE_AGE_DAYS = (20, 45, 75, 130, 200, 260, 330)
AGE_RANGE = {  # years at opening, by category
    "01": (0, 4), "02": (5, 17), "04": (8, 17), "06": (4, 17), "07": (3, 17), "05": (3, 17), "03": (12, 17),
    "08": (60, 92), "09": (18, 59), "23": (19, 50), "19": (18, 55), "24": (25, 65), "11": (25, 70), "18": (17, 35),
}  # fmt: skip
WOMEN_SHARE = {"03": 0.15, "08": 0.6, "23": 1.0, "19": 0.9, "18": 0.8, "11": 0.3}
ATENSI_BY_GROUP = {
    T.TODDLER: ("perawatan_pengasuhan", "kebutuhan_hidup_layak", "dukungan_keluarga", "bantuan_asistensi_sosial"),
    T.CHILD: ("perawatan_pengasuhan", "dukungan_keluarga", "terapi", "bantuan_asistensi_sosial"),
    T.ABH: ("terapi", "dukungan_keluarga", "vokasional_kewirausahaan"),
    T.ELDERLY: ("kebutuhan_hidup_layak", "perawatan_pengasuhan", "terapi", "aksesibilitas", "bantuan_asistensi_sosial"),
    T.DISABLED: ("terapi", "aksesibilitas", "vokasional_kewirausahaan", "dukungan_keluarga"),
    T.ADULT: ("kebutuhan_hidup_layak", "vokasional_kewirausahaan", "bantuan_asistensi_sosial", "terapi"),
}  # fmt: skip
DISABILITIES = (
    "daksa",
    "netra",
    "rungu",
    "wicara",
    "grahita",
    "psikososial",
    "cerebral palsy",
    "down syndrome",
)
DESIL_WEIGHTS = (30, 25, 18, 12, 7, 3, 2, 1, 1, 1)


class FastRandom(random.Random):
    """random.Random with randint and choice built on random() alone: a few times faster than the
    library's exact-integer versions, which matters at 100,000 cases; still deterministic per seed.
    `choices` of one item by weights draws exactly as the library's, with the running totals kept."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Any) -> Any:
        return seq[int(self.random() * len(seq))]

    def choices(self, population: Any, weights: Any = None, *, cum_weights: Any = None, k: int = 1) -> list:
        if weights is None or cum_weights is not None or k != 1:
            return super().choices(population, weights, cum_weights=cum_weights, k=k)
        key = weights if type(weights) is tuple else tuple(weights)
        found = _CUMULATIVE.get(key)
        if found is None:
            cum = list(accumulate(key))
            found = _CUMULATIVE[key] = (cum, cum[-1] + 0.0)
        cum, total = found
        if len(cum) != len(population):
            raise ValueError("The number of weights does not match the population")
        return [population[bisect(cum, self.random() * total, 0, len(cum) - 1)]]


_CUMULATIVE: dict[tuple, tuple[list, float]] = {}
_ISO: dict[date, str] = {}


def iso(day: date) -> str:
    """day.isoformat(), remembered (the same few thousand days come up again and again)."""
    text = _ISO.get(day)
    if text is None:
        text = _ISO[day] = day.isoformat()
    return text


@dataclass
class Bundle:
    """Rows of one batch, per table, in the order they must be written (persons before their cases)."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    cases: int = 0

    def add(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        self.rows.setdefault(table, []).append(row)
        return row


# Office hours 07:30-16:00 WIB as UTC times of day, one every 7 seconds.
_TIMES = tuple(f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}Z" for s in range(1800, 32400, 7))


def stamp(rng: random.Random, day: date) -> str:
    """A time on `day` during office hours, as a UTC timestamp."""
    return iso(day) + _TIMES[int(rng.random() * len(_TIMES))]


@cache
def _barthel() -> tuple[Any, tuple[tuple[str, int], ...]] | None:
    """The Barthel form and (item, highest score) of its items; None when the form is not shipped."""
    try:
        from caseworker.forms.definitions import get_form
    except ImportError:
        return None
    try:
        form = get_form("barthel")
    except Exception:  # noqa: BLE001 - a demo without the form still works
        return None
    items = []
    for section in form.sections:
        for f in section.fields:
            scores = [o.score for o in f.options if o.score is not None]
            if scores:
                items.append((f.id, int(max(scores))))
    return form, tuple(items)


@cache
def _barthel_scores(items: tuple[tuple[str, str], ...]) -> tuple[str, int]:
    """(scores JSON, total) for the item answers (the source of information does not score)."""
    from caseworker.forms.engine import compute_scores

    form, _ = _barthel()  # type: ignore[misc]
    scores = compute_scores(form, dict(items))
    return json.dumps(scores, ensure_ascii=False), int(scores["total"]["value"])


class CaseFactory:
    """Makes families and cases; `new_id` supplies row ids (ids are not part of the deterministic content)."""

    def __init__(self, rng: random.Random, today: date, facility: str, workers: list[str], supervisor: str,
                 numbers: NumberBook, new_id: Callable[[], str]) -> None:  # fmt: skip
        self.rng, self.today, self.facility = rng, today, facility
        self.workers, self.supervisor = workers, supervisor
        self.numbers, self.new_id = numbers, new_id
        self.places = PlacePool()
        self.case_numbers: set[str] = set()  # taken in the profile; the loader fills it before the first case
        self._codes = [c for c, _, _ in CATEGORY_MIX]
        self._weights = [w for _, _, w in CATEGORY_MIX]
        self._groups = {c: g for c, g, _ in CATEGORY_MIX}

    # --- people -------------------------------------------------------------------------------------------

    def _birth(self, years: tuple[int, int], opened: date) -> date:
        low, high = years
        return opened - timedelta(days=self.rng.randint(low * 365 + 30, high * 365 + 330))

    def _person(self, b: Bundle, born: date, sex: str, place: Place, kk: str | None, *, nik: bool = True,
                estimated: bool = False, **extra: Any) -> dict[str, Any]:  # fmt: skip
        rng = self.rng
        name = names.person_name(rng, sex, born.year)
        row = {
            "id": self.new_id(), "name": name, "nickname": names.nickname(rng, name, sex), "birth_date": iso(born),
            "birth_date_estimated": int(estimated), "sex": sex, "birthplace": rng.choice(BIRTHPLACES),
            "address": address(rng, place), "region_code": place.desa_code, "facility_code": self.facility,
        }  # fmt: skip
        if nik and not estimated:
            row["nik"] = self.numbers.nik(rng, place, born, sex)
            if kk:
                row["no_kk"] = kk
        if rng.random() < 0.65:
            row["dtsen_desil"] = rng.choices(range(1, 11), DESIL_WEIGHTS)[0]
            row["dtsen_checked_at"] = iso(self.today - timedelta(days=rng.randint(5, 400)))
        row.update(extra)
        return b.add("persons", row)

    def _kk(self, place: Place) -> str:
        return self.numbers.kk(self.rng, place, self.today - timedelta(days=self.rng.randint(200, 5500)))

    def _relate(
        self, b: Bundle, a: dict[str, Any], other: dict[str, Any], rel: str, back: str, when: str
    ) -> None:
        for pid, rid, r in ((a["id"], other["id"], rel), (other["id"], a["id"], back)):
            b.add(
                "relations", {"person_id": pid, "related_person_id": rid, "relation": r, "created_at": when}
            )

    # --- a family: one or two cases -------------------------------------------------------------------------

    def family(self, b: Bundle, room: int) -> None:
        """One client, sometimes with a sibling or a mother who is a client too (at most `room` cases)."""
        rng = self.rng
        code = rng.choices(self._codes, self._weights)[0]
        group = self._groups[code]
        place = self.places.pick(rng)
        stage = rng.choices(range(len(STAGES)), STAGE_WEIGHTS)[0]
        days = max(int(STAGE_AGE_DAYS[stage] * rng.uniform(0.4, 1.8)) + rng.randint(0, 20), 21)
        closed = stage >= 5 and rng.random() < 0.6
        if closed:
            days += rng.randint(30, 420)
        opened = self.today - timedelta(days=days)
        women = WOMEN_SHARE.get(code, 0.5)
        sex = "P" if rng.random() < women else "L"
        born = self._birth(AGE_RANGE[code], opened)
        kk = self._kk(place)
        child = born > opened - timedelta(days=18 * 365)
        foundling = code == "01" and rng.random() < 0.15
        no_nik = (
            foundling or (code in ("08", "11") and rng.random() < 0.25) or (child and rng.random() < 0.08)
        )
        extra: dict[str, Any] = {}
        if child or (group == T.ELDERLY and rng.random() < 0.6):
            choices = texts.GUARDIAN_RELATIONS_CHILD if child else texts.GUARDIAN_RELATIONS_ADULT
            relation, g_sex, _ = rng.choices(choices, [w for _, _, w in choices])[0]
            if relation == "istri" and sex == "P" or relation == "suami" and sex == "L":
                relation, g_sex = "anak kandung", ""
            g_sex = g_sex or rng.choice("LP")
            older = relation in ("nenek", "kakek")
            g_year = (
                born.year - rng.randint(40 if older else 18, 70 if older else 45)
                if child
                else born.year + rng.randint(22, 40)
            )
            extra["guardian_name"] = names.person_name(rng, g_sex, min(g_year, self.today.year - 18))
            extra["guardian_relation"] = relation
            extra["guardian_phone"] = phone(rng)
            if code in ("01", "02") and rng.random() < 0.7:
                extra["legal_basis"] = texts.fill(rng, texts.LEGAL_BASIS, kec=place.kecamatan_name)
        elif rng.random() < 0.7:
            extra["phone"] = phone(rng)
        if group == T.DISABLED or (group == T.ELDERLY and rng.random() < 0.15):
            extra["disabilities"] = json.dumps(rng.sample(DISABILITIES, k=rng.choice((1, 1, 1, 2))))
        person = self._person(b, born, sex, place, kk, nik=not no_nik, estimated=foundling, **extra)
        when = stamp(rng, opened)
        self.case(b, person, code, group, stage, opened, closed, place)
        if child and not foundling and rng.random() < 0.3:
            mother_born = born - timedelta(days=rng.randint(19 * 365, 40 * 365))
            mother_case = code == "01" and room > 1 and rng.random() < 0.15
            mother = self._person(b, mother_born, "P", place, kk, phone=phone(rng))
            self._relate(b, person, mother, "parent", "child", when)
            if mother_case:
                self.case(b, mother, rng.choice(("23", "19", "24")), T.ADULT, stage, opened, closed, place)
                room -= 1
        if code == "01" and room > 1 and not foundling and rng.random() < 0.12:
            sib_born = born + timedelta(days=rng.choice((-1, 1)) * rng.randint(330, 700))
            sib_born = min(sib_born, opened - timedelta(days=30))
            sibling = self._person(b, sib_born, rng.choice("LP"), place, kk, **{k: v for k, v in extra.items()
                                   if k.startswith(("guardian", "legal"))})  # fmt: skip
            self._relate(b, person, sibling, "sibling", "sibling", when)
            self.case(b, sibling, code, group, stage, opened, closed, place)

    # --- a case and its records -------------------------------------------------------------------------------

    def case(self, b: Bundle, person: dict[str, Any], code: str, group: str, stage: int, opened: date,
             closed: bool, place: Place) -> None:  # fmt: skip
        rng, today = self.rng, self.today
        worker = rng.choice(self.workers)
        case_id = self.new_id()
        number = case_number(self.facility, case_id, opened.year)
        while number in self.case_numbers:  # 40 random bits: ~0.5% chance of a clash per 100,000 cases a year
            case_id = self.new_id()
            number = case_number(self.facility, case_id, opened.year)
        self.case_numbers.add(number)
        kec = place.kecamatan_name
        who = person.get("guardian_name") or person["name"]
        fmt = {"n": person["nickname"], "w": who, "kec": kec, "desa": place.desa_name}
        end = today
        # Stage moves spread between opening and (nearly) today; a closed case ended some time ago.
        moves = sorted(opened + timedelta(days=rng.randint(1, max((today - opened).days - 1, 1)))
                       for _ in range(stage))  # fmt: skip
        closed_at = None
        if closed:
            closed_at = min((moves[-1] if moves else opened) + timedelta(days=rng.randint(7, 60)), today)
            end = closed_at
        risk = rng.choices(("low", "medium", "high"), (3, 5, 3 if group in (T.TODDLER, T.ABH) else 2))[0]
        basis = ("surat_penyerahan" if code == "01" and "legal_basis" in person
                 else "putusan_pengadilan" if group == T.ABH else "persetujuan")  # fmt: skip
        row = {
            "id": case_id, "case_number": number,
            "person_id": person["id"], "facility_code": self.facility, "assigned_to": worker,
            "category_code": code, "stage": STAGES[stage], "status": "closed" if closed else "open", "risk": risk,
            "opened_at": iso(opened), "referral_source": texts.fill(rng, texts.REFERRAL_SOURCES, **fmt),
            "presenting_problem": texts.fill(rng, texts.PROBLEMS[group], **fmt), "consent_by": who,
            "consent_at": iso(opened), "consent_basis": basis, "conflict": 0,
            "created_at": stamp(rng, opened), "created_by": worker,
        }  # fmt: skip
        if stage >= 5:
            row["closure_reason"] = rng.choice(texts.CLOSURE_REASONS)
        if closed_at:
            row["closed_at"] = iso(closed_at)
        b.add("cases", row)
        b.cases += 1

        def rec(table: str, day: date, author: str = worker, **values: Any) -> dict[str, Any]:
            values.setdefault("created_at", stamp(rng, day))
            return b.add(table, {"case_id": case_id, "created_by": author, **values})

        previous = STAGES[0]
        times = sorted(stamp(rng, day) for day in moves)  # two moves on one day keep their order
        for i, (day, at) in enumerate(zip(moves, times, strict=True), start=1):
            rec("stage_changes", day, from_stage=previous, to_stage=STAGES[i], changed_at=at,
                note=rng.choice(texts.STAGE_NOTES), created_at=at)  # fmt: skip
            previous = STAGES[i]
        notes = sorted(opened + timedelta(days=rng.randint(0, max((end - opened).days, 0)))
                       for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4))))  # fmt: skip
        for day in notes:
            kind = rng.choices(("visit", "call", "meeting", "observation"), (5, 3, 1, 2))[0]
            rec("notes", day, noted_at=stamp(rng, day), kind=kind, confidential=int(group == T.ABH),
                text=texts.note_text(rng, group, kind, **fmt))  # fmt: skip
        row["last_contact_at"] = notes[-1].isoformat()
        if closed:
            if rng.random() < 0.4:
                day = opened + timedelta(days=rng.randint(0, max((end - opened).days, 0)))
                rec("tasks", day, title=texts.fill(rng, texts.TASKS, **fmt), due_date=iso(day),
                    done_at=iso(day), assigned_to=worker)  # fmt: skip
        else:
            due = today + timedelta(days=rng.randint(-15, 45))
            rec("tasks", max(opened, min(due, today) - timedelta(days=rng.randint(1, 14))), title=texts.fill(rng, texts.TASKS, **fmt),
                due_date=iso(due), assigned_to=worker)  # fmt: skip
            if rng.random() < 0.5:
                done = today - timedelta(days=rng.randint(1, max((today - opened).days, 1)))
                rec("tasks", done, title=texts.fill(rng, texts.TASKS, **fmt), due_date=iso(done),
                    done_at=iso(done), assigned_to=worker)  # fmt: skip
        components = ATENSI_BY_GROUP[group]
        if stage >= 2:
            for comp in rng.sample(components, k=rng.choice((1, 1, 2))):
                status = "achieved" if closed else rng.choices(("open", "achieved", "dropped"), (7, 2, 1))[0]
                target = moves[1] + timedelta(days=rng.randint(30, 180))
                rec("goals", moves[1], description=texts.fill(rng, texts.GOALS[comp], **fmt), atensi_component=comp,
                    target_date=iso(target), status=status)  # fmt: skip
        if stage >= 3:
            for comp in rng.sample(components, k=rng.choice((1, 1, 2))):
                day = moves[2] + timedelta(days=rng.randint(0, max((end - moves[2]).days, 0)))
                rec("interventions", day, atensi_component=comp, provided_at=iso(day),
                    description=rng.choice(texts.INTERVENTIONS[comp]), provider=texts.fill(rng, texts.PROVIDERS, **fmt),
                    outcome=rng.choice(texts.OUTCOMES))  # fmt: skip
        if group == T.TODDLER:
            count = rng.randint(3, 12)
            for m in growth_data.measurements(rng, date.fromisoformat(person["birth_date"]), person["sex"], opened,
                                              end, count):  # fmt: skip
                rec("measurements", date.fromisoformat(str(m["measured_at"])), person_id=person["id"],
                    measured_by=worker, **m)  # fmt: skip
        adult = date.fromisoformat(person["birth_date"]) < opened - timedelta(days=18 * 365)
        if stage >= 1 and adult and group in (T.ELDERLY, T.DISABLED):
            self._barthel(rec, b, case_id, worker, moves, stage, fmt)
        if rng.random() < 0.1 and stage >= 2:
            agency, reason = rng.choice(texts.REFERRALS)
            day = moves[1]
            status = rng.choice(("accepted", "completed")) if (today - day).days > 30 else "sent"
            rec("referrals", day, referred_at=iso(day), to_agency=agency.format(kec=kec), reason=reason,
                status=status)  # fmt: skip
        if closed:
            sent = closed_at - timedelta(days=rng.randint(1, 6))  # type: ignore[operator]
            rec("reviews", sent, kind="closure", subject_table="cases", subject_id=case_id, status="approved",
                submitted_by=worker, submitted_at=stamp(rng, sent), decided_by=self.supervisor,
                decided_at=stamp(rng, closed_at), decision_comment="Disetujui.")  # type: ignore[arg-type]  # fmt: skip
        elif stage == 2 and rng.random() < 0.3:
            rec("reviews", moves[-1], kind="plan", subject_table="cases", subject_id=case_id, status="submitted",
                submitted_by=worker, submitted_at=stamp(rng, moves[-1]))  # fmt: skip

    def _barthel(self, rec: Callable[..., dict[str, Any]], b: Bundle, case_id: str, worker: str,
                 moves: list[date], stage: int, fmt: dict[str, str]) -> None:  # fmt: skip
        found = _barthel()
        if found is None:
            return
        _, items = found
        rng = self.rng
        ability = rng.uniform(0.05, 1.0)
        visits = [moves[0]] + ([moves[3]] if stage >= 4 else [])
        for i, day in enumerate(visits):
            level = min(1.0, ability + (0.1 if i else 0.0))
            answers = {
                item: str(max(0, min(top, round(level * top + rng.uniform(-0.6, 0.6)))))
                for item, top in items
            }
            scores, total = _barthel_scores(tuple(answers.items()))
            answers = {"sumber_informasi": rng.choice(("observasi", "klien", "pendamping")), **answers}
            submitted = stage == 1 and i == 0 and rng.random() < 0.5
            row = rec("assessments", day, form_id="barthel", form_version=1, assessed_at=iso(day),
                      data=json.dumps(answers), scores=scores, review_status="submitted" if submitted else "approved",
                      summary=f"Indeks Barthel {total}/20.")  # fmt: skip
            if submitted:
                rec(
                    "reviews",
                    day,
                    kind="assessment",
                    subject_table="assessments",
                    subject_id=row.setdefault("id", self.new_id()),
                    status="submitted",
                    submitted_by=worker,
                    submitted_at=stamp(rng, day),
                )
