"""Files and records around a print: private temporary folders for preview PDFs (they hold personal data),
a store connection of its own for background rendering, saved copies and their audit entries."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from caseworker.private_files import open_private
from caseworker.reports.batch import batch_file_name
from caseworker.store import db as dbmod
from caseworker.store import repository
from caseworker.store.store import Store
from ui.printing.options import PrintOptions

TEMP_PREFIX = "caseworker-print-"
STALE_AFTER_SECONDS = 12 * 3600


class PrivateFolder:
    """A temporary folder only the user can read (0700), removed by `remove()` or at the latest when a later
    session sweeps folders left behind by a crash."""

    def __init__(self) -> None:
        sweep_stale()
        self.path = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
        os.chmod(self.path, 0o700)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    @property
    def exists(self) -> bool:
        return self.path.exists()


def sweep_stale(root: Path | None = None, older_than: float = STALE_AFTER_SECONDS) -> int:
    """Delete preview folders a crashed session left behind (by age: a running session's folder is young)."""
    removed = 0
    base = root or Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for folder in base.glob(TEMP_PREFIX + "*"):
            with contextlib.suppress(OSError):
                if folder.is_dir() and time.time() - folder.stat().st_mtime > older_than:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed += 1
    return removed


@contextlib.contextmanager
def worker_store(store: Store) -> Iterator[Store]:
    """A connection of its own for a background thread: the renderer reads the case and appends the
    'print' audit entry there, while the UI thread keeps its connection (WAL lets both work at once)."""
    db = dbmod.connect(store.profile_dir / dbmod.DB_FILENAME, store.key)
    worker = Store(store.profile_dir, db, store.user, store.profile, store.key)
    try:
        yield worker
    finally:
        with contextlib.suppress(Exception):
            db.conn.close()


def pdf_file_name(store: Store, case_id: str, options: PrintOptions) -> str:
    """SDA-26-7F3K2Q.pdf (or ..._tersamar.pdf): the case number, never the client's name."""
    row = store.one("SELECT case_number FROM cases WHERE id = ?", [case_id])
    return batch_file_name((row or {}).get("case_number") or "kasus", options.redact)


def audit_print(
    store: Store, action: str, case_id: str | None, options: PrintOptions, **extra: object
) -> None:
    """'print_sent' (sent to a printer) or 'save_pdf' (a copy saved): shown in the case's history."""
    details: dict[str, object] = {**options.details(), **extra}
    repository.audit(store, action, "cases" if case_id else None, case_id, case_id, details)


def save_pdf_copy(
    source: Path, target: Path, *, store: Store | None = None, case_id: str | None = None,
    options: PrintOptions | None = None,
) -> Path:  # fmt: skip
    """Copy the rendered PDF to where the user chose and record it (the target path is not recorded: a
    file name may carry a client's name)."""
    target = Path(target)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    with open(source, "rb") as src, open_private(target, "wb") as dst:  # the user's only (0600)
        shutil.copyfileobj(src, dst)
    if store is not None:
        audit_print(store, "save_pdf", case_id, options or PrintOptions())
    return target
