"""The client's details as a form that validates while the user types, with the core's own messages under
each field (errors in red block saving; warnings in amber inform)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain import regions, validation
from caseworker.domain.issues import Issue
from ui.i18n import register, tr
from ui.widgets import DateField, IssueList, button, combo, label, mark_invalid, on_leave

register(
    {
        "person.name": ("Nama lengkap", "Full name"),
        "person.nickname": ("Nama panggilan", "Nickname"),
        "person.sex": ("Jenis kelamin", "Sex"),
        "person.sex.none": ("— pilih —", "— choose —"),
        "person.sex.L": ("Laki-laki", "Male"),
        "person.sex.P": ("Perempuan", "Female"),
        "person.birth_date": ("Tanggal lahir", "Date of birth"),
        "person.estimated": ("perkiraan", "estimated"),
        "person.birthplace": ("Tempat lahir", "Place of birth"),
        "person.nik": ("NIK", "NIK"),
        "person.no_kk": ("Nomor KK", "Family card (KK)"),
        "person.from_nik": (
            "Isi tanggal lahir dan jenis kelamin dari NIK",
            "Fill date of birth and sex from the NIK",
        ),
        "person.address": ("Alamat", "Address"),
        "person.region": ("Desa/kelurahan", "Village/ward"),
        "person.region.placeholder": (
            "Ketik nama desa, kecamatan atau kabupaten…",
            "Type a village, district or regency…",
        ),
        "person.phone": ("Telepon", "Phone"),
        "person.guardian_name": ("Nama wali/keluarga", "Guardian/family contact"),
        "person.guardian_relation": ("Hubungan", "Relation"),
        "person.guardian_phone": ("Telepon wali", "Guardian's phone"),
        "person.disabilities": ("Disabilitas", "Disabilities"),
        "person.disabilities.placeholder": (
            "pisahkan dengan koma, mis. netra, daksa",
            "separate with commas, e.g. visual, physical",
        ),
        "person.dtsen_desil": ("Desil DTSEN", "DTSEN decile"),
        "person.dtsen.none": ("belum diketahui", "not known"),
        "person.required_hint": ("Kolom bertanda * wajib diisi.", "Fields marked * are required."),
    }
)

PERSON_FIELDS = (
    "name", "nickname", "sex", "birth_date", "birth_date_estimated", "birthplace", "nik", "no_kk", "address",
    "region_code", "phone", "guardian_name", "guardian_relation", "guardian_phone", "disabilities", "dtsen_desil",
)  # fmt: skip


class RegionField(QLineEdit):
    """Type part of a region's name and pick it; `code()` is the Kemendagri code chosen (or typed)."""

    def __init__(self, code: str | None = None, near: Callable[[], list[str]] | None = None) -> None:
        super().__init__()
        self.setPlaceholderText(tr("person.region.placeholder"))
        self._near = near or list  # the places offered first, asked for at each search
        self._code = ""
        self._choices: dict[str, str] = {}
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        completer.activated.connect(self._picked)
        self.setCompleter(completer)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._search)
        self.textEdited.connect(self._edited)
        if code:
            self.set_code(code)

    def set_code(self, code: str | None) -> None:
        self._code = code or ""
        self.setText(regions.region_label(code) if code else "")

    def code(self) -> str:
        text = self.text().strip()
        if self._code or not text:
            return self._code
        return text if text[:1].isdigit() else ""  # a typed code is validated; typed words are not a choice

    def _edited(self, _text: str) -> None:
        self._code = ""
        self._timer.start()

    def _search(self) -> None:
        text = self.text().strip()
        if len(text) < 3:
            return
        self._choices = {}
        for code, _name in regions.search_regions(text, 15, self._near()):
            self._choices[regions.region_label(code)] = code
        self._model.setStringList(list(self._choices))
        self.completer().complete()

    def _picked(self, text: str) -> None:
        self._code = self._choices.get(text, "")
        self.setText(text)
        self.edited_code.emit()

    edited_code = Signal()


