"""Person and case validation, dates, and the wording of issues."""

from __future__ import annotations

from datetime import date

import pytest

from caseworker import i18n
from caseworker.domain.validation import (
    Issue,
    errors_only,
    format_date,
    has_errors,
    parse_date,
    validate_case,
    validate_person,
)

TODAY = date(2026, 10, 17)


def person(**changes: object) -> dict:
    base = {
        "name": "Siti Aminah",
        "nik": "3515085708900002",
        "no_kk": "3515081205120003",
        "birth_date": "1990-08-17",
        "sex": "P",
        "address": "Jl. Raya Lemahputro 12",
        "region_code": "35.15.08.1012",
        "phone": "0812-3456-7890",
        "dtsen_desil": 2,
        "disabilities": '["fisik"]',
    }
    base.update(changes)
    return base


def case(**changes: object) -> dict:
    base = {
        "category_code": "01",
        "stage": "asesmen",
        "status": "open",
        "risk": "medium",
        "opened_at": "2026-10-01",
    }
    base.update(changes)
    return base


def codes(issues: list[Issue]) -> list[tuple[str, str, str]]:
    return [(i.field, i.code, i.severity) for i in issues]


# --- dates ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-17", date(2026, 10, 17)),
        ("17/10/2026", date(2026, 10, 17)),
        (" 7/1/2026 ", date(2026, 1, 7)),
        ("2026-1-7", date(2026, 1, 7)),
        ("17-10-2026", date(2026, 10, 17)),
        ("17.10.2026", date(2026, 10, 17)),
        ("12032024", date(2024, 3, 12)),  # digits alone: day, month, year
    ],
)
def test_parse_date_accepts_iso_and_indonesian_order(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026/10/17",
        "31/02/2026",
        "17/13/2026",
        "kemarin",
        "17/10/26",
        "17-10/2026",
        "1710202",
        "20261017",
    ],
)
def test_parse_date_rejects_other_text_with_a_clear_message(text: str) -> None:
    with pytest.raises(ValueError, match="17/10/2026"):
        parse_date(text)


def test_parse_date_message_follows_the_language() -> None:
    i18n.set_language("en")
    try:
        with pytest.raises(ValueError, match="is not recognised"):
            parse_date("besok")
    finally:
        i18n.set_language("id")


def test_format_date() -> None:
    assert format_date(date(2026, 1, 7)) == "07/01/2026"
    assert format_date("2026-10-17T03:00:00Z") == "17/10/2026"
    assert format_date(None) == ""
    assert format_date("rubbish") == "rubbish"


# --- persons ---


def test_complete_person_is_valid() -> None:
    assert validate_person(person(), TODAY) == []


def test_one_word_name_is_fine_and_only_name_is_required() -> None:
    assert validate_person({"name": "Suparmi"}, TODAY) == []


def test_missing_name_is_an_error() -> None:
    for name in (None, "", "   "):
        issues = validate_person(person(name=name), TODAY)
        assert codes(issues) == [("name", "required", "error")]
    assert issues[0].text("id") == "Nama wajib diisi."
    assert issues[0].text("en") == "Name is required."


def test_too_long_fields() -> None:
    issues = validate_person(person(name="A" * 201, address="x" * 2001), TODAY)
    assert codes(issues) == [("name", "too_long", "error"), ("address", "too_long", "error")]
    assert issues[0].text("en") == "Name is too long: at most 200 characters, 201 given."
    assert validate_person(person(name="A" * 200, address="x" * 2000), TODAY) == []


def test_name_with_digits_is_a_warning() -> None:
    assert codes(validate_person(person(name="Siti 2"), TODAY)) == [("name", "name_has_digits", "warning")]


@pytest.mark.parametrize(
    ("birth_date", "code"),
    [("2026-10-18", "date_future"), ("1899-12-31", "date_too_old"), ("31/02/2000", "date_invalid")],
)
def test_birth_date_must_be_sane(birth_date: str, code: str) -> None:
    issues = validate_person({"name": "Budi", "birth_date": birth_date}, TODAY)
    assert codes(issues) == [("birth_date", code, "error")]


def test_birth_date_today_and_in_1900_are_accepted() -> None:
    assert validate_person({"name": "Bayi", "birth_date": "2026-10-17"}, TODAY) == []
    assert validate_person({"name": "Mbah", "birth_date": date(1900, 1, 1)}, TODAY) == []


def test_sex_must_be_l_or_p() -> None:
    issues = validate_person({"name": "Budi", "sex": "M"}, TODAY)
    assert codes(issues) == [("sex", "not_in_choices", "error")]
    assert "L, P" in issues[0].text("en")


def test_nik_and_kk_are_checked_when_present() -> None:
    issues = validate_person(person(nik="123", no_kk="9999081205120003"), TODAY)
    assert codes(issues) == [("nik", "nik_length", "error"), ("no_kk", "kk_region_unknown", "error")]


def test_nik_disagreeing_with_birth_date_and_sex_only_warns() -> None:
    issues = validate_person(person(birth_date="1991-08-17", sex="L"), TODAY)
    assert codes(issues) == [
        ("nik", "nik_birth_date_mismatch", "warning"),
        ("nik", "nik_sex_mismatch", "warning"),
    ]
    assert not has_errors(issues)
    assert errors_only(issues) == []


def test_estimated_birth_date_is_not_compared_with_the_nik() -> None:
    issues = validate_person(person(birth_date="1991-01-01", birth_date_estimated=1), TODAY)
    assert issues == []


