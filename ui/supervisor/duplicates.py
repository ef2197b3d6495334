"""The duplicate-person queue: pairs that may be one person (same NIK, or a similar name born within a
month), shown side by side. "Gabungkan" keeps one of them and moves every case, relation and measurement
of the other over (caseworker.store.duplicates.merge); "Orang berbeda" takes the pair off the queue.
NIKs are masked; nothing here reveals them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QListView,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.domain.regions import region_label
from caseworker.errors import KnownError
from caseworker.store import duplicates
from caseworker.store.cases import mask_id
from caseworker.store.store import Store
from ui import style
from ui.errors import show_error
from ui.i18n import fmt_date, register, tr
from ui.supervisor.common import model_font, read_in_background, worker_names
from ui.tasks import DbReader
from ui.widgets import IssueList, button, label

register(
    {
        "sup.dup.title": ("Kemungkinan data ganda", "Possible duplicates"),
        "sup.dup.summary": (
            "{n} pasangan perlu diperiksa. Pilih pasangan, bandingkan, lalu putuskan.",
            "{n} pairs to check. Pick a pair, compare, then decide.",
        ),  # fmt: skip
        "sup.dup.empty": ("Tidak ada kemungkinan data ganda.", "No possible duplicates."),
        "sup.dup.reason.same_nik": ("NIK sama", "Same NIK"),
        "sup.dup.reason.similar_name": (
            "Nama mirip, tanggal lahir berdekatan",
            "Similar name, close birth date",
        ),
        "sup.dup.merge": ("Gabungkan…", "Merge…"),
        "sup.dup.different": ("Orang berbeda", "Different people"),
        "sup.dup.person_a": ("Terdaftar lebih dulu", "Registered first"),
        "sup.dup.person_b": ("Terdaftar kemudian", "Registered later"),
        "sup.dup.field.name": ("Nama", "Name"),
        "sup.dup.field.nik": ("NIK", "NIK"),
        "sup.dup.field.birth_date": ("Tanggal lahir", "Date of birth"),
        "sup.dup.field.sex": ("Jenis kelamin", "Sex"),
        "sup.dup.field.region": ("Wilayah", "Region"),
        "sup.dup.field.created_by": ("Didaftarkan oleh", "Registered by"),
        "sup.dup.field.created_at": ("Tanggal daftar", "Registered on"),
        "sup.dup.field.cases": ("Kasus", "Cases"),
        "sup.dup.sex.L": ("Laki-laki", "Male"),
        "sup.dup.sex.P": ("Perempuan", "Female"),
        "sup.dup.merge.title": ("Gabungkan data orang", "Merge two persons"),
        "sup.dup.merge.keep": ("Data mana yang dipertahankan?", "Which record is kept?"),
        "sup.dup.merge.explain": (
            "Semua kasus, relasi keluarga dan pengukuran dari data yang lain dipindahkan ke data yang "
            "dipertahankan; isian yang kosong dilengkapi. Data yang lain ditandai terhapus (tidak hilang) "
            "dan penggabungan dicatat di log audit.",
            "Every case, family relation and measurement of the other record moves to the kept one; empty "
            "fields are filled in. The other record is marked deleted (not lost) and the merge is written "
            "to the audit log.",
        ),
        "sup.dup.merge.confirm": ("Gabungkan", "Merge"),
    }
)

FIELDS = ("name", "nik", "birth_date", "sex", "region", "created_by", "created_at", "cases")
PAIR_ROLE = Qt.ItemDataRole.UserRole + 60
_INVALID = QModelIndex()


def load_candidates(store: Store) -> list[dict[str, Any]]:
    """duplicates.candidates() with each person's case numbers (background reader)."""
    pairs = duplicates.candidates(store)
    ids = sorted({p[side]["id"] for p in pairs for side in ("person", "other")})
    numbers: dict[str, list[str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for person_id, number in store.conn.execute(
            f"SELECT person_id, case_number FROM cases WHERE deleted = 0 AND person_id IN ({','.join('?' * len(chunk))})"
            " ORDER BY opened_at", chunk,
        ):  # fmt: skip
            numbers.setdefault(person_id, []).append(number)
    for pair in pairs:
        for side in ("person", "other"):
            pair[side] = {**pair[side], "case_numbers": numbers.get(pair[side]["id"], [])}
    return pairs


def field_text(person: dict[str, Any], field: str, names: dict[str, str]) -> str:
    if field == "nik":
        return mask_id(person.get("nik")) or "–"
    if field == "birth_date":
        return fmt_date(person.get("birth_date")) or "–"
    if field == "created_at":
        return fmt_date(person.get("created_at")) or "–"
    if field == "sex":
        sex = person.get("sex")
        return tr(f"sup.dup.sex.{sex}") if sex in ("L", "P") else "–"
    if field == "region":
        return region_label(person.get("region_code")) or (person.get("region_code") or "–")
    if field == "created_by":
        who = person.get("created_by") or ""
        return names.get(who, who) or "–"
    if field == "cases":
        return ", ".join(person.get("case_numbers") or []) or "–"
    return person.get(field) or "–"


class PairListModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self._pairs: list[dict[str, Any]] = []

    def set_pairs(self, pairs: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._pairs = list(pairs)
        self.endResetModel()

    def pair(self, row: int) -> dict[str, Any] | None:
        return self._pairs[row] if 0 <= row < len(self._pairs) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _INVALID) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._pairs)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._pairs)):
            return None
        pair = self._pairs[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{pair['person']['name']}  ⇄  {pair['other']['name']}\n{tr('sup.dup.reason.' + pair['reason'])}"
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(style.TEXT)
        if role == Qt.ItemDataRole.FontRole and pair["reason"] == "same_nik":
            return model_font()
        if role == PAIR_ROLE:
            return pair
        return None


class MergeDialog(QDialog):
    """Choose the record to keep, read what merging does, confirm."""

    def __init__(self, pair: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pair = pair
        self.setWindowTitle(tr("sup.dup.merge.title"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(560, 300)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(label(tr("sup.dup.merge.title"), "subtitle"))
        layout.addWidget(label(tr("sup.dup.merge.keep"), wrap=True))
        self.group = QButtonGroup(self)
        for i, side in enumerate(("person", "other")):
            person = pair[side]
            text = f"{person['name']} · {fmt_date(person.get('birth_date'))} · {mask_id(person.get('nik')) or '–'}"
            radio = QRadioButton(
                f"{text}  ({tr('sup.dup.person_a' if i == 0 else 'sup.dup.person_b').lower()})"
            )
            self.group.addButton(radio, i)
            layout.addWidget(radio)
        self.group.button(0).setChecked(True)
        layout.addWidget(label(tr("sup.dup.merge.explain"), "muted", wrap=True))
        layout.addStretch(1)
        cancel = button(tr("common.cancel"))
        cancel.clicked.connect(self.reject)
        self.ok_button = button(tr("sup.dup.merge.confirm"), "check", primary=True)
        self.ok_button.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(cancel)
        row.addStretch(1)
        row.addWidget(self.ok_button)
        layout.addLayout(row)

    def keep_side(self, side: str) -> None:
        self.group.button(0 if side == "person" else 1).setChecked(True)

    def keep_and_merge(self) -> tuple[str, str]:
        keep = "person" if self.group.checkedId() == 0 else "other"
        drop = "other" if keep == "person" else "person"
        return self.pair[keep]["id"], self.pair[drop]["id"]


class DuplicatesView(QWidget):
    caseRequested = Signal(str)  # noqa: N815
    changed = Signal()
    loaded = Signal()

    def __init__(self, store: Store, reader: DbReader | None = None) -> None:
        super().__init__()
        self.setObjectName("Page")
        self.store = store
        self.reader = reader
        self.names = worker_names(store)
        self.dialog: MergeDialog | None = None
        self.loaded_once = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(8)
        layout.addWidget(label(tr("sup.dup.title"), "title"))
        self.summary = label(tr("sup.loading"), "muted")
        layout.addWidget(self.summary)
        body = QHBoxLayout()
        body.setSpacing(12)
        self.model = PairListModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setMinimumWidth(240)  # beside the comparison, the page fits 1024 pixels less the sidebar
        self.list.setMaximumWidth(380)
        self.list.setStyleSheet(
            f"QListView {{ background: #ffffff; border: 1px solid {style.BORDER}; border-radius: 8px; padding: 4px;"
            " outline: 0; } QListView::item { padding: 8px 8px; border-bottom: 1px solid #edf0f3; }"
            f" QListView::item:selected {{ background: {style.ACCENT_SOFT}; color: {style.TEXT}; border-radius: 6px; }}"
        )
        self.list.selectionModel().currentChanged.connect(lambda *_: self._show_pair())
        body.addWidget(self.list)
        self.compare = QFrame()
        self.compare.setProperty("card", True)
        self.grid = QGridLayout(self.compare)
        self.grid.setContentsMargins(16, 14, 16, 14)
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(9)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.cells: dict[tuple[str, str], Any] = {}
        self.reason = label("", "subtitle")
        self.grid.addWidget(self.reason, 0, 0, 1, 3)
        for col, side in ((1, "a"), (2, "b")):
            head = label(tr(f"sup.dup.person_{side}"), "fieldlabel", wrap=True)
            head.setStyleSheet("font-weight: 600;")
            self.grid.addWidget(head, 1, col)
        for row, field in enumerate(FIELDS, start=2):
            self.grid.addWidget(label(tr(f"sup.dup.field.{field}"), "fieldlabel"), row, 0)
            for col, side in ((1, "person"), (2, "other")):
                cell = label("", wrap=True)
                self.cells[(side, field)] = cell
                self.grid.addWidget(cell, row, col)
        self.grid.setRowStretch(len(FIELDS) + 2, 1)
        self.errors = IssueList()
        self.errors.setVisible(False)
        self.grid.addWidget(self.errors, len(FIELDS) + 3, 0, 1, 3)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.different_button = button(tr("sup.dup.different"))
        self.different_button.clicked.connect(self.mark_different)
        self.merge_button = button(tr("sup.dup.merge"), "users", primary=True)
        self.merge_button.clicked.connect(self.ask_merge)
        buttons.addWidget(self.different_button)
        buttons.addWidget(self.merge_button)
        self.grid.addLayout(buttons, len(FIELDS) + 4, 0, 1, 3)
        body.addWidget(self.compare, 1)
        self.empty = label(tr("sup.dup.empty"), "muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addLayout(body, 1)
        layout.addWidget(self.empty, 1)
        self.empty.setVisible(False)
        supervisor = store.user.is_supervisor
        self.merge_button.setVisible(supervisor)
        self.different_button.setVisible(supervisor)
        self._show_pair()

    def refresh(self) -> None:
        read_in_background(self.store, load_candidates, self.set_pairs, lambda exc: show_error(self, exc),
                           reader=self.reader, channel="sup.duplicates")  # fmt: skip

    def set_pairs(self, pairs: list[dict[str, Any]]) -> None:
        self.model.set_pairs(pairs)
        self.summary.setText(tr("sup.dup.summary", n=len(pairs)) if pairs else "")
        self.compare.setVisible(bool(pairs))
        self.list.setVisible(bool(pairs))
        self.empty.setVisible(not pairs)
        if pairs:
            self.list.setCurrentIndex(self.model.index(0, 0))
        self._show_pair()
        self.loaded_once = True
        self.loaded.emit()

    def current(self) -> dict[str, Any] | None:
        return self.model.pair(self.list.currentIndex().row())

    def _show_pair(self) -> None:
        pair = self.current()
        self.errors.set_issues([])
        self.merge_button.setEnabled(pair is not None)
        self.different_button.setEnabled(pair is not None)
        if pair is None:
            return
        self.reason.setText(tr(f"sup.dup.reason.{pair['reason']}"))
        for field in FIELDS:
            a = field_text(pair["person"], field, self.names)
            b = field_text(pair["other"], field, self.names)
            differs = a != b and field not in ("created_by", "created_at", "cases")
            for side, text in (("person", a), ("other", b)):
                cell = self.cells[(side, field)]
                cell.setText(text)
                cell.setStyleSheet(f"color: {style.WARNING}; font-weight: 600;" if differs else "")

    def ask_merge(self) -> MergeDialog | None:
        pair = self.current()
        if pair is None:
            return None
        self.dialog = MergeDialog(pair, self)
        self.dialog.accepted.connect(lambda: self._merge(self.dialog))
        self.dialog.open()
        return self.dialog

    def _merge(self, dialog: MergeDialog | None) -> None:
        if dialog is None:
            return
        keep, drop = dialog.keep_and_merge()
        self._write(lambda: duplicates.merge(self.store, keep, drop))

    def mark_different(self) -> None:
        pair = self.current()
        if pair is not None:
            self._write(
                lambda: duplicates.mark_different(self.store, pair["person"]["id"], pair["other"]["id"])
            )

    def _write(self, action) -> None:  # noqa: ANN001
        try:
            action()
        except KnownError as exc:
            self.errors.set_issues([("error", exc.text())])
            return
        self.changed.emit()
        self.refresh()
