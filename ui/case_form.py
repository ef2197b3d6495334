"""The case's own details (category, risk, referral, presenting problem, consent) as a validating form."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from caseworker.domain import reference, validation
from caseworker.domain.issues import Issue
from ui.i18n import register, tr
from ui.widgets import DateField, IssueList, combo, mark_invalid, on_leave

register(
    {
        "case.category": ("Kategori PPKS", "PPKS category"),
        "case.category.none": ("— pilih kategori —", "— choose a category —"),
        "case.risk": ("Tingkat risiko", "Risk level"),
        "risk.low": ("Rendah", "Low"),
        "risk.medium": ("Sedang", "Medium"),
        "risk.high": ("Tinggi", "High"),
        "case.opened_at": ("Tanggal masuk", "Date opened"),
        "case.referral_source": ("Sumber rujukan", "Referral source"),
        "case.referral_source.placeholder": (
            "mis. Dinas Sosial Kab. Sidoarjo, Puskesmas, kepolisian, masyarakat",
            "e.g. district social office, health centre, police, community",
        ),
        "case.presenting_problem": ("Masalah yang dihadapi", "Presenting problem"),
        "case.consent_by": ("Persetujuan dari", "Consent given by"),
        "case.consent_at": ("Tanggal persetujuan", "Consent date"),
        "case.consent_basis": ("Dasar persetujuan", "Basis of consent"),
        "consent.none": ("— belum ada —", "— none yet —"),
        "consent.persetujuan": ("Persetujuan tertulis", "Written consent"),
        "consent.putusan_pengadilan": ("Putusan pengadilan", "Court order"),
        "consent.surat_penyerahan": ("Surat penyerahan", "Letter of surrender"),
        "consent.lainnya": ("Lainnya", "Other"),
        "case.assigned_to": ("Pekerja sosial", "Social worker"),
    }
)

RISKS = ("low", "medium", "high")
CONSENT_BASES = ("persetujuan", "putusan_pengadilan", "surat_penyerahan", "lainnya")


def risk_name(code: str | None) -> str:
    return tr(f"risk.{code}") if code in RISKS else (code or "")


class CaseForm(QWidget):
    changed = Signal()

    def __init__(self, case: dict[str, Any] | None = None, workers: dict[str, str] | None = None,
                 me: str = "", new: bool = True) -> None:  # fmt: skip
        super().__init__()
        case = case or {}
        self.new = new
        self.current = dict(case)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(6)
        layout.addLayout(form)
        self.field_issues: dict[str, IssueList] = {}
        self.widgets: dict[str, QWidget] = {}

        self.category = combo(
            [(tr("case.category.none"), "")]
            + [
                (f"{c['short']} · {reference.category_name(c['code'])}", c["code"])
                for c in reference.categories()
            ],
            case.get("category_code") or "",
        )
        self.risk = combo([(risk_name(r), r) for r in RISKS], case.get("risk") or "medium")
        self.opened_at = DateField(case.get("opened_at") or date.today().isoformat())
        self.assigned = None
        if workers:
            self.assigned = combo(sorted((n, u) for u, n in workers.items()), case.get("assigned_to") or me)
        self.referral = QLineEdit(case.get("referral_source") or "")
        self.referral.setPlaceholderText(tr("case.referral_source.placeholder"))
        self.problem = QPlainTextEdit(case.get("presenting_problem") or "")
        self.problem.setFixedHeight(90)
        self.problem.setTabChangesFocus(True)
        self.consent_by = QLineEdit(case.get("consent_by") or "")
        self.consent_at = DateField(case.get("consent_at"))
        self.consent_basis = combo(
            [(tr("consent.none"), "")] + [(tr(f"consent.{c}"), c) for c in CONSENT_BASES],
            case.get("consent_basis") or "",
        )

        def add(field: str, title: str, widget: QWidget, required: bool = False) -> None:
            issues = IssueList()
            issues.setVisible(False)
            self.field_issues[field] = issues
            self.widgets[field] = widget
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(widget)
            box.addWidget(issues)
            form.addRow(title + (" *" if required else ""), box)

        add("category_code", tr("case.category"), self.category, required=True)
        add("risk", tr("case.risk"), self.risk)
        add("opened_at", tr("case.opened_at"), self.opened_at, required=True)
        if self.assigned is not None:
            add("assigned_to", tr("case.assigned_to"), self.assigned)
        add("referral_source", tr("case.referral_source"), self.referral)
        add("presenting_problem", tr("case.presenting_problem"), self.problem)
        add("consent_by", tr("case.consent_by"), self.consent_by)
        add("consent_at", tr("case.consent_at"), self.consent_at)
        add("consent_basis", tr("case.consent_basis"), self.consent_basis)
        self.other_issues = IssueList()
        self.other_issues.setVisible(False)
        layout.addWidget(self.other_issues)

        for widget in (self.category, self.risk, self.consent_basis):
            widget.currentIndexChanged.connect(self._edited)
        if self.assigned is not None:
            self.assigned.currentIndexChanged.connect(self._edited)
        for line in (self.opened_at, self.referral, self.consent_by, self.consent_at):
            line.textChanged.connect(self._edited)
        self.problem.textChanged.connect(self._edited)
        self.left: set[str] = set()  # required fields the user left: their errors are said
        for field, widget in self.widgets.items():
            on_leave(widget, lambda field=field: self._left_field(field))
        self._issues: list[Issue] = []
        self.revalidate()

    def _left_field(self, field: str) -> None:
        if field not in self.left:
            self.left.add(field)
            self.revalidate()

    def values(self) -> dict[str, Any]:
        out = {
            "category_code": self.category.currentData() or "",
            "risk": self.risk.currentData(),
            "opened_at": self.opened_at.iso(),
            "referral_source": self.referral.text().strip(),
            "presenting_problem": self.problem.toPlainText().strip(),
            "consent_by": self.consent_by.text().strip(),
            "consent_at": self.consent_at.iso() or None,
            "consent_basis": self.consent_basis.currentData() or None,
        }
        if self.assigned is not None:
            out["assigned_to"] = self.assigned.currentData()
        return out

    def changes(self) -> dict[str, Any]:
        """Only what differs from the case as it was (for update_case)."""
        return {k: v for k, v in self.values().items() if (self.current.get(k) or None) != (v or None)}

    def has_errors(self) -> bool:
        return any(i.is_error for i in self._issues)

    def _edited(self, *_args: object) -> None:
        self.revalidate()
        self.changed.emit()

    def revalidate(self) -> None:
        whole = {"stage": "pendekatan_awal", "status": "open", **self.current, **self.values()}
        self._issues = validation.validate_case(whole)
        by_field: dict[str, list[tuple[str, str]]] = {}
        for issue in self._issues:
            if issue.code == "required" and self.new and issue.field not in self.left:
                continue  # not yet left: the * says it is required; saving stays disabled
            target = issue.field if issue.field in self.field_issues else "_other"
            by_field.setdefault(target, []).append((issue.severity, issue.text()))
        for field, issues in self.field_issues.items():
            issues.set_issues(by_field.get(field, []))
            widget = self.widgets[field]
            if isinstance(widget, QLineEdit | QComboBox | QPlainTextEdit):
                mark_invalid(widget, any(s == "error" for s, _ in by_field.get(field, [])))
        self.other_issues.set_issues(by_field.get("_other", []))
