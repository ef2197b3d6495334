"""The look: one stylesheet, one palette, icons by name. Calm, high-contrast, readable at 1366x768."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from caseworker.paths import resource

ACCENT = "#136f8a"
ACCENT_SOFT = "#e1eff4"
TEXT = "#1d2731"
MUTED = "#5b6976"
BORDER = "#d5dbe2"
BACKGROUND = "#f3f5f7"
DANGER = "#b42318"
WARNING = "#8a5300"
SUCCESS = "#1c7a43"

RISK_COLOURS = {"high": ("#fde8e6", DANGER), "medium": ("#fff2d6", WARNING), "low": ("#e3f4e9", SUCCESS)}

# Qt style sheets take a path with forward slashes (also on Windows); a styled QSpinBox draws no arrows
# of its own, so they are given here.
_ICONS = resource("icons").as_posix()

STYLESHEET = f"""
QWidget {{ color: {TEXT}; font-size: 10pt; }}
QMainWindow, QDialog, QWidget#Page {{ background: {BACKGROUND}; }}
QToolTip {{ background: #ffffff; color: {TEXT}; border: 1px solid {BORDER}; padding: 4px; }}

QListWidget#NavList {{ background: #ffffff; border: none; border-right: 1px solid {BORDER}; padding-top: 6px;
  outline: 0; }}
QListWidget#NavList::item {{ padding: 9px 10px; margin: 1px 8px; border-radius: 6px; }}
QListWidget#NavList::item:selected {{ background: {ACCENT_SOFT}; color: #0d4f63; }}
QListWidget#NavList::item:hover:!selected {{ background: #f0f3f6; }}
QLabel#NavHeader {{ color: {MUTED}; font-size: 9pt; padding: 14px 18px 4px 18px; }}

