"""What to print: the language of the PDF and its variant (standard, redacted for outside the facility,
full NIK/KK). A small dialog asks before anything is rendered."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.store.store import User
from ui.i18n import language, register, tr
from ui.widgets import button, combo, label, row

register(
    {
        "print.opt.title": ("Cetak ringkasan kasus", "Print case summary"),
        "print.opt.intro": (
            "Pilih bahasa dan versi ringkasan. Pratinjau ditampilkan sebelum dicetak atau disimpan.",
            "Choose the language and version of the summary. A preview is shown before printing or saving.",
        ),
        "print.opt.language": ("Bahasa dokumen", "Document language"),
        "print.opt.variant": ("Versi", "Version"),
        "print.opt.lang_id": ("Bahasa Indonesia", "Indonesian"),
        "print.opt.lang_en": ("Bahasa Inggris", "English"),
        "print.variant.standard": ("Standar", "Standard"),
        "print.variant.standard_hint": (
            "Untuk berkas unit. NIK dan KK ditampilkan sebagian.",
            "For the facility's files. NIK and KK partly hidden.",
        ),
        "print.variant.redacted": ("Tersamar (untuk pihak luar unit)", "Redacted (for outside the facility)"),
        "print.variant.redacted_hint": (
            "Catatan rahasia tidak dicetak; identitas anak berhadapan dengan hukum disingkat menjadi inisial.",
            "Confidential notes left out; the identity of a child in conflict with the law reduced to initials.",
        ),
        "print.variant.full_ids": ("NIK dan KK lengkap", "Full NIK and KK"),
        "print.variant.full_ids_hint": (
            "Untuk keperluan administrasi kependudukan. Pencetakan dicatat di riwayat kasus.",
            "For civil-registry paperwork. The print is recorded in the case history.",
        ),
        "print.variant.full_ids_denied": (
            "Hanya supervisor dan staf tata usaha yang dapat mencetak NIK dan KK lengkap (UU 27/2022 PDP).",
            "Only supervisors and administrative staff may print the full NIK and KK (Law 27/2022 on data "
            "protection).",
        ),
        "print.opt.preview": ("Pratinjau", "Preview"),
    }
)

VARIANTS = ("standard", "redacted", "full_ids")
FULL_ID_ROLES = ("supervisor", "admin", "staff")


@dataclass(frozen=True)
class PrintOptions:
    lang: str = "id"
    variant: str = "standard"  # one of VARIANTS; the audit log uses the same names as the core

    @property
    def redact(self) -> bool:
        return self.variant == "redacted"

    @property
    def full_ids(self) -> bool:
        return self.variant == "full_ids"

    def details(self) -> dict[str, str]:
        """The audit entry's details: which variant, which language (never personal data)."""
        return {"variant": self.variant, "lang": self.lang}


def may_print_full_ids(user: User) -> bool:
    return user.role in FULL_ID_ROLES


def language_combo(current: str) -> QComboBox:
    return combo([(tr("print.opt.lang_id"), "id"), (tr("print.opt.lang_en"), "en")], current)


def variant_name(variant: str) -> str:
    return tr(f"print.variant.{variant}")


class PrintOptionsDialog(QDialog):
    """Language and variant; full IDs disabled (with the reason shown) for users who may not print them."""

    def __init__(
        self, user: User, parent: QWidget | None = None, *, initial: PrintOptions | None = None
    ) -> None:
        super().__init__(parent)
        initial = initial or PrintOptions(lang=language())
        self.setWindowTitle(tr("print.opt.title"))
        self.setMinimumWidth(500)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.setSpacing(10)
        layout.addWidget(label(tr("print.opt.title"), "subtitle"))
        layout.addWidget(label(tr("print.opt.intro"), "muted", wrap=True))

        form = QFormLayout()
        form.setVerticalSpacing(10)
        self.language = language_combo(initial.lang)
        form.addRow(tr("print.opt.language"), self.language)
        layout.addLayout(form)

        layout.addWidget(label(tr("print.opt.variant"), "fieldlabel"))
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        allowed = may_print_full_ids(user)
        for variant in VARIANTS:
            radio = QRadioButton(variant_name(variant))
            self.radios[variant] = radio
            self.group.addButton(radio)
            layout.addWidget(radio)
            hint = label(tr(f"print.variant.{variant}_hint"), "muted", wrap=True)
            hint.setContentsMargins(26, 0, 0, 4)
            layout.addWidget(hint)
        full = self.radios["full_ids"]
        self.full_ids_reason = label("", "warning", wrap=True)
        self.full_ids_reason.setContentsMargins(26, 0, 0, 0)
        if not allowed:
            full.setEnabled(False)
            full.setToolTip(tr("print.variant.full_ids_denied"))
            self.full_ids_reason.setText(tr("print.variant.full_ids_denied"))
        layout.addWidget(self.full_ids_reason)
        self.full_ids_reason.setVisible(not allowed)
        start = initial.variant if initial.variant in VARIANTS else "standard"
        if start == "full_ids" and not allowed:
            start = "standard"
        self.radios[start].setChecked(True)

        layout.addStretch(1)
        self.cancel_button = button(tr("common.cancel"))
        self.preview_button = button(tr("print.opt.preview"), "print", primary=True)
        self.preview_button.setDefault(True)
        self.cancel_button.clicked.connect(self.reject)
        self.preview_button.clicked.connect(self.accept)
        layout.addLayout(row(None, self.cancel_button, self.preview_button))

    def options(self) -> PrintOptions:
        variant = next(v for v, radio in self.radios.items() if radio.isChecked())
        return PrintOptions(lang=self.language.currentData(), variant=variant)
