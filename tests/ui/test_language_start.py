"""The app's language (issue 15 item 9): Indonesian unless the user chose English, `--lang` reaching the
window, Qt's own buttons and file dialog in Indonesian, and no tr() key shown raw."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QLineEdit, QMessageBox, QPushButton

import ui
from caseworker import i18n as core_i18n
from ui import app as ui_app
from ui import i18n
from ui.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def qt_translators(qapp) -> Iterator[None]:  # noqa: ANN001
    yield
    for translator in ui_app._translators:
        qapp.removeTranslator(translator)
    ui_app._translators.clear()


@pytest.mark.parametrize("locale_value", ["C", "POSIX", "C.UTF-8", "", "en_US.UTF-8", "id_ID.UTF-8"])
def test_the_app_opens_in_indonesian_unless_english_was_chosen(monkeypatch, locale_value: str) -> None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "CASEWORKER_LANG"):
        monkeypatch.delenv(var, raising=False)
    if locale_value:
        monkeypatch.setenv("LANG", locale_value)
        monkeypatch.setenv("LC_ALL", locale_value)
    assert ui_app.startup_language(Settings()) == "id"
    assert ui_app.startup_language(Settings(language="en")) == "en"
    assert ui_app.startup_language(Settings(language="en"), "id") == "id"  # --lang wins, this run
    assert ui_app.startup_language(Settings(language="id"), "en") == "en"
    monkeypatch.setenv("CASEWORKER_LANG", "en")
    assert ui_app.startup_language(Settings()) == "en"


def test_lang_flag_reaches_the_window(qtbot, profile_dir: Path, monkeypatch, qt_translators) -> None:
    """`caseworker --lang en --profile X` opens the sign-in window in English, though Settings say id."""
    Settings(language="id").save()
    monkeypatch.setenv("LANG", "C")
    seen: dict[str, object] = {}

    def fake_exec(*_args: object) -> int:
        windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        seen["lang"] = core_i18n.language()
        seen["texts"] = {b.text().replace("&", "") for w in windows for b in w.findChildren(QPushButton)}
        for w in windows:
            w.close()
            w.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    from ui.launcher import main

    assert main(["--lang", "en", "--profile", str(profile_dir)]) == 0
    assert seen["lang"] == "en"
    assert "Sign in" in seen["texts"], seen["texts"]
    assert Settings.load().language == "id"  # --lang is for this run, the user's choice stays


def test_message_box_buttons_read_indonesian(qtbot, qapp, qt_translators) -> None:
    assert ui_app.install_qt_translator(qapp, "id")
    box = QMessageBox(QMessageBox.Icon.Question, "Simpan?", "Simpan perubahan?")
    box.setStandardButtons(
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Cancel
        | QMessageBox.StandardButton.Open
        | QMessageBox.StandardButton.Ok
    )
    qtbot.addWidget(box)
    texts = {
        name: box.button(getattr(QMessageBox.StandardButton, name)).text()
        for name in ("Yes", "No", "Save", "Cancel", "Open", "Ok")
    }
    assert texts == {
        "Yes": "&Ya",
        "No": "&Tidak",
        "Save": "Simpan",
        "Cancel": "Batal",
        "Open": "Buka",
        "Ok": "OK",
    }
    box.show()
    qtbot.waitExposed(box)
    box.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    qtbot.keyClick(box, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # the &Tidak mnemonic
    qtbot.waitUntil(lambda: not box.isVisible())
    assert box.clickedButton() is box.button(QMessageBox.StandardButton.No)

    ui_app.install_qt_translator(qapp, "en")
    english = QMessageBox()
    english.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(english)
    assert english.button(QMessageBox.StandardButton.Cancel).text() == "Cancel"


def test_file_dialog_reads_indonesian(qtbot, qapp, tmp_path: Path, qt_translators) -> None:
    ui_app.install_qt_translator(qapp, "id")
    dialog = QFileDialog(None, "Pilih berkas", str(tmp_path))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = {w.text() for w in dialog.findChildren(QLabel)}
    assert {"&Lihat di:", "&Nama berkas:", "&Jenis berkas:"} <= labels, labels
    buttons = {b.text() for b in dialog.findChildren(QPushButton)}
    assert {"&Buka", "Batal"} <= buttons, buttons


def test_qt_strings_outside_the_table_keep_their_english(qtbot, qapp, qt_translators) -> None:
    """Found in the real window: with the Indonesian table installed, Qt printed 'QString::arg: Argument
    missing' for QLocalSocket's error (its text had become empty), and every Qt string the table does not
    hold (a line edit's context menu, error strings) came out blank."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtNetwork import QLocalSocket

    ui_app.install_qt_translator(qapp, "id")
    assert QCoreApplication.translate("QColorDialog", "Hu&e:") == "Hu&e:"  # (not in the table)
    socket = QLocalSocket()
    socket.connectToServer("")
    assert socket.errorString() == "QLocalSocket::connectToServer: Invalid name"
    edit = QLineEdit()
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts and all(texts), texts


# tr("key") literals; a literal followed by `+` is a prefix (tr("role." + role)), not a key.
TR_CALL = re.compile(r"""\btr\(\s*["']([^"'{}]+)["'](?!\s*\+)""")


def test_every_tr_key_in_ui_is_registered() -> None:
    """A key used before (or without) its registration is shown raw, as `demo.building` was."""
    for module in pkgutil.walk_packages(ui.__path__, "ui."):
        importlib.import_module(module.name)
    used: dict[str, str] = {}
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for key in TR_CALL.findall(path.read_text("utf-8")):
            used.setdefault(key, str(path.relative_to(ROOT)))
    assert len(used) > 300
    missing = {key: where for key, where in used.items() if key not in i18n.known_keys()}
    assert not missing


def test_the_demo_busy_window_has_its_words_before_the_shell_is_imported() -> None:
    import subprocess
    import sys

    code = "import ui.app, ui.i18n as i; print(i.tr('demo.building')); import sys; print('ui.shell' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["Menyiapkan", "profil", "demo…", "False"]
