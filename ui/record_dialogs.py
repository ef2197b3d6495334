"""Dialogs that add one record to a case: a note, a goal, an intervention, a follow-up task, a
measurement (with z-scores shown as the numbers are typed), a referral, a family member."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain import reference
from caseworker.errors import KnownError
from caseworker.store import cases, queries
from caseworker.store import repository as repo
from caseworker.store.ids import now_iso
from caseworker.store.store import Store
from caseworker.store.values import day_of
from ui.guarded_dialog import GuardedDialog
from ui.i18n import register, tr
from ui.number_field import NumberField
from ui.widgets import DateField, IssueList, button, combo, label, on_leave, scroll_body

register(
    {
        "note.title": ("Catatan baru", "New note"),
        "note.kind": ("Jenis", "Kind"),
        "note.kind.visit": ("Kunjungan", "Visit"),
        "note.kind.call": ("Telepon", "Phone call"),
        "note.kind.meeting": ("Pertemuan", "Meeting"),
        "note.kind.observation": ("Observasi", "Observation"),
        "note.kind.other": ("Lainnya", "Other"),
        "note.date": ("Tanggal", "Date"),
        "note.text": ("Catatan", "Note"),
        "note.confidential": (
            "Rahasia (tidak dicetak dalam ringkasan tersamar)",
            "Confidential (left out of redacted summaries)",
        ),
        "goal.title": ("Tujuan rencana baru", "New plan goal"),
        "goal.description": ("Tujuan", "Goal"),
        "goal.component": ("Komponen ATENSI", "ATENSI component"),
        "goal.target": ("Target tanggal", "Target date"),
        "goal.status.open": ("Berjalan", "Open"),
        "goal.status.achieved": ("Tercapai", "Achieved"),
        "goal.status.dropped": ("Dibatalkan", "Dropped"),
        "intervention.title": ("Intervensi baru", "New intervention"),
        "intervention.description": ("Layanan yang diberikan", "Service provided"),
        "intervention.date": ("Tanggal", "Date"),
        "intervention.provider": ("Pemberi layanan", "Provider"),
        "intervention.outcome": ("Hasil", "Outcome"),
        "task.title_dialog": ("Tindak lanjut baru", "New follow-up"),
        "task.title": ("Yang harus dilakukan", "What to do"),
        "task.due": ("Jatuh tempo", "Due"),
        "task.assigned": ("Untuk", "For"),
        "measure.title": ("Pengukuran baru", "New measurement"),
        "measure.date": ("Tanggal ukur", "Date measured"),
        "measure.weight": ("Berat badan (kg)", "Weight (kg)"),
        "measure.length": ("Panjang/tinggi badan (cm)", "Length/height (cm)"),
        "measure.position": ("Posisi", "Position"),
        "measure.position.lying": ("Berbaring (panjang badan)", "Lying (length)"),
        "measure.position.standing": ("Berdiri (tinggi badan)", "Standing (height)"),
        "measure.head": ("Lingkar kepala (cm)", "Head circumference (cm)"),
        "measure.muac": ("LiLA (cm)", "MUAC (cm)"),
        "measure.triceps": ("Lipatan kulit trisep (mm)", "Triceps skinfold (mm)"),
        "measure.subscapular": ("Lipatan kulit subskapula (mm)", "Subscapular skinfold (mm)"),
        "measure.oedema": ("Edema bilateral", "Bilateral oedema"),
        "measure.preview": ("Hasil", "Result"),
        "measure.empty": ("kosongkan bila tidak diukur", "leave empty if not measured"),
        "measure.need_one": (
            "Isi paling sedikit berat atau panjang/tinggi badan.",
            "Enter at least the weight or the length/height.",
        ),
        "referral.title": ("Rujukan baru", "New referral"),
        "referral.to": ("Dirujuk ke", "Referred to"),
        "referral.reason": ("Alasan", "Reason"),
        "referral.date": ("Tanggal", "Date"),
        "referral.status": ("Status", "Status"),
        "referral.status.sent": ("Dikirim", "Sent"),
        "referral.status.accepted": ("Diterima", "Accepted"),
        "referral.status.completed": ("Selesai", "Completed"),
        "referral.status.declined": ("Ditolak", "Declined"),
        "relation.title": ("Anggota keluarga baru", "New family member"),
        "relation.relation": ("Hubungan dengan klien", "Relation to the client"),
        "relation.notes": ("Keterangan", "Notes"),
        "relation.parent": ("Orang tua", "Parent"),
        "relation.child": ("Anak", "Child"),
        "relation.guardian": ("Wali", "Guardian"),
        "relation.sibling": ("Saudara kandung", "Sibling"),
        "relation.spouse": ("Suami/istri", "Spouse"),
        "relation.grandparent": ("Kakek/nenek", "Grandparent"),
        "relation.grandchild": ("Cucu", "Grandchild"),
        "relation.relative": ("Kerabat", "Relative"),
        "relation.other": ("Lainnya", "Other"),
        "record.required": ("{label} wajib diisi.", "{label} is required."),
        "record.bad_date": (
            "{label}: tanggal tidak dikenali (tulis 17/10/2026).",
            "{label}: the date is not recognised (write 17/10/2026).",
        ),
        "record.future": (
            "{label}: tanggal tidak boleh di masa depan.",
            "{label}: the date cannot be in the future.",
        ),
    }
)

NOTE_KINDS = ("visit", "call", "meeting", "observation", "other")
GOAL_STATUSES = ("open", "achieved", "dropped")
REFERRAL_STATUSES = ("sent", "accepted", "completed", "declined")
RELATIONS = (
    "parent",
    "child",
    "guardian",
    "sibling",
    "spouse",
    "grandparent",
    "grandchild",
    "relative",
    "other",
)


def components() -> list[tuple[str, str]]:
    return [(reference.atensi_name(c["code"]) or c["code"], c["code"]) for c in reference.atensi_components()]


class Required(str):
    """The text of a "must be filled" problem: said once the user left a field or tried to save, not
    while the form is still untouched (saving is refused all the same)."""

    __slots__ = ()


class RecordDialog(GuardedDialog):
    """A small form: subclasses add rows, say what is wrong (`problems`) and write (`write`)."""

    saved = Signal(str)

    def __init__(self, store: Store, case: dict[str, Any], title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.case = store, case
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(label(title, "subtitle"))
        body = QWidget()
        self.form = QFormLayout(body)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setHorizontalSpacing(14)
        layout.addWidget(scroll_body(body), 1)  # a long form (a family member's) scrolls, its buttons stay
        self.issues = IssueList()
        self.issues.setVisible(False)
        layout.addWidget(self.issues)
        self.save_button = button(tr("common.save"), primary=True)
        cancel = button(tr("common.cancel"))
        cancel.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

    asked = False  # the user left a field or tried to save: say what is still missing

    def watch(self, *widgets: QWidget) -> None:
        for w in widgets:
            on_leave(w, self._left_a_field)
            for signal in ("textChanged", "currentIndexChanged", "valueChanged", "toggled"):
                if hasattr(w, signal):
                    getattr(w, signal).connect(self.revalidate)
                    break
        self.revalidate()

    def problems(self) -> list[tuple[str, str]]:
        return []

    def _left_a_field(self) -> None:
        if not self.asked:
            self.asked = True
            self.revalidate()

    def revalidate(self, *_args: object) -> None:
        problems = [p for p in self.problems() if self.asked or not isinstance(p[1], Required)]
        self.issues.set_issues(problems)
        self.save_button.setEnabled(not any(s == "error" for s, _ in problems))

    def write(self) -> str:
        raise NotImplementedError

    def save(self) -> str | None:
        if any(s == "error" for s, _ in self.problems()):
            self._left_a_field()  # Simpan on an untouched form: now say what is missing
            return None
        try:
            row_id = self.write()
        except KnownError as exc:
            self.issues.set_issues([("error", exc.text())])
            return None
        self.saved.emit(row_id)
        self.accept()
        return row_id

    # helpers
    @staticmethod
    def required(text: str, label_key: str) -> list[tuple[str, str]]:
        return [] if text.strip() else [("error", Required(tr("record.required", label=tr(label_key))))]

    @staticmethod
    def check_date(
        field: DateField, label_key: str, required: bool = True, past: bool = True
    ) -> list[tuple[str, str]]:
        if not field.text().strip():
            return [("error", Required(tr("record.required", label=tr(label_key))))] if required else []
        day = field.date()
        if day is None:
            return [("error", tr("record.bad_date", label=tr(label_key)))]
        if past and day > date.today():
            return [("error", tr("record.future", label=tr(label_key)))]
        return []


def _stamp(day: date | None) -> str:
    """A note's timestamp: now for today, midday (local meaning lost) for an earlier day."""
    if day is None or day == date.today():
        return now_iso()
    return f"{day.isoformat()}T05:00:00Z"


