"""Small shared widgets: labels with a styling role, buttons, a dd/mm/yyyy date field, issue lists; and two
behaviours given to existing widgets: combo and spin boxes that leave the mouse wheel to the page they are
on unless they have focus (`guard_wheel`), and tables that show a current row when Tab brings focus to
them (`current_row_on_tab`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain import validation
from ui.i18n import register, tr
from ui.style import icon, set_prop, set_role

register(
    {
        "date.placeholder": ("hh/bb/tttt", "dd/mm/yyyy"),
        "common.all": ("Semua", "All"),
        "common.yes": ("Ya", "Yes"),
        "common.no": ("Tidak", "No"),
        "common.save": ("Simpan", "Save"),
        "common.cancel": ("Batal", "Cancel"),
        "common.close": ("Tutup", "Close"),
        "common.add": ("Tambah", "Add"),
    }
)


def label(text: str = "", role: str | None = None, wrap: bool = False) -> QLabel:
    widget = QLabel(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    return widget


def button(text: str, icon_name: str | None = None, primary: bool = False, flat: bool = False) -> QPushButton:
    widget = QPushButton(text)
    if icon_name:
        widget.setIcon(icon(icon_name, "#ffffff") if primary else icon(icon_name))
    if primary:  # in a dialog, Enter presses it (Qt would pick the first button in the row: Batal)
        widget.setProperty("primary", True)
        widget.setDefault(True)
    if flat:
        widget.setProperty("flat", True)
        widget.setCursor(Qt.CursorShape.PointingHandCursor)
    return widget


def card(layout_cls=QVBoxLayout, margins: int = 14) -> tuple[QFrame, QVBoxLayout]:  # noqa: ANN001
    frame = QFrame()
    frame.setProperty("card", True)
    layout = layout_cls(frame)
    layout.setContentsMargins(margins, margins, margins, margins)
    return frame, layout


def hline() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setStyleSheet("color: #d5dbe2;")
    return line


class _FormScroll(QScrollArea):
    """Asks for its whole form's size (QScrollArea asks for at most 24 lines of text), so a dialog opens
    showing all of a form that fits the screen; screen_fit caps a longer one, which then scrolls."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        inner = self.widget().sizeHint() if self.widget() is not None else QSize(0, 0)
        frame = 2 * self.frameWidth()
        return QSize(
            inner.width() + frame + self.verticalScrollBar().sizeHint().width(), inner.height() + frame
        )


def scroll_body(widget: QWidget) -> QScrollArea:
    """`widget` (a form's body) in a frameless scroll area, so a long form fits a small screen: the dialog
    keeps its buttons under the area and the form scrolls above them."""
    area = _FormScroll()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    widget.setObjectName("FormBody")
    area.setWidget(widget)
    return area


