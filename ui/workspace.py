"""The signed-in workspace: the navigation list with counts, the case list, the review queue and the
open case. Counts and lists are read on the background reader; the open case is read on the UI thread
(one case is a handful of small indexed queries)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from caseworker.errors import NotFound
from caseworker.store import queries, reviews
from caseworker.store.queries import CaseFilter
from caseworker.store.store import Store
from caseworker.sync import quarantine, rejections
from caseworker.sync import state as sync_state
from ui.case_list import CaseListPage
from ui.case_view import CaseView
from ui.i18n import register, tr
from ui.settings import Settings
from ui.style import icon
from ui.tasks import DbReader
from ui.widgets import label

register(
    {
        "nav.header": ("KASUS", "CASES"),
        "nav.mine": ("Kasus saya", "My cases"),
        "nav.facility": ("Kasus unit", "Facility cases"),
        "nav.due": ("Tindak lanjut jatuh tempo", "Follow-ups due"),
        "nav.review": ("Antrean tinjauan", "Review queue"),
        "nav.conflicts": ("Konflik", "Conflicts"),
        "role.worker": ("Pekerja sosial", "Social worker"),
        "role.supervisor": ("Supervisor", "Supervisor"),
        "role.staff": ("Staf", "Staff"),
        "role.admin": ("Admin", "Admin"),
        "nav.returned": ("Dikembalikan ke saya", "Returned to me"),
        "nav.dashboard": ("Dasbor", "Dashboard"),
        "nav.duplicates": ("Data ganda", "Duplicates"),
        "nav.referrals": ("Rujukan masuk", "Incoming referrals"),
        "nav.header.supervise": ("SUPERVISI", "SUPERVISION"),
    }
)

NAV_KEYS = ("mine", "facility", "due", "conflicts", "review", "referrals", "dashboard", "duplicates")
SUPERVISOR_ONLY = ("dashboard", "duplicates", "referrals")
NAV_ICONS = {"mine": "user", "facility": "users", "due": "calendar", "review": "review", "conflicts": "conflict",
             "dashboard": "growth", "duplicates": "users", "referrals": "import"}  # fmt: skip
LIST_KEYS = ("mine", "facility", "due", "drill")
COUNT_ROLE = Qt.ItemDataRole.UserRole + 10
KEY_ROLE = Qt.ItemDataRole.UserRole + 11


def wrap_words(text: str, metrics: QFontMetrics, room: int) -> str:
    """`text` broken at spaces into lines no wider than `room` (a word longer than that keeps a line of
    its own): the sidebar is 250 px wide and "Tindak lanjut jatuh tempo" is not."""
    lines: list[str] = []
    for word in text.split():
        if lines and metrics.horizontalAdvance(f"{lines[-1]} {word}") <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines) or text


class NavDelegate(QStyledItemDelegate):
    """The usual item, with its count in a quiet pill at the right edge. A title too long for the
    sidebar goes onto a second line rather than being cut ("Tindak lanjut jatuh te…")."""

    def __init__(self, parent: QListWidget) -> None:
        super().__init__(parent)
        self.painted: dict[int, str] = {}  # row: the text last drawn (tests read it)

    @staticmethod
    def _pill(metrics: QFontMetrics, count: Any) -> tuple[str, int]:
        text = "" if count is None else f"{count:,}".replace(",", ".")
        return text, (metrics.horizontalAdvance(text) + 14 if text else 0)

    def text_room(self, option: QStyleOptionViewItem, index) -> int:  # noqa: ANN001
        """The width the title may take: the row less the icon, the padding and the count's pill."""
        width = option.rect.width()
        view = self.parent()
        if width <= 0 and isinstance(view, QListWidget):
            width = view.viewport().width()
        _text, pill = self._pill(option.fontMetrics, index.data(COUNT_ROLE))
        return max(20, width - pill - option.decorationSize.width() - 44)

    def _title(self, option: QStyleOptionViewItem, index) -> str:  # noqa: ANN001
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        return wrap_words(opt.text, opt.fontMetrics, self.text_room(opt, index))

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: ANN001, N802
        size = super().sizeHint(option, index)
        lines = self._title(option, index).count("\n") + 1
        return QSize(size.width(), max(size.height(), 38, lines * option.fontMetrics.lineSpacing() + 18))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:  # noqa: ANN001
        metrics = option.fontMetrics
        text, pill = self._pill(metrics, index.data(COUNT_ROLE))
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title = self._title(option, index)
        self.painted[index.row()] = title
        widget = option.widget
        style = widget.style() if widget else QApplication.style()
        area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        opt.text = ""  # the style draws the row and its icon; the title is drawn here, since the item
        style.drawControl(
            QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget
        )  # view's text is one line
        painter.save()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        painter.setPen(
            QColor("#0d4f63") if selected else opt.palette.color(QPalette.ColorRole.Text)
        )  # ui.style
        painter.setFont(opt.font)
        area.setRight(option.rect.right() - pill - 14)
        painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        painter.restore()
        if not text:
            return
        painter.save()
        rect = QRect(option.rect.right() - pill - 10, option.rect.center().y() - 10, pill, 20)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        alert = (
            index.data(KEY_ROLE) in ("due", "conflicts", "review", "referrals") and index.data(COUNT_ROLE) > 0
        )
        painter.setBrush(QColor("#fde8e6") if alert else QColor("#eef1f4"))
        painter.drawRoundedRect(rect, 10, 10)
        painter.setPen(QColor("#b42318") if alert else QColor("#4a5866"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


class Workspace(QWidget):
    pending_changed = Signal(int)  # outbox rows waiting for sync
    case_opened = Signal(str)
    files_requested = Signal(str)  # a case's "Unduh sekarang" (the window's sync controller runs it)

    def __init__(self, store: Store, settings: Settings) -> None:
        super().__init__()
        self.store, self.settings = store, settings
        self.reader = DbReader(store, self)
        self.workers = {r["username"]: r["full_name"] or r["username"]
                        for r in store.query("SELECT username, full_name FROM users ORDER BY full_name")}  # fmt: skip
        self.case_view: CaseView | None = None
        self.current_nav = "mine"
        self.counts: dict[str, int] = {}

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        side = QWidget()
        side.setObjectName("Sidebar")
        side.setStyleSheet("QWidget#Sidebar { background: #ffffff; border-right: 1px solid #d5dbe2; }")
        side.setFixedWidth(max(250, settings.nav_width or 0))
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(0)
        brand = label(tr("app.name"), "brand")
        brand.setContentsMargins(18, 14, 10, 0)
        side_layout.addWidget(brand)
        facility = label(store.facility().get("name") or store.user.facility_code, "muted", wrap=True)
        facility.setContentsMargins(18, 0, 10, 6)
        side_layout.addWidget(facility)
        header = label(tr("nav.header"))
        header.setObjectName("NavHeader")
        side_layout.addWidget(header)
        self.nav = QListWidget()
        self.nav.setObjectName("NavList")
        self.nav.setItemDelegate(NavDelegate(self.nav))
        self.nav.setIconSize(QSize(18, 18))
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.nav.setResizeMode(QListView.ResizeMode.Adjust)  # rows re-measured at the sidebar's width
        self.nav.setStyleSheet("QListWidget#NavList { border: none; }")
        joined = sync_state.is_server_profile(store)
        for key in NAV_KEYS:
            if key in SUPERVISOR_ONLY and not store.user.is_supervisor:
                continue
            if key in ("conflicts", "referrals") and not joined:  # a standalone laptop never syncs
                continue
            title = (
                tr("nav.returned") if key == "review" and not store.user.is_supervisor else tr(f"nav.{key}")
            )
            item = QListWidgetItem(icon(NAV_ICONS[key]), title)
            item.setData(KEY_ROLE, key)
            self.nav.addItem(item)
        self.nav.currentItemChanged.connect(lambda cur, _prev: cur and self.show_nav(cur.data(KEY_ROLE)))
        side_layout.addWidget(self.nav, 1)
        me = label(f"{store.user.full_name or store.user.username}\n{tr('role.' + store.user.role)}", "muted")
        me.setContentsMargins(18, 8, 10, 14)
        side_layout.addWidget(me)
        layout.addWidget(side)

        self.pages = QStackedWidget()
        self.list_page = CaseListPage(store, self.reader, settings, self.workers)
        self.list_page.open_case.connect(self.open_case)
        self.list_page.new_case.connect(self.new_case)
        self.pages.addWidget(self.list_page)
        self.side_pages: dict[str, QWidget] = {}  # review, dashboard, duplicates: built when first shown
        layout.addWidget(self.pages, 1)
        self.nav.setCurrentRow(0)
        self.refresh_counts()
        self.list_page.load_index()

    # -- navigation ------------------------------------------------------------------------------------
    def nav_filter(self, key: str) -> CaseFilter:
        me = self.store.user.username
        return {
            "mine": CaseFilter(assigned_to=me),
            "facility": CaseFilter(),
            "due": queries.due_filter(self.store.user),  # a worker's own; a supervisor's the facility's
            "conflicts": CaseFilter(status=None, conflict=True),
        }.get(key, CaseFilter())

    def show_nav(self, key: str) -> None:
        self.current_nav = key
        self.close_case()
        if key not in LIST_KEYS:
            page = self.side_page(key)
            self.pages.setCurrentWidget(page)
            page.refresh()
            return
        self.pages.setCurrentWidget(self.list_page)
        self.list_page.set_view(tr(f"nav.{key}"), self.nav_filter(key))

    def side_page(self, key: str) -> QWidget:
        """The supervision screens (ui.supervisor), made on first use."""
        page = self.side_pages.get(key)
        if page is not None:
            return page
        if key == "conflicts":
            from ui.sync.conflicts_view import ConflictsView

            page = ConflictsView(self.store, self.workers)
            page.caseRequested.connect(self.open_case)
            page.changed.connect(self.data_changed)
            self.side_pages[key] = page
            self.pages.addWidget(page)
            return page
        from ui import supervisor

        if key == "referrals":  # issue 19
            from ui.referrals_view import IncomingReferralsView

            page = IncomingReferralsView(self.store)
        elif key == "review":
            page = supervisor.review_view_for(self.store, self.reader)
        elif key == "dashboard":
            page = supervisor.DashboardView(self.store, reader=self.reader)
            page.casesRequested.connect(self.show_case_ids)
        else:
            page = supervisor.DuplicatesView(self.store)
        if hasattr(page, "caseRequested"):
            page.caseRequested.connect(self.open_case)
        if hasattr(page, "changed"):
            page.changed.connect(self.data_changed)
        self.side_pages[key] = page
        self.pages.addWidget(page)
        return page

    def show_case_ids(self, title: str, ids: list[str]) -> None:
        """A drill-down from the dashboard: exactly these cases, still searchable and sortable."""
        self.current_nav = "drill"
        self.close_case()
        self.nav.blockSignals(True)
        self.nav.clearSelection()
        self.nav.setCurrentRow(-1)
        self.nav.blockSignals(False)
        self.pages.setCurrentWidget(self.list_page)
        self.list_page.set_view(title, CaseFilter(status=None), only=ids)

    def select_nav(self, key: str) -> None:
        for i in range(self.nav.count()):
            if self.nav.item(i).data(KEY_ROLE) == key:
                if self.nav.currentRow() == i:
                    self.show_nav(key)
                else:
                    self.nav.setCurrentRow(i)
                return

    # -- counts and refresh ----------------------------------------------------------------------------
    def refresh_counts(self) -> None:
        server = sync_state.is_server_profile(self.store)

        def count(r: Store) -> dict[str, Any]:
            out: dict[str, Any] = queries.navigation_counts(r)
            mine = reviews.review_queue(r) if r.user.is_supervisor else reviews.returned_to_me(r)
            out["review"] = len(mine)
            # what the Conflicts page lists: open conflicts, changes the server refused, rows set aside
            out["conflicts"] = sync_state.open_conflict_count(r) + rejections.count(r) + quarantine.count(r)
            if server and r.user.is_supervisor:  # referrals waiting for this facility's answer (issue 19)
                out["referrals"] = r.conn.execute(
                    "SELECT count(*) FROM referral_inbox WHERE status = 'sent' AND deleted = 0 AND facility_code = ?"
                    " AND id NOT IN (SELECT row_id FROM outbox WHERE table_name = 'referral_inbox')",
                    [r.user.facility_code or ""],
                ).fetchone()[0]
            out["_pending"] = r.conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
            out["_waiting"] = sync_state.waiting_for_others(r) if server else 0  # of other users here
            out["_sync"] = sync_state.case_states(r) if server else None
            return out

        self.reader.submit("counts", count, self._show_counts)

    def _show_counts(self, counts: dict[str, Any]) -> None:
        self.counts = counts
        for i in range(self.nav.count()):
            item = self.nav.item(i)
            key = item.data(KEY_ROLE)
            item.setData(COUNT_ROLE, counts.get(key))
        self.nav.doItemsLayout()  # a count's pill can push a title onto a second line: rows re-measured
        self.list_page.model.set_sync_states(counts.get("_sync"))
        self.pending_changed.emit(counts.get("_pending", 0))

    def data_changed(self) -> None:
        """After any write: the open list re-queries, counts and the status bar catch up."""
        self.list_page.rows_changed()
        current = self.pages.currentWidget()
        if current in self.side_pages.values() and hasattr(current, "refresh"):
            current.refresh()
        self.refresh_counts()

    def after_sync(self) -> None:
        """A sync changed rows behind the UI's back: forget the list's cached copy (pulled rows may carry
        older times than the copy knows), re-read the people, lists, counts, and the open case or page."""
        self.workers.clear()
        self.workers.update({r["username"]: r["full_name"] or r["username"]
                             for r in self.store.query("SELECT username, full_name FROM users ORDER BY full_name")})  # fmt: skip
        cache = self.list_page.cache
        self.reader.submit("list_reset", lambda _r: cache.reset(), lambda _r: None)
        self.list_page.model.refresh_rows()
        self.list_page.refresh()
        self.list_page.load_index()
        current = self.pages.currentWidget()
        if self.showing_case():
            try:
                self.case_view.reload()
            except NotFound:  # the case left this device (reassigned out of scope)
                self.back_to_list()
        elif current in self.side_pages.values() and hasattr(current, "refresh"):
            current.refresh()
        self.refresh_counts()

    # -- cases -----------------------------------------------------------------------------------------
    def open_case(self, case_id: str) -> CaseView:
        view = self.case_view
        if view is None:
            view = CaseView(self.store, case_id, self.workers)
            view.back.connect(self.back_to_list)
            view.changed.connect(self.data_changed)
            view.print_requested.connect(self._print)
            view.files_requested.connect(self.files_requested)
            self.case_view = view
            self.pages.addWidget(view)
        else:
            view.load(case_id)
        self.pages.setCurrentWidget(view)
        self.case_opened.emit(case_id)
        return view

    def _print(self, case_id: str) -> None:
        window = self.window()
        if hasattr(window, "print_case"):
            window.print_case(case_id)

    def close_case(self) -> None:
        """Leave the case view (kept for the next case, with its dialog closed)."""
        if self.case_view is not None and self.case_view.dialog is not None:
            from ui.guarded_dialog import close_dialog

            close_dialog(self.case_view.dialog)  # asks nothing, keeps a draft

    def back_to_list(self) -> None:
        self.close_case()
        if self.current_nav in self.side_pages:
            self.pages.setCurrentWidget(self.side_pages[self.current_nav])
        else:
            self.pages.setCurrentWidget(self.list_page)
            self.list_page.table.setFocus()

    def showing_case(self) -> bool:
        return self.case_view is not None and self.pages.currentWidget() is self.case_view

    def current_case_id(self) -> str | None:
        if self.showing_case():
            return self.case_view.case_id
        if self.pages.currentWidget() is self.list_page:
            return self.list_page.selected_case_id()
        return None

    def new_case(self) -> None:
        from ui.case_dialogs import NewCaseDialog

        dialog = NewCaseDialog(self.store, self.workers, self)
        dialog.case_created.connect(self._created)
        dialog.open_existing.connect(self.open_case)
        self.new_case_dialog = dialog
        dialog.open()

    def _created(self, case_id: str) -> None:
        self.data_changed()
        self.open_case(case_id)

    def focus_search(self) -> None:
        if self.pages.currentWidget() is not self.list_page:
            self.back_to_list()
            if self.pages.currentWidget() is not self.list_page:
                self.select_nav("facility")
        self.list_page.focus_search()

    def shutdown(self) -> None:
        self.reader.close()