class NoteDialog(RecordDialog):
    draft_kind = "note"

    def __init__(self, store: Store, case: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(store, case, tr("note.title"), parent)
        self.kind = combo([(tr(f"note.kind.{k}"), k) for k in NOTE_KINDS])
        self.day = DateField(date.today().isoformat())
        self.text = QPlainTextEdit()
        self.text.setMinimumHeight(160)
        self.confidential = QCheckBox(tr("note.confidential"))
        self.form.addRow(tr("note.kind"), self.kind)
        self.form.addRow(tr("note.date"), self.day)
        self.form.addRow(tr("note.text") + " *", self.text)
        self.form.addRow("", self.confidential)
        self.watch(self.text, self.day)

    def problems(self) -> list[tuple[str, str]]:
        return self.check_date(self.day, "note.date") + self.required(self.text.toPlainText(), "note.text")

    def write(self) -> str:
        return cases.add_note(
            self.store, self.case["id"], self.text.toPlainText().strip(), kind=self.kind.currentData(),
            confidential=self.confidential.isChecked(), noted_at=_stamp(self.day.date()),
        )  # fmt: skip


class GoalDialog(RecordDialog):
    def __init__(self, store: Store, case: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(store, case, tr("goal.title"), parent)
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(80)
        self.component = combo(components())
        self.target = DateField()
        self.form.addRow(tr("goal.description") + " *", self.description)
        self.form.addRow(tr("goal.component"), self.component)
        self.form.addRow(tr("goal.target"), self.target)
        self.watch(self.description, self.target)

    def problems(self) -> list[tuple[str, str]]:
        return self.required(self.description.toPlainText(), "goal.description") + self.check_date(
            self.target, "goal.target", required=False, past=False
        )

    def write(self) -> str:
        return cases.add_record(
            self.store, "goals", self.case["id"],
            {"description": self.description.toPlainText().strip(), "atensi_component": self.component.currentData(),
             "target_date": self.target.iso() or None, "status": "open"},
        )  # fmt: skip


class InterventionDialog(RecordDialog):
    def __init__(self, store: Store, case: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(store, case, tr("intervention.title"), parent)
        self.component = combo(components())
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(80)
        self.day = DateField(date.today().isoformat())
        self.provider = QLineEdit(store.user.full_name or store.user.username)
        self.outcome = QLineEdit()
        self.form.addRow(tr("goal.component"), self.component)
        self.form.addRow(tr("intervention.description") + " *", self.description)
        self.form.addRow(tr("intervention.date"), self.day)
        self.form.addRow(tr("intervention.provider"), self.provider)
        self.form.addRow(tr("intervention.outcome"), self.outcome)
        self.watch(self.description, self.day)

    def problems(self) -> list[tuple[str, str]]:
        return self.required(self.description.toPlainText(), "intervention.description") + self.check_date(
            self.day, "intervention.date"
        )

    def write(self) -> str:
        return cases.add_record(
            self.store, "interventions", self.case["id"],
            {"atensi_component": self.component.currentData(), "description": self.description.toPlainText().strip(),
             "provided_at": self.day.iso(), "provider": self.provider.text().strip(),
             "outcome": self.outcome.text().strip()},
        )  # fmt: skip


class TaskDialog(RecordDialog):
    def __init__(
        self, store: Store, case: dict[str, Any], workers: dict[str, str], parent: QWidget | None = None
    ):
        super().__init__(store, case, tr("task.title_dialog"), parent)
        self.title = QLineEdit()
        self.due = DateField()
        self.assigned = combo(sorted((n, u) for u, n in workers.items()), case.get("assigned_to"))
        self.form.addRow(tr("task.title") + " *", self.title)
        self.form.addRow(tr("task.due") + " *", self.due)
        self.form.addRow(tr("task.assigned"), self.assigned)
        self.watch(self.title, self.due)

    def problems(self) -> list[tuple[str, str]]:
        return self.required(self.title.text(), "task.title") + self.check_date(
            self.due, "task.due", past=False
        )

    def write(self) -> str:
        return cases.add_record(
            self.store, "tasks", self.case["id"],
            {"title": self.title.text().strip(), "due_date": self.due.iso(),
             "assigned_to": self.assigned.currentData()},
        )  # fmt: skip


def _measure_box(high: float, decimals: int = 1) -> NumberField:
    """A measurement in its unit: 95,2 or 95.2, empty when not measured, an error under it otherwise."""
    box = NumberField(high, decimals=decimals, positive=True, placeholder=tr("measure.empty"))
    box.setMinimumWidth(200)
    return box


class MeasurementDialog(RecordDialog):
    def __init__(self, store: Store, case: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(store, case, tr("measure.title"), parent)
        self.person = case.get("person") or {}
        self.day = DateField(date.today().isoformat())
        self.weight = _measure_box(150, 2)  # to 19 years (WHO 2007 reference)
        self.length = _measure_box(200)
        self.position = combo(
            [(tr("measure.position.lying"), "lying"), (tr("measure.position.standing"), "standing")]
        )
        self.head = _measure_box(70)
        self.muac = _measure_box(40)
        self.triceps = _measure_box(60)
        self.subscapular = _measure_box(60)
        self.oedema = QCheckBox(tr("measure.oedema"))
        self.preview = label("", "muted", wrap=True)
        self.preview.setMinimumHeight(self.preview.fontMetrics().lineSpacing() * 4)  # room for the results
        self.form.addRow(tr("measure.date") + " *", self.day)
        self.form.addRow(tr("measure.weight"), self.weight)
        self.form.addRow(tr("measure.length"), self.length)
        self.form.addRow(tr("measure.position"), self.position)
        self.form.addRow(tr("measure.head"), self.head)
        self.form.addRow(tr("measure.muac"), self.muac)
        self.form.addRow(tr("measure.triceps"), self.triceps)
        self.form.addRow(tr("measure.subscapular"), self.subscapular)
        self.form.addRow("", self.oedema)
        self.form.addRow(tr("measure.preview"), self.preview)
        self._set_default_position()
        self.day.textChanged.connect(self._set_default_position)
        self.watch(self.day, self.weight, self.length, self.position, self.head, self.muac, self.triceps,
                   self.subscapular, self.oedema)  # fmt: skip

    def _set_default_position(self) -> None:
        born, day = day_of(self.person.get("birth_date")), self.day.date()
        if born and day:
            days = (day - born).days
            self.position.setCurrentIndex(0 if days < 731 else 1)

    def values(self) -> dict[str, Any]:
        def num(box: NumberField) -> float | None:
            value = box.value()
            return None if value is None else float(value)

        return {
            "person_id": self.case.get("person_id"),
            "measured_at": self.day.iso(),
            "weight_kg": num(self.weight),
            "length_cm": num(self.length),
            "position": self.position.currentData(),
            "head_cm": num(self.head),
            "muac_cm": num(self.muac),
            "triceps_mm": num(self.triceps),
            "subscapular_mm": num(self.subscapular),
            "oedema": int(self.oedema.isChecked()),
            "measured_by": self.store.user.username,
        }

    def problems(self) -> list[tuple[str, str]]:
        out = self.check_date(self.day, "measure.date")
        for key, box in (("measure.weight", self.weight), ("measure.length", self.length),
                         ("measure.head", self.head), ("measure.muac", self.muac),
                         ("measure.triceps", self.triceps), ("measure.subscapular", self.subscapular)):  # fmt: skip
            if box.error():  # said under the field too
                out.append(("error", f"{tr(key)}: {box.error()}"))
        values = self.values()
        if not out and values["weight_kg"] is None and values["length_cm"] is None:
            out.append(("error", Required(tr("measure.need_one"))))  # said once a field was left
        self.preview.setText(self._preview(values) if not out else "")
        return out

    def _preview(self, values: dict[str, Any]) -> str:
        try:
            from ui.growth_view import result_summary
        except ImportError:  # pragma: no cover
            return ""
        return result_summary(self.person, values)

    def write(self) -> str:
        return cases.add_record(self.store, "measurements", self.case["id"], self.values())


class RelationDialog(RecordDialog):
    """A family member: registered as a person of their own (so they can be found) and linked."""

    draft_kind = "relation"

    def __init__(self, store: Store, case: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(store, case, tr("relation.title"), parent)
        from ui.person_form import PersonForm

        self.relation = combo([(tr(f"relation.{r}"), r) for r in RELATIONS])
        self.notes = QLineEdit()
        self.person_form = PersonForm(home=lambda: queries.home_places(store))
        self.form.addRow(tr("relation.relation"), self.relation)
        self.form.addRow(tr("relation.notes"), self.notes)
        self.form.addRow(self.person_form)
        self.person_form.changed.connect(self.revalidate)
        self.resize(640, 700)
        self.revalidate()

    def problems(self) -> list[tuple[str, str]]:
        return [("error", i.text()) for i in self.person_form.issues() if i.is_error][:1]

    def write(self) -> str:
        with self.store.transaction():
            person_id = cases.register_person(self.store, self.person_form.values()).id
            return repo.insert(
                self.store, "relations",
                {"person_id": self.case["person_id"], "related_person_id": person_id,
                 "relation": self.relation.currentData(), "notes": self.notes.text().strip()},
            )  # fmt: skip


def __getattr__(name: str):  # noqa: ANN202
    """ReferralDialog lives in ui.referral_dialog (the facility directory, sharing and consent, issue 19)."""
    if name == "ReferralDialog":
        from ui.referral_dialog import ReferralDialog

        return ReferralDialog
    raise AttributeError(name)