class DateField(QLineEdit):
    """A date typed the Indonesian way (17/10/2026). `iso()` gives the ISO date, '' when empty, or the raw
    text when it cannot be read (validation then says exactly what is wrong)."""

    def __init__(self, value: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(tr("date.placeholder"))
        self.setMaximumWidth(140)
        if value:
            self.set_iso(value)
        self.editingFinished.connect(self._show_as_read)

    def _show_as_read(self) -> None:
        """Leaving the field rewrites a readable date the way it was read (12032024 -> 12/03/2024), so the
        worker sees at once which day the app took; unreadable text stays for validation to explain."""
        when = self.date()
        if when is not None and self.text() != validation.format_date(when):
            self.setText(validation.format_date(when))

    def set_iso(self, value: str | None) -> None:
        self.setText(validation.format_date(value[:10]) if value else "")

    def iso(self) -> str:
        text = self.text().strip()
        if not text:
            return ""
        try:
            return validation.parse_date(text).isoformat()
        except ValueError:
            return text

    def date(self) -> date | None:
        try:
            return validation.parse_date(self.text().strip())
        except ValueError:
            return None


class IssueList(QWidget):
    """Issues under a form or a field: errors in red, warnings in amber, nothing when all is well."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def set_issues(self, issues: Iterable[tuple[str, str]]) -> None:
        """issues: (severity, text) pairs."""
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        shown = 0
        for severity, text in issues:
            mark = "⚠ " if severity == "warning" else "✖ "
            self._layout.addWidget(
                label(mark + text, "warning" if severity == "warning" else "error", wrap=True)
            )
            shown += 1
        self.setVisible(shown > 0)

    def texts(self) -> list[str]:
        out = []
        for i in range(self._layout.count()):
            widget = self._layout.itemAt(i).widget()
            if isinstance(widget, QLabel) and not widget.isHidden() and widget.parent() is self:
                out.append(widget.text()[2:])
        return out


class _LeaveWatcher(QObject):
    """Calls back when the user moves on from a field (Tab, Shift+Tab or a click elsewhere)."""

    REASONS = (
        Qt.FocusReason.TabFocusReason,
        Qt.FocusReason.BacktabFocusReason,
        Qt.FocusReason.MouseFocusReason,
        Qt.FocusReason.ShortcutFocusReason,
    )

    def __init__(self, parent: QObject, callback) -> None:  # noqa: ANN001 - any callable
        super().__init__(parent)
        self.callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.FocusOut and isinstance(event, QFocusEvent):
            if event.reason() in self.REASONS:
                self.callback()
        return False


def on_leave(widget: QWidget, callback) -> None:  # noqa: ANN001 - any callable
    """`callback()` once the user leaves `widget` (or the line or text edit inside it) for another field:
    a required field's error is said then, not while the form is still untouched."""
    watcher = _LeaveWatcher(widget, callback)
    for target in (widget, *widget.findChildren(QLineEdit), *widget.findChildren(QPlainTextEdit)):
        target.installEventFilter(watcher)


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    if bool(widget.property("invalid")) != invalid:
        set_prop(widget, "invalid", invalid)


def combo(items: Iterable[tuple[str, object]], current: object = None) -> QComboBox:
    """A combo of (text, data) items, with `current` data selected."""
    widget = QComboBox()
    for text, data in items:
        widget.addItem(text, data)
    if current is not None:
        index = widget.findData(current)
        if index >= 0:
            widget.setCurrentIndex(index)
    return widget


def row(*widgets: QWidget | None, stretch_at: int | None = None, spacing: int = 8) -> QHBoxLayout:
    layout = QHBoxLayout()
    layout.setSpacing(spacing)
    for i, widget in enumerate(widgets):
        if widget is None:
            layout.addStretch(1)
        else:
            layout.addWidget(widget, 1 if i == stretch_at else 0)
    return layout


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question. Blocking, so only for quick confirmations; tests replace it."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton(tr("common.yes"), QMessageBox.ButtonRole.YesRole)
    box.addButton(tr("common.no"), QMessageBox.ButtonRole.NoRole)
    box.exec()
    return box.clickedButton() is yes


class Badge(QLabel):
    clicked = Signal()

    def __init__(self, text: str = "", kind: str = "true") -> None:
        super().__init__(text)
        self.set_kind(kind)

    def set_kind(self, kind: str) -> None:
        set_prop(self, "badge", kind)


class _WheelGuard(QObject):
    """A wheel turned over a combo or spin box without focus goes on to the page (its scroll area), instead
    of changing the answer under the pointer while the user scrolls a long form."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            area = watched.parentWidget()
            while area is not None and not isinstance(area, QAbstractScrollArea):
                area = area.parentWidget()
            if area is not None:
                QApplication.sendEvent(area.viewport(), event)  # the page scrolls
            else:
                event.ignore()  # nothing to scroll here: Qt may hand it to the parents
            return True
        return False


class _TabRow(QObject):
    """Focus coming to a table by the keyboard shows a current row: the current one, or the first."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.FocusIn
            and isinstance(watched, QAbstractItemView)
            and isinstance(event, QFocusEvent)
            and event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)
        ):
            model, selection = watched.model(), watched.selectionModel()
            if model is not None and selection is not None and model.rowCount() > 0:
                if not selection.hasSelection():
                    current = watched.currentIndex()
                    row = current.row() if current.isValid() else 0
                    index = model.index(row, max(current.column(), 0))
                    watched.setCurrentIndex(index)  # selects the row in a SelectRows view
                    watched.scrollTo(index)
        return False


_filters: dict[str, QObject] = {}


def _filter(kind: str) -> QObject:
    if kind not in _filters:
        _filters[kind] = _WheelGuard() if kind == "wheel" else _TabRow()
    return _filters[kind]


def guard_wheel(root: QWidget) -> None:
    """Every combo and spin box under `root` (and `root` itself) takes the wheel only when it has focus;
    a wheel no longer gives them focus either (StrongFocus). Safe to call again as the form grows."""
    boxes = [root] if isinstance(root, QComboBox | QAbstractSpinBox) else []
    boxes += [*root.findChildren(QComboBox), *root.findChildren(QAbstractSpinBox)]
    for box in boxes:
        if box.property("wheelGuarded"):
            continue
        box.setProperty("wheelGuarded", True)
        if box.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        box.installEventFilter(_filter("wheel"))


def current_row_on_tab(view: QAbstractItemView) -> QAbstractItemView:
    """Tabbing into `view` selects its current row, or the first row when there is none."""
    view.installEventFilter(_filter("tab_row"))
    return view


class _WholeTitle(QObject):
    """Keeps a stretched column of a table at least as wide as its title (see keep_title_whole)."""

    def __init__(self, table: QTableView, column: int) -> None:
        super().__init__(table)
        self.table, self.column = table, column
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.fit)
        table.installEventFilter(self)
        model = table.model()
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted):
            signal.connect(self._timer.start)
        table.horizontalHeader().sectionResized.connect(self._resized)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._timer.start()
        return False

    def _resized(self, index: int, _old: int, _new: int) -> None:
        if index != self.column:  # another column grew to its contents: the room left changed
            self._timer.start()

    def fit(self) -> None:
        header = self.table.horizontalHeader()
        others = sum(header.sectionSize(i) for i in range(header.count()) if i != self.column)
        need = header.sectionSizeHint(self.column)
        if self.table.viewport().width() - others >= need:
            header.setSectionResizeMode(self.column, QHeaderView.ResizeMode.Stretch)
        else:  # no room: the column keeps its title whole and the table scrolls sideways
            header.setSectionResizeMode(self.column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(self.column, need)


def keep_title_whole(table: QTableView, column: int) -> QTableView:
    """A stretched column gets the table's remaining width, which on a 1366-pixel screen can be narrower
    than its title ("atatan pekerja sosi", seen in the review queue): then it takes its title's width
    and the table scrolls sideways instead."""
    table.setProperty("wholeTitle", True)
    _WholeTitle(table, column)
    return table


__all__ = ["set_role"]
