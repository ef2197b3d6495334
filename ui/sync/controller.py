"""Running a sync from the app: the engine (caseworker.sync.engine.sync) on a worker thread over its own
database connection, a progress dialog with Cancel, and the outcome in words.

Cancel is safe at any moment: the engine stops between push batches and pull pages, and each pulled page
is applied with its cursor in one transaction, so the next sync continues where this one stopped.
A session that expired asks for the password and continues; a revoked device is handed to the window
(`revoked`), which locks and offers to wipe the local data.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from caseworker.errors import KnownError
from caseworker.i18n import text as i18n_text
from caseworker.store.store import Store
from caseworker.sync import rejections, state
from caseworker.sync.engine import SyncResult, sync, sync_files
from caseworker.sync.transport import DeviceRevoked, LoginExpired, LoginRequired, SyncError
from ui import errors
from ui.i18n import language, register, tr
from ui.progress import ProgressDialog
from ui.sync.refusal_card import title_of
from ui.tasks import JobControl, LongJob

register(
    {
        "sync.title": ("Sinkronisasi dengan server", "Syncing with the server"),
        "sync.connecting": ("Menghubungi server…", "Contacting the server…"),
        "sync.login": ("Masuk ke server…", "Signing in to the server…"),
        "sync.push": ("Mengirim perubahan: {done} dari {total}", "Sending changes: {done} of {total}"),
        "sync.pull": ("Menerima data dari server: {n}", "Receiving data from the server: {n}"),
        "sync.done": (
            "Sinkronisasi selesai: {pushed} terkirim, {pulled} diterima.",
            "Sync complete: {pushed} sent, {pulled} received.",
        ),
        "sync.done_conflicts": (
            "Sinkronisasi selesai: {pushed} terkirim, {pulled} diterima, {conflicts} konflik perlu dipilih.",
            "Sync complete: {pushed} sent, {pulled} received, {conflicts} conflicts to choose.",
        ),
        "sync.incomplete": (
            "Sinkronisasi belum selesai: {pushed} terkirim, {pulled} diterima.",
            "Sync not complete: {pushed} sent, {pulled} received.",
        ),
        "sync.waiting": (
            "{n} perubahan menunggu pengguna lain.",
            "{n} changes are waiting for another user.",
        ),
        "sync.cancelled": (
            "Sinkronisasi dibatalkan. Yang sudah terkirim dan diterima tetap tersimpan.",
            "Sync cancelled. What was already sent and received is kept.",
        ),
        "sync.failed.title": ("Sinkronisasi belum berhasil", "Sync did not complete"),
        "sync.offline": (
            "Tidak ada koneksi ke server. Periksa internet atau jaringan kantor, lalu coba lagi (F5).\n\n"
            "Semua pekerjaan tetap tersimpan di laptop ini dan akan dikirim pada sinkronisasi berikutnya.",
            "There is no connection to the server. Check the internet or the office network, then try again "
            "(F5).\n\nAll your work stays saved on this laptop and will be sent with the next sync.",
        ),
        "sync.notes.title": ("Sinkronisasi selesai, dengan catatan", "Sync complete, with notes"),
        "sync.rejected": (
            "{n} perubahan ditolak server. Lihat halaman Konflik untuk mengirim ulang atau membuangnya:",
            "{n} changes were refused by the server. See the Conflicts page to send them again or discard them:",
        ),
        "sync.quarantined": (
            "{n} data dari server disisihkan karena tidak dapat disimpan di laptop ini; data lain tersinkron. "
            "Lihat halaman Konflik.",
            "{n} rows from the server were set aside because this laptop cannot store them; everything else "
            "is synced. See the Conflicts page.",
        ),
        "sync.tip": (
            "Kirim perubahan dan terima data terbaru dari server (F5).",
            "Send your changes and receive the latest data from the server (F5).",
        ),  # fmt: skip
        "sync.files.progress": (
            "Memindahkan berkas lampiran: {done} dari {total}…",
            "Transferring attachment files: {done} of {total}…",
        ),
        "sync.files.done": (
            "Berkas lampiran: {down} diunduh, {up} dikirim.",
            "Attachment files: {down} downloaded, {up} sent.",
        ),
        "sync.files.failed": (
            "Berkas lampiran belum selesai dipindahkan: {detail} Dicoba lagi pada sinkronisasi berikutnya.",
            "Attachment files were not all transferred: {detail} They are tried again with the next sync.",
        ),
        "sync.file.title": ("Sinkronisasi lewat berkas", "Sync by file"),
        "sync.file.choose": (
            "Tanpa jaringan: buat berkas kiriman untuk dibawa ke kantor (flashdisk), atau terapkan berkas "
            "balasan dari server.",
            "Without a network: write a bundle to take to the office (USB stick), or apply the server's "
            "reply.",
        ),
        "sync.file.export": ("Buat berkas kiriman…", "Write a bundle…"),
        "sync.file.import": ("Terapkan balasan…", "Apply a reply…"),
        "sync.file.filter": (
            "Berkas sinkronisasi (*.cwb);;Semua berkas (*)",
            "Sync files (*.cwb);;All files (*)",
        ),
        "sync.file.writing": ("Menulis berkas kiriman…", "Writing the bundle…"),
        "sync.file.reading": ("Membaca berkas balasan…", "Reading the reply…"),
        "sync.tip.standalone": (
            "Profil ini bekerja mandiri di laptop ini, tanpa server: tidak ada yang perlu disinkronkan.",
            "This profile works on this laptop alone, without a server: there is nothing to sync.",
        ),
    }
)


def tell(parent: QWidget | None, title: str, text: str, warning: bool = True) -> QMessageBox:
    """A non-blocking message box, listed in ui.errors.shown like the others (tests read it there)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    errors.shown.append(box)
    box.finished.connect(lambda _=0: errors.shown.remove(box) if box in errors.shown else None)
    box.open()
    return box


