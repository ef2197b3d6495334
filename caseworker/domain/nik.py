"""NIK (Nomor Induk Kependudukan) and KK (Kartu Keluarga) numbers.

A NIK is 16 digits `PPKKCC DDMMYY NNNN`: the kecamatan where it was issued, the birth date (40 is
added to the day for women) and a serial. NIKs never change, so people registered before a region
was split carry a kecamatan (or kabupaten) code that no longer exists: an unknown kecamatan inside a
known kabupaten is only a warning, and kabupaten codes from before a province split are mapped.
A KK number starts with the same region code; its middle six digits are the issue date.
"""

from __future__ import annotations

import re
from datetime import date

from caseworker.domain import regions
from caseworker.domain.issues import Issue, error, register_issue_messages, warning

NIK_LENGTH = 16
_SEPARATORS = re.compile(r"[\s.\-]")

register_issue_messages(
    {
        "nik_not_digits": (
            "NIK hanya boleh berisi angka; ada karakter lain: '{chars}'.",
            "A NIK may contain only digits; found other characters: '{chars}'.",
        ),
        "nik_length": (
            "NIK harus 16 angka; yang diisi {length} angka.",
            "A NIK must have 16 digits; {length} were entered.",
        ),
        "nik_region_unknown": (
            "Kode wilayah NIK ({region}) tidak dikenal: kabupaten/kota {kabupaten} tidak ada. Periksa 6 angka pertama.",
            "The NIK's region code ({region}) is unknown: there is no kabupaten/kota {kabupaten}. Check the first 6 digits.",
        ),
        "nik_kecamatan_unknown": (
            "Kecamatan {kecamatan} pada NIK tidak ada di daftar wilayah {kabupaten_name} saat ini. "
            "Bisa jadi kode lama sebelum pemekaran; periksa kembali bila ragu.",
            "Kecamatan {kecamatan} in the NIK is not in today's list for {kabupaten_name}. "
            "It may be an older code from before a split; check it if unsure.",
        ),
        "nik_day": (
            "Tanggal lahir pada NIK ('{day}', angka ke-7 dan ke-8) harus 01-31 untuk laki-laki atau 41-71 untuk perempuan.",
            "The birth day in the NIK ('{day}', digits 7-8) must be 01-31 for men or 41-71 for women.",
        ),
        "nik_month": (
            "Bulan lahir pada NIK ('{month}', angka ke-9 dan ke-10) harus 01-12.",
            "The birth month in the NIK ('{month}', digits 9-10) must be 01-12.",
        ),
        "nik_date_invalid": (
            "Tanggal lahir pada NIK ({day}/{month}/{year}) bukan tanggal yang ada.",
            "The birth date in the NIK ({day}/{month}/{year}) is not a real date.",
        ),
        "nik_serial": (
            "Nomor urut NIK (4 angka terakhir) tidak boleh 0000.",
            "The NIK's serial number (last 4 digits) cannot be 0000.",
        ),
        "nik_birth_date_mismatch": (
            "Tanggal lahir pada NIK ({nik_date}) berbeda dengan tanggal lahir yang diisi ({birth_date}). Periksa keduanya.",
            "The birth date in the NIK ({nik_date}) differs from the date of birth entered ({birth_date}). Check both.",
        ),
        "nik_sex_mismatch": (
            "NIK menunjukkan jenis kelamin {nik_sex_name}, tetapi yang diisi {sex_name}. Periksa keduanya.",
            "The NIK indicates {nik_sex_name}, but {sex_name} was entered. Check both.",
        ),
        "kk_not_digits": (
            "Nomor KK hanya boleh berisi angka; ada karakter lain: '{chars}'.",
            "A KK number may contain only digits; found other characters: '{chars}'.",
        ),
        "kk_length": (
            "Nomor KK harus 16 angka; yang diisi {length} angka.",
            "A KK number must have 16 digits; {length} were entered.",
        ),
        "kk_region_unknown": (
            "Kode wilayah nomor KK ({region}) tidak dikenal: kabupaten/kota {kabupaten} tidak ada. Periksa 6 angka pertama.",
            "The KK number's region code ({region}) is unknown: there is no kabupaten/kota {kabupaten}. Check the first 6 digits.",
        ),
    }
)


def normalize_nik(text: str | None) -> str:
    """Drop the spaces, dots and dashes people type or paste (`3515 0812 3456 0001`)."""
    return _SEPARATORS.sub("", text or "")


def _dotted_region(number: str) -> str:
    return f"{number[0:2]}.{number[2:4]}.{number[4:6]}"


