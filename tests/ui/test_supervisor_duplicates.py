"""The duplicate queue: merging through DuplicatesView keeps every record of both persons; "Orang berbeda"
takes a pair off the queue; reassigning through ReassignDialog needs a reason and offers only the
facility's active workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseworker import i18n
from caseworker.errors import KnownError, NotAllowed
from caseworker.store import cases, duplicates
from tests.ui.supervisor_fixtures import copy_unit, login, unit_template  # noqa: F401
from ui.supervisor import DuplicatesView, ReassignDialog
from ui.supervisor.duplicates import PairListModel


@pytest.fixture
def unit(tmp_path: Path, unit_template: Path):  # noqa: F811 - the imported fixture
    folder = copy_unit(unit_template, tmp_path / "profile")
    supervisor = login(folder, "ratna")
    budi, citra = login(folder, "budi"), login(folder, "citra")
    yield supervisor, budi, citra
    budi.close()
    citra.close()
    supervisor.close()


def _child(worker, name: str, born: str, **extra) -> tuple[str, str]:  # noqa: ANN001, ANN003
    pid = cases.register_person(worker, {"name": name, "birth_date": born, "sex": "L", **extra}).id
    cid = cases.open_case(worker, pid, "01")
    cases.add_note(worker, cid, f"Kunjungan pertama {name}")
    cases.add_record(worker, "measurements", cid, {"person_id": pid, "measured_at": "2026-11-01",
                                                   "weight_kg": 11.0, "length_cm": 84.0, "position": "lying"})  # fmt: skip
    return pid, cid


def _view(qtbot, store) -> DuplicatesView:  # noqa: ANN001
    view = DuplicatesView(store)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.refresh()
    return view


def test_merge_keeps_every_record_of_both(qtbot, unit) -> None:  # noqa: ANN001
    supervisor, budi, citra = unit
    first, first_case = _child(budi, "Muhammad Rizki Ramadhan", "2024-03-10", nik="3515081003240001")
    second, second_case = _child(citra, "Muhamad Rizky Ramadan", "2024-03-13", region_code="35.15.08.1004")
    view = _view(qtbot, supervisor)
    assert view.model.rowCount() == 1
    assert view.cells[("person", "nik")].text() == "351508••••••0001"  # masked, never the full NIK
    assert view.cells[("other", "created_by")].text() == "Citra Lestari, S.Tr.Sos."
    assert "Sidokare" in view.cells[("other", "region")].text()

    dialog = view.ask_merge()
    dialog.keep_side("other")
    with qtbot.waitSignal(view.loaded, timeout=10000):
        dialog.ok_button.click()
    assert view.model.rowCount() == 0 and view.empty.isVisibleTo(view)

    assert {r["id"] for r in supervisor.query("SELECT id FROM cases WHERE person_id = ? AND deleted = 0", [second])} == {
        first_case, second_case}  # fmt: skip
    assert (
        supervisor.one(
            "SELECT count(*) AS n FROM measurements WHERE person_id = ? AND deleted = 0", [second]
        )["n"]
        == 2
    )
    assert supervisor.one("SELECT count(*) AS n FROM notes WHERE case_id IN (?, ?) AND deleted = 0",
                          [first_case, second_case])["n"] == 2  # fmt: skip
    kept = supervisor.one("SELECT nik, region_code, deleted FROM persons WHERE id = ?", [second])
    assert kept == {
        "nik": "3515081003240001",
        "region_code": "35.15.08.1004",
        "deleted": 0,
    }  # filled from the other
    assert (
        supervisor.one("SELECT deleted FROM persons WHERE id = ?", [first])["deleted"] == 1
    )  # a tombstone, not gone
    assert supervisor.one("SELECT count(*) AS n FROM audit WHERE action = 'merge_persons'")["n"] == 1


def test_different_people_leave_the_queue(qtbot, unit) -> None:  # noqa: ANN001
    supervisor, budi, citra = unit
    a, _ = _child(budi, "Putri Ayu", "2023-05-01")
    b, _ = _child(citra, "Putri Ayu", "2023-05-20")
    view = _view(qtbot, supervisor)
    assert view.model.rowCount() == 1
    with qtbot.waitSignal(view.loaded, timeout=10000):
        view.different_button.click()
    assert view.model.rowCount() == 0
    assert (
        supervisor.one("SELECT count(*) AS n FROM persons WHERE id IN (?, ?) AND deleted = 0", [a, b])["n"]
        == 2
    )


def test_a_worker_cannot_merge(qtbot, unit) -> None:  # noqa: ANN001
    _supervisor, budi, citra = unit
    a, _ = _child(budi, "Joko Pratama", "2023-10-09")
    b, _ = _child(citra, "Joko Pratama", "2023-10-12")
    view = _view(qtbot, budi)
    assert view.model.rowCount() == 1
    assert view.merge_button.isHidden() and view.different_button.isHidden()
    with pytest.raises(NotAllowed):
        duplicates.merge(budi, a, b)


def test_pair_list_model(qtmodeltester, unit) -> None:  # noqa: ANN001
    supervisor, budi, citra = unit
    _child(budi, "Siti Aisyah", "2024-01-01")
    _child(citra, "Siti Aisah", "2024-01-05")
    model = PairListModel()
    model.set_pairs(duplicates.candidates(supervisor))
    assert model.rowCount() == 1
    qtmodeltester.check(model)


def test_reassign_needs_a_reason_and_moves_the_cases(qtbot, unit) -> None:  # noqa: ANN001
    supervisor, budi, _citra = unit
    ids = [_child(budi, name, "2024-02-02")[1] for name in ("Ani", "Bayu", "Cahya")]
    dialog = ReassignDialog(supervisor, ids[:2])
    qtbot.addWidget(dialog)
    offered = [dialog.worker.itemData(i) for i in range(dialog.worker.count())]
    assert set(offered) == {"budi", "citra", "dewi", "eko", "ratna"}  # not staff, not the disabled worker
    assert dialog.choose("citra")
    assert not dialog.confirm()
    assert dialog.errors.texts() == [KnownError("reason_required").text()]
    assert supervisor.one("SELECT count(*) AS n FROM cases WHERE assigned_to = 'citra'")["n"] == 0
    dialog.reason.setPlainText("Budi cuti tiga bulan")
    with qtbot.waitSignal(dialog.reassigned) as blocker:
        assert dialog.confirm()
    assert blocker.args == [ids[:2], "citra"]
    owners = {r["id"]: r["assigned_to"] for r in supervisor.query("SELECT id, assigned_to FROM cases")}
    assert [owners[i] for i in ids] == ["citra", "citra", "budi"]
    assert supervisor.one("SELECT count(*) AS n FROM audit WHERE action = 'reassign_reason'")["n"] == 2


def test_a_worker_cannot_reassign(qtbot, unit) -> None:  # noqa: ANN001
    supervisor, budi, _citra = unit
    cid = _child(budi, "Dimas", "2024-02-02")[1]
    dialog = ReassignDialog(budi, [cid])
    qtbot.addWidget(dialog)
    dialog.choose("citra")
    dialog.reason.setPlainText("coba")
    assert not dialog.confirm()
    assert dialog.errors.texts() == [NotAllowed(i18n.text("perm_reassign")).text()]
    assert supervisor.one("SELECT assigned_to FROM cases WHERE id = ?", [cid])["assigned_to"] == "budi"
