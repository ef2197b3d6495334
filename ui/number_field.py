"""A number typed the way people type it: "95,2" and "95.2" are both 95.2, and anything that cannot be read
is said under the field (never silently cut, as a QDoubleSpinBox does with "95.2" under an Indonesian
locale). Reading and showing are caseworker.numbers, the same as the CLI and the PDFs."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from caseworker import numbers
from ui.i18n import language, register, tr
from ui.widgets import label, mark_invalid

register(
    {
        "number.positive": ("Harus lebih dari 0.", "Must be more than 0."),
        "number.below": ("Paling kecil {min}.", "Must be at least {min}."),
        "number.above": ("Paling besar {max}.", "Must be at most {max}."),
    }
)


class NumberField(QWidget):
    """A line edit with its error underneath. `value()` is the number or None (empty or not readable);
    `error()` says what is wrong, '' when nothing is."""

    textChanged = Signal(str)

    def __init__(
        self,
        maximum: float | None = None,
        minimum: float | None = None,
        *,
        decimals: int | None = None,
        integer: bool = False,
        positive: bool = False,
        placeholder: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.maximum, self.minimum, self.decimals = maximum, minimum, decimals
        self.integer, self.positive = integer, positive
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setMaximumWidth(220)
        self.error_label = label("", "error", wrap=True)
        self.error_label.setVisible(False)
        layout.addWidget(self.edit)
        layout.addWidget(self.error_label)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._changed)

    def text(self) -> str:
        return self.edit.text()

    def set_value(self, value: float | None) -> None:
        self.edit.setText("" if value is None else numbers.format_number(value, language(), self.decimals))

    def _read(self) -> tuple[float | int | None, str]:
        try:
            value = numbers.parse_number(self.edit.text(), language(), integer=self.integer)
        except numbers.NumberError as exc:
            return None, exc.text(language())
        if value is None:
            return None, ""
        if self.positive and value <= 0:
            return None, tr("number.positive")
        if self.minimum is not None and value < self.minimum:
            return None, tr("number.below", min=numbers.format_number(self.minimum, language()))
        if self.maximum is not None and value > self.maximum:
            return None, tr("number.above", max=numbers.format_number(self.maximum, language()))
        return value, ""

    def value(self) -> float | int | None:
        return self._read()[0]

    def error(self) -> str:
        return self._read()[1]

    def _changed(self, text: str) -> None:
        problem = self.error()
        self.error_label.setText("✖ " + problem if problem else "")
        self.error_label.setVisible(bool(problem))
        mark_invalid(self.edit, bool(problem))
        self.textChanged.emit(text)
