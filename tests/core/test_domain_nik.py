"""NIK and KK numbers: shape, region, encoded birth date and sex."""

from __future__ import annotations

from datetime import date

import pytest

from caseworker.domain.validation import (
    Issue,
    nik_birth_date,
    nik_sex,
    normalize_nik,
    validate_kk,
    validate_nik,
)

# Kecamatan Sidoarjo (35.15.08), born 17/08/1990, serial 0001.
MALE = "3515081708900001"
# The same kecamatan and date, female: day + 40.
FEMALE = "3515085708900002"


def codes(issues: list[Issue]) -> list[tuple[str, str]]:
    return [(i.code, i.severity) for i in issues]


def test_valid_male_and_female_niks_have_no_issues() -> None:
    assert validate_nik(MALE) == []
    assert validate_nik(FEMALE) == []
    assert validate_nik(MALE, date(1990, 8, 17), "L") == []
    assert validate_nik(FEMALE, date(1990, 8, 17), "P") == []


def test_spaces_dots_and_dashes_are_ignored() -> None:
    assert normalize_nik(" 3515 0817 0890 0001 ") == MALE
    assert normalize_nik("3515.0817.0890-0001") == MALE
    assert validate_nik("3515 0817 0890 0001") == []


def test_fifteen_digits_says_how_many_were_entered() -> None:
    issues = validate_nik(MALE[:-1])
    assert codes(issues) == [("nik_length", "error")]
    assert issues[0].text("id") == "NIK harus 16 angka; yang diisi 15 angka."
    assert issues[0].text("en") == "A NIK must have 16 digits; 15 were entered."
    assert codes(validate_nik(MALE + "1")) == [("nik_length", "error")]
    assert codes(validate_nik("")) == [("nik_length", "error")]


def test_letters_are_named_in_the_message() -> None:
    issues = validate_nik("35150817O8900001")  # letter O instead of zero
    assert codes(issues) == [("nik_not_digits", "error")]
    assert "'O'" in issues[0].text("id")


@pytest.mark.parametrize("day", ["00", "32", "40", "72", "99"])
def test_impossible_birth_day_is_an_error(day: str) -> None:
    issues = validate_nik(f"351508{day}08900001")
    assert codes(issues) == [("nik_day", "error")]
    assert f"'{day}'" in issues[0].text("en")


@pytest.mark.parametrize(("day", "expected"), [("41", date(1990, 8, 1)), ("71", date(1990, 8, 31))])
def test_female_days_41_and_71_are_valid(day: str, expected: date) -> None:
    nik = f"351508{day}08900001"
    assert validate_nik(nik) == []
    assert nik_sex(nik) == "P"
    assert nik_birth_date(nik, date(2026, 1, 1)) == expected


@pytest.mark.parametrize("month", ["00", "13"])
def test_month_outside_1_to_12_is_an_error(month: str) -> None:
    assert codes(validate_nik(f"35150817{month}900001")) == [("nik_month", "error")]


def test_serial_0000_is_an_error() -> None:
    assert codes(validate_nik(MALE[:-4] + "0000")) == [("nik_serial", "error")]


def test_date_that_does_not_exist_is_an_error() -> None:
    issues = validate_nik("3515083102990001")  # 31 February
    assert codes(issues) == [("nik_date_invalid", "error")]
    assert "31/02/99" in issues[0].text("id")


def test_29_february_2000_is_a_real_date() -> None:
    assert validate_nik("3515082902000001") == []
    assert nik_birth_date("3515082902000001", date(2026, 1, 1)) == date(2000, 2, 29)


def test_unknown_kabupaten_is_an_error() -> None:
    issues = validate_nik("9999011708900001")
    assert codes(issues) == [("nik_region_unknown", "error")]
    assert "999901" in issues[0].text("en")
    assert codes(validate_nik("3599011708900001")) == [("nik_region_unknown", "error")]


def test_unknown_kecamatan_in_a_known_kabupaten_is_only_a_warning() -> None:
    # Older NIKs keep the kecamatan code they were issued with, even after a split.
    issues = validate_nik("3515991708900001")
    assert codes(issues) == [("nik_kecamatan_unknown", "warning")]
    assert "Kabupaten Sidoarjo" in issues[0].text("id")


def test_kabupaten_code_from_before_the_papua_split_is_accepted() -> None:
    # 91.01 was Kabupaten Merauke in Papua until 2022; today it is 93.01 in Papua Selatan.
    assert validate_nik("9101011708900001") == []
    # 91.28 (Deiyai) became 94.08; kecamatan 99 does not exist there: warning only.
    assert codes(validate_nik("9128991708900001")) == [("nik_kecamatan_unknown", "warning")]


def test_birth_date_and_sex_disagreeing_with_the_nik_are_warnings_only() -> None:
    issues = validate_nik(MALE, date(1990, 8, 18), "P")
    assert codes(issues) == [("nik_birth_date_mismatch", "warning"), ("nik_sex_mismatch", "warning")]
    assert "17/08/90" in issues[0].text("id") and "18/08/1990" in issues[0].text("id")
    assert issues[1].text("en") == "The NIK indicates male, but female was entered. Check both."
    assert issues[1].text("id") == (
        "NIK menunjukkan jenis kelamin laki-laki, tetapi yang diisi perempuan. Periksa keduanya."
    )


def test_the_century_is_not_compared_because_the_nik_does_not_hold_it() -> None:
    assert validate_nik("3515081708200001", date(1920, 8, 17)) == []
    assert codes(validate_nik(MALE, date(1991, 8, 17))) == [("nik_birth_date_mismatch", "warning")]


def test_several_errors_are_reported_together() -> None:
    assert codes(validate_nik("3515080013900000")) == [
        ("nik_day", "error"),
        ("nik_month", "error"),
        ("nik_serial", "error"),
    ]


def test_two_digit_year_takes_the_century_that_is_not_in_the_future() -> None:
    today = date(2026, 6, 1)
    assert nik_birth_date("3515080101250001", today) == date(2025, 1, 1)
    assert nik_birth_date("3515080101260001", today) == date(2026, 1, 1)
    assert nik_birth_date("3515080107260001", today) == date(1926, 7, 1)  # July 2026 not yet
    assert nik_birth_date("3515080101300001", today) == date(1930, 1, 1)
    assert nik_birth_date("3515080101990001", today) == date(1999, 1, 1)


def test_helpers_return_none_for_malformed_numbers() -> None:
    assert nik_birth_date("123") is None
    assert nik_birth_date("3515083208900001") is None
    assert nik_sex("3515080008900001") is None
    assert nik_sex("x" * 16) is None
    assert nik_sex(MALE) == "L"
    assert nik_sex(FEMALE) == "P"


def test_valid_kk() -> None:
    assert validate_kk("3515081205120003") == []
    assert validate_kk("3515 0812 0512 0003") == []


def test_kk_shape_and_region_errors() -> None:
    assert codes(validate_kk("351508120512000")) == [("kk_length", "error")]
    assert codes(validate_kk("35150812O5120003")) == [("kk_not_digits", "error")]
    issues = validate_kk("9999081205120003")
    assert codes(issues) == [("kk_region_unknown", "error")]
    assert issues[0].field == "no_kk"
    assert issues[0].text("id").startswith("Kode wilayah nomor KK (999908) tidak dikenal")


def test_kk_with_an_unknown_kecamatan_of_a_known_kabupaten_is_accepted() -> None:
    assert validate_kk("3515991205120003") == []
