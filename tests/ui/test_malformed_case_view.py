"""The case view and the assessment view tolerate malformed stored values (an older server accepted
anything): non-JSON answers and scores, a non-date birth date and assessment date, scores of another shape.
They show the raw text or nothing, and keep going."""

from __future__ import annotations

from caseworker.store import cases
from tests.ui.conftest import wait_idle
from ui.assessment import AssessmentViewDialog, score_lines


def test_case_view_and_assessment_view_show_malformed_values(qtbot, signed_in) -> None:
    window = signed_in
    store = window.store
    case_id = store.one(
        "SELECT c.id FROM cases c JOIN persons p ON p.id = c.person_id WHERE p.name = 'Siti Aminah'"
    )["id"]
    cases.add_record(store, "assessments", case_id, {"form_id": "kpsp", "form_version": 1,
                     "assessed_at": "2026-10-01", "data": {"q1": "ya"}})  # fmt: skip
    cases.add_record(store, "assessments", case_id, {"form_id": "kpsp", "form_version": 1,
                     "assessed_at": "2026-10-02", "data": {"q1": "ya"}})  # fmt: skip
    store.conn.execute(
        "UPDATE assessments SET data = '{bukan json', scores = 'skor?', assessed_at = 'kemarin'"
        " WHERE rowid = (SELECT min(rowid) FROM assessments)"
    )
    store.conn.execute(
        'UPDATE assessments SET form_id = NULL, scores = \'{"total": {"value": 3}}\''
        " WHERE rowid = (SELECT max(rowid) FROM assessments)"
    )
    store.conn.execute("UPDATE persons SET birth_date = '31-02-2020' WHERE name = 'Siti Aminah'")
    with store.transaction() as txn:
        txn.touched_cases.add(case_id)
    window.workspace.data_changed()
    wait_idle(qtbot, window)

    view = window.workspace.open_case(case_id)
    wait_idle(qtbot, window)
    assert view.isVisible()
    rows = store.query("SELECT * FROM assessments WHERE case_id = ? ORDER BY rowid", [case_id])
    for row in rows:
        from caseworker.store.values import json_or_raw

        shown = {**row, "data": json_or_raw(row["data"]), "scores": json_or_raw(row["scores"])}
        dialog = AssessmentViewDialog(shown, view)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.close()
    assert score_lines({"total": {"value": 3}}) == ["{'value': 3}"]
