"""Small cells: 1-4 hidden as '<5', and enough others hidden ('*') that no hidden one can be worked out."""

from __future__ import annotations

from caseworker.server.web.suppression import PRIMARY, SECONDARY, grid


def _recoverable(g) -> bool:  # noqa: ANN001
    """Whether some line (cells and their total) has exactly one hidden number."""
    lines = [[*(g.cell(r, c) for c in g.columns), g.row_totals[r]] for r in g.rows]
    lines += [[*(g.cell(r, c) for r in g.rows), g.column_totals[c]] for c in g.columns]
    lines += [[*g.column_totals.values(), g.total], [*g.row_totals.values(), g.total]]
    return any(sum(1 for cell in line if cell.hidden) == 1 for line in lines)


def test_small_counts_are_hidden_and_cannot_be_worked_out():
    g = grid({"SDA": {"01": 3, "02": 10, "03": 12}, "MLG": {"01": 8, "02": 9, "03": 0}}, ["01", "02", "03"])
    assert g.cell("SDA", "01").hidden == PRIMARY and g.cell("SDA", "01").text() == "<5"
    assert not _recoverable(g)
    hidden = {(r, c) for (r, c), cell in g.cells.items() if cell.hidden == SECONDARY}
    assert hidden  # SDA's row and column 01 each needed another hidden number
    assert g.total.text() == "42" and g.cell("MLG", "03").text() == "0"  # zero reveals nobody


def test_a_lone_small_cell_hides_its_total():
    g = grid({"SDA": {"01": 2, "02": 0}}, ["01", "02"])
    assert g.cell("SDA", "01").text() == "<5" and g.row_totals["SDA"].hidden and g.total.hidden
    assert not _recoverable(g)


def test_nothing_small_nothing_hidden():
    g = grid({"SDA": {"01": 5, "02": 7}, "MLG": {"01": 6, "02": 0}}, ["01", "02"])
    assert not any(cell.hidden for cell in g.cells.values())
    assert [g.column_totals[c].n for c in ("01", "02")] == [11, 7]


def test_many_random_tables_leave_nothing_recoverable():
    import random

    rng = random.Random(20)
    for _ in range(300):
        rows = [f"F{i}" for i in range(rng.randint(1, 5))]
        cols = [f"c{i}" for i in range(rng.randint(1, 6))]
        g = grid({r: {c: rng.choice([0, 0, 1, 2, 4, 5, 7, 20]) for c in cols} for r in rows}, cols)
        assert not _recoverable(g)
        assert all(cell.hidden for cell in [*g.cells.values(), g.total] if 0 < cell.n < 5)
