"""The sidebar's titles are shown whole (issue 15): "Tindak lanjut jatuh tempo" was painted as
"Tindak lanjut jatuh te…" in the 250-pixel sidebar. A title too long for one line goes onto two."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QStyleOptionViewItem

from caseworker import i18n as core_i18n
from tests.ui.conftest import login


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_nav_title_is_painted_whole(qtbot, profile_dir: Path, settings, lang: str) -> None:  # noqa: ANN001
    from ui.shell import MainWindow

    core_i18n.set_language(lang)
    settings.language = lang
    window = MainWindow(profile_dir, settings)
    qtbot.addWidget(window)
    window.resize(1024, 600)  # the smallest the main window gets
    window.show()
    try:
        login(qtbot, window)  # ani manages the profile: every entry, the supervisor's among them
        nav = window.workspace.nav
        delegate = nav.itemDelegate()
        nav.viewport().repaint()
        qtbot.waitUntil(lambda: len(delegate.painted) == nav.count())
        metrics = nav.fontMetrics()
        titles = []
        for row in range(nav.count()):
            item = nav.item(row)
            painted = delegate.painted[row]
            titles.append(item.text())
            assert "…" not in painted and painted.replace("\n", " ") == item.text(), (lang, painted)
            option = QStyleOptionViewItem()
            option.initFrom(nav)
            option.rect = nav.visualItemRect(item)
            option.decorationSize = nav.iconSize()
            room = delegate.text_room(option, nav.model().index(row, 0))
            lines = painted.split("\n")
            assert all(metrics.horizontalAdvance(line) <= room for line in lines), (lang, painted, room)
            assert nav.visualItemRect(item).height() >= len(lines) * metrics.lineSpacing(), painted
        due = nav.item(titles.index("Tindak lanjut jatuh tempo" if lang == "id" else "Follow-ups due"))
        if lang == "id":  # the one that was cut: too wide for one line, so it takes two
            assert "\n" in delegate.painted[nav.row(due)]
    finally:
        window.workspace.reader.wait()
        window.close()
