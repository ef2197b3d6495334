"""What the supervisor's screens share: background reads on a second connection, worker names, review
kind names, and the dialog that asks for a decision comment."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import cache
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from caseworker.errors import KnownError
from caseworker.store.store import Store
from ui.guarded_dialog import GuardedDialog
from ui.i18n import register, tr
from ui.tasks import DbReader, run_in_background
from ui.widgets import IssueList, button, label

register(
    {
        "sup.kind.assessment": ("Asesmen", "Assessment"),
        "sup.kind.plan": ("Rencana intervensi", "Intervention plan"),
        "sup.kind.closure": ("Penutupan kasus (terminasi)", "Case closure (termination)"),
        "sup.status.submitted": ("Menunggu tinjauan", "Waiting for review"),
        "sup.status.approved": ("Disetujui", "Approved"),
        "sup.status.returned": ("Dikembalikan", "Returned"),
        "sup.days": ("{n} hari", "{n} days"),
        "sup.today": ("hari ini", "today"),
        "sup.unassigned": ("Belum ditugaskan", "Unassigned"),
        "sup.approve": ("Setujui", "Approve"),
        "sup.return": ("Kembalikan…", "Return…"),
        "sup.open_case": ("Buka kasus", "Open case"),
        "sup.refresh": ("Muat ulang", "Refresh"),
        "sup.loading": ("Memuat…", "Loading…"),
        "sup.decide.approve_title": ("Setujui pengajuan", "Approve the submission"),
        "sup.decide.return_title": ("Kembalikan pengajuan", "Return the submission"),
        "sup.decide.approve_prompt": (
            "Catatan untuk pekerja sosial (boleh kosong):",
            "A note for the social worker (optional):",
        ),  # fmt: skip
        "sup.decide.return_prompt": (
            "Apa yang harus diperbaiki? Pekerja sosial akan membaca catatan ini.",
            "What needs fixing? The social worker will read this note.",
        ),  # fmt: skip
        "sup.rcol.case_number": ("No. kasus", "Case no."),
        "sup.rcol.name": ("Klien", "Client"),
        "sup.rcol.kind": ("Pengajuan", "Submission"),
        "sup.rcol.submitted_by": ("Diajukan oleh", "Submitted by"),
        "sup.rcol.submitted_at": ("Diajukan", "Submitted"),
        "sup.rcol.age": ("Menunggu", "Waiting"),
        "sup.rcol.comment": ("Catatan pekerja sosial", "Social worker's note"),
        "sup.rcol.status": ("Status", "Status"),
        "sup.rcol.decided_by": ("Diputuskan oleh", "Decided by"),
        "sup.rcol.decided_at": ("Tanggal keputusan", "Decided on"),
        "sup.rcol.decision_comment": ("Catatan supervisor", "Supervisor's note"),
        "sup.decide.subject": ("{kind} · {name} · {number}", "{kind} · {name} · {number}"),
    }
)


@cache
def model_font(bold: bool = False, underline: bool = False) -> QFont:
    """Fonts for models' FontRole, made once: data() runs for every visible cell and role, and building a
    QFont there costs calls that, on PySide6 6.12 with Python 3.11, each drop a reference to None (seen
    crashing with 'deallocating None' after a few thousand rows)."""
    font = QFont()
    font.setWeight(QFont.Weight.Bold if bold else QFont.Weight.DemiBold)
    font.setUnderline(underline)
    return font


def kind_name(kind: str | None) -> str:
    return tr(f"sup.kind.{kind}") if kind in ("assessment", "plan", "closure") else (kind or "")


def age_text(days: int | None) -> str:
    return tr("sup.today") if not days else tr("sup.days", n=days)


def worker_names(store: Store) -> dict[str, str]:
    """username -> full name, for every user of the profile ('' = unassigned)."""
    names = {r[0]: r[1] or r[0] for r in store.conn.execute("SELECT username, full_name FROM users")}
    names[""] = tr("sup.unassigned")
    return names


def read_in_background(
    store: Store,
    fn: Callable[[Store], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    reader: DbReader | None = None,
    channel: str = "supervisor",
) -> None:
    """fn(reader) off the UI thread on a second, read-only connection, so the UI thread keeps its own
    connection for writes and never waits for a long count. With the main window's DbReader the
    connection (and its warm page cache) is shared and a newer request on `channel` supersedes an older
    one; without it a connection is opened for the job and closed afterwards."""
    if reader is not None:
        reader.submit(channel, fn, on_done, on_error)
        return

    def job() -> Any:
        reader = store.reader()
        try:
            return fn(reader)
        finally:
            with contextlib.suppress(Exception):
                reader.conn.close()

    run_in_background(job, on_done, on_error)


def write_in_background(
    store: Store,
    fn: Callable[[Store], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
) -> None:
    """Like read_in_background, for work that appends to the audit log (printing): WAL lets this second
    connection write its one audit row while the UI thread's connection stays free."""

    def job() -> Any:
        other = store.reader()
        try:
            other.conn.execute("PRAGMA query_only = OFF")
            return fn(other)
        finally:
            with contextlib.suppress(Exception):
                other.conn.close()

    run_in_background(job, on_done, on_error)


class DecisionDialog(GuardedDialog):
    """Approve or return one submission. `apply(comment)` does the work; a KnownError it raises (e.g. the
    core refusing a return without a comment) is shown inside the dialog, which stays open."""

    save_shortcut = False  # approving or returning is a decision, not a keystroke

    def guard_save(self) -> object:
        return self.confirm()

    def __init__(
        self,
        approve: bool,
        subject: str,
        apply: Callable[[str], None],
        parent: QWidget | None = None,
        *,
        title: str | None = None,
        prompt: str | None = None,
        ok_text: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.approve = approve
        self._apply = apply
        self.setWindowTitle(title or tr("sup.decide.approve_title" if approve else "sup.decide.return_title"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(520, 300)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(8)
        layout.addWidget(label(self.windowTitle(), "subtitle"))
        layout.addWidget(label(subject, "muted", wrap=True))
        layout.addWidget(
            label(
                prompt or tr("sup.decide.approve_prompt" if approve else "sup.decide.return_prompt"),
                wrap=True,
            )
        )
        self.comment = QPlainTextEdit()
        self.comment.setTabChangesFocus(True)
        layout.addWidget(self.comment, 1)
        self.errors = IssueList()
        self.errors.setVisible(False)
        layout.addWidget(self.errors)
        self.cancel_button = button(tr("common.cancel"))
        self.cancel_button.clicked.connect(self.reject)
        self.ok_button = button(
            ok_text or (tr("sup.approve") if approve else tr("sup.return").rstrip("…")),
            "check" if approve else "back", primary=True,
        )  # fmt: skip
        self.ok_button.clicked.connect(self.confirm)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        layout.addLayout(buttons)
        self.comment.setFocus()

    def confirm(self) -> bool:
        try:
            self._apply(self.comment.toPlainText().strip())
        except KnownError as exc:
            self.errors.set_issues([("error", exc.text())])
            return False
        self.accept()
        return True
