"""Validation issues: what is wrong with which field, as data, with a bilingual sentence on demand.

`code` is stable (tests, the UI and the sync server key on it); the words live in caseworker.i18n
under the key `issue.<code>` and take `params` as format fields. Errors block a save; warnings are
shown and the user may go on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from caseworker import i18n

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"

# param name -> function(value, lang) giving a readable word; its result is passed as `<param>_name`,
# so a message shows "Terminasi" or "Termination" for the same Issue, depending on the language.
_PARAM_NAMERS: dict[str, Callable[[str, str | None], str]] = {}


def register_param_namer(param: str, namer: Callable[[str, str | None], str]) -> None:
    _PARAM_NAMERS[param] = namer


@dataclass(frozen=True)
class Issue:
    field: str
    code: str
    severity: Severity = ERROR
    params: dict = field(default_factory=dict, hash=False)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def text(self, lang: str | None = None) -> str:
        """The message in `lang` (default: the current language); the bare code if none is registered."""
        key = f"issue.{self.code}"
        if key not in i18n.MESSAGES:
            return self.code
        params = {"label": field_label(self.field, lang), **self.params}
        for name, value in self.params.items():
            if name in _PARAM_NAMERS and isinstance(value, str):
                params[f"{name}_name"] = _PARAM_NAMERS[name](value, lang)
        return i18n.text(key, lang, **params)


def field_label(field_name: str, lang: str | None = None) -> str:
    """The field's name as a person reads it (`birth_date` -> `Tanggal lahir`)."""
    key = f"field.{field_name}"
    return i18n.text(key, lang) if key in i18n.MESSAGES else field_name


def error(field_name: str, code: str, **params: object) -> Issue:
    return Issue(field_name, code, ERROR, params)


def warning(field_name: str, code: str, **params: object) -> Issue:
    return Issue(field_name, code, WARNING, params)


def errors_only(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.is_error]


def has_errors(issues: list[Issue]) -> bool:
    return any(i.is_error for i in issues)


def register_issue_messages(messages: dict[str, tuple[str, str]]) -> None:
    """Register {code: (indonesian, english)} under the `issue.` namespace of caseworker.i18n."""
    i18n.register({f"issue.{code}": pair for code, pair in messages.items()})


i18n.register(
    {
        f"field.{name}": pair
        for name, pair in {
            "name": ("Nama", "Name"),
            "nickname": ("Nama panggilan", "Nickname"),
            "nik": ("NIK", "NIK"),
            "no_kk": ("Nomor KK", "Family card number (KK)"),
            "birth_date": ("Tanggal lahir", "Date of birth"),
            "sex": ("Jenis kelamin", "Sex"),
            "birthplace": ("Tempat lahir", "Place of birth"),
            "address": ("Alamat", "Address"),
            "region_code": ("Kode wilayah", "Region code"),
            "phone": ("Nomor telepon", "Phone number"),
            "disabilities": ("Disabilitas", "Disabilities"),
            "guardian_name": ("Nama wali", "Guardian's name"),
            "guardian_relation": ("Hubungan wali", "Guardian's relation"),
            "guardian_phone": ("Telepon wali", "Guardian's phone"),
            "legal_basis": ("Dasar hukum pengasuhan", "Legal basis of custody"),
            "dtsen_desil": ("Desil DTSEN", "DTSEN decile"),
            "dtsen_checked_at": ("Tanggal cek DTSEN", "DTSEN check date"),
            "facility_code": ("Kode UPT", "Facility code"),
            "case_number": ("Nomor kasus", "Case number"),
            "category_code": ("Kategori PPKS", "PPKS category"),
            "stage": ("Tahap", "Stage"),
            "status": ("Status", "Status"),
            "risk": ("Tingkat risiko", "Risk level"),
            "opened_at": ("Tanggal dibuka", "Opening date"),
            "closed_at": ("Tanggal ditutup", "Closing date"),
            "closure_reason": ("Alasan penutupan", "Reason for closing"),
            "referral_source": ("Sumber rujukan", "Referral source"),
            "presenting_problem": ("Masalah yang dihadapi", "Presenting problem"),
            "consent_by": ("Persetujuan oleh", "Consent given by"),
            "consent_at": ("Tanggal persetujuan", "Consent date"),
            "consent_basis": ("Dasar persetujuan", "Basis of consent"),
            "last_contact_at": ("Kontak terakhir", "Last contact"),
            "note": ("Catatan", "Note"),
        }.items()
    }
)


def _sex_name(value: str, lang: str | None) -> str:
    key = {"L": "sex.L", "P": "sex.P"}.get(value)
    return i18n.text(key, lang) if key else value


i18n.register({"sex.L": ("laki-laki", "male"), "sex.P": ("perempuan", "female")})
register_param_namer("sex", _sex_name)
register_param_namer("nik_sex", _sex_name)

# Messages shared by several validators.
register_issue_messages(
    {
        "required": ("{label} wajib diisi.", "{label} is required."),
        "too_long": (
            "{label} terlalu panjang: paling banyak {max} karakter, yang diisi {length}.",
            "{label} is too long: at most {max} characters, {length} given.",
        ),
        "date_invalid": (
            "{label}: tanggal '{value}' tidak dikenali. Tulis sebagai 17/10/2026 atau 2026-10-17.",
            "{label}: the date '{value}' is not recognised. Write it as 17/10/2026 or 2026-10-17.",
        ),
        "date_future": (
            "{label} ({value}) ada di masa depan; periksa tahunnya.",
            "{label} ({value}) is in the future; check the year.",
        ),
        "date_too_old": (
            "{label} ({value}) sebelum tahun 1900; periksa tahunnya.",
            "{label} ({value}) is before 1900; check the year.",
        ),
        "not_in_choices": (
            "{label}: '{value}' bukan pilihan yang sah. Pilih salah satu: {choices}.",
            "{label}: '{value}' is not a valid choice. Choose one of: {choices}.",
        ),
    }
)
