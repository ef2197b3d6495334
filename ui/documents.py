"""Attachments: add a file (read and encrypted off the UI thread) and save a decrypted copy elsewhere.

Files are kept encrypted beside the store (caseworker.store.attachments); opening one is audited.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from caseworker.errors import KnownError
from caseworker.private_files import write_private_bytes
from caseworker.store import attachments, repository
from caseworker.store.store import Store
from ui.errors import show_error
from ui.i18n import register, tr
from ui.tasks import run_in_background

register(
    {
        "docs.pick": ("Pilih berkas untuk dilampirkan", "Choose a file to attach"),
        "docs.save_as": ("Simpan salinan dokumen", "Save a copy of the document"),
    }
)


def attach_file(store: Store, case_id: str, path: Path, on_done: Callable[[str], None]) -> None:
    """Read and encrypt in the background; the row (with its outbox and audit entries) is written on the UI
    thread, which owns the store's connection."""
    size = path.stat().st_size
    if size > attachments.MAX_BYTES:
        raise KnownError("attachment_too_big", name=path.name, mb=size // (1024 * 1024))

    def encrypt() -> str:
        return attachments.put_blob(store, path.read_bytes())

    def insert(digest: str) -> None:
        row_id = repository.insert(
            store,
            "attachments",
            {"case_id": case_id, "filename": path.name, "size": size, "sha256": digest, "description": "",
             "mime": mimetypes.guess_type(path.name)[0] or "application/octet-stream"},
        )  # fmt: skip
        on_done(row_id)

    run_in_background(encrypt, insert, lambda exc: show_error(None, exc))


def add_document(parent: QWidget, store: Store, case_id: str, on_done: Callable[..., None]) -> None:
    name, _ = QFileDialog.getOpenFileName(parent, tr("docs.pick"))
    if not name:
        return
    try:
        attach_file(store, case_id, Path(name), on_done)
    except KnownError as exc:
        show_error(parent, exc)


def save_copy(parent: QWidget, store: Store, row: dict[str, Any]) -> None:
    target, _ = QFileDialog.getSaveFileName(parent, tr("docs.save_as"), row.get("filename") or "")
    if not target:
        return
    try:
        _row, data = attachments.read_attachment(store, row["id"])
        write_private_bytes(target, data)  # a client's document: the user's only (0600)
    except (KnownError, OSError) as exc:
        show_error(parent, exc)
