"""Creating a client and their case (with the duplicate checks), and editing a client or a case.

New case: 1) the client's details; on "Lanjut" the same NIK is looked up (show that person and offer
their case) and similar names with close birth dates are listed (the worker says "ini orang yang sama" or
"orang berbeda"); 2) the case's details; saving registers the person and opens the case in one transaction.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain import regions
from caseworker.errors import KnownError
from caseworker.store import cases, queries
from caseworker.store.store import Store
from ui.case_form import CaseForm
from ui.guarded_dialog import GuardedDialog
from ui.i18n import fmt_date, register, tr
from ui.person_form import PersonForm
from ui.widgets import IssueList, button, label, scroll_body

register(
    {
        "newcase.title": ("Kasus baru", "New case"),
        "newcase.step1": ("Langkah 1 dari 2 · Data klien", "Step 1 of 2 · The client"),
        "newcase.step2": ("Langkah 2 dari 2 · Data kasus", "Step 2 of 2 · The case"),
        "newcase.next": ("Lanjut", "Next"),
        "newcase.back": ("Kembali", "Back"),
        "newcase.save": ("Simpan kasus", "Save case"),
        "newcase.existing_person": (
            "Kasus baru untuk klien yang sudah terdaftar: {name}.",
            "A new case for a client who is already registered: {name}.",
        ),
        "dup.same_nik.title": ("NIK ini sudah terdaftar", "This NIK is already registered"),
        "dup.same_nik.text": (
            "NIK {nik} sudah terdaftar atas nama {name} (lahir {born}). Satu orang hanya didaftarkan sekali.",
            "NIK {nik} is already registered to {name} (born {born}). A person is registered only once.",
        ),
        "dup.open_case": ("Buka kasusnya", "Open their case"),
        "dup.new_case_for": ("Buat kasus baru untuk orang ini", "New case for this person"),
        "dup.edit": ("Kembali ke data klien", "Back to the client's details"),
        "dup.similar.title": ("Mungkin sudah terdaftar", "May already be registered"),
        "dup.similar.text": (
            "Orang berikut bernama mirip dan lahir pada tanggal yang berdekatan. Apakah salah satunya orang yang sama?",
            "These people have a similar name and a close date of birth. Is one of them the same person?",
        ),
        "dup.same": ("Ini orang yang sama", "This is the same person"),
        "dup.different": ("Orang berbeda, lanjutkan", "A different person, go on"),
        "dup.born": ("lahir {date}", "born {date}"),
        "dup.no_case": ("belum ada kasus", "no case yet"),
        "editperson.title": ("Ubah data klien", "Edit the client's details"),
        "editcase.title": ("Ubah data kasus", "Edit the case's details"),
        "saved.warnings": ("Tersimpan, dengan catatan:", "Saved, with remarks:"),
    }
)


def _case_of_person(store: Store, person_id: str) -> dict[str, Any] | None:
    return store.one(
        "SELECT id, case_number, status FROM cases WHERE person_id = ? AND deleted = 0"
        " ORDER BY status = 'open' DESC, opened_at DESC LIMIT 1",
        [person_id],
    )


class NewCaseDialog(GuardedDialog):
    case_created = Signal(str)
    open_existing = Signal(str)
    draft_kind = "new_case"

    def __init__(self, store: Store, workers: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.existing_person: dict[str, Any] | None = None
        self.setWindowTitle(tr("newcase.title"))
        self.resize(760, 640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        self.step = label(tr("newcase.step1"), "subtitle")
        layout.addWidget(self.step)

        self.pages = QStackedWidget()
        self.person_form = PersonForm(home=lambda: queries.home_places(store))
        self.pages.addWidget(scroll_body(self.person_form))
        self.dup_page = QWidget()
        self.dup_layout = QVBoxLayout(self.dup_page)
        self.pages.addWidget(scroll_body(self.dup_page))
        case_page = QWidget()
        case_layout = QVBoxLayout(case_page)
        self.existing_note = label("", "muted", wrap=True)
        self.existing_note.setVisible(False)
        case_layout.addWidget(self.existing_note)
        self.case_form = CaseForm(
            workers=workers if store.user.is_supervisor else None, me=store.user.username
        )
        case_layout.addWidget(self.case_form)
        case_layout.addStretch(1)
        self.pages.addWidget(scroll_body(case_page))
        layout.addWidget(self.pages, 1)

        self.errors = IssueList()
        self.errors.setVisible(False)
        layout.addWidget(self.errors)
        self.cancel_button = button(tr("common.cancel"))
        self.back_button = button(tr("newcase.back"), "back")
        self.next_button = button(tr("newcase.next"), primary=True)
        self.cancel_button.clicked.connect(self.reject)
        self.back_button.clicked.connect(self._back)
        self.next_button.clicked.connect(self._next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout.addLayout(buttons)
        self.person_form.changed.connect(self._update_buttons)
        self.case_form.changed.connect(self._update_buttons)
        self._update_buttons()

    # -- navigation ------------------------------------------------------------------------------------
    def _page(self) -> int:
        return self.pages.currentIndex()

    def _update_buttons(self) -> None:
        page = self._page()
        self.back_button.setVisible(page > 0)
        self.next_button.setVisible(page != 1)
        if page == 0:
            self.next_button.setText(tr("newcase.next"))
            self.next_button.setEnabled(not self.person_form.has_errors())
        elif page == 2:
            self.next_button.setText(tr("newcase.save"))
            self.next_button.setEnabled(not self.case_form.has_errors())

    def _go(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.step.setText(tr("newcase.step2") if page == 2 else tr("newcase.step1"))
        self.errors.set_issues([])
        self._update_buttons()

    def _back(self) -> None:
        if self._page() == 2 and self.existing_person is not None:
            self.existing_person = None
            self.existing_note.setVisible(False)
        self._go(0)

    def _next(self) -> None:
        if self._page() == 0:
            self.check_duplicates()
        elif self._page() == 2:
            self.save()

    # -- duplicates ------------------------------------------------------------------------------------
    def check_duplicates(self) -> None:
        values = self.person_form.values()
        self.existing_person = None
        same = cases.find_same_nik(self.store, values.get("nik") or "")
        if same:
            self._show_same_nik(same)
            return
        similar = cases.find_similar_persons(
            self.store,
            values.get("name") or "",
            values.get("birth_date"),
            bool(values.get("birth_date_estimated")),
        )
        if similar:
            self._show_similar(similar)
            return
        self._to_case_page()

    def _clear_dup_page(self) -> None:
        while self.dup_layout.count():
            item = self.dup_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
            elif item.layout():
                _clear_layout(item.layout())

    def _person_card(self, person: dict[str, Any], same_button: bool) -> QFrame:
        frame = QFrame()
        frame.setProperty("card", True)
        lay = QHBoxLayout(frame)
        info = QVBoxLayout()
        info.addWidget(label(person.get("name") or "", "subtitle"))
        details = [tr("dup.born", date=fmt_date(person.get("birth_date")))]
        if person.get("nik"):
            details.append(f"NIK {cases.mask_id(person['nik'])}")
        if person.get("region_code"):
            details.append(regions.region_label(person["region_code"]))
        found = _case_of_person(self.store, person["id"])
        details.append(found["case_number"] if found else tr("dup.no_case"))
        info.addWidget(label(" · ".join(details), "muted", wrap=True))
        lay.addLayout(info, 1)
        if found:
            open_button = button(tr("dup.open_case"), "folder")
            open_button.setObjectName("OpenExistingCase")
            open_button.clicked.connect(lambda: self._open_existing(found["id"]))
            lay.addWidget(open_button)
        pick = button(tr("dup.same") if same_button else tr("dup.new_case_for"), "check")
        pick.setObjectName("SamePerson")
        pick.clicked.connect(lambda: self._use_existing(person))
        lay.addWidget(pick)
        return frame

    def _show_same_nik(self, person: dict[str, Any]) -> None:
        self._clear_dup_page()
        self.dup_layout.addWidget(label(tr("dup.same_nik.title"), "subtitle"))
        self.dup_layout.addWidget(
            label(
                tr(
                    "dup.same_nik.text",
                    nik=cases.mask_id(person["nik"]),
                    name=person["name"],
                    born=fmt_date(person.get("birth_date")),
                ),
                wrap=True,
            )  # fmt: skip
        )
        self.dup_layout.addWidget(self._person_card(person, same_button=False))
        edit = button(tr("dup.edit"), "edit")
        edit.clicked.connect(lambda: self._go(0))
        self.dup_layout.addWidget(edit, 0, Qt.AlignmentFlag.AlignLeft)
        self.dup_layout.addStretch(1)
        self._go(1)

    def _show_similar(self, people: list[dict[str, Any]]) -> None:
        self._clear_dup_page()
        self.dup_layout.addWidget(label(tr("dup.similar.title"), "subtitle"))
        self.dup_layout.addWidget(label(tr("dup.similar.text"), wrap=True))
        for person in people[:8]:
            self.dup_layout.addWidget(self._person_card(person, same_button=True))
        different = button(tr("dup.different"), primary=True)
        different.setObjectName("DifferentPerson")
        different.setDefault(False)  # a new person despite look-alikes is chosen on purpose, never by Enter
        different.clicked.connect(self._to_case_page)
        self.dup_layout.addWidget(different, 0, Qt.AlignmentFlag.AlignRight)
        self.dup_layout.addStretch(1)
        self._go(1)

    def _use_existing(self, person: dict[str, Any]) -> None:
        self.existing_person = person
        self.existing_note.setText(tr("newcase.existing_person", name=person["name"]))
        self.existing_note.setVisible(True)
        self._go(2)

    def _open_existing(self, case_id: str) -> None:
        self.open_existing.emit(case_id)
        self.discard_and_close()  # their case instead: nothing to keep

    def _to_case_page(self) -> None:
        self._go(2)

    def guard_save(self) -> object:
        """Simpan from the discard question: save on the case page; from the client's page go on to the
        duplicate check (the case's details are still to be given), so the dialog stays open."""
        if self._page() == 2:
            return self.save()
        if self._page() == 0 and not self.person_form.has_errors():
            self.check_duplicates()
        return None

    # -- saving ----------------------------------------------------------------------------------------
    def save(self) -> str | None:
        if self.case_form.has_errors():
            return None
        values = self.case_form.values()
        category = values.pop("category_code")
        fields = {k: v for k, v in values.items() if v not in (None, "")}
        try:
            with self.store.transaction():
                if self.existing_person is not None:
                    person_id = self.existing_person["id"]
                else:
                    person_id = cases.register_person(self.store, self.person_form.values()).id
                case_id = cases.open_case(self.store, person_id, category, **fields)
        except cases.DuplicateNik as exc:
            self.errors.set_issues([("error", exc.text())])
            return None
        except KnownError as exc:
            self.errors.set_issues([("error", exc.text())])
            return None
        self.case_created.emit(case_id)
        self.accept()
        return case_id


def _clear_layout(layout) -> None:  # noqa: ANN001
    while layout.count():
        item = layout.takeAt(0)
        if item.widget():
            item.widget().deleteLater()
        elif item.layout():
            _clear_layout(item.layout())


class EditPersonDialog(GuardedDialog):
    saved = Signal()
    draft_kind = "person"

    def __init__(self, store: Store, person: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.person = store, person
        self.setWindowTitle(tr("editperson.title"))
        self.resize(720, 640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(label(tr("editperson.title"), "subtitle"))
        self.form = PersonForm(person, home=lambda: queries.home_places(store))
        layout.addWidget(scroll_body(self.form), 1)
        self.errors = IssueList()
        self.errors.setVisible(False)
        layout.addWidget(self.errors)
        self.save_button = button(tr("common.save"), primary=True)
        cancel = button(tr("common.cancel"))
        cancel.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.form.changed.connect(lambda: self.save_button.setEnabled(not self.form.has_errors()))
        self.save_button.setEnabled(not self.form.has_errors())

    def draft_subject(self) -> str:
        return str(self.person["id"])

    def save(self) -> bool:
        values = self.form.values()
        changes = {k: v for k, v in values.items() if (self.person.get(k) or None) != (v or None)}
        if isinstance(self.person.get("disabilities"), list) and "disabilities" in changes:
            import json

            if json.dumps(self.person["disabilities"], ensure_ascii=False) == changes["disabilities"]:
                del changes["disabilities"]
        try:
            if changes:
                cases.update_person(self.store, self.person["id"], changes)
        except KnownError as exc:
            self.errors.set_issues([("error", exc.text())])
            return False
        self.saved.emit()
        self.accept()
        return True


class EditCaseDialog(GuardedDialog):
    saved = Signal()
    draft_kind = "case"

    def __init__(
        self, store: Store, case: dict[str, Any], workers: dict[str, str], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.store, self.case = store, case
        self.setWindowTitle(tr("editcase.title"))
        self.resize(680, 560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(label(tr("editcase.title"), "subtitle"))
        self.form = CaseForm(
            case, workers if store.user.is_supervisor else None, store.user.username, new=False
        )
        layout.addWidget(scroll_body(self.form), 1)
        self.errors = IssueList()
        self.errors.setVisible(False)
        layout.addWidget(self.errors)
        self.save_button = button(tr("common.save"), primary=True)
        cancel = button(tr("common.cancel"))
        cancel.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.form.changed.connect(lambda: self.save_button.setEnabled(not self.form.has_errors()))

    def save(self) -> bool:
        changes = self.form.changes()
        assigned = changes.pop("assigned_to", None)
        try:
            with self.store.transaction():
                if changes:
                    cases.update_case(self.store, self.case["id"], changes)
                if assigned:
                    cases.reassign(self.store, [self.case["id"]], assigned, tr("editcase.title"))
        except KnownError as exc:
            self.errors.set_issues([("error", exc.text())])
            return False
        self.saved.emit()
        self.accept()
        return True
