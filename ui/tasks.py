"""Work off the UI thread.

- `run_in_background(fn, on_done, on_error)`: one-off jobs (login key derivation, saving a file) on Qt's
  global thread pool; results come back on the UI thread through queued signals.
- `DbReader`: ONE background thread with its own read connection (store.reader()) for searches, lists and
  counts, like Anki's single DB worker. Jobs are grouped by channel; a newer job on a channel makes the older
  ones stale: stale jobs are skipped before they run, interrupted while they run and their results dropped.
- `LongJob`: cancellable work with progress (import, export, batch printing), shown by ui.progress.
"""

from __future__ import annotations

import contextlib
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from caseworker.store.store import Store


class _Relay(QObject):
    """Lives on the UI thread; signals emitted from a worker are queued to it."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int, str)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn, self.relay = fn, relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # handed to the UI thread, which shows it
            exc.ui_traceback = traceback.format_exc()  # type: ignore[attr-defined]
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


_alive: set[_Relay] = set()  # keeps relays alive until their signal was delivered


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    pool: QThreadPool | None = None,
) -> None:
    relay = _Relay()
    _alive.add(relay)

    def finish(callback: Callable[[Any], None] | None, value: Any) -> None:
        _alive.discard(relay)
        if callback is not None:
            callback(value)
        elif isinstance(value, BaseException):
            from ui.errors import show_error

            show_error(None, value)

    relay.done.connect(lambda value: finish(on_done, value))
    relay.failed.connect(lambda exc: finish(on_error, exc))
    (pool or QThreadPool.globalInstance()).start(_Runnable(fn, relay))


class DbReader(QObject):
    """The background reader: jobs run one at a time on a private thread with their own connection."""

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._reader: Store | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._generation: dict[str, int] = {}
        self._delivered: dict[str, int] = {}  # per channel: the newest generation that finished
        self._running: str | None = None
        self._lock = threading.Lock()
        self._closed = False

    def _connection(self) -> Store:
        if self._reader is None:
            self._reader = self._store.reader()
        return self._reader

    def submit(
        self,
        channel: str,
        fn: Callable[[Store], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run fn(reader_store) in the background; only the newest job of a channel delivers its result."""
        if self._closed:
            return
        generation = self._generation.get(channel, 0) + 1
        self._generation[channel] = generation
        with self._lock:
            if self._running == channel and self._reader is not None:
                with contextlib.suppress(Exception):
                    self._reader.conn.interrupt()  # the old query's answer is not wanted any more

        def current() -> bool:
            return self._generation.get(channel) == generation and not self._closed

        def job() -> Any:
            if not current():
                return _STALE
            with self._lock:
                self._running = channel
            try:
                return fn(self._connection())
            except Exception as exc:
                if not current():
                    return _STALE  # interrupted on purpose
                raise exc
            finally:
                with self._lock:
                    self._running = None

        def deliver(result: Any) -> None:
            if current():
                self._delivered[channel] = generation
            if result is not _STALE and current():
                on_done(result)

        def fail(exc: BaseException) -> None:
            if current():
                self._delivered[channel] = generation
                if on_error is not None:
                    on_error(exc)
                else:
                    from ui.errors import show_error

                    show_error(None, exc)

        run_in_background(job, deliver, fail, pool=self._pool)

    def busy(self, channel: str) -> bool:
        """Whether a job of `channel` is queued or running and has not delivered yet."""
        return self._generation.get(channel, 0) != self._delivered.get(channel, 0)

    def wait(self, msecs: int = 5000) -> bool:
        return self._pool.waitForDone(msecs)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            if self._reader is not None:
                with contextlib.suppress(Exception):
                    self._reader.conn.interrupt()
        self._pool.waitForDone(10000)
        if self._reader is not None:
            with contextlib.suppress(Exception):
                self._reader.conn.close()
            self._reader = None


_STALE = object()


class Cancelled(Exception):
    """Raised inside a LongJob when the user pressed Cancel."""


class JobControl:
    """Given to a long job's function: report progress, and check whether the user cancelled."""

    def __init__(self, relay: _Relay) -> None:
        self._relay = relay
        self._cancel = threading.Event()

    def progress(self, done: int, total: int, text: str = "") -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self._relay.progress.emit(int(done), int(total), text)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class LongJob(QObject):
    """fn(control) on the global pool; signals `progress`, `finished(result)`, `failed(exc)`, `cancelled`."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, fn: Callable[[JobControl], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fn = fn
        self._relay = _Relay()
        self.control = JobControl(self._relay)
        self._relay.progress.connect(self.progress)
        self._relay.done.connect(self._done)
        self._relay.failed.connect(self._failed)

    def start(self) -> None:
        QThreadPool.globalInstance().start(_Runnable(lambda: self._fn(self.control), self._relay))

    def cancel(self) -> None:
        self.control.cancel()

    @Slot(object)
    def _done(self, result: Any) -> None:
        if self.control.cancelled:
            self.cancelled.emit()
        else:
            self.finished.emit(result)

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled) or self.control.cancelled:
            self.cancelled.emit()
        else:
            self.failed.emit(exc)
