"""The "Tindak lanjut jatuh tempo" list of the window (issue 15, item 7): budi (a worker) sees his own overdue
follow-ups, not ani's; ani (the supervisor) sees the facility's. Through the window's list index too."""

from __future__ import annotations

import pytest

from caseworker.store import cases
from caseworker.store.profile import open_profile
from tests.ui.conftest import PASSWORD, login, wait_idle


@pytest.fixture
def overdue(profile_dir):  # noqa: ANN001, ANN201
    """An overdue task on each seeded case: Siti's (ani's case, for ani), Muhammad Rizki's (budi's case) and
    Sri Wahyuni's (ani's case, a task for budi)."""
    store = open_profile(profile_dir, "ani", PASSWORD)
    try:
        for name, who in (("Siti Aminah", "ani"), ("Muhammad Rizki", None), ("Sri Wahyuni", "budi")):
            case = store.one(
                "SELECT c.id FROM cases c JOIN persons p ON p.id = c.person_id WHERE p.name = ?", [name]
            )
            cases.add_record(store, "tasks", case["id"], {"title": "kunjungan", "due_date": "2020-01-01",
                                                          "assigned_to": who})  # fmt: skip
    finally:
        store.close()


def _due_list(qtbot, window) -> set[str]:  # noqa: ANN001
    window.workspace.select_nav("due")
    wait_idle(qtbot, window)
    page = window.workspace.list_page
    return {page.model.index(r, 0).data() for r in range(page.model.rowCount())}


def test_a_worker_sees_their_own_follow_ups(overdue, qtbot, window) -> None:  # noqa: ANN001
    login(qtbot, window, "budi")
    assert _due_list(qtbot, window) == {"Muhammad Rizki", "Sri Wahyuni"}
    assert window.workspace.counts["due"] == 2


def test_the_supervisor_sees_the_facilitys(overdue, qtbot, window) -> None:  # noqa: ANN001
    login(qtbot, window, "ani")
    assert _due_list(qtbot, window) == {"Siti Aminah", "Muhammad Rizki", "Sri Wahyuni"}
    assert window.workspace.counts["due"] == 3
