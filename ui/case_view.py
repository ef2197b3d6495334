"""One case: a header (who, stage, worker, risk; the NIK masked until "Tampilkan", which is audited) and
tabs for everything recorded about it. Every write goes through caseworker.store functions; after a
write the view reloads the case and tells the workspace (`changed`)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from caseworker import forms
from caseworker.domain import reference, regions, stages
from caseworker.forms import library
from caseworker.numbers import format_bytes
from caseworker.store import attachments, cases, queries
from caseworker.store.store import Store
from caseworker.store.values import day_of
from caseworker.sync import state as sync_state
from ui import case_history, note_reader, person_form, stage_dialog  # noqa: F401 - they register words this view shows
from ui.case_form import CONSENT_BASES, risk_name
from ui.flow_layout import flow_row
from ui.i18n import fmt_date, fmt_datetime, language, register, tr
from ui.models import Column, age_text
from ui.record_dialogs import (
    GoalDialog,
    InterventionDialog,
    MeasurementDialog,
    NoteDialog,
    RelationDialog,
    TaskDialog,
)
from ui.record_tab import RecordTab
from ui.referral_dialog import ReferralDialog, print_letter, referral_answer
from ui.widgets import Badge, button, combo, label

register(
    {
        "view.back": ("Daftar kasus", "Case list"),
        "view.reveal": ("Tampilkan", "Show"),
        "view.hide": ("Sembunyikan", "Hide"),
        "view.reveal.tip": (
            "Menampilkan NIK dan KK lengkap dicatat dalam riwayat kasus.",
            "Showing the full NIK and KK is recorded in the case history.",
        ),
        "view.no_nik": ("NIK belum diisi", "No NIK yet"),
        "view.stage": ("Ubah tahap…", "Change stage…"),
        "view.close": ("Tutup kasus…", "Close case…"),
        "view.edit_person": ("Ubah data klien…", "Edit client…"),
        "view.edit_case": ("Ubah data kasus…", "Edit case…"),
        "view.print": ("Cetak", "Print"),
        "view.closed": ("Ditutup {date}", "Closed {date}"),
        "view.worker": ("Pekerja sosial: {name}", "Social worker: {name}"),
        "view.opened": ("Masuk {date}", "Opened {date}"),
        "view.risk": ("Risiko {risk}", "{risk} risk"),
        "view.conflict": ("Ada konflik sinkronisasi", "Sync conflict"),
        "view.sync.synced": ("Tersinkron", "Synced"),
        "view.sync.confirmed": (
            "Terkirim",
            "Sent",
        ),  # our changes' signed receipts held (caseworker.sync.receipts)
        "view.sync.synced.tip": (
            "Kasus ini sama dengan data di server.",
            "This case matches the server's data.",
        ),
        "view.sync.confirmed.tip": (
            "Kasus ini sama dengan data di server. Semua perubahan dari laptop ini terkirim: server "
            "mengonfirmasinya dengan tanda terima bertanda tangan sampai {date}.",
            "This case matches the server's data. Every change from this laptop was sent: the server "
            "confirmed it with a signed receipt up to {date}.",
        ),
        "view.sync.refused": ("Ada perubahan ditolak server", "A change was refused by the server"),
        "view.sync.refused.tip": (
            "Lihat halaman Konflik: kirim ulang perubahan itu atau buang.",
            "See the Conflicts page: send that change again or discard it.",
        ),
        "view.sync.pending": ("Belum dikirim: {n} perubahan", "Not yet sent: {n} changes"),
        "view.sync.pending.tip": (
            "Perubahan tersimpan di laptop ini dan dikirim ke server pada sinkronisasi berikutnya (F5).",
            "The changes are saved on this laptop and sent to the server with the next sync (F5).",
        ),
        "tab.profile": ("Profil", "Profile"),
        "tab.family": ("Keluarga", "Family"),
        "tab.assessments": ("Asesmen", "Assessments"),
        "tab.plan": ("Rencana", "Plan"),
        "tab.interventions": ("Intervensi", "Interventions"),
        "tab.notes": ("Catatan", "Notes"),
        "tab.tasks": ("Tindak lanjut", "Follow-ups"),
        "tab.growth": ("Pertumbuhan", "Growth"),
        "tab.documents": ("Dokumen", "Documents"),
        "tab.history": ("Riwayat", "History"),
        "tab.review": ("Tinjauan", "Review"),
        "view.reassign": ("Alihkan…", "Reassign…"),
        "profile.client": ("Data klien", "Client"),
        "profile.case": ("Data kasus", "Case"),
        "profile.region": ("Wilayah", "Region"),
        "profile.age": ("Usia", "Age"),
        "family.add": ("Tambah anggota keluarga", "Add family member"),
        "family.empty": ("Belum ada anggota keluarga yang dicatat.", "No family members recorded yet."),
        "family.col.name": ("Nama", "Name"),
        "family.col.relation": ("Hubungan", "Relation"),
        "family.col.born": ("Tanggal lahir", "Date of birth"),
        "family.col.notes": ("Keterangan", "Notes"),
        "assess.new": ("Isi asesmen", "Fill in"),
        "assess.empty": (
            'Belum ada asesmen. Pilih formulir lalu tekan "Isi asesmen".',
            'No assessments yet. Choose a form and press "Fill in".',
        ),
        "assess.col.date": ("Tanggal", "Date"),
        "assess.col.form": ("Formulir", "Form"),
        "assess.col.score": ("Skor", "Score"),
        "assess.col.status": ("Status", "Status"),
        "assess.col.by": ("Oleh", "By"),
        "review.draft": ("Draf", "Draft"),
        "review.submitted": ("Menunggu tinjauan", "Awaiting review"),
        "review.approved": ("Disetujui", "Approved"),
        "review.returned": ("Dikembalikan", "Returned"),
        "plan.add": ("Tambah tujuan", "Add goal"),
        "plan.achieved": ("Tandai tercapai", "Mark achieved"),
        "plan.empty": ("Belum ada rencana intervensi.", "No intervention plan yet."),
        "plan.col.goal": ("Tujuan", "Goal"),
        "plan.col.component": ("Komponen ATENSI", "ATENSI component"),
        "plan.col.target": ("Target", "Target"),
        "plan.col.status": ("Status", "Status"),
        "interv.add": ("Catat intervensi", "Record intervention"),
        "interv.referral": ("Buat rujukan", "Make a referral"),
        "interv.empty": ("Belum ada intervensi yang dicatat.", "No interventions recorded yet."),
        "interv.referrals": ("Rujukan", "Referrals"),
        "interv.transfer": ("Pindahkan kasus", "Transfer the case"),
        "referral.empty": ("Belum ada rujukan.", "No referrals yet."),
        "notes.add": ("Tulis catatan", "Write a note"),
        "notes.empty": ("Belum ada catatan.", "No notes yet."),
        "notes.col.date": ("Tanggal", "Date"),
        "notes.col.kind": ("Jenis", "Kind"),
        "notes.col.text": ("Catatan", "Note"),
        "notes.col.by": ("Oleh", "By"),
        "notes.confidential": ("🔒 ", "🔒 "),
        "tasks.add": ("Tambah tindak lanjut", "Add follow-up"),
        "tasks.done": ("Tandai selesai", "Mark done"),
        "tasks.empty": ("Tidak ada tindak lanjut.", "No follow-ups."),
        "tasks.col.due": ("Jatuh tempo", "Due"),
        "tasks.col.title": ("Tindak lanjut", "Follow-up"),
        "tasks.col.for": ("Untuk", "For"),
        "tasks.col.done": ("Selesai", "Done"),
        "tasks.overdue": ("terlambat", "overdue"),
        "docs.add": ("Tambah berkas…", "Add file…"),
        "docs.save": ("Simpan salinan…", "Save a copy…"),
        "docs.empty": (
            "Belum ada dokumen. Tambahkan pindaian surat, foto atau berkas lain.",
            "No documents yet. Add scanned letters, photos or other files.",
        ),
        "docs.col.name": ("Berkas", "File"),
        "docs.col.size": ("Ukuran", "Size"),
        "docs.col.added": ("Ditambahkan", "Added"),
        "docs.col.description": ("Keterangan", "Description"),
        "docs.col.here": ("Di laptop ini", "On this laptop"),
        "docs.here": ("ada", "yes"),
        "docs.not_here": ("belum diunduh", "not downloaded yet"),
        "docs.download": ("Unduh sekarang", "Download now"),
        "docs.download.tip": (
            "Unduh berkas kasus ini yang belum ada di laptop ini, juga lewat koneksi lambat.",
            "Download this case's files that are not on this laptop yet, even over a slow link.",
        ),
        "history.empty": ("Belum ada riwayat.", "No history yet."),
        "history.col.when": ("Waktu", "When"),
        "history.col.who": ("Oleh", "Who"),
        "history.col.what": ("Kegiatan", "What happened"),
    }
)

OVERDUE = QColor("#b42318")
DONE = QColor("#6b7783")


def _value_label(text: str) -> QWidget:
    widget = label(text or "—", wrap=True)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


class CaseView(QWidget):
    back = Signal()
    changed = Signal()
    print_requested = Signal(str)
    files_requested = Signal(str)  # "Unduh sekarang": this case's attachment files, whatever the link

    def __init__(self, store: Store, case_id: str, workers: dict[str, str]) -> None:
        super().__init__()
        self.setObjectName("Page")
        self.store, self.case_id, self.workers = store, case_id, workers
        self.case: dict[str, Any] = {}
        self.revealed = False
        self.dialog: QWidget | None = None  # the dialog open on this case (tests reach it here)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(10)
        layout.addWidget(self._build_header())
        from ui.sync.banner import ConflictBanner

        self.sync_banner = ConflictBanner(store, workers)
        self.sync_banner.resolved.connect(self._after_write)
        layout.addWidget(self.sync_banner)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        layout.addWidget(self.tabs, 1)
        self._build_tabs()
        self.reload()

    # -- header ----------------------------------------------------------------------------------------
    def _build_header(self) -> QFrame:
        frame = QFrame()
        frame.setObjectName("CaseHeader")
        grid = QGridLayout(frame)
        grid.setContentsMargins(16, 12, 16, 12)
        grid.setHorizontalSpacing(12)
        self.back_button = button(tr("view.back"), "back", flat=True)
        self.back_button.clicked.connect(self.back)
        self.name = label("", "title")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = label("", "muted")
        self.nik = label("", "muted")
        self.reveal_button = button(tr("view.reveal"), "eye", flat=True)
        self.reveal_button.setToolTip(tr("view.reveal.tip"))
        self.reveal_button.clicked.connect(self.toggle_reveal)
        self.stage_badge = Badge()
        self.risk_badge = Badge()
        self.status_badge = Badge(kind="closed")
        self.conflict_badge = Badge(tr("view.conflict"), "high")
        self.sync_badge = Badge(kind="closed")
        self.category = label("", "muted")
        self.worker = label("", "muted")
        self.stage_button = button(tr("view.stage"), "stage")
        self.stage_button.clicked.connect(self.change_stage)
        self.close_button = button(tr("view.close"))
        self.close_button.clicked.connect(self.close_case)
        self.reassign_button = button(tr("view.reassign"), "users")
        self.reassign_button.setVisible(self.store.user.is_supervisor)
        self.reassign_button.clicked.connect(self.reassign)
        self.print_button = button(tr("view.print"), "print")
        self.print_button.clicked.connect(lambda: self.print_requested.emit(self.case_id))

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addStretch(1)
        top.addWidget(self.reassign_button)
        top.addWidget(self.print_button)
        top.addWidget(self.close_button)
        top.addWidget(self.stage_button)
        grid.addLayout(top, 0, 0, 1, 2)
        grid.addWidget(self.name, 1, 0)
        badge_list = (
            self.stage_badge,
            self.risk_badge,
            self.status_badge,
            self.conflict_badge,
            self.sync_badge,
        )
        # badges and facts go on in a new row when the window is narrow (a 1280-pixel screen at 125 %)
        grid.addWidget(flow_row(*badge_list, spacing=6), 1, 1)
        facts = (self.facts, self.nik, self.reveal_button, self.category, self.worker)
        grid.addWidget(flow_row(*facts, spacing=14), 2, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        return frame

    def _fill_header(self) -> None:
        case, person = self.case, self.case["person"]
        self.name.setText(person.get("name") or "")
        sex = {"L": tr("person.sex.L"), "P": tr("person.sex.P")}.get(person.get("sex") or "", "")
        parts = [p for p in (age_text(person.get("birth_date")), sex, case.get("case_number")) if p]
        self.facts.setText("  ·  ".join(parts))
        self._show_nik()
        self.stage_badge.setText(stages.stage_name(case.get("stage") or ""))
        risk = case.get("risk") or "medium"
        self.risk_badge.setText(tr("view.risk", risk=risk_name(risk)))
        self.risk_badge.set_kind(risk if risk in ("low", "medium", "high") else "true")
        closed = case.get("status") == "closed"
        self.status_badge.setVisible(closed)
        self.status_badge.setText(tr("view.closed", date=fmt_date(case.get("closed_at"))))
        self._fill_sync()
        self.category.setText(reference.category_name(case.get("category_code")) or "")
        worker = self.workers.get(case.get("assigned_to") or "", case.get("assigned_to") or "")
        self.worker.setText(tr("view.worker", name=worker))
        self.stage_button.setEnabled(not closed)
        self.close_button.setVisible(not closed and case.get("stage") in ("terminasi", "bimbingan_lanjut"))

    def _fill_sync(self) -> None:
        """Conflict, changes waiting to be sent, or in step with the server (server profiles only)."""
        from caseworker.sync import state

        self.sync_banner.load(self.case_id, self.case.get("person_id"))
        if not state.is_server_profile(self.store):
            self.conflict_badge.setVisible(bool(self.case.get("conflict")))
            self.sync_badge.setVisible(False)
            return
        kind, waiting = state.case_state(self.store, self.case_id)
        self.conflict_badge.setVisible(kind == state.CONFLICT)
        self.sync_badge.setVisible(kind != state.CONFLICT or waiting > 0)
        if kind == state.REFUSED:
            self.sync_badge.setText(tr("view.sync.refused"))
            self.sync_badge.setToolTip(tr("view.sync.refused.tip"))
            self.sync_badge.set_kind("high")
            return
        if waiting > 0:
            self.sync_badge.setText(tr("view.sync.pending", n=waiting))
            self.sync_badge.setToolTip(tr("view.sync.pending.tip"))
            self.sync_badge.set_kind("medium")
            return
        confirmed = self._confirmed_up_to()
        # "Terkirim" only when the server's signed receipts for this laptop's changes are held; a case in
        # step with the server that this laptop never changed is "Tersinkron"
        self.sync_badge.setText(tr("view.sync.confirmed") if confirmed else tr("view.sync.synced"))
        self.sync_badge.setToolTip(
            tr("view.sync.confirmed.tip", date=f"{confirmed[:10]} {confirmed[11:16]} UTC")  # server time
            if confirmed
            else tr("view.sync.synced.tip")
        )
        self.sync_badge.set_kind("closed")

    def _confirmed_up_to(self) -> str | None:
        """The date up to which the server's receipts (caseworker.sync.receipts) confirm this case."""
        from caseworker.sync import bundle, receipts

        return receipts.confirmed_up_to(self.store, bundle.server_keys(self.store), self.case_id, waiting=0)

    def _show_nik(self) -> None:
        person = self.case["person"]
        nik = person.get("nik") or ""
        if not nik:
            self.nik.setText(tr("view.no_nik"))
            self.reveal_button.setVisible(False)
            return
        self.reveal_button.setVisible(True)
        if self.revealed:
            text = f"NIK {nik}"
            if person.get("no_kk"):
                text += f"  ·  KK {person['no_kk']}"
            self.reveal_button.setText(tr("view.hide"))
        else:
            text = f"NIK {cases.mask_id(nik)}"
            self.reveal_button.setText(tr("view.reveal"))
        self.nik.setText(text)

    def toggle_reveal(self) -> None:
        if self.revealed:
            self.revealed = False
        else:
            cases.reveal_nik(self.store, self.case["person_id"], self.case_id)  # audited by the core
            self.revealed = True
        self._show_nik()
        self._fill_profile()
        self._load_history()

    # -- tabs ------------------------------------------------------------------------------------------
    def _build_tabs(self) -> None:
        self.profile_tab = QWidget()
        self._build_profile()
        self.tabs.addTab(self.profile_tab, tr("tab.profile"))

        self.family = RecordTab(
            [Column("family.col.name", lambda r: r.get("related_name") or ""),
             Column("family.col.relation", lambda r: tr(f"relation.{r['relation']}") if r.get("relation") else ""),
             Column("family.col.born", lambda r: fmt_date(r.get("related_birth_date"))),
             Column("family.col.notes", lambda r: r.get("notes") or "")],
            tr("family.empty"),
        )  # fmt: skip
        self.family.add_button(button(tr("family.add"), "plus")).clicked.connect(
            lambda: self._open(RelationDialog(self.store, self.case, self))
        )
        self.tabs.addTab(self.family, tr("tab.family"))

        self.assessments = RecordTab(
            [Column("assess.col.date", lambda r: fmt_date(r.get("assessed_at"))),
             Column("assess.col.form", lambda r: _form_title(r.get("form_id"), self.store, r.get("form_version"))),
             Column("assess.col.score", _score_text),
             Column("assess.col.status", lambda r: tr(f"review.{r.get('review_status') or 'draft'}")),
             Column("assess.col.by", lambda r: self.workers.get(r.get("created_by") or "", r.get("created_by") or ""))],
            tr("assess.empty"), stretch_column=2,
        )  # fmt: skip
        self.form_choice = combo(
            [(f.title.get(), f.id) for f in library.available_forms(self.store).values()]
        )
        self._forms_offered_for: tuple[Any, ...] | None = None
        self.form_choice.setMinimumWidth(320)
        self.assessments.add_button(self.form_choice)
        self.assessments.add_button(button(tr("assess.new"), "plus", primary=True)).clicked.connect(
            lambda: self.new_assessment(self.form_choice.currentData())
        )
        self.assessments.on_activate(self._view_assessment)
        self.tabs.addTab(self.assessments, tr("tab.assessments"))

        self.plan = RecordTab(
            [Column("plan.col.goal", lambda r: r.get("description") or ""),
             Column("plan.col.component", lambda r: reference.atensi_name(r.get("atensi_component")) or ""),
             Column("plan.col.target", lambda r: fmt_date(r.get("target_date"))),
             Column("plan.col.status", lambda r: tr(f"goal.status.{r.get('status') or 'open'}"),
                    lambda r: DONE if r.get("status") != "open" else None)],
            tr("plan.empty"), stretch_column=0, wrap=True,
        )  # fmt: skip
        self.plan.add_button(button(tr("plan.achieved"), "check"), left=False).clicked.connect(
            self._goal_achieved
        )
        self.plan.add_button(button(tr("plan.add"), "plus", primary=True)).clicked.connect(
            lambda: self._open(GoalDialog(self.store, self.case, self))
        )
        self.tabs.addTab(self.plan, tr("tab.plan"))

        self.interventions_tab = QWidget()
        iv = QVBoxLayout(self.interventions_tab)
        iv.setContentsMargins(12, 12, 12, 12)
        bar = QHBoxLayout()
        bar.addStretch(1)
        referral = button(tr("interv.referral"), "export")
        referral.clicked.connect(self.new_referral)
        transfer = button(tr("interv.transfer"), "export")  # issue 19: the case itself moves (supervisors)
        transfer.clicked.connect(self.new_transfer)
        transfer.setVisible(self.store.user.is_supervisor and sync_state.is_server_profile(self.store))
        add_iv = button(tr("interv.add"), "plus", primary=True)
        add_iv.clicked.connect(lambda: self._open(InterventionDialog(self.store, self.case, self)))
        bar.addWidget(transfer)
        bar.addWidget(referral)
        bar.addWidget(add_iv)
        iv.addLayout(bar)
        self.intervention_tree = QTreeWidget()
        self.intervention_tree.setHeaderLabels([tr("intervention.description"), tr("intervention.date"),
                                                tr("intervention.provider"), tr("intervention.outcome")])  # fmt: skip
        self.intervention_tree.setColumnWidth(0, 420)
        self.intervention_tree.setAlternatingRowColors(True)
        iv.addWidget(self.intervention_tree, 3)
        iv.addWidget(label(tr("interv.referrals"), "subtitle"))
        self.referrals = RecordTab(
            [Column("referral.date", lambda r: fmt_date(r.get("referred_at"))),
             Column("referral.to", lambda r: r.get("to_agency") or ""),
             Column("referral.reason", lambda r: r.get("reason") or ""),
             Column("referral.status", lambda r: tr(f"referral.status.{r.get('status') or 'sent'}")),
             Column("referral.answer", referral_answer)],
            tr("referral.empty"), stretch_column=2,
        )  # fmt: skip
        self.referrals.layout().setContentsMargins(0, 0, 0, 0)
        iv.addWidget(self.referrals, 2)
        self.tabs.addTab(self.interventions_tab, tr("tab.interventions"))

        # Date, kind and author first, then the note's first lines; Enter or a double-click reads it whole.
        self.notes = RecordTab(
            [Column("notes.col.date", lambda r: fmt_datetime(r.get("noted_at"))),
             Column("notes.col.kind", lambda r: note_reader.kind_text(r.get("kind"))),
             Column("notes.col.by", self._note_author),
             Column("notes.col.text", lambda r: (tr("notes.confidential") if r.get("confidential") else "") + note_reader.preview(r.get("text")))],
            tr("notes.empty"), stretch_column=3, wrap=True,
        )  # fmt: skip
        self.notes.table.setToolTip(tr("reader.hint"))
        self.notes.on_activate(self.read_note)
        self.note_window: note_reader.NoteReader | None = None
        self.notes.add_button(button(tr("notes.add"), "note", primary=True)).clicked.connect(
            lambda: self._open(NoteDialog(self.store, self.case, self))
        )
        self.tabs.addTab(self.notes, tr("tab.notes"))

        today = date.today().isoformat
        self.tasks = RecordTab(
            [Column("tasks.col.due", lambda r: fmt_date(r.get("due_date")) + (
                        f"  ({tr('tasks.overdue')})" if not r.get("done_at") and (r.get("due_date") or "9") < today() else ""),
                    lambda r: OVERDUE if not r.get("done_at") and (r.get("due_date") or "9") < today() else (DONE if r.get("done_at") else None)),
             Column("tasks.col.title", lambda r: r.get("title") or "", lambda r: DONE if r.get("done_at") else None),
             Column("tasks.col.for", lambda r: self.workers.get(r.get("assigned_to") or "", r.get("assigned_to") or "")),
             Column("tasks.col.done", lambda r: fmt_date(r.get("done_at")))],
            tr("tasks.empty"), stretch_column=1,
        )  # fmt: skip
        self.tasks.add_button(button(tr("tasks.done"), "check")).clicked.connect(self._task_done)
        self.tasks.add_button(button(tr("tasks.add"), "plus", primary=True)).clicked.connect(
            lambda: self._open(TaskDialog(self.store, self.case, self.workers, self))
        )
        self.tabs.addTab(self.tasks, tr("tab.tasks"))

        # The growth chart (QtCharts) and the review panel are built the first time their tab is shown.
        self.growth = None
        self.growth_holder = _Holder()
        self.growth_index = self.tabs.addTab(self.growth_holder, tr("tab.growth"))

        self.documents = RecordTab(
            [Column("docs.col.name", lambda r: r.get("filename") or ""),
             Column("docs.col.size", lambda r: _size(r.get("size")), align_right=True),
             Column("docs.col.added", lambda r: fmt_date(r.get("created_at"))),
             Column("docs.col.here", lambda r: tr("docs.here") if attachments.is_here(self.store, r) else tr("docs.not_here"),
                    lambda r: None if attachments.is_here(self.store, r) else OVERDUE),
             Column("docs.col.description", lambda r: r.get("description") or "")],
            tr("docs.empty"), stretch_column=4,
        )  # fmt: skip
        self.download_button = self.documents.add_button(button(tr("docs.download"), "refresh"))
        self.download_button.setToolTip(tr("docs.download.tip"))
        self.download_button.clicked.connect(lambda: self.files_requested.emit(self.case_id))
        self.documents.add_button(button(tr("docs.save"), "export")).clicked.connect(self._save_document)
        self.documents.add_button(button(tr("docs.add"), "plus", primary=True)).clicked.connect(
            self._add_document
        )
        self.tabs.addTab(self.documents, tr("tab.documents"))

        self.review_panel = None
        self.review_holder = _Holder()
        self.tabs.addTab(self.review_holder, tr("tab.review"))
        self.tabs.currentChanged.connect(lambda _i: self._build_lazy())

        self.history = RecordTab(
            [Column("history.col.when", lambda r: fmt_datetime(r.get("at"))),
             Column("history.col.who", lambda r: r.get("user_name") or r.get("user") or ""),  # full name
             Column("history.col.what", lambda r: case_history.describe(r))],
            tr("history.empty"), stretch_column=2,
        )  # fmt: skip
        self.tabs.addTab(self.history, tr("tab.history"))

    def load(self, case_id: str) -> None:
        """Show another case in this view (the workspace keeps one view: building it is the slow part)."""
        if self.dialog is not None:
            from ui.guarded_dialog import close_dialog

            close_dialog(self.dialog)  # asks nothing, keeps a draft
        self.case_id = case_id
        self.revealed = False
        self.tabs.setCurrentIndex(0)
        self.reload()

    def reload(self) -> None:
        self.case = queries.case_full(self.store, self.case_id)
        self._fill_header()
        self._fill_profile()
        self.family.set_rows(self.case["relations"])
        self.assessments.set_rows(list(reversed(self.case["assessments"])))
        self._offer_forms()
        self.plan.set_rows(self.case["goals"])
        self._fill_interventions()
        self.referrals.set_rows(self.case["referrals"])
        self.notes.set_rows(list(reversed(self.case["notes"])))
        self.tasks.set_rows(
            sorted(self.case["tasks"], key=lambda t: (bool(t.get("done_at")), t.get("due_date") or ""))
        )
        person = self.case["person"]
        under_five = _months(person.get("birth_date")) is not None and _months(person.get("birth_date")) < 60
        self.tabs.setTabVisible(self.growth_index, under_five or bool(self.case["measurements"]))
        if self.growth is not None:
            self.growth.load(person, self.case["measurements"])
        self.documents.set_rows(self.case["attachments"])
        self.download_button.setVisible(
            sync_state.is_server_profile(self.store)
            and any(not attachments.is_here(self.store, r) for r in self.case["attachments"])
        )
        self._load_history()
        if self.review_panel is not None:
            self.review_panel.case_id = self.case_id
            self.review_panel.refresh()
        self.reassign_button.setEnabled(self.case.get("status") != "closed")
        writable = self._writable()
        for widget in self.findChildren(type(self.stage_button)):
            if widget.property("primary") and widget is not self.stage_button:
                widget.setEnabled(writable)

    def _build_lazy(self) -> None:
        current = self.tabs.currentWidget()
        if current is self.growth_holder and self.growth is None:
            self.show_growth()
        elif current is self.review_holder and self.review_panel is None:
            from ui.supervisor import ReviewPanel

            self.review_panel = ReviewPanel(self.store, self.case_id)
            self.review_panel.changed.connect(self._after_write)
            self.review_holder.set(self.review_panel)

    def show_growth(self):  # noqa: ANN201 - GrowthTab
        """The growth tab, built now if it was not yet."""
        if self.growth is None:
            from ui.growth_view import GrowthTab

            self.growth = GrowthTab()
            self.growth.add_requested.connect(
                lambda: self._open(MeasurementDialog(self.store, self.case, self))
            )
            self.growth.load(self.case["person"], self.case["measurements"])
            self.growth_holder.set(self.growth)
        self.tabs.setCurrentWidget(self.growth_holder)
        return self.growth

    def _writable(self) -> bool:
        from caseworker.store.permissions import may_change_case

        return may_change_case(self.store, self.case) and self.case.get("status") != "closed"

    def _load_history(self) -> None:
        self.history.set_rows(queries.case_history(self.store, self.case_id))

    CLIENT_ROWS = ("person.name", "person.nickname", "person.sex", "person.birth_date", "profile.age",
                   "person.birthplace", "person.nik", "person.no_kk", "person.address", "profile.region",
                   "person.phone", "person.guardian_name", "person.disabilities", "person.dtsen_desil")  # fmt: skip
    CASE_ROWS = ("col.case_number", "case.category", "col.stage", "case.risk", "case.opened_at", "case.assigned_to",
                 "case.referral_source", "case.presenting_problem", "case.consent_by", "stage.reason")  # fmt: skip

    def _build_profile(self) -> None:
        """Built once; reload() only changes the texts (making ~50 labels per case was the slow part)."""
        outer = QVBoxLayout(self.profile_tab)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setObjectName("FormBody")
        row = QHBoxLayout(body)
        row.setContentsMargins(16, 14, 16, 14)
        row.setSpacing(28)
        self.profile_values: dict[str, QWidget] = {}
        self.profile_labels: dict[str, QWidget] = {}

        def section(title: str, keys: tuple[str, ...], action: str, slot) -> tuple[QVBoxLayout, QWidget]:  # noqa: ANN001
            col = QVBoxLayout()
            head = QHBoxLayout()
            head.addWidget(label(title, "subtitle"))
            head.addStretch(1)
            edit = button(action, "edit")
            edit.clicked.connect(slot)
            head.addWidget(edit)
            col.addLayout(head)
            form = QFormLayout()
            form.setHorizontalSpacing(16)
            form.setVerticalSpacing(7)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
            for key in keys:
                name = label(tr(key), "fieldlabel")
                value = _value_label("")
                self.profile_labels[key], self.profile_values[key] = name, value
                form.addRow(name, value)
            col.addLayout(form)
            col.addStretch(1)
            return col, edit

        client, self.edit_person_button = section(tr("profile.client"), self.CLIENT_ROWS, tr("view.edit_person"),
                                                  self.edit_person)  # fmt: skip
        case, self.edit_case_button = section(
            tr("profile.case"), self.CASE_ROWS, tr("view.edit_case"), self.edit_case
        )
        row.addLayout(client, 1)
        row.addLayout(case, 1)
        scroll.setWidget(body)
        outer.addWidget(scroll)

    def _fill_profile(self) -> None:
        person, case = self.case["person"], self.case
        sex = {"L": tr("person.sex.L"), "P": tr("person.sex.P")}.get(person.get("sex") or "", "")
        born = fmt_date(person.get("birth_date"))
        if born and person.get("birth_date_estimated"):
            born += f" ({tr('person.estimated')})"
        disabilities = person.get("disabilities") or []
        ids = (lambda v: v or "") if self.revealed else cases.mask_id
        consent = " · ".join(
            x for x in (case.get("consent_by"), fmt_date(case.get("consent_at")),
                        tr(f"consent.{case['consent_basis']}") if case.get("consent_basis") in CONSENT_BASES else "") if x
        )  # fmt: skip
        values = {
            "person.name": person.get("name"), "person.nickname": person.get("nickname"), "person.sex": sex,
            "person.birth_date": born, "profile.age": age_text(person.get("birth_date")),
            "person.birthplace": person.get("birthplace"), "person.nik": ids(person.get("nik")),
            "person.no_kk": ids(person.get("no_kk")), "person.address": person.get("address"),
            "profile.region": regions.region_label(person.get("region_code")) if person.get("region_code") else "",
            "person.phone": person.get("phone"),
            "person.guardian_name": " · ".join(x for x in (person.get("guardian_name"), person.get("guardian_relation"),
                                                          person.get("guardian_phone")) if x),
            "person.disabilities": ", ".join(disabilities) if isinstance(disabilities, list) else str(disabilities),
            "person.dtsen_desil": str(person.get("dtsen_desil") or ""),
            "col.case_number": case.get("case_number"),
            "case.category": reference.category_name(case.get("category_code")),
            "col.stage": stages.stage_name(case.get("stage") or ""), "case.risk": risk_name(case.get("risk")),
            "case.opened_at": fmt_date(case.get("opened_at")),
            "case.assigned_to": self.workers.get(case.get("assigned_to") or "", case.get("assigned_to") or ""),
            "case.referral_source": case.get("referral_source"),
            "case.presenting_problem": case.get("presenting_problem"), "case.consent_by": consent,
            "stage.reason": case.get("closure_reason"),
        }  # fmt: skip
        for key, widget in self.profile_values.items():
            widget.setText(values.get(key) or "—")
        for key in ("stage.reason",):
            shown = bool(case.get("closure_reason"))
            self.profile_values[key].setVisible(shown)
            self.profile_labels[key].setVisible(shown)
        self.edit_case_button.setEnabled(self._writable())
        self.edit_person_button.setEnabled(self.store.user.role != "staff")

    def _fill_interventions(self) -> None:
        tree = self.intervention_tree
        tree.clear()
        by_component: dict[str, list[dict[str, Any]]] = {}
        for row in self.case["interventions"]:
            by_component.setdefault(row.get("atensi_component") or "", []).append(row)
        for component in [c["code"] for c in reference.atensi_components()] + [""]:
            rows = by_component.get(component)
            if not rows:
                continue
            top = QTreeWidgetItem([f"{reference.atensi_name(component) or '—'}  ({len(rows)})"])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            tree.addTopLevelItem(top)
            for r in sorted(rows, key=lambda r: r.get("provided_at") or "", reverse=True):
                QTreeWidgetItem(top, [r.get("description") or "", fmt_date(r.get("provided_at")),
                                      r.get("provider") or "", r.get("outcome") or ""])  # fmt: skip
            top.setExpanded(True)
        if tree.topLevelItemCount() == 0:
            QTreeWidgetItem(tree, [tr("interv.empty")])

    # -- actions ---------------------------------------------------------------------------------------
    def _note_author(self, note: dict[str, Any]) -> str:
        by = note.get("created_by") or ""
        return self.workers.get(by, by)

    def read_note(self, note: dict[str, Any]) -> None:
        """The whole note in a reader (Enter or a double-click on its row)."""
        self.note_window = note_reader.NoteReader(note, self._note_author(note), self)
        self.note_window.open()

    def new_referral(self) -> None:
        """The referral dialog; a referral to a place outside Caseworker prints its letter once saved."""
        dialog = ReferralDialog(self.store, self.case, self)
        dialog.saved.connect(lambda row_id: dialog.needs_letter() and print_letter(self, self.store, row_id))
        self._open(dialog)

    def new_transfer(self) -> None:
        self._open(ReferralDialog(self.store, self.case, self, transfer=True))

    def _open(self, dialog) -> None:  # noqa: ANN001 - any dialog with a `saved` signal
        self.dialog = dialog
        dialog.saved.connect(self._after_write)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None) if self.dialog is dialog else None)
        dialog.open()

    def _after_write(self, *_args: object) -> None:
        self.reload()
        self.changed.emit()

    def _offer_forms(self) -> None:
        """The form suited to this client first (a toddler's KPSP, an elderly client's Barthel index)."""
        client = (self.case["person"].get("birth_date"), self.case.get("category_code"))
        offered = library.available_forms(self.store)  # the unit's imported instruments too, once synced
        key = (*client, tuple((f.id, f.version) for f in offered.values()))
        if key == self._forms_offered_for:
            return  # the same client and forms: keep what the worker chose
        self._forms_offered_for = key
        ranked = forms.rank_forms(offered.values(), *client)
        self.form_choice.blockSignals(True)
        self.form_choice.clear()
        for form in ranked:
            self.form_choice.addItem(form.title.get(), form.id)
        self.form_choice.setCurrentIndex(0)
        self.form_choice.blockSignals(False)

    def new_assessment(self, form_id: str | None) -> None:
        if not form_id:
            return
        from ui.assessment import AssessmentDialog

        self._open(AssessmentDialog(self.store, self.case, form_id, self))

    def _view_assessment(self, row: dict[str, Any]) -> None:
        from ui.assessment import AssessmentViewDialog

        dialog = AssessmentViewDialog(row, self, store=self.store)
        self.dialog = dialog
        dialog.open()

    def change_stage(self) -> None:
        from ui.stage_dialog import StageDialog

        self._open(StageDialog(self.store, self.case, self))

    def close_case(self) -> None:
        from ui.stage_dialog import CloseDialog

        self._open(CloseDialog(self.store, self.case, self))

    def edit_person(self) -> None:
        from ui.case_dialogs import EditPersonDialog

        self._open(EditPersonDialog(self.store, self.case["person"], self))

    def edit_case(self) -> None:
        from ui.case_dialogs import EditCaseDialog

        self._open(EditCaseDialog(self.store, self.case, self.workers, self))

    def reassign(self) -> None:
        from ui.supervisor import ReassignDialog

        dialog = ReassignDialog(self.store, [self.case_id], self)
        dialog.reassigned.connect(lambda *_a: self._after_write())
        self.dialog = dialog
        dialog.open()

    def _goal_achieved(self) -> None:
        goal = self.plan.selected()
        if goal and goal.get("status") == "open":
            from caseworker.store import repository

            self._guarded(lambda: repository.update(self.store, "goals", goal["id"], {"status": "achieved"}))

    def _task_done(self) -> None:
        task = self.tasks.selected()
        if task and not task.get("done_at"):
            self._guarded(lambda: cases.complete_task(self.store, task["id"]))

    def _guarded(self, write) -> None:  # noqa: ANN001
        from caseworker.errors import KnownError
        from ui.errors import show_error

        try:
            write()
        except KnownError as exc:
            show_error(self, exc)
            return
        self._after_write()

    def _add_document(self) -> None:
        from ui.documents import add_document

        add_document(self, self.store, self.case_id, self._after_write)

    def _save_document(self) -> None:
        row = self.documents.selected()
        if row:
            from ui.documents import save_copy

            save_copy(self, self.store, row)


class _Holder(QWidget):
    """A tab's place until its content is built."""

    def __init__(self) -> None:
        super().__init__()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def set(self, widget: QWidget) -> None:
        self._layout.addWidget(widget)


@cache
def shipped_forms() -> dict[str, forms.FormDef]:
    return forms.load_forms()


def _months(birth_date: str | None) -> int | None:
    born, today = day_of(birth_date), date.today()
    if born is None:
        return None
    return (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)


def _form_title(form_id: str | None, store: Store | None = None, version: int | None = None) -> str:
    try:
        return library.form_for(store, form_id or "", version).title.get()
    except Exception:  # a form this version does not ship (made by a newer version)
        return form_id or ""


def _score_text(row: dict[str, Any]) -> str:
    from ui.assessment import score_lines

    scores = row.get("scores") or {}
    return "; ".join(score_lines(scores)) if isinstance(scores, dict) else ""


def _size(size: int | None) -> str:
    return format_bytes(size, language()) if size else ""
