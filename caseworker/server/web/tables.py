"""The overview's tables as shown, exported and printed: the aggregates' counts, suppressed, with labels in
the reader's language (issue 20). The web page, the XLSX and the PDF all render these, so they show the
same numbers and the same hidden cells."""

from __future__ import annotations

from dataclasses import dataclass, field

from caseworker.domain import reference, regions
from caseworker.domain.stages import STAGES, stage_name
from caseworker.server.web import aggregates as ag
from caseworker.server.web.suppression import SECONDARY, Cell, Grid, grid, protect
from caseworker.server.web.texts import t


@dataclass
class Table:
    key: str
    title: str
    head: str  # the first column's title
    columns: list[str]
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    total: tuple[str, list[Cell]] | None = None  # the province's row
    note: str | None = None
    total_column: bool = False  # the last column is each row's total
    grids: list[Grid] = field(default_factory=list)  # where its cells come from
    short: list[str] | None = None  # short column titles for narrow pages (the PDF), same order as columns

    def bars(self) -> list[tuple[str, Cell, float]]:
        """The province row as (label, cell, share of the largest shown cell) for a bar chart."""
        if self.total is None:
            return []
        cells = self.total[1][: len(self.columns) - (1 if self.total_column else 0)]
        shown = [c.n for c in cells if c.shown is not None]
        top = max(shown, default=0) or 1
        return [(label, c, (c.n / top) if c.shown is not None else 0.0)
                for label, c in zip(self.columns, cells, strict=False)]  # fmt: skip


def _facility_label(code: str, names: dict[str, str]) -> str:
    return f"{code}: {names[code]}" if code in names else code or "-"


def _from_grid(key: str, title: str, head: str, g: Grid, labels: list[str], names: dict[str, str],
               lang: str, with_totals: bool = True) -> Table:  # fmt: skip
    total_label = t(lang, "web_total")
    table = Table(
        key, title, head, [*labels, total_label] if with_totals else labels, total_column=with_totals
    )
    for r in g.rows:
        cells = [g.cell(r, c) for c in g.columns]
        table.rows.append((_facility_label(r, names), [*cells, g.row_totals[r]] if with_totals else cells))
    cells = [g.column_totals[c] for c in g.columns]
    table.total = (t(lang, "web_province"), [*cells, g.total] if with_totals else cells)
    table.grids = [g]
    return table


def _measures(key: str, title: str, head: str, columns: dict[str, dict[str, int]], facilities: list[str],
              names: dict[str, str], lang: str) -> Table:  # fmt: skip
    """Facility rows by separate measures (not parts of a whole): each column protected on its own."""
    grids = {
        label: grid({f: {"n": per.get(f, 0)} for f in facilities}, ["n"]) for label, per in columns.items()
    }
    table = Table(key, title, head, list(columns))
    for f in facilities:
        table.rows.append((_facility_label(f, names), [grids[label].cell(f, "n") for label in columns]))
    table.total = (t(lang, "web_province"), [grids[label].column_totals["n"] for label in columns])
    table.grids = list(grids.values())
    return table


def value_label(dimension: str, value: str, lang: str) -> str:
    if value == "unknown":
        return t(lang, "web_unknown")
    if dimension == "category":
        return reference.category_name(value, lang) or value
    if dimension == "stage":
        return stage_name(value, lang)
    if dimension == "sex":
        return t(lang, f"web_sex_{value}")
    if dimension == "age_band":
        return t(lang, "web_age", band=value)
    if dimension == "disability":
        return t(lang, "web_yes_disability" if value == "yes" else "web_no_disability")
    if dimension == "desil":
        return t(lang, "web_desil", n=value)
    if dimension == "component":
        return reference.atensi_name(value, lang) or value
    return value


def _dimension_values(dimension: str, seen: set[str]) -> list[str]:
    fixed = {
        "category": [c["code"] for c in reference.categories()],
        "stage": list(STAGES),
        "sex": list(ag.SEXES),
        "age_band": list(ag.AGE_BANDS),
        "disability": list(ag.DISABILITY),
        "desil": list(ag.DESILS),
    }[dimension]
    ordered = [v for v in fixed if v in seen]  # only values that occur: 26 empty categories help nobody
    return ordered + sorted(seen - set(ordered))


