"""The Riwayat tab (issue 15, item 8): newest first with date and time, one line per reassignment, people by
full name."""

from __future__ import annotations

from datetime import datetime

from caseworker.store import cases
from tests.ui.test_cases import _open_first_case


def test_history_in_time_order_one_reassignment_full_names(qtbot, signed_in) -> None:  # noqa: ANN001
    store = signed_in.store
    view = _open_first_case(qtbot, signed_in)  # Siti Aminah, ani's case
    store.conn.execute(
        "INSERT INTO audit (at, user, action, table_name, row_id, case_id, details) VALUES (?,?,?,?,?,?,?)",
        ["2021-06-01T02:00:00Z", "budi", "print", "cases", view.case_id, view.case_id, "{}"],
    )  # a line written late with an early time (as imports and demo data do)
    cases.reassign(store, [view.case_id], "budi", "Ani cuti")
    view.reload()
    model = view.history.model
    rows = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
    whens = [datetime.strptime(when, "%d/%m/%Y %H:%M") for when, _who, _what in rows]
    assert whens == sorted(whens, reverse=True)
    moves = [what for _when, _who, what in rows if "memindahkan kasus" in what]
    assert moves == ["memindahkan kasus ke Budi Santoso: Ani cuti"]
    assert rows[0][1] == "Ani Rahmawati" and rows[0][2] == moves[0]
    assert rows[-1][1:] == ["Budi Santoso", "mencetak ringkasan kasus"]
    assert "ani" not in {who for _when, who, _what in rows}
