"""An in-memory copy of the case list's sort and filter columns, so that search-as-you-type and filter
changes over 100,000 cases answer in tens of milliseconds instead of re-reading the encrypted table.

The copy is read once on the background reader (about a second for 100,000 cases) and then kept up to
date from `case_index.last_update` after every write; a changed row count (a case removed by a sync)
reloads it. Text search still asks SQLite's FTS index (only for the matching row ids). Results equal
caseworker.store.queries.limited_case_ids for the same filter, sort and limit (tests/ui/test_list_index.py
checks it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from sys import intern

from caseworker.store import queries
from caseworker.store.queries import CaseFilter
from caseworker.store.store import Store

COLUMNS = ("rowid", "case_id", "name_sort", "case_number", "birth_date", "category_code", "stage",
           "assigned_to", "next_due", "last_update", "opened_at", "risk", "status", "conflict")  # fmt: skip
SORT_FIELDS = {key: COLUMNS.index(col) for key, col in queries.SORT_COLUMNS.items()}
_I = {name: i for i, name in enumerate(COLUMNS)}
# case_search is keyed by the rowid of `cases` (not of case_index), which case_index keeps as case_rowid.
_SQL = (
    "SELECT i.case_rowid, "
    + ", ".join(f"i.{c}" for c in COLUMNS[1:])
    + " FROM case_index i WHERE i.deleted = 0"
)
SELECTIVE = 2000  # fewer matches than this: sort the matches; more: walk the cached order
_SHARED = ("category_code", "stage", "assigned_to", "risk", "status")  # few distinct values: interned


def _row(values: tuple) -> tuple:
    return tuple(
        intern(v) if COLUMNS[i] in _SHARED and isinstance(v, str) else v for i, v in enumerate(values)
    )


@dataclass
class ListIndex:
    rows: dict[str, tuple] = field(default_factory=dict)  # case_id -> row (COLUMNS order)
    by_rowid: dict[int, tuple] = field(default_factory=dict)  # rowid of `cases` (the FTS key) -> row
    stamp: str = ""  # the newest last_update seen
    _orders: dict[tuple[str, bool], list[tuple]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Store) -> ListIndex:
        index = cls()
        for values in store.conn.execute(_SQL):
            row = _row(values)
            index.rows[row[1]] = row
            if row[_I["last_update"]] and row[_I["last_update"]] > index.stamp:
                index.stamp = row[_I["last_update"]]
        index.by_rowid = {row[0]: row for row in index.rows.values()}
        return index

    def refresh(self, store: Store) -> ListIndex:
        """This index brought up to date (a new object: the old one may still be read elsewhere)."""
        count = store.conn.execute("SELECT count(*) FROM case_index WHERE deleted = 0").fetchone()[0]
        changed = list(store.conn.execute(_SQL + " AND i.last_update >= ?", [self.stamp]))
        rows = dict(self.rows)
        stamp = self.stamp
        for values in changed:
            row = _row(values)
            rows[row[1]] = row
            if row[_I["last_update"]] and row[_I["last_update"]] > stamp:
                stamp = row[_I["last_update"]]
        if len(rows) != count:  # something left the list (closed elsewhere, removed by sync): start over
            return ListIndex.load(store)
        fresh = ListIndex(rows, {row[0]: row for row in rows.values()}, stamp)
        if not changed:
            fresh._orders = self._orders
        return fresh

    def _ordered(self, sort: str, descending: bool, rows: list[tuple] | None = None) -> list[tuple]:
        """All rows in display order (cached per sort), or just `rows` sorted the same way: ascending is
        ORDER BY col NULLS LAST, case_id; descending its exact reverse (see queries._order)."""
        key = (sort, descending)
        order = self._orders.get(key) if rows is None else None
        if order is None:
            ascending = self._orders.get((sort, False)) if rows is None else None
            if ascending is None:
                col = SORT_FIELDS.get(sort, SORT_FIELDS["name"])
                by_id = sorted(self.rows.values() if rows is None else rows, key=lambda r: r[1])
                # stable: ties keep case_id order
                ascending = sorted(
                    by_id, key=lambda r: (r[col] is None, r[col] if r[col] is not None else "")
                )
                if rows is None:
                    self._orders[(sort, False)] = ascending
            order = ascending[::-1] if descending else ascending
            if rows is None:
                self._orders[key] = order
        return order

    def _newest(self) -> list[tuple]:
        """All rows newest first (highest case rowid), the order a limited search reads matches in."""
        order = self._orders.get(("", True))
        if order is None:
            order = sorted(self.rows.values(), key=lambda r: -1 if r[0] is None else r[0], reverse=True)
            self._orders[("", True)] = order
        return order

    def case_ids(
        self,
        store: Store,
        f: CaseFilter,
        sort: str = "name",
        descending: bool = False,
        limit: int | None = None,
    ) -> list[str]:
        """Like queries.case_ids; `store` answers the full-text part of a search only."""
        return self.limited_case_ids(store, f, sort, descending, limit)[0]

    def limited_case_ids(
        self, store: Store, f: CaseFilter, sort: str = "name", descending: bool = False,
        limit: int | None = queries.SEARCH_LIMIT,
    ) -> tuple[list[str], bool]:  # fmt: skip
        """Like queries.limited_case_ids: with a text search and a `limit`, the `limit` newest matches."""
        search = queries.parse_text(f.text)
        keep = self._filters(f, search, store)
        if search is not None and limit is not None:
            cursor = None
            if search.fts:
                cursor = store.conn.execute(
                    "SELECT rowid FROM case_search WHERE case_search MATCH ? ORDER BY rowid DESC",
                    [search.fts],
                )
                by_rowid = self.by_rowid
                candidates: Iterable[tuple] = (row for (rowid,) in cursor if (row := by_rowid.get(rowid)))
            else:
                candidates = self._newest()
            picked: list[tuple] = []
            try:
                for row in candidates:
                    if all(test(row) for test in keep):
                        picked.append(row)
                        if len(picked) > limit:
                            break
            finally:
                if cursor is not None:
                    cursor.close()
            more = len(picked) > limit
            return [r[1] for r in self._ordered(sort, descending, picked[:limit])], more
        wanted_rowids: set[int] | None = None
        if search is not None and search.fts:
            wanted_rowids = {r[0] for r in store.conn.execute(
                "SELECT rowid FROM case_search WHERE case_search MATCH ?", [search.fts])}  # fmt: skip
        if wanted_rowids is not None and len(wanted_rowids) < SELECTIVE:
            # a selective search: sort the few matches rather than walk every case
            rows = self._ordered(
                sort, descending, [self.by_rowid[r] for r in wanted_rowids if r in self.by_rowid]
            )
        else:
            rows = self._ordered(sort, descending)
            if wanted_rowids is not None:
                rows = [r for r in rows if r[0] in wanted_rowids]
        # One list comprehension per condition: several times faster than one loop with many branches.
        for column, value in (("status", f.status), ("stage", f.stage), ("category_code", f.category),
                              ("assigned_to", f.assigned_to)):  # fmt: skip
            if value:
                i = _I[column]
                rows = [r for r in rows if r[i] == value]
        if f.overdue:
            today, due = f.on or date.today().isoformat(), _I["next_due"]
            rows = [r for r in rows if r[due] is not None and r[due] < today]
            if f.due_for:
                mine = self._due_for(store, f, today)
                rows = [r for r in rows if mine(r)]
        if f.conflict:
            conflict = _I["conflict"]
            rows = [r for r in rows if r[conflict] == 1]
        for test in keep[len(keep) - self._name_tests(search) :]:  # a one-letter search's name tests
            rows = [r for r in rows if test(r)]
        return [r[1] for r in rows], False

    @staticmethod
    def _due_for(store: Store, f: CaseFilter, today: str) -> Callable[[tuple], bool]:
        """A follow-up of f.due_for: their case, or a case with a task of theirs overdue (queries._where)."""
        cases = queries.cases_with_overdue_tasks_of(store, f.due_for or "", today)
        assigned, case_id = _I["assigned_to"], _I["case_id"]
        return lambda r: r[assigned] == f.due_for or r[case_id] in cases

    @staticmethod
    def _name_tests(search: queries.TextSearch | None) -> int:
        """How many of _filters' tests (the last ones) are the search's name tests."""
        return 0 if search is None else bool(search.name_prefix) + len(search.initials)

    def _filters(
        self, f: CaseFilter, search: queries.TextSearch | None, store: Store | None = None
    ) -> list[Callable[[tuple], bool]]:
        """The filter's conditions (and a search's name conditions) as tests of one row, like queries._where."""
        tests: list[Callable[[tuple], bool]] = []
        for column, value in (("status", f.status), ("stage", f.stage), ("category_code", f.category),
                              ("assigned_to", f.assigned_to)):  # fmt: skip
            if value:
                tests.append(lambda r, i=_I[column], v=value: r[i] == v)
        if f.overdue:
            today, due = f.on or date.today().isoformat(), _I["next_due"]
            tests.append(lambda r: r[due] is not None and r[due] < today)
            if f.due_for and store is not None:
                tests.append(self._due_for(store, f, today))
        if f.conflict:
            conflict = _I["conflict"]
            tests.append(lambda r: r[conflict] == 1)
        if search is not None:
            name = _I["name_sort"]
            if search.name_prefix:
                tests.append(lambda r, p=search.name_prefix: (r[name] or "").startswith(p))
            for initial in search.initials:
                tests.append(lambda r, c=initial: queries.has_initial(r[name] or "", c))
        return tests
