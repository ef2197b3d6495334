"""Numbers read as people type them and shown in the user's language (caseworker.numbers)."""

from __future__ import annotations

import pytest

from caseworker.numbers import NumberError, format_count, format_money, format_number, format_z, parse_number


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(
    ("text", "value"),
    [("95,2", 95.2), ("95.2", 95.2), (" 95,2 ", 95.2), ("80", 80), ("0,5", 0.5), (",5", 0.5),
     ("-1,25", -1.25), ("\u22121.25", -1.25), ("1.500.000", 1500000), ("1,500,000", 1500000),
     ("1.500.000,50", 1500000.5), ("1,500,000.50", 1500000.5), ("Rp1.500.000", 1500000), ("", None),
     ("   ", None)],
)  # fmt: skip
def test_both_ways_of_typing_read_the_same(text: str, value: float | None, lang: str) -> None:
    assert parse_number(text, lang) == value


@pytest.mark.parametrize(
    "text", ["9x", "95.2.1,0", "1,5.2", "95.", "1e5", "nan", "inf", "1.50.000", "--1", "Rp"]
)
def test_unreadable_text_is_refused_never_truncated(text: str) -> None:
    with pytest.raises(NumberError) as caught:
        parse_number(text, "id")
    assert caught.value.code == "not_a_number"
    assert "bukan angka" in caught.value.text("id") and "not a number" in caught.value.text("en")


def test_whole_numbers() -> None:
    assert parse_number("1.500", "id", integer=True) == 1500
    assert parse_number("1,500", "en", integer=True) == 1500
    assert parse_number("4", "id", integer=True) == 4
    assert parse_number("4,0", "id", integer=True) == 4
    with pytest.raises(NumberError) as caught:
        parse_number("4,5", "id", integer=True)
    assert caught.value.code == "not_an_integer"
    assert parse_number("1.500", "id") == 1.5  # a lone separator in a decimal field is a decimal mark


def test_shown_in_the_users_language() -> None:
    assert format_number(95.2, "id") == "95,2"
    assert format_number(95.2, "en") == "95.2"
    assert format_number(14, "id", 2) == "14,00"
    assert format_number(1500000, "id") == "1.500.000"
    assert format_number(1500000.5, "en") == "1,500,000.5"
    assert format_number(None, "id") == "-"
    assert format_z(-0.12, "id") == "\u22120,12"
    assert format_z(-3.531, "en") == "\u22123.53"
    assert format_z(1.2, "id") == "+1,20"
    assert format_z(-0.001, "id") == "+0,00"  # no minus on a zero
    assert format_money(1500000, "id") == "Rp1.500.000"
    assert format_money(1500000, "en") == "Rp1,500,000"
    assert format_money(-2500, "id") == "\u2212Rp2.500"
    assert format_count(4208, "id") == "4.208"
    assert format_count(4208, "en") == "4,208"


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("value", [0.5, 95.2, 12.25, 1500000, 1234567.89, -3.53])
def test_what_is_shown_reads_back(value: float, lang: str) -> None:
    assert parse_number(format_number(value, lang), lang) == pytest.approx(value)


def test_form_answers_are_shown_the_users_way() -> None:
    from caseworker.forms import answer_text, get_form, normalize_answers

    form = get_form("biopsikososial")
    clean = normalize_answers(form, {"penghasilan_bulanan": "1.500.000", "jumlah_tanggungan": "4"})
    income = form.field("penghasilan_bulanan")
    assert answer_text(income, clean["penghasilan_bulanan"], "id") == "Rp1.500.000"  # not "1500000 rupiah"
    assert answer_text(income, clean["penghasilan_bulanan"], "en") == "Rp1,500,000"
    assert answer_text(form.field("jumlah_tanggungan"), 4, "id") == "4 orang"


def test_growth_table_of_the_cli_uses_the_languages_decimal_mark() -> None:
    from caseworker.growth.command import format_table
    from caseworker.growth.zscores import compute

    result = compute("female", 400, weight_kg=8.1, length_cm=72.5, position="lying")
    indonesian, english = format_table(result, "id"), format_table(result, "en")
    assert "13,1" in indonesian and "13.1" in english  # the age in months
    assert "-1,05" in indonesian and "-1.05" in english
