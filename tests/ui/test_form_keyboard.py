"""A worker's keyboard and mouse on the forms and lists (issue 15, item 6): a form takes the first keystrokes
in its first field, a wheel scrolling a long form never changes an answer, Tab into a table shows a row."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QScrollArea, QSpinBox

from caseworker.store import queries
from tests.ui.conftest import login, wait_idle
from tests.ui.test_cases import _open_first_case
from tests.ui.test_guarded_dialogs import DIALOGS
from ui.models import CASE_ID_ROLE


def _text(widget) -> str:  # noqa: ANN001
    return widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()


@pytest.mark.parametrize("name", list(DIALOGS))
def test_a_form_takes_the_first_keystrokes_in_its_first_field(qtbot, window, name) -> None:  # noqa: ANN001
    login(qtbot, window)
    view = _open_first_case(qtbot, window)
    dialog, field = DIALOGS[name](window, view)
    if name == "edit_case":
        field = dialog.form.referral  # its first empty field (the problem is filled in)
    qtbot.waitExposed(dialog)
    focused = dialog.focusWidget()
    assert focused is not None, "no initial focus"
    before = _text(field)
    qtbot.keyClicks(focused, "Wulan")  # no click first: where the keys go is the dialog's choice
    assert _text(field) == before + "Wulan"
    dialog.close_quietly()


def _wheel(widget, steps: int = -1) -> None:  # noqa: ANN001
    """A wheel turn over `widget` (negative: towards the user, i.e. scroll down), sent as Qt would."""
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)  # fmt: skip
    QApplication.sendEvent(widget, event)


def _scroll_area_of(widget) -> QScrollArea:  # noqa: ANN001
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    assert parent is not None, "not in a scroll area"
    return parent


def test_the_wheel_scrolls_a_long_form_and_leaves_its_answers_alone(qtbot, window) -> None:  # noqa: ANN001
    login(qtbot, window)
    view = _open_first_case(qtbot, window)
    view.new_assessment("biopsikososial")
    dialog = view.dialog
    qtbot.waitExposed(dialog)
    combos = [c for c in dialog.findChildren(QComboBox) if c.isVisible()]
    assert combos, "the assessment has choice fields"
    box = combos[0]
    area = _scroll_area_of(box)
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0, "the form is longer than its window"
    before, scrolled = box.currentIndex(), bar.value()
    _wheel(box)
    assert box.currentIndex() == before  # the answer did not move
    assert bar.value() > scrolled  # the page did
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    box.setFocus(Qt.FocusReason.OtherFocusReason)
    _wheel(box)  # a focused box is the user's choice: the wheel changes it
    assert box.currentIndex() != before
    dialog.close_quietly()


def test_the_wheel_leaves_a_spin_box_alone_unless_it_has_focus(qtbot, window) -> None:  # noqa: ANN001
    login(qtbot, window)
    view = _open_first_case(qtbot, window)
    view.edit_person()
    dialog = view.dialog
    qtbot.waitExposed(dialog)
    spin = next(s for s in dialog.findChildren(QSpinBox))
    before = spin.value()
    _wheel(spin, steps=1)
    assert spin.value() == before
    assert spin.focusPolicy() != Qt.FocusPolicy.WheelFocus  # a wheel does not give it focus either
    dialog.close_quietly()


def _tab_into(qtbot, window, table) -> None:  # noqa: ANN001
    """Focus the widget before `table` in Tab order, then press Tab, as a worker does."""
    before = table.previousInFocusChain()
    while not (before.focusPolicy() & Qt.FocusPolicy.TabFocus and before.isVisible() and before.isEnabled()):
        before = before.previousInFocusChain()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    before.setFocus(Qt.FocusReason.OtherFocusReason)
    QTest.keyClick(before, Qt.Key.Key_Tab)
    assert table.hasFocus()


def test_tab_into_a_table_shows_a_current_row(qtbot, window) -> None:  # noqa: ANN001
    login(qtbot, window)
    view = _open_first_case(qtbot, window)
    view.tabs.setCurrentWidget(view.notes)
    table = view.notes.table
    assert table.model().rowCount() > 0
    assert not table.selectionModel().hasSelection()
    _tab_into(qtbot, window, table)
    assert [i.row() for i in table.selectionModel().selectedRows()] == [0]
    assert table.currentIndex().row() == 0


def test_tab_into_the_case_list_shows_a_current_row(qtbot, window) -> None:  # noqa: ANN001
    login(qtbot, window)
    wait_idle(qtbot, window)
    table = window.workspace.list_page.table
    table.clearSelection()
    assert table.model().rowCount() > 0
    _tab_into(qtbot, window, table)
    assert table.selectionModel().selectedRows(), "a row is shown as current"


def test_a_date_typed_as_digits_is_read_and_shown_as_read(qtbot) -> None:  # noqa: ANN001
    """Seen by hand in the real window: a birth date typed 12032024 (no slashes) was refused; now it is read
    day-first and, on leaving the field, shown as 12/03/2024, so the worker sees which day the app took."""
    from ui.widgets import DateField

    field = DateField()
    qtbot.addWidget(field)
    field.show()
    field.setFocus()
    qtbot.keyClicks(field, "12032024")
    assert field.iso() == "2024-03-12"
    qtbot.keyClick(field, Qt.Key.Key_Return)  # editing finished
    assert field.text() == "12/03/2024"
    field.clear()
    qtbot.keyClicks(field, "31022024")  # no such day: left as typed for validation to explain
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.text() == "31022024" and field.date() is None


def test_region_search_offers_the_nik_s_and_the_unit_s_places_first(qtbot) -> None:  # noqa: ANN001
    """Seen by hand at a Sidoarjo unit: "candi" listed Candipuro (Lampung) first; the Candi of Sidoarjo
    was sixth. The typed NIK's kecamatan comes first, then the kabupaten most clients live in."""
    from ui.person_form import PersonForm

    asked: list[int] = []
    form = PersonForm(home=lambda: asked.append(1) or ["35.78", "35"])  # Surabaya
    qtbot.addWidget(form)
    form.show()
    qtbot.keyClicks(form.region, "candi")
    qtbot.waitUntil(lambda: form.region._model.rowCount() > 0, timeout=3000)
    assert form.region._model.stringList()[0].endswith("Jawa Timur")  # the unit's province first
    form.region.clear()
    qtbot.keyClicks(form.nik, "3515075203240003")  # issued in kecamatan Candi, Sidoarjo
    qtbot.keyClicks(form.region, "candi")
    qtbot.waitUntil(
        lambda: form.region._model.stringList()[0].startswith("Candi, Kabupaten Sidoarjo"), timeout=3000
    )
    assert len(asked) == 1  # the unit's places are read once per form