def test_region_code_must_exist() -> None:
    assert codes(validate_person(person(region_code="35.15.99"), TODAY)) == [
        ("region_code", "region_unknown", "error")
    ]
    assert validate_person(person(region_code="351508"), TODAY) == []


@pytest.mark.parametrize("desil", [0, 11, "x", 2.5, True])
def test_dtsen_desil_out_of_range(desil: object) -> None:
    assert codes(validate_person(person(dtsen_desil=desil), TODAY)) == [
        ("dtsen_desil", "desil_range", "error")
    ]


@pytest.mark.parametrize("desil", [1, 10, "5"])
def test_dtsen_desil_in_range(desil: object) -> None:
    assert validate_person(person(dtsen_desil=desil), TODAY) == []


@pytest.mark.parametrize("phone", ["0812 3456 7890", "+62 812-3456-7890", "(031) 894 1234", "081234567"])
def test_plausible_phones(phone: str) -> None:
    assert validate_person(person(phone=phone, guardian_phone=phone), TODAY) == []


@pytest.mark.parametrize("phone", ["abc", "12345", "0812345678901234567", "0812+3456789", "0812/3456/789"])
def test_implausible_phones(phone: str) -> None:
    issues = validate_person(person(guardian_phone=phone), TODAY)
    assert codes(issues) == [("guardian_phone", "phone_invalid", "error")]
    assert issues[0].text("id").startswith("Telepon wali:")


@pytest.mark.parametrize("value", ["not json", '{"a": 1}', "[1, 2]"])
def test_disabilities_must_be_a_list_of_texts(value: str) -> None:
    assert codes(validate_person(person(disabilities=value), TODAY)) == [
        ("disabilities", "disabilities_invalid", "error")
    ]


def test_default_today_is_used_when_not_given() -> None:
    assert validate_person({"name": "Budi", "birth_date": "3000-01-01"})[0].code == "date_future"


# --- cases ---


def test_valid_open_and_closed_cases() -> None:
    assert validate_case(case(), TODAY) == []
    closed = case(status="closed", stage="terminasi", closed_at="2026-10-10", closure_reason="Reunifikasi")
    assert validate_case(closed, TODAY) == []


def test_required_case_fields() -> None:
    issues = validate_case({}, TODAY)
    assert codes(issues) == [
        ("category_code", "required", "error"),
        ("stage", "required", "error"),
        ("status", "required", "error"),
        ("opened_at", "required", "error"),
    ]


def test_unknown_codes_in_a_case() -> None:
    issues = validate_case(case(category_code="27", stage="selesai", status="done", risk="extreme"), TODAY)
    assert codes(issues) == [
        ("category_code", "category_unknown", "error"),
        ("stage", "stage_unknown", "error"),
        ("status", "not_in_choices", "error"),
        ("risk", "not_in_choices", "error"),
    ]
    assert issues[0].text("en") == "Unknown PPKS category '27'. Choose one of the 26 categories."


def test_risk_may_be_left_empty() -> None:
    assert validate_case(case(risk=None), TODAY) == []


def test_closing_date_before_opening_date() -> None:
    closed = case(status="closed", opened_at="2026-10-05", closed_at="2026-10-01", closure_reason="Meninggal")
    issues = validate_case(closed, TODAY)
    assert codes(issues) == [("closed_at", "closed_before_opened", "error")]
    assert issues[0].text("id") == "Tanggal ditutup (01/10/2026) lebih awal dari tanggal dibuka (05/10/2026)."


def test_dates_in_the_future() -> None:
    issues = validate_case(case(opened_at="2026-10-18", last_contact_at="2026-11-01T00:00:00Z"), TODAY)
    assert codes(issues) == [
        ("opened_at", "date_future", "error"),
        ("last_contact_at", "date_future", "error"),
    ]


def test_closed_case_needs_reason_and_date() -> None:
    issues = validate_case(case(status="closed"), TODAY)
    assert codes(issues) == [
        ("closure_reason", "closed_needs_reason", "error"),
        ("closed_at", "closed_needs_date", "error"),
    ]


def test_open_case_with_a_closing_date_is_a_warning() -> None:
    assert codes(validate_case(case(closed_at="2026-10-10"), TODAY)) == [
        ("closed_at", "open_with_closed_at", "warning")
    ]


def test_consent_basis_choices() -> None:
    assert validate_case(case(consent_basis="putusan_pengadilan"), TODAY) == []
    assert codes(validate_case(case(consent_basis="lisan"), TODAY)) == [
        ("consent_basis", "not_in_choices", "error")
    ]


# --- issues ---


def test_issue_text_uses_the_current_language_by_default() -> None:
    issue = validate_person({"name": ""}, TODAY)[0]
    i18n.set_language("id")
    assert issue.text() == "Nama wajib diisi."
    i18n.set_language("en")
    try:
        assert issue.text() == "Name is required."
    finally:
        i18n.set_language("id")


def test_issue_is_frozen_hashable_and_unknown_codes_read_as_the_code() -> None:
    issue = Issue("name", "duplicate_person", "warning", {"other": "Budi"})
    assert issue.text("en") == "duplicate_person"
    assert len({issue, Issue("name", "duplicate_person", "warning", {"other": "Budi"})}) == 1
    with pytest.raises(AttributeError):
        issue.code = "x"  # type: ignore[misc]
