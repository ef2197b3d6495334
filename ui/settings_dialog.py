"""Settings: language (Bahasa Indonesia / English), the idle time before the screen locks, and (for a
profile that syncs with a server) whether attachment files move only over fast links."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QFormLayout, QHBoxLayout, QSpinBox, QVBoxLayout, QWidget

from caseworker.store.store import Store
from caseworker.sync import files, state
from ui import i18n
from ui.i18n import register, tr
from ui.settings import Settings
from ui.widgets import button, combo, label

register(
    {
        "settings.title": ("Pengaturan", "Settings"),
        "settings.language": ("Bahasa", "Language"),
        "settings.idle": ("Kunci layar setelah tidak digunakan", "Lock the screen after no use for"),
        "settings.minutes": (" menit", " minutes"),
        "settings.never": ("tidak pernah", "never"),
        "settings.idle.hint": (
            "Layar terkunci menyembunyikan data klien; isian yang belum disimpan tetap ada.",
            "A locked screen hides client data; unsaved input is kept.",
        ),
        "settings.files_fast": (
            "Berkas lampiran hanya lewat koneksi cepat (Wi-Fi)",
            "Attachment files only over fast links (Wi-Fi)",
        ),
        "settings.files_fast.hint": (
            "Data teks selalu disinkronkan. Foto dan pindaian menunggu koneksi cepat (±2 Mbit/detik atau "
            'lebih), agar kuota seluler tidak habis; tombol "Unduh sekarang" di tab Dokumen tetap '
            "mengunduhnya kapan saja.",
            "Text is always synced. Photos and scans wait for a fast link (about 2 Mbit/s or more) to save "
            'mobile data; the "Download now" button in the Documents tab still fetches them at any time.',
        ),
    }
)


class SettingsDialog(QDialog):
    applied = Signal(bool)  # language changed

    def __init__(self, settings: Settings, parent: QWidget | None = None, store: Store | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.store = store if store is not None and state.is_server_profile(store) else None
        self.setWindowTitle(tr("settings.title"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(label(tr("settings.title"), "subtitle"))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.language = combo([("Bahasa Indonesia", "id"), ("English", "en")], i18n.language())
        self.idle = QSpinBox()
        self.idle.setRange(0, 240)
        self.idle.setSuffix(tr("settings.minutes"))
        self.idle.setSpecialValueText(tr("settings.never"))
        self.idle.setValue(settings.idle_lock_minutes)
        form.addRow(tr("settings.language"), self.language)
        form.addRow(tr("settings.idle"), self.idle)
        layout.addLayout(form)
        layout.addWidget(label(tr("settings.idle.hint"), "muted", wrap=True))
        self.files_fast: QCheckBox | None = None
        if self.store is not None:  # a profile of its own on this laptop: the setting is the profile's
            self.files_fast = QCheckBox(tr("settings.files_fast"))
            self.files_fast.setChecked(files.fast_links_only(self.store))
            layout.addWidget(self.files_fast)
            layout.addWidget(label(tr("settings.files_fast.hint"), "muted", wrap=True))
        ok = button(tr("common.save"), primary=True)
        cancel = button(tr("common.cancel"))
        ok.clicked.connect(self.apply)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(ok)
        layout.addLayout(buttons)

    def apply(self) -> None:
        lang = self.language.currentData()
        changed = lang != i18n.language()
        self.settings.language = lang
        self.settings.idle_lock_minutes = self.idle.value()
        if self.store is not None and self.files_fast is not None:
            files.set_fast_links_only(self.store, self.files_fast.isChecked())
        if changed:
            i18n.set_language(lang)
        self.accept()
        self.applied.emit(changed)
