"""Idle detection: any key, click, wheel or mouse move in the app counts as activity; after `timeout_ms`
without any, `idle` fires once (until activity starts the clock again).

The filter sits on the app's windows (QWindow), where input arrives first, not on the whole application:
an application-wide Python filter would also see every paint and layout event of every widget.
"""

from __future__ import annotations

import contextlib
import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_ms = timeout_ms
        self._last = time.monotonic()
        self._fired = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._check)
        self.set_timeout(timeout_ms)
        self._windows: set[int] = set()
        app = QApplication.instance()
        if app is not None:
            for window in app.topLevelWindows():
                self._watch(window)
            app.focusWindowChanged.connect(self._watch)

    def _watch(self, window) -> None:  # noqa: ANN001 - QWindow or None
        if window is not None and id(window) not in self._windows:
            self._windows.add(id(window))
            window.installEventFilter(self)
            window.destroyed.connect(lambda _o=None, key=id(window): self._windows.discard(key))

    def set_timeout(self, timeout_ms: int) -> None:
        """0 turns locking off."""
        self.timeout_ms = timeout_ms
        self._timer.stop()
        if timeout_ms > 0:
            self._timer.start(max(50, min(5000, timeout_ms // 4)))
        self.touch()

    def touch(self) -> None:
        self._last = time.monotonic()
        self._fired = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in _ACTIVITY:
            self._last = time.monotonic()
            self._fired = False
        return False

    def _check(self) -> None:
        if (
            self.timeout_ms > 0
            and not self._fired
            and (time.monotonic() - self._last) * 1000 >= self.timeout_ms
        ):
            self._fired = True
            self.idle.emit()

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                app.focusWindowChanged.disconnect(self._watch)
            for window in app.topLevelWindows():
                window.removeEventFilter(self)
