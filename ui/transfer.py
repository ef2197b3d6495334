"""File menu import/export through caseworker.transfer (when this version has it), in a worker thread
with a progress bar and a Cancel button.

The transfer module is written by another part of the project; this adapter looks for its functions by
name and passes a `progress(done, total)` callback when the function accepts one, so a cancel stops it
at the next callback.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from caseworker.store.store import Store
from ui.errors import show_error, show_info
from ui.i18n import register, tr
from ui.progress import ProgressDialog
from ui.tasks import JobControl

register(
    {
        "transfer.import_title": ("Impor klien", "Import clients"),
        "transfer.export_title": ("Ekspor kasus", "Export cases"),
        "transfer.pick_import": ("Pilih berkas Excel untuk diimpor", "Choose an Excel file to import"),
        "transfer.pick_export": ("Simpan ekspor sebagai", "Save the export as"),
        "transfer.imported": ("Impor selesai: {summary}", "Import finished: {summary}"),
        "transfer.exported": ("Ekspor disimpan di {path}.", "The export was saved to {path}."),
        "transfer.progress": ("{done} dari {total}", "{done} of {total}"),
    }
)

IMPORT_NAMES = ("import_file", "import_clients", "import_xlsx")
EXPORT_NAMES = ("export_cases", "export_file", "export_xlsx")


def _module() -> Any | None:
    if importlib.util.find_spec("caseworker.transfer") is None:
        return None
    return importlib.import_module("caseworker.transfer")


def _function(names: tuple[str, ...]) -> Callable[..., Any] | None:
    module = _module()
    if module is None:
        return None
    for name in names:
        fn = getattr(module, name, None)
        if callable(fn):
            return fn
    return None


def available() -> bool:
    try:
        return _function(IMPORT_NAMES) is not None or _function(EXPORT_NAMES) is not None
    except ImportError:
        return False


def _call_with_progress(fn: Callable[..., Any], control: JobControl, *args: Any, **kwargs: Any) -> Any:
    params = inspect.signature(fn).parameters
    if "progress" in params:
        kwargs["progress"] = lambda done, total=0, *_rest: control.progress(
            done, total, tr("transfer.progress", done=done, total=total)
        )
    return fn(*args, **{k: v for k, v in kwargs.items() if k in params or k == "progress"})


def _summary(result: Any) -> str:
    if isinstance(result, dict):
        return ", ".join(f"{k}: {v if not isinstance(v, list) else len(v)}" for k, v in result.items())
    for attr in ("imported", "rejected"):
        if hasattr(result, attr):
            return ", ".join(f"{a}: {_count(getattr(result, a, 0))}" for a in ("imported", "rejected") if hasattr(result, a))
    return str(result or "")


def _count(value: Any) -> Any:
    return len(value) if isinstance(value, list | tuple) else value


def import_dialog(parent: QWidget, store: Store, on_done: Callable[[], None] | None) -> None:
    fn = _function(IMPORT_NAMES)
    if fn is None:
        show_info(parent, tr("transfer.import_title"), tr("act.transfer.missing"))
        return
    name, _ = QFileDialog.getOpenFileName(parent, tr("transfer.pick_import"), "", "Excel (*.xlsx)")
    if not name:
        return
    # The store's connection belongs to the UI thread: the import opens a connection of its own.
    from caseworker.store.store import Store as _Store

    def job(control: JobControl) -> Any:
        writer = _open_writer(store)
        try:
            return _call_with_progress(fn, control, writer, Path(name))
        finally:
            writer.close()

    def done(result: Any) -> None:
        show_info(parent, tr("transfer.import_title"), tr("transfer.imported", summary=_summary(result)))
        if on_done:
            on_done()

    dialog = ProgressDialog(parent, tr("transfer.import_title"), job, done, lambda exc: show_error(parent, exc))
    parent.transfer_dialog = dialog  # type: ignore[attr-defined]
    dialog.start()
    del _Store


def _open_writer(store: Store) -> Store:
    """A second read-write connection for background imports (SQLite serialises the writers)."""
    from caseworker.store import db as dbmod
    from caseworker.store.store import Store as StoreClass

    db = dbmod.connect(store.profile_dir / dbmod.DB_FILENAME, store.key)
    return StoreClass(store.profile_dir, db, store.user, store.profile, store.key)


def export_dialog(parent: QWidget, store: Store) -> None:
    fn = _function(EXPORT_NAMES)
    if fn is None:
        show_info(parent, tr("transfer.export_title"), tr("act.transfer.missing"))
        return
    name, _ = QFileDialog.getSaveFileName(parent, tr("transfer.pick_export"), "kasus.xlsx", "Excel (*.xlsx)")
    if not name:
        return

    def job(control: JobControl) -> Any:
        writer = _open_writer(store)  # exports write an audit entry
        try:
            return _call_with_progress(fn, control, writer, Path(name))
        finally:
            writer.close()

    dialog = ProgressDialog(
        parent, tr("transfer.export_title"), job,
        lambda _r: show_info(parent, tr("transfer.export_title"), tr("transfer.exported", path=name)),
        lambda exc: show_error(parent, exc),
    )  # fmt: skip
    parent.transfer_dialog = dialog  # type: ignore[attr-defined]
    dialog.start()
