"""Every window fits the screen it opens on (issue 15, item 3).

A field laptop's screen is 1366×768 or 1280×720 less a taskbar, often at 125 % scaling (1093×582 logical
pixels). `install(app)` makes the app fit each main window and dialog to its screen's *available* geometry
(`QScreen.availableGeometry`, the taskbar left out) as it is shown: a window larger than the room is made
smaller, and the whole window, title bar and borders included, is placed inside that room (a dialog centred
over the window it belongs to, as Qt does, but counting the frame Qt's own placement leaves out). So a
dialog may ask for the size it would like (`resize(820, 720)`) and the screen decides what it gets.

What cannot be made smaller than its content is not fixed here: a long dialog scrolls its form (a
QScrollArea) and keeps its buttons below it, and the main window's pages have a minimum size of at most
1024×600; tests/ui/test_screen_fit.py checks both on laptop-sized screens.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

# The frame a window manager draws around a window (title bar, borders), as long as no window has been
# shown to measure it on: a tall title bar and thick borders, so that a first window fits whatever draws them.
FRAME_GUESS = QMargins(8, 40, 8, 8)
REFIT_MS = 300  # time for a window manager to frame a new window and say how
_FITTED = (Qt.WindowType.Window, Qt.WindowType.Dialog)
_filter: QObject | None = None


def _margins(window: QWidget) -> QMargins | None:
    outer, inner = window.frameGeometry(), window.geometry()
    m = QMargins(inner.left() - outer.left(), inner.top() - outer.top(),
                 outer.right() - inner.right(), outer.bottom() - inner.bottom())  # fmt: skip
    if m.isNull() or min(m.left(), m.top(), m.right(), m.bottom()) < 0 or max(m.top(), m.left()) > 120:
        return None
    return m


def frame_margins(window: QWidget) -> QMargins:
    """The frame around `window`: its own when it has been shown, else that of another window on show (the
    same window manager draws both), else FRAME_GUESS."""
    others = [w for w in QApplication.topLevelWidgets() if w is not window]
    for w in [window, *others]:
        if w.isVisible() and w.windowType() in _FITTED and (m := _margins(w)) is not None:
            return m
    return FRAME_GUESS


def screen_of(window: QWidget) -> QScreen:
    parent = window.parentWidget()
    for w in (window, parent.window() if parent is not None else None):
        if w is not None and w.screen() is not None:
            return w.screen()
    return QGuiApplication.primaryScreen()


def room(window: QWidget) -> QRect:
    """The largest rectangle `window` itself (its frame left out) may take on its screen."""
    return screen_of(window).availableGeometry().marginsRemoved(frame_margins(window))


def fit_to_screen(window: QWidget) -> None:
    """Make `window` no larger than its screen's available geometry less its frame, and place it, frame and
    all, inside: centred over the window it belongs to (or the screen) when it has not been placed yet, else
    moved back inside as little as needed. A maximised or full-screen window is the window manager's."""
    if window.isMaximized() or window.isFullScreen():
        return
    area = screen_of(window).availableGeometry()
    frame = frame_margins(window)
    most = area.marginsRemoved(frame).size()
    if window.width() > most.width() or window.height() > most.height():
        if frame is FRAME_GUESS:  # once the window manager has framed it, fit it again to its real frame
            wanted = window.size()
            QTimer.singleShot(REFIT_MS, lambda: _refit(window, wanted))
        window.resize(window.size().boundedTo(most))  # never below its minimum size: the tests see to that
    outer = QRect(QPoint(0, 0), window.size()).marginsAdded(frame)  # the frame's size, at 0,0
    if not window.testAttribute(Qt.WidgetAttribute.WA_Moved):
        parent = window.parentWidget()
        over = parent.window().frameGeometry() if parent is not None and parent.isVisible() else area
        outer.moveCenter(over.center())
    else:
        outer.moveTopLeft(window.pos())  # a window's pos() is its frame's
    x = max(area.left(), min(outer.left(), area.right() + 1 - outer.width()))
    y = max(area.top(), min(outer.top(), area.bottom() + 1 - outer.height()))
    if QPoint(x, y) != window.pos() or not window.testAttribute(Qt.WidgetAttribute.WA_Moved):
        window.move(x, y)  # also keeps QDialog from placing it again without the frame's bottom edge


def _refit(window: QWidget, wanted: QSize) -> None:
    """The first window, fitted to a guessed frame: as large as it wanted within its real frame."""
    if not shiboken6.isValid(window) or not window.isVisible() or window.isMaximized():
        return
    frame = _margins(window)
    if frame is None:
        return
    area = screen_of(window).availableGeometry()
    size = wanted.boundedTo(area.marginsRemoved(frame).size()).expandedTo(window.minimumSize())
    if size != window.size():
        window.resize(size)
    outer = QRect(window.pos(), size).marginsAdded(QMargins(0, 0, frame.left() + frame.right(),
                                                            frame.top() + frame.bottom()))  # fmt: skip
    x = max(area.left(), min(outer.left(), area.right() + 1 - outer.width()))
    y = max(area.top(), min(outer.top(), area.bottom() + 1 - outer.height()))
    if QPoint(x, y) != window.pos():
        window.move(x, y)


class _ShowFilter(QObject):
    """Fits each main window and dialog as it is shown (the app's event filter: only Show is looked at)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Show and obj.isWidgetType() and not event.spontaneous():
            # A message box sizes itself to its text (and the screen) in its own showEvent, after this.
            if obj.isWindow() and obj.windowType() in _FITTED and not isinstance(obj, QMessageBox):
                fit_to_screen(obj)  # type: ignore[arg-type]
        return False


def install(app: QApplication) -> None:
    """From now on every main window and dialog the app shows fits its screen. Idempotent."""
    global _filter
    if _filter is None:
        _filter = _ShowFilter(app)
        app.installEventFilter(_filter)
