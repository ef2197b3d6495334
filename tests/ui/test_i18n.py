"""Every word on screen goes through the translation table: no raw keys, in either language."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QTableView,
    QTabWidget,
    QWidget,
)

from caseworker import i18n as core_i18n
from caseworker.store import queries
from tests.ui.conftest import wait_idle

RAW_KEY = re.compile(r"^[a-z_]+\.[a-z_.]+$")


def texts_of(root: QWidget) -> list[str]:
    out: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        if isinstance(w, QLabel | QAbstractButton):
            out.append(w.text())
        if isinstance(w, QLineEdit):
            out.append(w.placeholderText())
        if isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())]
        if isinstance(w, QTabWidget):
            out += [w.tabText(i) for i in range(w.count())]
        if isinstance(w, QTableView) and w.model() is not None:
            m = w.model()
            out += [
                str(m.headerData(c, Qt.Orientation.Horizontal) or "")
                for c in range(m.columnCount(QModelIndex()))
            ]
    return [t.replace("&", "") for t in out if t]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_raw_keys_on_screen(qtbot, signed_in, lang: str) -> None:
    window = signed_in
    core_i18n.set_language(lang)
    window.retranslate()
    wait_idle(qtbot, window)
    ws = window.workspace
    seen = texts_of(window)
    seen += [a.text().replace("&", "") for a in window.menuBar().actions()]
    for menu_action in window.menuBar().actions():
        seen += [a.text() for a in menu_action.menu().actions()]
    case_id = queries.case_ids(window.store, queries.CaseFilter())[0]
    view = ws.open_case(case_id)
    seen += texts_of(view)
    for opener in (view.change_stage, view.edit_person, view.edit_case, lambda: view.new_assessment("barthel"),
                   window.open_settings, ws.new_case):  # fmt: skip
        opener()
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
        assert len(dialogs) == 1
        seen += texts_of(dialogs[0])
        dialogs[0].reject()
    raw = sorted({t for t in seen if RAW_KEY.match(t)})
    assert raw == []
    english_words = (
        {"Case list", "My cases", "Save"} if lang == "en" else {"Daftar kasus", "Kasus saya", "Simpan"}
    )
    assert english_words <= set(seen)
