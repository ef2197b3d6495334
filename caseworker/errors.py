"""Typed errors. A KnownError is something the user can fix and carries a bilingual message;
anything else is a bug and is reported as such."""

from __future__ import annotations

from caseworker import i18n

i18n.register(
    {
        "wrong_password": ("Kata sandi salah untuk pengguna {user}.", "Wrong password for user {user}."),
        "unknown_user": (
            "Pengguna {user} tidak ada di profil ini.",
            "User {user} does not exist in this profile.",
        ),
        "no_profile": (
            "Belum ada profil di {path}. Buat dengan 'caseworker init'.",
            "There is no profile at {path}. Create one with 'caseworker init'.",
        ),
        "profile_exists": ("Profil sudah ada di {path}.", "A profile already exists at {path}."),
        "not_a_store": (
            "Berkas {path} bukan penyimpanan Caseworker yang valid atau rusak. Pulihkan dari cadangan.",
            "{path} is not a valid Caseworker store or is damaged. Restore it from a backup.",
        ),
        "disk_full": (
            "Disk penuh: perubahan tidak disimpan dan data tetap utuh. Kosongkan ruang lalu coba lagi.",
            "The disk is full: the change was not saved and the data is intact. Free some space and try again.",
        ),
        "read_only": (
            "Profil hanya-baca: perubahan tidak disimpan. Periksa izin folder {path}.",
            "The profile is read-only: the change was not saved. Check the permissions of {path}.",
        ),
        "not_allowed": ("Anda tidak berhak: {what}.", "You are not allowed to: {what}."),
        "not_found": ("{what} tidak ditemukan.", "{what} was not found."),
    }
)


class CaseworkerError(Exception):
    """Base of all errors raised on purpose by the core."""


class KnownError(CaseworkerError):
    """A problem the user can fix. `key` names a message in caseworker.i18n; exit code 2 on the CLI."""

    exit_code = 2

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(i18n.text(key, "en", **params))

    def text(self, lang: str | None = None) -> str:
        return i18n.text(self.key, lang, **self.params)


class WrongPassword(KnownError):
    def __init__(self, user: str) -> None:
        super().__init__("wrong_password", user=user)


class NotAllowed(KnownError):
    def __init__(self, what: str) -> None:
        super().__init__("not_allowed", what=what)


class NotFound(KnownError):
    def __init__(self, what: str) -> None:
        super().__init__("not_found", what=what)


class ValidationFailed(KnownError):
    """Raised with the list of validation issues that are errors (warnings never raise)."""

    def __init__(self, issues: list) -> None:  # list[domain.validation.Issue]
        self.issues = issues
        lines = "; ".join(i.text("id") for i in issues)
        lines_en = "; ".join(i.text("en") for i in issues)
        self.key = "validation"
        self.params = {}
        self._id, self._en = lines, lines_en
        CaseworkerError.__init__(self, lines_en)

    def text(self, lang: str | None = None) -> str:
        return self._id if (lang or i18n.language()) == "id" else self._en


class StoreError(KnownError):
    """Failures of the store the user can act on (disk full, read-only, damaged file)."""

    exit_code = 1


i18n.register(
    {
        "password_too_short": (
            "Kata sandi minimal {min} karakter.",
            "The password needs at least {min} characters.",
        ),
    }
)