class PersonForm(QWidget):
    """`values()` gives the person dict; `issues()` the current validation; `changed` after each edit."""

    changed = Signal()

    def __init__(
        self, person: dict[str, Any] | None = None, home: Callable[[], list[str]] | None = None
    ) -> None:
        """`home`: where the unit's clients live (queries.home_places), asked once at the first region
        search and offered first after the places the typed NIK names."""
        super().__init__()
        person = person or {}
        self._home_query = home
        self._home: list[str] | None = None
        self.widgets: dict[str, QWidget] = {}
        self.field_issues: dict[str, IssueList] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(6)
        outer.addLayout(form)

        self.name = QLineEdit(person.get("name") or "")
        self.nickname = QLineEdit(person.get("nickname") or "")
        self.sex = combo(
            [(tr("person.sex.none"), ""), (tr("person.sex.L"), "L"), (tr("person.sex.P"), "P")],
            person.get("sex") or "",
        )
        self.birth_date = DateField(person.get("birth_date"))
        self.estimated = QCheckBox(tr("person.estimated"))
        self.estimated.setChecked(bool(person.get("birth_date_estimated")))
        self.birthplace = QLineEdit(person.get("birthplace") or "")
        self.nik = QLineEdit(person.get("nik") or "")
        self.nik.setMaxLength(24)
        self.nik.setPlaceholderText("3515xxxxxxxxxxxx")
        self.from_nik = button(tr("person.from_nik"), flat=True)
        self.from_nik.setVisible(False)
        self.from_nik.clicked.connect(self._fill_from_nik)
        self.no_kk = QLineEdit(person.get("no_kk") or "")
        self.no_kk.setMaxLength(24)
        self.address = QPlainTextEdit(person.get("address") or "")
        self.address.setFixedHeight(54)
        self.address.setTabChangesFocus(True)
        self.region = RegionField(
            person.get("region_code"), near=lambda: regions.nik_places(self.nik.text()) + self.home()
        )
        self.phone = QLineEdit(person.get("phone") or "")
        self.guardian_name = QLineEdit(person.get("guardian_name") or "")
        self.guardian_relation = QLineEdit(person.get("guardian_relation") or "")
        self.guardian_phone = QLineEdit(person.get("guardian_phone") or "")
        disabilities = person.get("disabilities") or []
        if isinstance(disabilities, str):
            try:
                disabilities = json.loads(disabilities)
            except ValueError:
                disabilities = [disabilities]
        self.disabilities = QLineEdit(", ".join(disabilities))
        self.disabilities.setPlaceholderText(tr("person.disabilities.placeholder"))
        self.desil = QSpinBox()
        self.desil.setRange(0, 10)
        self.desil.setSpecialValueText(tr("person.dtsen.none"))
        self.desil.setValue(int(person.get("dtsen_desil") or 0))
        self.desil.setMaximumWidth(160)

        def add(field: str, title: str, widget: QWidget, required: bool = False) -> None:
            issues = IssueList()
            issues.setVisible(False)
            self.field_issues[field] = issues
            self.widgets[field] = widget
            box = QVBoxLayout()
            box.setSpacing(2)
            box.setContentsMargins(0, 0, 0, 0)
            if isinstance(widget, QWidget):
                box.addWidget(widget)
            box.addWidget(issues)
            form.addRow(title + (" *" if required else ""), box)

        add("name", tr("person.name"), self.name, required=True)
        add("nickname", tr("person.nickname"), self.nickname)
        add("sex", tr("person.sex"), self.sex)
        birth = QWidget()
        birth_row = QHBoxLayout(birth)
        birth_row.setContentsMargins(0, 0, 0, 0)
        birth_row.addWidget(self.birth_date)
        birth_row.addWidget(self.estimated)
        birth_row.addStretch(1)
        add("birth_date", tr("person.birth_date"), birth)
        add("birthplace", tr("person.birthplace"), self.birthplace)
        nik_box = QWidget()
        nik_col = QVBoxLayout(nik_box)
        nik_col.setContentsMargins(0, 0, 0, 0)
        nik_col.setSpacing(2)
        nik_col.addWidget(self.nik)
        nik_col.addWidget(self.from_nik, 0, Qt.AlignmentFlag.AlignLeft)
        add("nik", tr("person.nik"), nik_box)
        add("no_kk", tr("person.no_kk"), self.no_kk)
        add("address", tr("person.address"), self.address)
        add("region_code", tr("person.region"), self.region)
        add("phone", tr("person.phone"), self.phone)
        add("guardian_name", tr("person.guardian_name"), self.guardian_name)
        add("guardian_relation", tr("person.guardian_relation"), self.guardian_relation)
        add("guardian_phone", tr("person.guardian_phone"), self.guardian_phone)
        add("disabilities", tr("person.disabilities"), self.disabilities)
        add("dtsen_desil", tr("person.dtsen_desil"), self.desil)
        self.other_issues = IssueList()
        self.other_issues.setVisible(False)
        outer.addWidget(self.other_issues)
        outer.addWidget(label(tr("person.required_hint"), "muted"))

        for widget in (self.name, self.nickname, self.birth_date, self.birthplace, self.nik, self.no_kk,
                       self.region, self.phone, self.guardian_name, self.guardian_relation,
                       self.guardian_phone, self.disabilities):  # fmt: skip
            widget.textChanged.connect(self._edited)
        self.address.textChanged.connect(self._edited)
        self.sex.currentIndexChanged.connect(self._edited)
        self.estimated.toggled.connect(self._edited)
        self.desil.valueChanged.connect(self._edited)
        self.region.edited_code.connect(self._edited)
        # a required field's error is said once the user left that field or tried to go on, not before
        self.left: set[str] = set()
        self.show_all = False
        for field, widget in self.widgets.items():
            on_leave(widget, lambda field=field: self._left_field(field))
        self._issues: list[Issue] = []
        self.revalidate()

    def _left_field(self, field: str) -> None:
        if field not in self.left:
            self.left.add(field)
            self.revalidate()

    def show_all_issues(self) -> None:
        """The user tried to go on: say every problem, the missing required answers too."""
        self.show_all = True
        self.revalidate()

    def values(self) -> dict[str, Any]:
        disabilities = [d.strip() for d in self.disabilities.text().split(",") if d.strip()]
        return {
            "name": self.name.text().strip(),
            "nickname": self.nickname.text().strip(),
            "sex": self.sex.currentData() or None,
            "birth_date": self.birth_date.iso() or None,
            "birth_date_estimated": int(self.estimated.isChecked()),
            "birthplace": self.birthplace.text().strip(),
            "nik": validation.normalize_nik(self.nik.text()) or None,
            "no_kk": validation.normalize_nik(self.no_kk.text()) or None,
            "address": self.address.toPlainText().strip(),
            "region_code": self.region.code() or None,
            "phone": self.phone.text().strip(),
            "guardian_name": self.guardian_name.text().strip(),
            "guardian_relation": self.guardian_relation.text().strip(),
            "guardian_phone": self.guardian_phone.text().strip(),
            "disabilities": json.dumps(disabilities, ensure_ascii=False) if disabilities else None,
            "dtsen_desil": self.desil.value() or None,
        }

    def issues(self) -> list[Issue]:
        return list(self._issues)

    def has_errors(self) -> bool:
        return any(i.is_error for i in self._issues)

    def _edited(self, *_args: object) -> None:
        self.revalidate()
        self.changed.emit()

    def revalidate(self) -> None:
        values = self.values()
        self._issues = validation.validate_person(values)
        by_field: dict[str, list[tuple[str, str]]] = {}
        for issue in self._issues:
            target = issue.field if issue.field in self.field_issues else "_other"
            if issue.code == "required" and not self.show_all and issue.field not in self.left:
                continue  # do not scold an empty field before the user left it or tried to go on
            by_field.setdefault(target, []).append((issue.severity, issue.text()))
        for field, issues in self.field_issues.items():
            issues.set_issues(by_field.get(field, []))
            widget = self.widgets[field]
            if isinstance(widget, QLineEdit | QComboBox | QPlainTextEdit):
                mark_invalid(widget, any(s == "error" for s, _ in by_field.get(field, [])))
        self.other_issues.set_issues(by_field.get("_other", []))
        nik = values.get("nik") or ""
        can_fill = (
            len(nik) == 16
            and validation.nik_birth_date(nik) is not None
            and (not values.get("birth_date") or not values.get("sex"))
        )
        self.from_nik.setVisible(can_fill)

    def home(self) -> list[str]:
        if self._home is None:
            self._home = self._home_query() if self._home_query else []
        return self._home

    def _fill_from_nik(self) -> None:
        nik = validation.normalize_nik(self.nik.text())
        born, sex = validation.nik_birth_date(nik), validation.nik_sex(nik)
        if born and not self.birth_date.text().strip():
            self.birth_date.setText(born.strftime("%d/%m/%Y"))
        if sex and not self.sex.currentData():
            self.sex.setCurrentIndex(self.sex.findData(sex))
        self.revalidate()
