"""The referral dialog (issue 19): choose the receiving unit from the facility directory (offline, filtered by
the client's needs and region) or type another agency, say why, tick what is shared and who consented.

A referral to a facility on Caseworker travels with the next sync to its "Rujukan masuk" queue; to any other
place the dialog offers the referral letter (PDF) once it is saved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain import reference, regions
from caseworker.store import referrals
from caseworker.store.schema import REFERRAL_SECTIONS
from caseworker.store.store import Store
from ui.i18n import fmt_date, language, register, tr
from ui.record_dialogs import RecordDialog
from ui.widgets import DateField, combo, label

register(
    {
        "referral.directory": ("Unit tujuan (direktori)", "Receiving unit (directory)"),
        "referral.search": ("Cari unit menurut nama atau kode…", "Search units by name or code…"),
        "referral.needs_only": (
            "Hanya unit yang melayani kebutuhan klien",
            "Only units that serve the client's needs",
        ),
        "referral.none_listed": (
            "Direktori kosong: sinkronkan untuk menerimanya, atau tulis lembaga tujuan di bawah.",
            "The directory is empty: sync to receive it, or type the receiving agency below.",
        ),
        "referral.to_other": ("Atau lembaga lain", "Or another agency"),
        "referral.to_other.placeholder": (
            "nama lembaga di luar direktori (surat rujukan dicetak)",
            "an agency outside the directory (a referral letter is printed)",
        ),
        "referral.share": ("Yang dibagikan", "What is shared"),
        "referral.share.identity": (
            "Identitas (nama, NIK, tanggal lahir, alamat, wali)",
            "Identity (name, NIK, birth date, address, guardian)",
        ),
        "referral.share.abh": (
            "Anak berhadapan dengan hukum: identitas dilindungi (UU 11/2012 pasal 19); unit tujuan hanya "
            "melihat inisial, jenis kelamin, tahun lahir dan kabupaten/kota.",
            "Child in conflict with the law: the identity is protected (UU 11/2012 art. 19); the receiving "
            "unit sees initials, sex, birth year and kabupaten/kota only.",
        ),
        "referral.section.problem": ("Masalah yang dihadapi dan risiko", "Presenting problem and risk"),
        "referral.section.assessments": ("Asesmen", "Assessments"),
        "referral.section.goals": ("Rencana intervensi", "Intervention plan"),
        "referral.section.interventions": ("Layanan yang diberikan", "Services provided"),
        "referral.section.notes": (
            "Catatan perkembangan (catatan rahasia tidak pernah dibagikan)",
            "Progress notes (confidential notes are never shared)",
        ),
        "referral.section.measurements": ("Riwayat pertumbuhan", "Growth history"),
        "referral.consent_by": ("Persetujuan dari", "Consent given by"),
        "referral.consent_by.placeholder": ("nama dan hubungan, mis. Ibu Sari (ibu)", "name and relation"),
        "referral.consent_basis": ("Dasar", "Basis"),
        "referral.basis.none": ("—", "—"),
        "referral.basis.persetujuan": ("Persetujuan klien/wali", "Consent of client or guardian"),
        "referral.basis.putusan_pengadilan": ("Putusan pengadilan", "Court order"),
        "referral.basis.surat_penyerahan": ("Surat penyerahan", "Letter of surrender"),
        "referral.basis.lainnya": ("Lainnya", "Other"),
        "referral.need_target": (
            "Pilih unit tujuan dari direktori atau tulis lembaga lain.",
            "Choose a receiving unit from the directory or type another agency.",
        ),
        "referral.need_consent": (
            "Isi siapa yang memberi persetujuan, atau pilih dasarnya.",
            "Say who consented, or choose the basis.",
        ),
        "referral.kind.upt": ("UPT", "UPT"),
        "referral.kind.dinsos": ("Dinas Sosial", "Social office"),
        "referral.kind.lks": ("LKS", "LKS"),
        "referral.kind.other": ("Layanan lain", "Other service"),
        "referral.outside": ("di luar Caseworker: surat rujukan", "not on Caseworker: referral letter"),
        "referral.fits": ("sesuai kebutuhan", "fits the needs"),
        "transfer.title": ("Pindahkan kasus ke unit lain", "Transfer the case to another facility"),
        "transfer.note": (
            "Setelah unit tujuan menerima, kasus beserta seluruh riwayatnya pindah ke sana; unit ini menyimpan "
            "kasus tertutup dengan catatan dan layanannya sendiri.",
            "Once the receiving unit accepts, the case and its whole history move there; this unit keeps a "
            "closed case with its own notes and services.",
        ),
        "referral.answer": ("Jawaban", "Answer"),
        "referral.answer.accepted": ("{day}: kasus {number}", "{day}: case {number}"),
        "referral.answer.declined": ("{day}: {reason}", "{day}: {reason}"),
        "referral.answer.waiting": ("menunggu jawaban {name}", "waiting for {name}"),
    }
)

CODE_ROLE = Qt.ItemDataRole.UserRole + 1


def facility_line(entry: dict[str, Any]) -> str:
    """'UPT Malang — UPT, Kab. Malang — sesuai kebutuhan' for the directory list."""
    parts = [entry.get("name") or entry["code"]]
    where = ", ".join(
        p for p in (tr(f"referral.kind.{entry['kind']}") if entry.get("kind") else "",
                    regions.region_name(entry.get("region_code")) or "") if p
    )  # fmt: skip
    if where:
        parts.append(where)
    if entry.get("matches"):
        parts.append(tr("referral.fits"))
    if not entry.get("on_caseworker"):
        parts.append(tr("referral.outside"))
    return " — ".join(parts)


class ReferralDialog(RecordDialog):
    """A new referral of the case (caseworker.store.referrals.send)."""

    def __init__(
        self, store: Store, case: dict[str, Any], parent: QWidget | None = None, *, transfer: bool = False
    ) -> None:
        super().__init__(store, case, tr("transfer.title" if transfer else "referral.title"), parent)
        self.transfer = transfer  # the case itself moves (a supervisor's; to a unit on Caseworker)
        self.setMinimumWidth(640)
        self.abh = reference.is_abh_category(case.get("category_code"))
        pick = QWidget()
        box = QVBoxLayout(pick)
        box.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("referral.search"))
        self.needs_only = QCheckBox(tr("referral.needs_only"))
        self.needs_only.setChecked(True)
        self.directory = QListWidget()
        self.directory.setMinimumHeight(120)
        self.directory.setMaximumHeight(180)
        # A unit's whole line is read (seen in the real window: "di luar Caseworker" scrolled out of sight).
        self.directory.setWordWrap(True)
        self.directory.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.directory.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.empty = label(tr("referral.none_listed"), "muted", wrap=True)
        box.addWidget(self.search)
        box.addWidget(self.needs_only)
        box.addWidget(self.directory)
        box.addWidget(self.empty)
        self.form.addRow(tr("referral.directory"), pick)
        self.to = QLineEdit()  # another agency, outside the directory (the record's to_agency)
        self.to.setPlaceholderText(tr("referral.to_other.placeholder"))
        self.form.addRow(tr("referral.to_other"), self.to)
        if transfer:
            self.form.setRowVisible(self.to, False)
        self.reason = QPlainTextEdit()
        self.reason.setFixedHeight(70)
        self.form.addRow(tr("referral.reason") + " *", self.reason)
        self.day = DateField(date.today().isoformat())
        self.form.addRow(tr("referral.date"), self.day)

        shared = QWidget()
        sbox = QVBoxLayout(shared)
        sbox.setContentsMargins(0, 0, 0, 0)
        sbox.setSpacing(2)
        self.identity = QCheckBox(tr("referral.share.identity"))
        sbox.addWidget(self.identity)
        if self.abh:
            self.identity.setEnabled(False)
            sbox.addWidget(label(tr("referral.share.abh"), "muted", wrap=True))
        self.sections: dict[str, QCheckBox] = {}
        for section in REFERRAL_SECTIONS:
            check = QCheckBox(tr(f"referral.section.{section}"))
            self.sections[section] = check
            sbox.addWidget(check)
        self.form.addRow(tr("referral.share"), shared)
        if transfer:  # everything goes
            self.form.setRowVisible(shared, False)
            self.form.addRow("", label(tr("transfer.note"), "muted", wrap=True))

        consent = QHBoxLayout()
        self.consent_by = QLineEdit(case.get("consent_by") or "")
        self.consent_by.setPlaceholderText(tr("referral.consent_by.placeholder"))
        bases = [(tr("referral.basis.none"), "")]
        bases += [(tr(f"referral.basis.{b}"), b) for b in referrals.CONSENT_BASES]
        self.consent_basis = combo(bases, case.get("consent_basis") or "")
        consent.addWidget(self.consent_by, 1)
        consent.addWidget(label(tr("referral.consent_basis")))
        consent.addWidget(self.consent_basis)
        self.form.addRow(tr("referral.consent_by"), consent)

        self.search.textChanged.connect(self._fill)
        self.needs_only.toggled.connect(self._fill)
        self.directory.currentItemChanged.connect(self.revalidate)
        self._fill()
        self.watch(self.to, self.reason, self.day, self.consent_by, self.consent_basis)
        self.resize(680, 720)  # the whole form where the screen has room (screen_fit caps it)

    def _fill(self, *_args: object) -> None:
        keep = self.chosen()
        needs = None if self.needs_only.isChecked() else []
        found = referrals.directory_for_case(self.store, self.case["id"], text=self.search.text().strip() or None,
                                             **({} if needs is None else {"needs": needs}))  # fmt: skip
        self.directory.blockSignals(True)
        self.directory.clear()
        for entry in found:
            if self.transfer and not entry["on_caseworker"]:
                continue
            item = QListWidgetItem(facility_line(entry))
            item.setData(CODE_ROLE, entry["code"])
            self.directory.addItem(item)
            if entry["code"] == keep:
                self.directory.setCurrentItem(item)
        self.directory.blockSignals(False)
        self.empty.setVisible(self.directory.count() == 0 and not self.search.text())
        self.revalidate()

    def chosen(self) -> str | None:
        item = self.directory.currentItem() if hasattr(self, "directory") else None
        return item.data(CODE_ROLE) if item is not None else None

    def chosen_entry(self) -> dict[str, Any] | None:
        code = self.chosen()
        return referrals.facility(self.store, code) if code else None

    def problems(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if not self.chosen() and not self.to.text().strip():
            out += self.required("", "referral.to")
        out += self.required(self.reason.toPlainText(), "referral.reason")
        out += self.check_date(self.day, "referral.date")
        if not self.consent_by.text().strip() and not self.consent_basis.currentData():
            out += self.required("", "referral.consent_by")
        return out

    def write(self) -> str:
        code = self.chosen()
        return referrals.send(
            self.store,
            self.case["id"],
            reason=self.reason.toPlainText(),
            to_facility=code,
            to_agency=None if code else self.to.text(),
            share_identity=self.identity.isChecked() and not self.abh,
            sections=[s for s, check in self.sections.items() if check.isChecked()],
            consent_by=self.consent_by.text(),
            consent_basis=self.consent_basis.currentData() or None,
            referred_at=self.day.iso(),
            transfer=self.transfer,
        )

    def needs_letter(self) -> bool:
        """The referral just saved goes to a place outside Caseworker: print its letter."""
        entry = self.chosen_entry()
        return not self.transfer and (entry is None or not entry["on_caseworker"])


def referral_answer(row: dict[str, Any]) -> str:
    """The case view's column: the receiving facility's answer and its day (or that it is awaited)."""
    day = fmt_date((row.get("decided_at") or "")[:10]) if row.get("decided_at") else ""
    if row.get("status") == "accepted" and row.get("received_case_number"):
        return tr("referral.answer.accepted", day=day, number=row["received_case_number"])
    if row.get("status") == "declined" and row.get("to_facility"):
        return tr("referral.answer.declined", day=day, reason=row.get("decision_reason") or "-")
    if row.get("status") == "sent" and row.get("to_facility"):
        return tr("referral.answer.waiting", name=row.get("to_agency") or row["to_facility"])
    return ""


def print_letter(parent: QWidget, store: Store, referral_id: str) -> object:
    """Render the referral letter (a page or two: on the UI thread) and open it in the print preview."""
    from caseworker.reports.referral_letter import render_referral_letter
    from ui.printing.files import PrivateFolder
    from ui.printing.options import PrintOptions
    from ui.printing.preview import PrintPreviewDialog

    folder = PrivateFolder()
    case_id = store.one("SELECT case_id FROM referrals WHERE id = ?", [referral_id])["case_id"]
    path = render_referral_letter(store, referral_id, folder.path / "surat-rujukan.pdf", lang=language())
    preview = PrintPreviewDialog(path, parent, store=store, case_id=case_id, options=PrintOptions(language()),
                                 folder=folder)  # fmt: skip
    parent.print_preview = preview  # type: ignore[attr-defined]  # tests reach it
    preview.open()
    return preview
