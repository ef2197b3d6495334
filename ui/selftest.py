"""`caseworker --self-test` for the desktop app: the Qt-free checks of caseworker.selftest, then the app
started the way `run_app` starts it (ui.app.create_app) and the main window opened on the self-test's
temporary profile, a case opened, drawn and closed again.

Run it after installing on a facility laptop (Windows: `caseworker-cli.exe --self-test`, the console twin
of the windowed `caseworker.exe`) and after every frozen build (scripts/build_app.sh).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from caseworker.private_files import open_private
from caseworker.selftest import SelfTestContext, Step
from caseworker.selftest import run_self_test as run_core_self_test

REPORT_FILE = "caseworker-selftest.txt"  # where the report goes when there is no console (windowed .exe)


def _needs_offscreen() -> bool:
    """Linux without X11 or Wayland (a build server, CI, SSH): Qt's offscreen platform instead."""
    if not sys.platform.startswith("linux"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def check_main_window(ctx: SelfTestContext) -> str:
    """Open the real main window signed in on the temporary store, open the case, draw it, close it.
    The window takes the store over and closes it, as it does when a user quits. Errors Qt reports and
    exceptions raised inside slots fail the step (they would otherwise only reach stderr)."""
    store = ctx.require_store()
    if _needs_offscreen():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Settings are read at start and saved on close: the temporary folder, never the user's own.
    os.environ["CASEWORKER_CONFIG_DIR"] = str(ctx.workdir / "settings")

    from PySide6.QtCore import QThreadPool, QtMsgType, qInstallMessageHandler

    problems: list[str] = []

    def on_message(kind: QtMsgType, _context: object, message: str) -> None:
        if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            problems.append(message)

    def on_exception(kind: type[BaseException], exc: BaseException, _tb: object) -> None:
        problems.append(f"{kind.__name__}: {exc}")  # raised inside a Qt slot or event handler

    previous, previous_hook = qInstallMessageHandler(on_message), sys.excepthook
    sys.excepthook = on_exception
    try:
        from ui.app import create_app
        from ui.shell import MainWindow

        app, settings = create_app([sys.argv[0] if sys.argv else "caseworker"])
        window = MainWindow(ctx.workdir / "profile", settings)
        window.enter(store)
        ctx.store = None  # owned by the window from here on
        window.show()
        app.processEvents()
        if window.workspace is None or not window.isVisible():
            raise RuntimeError("the workspace did not open")
        if ctx.case_id is not None:
            window.workspace.open_case(ctx.case_id)
        window.workspace.reader.wait()
        app.processEvents()
        shot = ctx.workdir / "window.png"
        if not window.grab().save(str(shot)) or shot.stat().st_size == 0:
            raise RuntimeError("the window could not be drawn")
        width, height = window.width(), window.height()
        window.close()
        QThreadPool.globalInstance().waitForDone(10_000)  # background work ends before the folder goes
        app.processEvents()
        window.deleteLater()
        app.processEvents()
    finally:
        qInstallMessageHandler(previous)
        sys.excepthook = previous_hook
    if problems:
        raise RuntimeError(f"{len(problems)} error(s) while the window was open, first: {problems[0]}")
    opened = " with the case open" if ctx.case_id else ""
    return f"{type(window).__name__} {width}x{height}{opened}, drawn and closed (Qt {app.platformName()})"


UI_STEPS: tuple[Step, ...] = (Step("window", check_main_window, needs=("profile",)),)


def run_self_test(out: TextIO | None = None) -> int:
    """Every check, printed one line each; 0 if all passed. A windowed build on Windows has no console
    (sys.stdout is None): the report then goes to %TEMP%/caseworker-selftest.txt."""
    if out is not None or sys.stdout is not None:
        return run_core_self_test(UI_STEPS, out=out)
    with open_private(Path(tempfile.gettempdir()) / REPORT_FILE, "w", encoding="utf-8") as report:
        return run_core_self_test(UI_STEPS, out=report)


if __name__ == "__main__":
    sys.exit(run_self_test())
