"""Small cells are never shown: a count of 1 to 4 could point at one child of a small unit (issue 20).

A table is facility rows by value columns, with each row's total, each column's provincial total and the
grand total. Primary suppression hides every count from 1 to 4 (shown "<5"). Secondary suppression hides
more cells until no hidden one can be worked out from what is shown: in every row (its cells and its
total) and every column (its cells and the provincial total) either nothing is hidden or at least two
numbers are, so subtracting the shown ones from a total never gives back a hidden one (shown "*").
Zero is shown: a known empty cell reveals nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SMALL = 5
PRIMARY, SECONDARY = "<5", "*"


@dataclass
class Cell:
    n: int
    hidden: str | None = None  # PRIMARY or SECONDARY

    @property
    def shown(self) -> int | None:
        return None if self.hidden else self.n

    def text(self) -> str:
        return self.hidden or str(self.n)

    def number(self) -> float | int | None:
        """What a spreadsheet cell holds: the count, or None when hidden."""
        return self.shown


@dataclass
class Grid:
    """Counts of rows x columns with their totals, safe to show once `protect` has run."""

    rows: list[str]
    columns: list[str]
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    row_totals: dict[str, Cell] = field(default_factory=dict)
    column_totals: dict[str, Cell] = field(default_factory=dict)
    total: Cell = field(default_factory=lambda: Cell(0))

    def cell(self, row: str, column: str) -> Cell:
        return self.cells[(row, column)]


def grid(counts: dict[str, dict[str, int]], columns: list[str] | None = None) -> Grid:
    """A protected grid of counts[row][column]; columns default to every column seen, in order."""
    rows = sorted(counts)
    if columns is None:
        seen: dict[str, None] = {}
        for per in counts.values():
            seen.update(dict.fromkeys(per))
        columns = list(seen)
    g = Grid(rows=rows, columns=list(columns))
    for r in rows:
        for c in g.columns:
            g.cells[(r, c)] = Cell(int(counts[r].get(c, 0)))
        g.row_totals[r] = Cell(sum(int(v) for v in counts[r].values()))
    for c in g.columns:
        g.column_totals[c] = Cell(sum(g.cells[(r, c)].n for r in rows))
    g.total = Cell(sum(t.n for t in g.row_totals.values()))
    protect(g)
    return g


def _primary(cell: Cell) -> None:
    if 0 < cell.n < SMALL:
        cell.hidden = PRIMARY


def _line_safe(members: list[Cell], total: Cell) -> bool:
    """Hide one more of `members` and their `total` when exactly one is hidden. True if unchanged."""
    if sum(1 for m in (*members, total) if m.hidden) != 1:
        return True
    # The smallest shown non-zero cell (hiding a zero hides nothing: it is known to be empty); the total
    # only when no cell is left, since the same totals stand in the other tables of the page.
    candidates = [m for m in members if not m.hidden and m.n > 0]
    if not candidates:
        if total.hidden or total.n == 0:
            return True
        candidates = [total]
    min(candidates, key=lambda m: m.n).hidden = SECONDARY
    return False


def protect(g: Grid) -> None:
    cells = [*g.cells.values(), *g.row_totals.values(), *g.column_totals.values(), g.total]
    for cell in cells:
        _primary(cell)
    for _ in range(len(cells) + 1):  # every pass hides one more cell or ends
        stable = True
        for r in g.rows:
            stable &= _line_safe([g.cells[(r, c)] for c in g.columns], g.row_totals[r])
        for c in g.columns:
            stable &= _line_safe([g.cells[(r, c)] for r in g.rows], g.column_totals[c])
        stable &= _line_safe(list(g.column_totals.values()), g.total)
        stable &= _line_safe(list(g.row_totals.values()), g.total)
        if stable:
            return


def small_value(n: int) -> Cell:
    """A lone count (no table around it), suppressed when small."""
    cell = Cell(n)
    _primary(cell)
    return cell
