"""Every window and dialog fits a field laptop's screen (issue 15, item 3): the main window on each of its
pages, every form, the print dialogs, settings, export, the supervisor's and the sync dialogs fit the
screen's *available* geometry (a 1366×768 or 1280×720 screen less a 40-pixel taskbar, also at 125 %
scaling), with every button outside a scroll area (the default and the cancel button among them) whole and
on the screen. The main window's minimum size is at most 1024×600.

The screen is made by Qt's offscreen platform from a JSON configuration (tests/conftest.py does so when
CASEWORKER_TEST_SCREEN is set), and the platform cannot change it while the app runs: so
`test_every_window_fits_the_laptop_screen` runs this module's `*_on_laptop` tests again in a new process,
once for each screen; run alone (without that variable) they are skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStatusBar,
    QTabBar,
    QTableView,
    QWidget,
)

from tests.ui.conftest import login, wait_idle

SCREENS = ["1366x728", "1280x680", "1366x728@1.25", "1280x680@1.25"]
MAIN_MINIMUM = (1024, 600)
ROOT = Path(__file__).resolve().parents[2]
laptop = pytest.mark.skipif(
    not os.environ.get("CASEWORKER_TEST_SCREEN"),
    reason="run on a laptop-sized screen by test_every_window_fits_the_laptop_screen",
)


@pytest.mark.parametrize("screen", SCREENS)
def test_every_window_fits_the_laptop_screen(screen: str) -> None:
    size, _, scale = screen.partition("@")
    env = {**os.environ, "CASEWORKER_TEST_SCREEN": size}
    env.pop("QT_SCALE_FACTOR", None)
    if scale:
        env["QT_SCALE_FACTOR"] = scale
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "on_laptop", __file__],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, f"on a {screen} screen:\n{run.stdout[-6000:]}\n{run.stderr[-2000:]}"


# -- what is checked ------------------------------------------------------------------------------------
def _rect(r: QRect) -> str:
    return f"{r.width()}×{r.height()}+{r.x()}+{r.y()}"


def _in_scroll_area(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QScrollArea | QTabBar):
            return True
        parent = parent.parentWidget()
    return False


def misfits(window: QWidget, name: str = "") -> list[str]:
    """What of `window` is off its screen's available geometry: the frame (title bar included), or a button
    or status bar outside a scroll area that is not whole inside the window and the screen."""
    name = name or type(window).__name__
    QApplication.processEvents()
    room = window.screen().availableGeometry()
    out = []
    if not room.contains(window.frameGeometry()):
        out.append(f"{name}: frame {_rect(window.frameGeometry())} outside the screen's {_rect(room)}")
    inside = QRect(window.mapToGlobal(QPoint(0, 0)), window.size())
    for w in window.findChildren(QAbstractButton) + window.findChildren(QStatusBar):
        if w.window() is not window or not w.isVisible() or _in_scroll_area(w, window):
            continue
        if w.objectName().startswith("qt_"):  # Qt's own parts (a scroll bar's, a spin box's)
            continue
        where = QRect(w.mapToGlobal(QPoint(0, 0)), w.size())
        shown = w.visibleRegion().boundingRect()
        what = w.text() if isinstance(w, QAbstractButton) else "status bar"
        if not (room.contains(where) and inside.contains(where)) or shown.size() != w.size():
            out.append(f"{name}: {type(w).__name__} {what!r} at {_rect(where)}, {shown.width()}×{shown.height()}"
                       f" of it shown, window {_rect(inside)}, screen {_rect(room)}")  # fmt: skip
    return out


def _buttons_named(window: QWidget) -> None:
    """A dialog with buttons has a default (Enter) or a cancel (Esc) button among those checked."""
    pushes = [b for b in window.findChildren(QPushButton) if b.isVisible() and b.window() is window]
    assert not pushes or any(b.isDefault() or b.autoDefault() for b in pushes), type(window).__name__


def check_dialog(qtbot, dialog: QWidget, name: str = "") -> list[str]:  # noqa: ANN001
    if not dialog.isVisible():
        dialog.show()
    qtbot.waitExposed(dialog)
    _buttons_named(dialog)
    return misfits(dialog, name)


def _close(dialog: QWidget) -> None:
    from ui.guarded_dialog import close_dialog

    close_dialog(dialog)
    dialog.close()


# -- the main window ------------------------------------------------------------------------------------
def _main_window_checks(qtbot, window, page: str) -> list[str]:  # noqa: ANN001
    wait_idle(qtbot, window)
    out = misfits(window, f"main window, {page}")
    out += [f"main window, {page}: {p}" for p in clipped_text(window) if p.startswith("header")]
    least = window.minimumSize().expandedTo(window.minimumSizeHint())
    if least.width() > MAIN_MINIMUM[0] or least.height() > MAIN_MINIMUM[1]:
        out.append(f"main window, {page}: minimum size {least.width()}×{least.height()} > 1024×600")
    return out


@laptop
def test_the_main_window_fits_on_laptop(qtbot, window) -> None:  # noqa: ANN001
    problems = misfits(window, "main window, sign-in")
    login(qtbot, window)
    problems += _main_window_checks(qtbot, window, "case list")
    from tests.ui.test_cases import _open_first_case

    view = _open_first_case(qtbot, window)
    for i in range(view.tabs.count()):
        view.tabs.setCurrentIndex(i)
        problems += _main_window_checks(qtbot, window, f"case, tab {view.tabs.tabText(i)!r}")
    from ui.workspace import KEY_ROLE

    ws = window.workspace
    for key in [ws.nav.item(i).data(KEY_ROLE) for i in range(ws.nav.count())]:
        ws.select_nav(key)
        wait_idle(qtbot, window)
        qtbot.wait(200)  # the page's figures, read in the background, shown
        problems += _main_window_checks(qtbot, window, key)
    # made as small as it lets itself be: still nothing cut off
    window.resize(window.minimumSizeHint())
    problems += _main_window_checks(qtbot, window, "at its minimum size")
    assert not problems, "\n".join(problems)


# -- the forms of a case --------------------------------------------------------------------------------
@laptop
def test_every_case_dialog_fits_on_laptop(qtbot, signed_in) -> None:  # noqa: ANN001
    from tests.ui.test_cases import _open_first_case
    from tests.ui.test_guarded_dialogs import DIALOGS
    from ui.assessment import AssessmentViewDialog
    from ui.note_reader import NoteReader

    view = _open_first_case(qtbot, signed_in)
    problems: list[str] = []
    for name, make in DIALOGS.items():
        dialog, field = make(signed_in, view)
        problems += check_dialog(qtbot, dialog, name)
        if name == "assessment":
            field.setFocus()
            qtbot.keyClicks(field, "Ditulis")
            QTest.keyClick(dialog, Qt.Key.Key_Escape)  # the question before discarding it
            problems += check_dialog(qtbot, dialog.discard_question, "discard question")
            dialog.discard_question.discard_button.click()
        _close(dialog)
    for form_id in sorted(view_forms()):
        view.new_assessment(form_id)
        problems += check_dialog(qtbot, view.dialog, f"assessment {form_id}")
        _close(view.dialog)
    answers = {"form_id": "biopsikososial", "assessed_at": "2026-10-17", "data": {}}
    problems += check_dialog(qtbot, AssessmentViewDialog(answers, view), "assessment view")
    note = {"text": "Kunjungan rumah.\n" * 200, "noted_at": "2026-10-17T09:00:00", "kind": "visit"}
    problems += check_dialog(qtbot, NoteReader(note, "Ani Rahmawati", view), "note reader")
    view.reassign()
    problems += check_dialog(qtbot, view.dialog, "reassign")
    _close(view.dialog)
    assert not problems, "\n".join(problems)


def view_forms() -> list[str]:
    from ui.case_view import shipped_forms

    return list(shipped_forms())


# -- printing -------------------------------------------------------------------------------------------
@laptop
def test_the_print_dialogs_fit_on_laptop(qtbot, signed_in, tmp_path) -> None:  # noqa: ANN001
    from caseworker.reports import render_case_summary
    from ui.printing import PrintOptionsDialog, PrintPreviewDialog
    from ui.printing.batch import BatchPrintDialog

    store = signed_in.store
    case_ids = [r["id"] for r in store.query("SELECT id FROM cases WHERE deleted = 0")]
    problems = check_dialog(qtbot, PrintOptionsDialog(store.user, signed_in), "print options")
    pdf = render_case_summary(store, case_ids[0], tmp_path / "summary.pdf")
    preview = PrintPreviewDialog(pdf, signed_in, store=store, case_id=case_ids[0])
    problems += check_dialog(qtbot, preview, "print preview")
    preview.close()
    batch = BatchPrintDialog(store, case_ids, signed_in, folder=tmp_path / "out")
    problems += check_dialog(qtbot, batch, "batch print")
    batch.close()
    assert not problems, "\n".join(problems)


# -- settings, export, supervision, sync ----------------------------------------------------------------
@laptop
def test_the_other_dialogs_fit_on_laptop(qtbot, signed_in, tmp_path) -> None:  # noqa: ANN001
    from ui.progress import ProgressDialog
    from ui.referrals_view import DeclineDialog
    from ui.supervisor.common import DecisionDialog
    from ui.supervisor.duplicates import MergeDialog
    from ui.supervisor.review_panel import SubmitDialog
    from ui.sync.connect import ConnectDialog
    from ui.sync.password import PasswordDialog
    from ui.sync.revoked import WipeDialog
    from ui.sync.value_dialog import ValueDialog
    from ui.transfer import ExportOptions

    w = signed_in
    store = w.store
    case_id = store.query("SELECT id FROM cases WHERE deleted = 0")[0]["id"]
    w.open_settings()
    problems = check_dialog(qtbot, w.settings_dialog, "settings")
    w.settings_dialog.close()
    person = {"name": "Muhammad Rizki Ramadhan", "birth_date": "2024-03-10", "nik": "3515081003240001"}
    long_text = "Anak tinggal bersama nenek di Desa Sidokare; ibu bekerja di luar negeri. " * 12
    made = {
        "export options": lambda: ExportOptions(w, None),
        "approve": lambda: DecisionDialog(True, "Siti Aminah · SDA-26-7F3K2Q", lambda _note: None, w),
        "return": lambda: DecisionDialog(False, "Siti Aminah · SDA-26-7F3K2Q", lambda _note: None, w),
        "submit for review": lambda: SubmitDialog(store, case_id, w),
        "merge": lambda: MergeDialog({"person": person, "other": {**person, "name": "Muhamad Rizky"}}, w),
        "connect": lambda: ConnectDialog(tmp_path / "joined", None, w),
        "password": lambda: PasswordDialog("ani", "Kata sandi salah.", w),
        "conflict value": lambda: ValueDialog("Masalah", long_text, "Budi", long_text[::-1], w),
        "wipe": lambda: WipeDialog(4208, w),
        "progress": lambda: ProgressDialog(
            w, "Sinkronisasi", lambda _job: None, lambda _r: None, lambda _e: None
        ),  # fmt: skip
        "message": lambda: QMessageBox(QMessageBox.Icon.Warning, "Peringatan", long_text, parent=w),
        "file dialog": lambda: _file_dialog(w, tmp_path),
        "decline referral": lambda: DeclineDialog(store, "r-1", w),
    }
    for name, make in made.items():
        dialog = make()
        problems += check_dialog(qtbot, dialog, name)
        _close(dialog)
        if isinstance(dialog, QDialog):
            QApplication.processEvents()
    assert not problems, "\n".join(problems)


def _file_dialog(parent: QWidget, folder: Path) -> QFileDialog:
    dialog = QFileDialog(parent, "Impor", str(folder))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    return dialog


# -- the supervisor's dashboard: text whole in both languages -------------------------------------------
def clipped_text(root: QWidget) -> list[str]:
    """Labels shown with less room than their text needs, and table header sections narrower than their
    title (Qt cuts both off without an ellipsis: "lext follow-u")."""
    QApplication.processEvents()
    out = []
    for w in root.findChildren(QLabel):
        if not w.isVisibleTo(root) or not w.text() or not w.pixmap().isNull():
            continue
        if w.wordWrap():
            need = QSize(w.minimumSizeHint().width(), w.heightForWidth(w.width()))
        else:
            need = w.sizeHint()
        if need.width() > w.width() or need.height() > w.height():
            out.append(f"label {w.text()!r}: {w.width()}×{w.height()}, needs {need.width()}×{need.height()}")
    for table in root.findChildren(QTableView):
        header = table.horizontalHeader()
        if not table.isVisibleTo(root) or not header.isVisible():
            continue
        for i in range(header.count()):
            title = table.model().headerData(i, Qt.Orientation.Horizontal)
            if not header.isSectionHidden(i) and header.sectionSize(i) < header.sectionSizeHint(i):
                out.append(
                    f"header {title!r}: {header.sectionSize(i)} wide, needs {header.sectionSizeHint(i)}"
                )
    return out


@pytest.fixture(scope="module")
def realistic(tmp_path_factory):  # noqa: ANN001, ANN201
    from tests.ui.supervisor_fixtures import realistic_unit

    store = realistic_unit(tmp_path_factory.mktemp("unit") / "profile", n_cases=60, seed=11)
    yield store
    store.close()


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("width", [1366 - 250, 1024 - 250])  # the page beside the sidebar, widest and least
def test_the_dashboard_shows_its_text_whole(qtbot, realistic, lang: str, width: int) -> None:  # noqa: ANN001
    from caseworker import i18n as core_i18n
    from tests.ui.supervisor_fixtures import TODAY
    from ui.supervisor import DashboardView

    core_i18n.set_language(lang)
    view = DashboardView(realistic, today=TODAY)
    qtbot.addWidget(view)
    view.show()
    view.resize(width, 700)  # after show: ui.screen_fit would fit it to the test's default 800×800 screen
    with qtbot.waitSignal(view.loaded, timeout=20000):
        view.refresh()
    qtbot.wait(20)
    page = view.findChild(QScrollArea).widget()
    assert page.width() <= width, "the dashboard is wider than its page: it scrolls sideways"
    assert not (problems := clipped_text(view)), "\n".join(problems)
