"""An assessment form rendered from its JSON definition: widgets by field type, fields shown or hidden by
their conditions, the core's messages under each answer while typing, and the live score with its band.

Adding a form needs no code here: everything comes from caseworker.forms.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from caseworker import forms
from caseworker.errors import KnownError
from caseworker.forms import library
from caseworker.forms.definitions import FieldDef, FormDef
from caseworker.numbers import format_number
from caseworker.store import cases, reviews
from caseworker.store.store import Store
from ui.guarded_dialog import GuardedDialog
from ui.i18n import language, register, tr
from ui.widgets import DateField, IssueList, button, label, scroll_body

register(
    {
        "assess.title": ("Asesmen baru · {form}", "New assessment · {form}"),
        "assess.date": ("Tanggal asesmen", "Assessment date"),
        "assess.save": ("Simpan asesmen", "Save assessment"),
        "assess.submit": ("Simpan dan ajukan ke supervisor", "Save and submit for review"),
        "assess.score_partial": (
            "{label}: {value} (baru {answered} dari {expected} butir dijawab)",
            "{label}: {value} ({answered} of {expected} items answered)",
        ),
        "assess.score_done": ("{label}: {value} · {band}", "{label}: {value} · {band}"),
        "assess.score_none": ("{label}: belum ada jawaban", "{label}: no answers yet"),
        "assess.score_value": ("{label}: {value}", "{label}: {value}"),
        "assess.fix": (
            "Periksa isian yang ditandai merah sebelum menyimpan.",
            "Check the answers marked in red before saving.",
        ),
        "assess.view": ("Asesmen · {form}", "Assessment · {form}"),
    }
)


class FieldWidget(QWidget):
    """One form field: its input, its help line and its issues."""

    changed = Signal()

    def __init__(self, fdef: FieldDef, value: Any = None) -> None:
        super().__init__()
        self.fdef = fdef
        self.touched = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 6)
        layout.setSpacing(3)
        title = fdef.label.get() + (" *" if fdef.required else "")
        if fdef.unit:
            title += f" ({fdef.unit.get()})"
        self.title = label(title, wrap=True)
        self.title.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.title)
        if fdef.help:
            layout.addWidget(label(fdef.help.get(), "muted", wrap=True))
        self.group: QButtonGroup | None = None
        self.checks: list[QCheckBox] = []
        self.input: QWidget | None = None
        t = fdef.type
        if t in ("choice", "boolean"):
            options = (
                [(o.value, o.label.get()) for o in fdef.options]
                if t == "choice"
                else [(True, tr("common.yes")), (False, tr("common.no"))]
            )
            if t == "choice" and len(options) > 7:
                box = QComboBox()
                box.addItem("—", None)
                for v, text in options:
                    box.addItem(text, v)
                box.currentIndexChanged.connect(self._edited)
                self.input = box
                layout.addWidget(box)
            else:
                self.group = QButtonGroup(self)
                self.group.setExclusive(True)
                holder = QWidget()
                row = QHBoxLayout(holder) if t == "boolean" else QVBoxLayout(holder)
                row.setContentsMargins(8, 0, 0, 0)
                row.setSpacing(2)
                self._values = []
                for i, (v, text) in enumerate(options):
                    radio = QRadioButton(text)
                    self.group.addButton(radio, i)
                    self._values.append(v)
                    row.addWidget(radio)
                if t == "boolean":
                    row.addStretch(1)
                self.group.idToggled.connect(lambda _i, on: on and self._edited())
                layout.addWidget(holder)
        elif t == "multichoice":
            holder = QWidget()
            col = QVBoxLayout(holder)
            col.setContentsMargins(8, 0, 0, 0)
            col.setSpacing(2)
            for option in fdef.options:
                check = QCheckBox(option.label.get())
                check.setProperty("value", option.value)
                check.toggled.connect(self._edited)
                self.checks.append(check)
                col.addWidget(check)
            layout.addWidget(holder)
        elif t == "textarea":
            edit = QPlainTextEdit()
            edit.setFixedHeight(76)
            edit.setTabChangesFocus(True)
            edit.textChanged.connect(self._edited)
            self.input = edit
            layout.addWidget(edit)
        elif t in ("note", "calculate"):
            pass  # a note is its label; a calculate field's value shows in the score box
        elif t == "date":
            field = DateField()
            field.textChanged.connect(self._edited)
            self.input = field
            layout.addWidget(field)
        else:  # text, integer, number, scale
            edit = QLineEdit()
            if t in ("integer", "number", "scale"):
                edit.setMaximumWidth(160)
                hint = [format_number(x, language()) for x in (fdef.min, fdef.max) if x is not None]
                if len(hint) == 2:
                    edit.setPlaceholderText(f"{hint[0]}–{hint[1]}")
            edit.textChanged.connect(self._edited)
            self.input = edit
            layout.addWidget(edit)
        self.issues = IssueList()
        self.issues.setVisible(False)
        layout.addWidget(self.issues)
        if value is not None:
            self.set_value(value)
            self.touched = False

    def _edited(self, *_args: object) -> None:
        self.touched = True
        self.changed.emit()

    def value(self) -> Any:
        t = self.fdef.type
        if self.group is not None:
            checked = self.group.checkedId()
            return None if checked < 0 else self._values[checked]
        if self.checks:
            return [c.property("value") for c in self.checks if c.isChecked()]
        if isinstance(self.input, QComboBox):
            return self.input.currentData()
        if isinstance(self.input, QPlainTextEdit):
            return self.input.toPlainText()
        if isinstance(self.input, DateField):
            return self.input.iso() or None
        if isinstance(self.input, QLineEdit):
            return self.input.text() if t in ("text",) else (self.input.text().strip() or None)
        return None

    def set_value(self, value: Any) -> None:
        if self.group is not None:
            for i, v in enumerate(self._values):
                if v == value or (not isinstance(v, bool) and str(v) == str(value)):
                    self.group.button(i).setChecked(True)
        elif self.checks:
            wanted = {str(v) for v in (value or [])}
            for c in self.checks:
                c.setChecked(c.property("value") in wanted)
        elif isinstance(self.input, QComboBox):
            self.input.setCurrentIndex(max(0, self.input.findData(value)))
        elif isinstance(self.input, QPlainTextEdit):
            self.input.setPlainText(str(value))
        elif isinstance(self.input, DateField):
            self.input.set_iso(str(value))
        elif isinstance(self.input, QLineEdit):
            numeric = self.fdef.type in ("integer", "number", "scale")
            shown = isinstance(value, int | float) and not isinstance(value, bool) and numeric
            self.input.setText(format_number(value, language()) if shown else str(value))  # 95,2 / 95.2

    def choose(self, option_value: Any) -> None:
        """Pick an option as a user would (tests, keyboard helpers)."""
        self.set_value(option_value)


class AssessmentForm(QWidget):
    """The rendered form; `answers()`, `issues()`, `scores()`; `changed` after every edit."""

    changed = Signal()

    def __init__(self, form: FormDef, answers: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.form = form
        self.fields: dict[str, FieldWidget] = {}
        self.sections: list[tuple[QGroupBox, list[str]]] = []
        self.show_all_issues = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(10)
        if form.description:
            layout.addWidget(label(form.description.get(), "muted", wrap=True))
        for section in form.sections:
            box = QGroupBox(section.title.get())
            box_layout = QVBoxLayout(box)
            box_layout.setSpacing(2)
            if section.help:
                box_layout.addWidget(label(section.help.get(), "muted", wrap=True))
            ids = []
            for fdef in section.fields:
                widget = FieldWidget(fdef, (answers or {}).get(fdef.id))
                widget.changed.connect(self.refresh)
                self.fields[fdef.id] = widget
                box_layout.addWidget(widget)
                ids.append(fdef.id)
            self.sections.append((box, ids))
            layout.addWidget(box)
        layout.addStretch(1)
        self.refresh()

    def answers(self) -> dict[str, Any]:
        out = {}
        for fid, widget in self.fields.items():
            value = widget.value()
            if value is not None and value != "" and value != []:
                out[fid] = value
        return out

    def issues(self) -> list[forms.Issue]:
        return forms.validate_answers(self.form, self.answers())

    def scores(self) -> dict[str, dict[str, Any]]:
        return forms.compute_scores(self.form, self.answers())

    def refresh(self) -> None:
        answers = self.answers()
        visible = forms.visible_field_ids(self.form, answers)
        issues = forms.validate_answers(self.form, answers)
        by_field: dict[str, list[tuple[str, str]]] = {}
        for issue in issues:
            widget = self.fields.get(issue.field)
            if widget is None:
                continue
            if issue.code == "required" and not (self.show_all_issues or widget.touched):
                continue
            by_field.setdefault(issue.field, []).append((issue.severity, issue.text()))
        shown = {fid for fid in visible if self.fields[fid].fdef.type != "calculate"}
        for fid, widget in self.fields.items():
            widget.setVisible(fid in shown)
            widget.issues.set_issues(by_field.get(fid, []))
        for box, ids in self.sections:
            box.setVisible(any(fid in shown for fid in ids))
        self.changed.emit()


def score_lines(scores: dict[str, dict[str, Any]]) -> list[str]:
    """Each score in words; a stored score of another shape (an older server took anything) as its text."""
    lines = []
    for s in scores.values():
        try:
            lines.append(_score_line(s))
        except (KeyError, TypeError, AttributeError):
            lines.append(str(s))
    return lines


def _number(value: Any) -> str:
    """A score in the user's language (12,5 / 12.5); anything else as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, language())
    return str(value)