def is_offline(exc: BaseException) -> bool:
    return isinstance(exc, SyncError) and exc.key == "sync_offline"


def _report(control: JobControl, phase: str, done: int, total: int | None) -> None:
    if phase == "push":
        control.progress(done, total or 0, tr("sync.push", done=done, total=total or done))
    else:
        control.progress(0, 0, tr("sync.pull", n=f"{done:,}".replace(",", ".")))


class SyncController(QObject):
    """One per signed-in store. `refreshed` after every attempt (data may have changed, even when it failed
    half-way); `online_changed("online" | "offline")`; `revoked` when the server locked this device out."""

    refreshed = Signal()
    online_changed = Signal(str)
    revoked = Signal()
    message = Signal(str)

    def __init__(self, window: QWidget, store: Store, transport_factory: Callable[[str, str], Any] | None = None,
                 transport: Any = None) -> None:  # fmt: skip
        super().__init__(window)
        self.window, self.store = window, store
        self.factory = transport_factory
        self.transport = transport
        self.dialog: ProgressDialog | None = None
        self.password_dialog = None
        self.online = "unknown"
        self.last_result: SyncResult | None = None
        self.last_error: BaseException | None = None
        self.closed = False
        self.pull_limit: int | None = None  # tests make pages small
        # Attachment files move after the text, in the background (caseworker.sync.files): one job at a
        # time; asked-for downloads (a case's "Unduh sekarang") queue behind it.
        self.files_job: LongJob | None = None
        self.files_queue: list[tuple[str | None, bool]] = []
        self.start_after_files: tuple[str | None] | None = None  # a sync asked for while files moved
        self.last_files: SyncResult | None = None

    def available(self) -> bool:
        return state.is_server_profile(self.store)

    def tooltip(self) -> str:
        return tr("sync.tip") if self.available() else tr("sync.tip.standalone")

    def running(self) -> bool:
        return self.dialog is not None

    def _transport(self) -> Any:
        if self.transport is None:
            from caseworker.sync.enrol import http_transport, transport_for

            self.transport = transport_for(self.store, self.factory or http_transport)
        return self.transport

    def _transport_or_say(self) -> Any:
        """The transport, or None after saying why there is none (e.g. no server address)."""
        try:
            return self._transport()
        except KnownError as exc:
            errors.show_error(self.window, exc)
            return None

    def start(self, password: str | None = None) -> bool:
        """Begin a sync (False when one is running, or the profile has no server)."""
        if self.closed or self.running() or not self.available():
            return False
        if self.files_job is not None:  # files stop at their next piece (what came is kept); then the sync
            self.start_after_files = (password,)
            self.files_job.cancel()
            return True
        transport = self._transport_or_say()
        if transport is None:
            return False
        store, username, limit = self.store, self.store.user.username, self.pull_limit

        def work(control: JobControl) -> SyncResult:
            if password is not None:
                control.progress(0, 0, tr("sync.login"))
                transport.login(username, password)
            control.progress(0, 0, tr("sync.connecting"))
            connection = state.sync_connection(store)
            try:
                extra = {"pull_limit": limit} if limit else {}
                return sync(connection, transport, cancel=lambda: control.cancelled, files="later",
                            progress=lambda phase, done, total: _report(control, phase, done, total), **extra)  # fmt: skip
            finally:
                state.close_sync_connection(connection)

        self.last_error = None
        dialog = ProgressDialog(self.window, tr("sync.title"), work, self._done, self._failed)
        dialog.job.cancelled.connect(self._cancelled)
        dialog.job.progress.connect(self._busy_when_unknown)
        dialog.text.setText(tr("sync.connecting"))
        self.dialog = dialog
        dialog.start()
        return True

    def cancel(self) -> None:
        if self.dialog is not None:
            self.dialog.cancel_button.click()

    def _busy_when_unknown(self, _done: int, total: int, _text: str) -> None:
        if total <= 0 and self.dialog is not None:
            self.dialog.bar.setRange(0, 0)

    def _finish(self) -> bool:
        """Forget the finished run; False when the store was closed meanwhile (nothing to show then)."""
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
        if self.closed:
            if self.files_job is None:
                self._close_transport()
            return False
        return True

    def _set_online(self, value: str) -> None:
        self.online = value
        self.online_changed.emit(value)

    # -- outcomes -------------------------------------------------------------------------------------
    def _done(self, result: SyncResult) -> None:
        if not self._finish():
            return
        self.last_result = result
        self._set_online("online")
        key = "sync.done_conflicts" if result.conflicts else "sync.done"
        if not result.completed:  # e.g. this app is too old for the server: the reason is in result.errors
            key = "sync.incomplete"
        text = tr(key, **result.summary()) + " " + result.traffic(language())
        if result.waiting:  # other users' changes on this laptop: they go up with their own session
            text += " " + tr("sync.waiting", n=result.waiting)
        self.message.emit(text)
        notes = [*result.errors, *result.warnings]
        if result.rejected:
            notes.append(tr("sync.rejected", n=result.rejected))
            refused = rejections.rejections(self.store)[-10:]
            notes += [f"• {title_of(r)}: {r.reason_text(language())}" for r in refused]
        if result.quarantined:
            notes.append(tr("sync.quarantined", n=result.quarantined))
        from caseworker.sync.tokens import keyring_notice

        notice = keyring_notice()
        if notice:
            notes.append(notice)
        if notes:
            title = tr("sync.notes.title") if result.completed else tr("sync.failed.title")
            tell(self.window, title, "\n".join(notes), warning=not result.completed)
        self.refreshed.emit()
        if result.completed and result.files_waiting:
            self.start_files()

    # -- sync by file (a USB stick; caseworker.sync.bundle) --------------------------------------------
    def choose_file_sync(self) -> QMessageBox | None:
        """ "Sinkronisasi lewat berkas…": write a bundle or apply a reply, each through a file dialog."""
        if self.closed or self.running() or not self.available():
            return None
        box = QMessageBox(self.window)
        box.setWindowTitle(tr("sync.file.title"))
        box.setText(tr("sync.file.choose"))
        write = box.addButton(tr("sync.file.export"), QMessageBox.ButtonRole.ActionRole)
        read = box.addButton(tr("sync.file.import"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        write.clicked.connect(self._ask_export)
        read.clicked.connect(self._ask_import)
        errors.shown.append(box)
        box.finished.connect(lambda _=0: errors.shown.remove(box) if box in errors.shown else None)
        box.open()
        return box

    def _ask_export(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from caseworker.store.ids import now_iso

        name = f"caseworker-{self.store.user.username}-{now_iso()[:10]}.cwb"
        path, _ = QFileDialog.getSaveFileName(
            self.window, tr("sync.file.export"), name, tr("sync.file.filter")
        )
        if path:
            self.export_bundle(path)

    def _ask_import(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(self.window, tr("sync.file.import"), "", tr("sync.file.filter"))
        if path:
            self.import_reply(path)

    def export_bundle(self, path: str) -> bool:
        """Write this user's changes to a bundle at `path`, off the UI thread; the outcome in words."""
        from caseworker.sync import bundle

        store = self.store

        def work(control: JobControl) -> Any:
            control.progress(0, 0, tr("sync.file.writing"))
            connection = state.sync_connection(store)
            try:
                return bundle.export(connection, Path(path))
            finally:
                state.close_sync_connection(connection)

        return self._run_file_job(work, self._exported, tr("sync.file.writing"))

    def import_reply(self, path: str) -> bool:
        """Apply the server's reply at `path` as a sync: the same progress, summary and conflicts."""
        from caseworker.sync import bundle

        store = self.store

        def work(control: JobControl) -> SyncResult:
            control.progress(0, 0, tr("sync.file.reading"))
            connection = state.sync_connection(store)
            try:
                return bundle.import_reply(connection, Path(path), cancel=lambda: control.cancelled,
                                           progress=lambda phase, done, total: _report(control, phase, done, total))  # fmt: skip
            finally:
                state.close_sync_connection(connection)

        return self._run_file_job(work, self._done, tr("sync.file.reading"))

    def _run_file_job(
        self, work: Callable[[JobControl], Any], done: Callable[[Any], None], text: str
    ) -> bool:
        if self.closed or self.running() or not self.available() or self.files_job is not None:
            return False
        self.last_error = None
        dialog = ProgressDialog(self.window, tr("sync.file.title"), work, done, self._failed)
        dialog.job.cancelled.connect(self._cancelled)
        dialog.job.progress.connect(self._busy_when_unknown)
        dialog.text.setText(text)
        self.dialog = dialog
        dialog.start()
        return True

    def _exported(self, done: Any) -> None:
        if not self._finish():
            return
        from caseworker.numbers import format_bytes

        text = i18n_text("bundle_exported", path=str(done.path), mutations=done.mutations, files=done.files,
                         size=format_bytes(done.size, language()))  # fmt: skip
        self.message.emit(text)
        tell(self.window, tr("sync.file.title"), text, warning=False)
        self.refreshed.emit()

    # -- attachment files, in the background ----------------------------------------------------------
    def start_files(self, case_id: str | None = None, force: bool = False) -> bool:
        """Move the files still waiting (of one case, whatever the link, when `force`). False when there
        is no server or the window is closing; queued behind a running sync or files job."""
        if self.closed or not self.available():
            return False
        if self.running() or self.files_job is not None:
            if (case_id, force) not in self.files_queue:
                self.files_queue.append((case_id, force))
            return True
        transport = self._transport_or_say()
        if transport is None:
            return False
        store = self.store

        def work(control: JobControl) -> SyncResult:
            connection = state.sync_connection(store)

            def progress(phase: str, done: int, total: int | None) -> None:
                if phase.startswith("files"):
                    control.progress(done, total or 0, "")

            try:
                return sync_files(connection, transport, case_id=case_id, force=force,
                                  cancel=lambda: control.cancelled, progress=progress)  # fmt: skip
            finally:
                state.close_sync_connection(connection)

        job = LongJob(work, self)
        job.progress.connect(self._files_progress)
        job.finished.connect(self._files_done)
        job.failed.connect(self._files_failed)
        job.cancelled.connect(lambda: self._files_over())
        self.files_job = job
        job.start()
        return True

    def files_running(self) -> bool:
        return self.files_job is not None

    def _files_progress(self, done: int, total: int, _text: str) -> None:
        from caseworker.numbers import format_bytes

        lang = language()
        self.message.emit(
            tr("sync.files.progress", done=format_bytes(done, lang), total=format_bytes(total, lang))
        )

    def _files_done(self, result: SyncResult) -> None:
        self.last_files = result
        text = tr("sync.files.done", down=result.files_downloaded, up=result.files_uploaded)
        waiting = result.files_text(language())
        self.message.emit(" ".join(t for t in (text, waiting, *result.warnings) if t))
        self._files_over()

    def _files_failed(self, exc: BaseException) -> None:
        detail = exc.text() if isinstance(exc, KnownError) else type(exc).__name__
        self.message.emit(tr("sync.files.failed", detail=detail))
        self._files_over()

    def _files_over(self) -> None:
        if self.files_job is not None:
            self.files_job.deleteLater()
            self.files_job = None
        self.refreshed.emit()  # a case's documents may have arrived
        if self.closed:
            self._close_transport()
            return
        if self.start_after_files is not None:
            (password,) = self.start_after_files
            self.start_after_files = None
            self.start(password)
        elif self.files_queue:
            self.start_files(*self.files_queue.pop(0))

    def _cancelled(self) -> None:
        if not self._finish():
            return
        self.message.emit(tr("sync.cancelled"))
        self.refreshed.emit()

    def _failed(self, exc: BaseException) -> None:
        if not self._finish():
            return
        self.last_error = exc
        if isinstance(exc, LoginExpired):  # this user's own session ended, or they have none here yet
            self._set_online("online")
            self.ask_password(first=isinstance(exc, LoginRequired))
        elif isinstance(exc, DeviceRevoked):
            self._set_online("online")
            self.revoked.emit()
        elif isinstance(exc, SyncError) and exc.key == "sync_bad_login":
            self.ask_password(exc.text())
        elif is_offline(exc):
            self._set_online("offline")
            tell(self.window, tr("sync.failed.title"), tr("sync.offline"))
        elif isinstance(exc, KnownError):
            tell(self.window, tr("sync.failed.title"), exc.text())
        else:
            errors.show_error(self.window, exc)
        self.refreshed.emit()

    def ask_password(self, error: str = "", first: bool = False) -> None:
        """The server password of the signed-in user (never another user's session instead)."""
        from ui.sync.password import PasswordDialog

        dialog = PasswordDialog(self.store.user.username, error, self.window, first=first)
        dialog.password_given.connect(lambda pw: self.start(password=pw))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.password_dialog = dialog
        dialog.open()

    # -- end ------------------------------------------------------------------------------------------
    def _close_transport(self) -> None:
        if self.transport is not None and hasattr(self.transport, "close"):
            with contextlib.suppress(Exception):
                self.transport.close()
        self.transport = None

    def shutdown(self) -> None:
        """The store is closing (logout, quit): stop a running sync at its next safe point."""
        self.closed = True
        if self.files_job is not None:
            self.files_job.cancel()
        if self.dialog is not None:
            self.dialog.job.cancel()
        elif self.files_job is None:
            self._close_transport()
