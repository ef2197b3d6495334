"""Every Qt model passes pytest-qt's model tester; the lazy case model reads rows a page at a time."""

from __future__ import annotations

from caseworker.store import queries
from tests.ui.conftest import wait_idle

# pytest-qt closes the test's widgets before the model tester's own teardown, so the models checked here
# are copies that no widget owns (same class, same data), kept alive until the end of the session.
_KEEP: list = []


def _copy(model):  # noqa: ANN001, ANN202
    from ui.models import CaseTableModel, RecordModel

    if isinstance(model, CaseTableModel):
        copy = CaseTableModel(model._fetch)
        copy.worker_names = model.worker_names
        copy.set_ids(model.ids())
    else:
        copy = RecordModel(model.columns)
        copy.set_rows(model.rows())
    _KEEP.append(copy)
    return copy


def test_case_table_model(signed_in, qtbot, qtmodeltester) -> None:
    ws = signed_in.workspace
    ws.select_nav("facility")
    wait_idle(qtbot, signed_in)
    model = ws.list_page.model
    assert model.rowCount() == 3
    qtmodeltester.check(_copy(model), force_py=True)


def test_case_table_model_fetches_by_page(qtbot) -> None:
    from ui.models import PAGE_SIZE, CaseTableModel

    asked: list[list[str]] = []

    def fetch(ids: list[str]) -> dict[str, dict]:
        asked.append(ids)
        return {
            i: {"case_id": i, "name": f"Orang {i}", "birth_date": "2024-01-01", "status": "open"} for i in ids
        }

    model = CaseTableModel(fetch)
    model.set_ids([str(i) for i in range(1000)])
    assert asked == []  # nothing read until a row is shown
    assert model.index(5, 0).data() == "Orang 5"
    assert model.index(PAGE_SIZE - 1, 0).data() == f"Orang {PAGE_SIZE - 1}"
    assert len(asked) == 1 and len(asked[0]) == PAGE_SIZE
    assert model.index(999, 0).data() == "Orang 999"
    assert len(asked) == 2


def test_record_models(signed_in, qtbot, qtmodeltester) -> None:
    ws = signed_in.workspace
    case_id = queries.case_ids(signed_in.store, queries.CaseFilter())[0]
    view = ws.open_case(case_id)
    for model in (view.notes.model, view.history.model, view.tasks.model, view.show_growth().model, view.assessments.model,
                  view.plan.model, view.family.model, view.documents.model, view.referrals.model):  # fmt: skip
        qtmodeltester.check(_copy(model), force_py=True)
    assert view.notes.model.rowCount() == 1


def test_stale_search_results_are_dropped(qtbot, signed_in) -> None:
    reader = signed_in.workspace.reader
    got: list[str] = []
    reader.submit("test", lambda r: "old", got.append)
    reader.submit("test", lambda r: "new", got.append)
    reader.wait()
    qtbot.waitUntil(lambda: got == ["new"], timeout=3000)
    qtbot.wait(50)
    assert got == ["new"]
