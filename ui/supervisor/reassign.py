"""Handing cases to another social worker of the facility (supervisors only): one case from the case view
or many from a filtered list. The reason is required and goes to the audit log (cases.reassign)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from caseworker.errors import KnownError
from caseworker.store import cases
from caseworker.store.store import Store
from ui.guarded_dialog import GuardedDialog
from ui.i18n import register, tr
from ui.widgets import IssueList, button, label

register(
    {
        "sup.reassign.title": ("Alihkan kasus", "Reassign cases"),
        "sup.reassign.one": (
            "Kasus {number} · {name} (sekarang: {who})",
            "Case {number} · {name} (now: {who})",
        ),
        "sup.reassign.many": (
            "{n} kasus dari daftar yang dipilih akan dialihkan.",
            "{n} cases from the chosen list will be reassigned.",
        ),  # fmt: skip
        "sup.reassign.to": ("Alihkan kepada", "Reassign to"),
        "sup.reassign.worker": ("{name} · {n} kasus aktif", "{name} · {n} open cases"),
        "sup.reassign.reason": (
            "Alasan (wajib, dicatat di log audit)",
            "Reason (required, written to the audit log)",
        ),
        "sup.reassign.reason_hint": (
            "mis. pekerja sosial cuti melahirkan; pemerataan beban kasus",
            "e.g. the worker is on leave; balancing caseloads",
        ),  # fmt: skip
        "sup.reassign.ok": ("Alihkan", "Reassign"),
        "sup.reassign.ok_many": ("Alihkan {n} kasus", "Reassign {n} cases"),
    }
)


def facility_workers(store: Store) -> list[dict[str, Any]]:
    """Active workers and supervisors of the facility with their open caseload, fewest cases first."""
    return store.query(
        "SELECT u.username, coalesce(nullif(u.full_name, ''), u.username) AS full_name, u.role,"
        " (SELECT count(*) FROM case_index i WHERE i.assigned_to = u.username AND i.status = 'open'"
        "  AND i.deleted = 0) AS open_cases"
        " FROM users u WHERE u.active = 1 AND u.role IN ('worker', 'supervisor') AND u.facility_code = ?"
        " ORDER BY u.role = 'supervisor', u.full_name",
        [store.user.facility_code],
    )


class ReassignDialog(GuardedDialog):
    reassigned = Signal(list, str)  # case ids, new worker's username

    def guard_save(self) -> object:
        return self.confirm()

    def __init__(self, store: Store, case_ids: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.case_ids = list(dict.fromkeys(case_ids))
        self.setWindowTitle(tr("sup.reassign.title"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(540, 340)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(8)
        layout.addWidget(label(tr("sup.reassign.title"), "subtitle"))
        names = {
            r["username"]: r["full_name"] or r["username"]
            for r in store.query("SELECT username, full_name FROM users")
        }
        if len(self.case_ids) == 1:
            case = store.one(
                "SELECT case_number, name, assigned_to FROM case_index WHERE case_id = ?", self.case_ids
            )
            case = case or {"case_number": "", "name": "", "assigned_to": ""}
            who = names.get(case["assigned_to"] or "", case["assigned_to"] or "–")
            layout.addWidget(label(tr("sup.reassign.one", number=case["case_number"], name=case["name"], who=who),
                                   "muted", wrap=True))  # fmt: skip
        else:
            layout.addWidget(label(tr("sup.reassign.many", n=len(self.case_ids)), "muted", wrap=True))
        layout.addWidget(label(tr("sup.reassign.to"), "fieldlabel"))
        self.worker = QComboBox()
        for row in facility_workers(store):
            self.worker.addItem(
                tr("sup.reassign.worker", name=row["full_name"], n=row["open_cases"]), row["username"]
            )
        layout.addWidget(self.worker)
        layout.addWidget(label(tr("sup.reassign.reason"), "fieldlabel"))
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(tr("sup.reassign.reason_hint"))
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(80)
        layout.addWidget(self.reason)
        self.errors = IssueList()
        self.errors.setVisible(False)
        layout.addWidget(self.errors)
        layout.addStretch(1)
        cancel = button(tr("common.cancel"))
        cancel.clicked.connect(self.reject)
        many = len(self.case_ids) > 1
        self.ok_button = button(tr("sup.reassign.ok_many", n=len(self.case_ids)) if many else tr("sup.reassign.ok"),
                                "users", primary=True)  # fmt: skip
        self.ok_button.clicked.connect(self.confirm)
        self.ok_button.setEnabled(bool(self.case_ids) and self.worker.count() > 0)
        row = QHBoxLayout()
        row.addWidget(cancel)
        row.addStretch(1)
        row.addWidget(self.ok_button)
        layout.addLayout(row)

    def choose(self, username: str) -> bool:
        index = self.worker.findData(username)
        if index >= 0:
            self.worker.setCurrentIndex(index)
        return index >= 0

    def confirm(self) -> bool:
        to_user = self.worker.currentData() or ""
        try:
            cases.reassign(self.store, self.case_ids, to_user, self.reason.toPlainText().strip())
        except KnownError as exc:
            self.errors.set_issues([("error", exc.text())])
            return False
        self.reassigned.emit(self.case_ids, to_user)
        self.accept()
        return True