QTableView, QTreeView, QListWidget {{ background: #ffffff; alternate-background-color: #f7f9fa;
  border: 1px solid {BORDER}; border-radius: 6px; gridline-color: #edf0f3;
  selection-background-color: #cfe6ee; selection-color: {TEXT}; outline: 0; }}
QTableView::item, QTreeView::item {{ padding: 4px 6px; }}
QHeaderView::section {{ background: #eef1f4; color: #34414d; padding: 6px 8px; border: none;
  border-bottom: 1px solid {BORDER}; border-right: 1px solid #e3e7ec; font-weight: 600; }}

QPushButton, QToolButton {{ background: #ffffff; border: 1px solid #c3ccd5; border-radius: 6px;
  padding: 6px 14px; min-height: 20px; }}
QToolButton {{ padding: 5px 8px; }}
QPushButton:hover, QToolButton:hover {{ background: #eef3f6; border-color: #9fb1bf; }}
QPushButton:pressed {{ background: #e1e9ee; }}
QPushButton:disabled, QToolButton:disabled {{ color: #9aa6b1; background: #f6f7f8; border-color: #dde2e7; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: #ffffff; border-color: {ACCENT}; font-weight: 600; }}
QPushButton[primary="true"]:hover {{ background: #0f5d74; }}
QPushButton[primary="true"]:disabled {{ background: #9cc3cf; border-color: #9cc3cf; color: #f4f8fa; }}
QPushButton[flat="true"] {{ border: none; background: transparent; color: {ACCENT}; padding: 2px 4px; }}
QPushButton[flat="true"]:hover {{ text-decoration: underline; }}
QPushButton#CategoryRow {{ border: 1px solid transparent; background: transparent; padding: 0; min-height: 0; }}
QPushButton#CategoryRow:hover {{ background: #eef3f6; text-decoration: none; }}
QPushButton#CategoryRow:focus {{ border: 1px solid {ACCENT}; }}

QLineEdit, QComboBox, QPlainTextEdit, QTextEdit, QSpinBox, QDoubleSpinBox, QDateEdit {{
  background: #ffffff; border: 1px solid #c3ccd5; border-radius: 6px; padding: 5px 7px;
  selection-background-color: #b8dbe6; selection-color: {TEXT}; }}
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus, QTextEdit:focus, QSpinBox:focus,
QDoubleSpinBox:focus {{ border: 1px solid {ACCENT}; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"], QPlainTextEdit[invalid="true"] {{ border: 1px solid {DANGER}; }}
QLineEdit#SearchBox {{ padding: 0px 8px; min-height: 34px; font-size: 10.5pt; }}
QComboBox::drop-down {{ border: none; width: 20px; }}
QSpinBox, QDoubleSpinBox {{ padding-right: 22px; }}
QSpinBox::up-button, QDoubleSpinBox::up-button, QSpinBox::down-button, QDoubleSpinBox::down-button {{
  subcontrol-origin: border; width: 20px; border-left: 1px solid #c3ccd5; background: #f6f8fa; }}
QSpinBox::up-button, QDoubleSpinBox::up-button {{ subcontrol-position: top right; border-top-right-radius: 6px; }}
QSpinBox::down-button, QDoubleSpinBox::down-button {{ subcontrol-position: bottom right;
  border-bottom-right-radius: 6px; border-top: 1px solid #e3e8ed; }}
QSpinBox::up-button:hover, QDoubleSpinBox::up-button:hover, QSpinBox::down-button:hover,
QDoubleSpinBox::down-button:hover {{ background: {ACCENT_SOFT}; }}
QSpinBox::up-arrow, QDoubleSpinBox::up-arrow {{ image: url({_ICONS}/spin-up.svg); width: 10px; height: 10px; }}
QSpinBox::down-arrow, QDoubleSpinBox::down-arrow {{ image: url({_ICONS}/spin-down.svg); width: 10px; height: 10px; }}
QSpinBox::up-arrow:disabled, QSpinBox::up-arrow:off, QDoubleSpinBox::up-arrow:disabled,
QDoubleSpinBox::up-arrow:off, QSpinBox::down-arrow:disabled, QSpinBox::down-arrow:off,
QDoubleSpinBox::down-arrow:disabled, QDoubleSpinBox::down-arrow:off {{ image: none; }}
QCheckBox, QRadioButton {{ spacing: 7px; }}

QTabWidget::pane {{ border: 1px solid {BORDER}; background: #ffffff; border-radius: 6px; top: -1px; }}
QTabBar::tab {{ background: transparent; color: #4a5866; padding: 8px 13px; border: none;
  border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: #0d4f63; border-bottom: 2px solid {ACCENT}; font-weight: 600; }}
QTabBar::tab:hover:!selected {{ color: {TEXT}; }}

QFrame[card="true"] {{ background: #ffffff; border: 1px solid {BORDER}; border-radius: 8px; }}
QFrame#LockCard, QFrame#LoginCard {{ background: #ffffff; border: 1px solid {BORDER}; border-radius: 10px; }}
QGroupBox {{ background: #ffffff; border: 1px solid {BORDER}; border-radius: 8px; margin-top: 14px;
  padding: 12px 10px 8px 10px; font-weight: 600; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 12px; padding: 0 4px; color: #34414d; }}
QScrollArea {{ border: none; background: transparent; }}
QScrollArea > QWidget > QWidget#FormBody {{ background: #ffffff; }}

QLabel[role="title"] {{ font-size: 17pt; font-weight: 600; color: #14202a; }}
QLabel[role="subtitle"] {{ font-size: 12pt; font-weight: 600; color: #14202a; }}
QLabel[role="muted"] {{ color: {MUTED}; }}
QLabel[role="fieldlabel"] {{ color: {MUTED}; font-size: 9pt; }}
QLabel[role="error"] {{ color: {DANGER}; }}
QLabel[role="warning"] {{ color: {WARNING}; }}
QLabel[role="ok"] {{ color: {SUCCESS}; }}
QLabel[role="brand"] {{ color: {ACCENT}; font-size: 13pt; font-weight: 700; }}
QLabel[badge="true"] {{ background: {ACCENT_SOFT}; color: #0d4f63; border-radius: 10px; padding: 2px 10px;
  font-weight: 600; }}
QLabel[badge="high"] {{ background: #fde8e6; color: {DANGER}; border-radius: 10px; padding: 2px 10px; font-weight: 600; }}
QLabel[badge="medium"] {{ background: #fff2d6; color: {WARNING}; border-radius: 10px; padding: 2px 10px; font-weight: 600; }}
QLabel[badge="low"] {{ background: #e3f4e9; color: {SUCCESS}; border-radius: 10px; padding: 2px 10px; font-weight: 600; }}
QLabel[badge="closed"] {{ background: #eceff2; color: #3d4a56; border-radius: 10px; padding: 2px 10px; font-weight: 600; }}
QLabel#ScoreBox {{ background: {ACCENT_SOFT}; border-radius: 8px; padding: 10px 14px; font-size: 11pt; }}
QFrame#CaseHeader {{ background: #ffffff; border: 1px solid {BORDER}; border-radius: 8px; }}
QFrame#FilterBar {{ background: transparent; }}

QStatusBar {{ background: #e9edf1; border-top: 1px solid {BORDER}; color: #34414d; }}
QStatusBar QLabel {{ padding: 0 8px; }}
QMenuBar {{ background: #ffffff; border-bottom: 1px solid {BORDER}; }}
QMenuBar::item {{ padding: 5px 10px; background: transparent; }}
QMenuBar::item:selected {{ background: {ACCENT_SOFT}; }}
QMenu {{ background: #ffffff; border: 1px solid {BORDER}; padding: 4px; }}
QMenu::item {{ padding: 6px 26px 6px 26px; border-radius: 4px; }}
QMenu::item:selected {{ background: {ACCENT_SOFT}; color: {TEXT}; }}
QMenu::item:disabled {{ color: #9aa6b1; }}
QProgressBar {{ border: 1px solid {BORDER}; border-radius: 5px; background: #ffffff; text-align: center; height: 16px; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 4px; }}
QSplitter::handle {{ background: {BORDER}; }}
"""


@cache
def icon(name: str, colour: str | None = None) -> QIcon:
    """A line icon from resources/icons; `colour` redraws its strokes (white on primary buttons)."""
    path = resource("icons", f"{name}.svg")
    if not path.exists():
        return QIcon()
    if colour is None:
        return QIcon(str(path))
    data = path.read_text("utf-8").replace("#3d4a56", colour).encode("utf-8")
    pixmap = QPixmap()
    pixmap.loadFromData(data, "SVG")
    return QIcon(pixmap)


def _load_fonts() -> str | None:
    family = None
    for file in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        path = resource("fonts", file)
        if path.exists():
            font_id = QFontDatabase.addApplicationFont(str(path))
            families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            family = family or (families[0] if families else None)
    return family


def palette() -> QPalette:
    """The same colours for what the stylesheet does not reach (Qt's own dialogs, chart backgrounds)."""
    pal = QPalette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        pal.setColor(group, QPalette.ColorRole.Window, QColor(BACKGROUND))
        pal.setColor(group, QPalette.ColorRole.WindowText, QColor(TEXT))
        pal.setColor(group, QPalette.ColorRole.Text, QColor(TEXT))
        pal.setColor(group, QPalette.ColorRole.ButtonText, QColor(TEXT))
        pal.setColor(group, QPalette.ColorRole.Base, QColor("#ffffff"))
        pal.setColor(group, QPalette.ColorRole.AlternateBase, QColor("#f7f9fa"))
        pal.setColor(group, QPalette.ColorRole.Highlight, QColor("#cfe6ee"))
        pal.setColor(group, QPalette.ColorRole.HighlightedText, QColor(TEXT))
        pal.setColor(group, QPalette.ColorRole.ToolTipBase, QColor("#ffffff"))
        pal.setColor(group, QPalette.ColorRole.ToolTipText, QColor(TEXT))
        pal.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#7b8794"))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#9aa6b1"))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#9aa6b1"))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#9aa6b1"))
    return pal


def apply(app: QApplication) -> None:
    """Install the stylesheet; on platforms without desktop fonts (offscreen, minimal) use the shipped font."""
    app.setStyle("Fusion")
    app.setPalette(palette())
    font = app.font()
    if app.platformName() in ("offscreen", "minimal"):
        family = _load_fonts()
        if family:
            font = QFont(family)
    font.setPointSize(10)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)


def colour(name: str) -> QColor:
    return QColor(name)


def set_role(widget, role: str) -> None:  # noqa: ANN001 - any QWidget
    """Change a styling property and make the style pick it up."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def set_prop(widget, name: str, value: object) -> None:  # noqa: ANN001
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
