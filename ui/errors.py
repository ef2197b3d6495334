"""Showing errors: a KnownError is something the user can fix and is shown in their language; anything
else is a bug, shown as such with the details folded away (and logged), never as a raw traceback."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtWidgets import QMessageBox, QWidget

from caseworker.errors import KnownError
from ui.i18n import register, tr

log = logging.getLogger("caseworker.ui")

register(
    {
        "error.title": ("Tidak dapat dilanjutkan", "Cannot continue"),
        "error.bug_title": ("Terjadi kesalahan", "Something went wrong"),
        "error.bug": (
            "Terjadi kesalahan yang tidak terduga. Data yang sudah disimpan tetap aman.\n"
            "Laporkan rincian di bawah ini kepada admin.",
            "An unexpected error happened. Data already saved is safe.\nReport the details below to your admin.",
        ),
    }
)

shown: list[QMessageBox] = []  # the boxes on screen (tests read them; they close themselves)


def error_text(exc: BaseException) -> str:
    if isinstance(exc, KnownError):
        return exc.text()
    return tr("error.bug")


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """A window-modal message that does not block the caller (no nested event loop)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    if isinstance(exc, KnownError):
        box.setWindowTitle(tr("error.title"))
        box.setText(exc.text())
    else:
        details = getattr(exc, "ui_traceback", None) or "".join(traceback.format_exception(exc))
        log.error("unexpected error: %s", details)
        box.setWindowTitle(tr("error.bug_title"))
        box.setText(tr("error.bug"))
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    shown.append(box)
    box.finished.connect(lambda _=0: shown.remove(box) if box in shown else None)
    box.open()
    return box


def show_info(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    shown.append(box)
    box.finished.connect(lambda _=0: shown.remove(box) if box in shown else None)
    box.open()
    return box
