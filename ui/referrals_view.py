"""'Rujukan masuk' (issue 19): referrals other facilities sent to this one, for its supervisors to accept or
decline, offline; the answer goes with the next sync (caseworker.store.referrals). Waiting ones first, the
oldest on top; an answered one shows what became of it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain import reference, regions
from caseworker.errors import KnownError
from caseworker.store import referrals
from caseworker.store.store import Store
from ui.i18n import fmt_date, register, tr
from ui.record_dialogs import RecordDialog
from ui.referral_dialog import facility_line  # noqa: F401 - registers the referral words shown here
from ui.widgets import button, label

register(
    {
        "inbox.title": ("Rujukan masuk", "Incoming referrals"),
        "inbox.summary": (
            "{waiting} menunggu jawaban, {answered} sudah dijawab.",
            "{waiting} waiting, {answered} answered.",
        ),
        "inbox.empty": ("Belum ada rujukan masuk.", "No incoming referrals yet."),
        "inbox.pick": ("Pilih rujukan di sebelah kiri.", "Choose a referral on the left."),
        "inbox.from": ("Dari", "From"),
        "inbox.on": ("Tanggal rujukan", "Referred on"),
        "inbox.client": ("Klien", "Client"),
        "inbox.category": ("Kategori PPKS", "PPKS category"),
        "inbox.region": ("Wilayah", "Region"),
        "inbox.reason": ("Alasan", "Reason"),
        "inbox.problem": ("Masalah yang dihadapi", "Presenting problem"),
        "inbox.shared": ("Yang dibagikan", "Shared"),
        "inbox.shared.identity": ("identitas", "identity"),
        "inbox.shared.none": ("hanya ringkasan ini", "this summary only"),
        "inbox.consent": ("Persetujuan", "Consent"),
        "inbox.withheld": (
            "Identitas tidak dibagikan: hanya inisial, jenis kelamin, tahun lahir dan kabupaten/kota.",
            "Identity not shared: initials, sex, birth year and kabupaten/kota only.",
        ),
        "inbox.accept": ("Terima", "Accept"),
        "inbox.decline": ("Tolak…", "Decline…"),
        "inbox.status.sent": ("Menunggu jawaban", "Waiting for an answer"),
        "inbox.status.accepted": ("Diterima", "Accepted"),
        "inbox.status.declined": ("Ditolak", "Declined"),
        "inbox.status.withdrawn": ("Ditarik pengirim", "Withdrawn by the sender"),
        "inbox.pending": (
            "Jawaban Anda dikirim pada sinkronisasi berikutnya; kasusnya dibuka di unit ini setelah itu.",
            "Your answer goes with the next sync; the case opens in this facility after it.",
        ),
        "inbox.accepted_case": ("Kasus {number} dibuka di unit ini.", "Case {number} was opened here."),
        "inbox.declined_because": ("Ditolak: {reason}", "Declined: {reason}"),
        "inbox.open_case": ("Buka kasus", "Open the case"),
        "decline.title": ("Tolak rujukan", "Decline the referral"),
        "decline.reason": ("Alasan penolakan", "Reason for declining"),
        "decline.hint": (
            "Unit pengirim melihat alasan ini. Data klien dihapus dari unit ini setelah sinkronisasi.",
            "The sending facility sees this reason. The client's data leaves this facility after the sync.",
        ),
    }
)

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class DeclineDialog(RecordDialog):
    """Why the referral is declined (required): nothing typed is lost (GuardedDialog)."""

    def __init__(self, store: Store, inbox_id: str, parent: QWidget | None = None) -> None:
        super().__init__(store, {}, tr("decline.title"), parent)
        self.inbox_id = inbox_id
        self.reason = QPlainTextEdit()
        self.reason.setFixedHeight(90)
        self.form.addRow(tr("decline.reason") + " *", self.reason)
        self.form.addRow("", label(tr("decline.hint"), "muted", wrap=True))
        self.watch(self.reason)

    def problems(self) -> list[tuple[str, str]]:
        return self.required(self.reason.toPlainText(), "decline.reason")

    def write(self) -> str:
        referrals.decline(self.store, self.inbox_id, self.reason.toPlainText())
        return self.inbox_id


def _client_text(row: dict[str, Any]) -> str:
    seen = row.get("preview") or {}
    name = seen.get("name") or "-"
    sex = {"L": "L", "P": "P"}.get(seen.get("sex") or "", "")
    born = fmt_date(seen["birth_date"]) if seen.get("birth_date") else (seen.get("birth_year") or "")
    return " · ".join(x for x in (name, sex, born) if x)


class IncomingReferralsView(QWidget):
    caseRequested = Signal(str)  # noqa: N815
    changed = Signal()

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.setObjectName("Page")
        self.store = store
        self.rows: list[dict[str, Any]] = []
        self.dialog: DeclineDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(8)
        layout.addWidget(label(tr("inbox.title"), "title"))
        self.summary = label("", "muted")
        layout.addWidget(self.summary)
        body = QHBoxLayout()
        body.setSpacing(12)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setMinimumWidth(240)
        self.list.setMaximumWidth(360)
        self.list.currentItemChanged.connect(lambda *_: self._show())
        body.addWidget(self.list)
        self.detail = QFrame()
        self.detail.setProperty("card", True)
        dl = QVBoxLayout(self.detail)
        dl.setContentsMargins(16, 14, 16, 14)
        self.text = label("", wrap=True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        dl.addWidget(self.text, 1)
        self.state = label("", "muted", wrap=True)
        dl.addWidget(self.state)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.open_button = button(tr("inbox.open_case"))
        self.decline_button = button(tr("inbox.decline"))
        self.accept_button = button(tr("inbox.accept"), "check", primary=True)
        for b in (self.open_button, self.decline_button, self.accept_button):
            actions.addWidget(b)
        dl.addLayout(actions)
        body.addWidget(self.detail, 1)
        layout.addLayout(body, 1)
        self.accept_button.clicked.connect(self.accept_current)
        self.decline_button.clicked.connect(self.decline_current)
        self.open_button.clicked.connect(self._open_case)
        self.refresh()

    # -- data --------------------------------------------------------------------------------------
    def refresh(self) -> None:
        keep = self.current_id()
        self.rows = referrals.incoming(self.store)
        waiting = sum(1 for r in self.rows if r["status"] == "sent")
        self.summary.setText(
            tr("inbox.summary", waiting=waiting, answered=len(self.rows) - waiting)
            if self.rows
            else tr("inbox.empty")
        )
        self.list.blockSignals(True)
        self.list.clear()
        for row in self.rows:
            lines = [row.get("from_facility_name") or row["from_facility"]]
            lines += [_client_text(row)] if row.get("preview") else []
            item = QListWidgetItem("\n".join([*lines, tr("inbox.status." + row["status"])]))
            item.setData(ID_ROLE, row["id"])
            self.list.addItem(item)
            if row["id"] == keep:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self._show()

    def current_id(self) -> str | None:
        item = self.list.currentItem() if hasattr(self, "list") else None
        return item.data(ID_ROLE) if item is not None else None

    def current(self) -> dict[str, Any] | None:
        wanted = self.current_id()
        return next((r for r in self.rows if r["id"] == wanted), None)

    def _show(self) -> None:
        row = self.current()
        waiting = row is not None and row["status"] == "sent" and not self._answered_here(row)
        self.accept_button.setVisible(waiting)
        self.decline_button.setVisible(waiting)
        self.open_button.setVisible(bool(row and row.get("accepted_case_id") and self._case_here(row)))
        if row is None:
            self.text.setText(tr("inbox.pick") if self.rows else "")
            self.state.setText("")
            return
        self.text.setText(self._describe(row))
        if self._answered_here(row):
            self.state.setText(tr("inbox.pending"))
        elif row["status"] == "accepted":
            self.state.setText(tr("inbox.accepted_case", number=row.get("accepted_case_number") or "-"))
        elif row["status"] == "declined":
            self.state.setText(tr("inbox.declined_because", reason=row.get("decision_reason") or "-"))
        else:
            self.state.setText(tr(f"inbox.status.{row['status']}"))

    def _answered_here(self, row: dict[str, Any]) -> bool:
        """Answered on this laptop, not synced yet (the server has not opened the case)."""
        found = self.store.one(
            "SELECT 1 AS x FROM outbox WHERE table_name = 'referral_inbox' AND row_id = ? LIMIT 1",
            [row["id"]],
        )
        return found is not None

    def _case_here(self, row: dict[str, Any]) -> bool:
        return self.store.one("SELECT 1 AS x FROM cases WHERE id = ?", [row["accepted_case_id"]]) is not None

    @staticmethod
    def _describe(row: dict[str, Any]) -> str:
        from html import escape

        seen = row.get("preview") or {}
        shared: list[tuple[str, str]] = []
        if row.get("share_identity") and not seen.get("identity_withheld"):
            shared.append((tr("inbox.shared.identity"), "identity"))
        shared += [(tr(f"referral.section.{s}").split(" (")[0], s) for s in row.get("sections") or []]
        counts = seen.get("counts") or {}
        lines = [
            (tr("inbox.from"), f"{row.get('from_facility_name') or row['from_facility']} ({row.get('from_case_number') or '-'})"),
            (tr("inbox.on"), fmt_date(row.get("referred_at"))),
            (tr("inbox.client"), _client_text(row) if seen else "-"),
            (tr("inbox.category"), reference.category_name(seen.get("category_code")) or "-"),
            (tr("inbox.region"), regions.region_label(seen["region_code"]) if seen.get("region_code") else "-"),
            (tr("inbox.reason"), row.get("reason") or "-"),
        ]  # fmt: skip
        if seen.get("presenting_problem"):
            lines.append((tr("inbox.problem"), seen["presenting_problem"]))
        listed = ", ".join(f"{text} ({counts[key]})" if key in counts else text for text, key in shared)
        lines.append((tr("inbox.shared"), listed or tr("inbox.shared.none")))
        basis = tr(f"referral.basis.{row['consent_basis']}") if row.get("consent_basis") else ""
        consent = ", ".join(x for x in (row.get("consent_by"), basis) if x)
        lines.append((tr("inbox.consent"), consent or "-"))
        html = "".join(f"<p><b>{escape(k)}:</b> {escape(str(v))}</p>" for k, v in lines)
        if seen.get("identity_withheld"):
            html += f"<p><i>{escape(tr('inbox.withheld'))}</i></p>"
        return html

    # -- answers -----------------------------------------------------------------------------------
    def accept_current(self) -> None:
        row = self.current()
        if row is None:
            return
        try:
            referrals.accept(self.store, row["id"])
        except KnownError as exc:
            self.state.setText(exc.text())
            return
        self.refresh()
        self.changed.emit()

    def decline_current(self) -> DeclineDialog | None:
        row = self.current()
        if row is None:
            return None
        self.dialog = DeclineDialog(self.store, row["id"], self)
        self.dialog.saved.connect(lambda _id: (self.refresh(), self.changed.emit()))
        self.dialog.open()
        return self.dialog

    def _open_case(self) -> None:
        row = self.current()
        if row and row.get("accepted_case_id"):
            self.caseRequested.emit(row["accepted_case_id"])
