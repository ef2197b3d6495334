"""KPSP by age (caseworker.forms.kpsp): the guide's age count, which questionnaire each age gets, what a
number of Ya answers means, and which ages have their question texts in a profile."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseworker import cli
from caseworker.errors import KnownError
from caseworker.forms import kpsp, library, rank_forms
from caseworker.forms.definitions import load_forms
from caseworker.store.store import Store
from tests.core.xlsform_support import write_xlsform


def test_the_age_counts_16_days_or_more_as_a_month() -> None:
    born = date(2025, 1, 10)
    assert kpsp.kpsp_age_months(born, date(2025, 4, 25)) == 3  # 3 months 15 days
    assert kpsp.kpsp_age_months(born, date(2025, 4, 26)) == 4  # 3 months 16 days
    assert kpsp.kpsp_age_months(born, date(2025, 4, 9)) == 3  # 2 months 30 days
    assert kpsp.kpsp_age_months("2024-01-31", date(2024, 3, 1)) == 1  # 1 month (29 Feb) and 1 day
    assert kpsp.kpsp_age_months(None) is None and kpsp.kpsp_age_months("2030-01-01", date(2026, 1, 1)) is None


@given(st.integers(min_value=3, max_value=72))
def test_every_age_gets_its_own_or_the_nearest_younger_questionnaire(months: int) -> None:
    age = kpsp.screening_age(months)
    assert age.questionnaire in kpsp.SCREENING_AGES and age.questionnaire <= months
    assert not [a for a in kpsp.SCREENING_AGES if age.questionnaire < a <= months]  # the nearest younger
    assert age.on_schedule == (months in kpsp.SCREENING_AGES)
    assert age.next_routine is None if months >= 72 else age.next_routine == min(
        a for a in kpsp.SCREENING_AGES if a > months
    )  # fmt: skip


def test_outside_3_to_72_months_there_is_no_questionnaire() -> None:
    for months in (0, 2, 73):
        with pytest.raises(KnownError):
            kpsp.screening_age(months)
    assert kpsp.screening_age(7).questionnaire == 6 and kpsp.screening_age(7).next_routine == 9
    assert kpsp.screening_age(29).questionnaire == 24 and kpsp.screening_age(29).next_routine == 30


def test_the_number_of_ya_answers_is_read_as_the_guide_says() -> None:
    codes = [kpsp.interpret(n).code for n in range(11)]
    assert codes == ["penyimpangan"] * 7 + ["meragukan"] * 2 + ["sesuai"] * 2
    assert "2 minggu" in kpsp.interpret(7).advice.get("id") and "Rujuk" in kpsp.interpret(6).advice.get("id")
    with pytest.raises(ValueError):
        kpsp.interpret(11)
    # the same bands as the shipped 24-month form's score
    shipped = load_forms()["kpsp"].scores[0]
    assert {b.code: (b.min, b.max) for b in shipped.bands} == {"sesuai": (9, 10), "meragukan": (7, 8),
                                                                "penyimpangan": (0, 6)}  # fmt: skip


def test_only_the_24_month_texts_ship_and_an_imported_kpsp_36_is_used(store: Store, tmp_path: Path) -> None:
    shipped = load_forms()
    assert kpsp.missing_ages(shipped) == [a for a in kpsp.SCREENING_AGES if a != 24]
    assert kpsp.questionnaire_for(shipped, 26)[1].id == "kpsp"
    assert kpsp.questionnaire_for(shipped, 38)[1] is None
    # a unit imports the 36-month questionnaire from the official book as an XLSForm with form_id kpsp_36
    path = write_xlsform(
        tmp_path / "kpsp_36.xlsx", settings={"form_id": "kpsp_36", "form_title": "KPSP 36 bulan"}
    )
    library.import_xlsform(store, path)
    offered = library.available_forms(store)
    age, form = kpsp.questionnaire_for(offered, 38)
    assert (age.questionnaire, form.id) == (36, "kpsp_36")
    assert 36 not in kpsp.missing_ages(offered)
    assert form.applies_to == {"age_months": {"min": 36, "max": 41}}  # offered first for 36-41 months
    assert rank_forms(offered.values(), "2023-01-01", "01", date(2026, 2, 1))[0].id == "kpsp_36"


def test_the_command_line_says_which_questionnaire_and_what_is_missing(capsys) -> None:
    argv = ["--lang", "en", "forms", "kpsp", "--birth-date", "2023-01-20", "--on", "2026-01-05", "--yes", "8"]
    assert cli.main([*argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["months"], out["questionnaire_age"], out["next_routine"], out["form_id"]) == (
        36,
        36,
        42,
        None,
    )
    assert out["result"]["code"] == "meragukan" and 36 in out["missing_ages"]
    assert cli.main(argv) == 0
    assert "import them as an XLSForm with form_id kpsp_36" in capsys.readouterr().out
    assert (
        cli.main(["--lang", "id", "forms", "kpsp", "--birth-date", "2026-01-01", "--on", "2026-02-01"]) == 2
    )
    assert "di bawah 3 bulan" in capsys.readouterr().err
