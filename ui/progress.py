"""Progress for long work: a dialog with a bar and a Cancel button over a LongJob, and a simple busy
window for start-up work that has no progress to report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QDialog, QProgressBar, QVBoxLayout, QWidget

from ui.i18n import register, tr
from ui.tasks import JobControl, LongJob, run_in_background
from ui.widgets import button, label, row

register({"progress.cancel": ("Batalkan", "Cancel"), "progress.cancelling": ("Membatalkan…", "Cancelling…")})


class ProgressDialog(QDialog):
    """Runs `fn(control)` off the UI thread; `on_done(result)` / `on_error(exc)` on the UI thread."""

    def __init__(self, parent: QWidget | None, title: str, fn: Callable[[JobControl], Any],
                 on_done: Callable[[Any], None], on_error: Callable[[BaseException], None]) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(label(title, "subtitle"))
        self.text = label("", "muted", wrap=True)
        layout.addWidget(self.text)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        layout.addWidget(self.bar)
        self.cancel_button = button(tr("progress.cancel"))
        layout.addLayout(row(None, self.cancel_button))
        self.job = LongJob(fn, self)
        self.job.progress.connect(self._progress)
        self.job.finished.connect(lambda result: (self.accept(), on_done(result)))
        self.job.failed.connect(lambda exc: (self.reject(), on_error(exc)))
        self.job.cancelled.connect(self.reject)
        self.cancel_button.clicked.connect(self._cancel)

    def start(self) -> None:
        self.open()
        self.job.start()

    def _progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        if text:
            self.text.setText(text)

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.text.setText(tr("progress.cancelling"))
        self.job.cancel()


def run_with_busy(title: str, fn: Callable[[], Any]) -> Any:
    """Run fn in the background while a small window says what is happening (start-up only)."""
    dialog = QDialog()
    dialog.setWindowTitle(title)
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(24, 20, 24, 20)
    layout.addWidget(label(title, "subtitle"))
    bar = QProgressBar()
    bar.setRange(0, 0)
    layout.addWidget(bar)
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    dialog.show()
    run_in_background(fn, done, failed)
    loop.exec()
    dialog.close()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
