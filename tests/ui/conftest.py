"""UI test fixtures: Qt warnings fail the test, a ready profile per test (copied from one built per
session, since key derivation is slow on purpose), and a signed-in main window."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QtMsgType, qInstallMessageHandler

from caseworker import i18n as core_i18n
from caseworker.store import cases
from caseworker.store.profile import add_user, create_profile
from ui import qtfix

qtfix.apply()  # PySide6 6.12 on Python 3.11 loses references to True/None: see ui/qtfix.py

PASSWORD = "rahasia-123"
# Messages the offscreen platform prints for things it cannot do; they say nothing about the app.
HARMLESS = (
    "This plugin does not support propagateSizeHints()",
    "This plugin does not support raise()",
    "This plugin does not support grabbing the keyboard",
    "QStandardPaths: XDG_RUNTIME_DIR",
)


@pytest.fixture(autouse=True)
def qt_warnings_fail() -> Iterator[list[str]]:
    problems: list[str] = []

    def handler(kind: QtMsgType, _context, message: str) -> None:  # noqa: ANN001
        if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            if not any(h in message for h in HARMLESS):
                problems.append(message)

    previous = qInstallMessageHandler(handler)
    yield problems
    qInstallMessageHandler(previous)
    assert not problems, f"Qt warnings: {problems}"


@pytest.fixture(autouse=True)
def indonesian() -> Iterator[None]:
    core_i18n.set_language("id")
    yield
    core_i18n.set_language("id")


@pytest.fixture(autouse=True)
def styled(qapp) -> None:  # noqa: ANN001
    from ui import screen_fit, style

    if not qapp.styleSheet():
        style.apply(qapp)
    screen_fit.install(qapp)  # as ui.app.create_app does: every window fits its screen


def _seed(folder: Path) -> None:
    store = create_profile(
        folder, username="ani", password=PASSWORD, facility_code="SDA", facility_name="UPT PPSAB Sidoarjo",
        full_name="Ani Rahmawati",
    )  # fmt: skip
    add_user(store, "budi", PASSWORD, "worker", "Budi Santoso")
    people = [
        ("Siti Aminah", "2024-05-10", "P", "01", "ani"),
        ("Muhammad Rizki", "2023-11-02", "L", "01", "budi"),
        ("Sri Wahyuni", "1950-02-01", "P", "25", "ani"),
    ]
    for name, born, sex, category, worker in people:
        person = cases.register_person(store, {"name": name, "birth_date": born, "sex": sex}).id
        case_id = cases.open_case(store, person, category, assigned_to=worker)
        cases.add_note(store, case_id, f"Kunjungan rumah pertama untuk {name.split()[0]}.")
    store.close()


@pytest.fixture(scope="session")
def template_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template") / "profile"
    _seed(folder)
    return folder


@pytest.fixture
def profile_dir(template_profile: Path, tmp_path: Path) -> Path:
    target = tmp_path / "profile"
    shutil.copytree(template_profile, target)
    return target


@pytest.fixture
def settings(tmp_path: Path):  # noqa: ANN201
    from ui.settings import Settings

    return Settings()


@pytest.fixture
def window(qtbot, profile_dir: Path, settings):  # noqa: ANN001, ANN201
    from ui.shell import MainWindow

    w = MainWindow(profile_dir, settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    if w.workspace is not None:
        w.workspace.reader.wait()
    w.close()


def login(qtbot, window, user: str = "ani", password: str = PASSWORD) -> None:  # noqa: ANN001
    page = window.login_page
    page.user.setCurrentIndex(page.user.findData(user))
    page.password.setText(password)
    page.card.submit.click()
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10000)
    wait_idle(qtbot, window)


def wait_idle(qtbot, window) -> None:  # noqa: ANN001
    """Let background reads finish and their results reach the UI."""
    ws = window.workspace
    if ws is None:
        return
    for _ in range(3):
        ws.reader.wait()
        qtbot.wait(20)


@pytest.fixture
def signed_in(qtbot, window):  # noqa: ANN001, ANN201
    login(qtbot, window)
    return window
