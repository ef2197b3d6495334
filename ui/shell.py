"""The one main window: welcome (first run), login, the workspace, and the lock screen, as pages of a
stack, so locking hides the data without destroying any unsaved input. Menus, shortcuts and the status
bar belong to the workspace and are shown only while a user is signed in."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMainWindow, QStackedWidget, QToolButton, QWidget

from caseworker.errors import KnownError
from caseworker.security.keyslots import SlotFile
from caseworker.store import profile as profiles
from caseworker.store.store import Store
from ui import i18n
from ui.errors import error_text, show_error, show_info
from ui.guarded_dialog import GuardedDialog, close_dialog
from ui.i18n import register, tr
from ui.idle import IdleWatcher
from ui.login import LockPage, LoginPage
from ui.settings import Settings
from ui.style import icon
from ui.tasks import run_in_background

register(
    {
        "menu.file": ("&Berkas", "&File"),
        "menu.case": ("&Kasus", "&Case"),
        "menu.sync": ("&Sinkronisasi", "&Sync"),
        "act.sync_file": ("Sinkronisasi lewat berkas…", "Sync by file…"),
        "menu.help": ("Ban&tuan", "&Help"),
        "act.new_case": ("Kasus baru…", "New case…"),
        "act.find": ("Cari kasus", "Find a case"),
        "act.print": ("Cetak ringkasan kasus…", "Print case summary…"),
        "act.print_list": ("Cetak semua kasus di daftar…", "Print every case in the list…"),
        "act.stage": ("Ubah tahap…", "Change stage…"),
        "act.sync": ("Sinkronkan sekarang", "Sync now"),
        "act.lock": ("Kunci layar", "Lock screen"),
        "act.logout": ("Ganti pengguna", "Switch user"),
        "act.settings": ("Pengaturan…", "Settings…"),
        "act.import": ("Impor klien dari Excel…", "Import clients from Excel…"),
        "act.export": ("Ekspor kasus…", "Export cases…"),
        "act.transfer.missing": (
            "Impor/ekspor belum tersedia di versi ini.",
            "Import/export is not available in this version yet.",
        ),
        "act.quit": ("Keluar", "Quit"),
        "act.about": ("Tentang Caseworker", "About Caseworker"),
        "about.text": (
            "Caseworker {version}\nManajemen kasus untuk pekerja sosial, bekerja tanpa internet.\nData tersimpan terenkripsi di laptop ini.",
            "Caseworker {version}\nCase management for social workers, working without internet.\nData is kept encrypted on this laptop.",
        ),
        "status.offline": ("Luring", "Offline"),
        "status.offline.tip": (
            "Belum terhubung ke server. Semua pekerjaan tersimpan di laptop ini.",
            "Not connected to a server. All work is saved on this laptop.",
        ),
        "status.last_sync": ("Sinkronisasi terakhir: {when}", "Last sync: {when}"),
        "status.never": ("belum pernah", "never"),
        "status.pending": ("Perubahan belum dikirim: {n}", "Changes not yet sent: {n}"),
        "status.user": ("{name} · {facility}", "{name} · {facility}"),
        "status.read_only": ("Hanya-baca", "Read-only"),
        "read_only.title": ("Profil dibuka hanya untuk dibaca", "Profile opened for reading only"),
        "print.pick": ("Pilih atau buka kasus yang akan dicetak.", "Select or open the case to print."),
    }
)


_WARM_CORE = ("caseworker.reports", "caseworker.dashboard", "caseworker.transfer", "caseworker.growth.curves",
              "caseworker.growth.records", "caseworker.forms")  # fmt: skip
_WARM_UI = ("ui.workspace", "ui.case_view", "ui.case_dialogs", "ui.assessment", "ui.growth_view", "ui.supervisor",
            "ui.printing")  # fmt: skip
_warmed: set[str] = set()


def warm_up_core() -> None:
    """Import the heavy Qt-free modules (reportlab, openpyxl…) and load reference data on a worker thread,
    so the first case, chart or print does not wait for them."""
    if "core" in _warmed:
        return
    _warmed.add("core")

    def load() -> None:
        import importlib

        from caseworker.domain import regions
        from caseworker.forms.definitions import load_forms

        for name in _WARM_CORE:
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
        regions.load()
        load_forms()

    run_in_background(load, lambda _r: None, lambda _e: None)


def warm_up_ui() -> None:
    if "ui" in _warmed:
        return
    _warmed.add("ui")
    import importlib

    for name in _WARM_UI:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


class MainWindow(QMainWindow):
    signed_in = Signal()
    locked = Signal()

    def __init__(self, profile_dir: Path, settings: Settings, demo: bool = False) -> None:
        super().__init__()
        self.profile_dir, self.settings, self.demo = profile_dir, settings, demo
        self.store: Store | None = None
        self.workspace = None
        self.lock_page: LockPage | None = None
        self.login_page: LoginPage | None = None
        self.welcome_page = None
        self.revoked_page = None
        self.connect_dialog = None
        self.sync = None  # ui.sync.controller.SyncController while a server profile is open
        self.transport_factory = None  # (server_url, device_id) -> Transport; None: HTTP (tests give another)
        self.idle: IdleWatcher | None = None
        self._hidden_dialogs: list[QWidget] = []
        self.setWindowTitle(tr("app.name"))
        from caseworker.paths import resource

        self.setWindowIcon(QIcon(str(resource("icons", "caseworker.png"))))
        self.resize(1366, 768)
        if settings.geometry:
            with contextlib.suppress(ValueError):
                self.restoreGeometry(QByteArray.fromHex(settings.geometry.encode("ascii")))
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.menuBar().setVisible(False)
        self.statusBar().setVisible(False)
        self.show_start()

    # -- pages -----------------------------------------------------------------------------------------
    def _set_page(self, widget: QWidget) -> None:
        if self.stack.indexOf(widget) < 0:
            self.stack.addWidget(widget)
        self.stack.setCurrentWidget(widget)

    def _drop_page(self, widget: QWidget | None) -> None:
        if widget is not None:
            self.stack.removeWidget(widget)
            widget.deleteLater()

    def claim_profile(self) -> bool:
        """Be the one app for this profile folder; False (after saying so) when another already is: it
        was asked to bring its window forward and this start should end."""
        from ui import single_instance

        self.instance_guard = single_instance.ProfileGuard(self.profile_dir, self)
        if self.instance_guard.claim():
            self.instance_guard.raise_requested.connect(self.bring_forward)
            return True
        single_instance.tell_already_open()
        return False

    def bring_forward(self) -> None:
        """Another start for this profile: show this window in front (restored if minimised)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def show_start(self) -> None:
        if profiles.is_profile(self.profile_dir):
            self.show_login()
        else:
            from ui.welcome import WelcomePage

            self._drop_page(self.welcome_page)
            self.welcome_page = WelcomePage()
            self.welcome_page.create_requested.connect(self._create_profile)
            self.welcome_page.connect_requested.connect(self.connect_server)
            self._set_page(self.welcome_page)

    def users(self) -> list[str]:
        return sorted(SlotFile(self.profile_dir / profiles.SLOTS_FILE).load())

    def show_login(self) -> None:
        info = profiles.read_profile(self.profile_dir)
        facility = info.get("facility_name") or info.get("facility_code") or ""
        last = self.settings.last_user.get(str(self.profile_dir))
        if self.demo and not last:
            last = "pekerja"
        self._drop_page(self.login_page)
        self.login_page = LoginPage(self.users(), facility, demo=self.demo, last_user=last)
        self.login_page.login_requested.connect(self._login)
        self._set_page(self.login_page)
        warm_up_core()

    def _login(self, username: str, password: str) -> None:
        folder = self.profile_dir

        def done(store: Store) -> None:
            self.settings.last_user[str(folder)] = username
            self.enter(store)

        def failed(exc: BaseException) -> None:
            if self.login_page is not None:
                self.login_page.failed(error_text(exc))
            if not isinstance(exc, KnownError):
                show_error(self, exc)

        run_in_background(lambda: profiles.open_profile(folder, username, password), done, failed)
        # While the key is derived on a worker thread, load the workspace's code here (once per process).
        QTimer.singleShot(0, warm_up_ui)

    def _create_profile(self, values: dict) -> None:
        folder = self.profile_dir

        def create() -> Store:
            return profiles.create_profile(
                folder, username=values["username"], password=values["password"],
                facility_code=values["facility_code"], facility_name=values["facility_name"],
                full_name=values["full_name"],
            )  # fmt: skip

        def failed(exc: BaseException) -> None:
            if self.welcome_page is not None:
                self.welcome_page.failed(error_text(exc))

        run_in_background(create, self.enter, failed)

    def connect_server(self) -> None:
        """Join a server (welcome page): enrol into this window's profile folder, then sign in and sync."""
        from ui.sync.connect import ConnectDialog

        dialog = ConnectDialog(self.profile_dir, self.transport_factory, self)
        dialog.enrolled.connect(self._enrolled)
        self.connect_dialog = dialog
        dialog.open()

    def _enrolled(self, store: Store, transport) -> None:  # noqa: ANN001
        self.settings.last_user[str(self.profile_dir)] = store.user.username
        self.enter(store, transport)
        if self.sync is not None:
            self.sync.start()  # the first sync brings the facility's cases

    # -- signed in -------------------------------------------------------------------------------------
    def enter(self, store: Store, transport=None) -> None:  # noqa: ANN001
        from ui.sync.controller import SyncController
        from ui.workspace import Workspace

        self.store = store
        self.sync = SyncController(self, store, self.transport_factory, transport)
        self.sync.refreshed.connect(self._after_sync)
        self.sync.online_changed.connect(lambda value: self.sync_status.set_online(value))
        self.sync.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.sync.revoked.connect(self.revoke)
        self.workspace = Workspace(store, self.settings)
        self.workspace.pending_changed.connect(self._show_pending)
        self.workspace.files_requested.connect(self._download_case_files)
        self._set_page(self.workspace)
        self._drop_page(self.login_page)
        self.login_page = None
        self._drop_page(self.welcome_page)
        self.welcome_page = None
        self._build_menus()
        self._build_status()
        self.menuBar().setVisible(True)
        self.statusBar().setVisible(True)
        minutes = self.settings.idle_lock_minutes
        if self.idle is None:
            self.idle = IdleWatcher(minutes * 60_000, self)
            self.idle.idle.connect(self.lock_idle)
        else:
            self.idle.set_timeout(minutes * 60_000)
        warm_up_core()
        self._tell_read_only()
        self.signed_in.emit()
        from caseworker.sync.state import is_revoked

        if is_revoked(store):
            self.revoke()

    def _tell_read_only(self) -> None:
        """A read-only folder or a full disk: the profile is open for reading only. Said once at sign-in
        (what it is and what to do) and kept in the status bar; each refused save says it again."""
        if self.store is None or self.store.read_only is None:
            return
        self.read_only_box = show_info(self, tr("read_only.title"), profiles.read_only_notice(self.store))
        self.read_only_box.setIcon(self.read_only_box.Icon.Warning)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.clear()
        for old in getattr(self, "actions_", {}).values():  # a previous sign-in's ("Ganti pengguna")
            self.removeAction(old)  # or its shortcuts (F5, Ctrl+N…) would be ambiguous
            old.deleteLater()
        self.actions_: dict[str, QAction] = {}

        def act(key: str, text: str, slot, shortcut: QKeySequence | str | None = None, icon_name: str | None = None,
                enabled: bool = True, tip: str = "") -> QAction:  # fmt: skip  # noqa: ANN001
            action = QAction(icon(icon_name) if icon_name else icon("none"), text, self)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False: slot())
            action.setEnabled(enabled)
            if tip:
                action.setToolTip(tip)
                action.setStatusTip(tip)
            self.actions_[key] = action
            self.addAction(action)
            return action

        from ui import transfer

        file_menu = bar.addMenu(tr("menu.file"))
        file_menu.setToolTipsVisible(True)
        can_transfer = transfer.available()
        missing = "" if can_transfer else tr("act.transfer.missing")
        file_menu.addAction(
            act("import", tr("act.import"), self.import_clients, None, "import", can_transfer, missing)
        )
        file_menu.addAction(
            act("export", tr("act.export"), self.export_cases, None, "export", can_transfer, missing)
        )
        if self.store is not None and self.store.user.is_supervisor:  # the unit's own instruments
            from ui import forms_import  # noqa: F401 - registers the action's words

            file_menu.addAction(
                act("import_forms", tr("act.import_forms"), self.import_forms, None, "import")
            )
        file_menu.addSeparator()
        file_menu.addAction(act("settings", tr("act.settings"), self.open_settings, None, "settings"))
        file_menu.addSeparator()
        file_menu.addAction(act("lock", tr("act.lock"), self.lock, "Ctrl+L", "lock"))
        file_menu.addAction(act("logout", tr("act.logout"), self.logout, None, "logout"))
        file_menu.addAction(act("quit", tr("act.quit"), self.close, QKeySequence.StandardKey.Quit))

        case_menu = bar.addMenu(tr("menu.case"))
        case_menu.addAction(act("new_case", tr("act.new_case"), self.new_case, "Ctrl+N", "plus"))
        case_menu.addAction(act("find", tr("act.find"), self.find, "Ctrl+F", "search"))
        case_menu.addAction(act("print", tr("act.print"), self.print_current, "Ctrl+P", "print"))
        case_menu.addAction(act("print_list", tr("act.print_list"), self.print_list, "Ctrl+Shift+P", "print"))
        case_menu.addAction(act("stage", tr("act.stage"), self.change_stage, None, "stage"))

        sync_menu = bar.addMenu(tr("menu.sync"))
        sync_menu.setToolTipsVisible(True)
        can_sync = self.sync is not None and self.sync.available()
        sync_menu.addAction(act("sync", tr("act.sync"), self.sync_now, "F5", "sync", can_sync,
                                self.sync.tooltip() if self.sync is not None else ""))  # fmt: skip
        sync_menu.addAction(act("sync_file", tr("act.sync_file"), self.sync_by_file, None, None, can_sync))

        help_menu = bar.addMenu(tr("menu.help"))
        help_menu.addAction(act("about", tr("act.about"), self.about))

    def _build_status(self) -> None:
        from ui.sync.status import SyncStatus

        bar = self.statusBar()
        for child in [*bar.findChildren(QLabel), *bar.findChildren(QToolButton, "SyncButton")]:
            bar.removeWidget(child)
            child.deleteLater()
        self.sync_status = SyncStatus(bar, self.store, self.actions_["sync"])
        self.sync_status.set_online(self.sync.online if self.sync is not None else "unknown")
        self.online_label = self.sync_status.online_label
        self.sync_label = self.sync_status.sync_label
        self.pending_label = self.sync_status.pending_label
        self._show_pending_label()
        user = self.store.user if self.store else None
        facility = self.store.facility() if self.store else {}
        self.user_label = QLabel(tr("status.user", name=(user.full_name or user.username) if user else "",
                                    facility=facility.get("code") or ""))  # fmt: skip
        self.user_label.setToolTip(facility.get("name") or "")
        if self.store is not None and self.store.read_only is not None:
            self.read_only_label = QLabel(tr("status.read_only"))
            self.read_only_label.setObjectName("ReadOnlyLabel")
            self.read_only_label.setProperty("role", "error")
            self.read_only_label.setToolTip(profiles.read_only_notice(self.store))
            bar.addPermanentWidget(self.read_only_label)
        bar.addPermanentWidget(self.user_label)

    def _show_pending(self, n: int) -> None:
        counts = self.workspace.counts if self.workspace is not None else None
        self.sync_status.set_pending(n, int((counts or {}).get("_waiting") or 0))
        self._show_pending_label()

    def _show_pending_label(self) -> None:
        """A profile without a server sends nothing, so it shows no count of changes "not yet sent"."""
        from caseworker.sync.state import is_server_profile

        self.pending_label.setVisible(self.store is not None and is_server_profile(self.store))

    # -- sync ------------------------------------------------------------------------------------------
    def sync_now(self) -> None:
        """F5, the Sync menu and the status-bar button: sync off the UI thread, with progress and Cancel."""
        if self.sync is not None and self._active():
            self.sync.start()

    def sync_by_file(self) -> None:
        """The Sync menu's "Sinkronisasi lewat berkas…": a bundle for the office, or the server's reply."""
        if self.sync is not None and self._active():
            self.sync.choose_file_sync()

    def _download_case_files(self, case_id: str) -> None:
        if self.sync is not None:
            self.sync.start_files(case_id, force=True)

    def _after_sync(self) -> None:
        if self.workspace is not None:
            self.workspace.after_sync()
        if self.store is not None:
            self.sync_status.show_last_sync()

    def revoke(self) -> None:
        """The server revoked this device: lock the data away for good and offer to wipe it."""
        from caseworker.store import syncstate
        from caseworker.sync.state import is_revoked, mark_revoked
        from ui.sync.revoked import RevokedPage

        if self.store is None or self.revoked_page is not None:
            return
        if not is_revoked(self.store):
            mark_revoked(self.store)
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QDialog) and w.isVisible():
                close_dialog(w)  # a form keeps its draft, asks nothing
        self.revoked_page = RevokedPage(syncstate.pending_count(self.store))
        self.revoked_page.wipe_requested.connect(self.wipe)
        self.revoked_page.leave.connect(self.logout)
        self._set_page(self.revoked_page)
        self.menuBar().setVisible(False)
        self.statusBar().setVisible(False)

    def wipe(self) -> None:
        """Delete the revoked profile's data from this laptop (the user confirmed), then start afresh."""
        from caseworker.sync.state import wipe_local_data

        if self.store is None:
            return
        device_id = self.store.device_id
        self._close_store()
        self._drop_page(self.revoked_page)
        self.revoked_page = None
        self.menuBar().setVisible(False)
        self.statusBar().setVisible(False)
        wipe_local_data(self.profile_dir, device_id)
        self.settings.last_user.pop(str(self.profile_dir), None)
        self.show_start()
        show_info(self, tr("revoked.title"), tr("wipe.done"))

    # -- actions ---------------------------------------------------------------------------------------
    def new_case(self) -> None:
        if self.workspace is not None and self._active():
            self.workspace.new_case()

    def find(self) -> None:
        if self.workspace is not None and self._active():
            self.workspace.focus_search()

    def change_stage(self) -> None:
        if self.workspace is not None and self.workspace.showing_case() and self._active():
            self.workspace.case_view.change_stage()

    def print_current(self) -> None:
        if self.workspace is None or not self._active():
            return
        case_id = self.workspace.current_case_id()
        if not case_id:
            show_info(self, tr("act.print"), tr("print.pick"))
            return
        self.print_case(case_id)

    def print_list(self) -> None:
        """One PDF per case of the list as filtered on screen (a case conference, a referral batch)."""
        from ui.printing import print_cases

        if self.workspace is None or self.store is None or not self._active():
            return
        ids = self.workspace.list_page.model.ids()
        print_cases(self, self.store, ids, on_printed=self.workspace.data_changed)

    def print_case(self, case_id: str) -> None:
        from ui.printing import print_case

        if self.store is not None:
            print_case(
                self, self.store, case_id, on_printed=self.workspace.data_changed if self.workspace else None
            )

    def import_clients(self) -> None:
        from ui import transfer

        if self.store is not None:
            transfer.import_dialog(self, self.store, self.workspace.data_changed if self.workspace else None)

    def import_forms(self) -> None:
        """Impor instrumen (XLSForm)…: the new form is offered in the case view from now on."""
        from ui import forms_import

        if self.store is not None:
            self.forms_dialog = forms_import.import_xlsform(self, self.store)

    def export_cases(self) -> None:
        from ui import transfer

        if self.store is not None:
            current = self.workspace.list_page.current_filter() if self.workspace else None
            transfer.export_dialog(self, self.store, current)

    def open_settings(self) -> None:
        from ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self, self.store)
        dialog.applied.connect(self.apply_settings)
        self.settings_dialog = dialog
        dialog.open()

    def apply_settings(self, language_changed: bool) -> None:
        if self.idle is not None:
            self.idle.set_timeout(self.settings.idle_lock_minutes * 60_000)
        self.settings.save()
        if language_changed:
            self.retranslate()

    def retranslate(self) -> None:
        """Rebuild what shows words: menus, status bar and the workspace (the open case is reopened)."""
        from ui.app import install_qt_translator

        install_qt_translator(QApplication.instance(), i18n.language())
        self.setWindowTitle(tr("app.name"))
        if self.store is None:
            self.show_start()
            return
        nav = self.workspace.current_nav if self.workspace else "mine"
        case_id = (
            self.workspace.case_view.case_id if self.workspace and self.workspace.showing_case() else None
        )
        old = self.workspace
        if old is not None:
            old.shutdown()
        from ui.workspace import Workspace

        self.workspace = Workspace(self.store, self.settings)
        self.workspace.pending_changed.connect(self._show_pending)
        self._set_page(self.workspace)
        self._drop_page(old)
        self.workspace.select_nav(nav)
        if case_id:
            self.workspace.open_case(case_id)
        self._build_menus()
        self._build_status()
        self.workspace.refresh_counts()

    def about(self) -> None:
        from caseworker import __version__

        show_info(self, tr("act.about"), tr("about.text", version=__version__))

    def _active(self) -> bool:
        return self.workspace is not None and self.stack.currentWidget() is self.workspace

    # -- locking ---------------------------------------------------------------------------------------
    def is_locked(self) -> bool:
        return self.lock_page is not None and self.stack.currentWidget() is self.lock_page

    def lock_idle(self) -> None:
        self.lock(idle=True)

    def lock(self, *, idle: bool = False) -> None:
        """Hide the data behind the lock page: by the user (Ctrl+L) or, with idle=True, after idle time."""
        if self.store is None or self.is_locked() or self.revoked_page is not None:
            return
        self._hidden_dialogs = [
            w
            for w in QApplication.topLevelWidgets()
            if w is not self and w.isVisible() and isinstance(w, QDialog)
        ]
        for dialog in self._hidden_dialogs:
            dialog.hide()
            if isinstance(dialog, GuardedDialog):
                dialog.save_draft()  # typed input survives a crash while locked
        self.lock_page = LockPage(self.store.user.full_name or self.store.user.username, idle=idle)
        self.lock_page.unlock_requested.connect(self._unlock)
        self.lock_page.switch_user.connect(self.logout)
        self._set_page(self.lock_page)
        self.menuBar().setVisible(False)
        self.statusBar().setVisible(False)
        self.locked.emit()

    def _unlock(self, password: str) -> None:
        store = self.store
        if store is None:
            return
        slots = SlotFile(self.profile_dir / profiles.SLOTS_FILE)

        def check() -> bool:
            slots.unlock(store.user.username, password)
            return True

        def failed(exc: BaseException) -> None:
            if self.lock_page is not None:
                self.lock_page.failed(error_text(exc))

        run_in_background(check, lambda _ok: self.unlock(), failed)

    def unlock(self) -> None:
        """Back to exactly where the user was, dialogs and unsaved input included."""
        if self.workspace is None:
            return
        self._set_page(self.workspace)
        self._drop_page(self.lock_page)
        self.lock_page = None
        self.menuBar().setVisible(True)
        self.statusBar().setVisible(True)
        for dialog in self._hidden_dialogs:
            with contextlib.suppress(RuntimeError):
                dialog.show()
        self._hidden_dialogs = []
        if self.idle is not None:
            self.idle.touch()

    def logout(self) -> None:
        for dialog in self._hidden_dialogs:
            with contextlib.suppress(RuntimeError):
                close_dialog(dialog)
        self._hidden_dialogs = []
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QDialog) and w.isVisible():
                close_dialog(w)  # a form keeps its draft, asks nothing
        self._close_store()
        self._drop_page(self.lock_page)
        self.lock_page = None
        self._drop_page(self.revoked_page)
        self.revoked_page = None
        self.menuBar().setVisible(False)
        self.statusBar().setVisible(False)
        self.show_login()

    def _close_store(self) -> None:
        if self.sync is not None:
            self.sync.shutdown()
            self.sync = None
        if self.workspace is not None:
            self.workspace.shutdown()
            self._drop_page(self.workspace)
            self.workspace = None
        if self.store is not None:
            with contextlib.suppress(Exception):
                self.store.close()
            self.store = None

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.settings.geometry = bytes(self.saveGeometry().toHex()).decode("ascii")
        self.settings.save()
        if self.idle is not None:
            self.idle.stop()
        self._close_store()
        super().closeEvent(event)
