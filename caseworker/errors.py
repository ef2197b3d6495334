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
            "Disk penuh: perubahan ini tidak disimpan, data yang sudah tersimpan tetap utuh. Kosongkan ruang "
            "di disk (hapus atau pindahkan berkas yang tidak perlu), lalu coba lagi.",
            "The disk is full: this change was not saved; the data already saved is intact. Free some space on "
            "the disk (delete or move files you do not need), then try again.",
        ),
        "read_only": (
            "Folder profil {path} hanya-baca: perubahan tidak disimpan, data tetap utuh (berkasnya tidak rusak). "
            "Periksa izin tulis folder itu, atau apakah disk/flashdisk terpasang hanya-baca.",
            "The profile folder {path} is read-only: the change was not saved; the data is intact (the files are "
            "not damaged). Check the folder's write permission, or whether the disk or USB stick is mounted "
            "read-only.",
        ),
        # The store opened for reading only (caseworker.store.profile.open_profile): said once at sign-in,
        # and again for every change refused while it stays so.
        "opened_disk_full": (
            "Disk penuh: profil dibuka hanya untuk dibaca. Data Anda utuh; kasus bisa dibuka dan dibaca, tetapi "
            "perubahan tidak bisa disimpan. Kosongkan ruang di disk (hapus atau pindahkan berkas yang tidak "
            "perlu), lalu keluar dan masuk lagi.",
            "The disk is full: the profile was opened for reading only. Your data is intact; cases can be opened "
            "and read, but changes cannot be saved. Free some space on the disk (delete or move files you do "
            "not need), then sign out and in again.",
        ),
        "opened_read_only": (
            "Folder profil {path} hanya-baca: profil dibuka hanya untuk dibaca. Data Anda utuh (berkasnya tidak "
            "rusak, jangan pulihkan cadangan). Agar bisa menyimpan, beri izin tulis pada folder itu atau "
            "pasang disk/flashdisk tanpa mode hanya-baca, lalu keluar dan masuk lagi.",
            "The profile folder {path} is read-only: the profile was opened for reading only. Your data is "
            "intact (the files are not damaged, do not restore a backup). To save changes, give the folder "
            "write permission or mount the disk or USB stick read-write, then sign out and in again.",
        ),
        "refused_disk_full": (
            "Disk penuh: profil terbuka hanya untuk dibaca, perubahan ini tidak disimpan. Kosongkan ruang di "
            "disk, lalu keluar dan masuk lagi.",
            "The disk is full: the profile is open for reading only, this change was not saved. Free some space "
            "on the disk, then sign out and in again.",
        ),
        "refused_read_only": (
            "Folder profil {path} hanya-baca: perubahan ini tidak disimpan. Beri izin tulis pada folder itu, "
            "lalu keluar dan masuk lagi.",
            "The profile folder {path} is read-only: this change was not saved. Give the folder write "
            "permission, then sign out and in again.",
        ),
        "cannot_open_disk_full": (
            "Disk penuh: profil tidak bisa dibuka, bahkan untuk dibaca. Data Anda utuh (jangan pulihkan "
            "cadangan). Kosongkan ruang di disk (hapus atau pindahkan berkas yang tidak perlu), lalu coba lagi.",
            "The disk is full: the profile cannot be opened, not even for reading. Your data is intact (do not "
            "restore a backup). Free some space on the disk (delete or move files you do not need), then try "
            "again.",
        ),
        "cannot_open_read_only": (
            "Folder profil {path} hanya-baca dan profil tidak bisa dibuka dari sana. Data Anda utuh (jangan "
            "pulihkan cadangan). Beri izin tulis pada folder itu atau pasang disk/flashdisk tanpa mode "
            "hanya-baca, lalu coba lagi.",
            "The profile folder {path} is read-only and the profile cannot be opened from it. Your data is "
            "intact (do not restore a backup). Give the folder write permission or mount the disk or USB stick "
            "read-write, then try again.",
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
