"""Long notes can be read in the app (issue 15, item 6): the notes list shows date, kind and author beside
the note's first lines; Enter or a double-click opens a reader with the whole text that fits the screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from caseworker.store import cases
from tests.ui.conftest import login
from tests.ui.test_cases import _open_first_case
from tests.ui.test_form_keyboard import _tab_into

LONG = (
    "\n\n".join(
        f"Paragraf {i}: ibu menceritakan keadaan rumah, pekerjaan ayah, dan kebutuhan sekolah anak-anaknya."
        for i in range(400)
    )
    + "\nAKHIR CATATAN"
)


def _view_with_a_long_note(qtbot, window):  # noqa: ANN001, ANN202
    login(qtbot, window)
    view = _open_first_case(qtbot, window)
    cases.add_note(window.store, view.case_id, LONG, kind="meeting")
    view.reload()
    view.tabs.setCurrentWidget(view.notes)
    return view


def _headers(table) -> list[str]:  # noqa: ANN001
    model = table.model()
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def test_the_notes_list_shows_date_kind_and_author_beside_the_first_lines(qtbot, window) -> None:  # noqa: ANN001
    view = _view_with_a_long_note(qtbot, window)
    table = view.notes.table
    assert _headers(table) == ["Tanggal", "Jenis", "Oleh", "Catatan"]
    model = table.model()
    row = [model.index(0, c).data() for c in range(4)]
    assert row[0] and row[1] == "Pertemuan" and row[2] == "Ani Rahmawati"  # full name, not the username
    assert row[3].endswith("…") and len(row[3]) <= 241 and "AKHIR CATATAN" not in row[3]
    assert table.rowHeight(0) < table.viewport().height()  # one row never fills the list


def test_note_rows_are_as_tall_as_their_text_at_the_shown_width(qtbot, window) -> None:  # noqa: ANN001
    """Seen in the real window at 1366x768: each note row was ~150 px for three lines of text (measured
    while the tab was hidden and its text column narrow), so the list showed two and a half notes."""
    window.resize(1366, 728)
    window.show()
    view = _view_with_a_long_note(qtbot, window)
    table = view.notes.table
    qtbot.waitExposed(table)
    column = 3
    qtbot.waitUntil(lambda: table.columnWidth(column) > 300)
    lines = table.fontMetrics().lineSpacing()

    def fitted() -> bool:  # each row as tall as resizeRowsToContents makes it at the widths now, no more
        header = table.verticalHeader()
        return all(
            table.rowHeight(r) <= max(table.sizeHintForRow(r), header.sectionSizeHint(r))
            for r in range(table.model().rowCount())
        )

    qtbot.waitUntil(fitted)
    assert table.rowHeight(0) <= lines * 6  # the first lines of a note, not a screenful


def _check_reader(view) -> None:  # noqa: ANN001
    reader = view.note_window
    assert reader is not None and reader.isVisible()
    assert reader.text.toPlainText() == LONG  # the whole text
    assert reader.text.isReadOnly()
    assert reader.kind.text() == "Pertemuan" and reader.author.text() == "Ani Rahmawati"
    assert reader.when.text()
    assert reader.text.verticalScrollBar().maximum() > 0  # longer than the window: it scrolls
    room = reader.screen().availableGeometry()
    frame = reader.frameGeometry()
    assert room.contains(frame) or (frame.width() <= room.width() and frame.height() <= room.height())
    assert frame.width() <= 1366 and frame.height() <= 728


def test_enter_on_a_note_opens_the_whole_text(qtbot, window) -> None:  # noqa: ANN001
    view = _view_with_a_long_note(qtbot, window)
    table = view.notes.table
    _tab_into(qtbot, window, table)
    QTest.keyClick(table, Qt.Key.Key_Return)
    _check_reader(view)
    QTest.keyClick(view.note_window, Qt.Key.Key_Escape)
    assert not view.note_window.isVisible()


def test_a_double_click_on_a_note_opens_the_whole_text(qtbot, window) -> None:  # noqa: ANN001
    view = _view_with_a_long_note(qtbot, window)
    table = view.notes.table
    cell = table.visualRect(table.model().index(0, 3)).center()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    _check_reader(view)
    view.note_window.accept()