def _century_date(day: int, month: int, yy: int, today: date) -> date | None:
    """The birth date for a two-digit year: the latest century that is not in the future."""
    for century in (2000, 1900):
        try:
            candidate = date(century + yy, month, day)
        except ValueError:
            continue  # 29 February exists in 2000 but not in 1900
        if candidate <= today:
            return candidate
    return None


def nik_birth_date(nik: str | None, today: date | None = None) -> date | None:
    """The birth date a NIK encodes, or None if it has none (wrong shape, impossible date)."""
    number = normalize_nik(nik)
    if len(number) != NIK_LENGTH or not number.isdigit():
        return None
    day, month, yy = int(number[6:8]), int(number[8:10]), int(number[10:12])
    if day > 40:
        day -= 40
    return _century_date(day, month, yy, today or date.today())


def nik_sex(nik: str | None) -> str | None:
    """'L' (laki-laki) or 'P' (perempuan) from the NIK's day digits, or None if they make no sense."""
    number = normalize_nik(nik)
    if len(number) != NIK_LENGTH or not number.isdigit():
        return None
    day = int(number[6:8])
    if 1 <= day <= 31:
        return "L"
    if 41 <= day <= 71:
        return "P"
    return None


def _shape_issues(field: str, number: str, prefix: str) -> list[Issue]:
    """Digits only and 16 of them; anything else makes the rest meaningless."""
    others = "".join(dict.fromkeys(ch for ch in number if not ch.isdigit()))
    if others:
        return [error(field, f"{prefix}_not_digits", chars=others)]
    if len(number) != NIK_LENGTH:
        return [error(field, f"{prefix}_length", length=len(number))]
    return []


def _region_issues(field: str, number: str, prefix: str, warn_kecamatan: bool) -> list[Issue]:
    region = _dotted_region(number)
    current = regions.current_code(region) or region
    kabupaten = current[:5]
    kabupaten_name = regions.region_name(kabupaten)
    if kabupaten_name is None:
        return [error(field, f"{prefix}_region_unknown", region=number[:6], kabupaten=region[:5])]
    if warn_kecamatan and not regions.is_kecamatan(current):
        return [
            warning(
                field, f"{prefix}_kecamatan_unknown", kecamatan=number[4:6], kabupaten_name=kabupaten_name
            )
        ]
    return []


def validate_nik(
    nik: str, birth_date: date | None = None, sex: str | None = None, *, field: str = "nik"
) -> list[Issue]:
    """Errors for a NIK that cannot be right; warnings where it disagrees with the birth date or sex
    entered (the NIK records what Dukcapil registered, which is sometimes wrong)."""
    number = normalize_nik(nik)
    issues = _shape_issues(field, number, "nik")
    if issues:
        return issues
    issues = _region_issues(field, number, "nik", warn_kecamatan=True)
    day_text, month_text, year_text = number[6:8], number[8:10], number[10:12]
    day, month = int(day_text), int(month_text)
    date_ok = True
    if not (1 <= day <= 31 or 41 <= day <= 71):
        issues.append(error(field, "nik_day", day=day_text))
        date_ok = False
    if not 1 <= month <= 12:
        issues.append(error(field, "nik_month", month=month_text))
        date_ok = False
    if number[12:] == "0000":
        issues.append(error(field, "nik_serial"))
    if not date_ok:
        return issues
    encoded = nik_birth_date(number)
    if encoded is None:
        real_day = day - 40 if day > 40 else day
        issues.append(
            error(field, "nik_date_invalid", day=f"{real_day:02d}", month=month_text, year=year_text)
        )
        return issues
    if birth_date is not None and (birth_date.day, birth_date.month, birth_date.year % 100) != (
        encoded.day,
        encoded.month,
        encoded.year % 100,
    ):
        issues.append(
            warning(
                field,
                "nik_birth_date_mismatch",
                nik_date=f"{encoded.day:02d}/{encoded.month:02d}/{year_text}",
                birth_date=birth_date.strftime("%d/%m/%Y"),
            )
        )
    encoded_sex = nik_sex(number)
    if sex in ("L", "P") and encoded_sex and sex != encoded_sex:
        issues.append(warning(field, "nik_sex_mismatch", nik_sex=encoded_sex, sex=sex))
    return issues


def validate_kk(no_kk: str, *, field: str = "no_kk") -> list[Issue]:
    """A KK number: 16 digits whose region prefix names a known kabupaten/kota (at least)."""
    number = normalize_nik(no_kk)
    issues = _shape_issues(field, number, "kk")
    if issues:
        return issues
    return _region_issues(field, number, "kk", warn_kecamatan=False)
