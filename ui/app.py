"""Starting the desktop app: `run_app()` is what the `caseworker` command calls."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from caseworker import paths
from ui import i18n, screen_fit, style
from ui.settings import Settings

DEMO_CASES = 300
# Shown before ui.shell (and its strings) is imported.
i18n.register(
    {
        "demo.building": ("Menyiapkan profil demo…", "Preparing the demo profile…"),
        "demo.missing": (
            "Data demo belum tersedia di versi ini.",
            "Demo data is not available in this version yet.",
        ),
    }
)
_translators: list[QTranslator] = []


def install_qt_translator(app: QApplication, lang: str) -> bool:
    """Qt's own dialogs (file pickers, message-box buttons) in the app's language.

    PySide6's qtbase_<lang>.qm when it ships one; Indonesian has none, so our own table
    (ui/qt_strings.py) answers for the standard buttons and the file dialog. True when a translation
    is installed."""
    for old in _translators:
        app.removeTranslator(old)
    _translators.clear()
    QLocale.setDefault(QLocale("id_ID" if lang == "id" else "en_US"))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if translator.load(f"qtbase_{lang}", folder):
        app.installTranslator(translator)
        _translators.append(translator)
    if lang == "id":
        from ui.qt_strings import IndonesianQtTranslator

        ours = IndonesianQtTranslator(app)
        app.installTranslator(ours)  # installed last, asked first
        _translators.append(ours)
    return bool(_translators)


def startup_language(settings: Settings, requested: str | None = None) -> str:
    """The language the app opens in: `--lang` (or CASEWORKER_LANG) for this run, else the one the user
    chose in Settings, else Indonesian. The system locale is not asked: field laptops often run an
    English (or C) locale for people who work in Indonesian (docs/glossary.md, "Language")."""
    env = os.environ.get("CASEWORKER_LANG")
    for lang in (requested, env if env in i18n.LANGUAGES else None, settings.language):
        if lang in i18n.LANGUAGES:
            return lang
    return "id"


def create_app(argv: list[str] | None = None, lang: str | None = None) -> tuple[QApplication, Settings]:
    """The QApplication with its translations and style; `lang` is `--lang` (this run only, not saved)."""
    from ui import platform_check, qtfix

    qtfix.apply()  # before anything emits a signal: see ui/qtfix.py
    settings = Settings.load()
    lang = startup_language(settings, lang)
    i18n.set_language(lang)
    if QApplication.instance() is None:
        # Missing X11 libraries named in words (MissingSystemLibraries), not Qt's abort on the xcb plugin.
        platform_check.require_platform_libraries()
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Caseworker")
    app.setOrganizationName("Caseworker")
    install_qt_translator(app, lang)
    style.apply(app)
    screen_fit.install(app)
    return app, settings  # type: ignore[return-value]


def ensure_demo_profile(folder: Path, cases: int = DEMO_CASES) -> bool:
    """Build the demo profile the first time (caseworker.demo); False when this version has no demo data."""
    from caseworker.store.profile import is_profile

    if is_profile(folder):
        return True
    try:
        from caseworker.demo import create_demo_profile
    except ImportError:
        return False
    result = create_demo_profile(folder, cases, 7)
    close = getattr(result, "close", None)
    if callable(close):
        close()
    return True


def run_app(demo: bool = False, profile: str | None = None, lang: str | None = None) -> int:
    """Open the window on the profile (the demo profile with --demo, built on first use) and run."""
    from ui.platform_check import MissingSystemLibraries

    try:
        app, settings = create_app(lang=lang)
    except MissingSystemLibraries as exc:
        print(f"caseworker: {exc}", file=sys.stderr)
        return 1
    folder = (
        Path(profile).expanduser()
        if profile
        else (paths.demo_profile_dir() if demo else paths.default_profile_dir())
    )
    if demo:
        from ui.progress import run_with_busy

        if not run_with_busy(i18n.tr("demo.building"), lambda: ensure_demo_profile(folder)):
            print("caseworker: " + i18n.tr("demo.missing"), file=sys.stderr)
            return 1
    from ui.shell import MainWindow

    window = MainWindow(folder, settings, demo=demo)
    if not window.claim_profile():
        return 0  # this profile is open in another Caseworker, which came forward
    window.show()
    code = app.exec()
    settings.save()
    return int(code)