def _score_line(s: dict[str, Any]) -> str:
    lang_key = language()
    name = s["score_label"][lang_key] or s["score_label"]["id"]
    if s["value"] is None:
        return tr("assess.score_none", label=name)
    if s["complete"] and s["label"]:
        return tr(
            "assess.score_done",
            label=name,
            value=_number(s["value"]),
            band=s["label"][lang_key] or s["label"]["id"],
        )
    if s["complete"]:  # a score without bands (an imported form's calculation): its value
        return tr("assess.score_value", label=name, value=_number(s["value"]))
    return tr(
        "assess.score_partial",
        label=name,
        value=_number(s["value"]),
        answered=s["answered"],
        expected=s["expected"],
    )


class AssessmentDialog(GuardedDialog):
    saved = Signal(str)

    def __init__(
        self, store: Store, case: dict[str, Any], form_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store, self.case = store, case
        self.form_def = library.form_for(store, form_id)  # the latest version: shipped or the unit's own
        self.draft_kind = f"assessment:{form_id}"
        self.setWindowTitle(tr("assess.title", form=self.form_def.title.get()))
        self.resize(820, 720)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(label(self.form_def.title.get(), "subtitle"))
        head = QHBoxLayout()
        head.addWidget(label(tr("assess.date"), "fieldlabel"))
        self.assessed_at = DateField(date.today().isoformat())
        head.addWidget(self.assessed_at)
        head.addStretch(1)
        layout.addLayout(head)
        self.form = AssessmentForm(self.form_def)
        layout.addWidget(scroll_body(self.form), 1)
        self.score = label("", wrap=True)
        self.score.setObjectName("ScoreBox")
        layout.addWidget(self.score)
        self.errors = IssueList()
        self.errors.setVisible(False)
        layout.addWidget(self.errors)
        cancel = button(tr("common.cancel"))
        cancel.clicked.connect(self.reject)
        self.submit_button = button(tr("assess.submit"))
        self.submit_button.clicked.connect(lambda: self.save(submit=True))
        self.save_button = button(tr("assess.save"), primary=True)
        self.save_button.clicked.connect(lambda: self.save(submit=False))
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.form.changed.connect(self._update_score)
        self._update_score()

    def guard_save(self) -> object:
        return self.save(submit=False)

    def _update_score(self) -> None:
        lines = score_lines(self.form.scores())
        self.score.setText("\n".join(lines))
        self.score.setVisible(bool(lines))

    def save(self, submit: bool = False) -> str | None:
        self.form.show_all_issues = True
        self.form.refresh()
        issues = self.form.issues()
        if forms.has_errors(issues) or not self.assessed_at.date():
            self.errors.set_issues([("error", tr("assess.fix"))])
            return None
        answers = self.form.answers()
        scores = forms.compute_scores(self.form_def, answers)
        summary = "; ".join(score_lines(scores))
        try:
            with self.store.transaction():
                row_id = cases.add_record(
                    self.store, "assessments", self.case["id"],
                    {"form_id": self.form_def.id, "form_version": self.form_def.version,
                     "assessed_at": self.assessed_at.iso(), "data": forms.normalize_answers(self.form_def, answers),
                     "scores": scores, "summary": summary, "review_status": "draft"},
                )  # fmt: skip
                if submit:
                    reviews.submit(self.store, self.case["id"], "assessment", row_id)
        except KnownError as exc:
            self.errors.set_issues([("error", exc.text())])
            return None
        self.saved.emit(row_id)
        self.accept()
        return row_id


class AssessmentViewDialog(QDialog):
    """A saved assessment, read only: each answer as people read it, and the scores."""

    def __init__(
        self, assessment: dict[str, Any], parent: QWidget | None = None, store: Store | None = None
    ) -> None:
        super().__init__(parent)
        try:  # the version it was made with, however many came since
            form: Any = library.form_for(
                store, assessment.get("form_id") or "", assessment.get("form_version")
            )
            title = form.title.get()
        except Exception:  # a form this version does not ship, or none named: the answers are shown raw
            form, title = None, assessment.get("form_id") or "—"
        self.setWindowTitle(tr("assess.view", form=title))
        self.resize(720, 640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(label(title, "subtitle"))
        from ui.i18n import fmt_date

        layout.addWidget(label(fmt_date(assessment.get("assessed_at")), "muted"))
        body = QWidget()
        body.setObjectName("FormBody")
        col = QVBoxLayout(body)
        data = assessment.get("data") or {}
        if not isinstance(data, dict) or form is None:  # stored text that is not JSON answers: shown as it is
            raw = label(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), wrap=True)
            raw.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            col.addWidget(raw)
            data = {}
        for section in form.sections if form is not None else ():
            shown = [f for f in section.fields if f.id in data]
            if not shown:
                continue
            col.addWidget(label(section.title.get(), "subtitle"))
            for fdef in shown:
                col.addWidget(label(fdef.label.get(), "fieldlabel", wrap=True))
                value = label(forms.answer_text(fdef, data[fdef.id]), wrap=True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                col.addWidget(value)
        col.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        scores = assessment.get("scores") or {}
        if scores:
            box = label(
                "\n".join(score_lines(scores)) if isinstance(scores, dict) else str(scores), wrap=True
            )
            box.setObjectName("ScoreBox")
            layout.addWidget(box)
        close = button(tr("common.close"), primary=True)
        close.clicked.connect(self.accept)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