def build(o: ag.Overview, lang: str) -> list[Table]:
    names = o.facilities
    f = o.filters
    months = f.months()
    facility_codes = sorted(set(names) | set(o.active) | set(o.new) | set(o.services))
    head = t(lang, "web_facility")
    tables: list[Table] = []

    active_total = {c: sum(o.active.get(c, {}).get("category", {}).values()) for c in facility_codes}
    services_month = {
        c: sum(per.get(f.month, 0) for per in o.services.get(c, {}).values()) for c in facility_codes
    }
    referrals_month = {c: sum(o.referrals.get(c, {}).values()) for c in facility_codes}
    summary = _measures("summary", t(lang, "web_by_facility"), head, {
        t(lang, "web_active_cases"): active_total,
        t(lang, "web_new_cases"): {c: o.new.get(c, {}).get(f.month, 0) for c in facility_codes},
        t(lang, "web_closed_cases"): {c: o.closed.get(c, {}).get(f.month, 0) for c in facility_codes},
        t(lang, "web_services"): services_month,
        t(lang, "web_overdue"): {c: o.overdue_cases.get(c, 0) for c in facility_codes},
        t(lang, "web_referrals"): referrals_month,
    }, facility_codes, names, lang)  # fmt: skip
    tables.append(summary)

    for dimension in ag.DIMENSIONS:
        counts = {c: o.active[c][dimension] for c in facility_codes if c in o.active}
        values = _dimension_values(dimension, {v for per in counts.values() for v in per})
        g = grid(counts, values)
        labels = [value_label(dimension, v, lang) for v in values]
        table = _from_grid(f"by_{dimension}", t(lang, f"web_by_{dimension}"), head, g, labels, names, lang)
        table.note = t(lang, "web_active_note")
        if dimension == "category":  # 26 categories: their short names (ABT, AT...) where room is scarce
            shorts = [(reference.category(v) or {}).get("short") or v for v in values]
            table.short = [*shorts, table.columns[-1]]
            legend = "; ".join(f"{a} = {b}" for a, b in zip(shorts, labels, strict=True))
            table.note = f"{table.note} {legend}."
        tables.append(table)

    for key, counts in (("new", o.new), ("closed", o.closed)):
        g = grid({c: counts.get(c, {}) for c in facility_codes}, months)
        title = t(lang, "web_new_cases" if key == "new" else "web_closed_cases")
        tables.append(_from_grid(f"trend_{key}", title, head, g, months, names, lang))

    components = [c["code"] for c in reference.atensi_components()]
    by_component = {
        c: {k: per.get(f.month, 0) for k, per in o.services.get(c, {}).items()} for c in facility_codes
    }
    seen = {k for per in by_component.values() for k, n in per.items() if n}
    values = [k for k in components if k in seen] + sorted(seen - set(components))
    g = grid(by_component, values)
    tables.append(_from_grid("services_component", t(lang, "web_services_by_component"), head, g,
                             [value_label("component", v, lang) for v in values], names, lang))  # fmt: skip
    per_month = {c: {m: sum(per.get(m, 0) for per in o.services.get(c, {}).values()) for m in months}
                 for c in facility_codes}  # fmt: skip
    tables.append(_from_grid("services_month", t(lang, "web_services_by_month"), head,
                             grid(per_month, months), months, names, lang))  # fmt: skip

    statuses = list(ag.REFERRAL_STATUSES)
    seen_statuses = {s for per in o.referrals.values() for s in per}
    statuses += sorted(seen_statuses - set(statuses))
    g = grid({c: o.referrals.get(c, {}) for c in facility_codes}, statuses)
    table = _from_grid("referrals", t(lang, "web_referrals"), head, g,
                       [t(lang, f"web_status_{s}") if s in ag.REFERRAL_STATUSES else s for s in statuses],
                       names, lang)  # fmt: skip
    table.columns.append(t(lang, "web_days_to_answer"))
    for (_, cells), code in zip(table.rows, g.rows, strict=True):
        cells.append(_mean(*o.answer_days.get(code, (0, 0))))
    sums = [sum(v[0] for v in o.answer_days.values()), sum(v[1] for v in o.answer_days.values())]
    if table.total is not None:
        table.total[1].append(_mean(*sums))
    tables.append(table)

    growth_columns = {
        t(lang, f"web_{k}"): {c: o.growth.get(c, {}).get(k, 0) for c in facility_codes}
        for k in ("measured", "stunted", "wasted", "underweight")
    }
    tables.append(
        _measures("growth", t(lang, "web_growth"), head, growth_columns, facility_codes, names, lang)
    )
    _link_shared_numbers(tables, facility_codes, f.month)
    return tables


def _link_shared_numbers(tables: list[Table], facilities: list[str], month: str) -> None:
    """The same number stands in several tables (a facility's active cases are the row total of every
    breakdown, its new cases this month a cell of the trend...): hidden in one, it is hidden in all, and
    the tables are protected again, until nothing changes."""
    by_key = {table.key: table for table in tables}
    summary = by_key["summary"].grids  # active, new, closed, services, overdue, referrals

    def measure(i: int, f: str | None) -> list[Cell]:
        g = summary[i]
        return [g.cell(f, "n"), g.row_totals[f]] if f else [g.column_totals["n"], g.total]

    def row_total(key: str, f: str | None) -> list[Cell]:
        g = by_key[key].grids[0]
        if f is None:
            return [g.total]
        return [g.row_totals[f]] if f in g.row_totals else []

    def in_month(key: str, f: str | None) -> list[Cell]:
        g = by_key[key].grids[0]
        if f is None:
            return [g.column_totals[month]]
        return [g.cell(f, month)] if f in g.rows else []

    groups: list[list[Cell]] = []
    for f in [*facilities, None]:
        active = measure(0, f)
        for dimension in ag.DIMENSIONS:
            active += row_total(f"by_{dimension}", f)
        groups += [
            active,
            measure(1, f) + in_month("trend_new", f),
            measure(2, f) + in_month("trend_closed", f),
            measure(3, f) + in_month("services_month", f) + row_total("services_component", f),
            measure(5, f) + row_total("referrals", f),
        ]
    grids = [g for table in tables for g in table.grids]
    for _ in range(50):
        changed = False
        for cells in groups:
            if any(c.hidden for c in cells):
                for c in cells:
                    if not c.hidden:
                        c.hidden, changed = SECONDARY, True
        if not changed:
            return
        for g in grids:
            protect(g)


class _Mean(Cell):
    """A mean over `count` answered referrals: hidden when fewer than 5 were answered."""

    def __init__(self, total: int, count: int) -> None:
        super().__init__(count)
        self.value = total / count if count else None
        if 0 < count < 5:
            self.hidden = "<5"

    def text(self) -> str:
        if self.hidden:
            return self.hidden
        return "-" if self.value is None else f"{self.value:.1f}"

    def number(self) -> float | None:
        return None if self.hidden or self.value is None else round(self.value, 1)


def _mean(total: int, count: int) -> Cell:
    return _Mean(total, count)


def kabupaten_choices(codes: list[str]) -> list[tuple[str, str]]:
    return [(code, regions.region_name(code) or code) for code in codes]