def test_the_search_box_goes_on_with_down_and_enter(qtbot, window) -> None:  # noqa: ANN001
    """Found by hand in the real window: typing a name in the search box and pressing Down or Enter did
    nothing. Down moves to the results with the first row current; Enter opens the only match (even when
    pressed before the search has answered) or moves to the results when there are several."""
    login(qtbot, window)
    wait_idle(qtbot, window)
    page = window.workspace.list_page
    store = window.store
    window.activateWindow()  # focus is the active window's, as on a real screen
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    mine = queries.CaseFilter(assigned_to=store.user.username)
    names = [r["name"] for r in store.query(
        "SELECT p.name FROM persons p JOIN cases c ON c.person_id = p.id WHERE c.assigned_to = ? ORDER BY p.name",
        [store.user.username])]  # fmt: skip
    name = next(n for n in names if len(queries.case_ids(store, replace(mine, text=n))) == 1)
    [only] = queries.case_ids(store, replace(mine, text=name))
    page.focus_search()  # the whole list
    qtbot.waitUntil(lambda: not page.reader_busy() and not page.debounce.isActive(), timeout=5000)
    assert page.model.rowCount() > 1
    page.table.clearSelection()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.table.hasFocus() and page.selected_case_id() == page.model.index(0, 0).data(CASE_ID_ROLE)

    page.focus_search()
    qtbot.keyClicks(page.search, name)  # and Enter at once, inside the search's pause
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace.showing_case(), timeout=5000)
    assert window.workspace.case_view.case_id == only
