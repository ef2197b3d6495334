"""'Tindak lanjut jatuh tempo' (issue 15, item 7): a worker sees their own overdue follow-ups (their cases,
tasks assigned to them), a supervisor the facility's. Two workers' data, budi's and citra's."""

from __future__ import annotations

from caseworker.store import cases, queries
from caseworker.store.queries import CaseFilter

PAST, FUTURE = "2020-01-01", "2099-01-01"


def _seed(store) -> dict[str, str]:  # noqa: ANN001
    """name -> case id; ani (supervisor) writes everything."""
    plan = {
        # name: (case assigned to, [(task due, task assigned to)])
        "Budi Overdue": ("budi", [(PAST, None)]),
        "Budi Later": ("budi", [(FUTURE, "budi")]),
        "Citra Overdue": ("citra", [(PAST, "citra")]),
        "Citra Asks Budi": ("citra", [(PAST, "budi"), (FUTURE, "citra")]),
        "Budi Done": ("budi", []),
    }
    ids = {}
    for name, (worker, tasks) in plan.items():
        person = cases.register_person(store, {"name": name}).id
        ids[name] = case_id = cases.open_case(store, person, "02", assigned_to=worker)
        for due, who in tasks:
            cases.add_record(
                store, "tasks", case_id, {"title": "kunjungan", "due_date": due, "assigned_to": who}
            )
    done = cases.add_record(
        store, "tasks", ids["Budi Done"], {"title": "x", "due_date": PAST, "assigned_to": "budi"}
    )
    cases.complete_task(store, done)
    return ids


def _names(store, f: CaseFilter, ids: dict[str, str]) -> set[str]:  # noqa: ANN001
    by_id = {v: k for k, v in ids.items()}
    return {by_id[c] for c in queries.case_ids(store, f)}


def test_a_worker_sees_only_their_own_overdue_follow_ups(store, login) -> None:  # noqa: ANN001
    ids = _seed(store)
    budi, citra = login("budi"), login("citra")
    assert _names(budi, queries.due_filter(budi.user), ids) == {"Budi Overdue", "Citra Asks Budi"}
    assert _names(citra, queries.due_filter(citra.user), ids) == {"Citra Overdue", "Citra Asks Budi"}
    assert queries.navigation_counts(budi)["due"] == 2
    assert queries.navigation_counts(citra)["due"] == 2


def test_a_supervisor_sees_the_facilitys(store, login) -> None:  # noqa: ANN001
    ids = _seed(store)
    assert queries.due_filter(store.user) == CaseFilter(overdue=True)
    assert _names(store, queries.due_filter(store.user), ids) == {
        "Budi Overdue",
        "Citra Overdue",
        "Citra Asks Budi",
    }
    assert queries.navigation_counts(store)["due"] == 3
