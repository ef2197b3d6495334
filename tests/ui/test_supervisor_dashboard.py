"""The supervisor's dashboard: its numbers equal counts taken straight from the store, every number opens
exactly its cases, and "Cetak" renders the caseload report off the UI thread."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from caseworker.dashboard import month_bounds
from caseworker.store.store import Store
from tests.ui.supervisor_fixtures import TODAY, realistic_unit
from ui.supervisor import DashboardView
from ui.supervisor.dashboard import TILES
from ui.supervisor.worker_table import COLUMNS, WorkerTableModel

FIRST, LAST = month_bounds(TODAY)
CUTOFF = (TODAY - timedelta(days=30)).isoformat()

# Independent SQL over the synced tables (not the derived case_index the core reads), one per figure.
SQL = {
    "open": "SELECT id FROM cases c WHERE deleted = 0 AND status = 'open' AND {who}",
    "new": "SELECT id FROM cases c WHERE deleted = 0 AND opened_at BETWEEN :first AND :last AND {who}",
    "closed": "SELECT id FROM cases c WHERE deleted = 0 AND status = 'closed'"
    " AND substr(closed_at, 1, 10) BETWEEN :first AND :last AND {who}",
    "overdue_cases": "SELECT DISTINCT c.id FROM cases c JOIN tasks t ON t.case_id = c.id WHERE c.deleted = 0"
    " AND c.status = 'open' AND t.deleted = 0 AND t.done_at IS NULL AND t.due_date < :today AND {who}",
    "no_contact_30": "SELECT id FROM cases c WHERE deleted = 0 AND status = 'open' AND {who} AND max(coalesce("
    "(SELECT max(substr(noted_at, 1, 10)) FROM notes n WHERE n.case_id = c.id AND n.deleted = 0), ''),"
    " coalesce(c.opened_at, '')) < :cutoff",
    "stunting": "SELECT c.id FROM cases c JOIN growth_status g ON g.case_id = c.id WHERE c.deleted = 0"
    " AND c.status = 'open' AND (g.alerts LIKE '%\"stunted\"%' OR g.alerts LIKE '%\"severely_stunted\"%') AND {who}",
    "wasting": "SELECT c.id FROM cases c JOIN growth_status g ON g.case_id = c.id WHERE c.deleted = 0"
    " AND c.status = 'open' AND (g.alerts LIKE '%\"wasted\"%' OR g.alerts LIKE '%\"severely_wasted\"%') AND {who}",
    "reviews": "SELECT DISTINCT c.id FROM cases c JOIN reviews r ON r.case_id = c.id WHERE r.deleted = 0"
    " AND r.status = 'submitted' AND {who}",
}


def direct_ids(store: Store, figure: str, username: str | None = None) -> set[str]:
    who = "1" if username is None else "coalesce(c.assigned_to, '') = :user"
    params = {"first": FIRST.isoformat(), "last": LAST.isoformat(), "today": TODAY.isoformat(),
              "cutoff": CUTOFF, "user": username}  # fmt: skip
    return {r[0] for r in store.conn.execute(SQL[figure].format(who=who), params)}


@pytest.fixture(scope="module")
def unit(tmp_path_factory) -> Store:  # noqa: ANN001
    store = realistic_unit(tmp_path_factory.mktemp("unit") / "profile", n_cases=45, seed=11)
    yield store
    store.close()


@pytest.fixture
def view(qtbot, unit: Store) -> DashboardView:  # noqa: ANN001
    widget = DashboardView(unit, today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1366, 900)
    with qtbot.waitSignal(widget.loaded, timeout=20000):
        widget.refresh()
    return widget


def test_numbers_equal_direct_counts(view: DashboardView, unit: Store) -> None:
    for key in TILES:
        assert view.tiles[key].value == len(direct_ids(unit, key)), key
    assert (
        view.tiles["open"].value > 0 and view.tiles["reviews"].value > 0 and view.tiles["stunting"].value > 0
    )
    model = view.model
    for row in range(model.rowCount() - 1):
        username = model._rows[row]["username"]
        for col, key in enumerate(COLUMNS[1:], start=1):
            shown = int(model.index(row, col).data().replace(".", ""))
            assert shown == len(direct_ids(unit, key, username)), (username, key)
    last = model.rowCount() - 1
    assert model.index(last, 0).data() == "Seluruh unit"
    assert int(model.index(last, 1).data()) == view.tiles["open"].value


def test_workers_listed_are_the_active_case_workers(view: DashboardView) -> None:
    names = [view.model.index(r, 0).data() for r in range(view.model.rowCount())]
    assert "Budi Santoso, S.Sos." in names and "Ratna Kusumawati, S.Tr.Sos." in names
    assert "Tata Usaha" not in names and "Pekerja Lama" not in names  # staff and disabled users


def test_clicking_a_table_number_emits_its_case_ids(qtbot, view: DashboardView, unit: Store) -> None:  # noqa: ANN001
    view.show()
    row = next(r for r in range(view.model.rowCount()) if view.model._rows[r]["username"] == "citra")
    for key in ("open", "no_contact_30", "reviews"):
        index = view.model.index(row, COLUMNS.index(key))
        rect = view.table.visualRect(index)
        with qtbot.waitSignal(view.casesRequested, timeout=10000) as blocker:
            qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        title, ids = blocker.args
        assert "Citra Lestari" in title
        assert len(ids) == len(set(ids)) and set(ids) == direct_ids(unit, key, "citra"), key


def test_clicking_a_tile_emits_the_facility_cases(qtbot, view: DashboardView, unit: Store) -> None:  # noqa: ANN001
    view.show()
    for key in ("overdue_cases", "stunting", "new"):
        with qtbot.waitSignal(view.casesRequested, timeout=10000) as blocker:
            qtbot.mouseClick(view.tiles[key], Qt.MouseButton.LeftButton)
        title, ids = blocker.args
        assert "Seluruh unit" in title
        assert set(ids) == direct_ids(unit, key), key


def test_a_zero_is_not_a_link(view: DashboardView) -> None:
    row = next(r for r in range(view.model.rowCount()) if view.model._rows[r]["username"] == "ratna")
    assert view.model.drill(view.model.index(row, COLUMNS.index("open"))) is None


def test_chart_bars_open_their_cases(qtbot, view: DashboardView, unit: Store) -> None:  # noqa: ANN001
    stage, bar = view.stage_chart.sets[1]
    worker_index = next(i for i in range(bar.count()) if bar.at(i) > 0)
    username = view.stage_chart.workers[worker_index]["username"]
    with qtbot.waitSignal(view.casesRequested, timeout=10000) as blocker:
        bar.clicked.emit(worker_index)
    expected = {r[0] for r in unit.conn.execute(
        "SELECT id FROM cases WHERE deleted = 0 AND status = 'open' AND stage = ? AND assigned_to = ?", [stage, username])}  # fmt: skip
    assert set(blocker.args[1]) == expected and len(expected) == bar.at(worker_index)

    top = view.category_chart.rows[0]  # the largest category, on top
    code = view.category_chart.codes[0]
    with qtbot.waitSignal(view.casesRequested, timeout=10000) as blocker:
        qtbot.mouseClick(top, Qt.MouseButton.LeftButton)
    expected = {r[0] for r in unit.conn.execute(
        "SELECT id FROM cases WHERE deleted = 0 AND status = 'open' AND category_code = ?", [code])}  # fmt: skip
    assert set(blocker.args[1]) == expected and len(expected) == top.value


def test_print_renders_the_caseload_report(qtbot, view: DashboardView, unit: Store, monkeypatch) -> None:  # noqa: ANN001
    from ui import i18n

    before = unit.one("SELECT count(*) AS n FROM audit WHERE action = 'print'")["n"]
    monkeypatch.setattr(i18n.core_i18n, "_current", "en")  # a user working in English (set back after)
    with qtbot.waitSignal(view.pdfReady, timeout=30000) as blocker:
        view.print_button.click()
    path = Path(blocker.args[0])
    assert path.read_bytes()[:5] == b"%PDF-"
    assert unit.one("SELECT count(*) AS n FROM audit WHERE action = 'print'")["n"] == before + 1
    assert view.print_button.isEnabled()
    # Seen in the real window: Cetak rendered the report and showed nothing; it opens the preview now.
    preview = view.print_preview
    qtbot.waitUntil(preview.isVisible)
    assert preview.pdf_path == path and preview.document.pageCount() >= 1
    assert preview.options.lang == "en"  # its footer names the report's language, not a default
    preview.reject()
    qtbot.waitUntil(lambda: not path.exists())  # the private copy goes with the preview


def test_worker_table_model(qtmodeltester, view: DashboardView) -> None:  # noqa: ANN001
    qtmodeltester.check(view.model)
    qtmodeltester.check(WorkerTableModel())


def test_an_empty_unit_opens_quietly(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    from tests.ui.supervisor_fixtures import new_unit

    store = new_unit(tmp_path / "empty")
    try:
        widget = DashboardView(store)
        qtbot.addWidget(widget)
        with qtbot.waitSignal(widget.loaded, timeout=10000):
            widget.refresh()
        assert all(tile.value == 0 for tile in widget.tiles.values())
        assert widget.model.rowCount() == 6  # five workers and supervisors with no cases, and the facility
        with qtbot.assertNotEmitted(widget.casesRequested, wait=200):
            qtbot.mouseClick(widget.tiles["open"], Qt.MouseButton.LeftButton)
    finally:
        store.close()


def test_the_main_windows_reader_gives_the_same_figures(qtbot, view: DashboardView, unit: Store) -> None:  # noqa: ANN001
    from ui.tasks import DbReader

    shared = DbReader(unit)
    try:
        other = DashboardView(unit, today=TODAY, reader=shared)
        qtbot.addWidget(other)
        with qtbot.waitSignal(other.loaded, timeout=20000):
            other.refresh()
        assert {k: t.value for k, t in other.tiles.items()} == {k: t.value for k, t in view.tiles.items()}
        with qtbot.waitSignal(other.casesRequested, timeout=10000) as blocker:
            qtbot.mouseClick(other.tiles["open"], Qt.MouseButton.LeftButton)
        assert set(blocker.args[1]) == direct_ids(unit, "open")
    finally:
        shared.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_category_names_are_whole_on_the_chart_and_in_the_tooltip(qtbot, lang: str) -> None:  # noqa: ANN001
    """Qt Charts cut long names on its axis ("Penyandang Disabili…", then "Anak Balita…" on two lines): the
    rows wrap their whole name in the room a 1366x768 dashboard gives the chart (about 420 px), and the
    tooltip and Enter on a focused row work too."""
    from caseworker import i18n as core_i18n
    from caseworker.domain.reference import category_name
    from ui.supervisor.charts import CategoryChart

    core_i18n.set_language(lang)
    chart = CategoryChart()
    qtbot.addWidget(chart.panel)
    counts = {"15": 9, "25": 7, "07": 5, "05": 3, "16": 1}  # the longest names, in Indonesian and English
    chart.set_data(counts)
    chart.panel.resize(420, 600)
    chart.panel.show()
    qtbot.waitExposed(chart.panel)
    for code, row in zip(chart.codes, chart.rows, strict=True):
        whole = category_name(code).split(" (")[0]
        assert row.name.text() == whole and category_name(code) in row.toolTip()
        # drawn whole: the label got the height its wrapped lines need, and is not wider than its row
        assert row.name.height() >= row.name.heightForWidth(row.name.width()), whole
        assert row.name.geometry().right() < row.bar.geometry().left()
    assert any(row.name.height() > row.name.fontMetrics().height() * 1.5 for row in chart.rows)  # wrapped
    assert [row.value for row in chart.rows] == [9, 7, 5, 3, 1]
    assert len({row.bar.x() for row in chart.rows}) == 1  # the bars start level, whatever the names
    assert chart.rows[0].bar.share == 1 and chart.rows[-1].bar.share == pytest.approx(1 / 9)
    chart.rows[1].setFocus()
    with qtbot.waitSignal(chart.categoryClicked, timeout=2000) as blocker:
        qtbot.keyClick(chart.rows[1], Qt.Key.Key_Space)
    assert blocker.args == [chart.codes[1]]
