"""Many case summaries in one go (e.g. every case at a stage for a case conference): one PDF per case,
each printed and audited like a single one; progress reported, cancellable between cases."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from caseworker.private_files import private_dir
from caseworker.reports.case_summary import print_context, render_case_summary
from caseworker.store.store import Store

Progress = Callable[[int, int, str], None]  # (done, total, case number)


def batch_file_name(case_number: str, redact: bool) -> str:
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", case_number) or "kasus"
    return f"{safe}{'_tersamar' if redact else ''}.pdf"


def render_case_batch(
    store: Store,
    case_ids: Iterable[str],
    out_dir: str | Path,
    *,
    lang: str = "id",
    redact: bool = False,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[Path]:
    """Write one summary per case into `out_dir`; returns the files written (fewer if stopped)."""
    ids = list(case_ids)
    folder = Path(out_dir)
    private_dir(folder, tighten_existing=False)  # a folder made for the batch is 0700; each PDF is 0600
    ctx = print_context(store)  # same printer, time and signers for the whole batch
    numbers = {
        r["id"]: r["case_number"]
        for start in range(0, len(ids), 500)
        for r in store.query(
            f"SELECT id, case_number FROM cases WHERE id IN ({','.join('?' * len(ids[start : start + 500]))})",
            ids[start : start + 500],
        )
    }
    written: list[Path] = []
    for done, case_id in enumerate(ids, start=1):
        if should_stop and should_stop():
            break
        number = numbers.get(case_id) or case_id
        path = folder / batch_file_name(number, redact)
        written.append(render_case_summary(store, case_id, path, lang=lang, redact=redact, ctx=ctx))
        if progress:
            progress(done, len(ids), number)
        if done % 50 == 0:
            gc.collect()  # reportlab builds reference cycles; keep a long batch's memory flat
    return written
