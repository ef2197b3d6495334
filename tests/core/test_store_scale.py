"""What schema v2 added for 100,000 cases answers exactly what the base tables say: the new case_index
columns (whichever writer made the row), the caseload figures read from indexes only, the limited
search of the case list, the sort orders and keyset paging."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from caseworker.dashboard import dashboard, drilldown, month_bounds
from caseworker.demo import DEMO_PASSWORD
from caseworker.demo.loader import fill_demo_profile
from caseworker.reports import caseload_stats
from caseworker.reports.caseload_stats import MEASURES, NO_CONTACT_DAYS
from caseworker.store import bulk, cases, indexing, queries
from caseworker.store.migrations import V2_CASE_INDEX_COLUMNS
from caseworker.store.profile import open_profile
from caseworker.store.queries import CaseFilter

TODAY = date(2026, 10, 17)
V2 = ", ".join(V2_CASE_INDEX_COLUMNS)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scale") / "profile"
    fill_demo_profile(folder, 120, seed=11, today=TODAY)  # the bulk path: index rows without v2 columns
    return folder


@pytest.fixture
def demo(demo_dir: Path):
    store = open_profile(demo_dir, "supervisor", DEMO_PASSWORD)
    yield store
    store.close()


def _v2_columns(store) -> dict[str, tuple]:
    return {r[0]: tuple(r[1:]) for r in store.conn.execute(f"SELECT case_id, {V2} FROM case_index")}


def _expected_v2(store) -> dict[str, tuple]:
    """The v2 columns computed from the base tables, the long way."""
    out = {}
    rows = store.conn.execute(
        "SELECT c.id, c.rowid, c.closed_at, c.last_contact_at, c.opened_at,"
        " (SELECT max(noted_at) FROM notes n WHERE n.case_id = c.id AND n.deleted = 0)"
        " FROM cases c WHERE c.deleted = 0"
    )
    for case_id, rowid, closed_at, contact_at, opened_at, last_note in rows:
        day = max((last_note or "")[:10], (contact_at or "")[:10], opened_at or "")
        out[case_id] = (rowid, closed_at[:10] if closed_at else closed_at, day)
    return out


def test_bulk_written_index_rows_get_the_v2_columns(demo):
    assert _v2_columns(demo) == _expected_v2(demo)
    assert demo.one("SELECT count(*) AS n FROM case_index WHERE case_rowid IS NULL")["n"] == 0


def test_reindex_and_bulk_index_write_the_same_rows(store):
    ids = []
    for i, name in enumerate(("Siti Aminah", "Bagus Pratama", "Dewi Lestari")):
        pid = cases.register_person(store, {"name": name, "birth_date": f"201{i}-03-12", "sex": "P"}).id
        case_id = cases.open_case(store, pid, "02", opened_at=f"2026-0{i + 1}-02")
        cases.add_note(store, case_id, "Kunjungan rumah.", noted_at=f"2026-0{i + 2}-05T02:00:00Z")
        ids.append(case_id)
    cases.update_case(store, ids[1], {"last_contact_at": "2026-09-30T08:00:00Z"})
    store.conn.execute("UPDATE cases SET closed_at = '2026-10-01T03:00:00Z' WHERE id = ?", [ids[2]])
    with store.transaction():
        indexing.reindex_cases(store.db, ids)
    by_reindex = store.query("SELECT * FROM case_index ORDER BY case_id")
    assert _v2_columns(store) == _expected_v2(store)
    assert _v2_columns(store)[ids[1]][2] == "2026-09-30"
    assert _v2_columns(store)[ids[2]][1] == "2026-10-01"
    with store.transaction():
        store.conn.execute("DELETE FROM case_index")
        store.conn.execute("DELETE FROM case_search")
    bulk.index_new_cases(store, ids)  # names only the v1 columns: the trigger adds the rest
    assert store.query("SELECT * FROM case_index ORDER BY case_id") == by_reindex
    assert queries.case_ids(store, CaseFilter(text="kunjungan", status=None)) == sorted(
        ids, key=lambda i: next(r["name_sort"] for r in by_reindex if r["case_id"] == i)
    )


def _oracle(store, first: date, last: date, today: date) -> dict[tuple[str, str], dict[str, int]]:
    """The caseload figures per (facility, worker) the v1 way: straight from cases, tasks and notes."""
    out: dict[tuple[str, str], dict[str, int]] = {}

    def add(rows, measure):
        for facility, user, n in rows:
            out.setdefault((facility, user), {})[measure] = n

    conn, period = store.conn, [first.isoformat(), last.isoformat()]
    base = "FROM cases WHERE deleted = 0"
    add(conn.execute(f"SELECT facility_code, coalesce(assigned_to, ''), count(*) {base} AND status = 'open'"
                     " GROUP BY 1, 2"), "open")  # fmt: skip
    add(conn.execute(f"SELECT facility_code, coalesce(assigned_to, ''), count(*) {base}"
                     " AND opened_at BETWEEN ? AND ? GROUP BY 1, 2", period), "new")  # fmt: skip
    add(conn.execute(f"SELECT facility_code, coalesce(assigned_to, ''), count(*) {base} AND status = 'closed'"
                     " AND substr(closed_at, 1, 10) BETWEEN ? AND ? GROUP BY 1, 2", period), "closed")  # fmt: skip
    overdue = (
        "FROM tasks t JOIN cases c ON c.id = t.case_id WHERE t.deleted = 0 AND t.done_at IS NULL"
        " AND t.due_date < ? AND c.deleted = 0 AND c.status = 'open' GROUP BY 1, 2"
    )
    add(conn.execute(f"SELECT c.facility_code, coalesce(c.assigned_to, ''), count(DISTINCT c.id) {overdue}",
                     [today.isoformat()]), "overdue_cases")  # fmt: skip
    add(conn.execute(f"SELECT c.facility_code, coalesce(c.assigned_to, ''), count(*) {overdue}",
                     [today.isoformat()]), "overdue_tasks")  # fmt: skip
    add(conn.execute(
        f"SELECT facility_code, coalesce(assigned_to, ''), count(*) {base} AND status = 'open' AND max("
        " substr(coalesce((SELECT max(noted_at) FROM notes n WHERE n.case_id = cases.id AND n.deleted = 0), ''),"
        " 1, 10), substr(coalesce(last_contact_at, ''), 1, 10), coalesce(opened_at, '')) < ? GROUP BY 1, 2",
        [(today - timedelta(days=NO_CONTACT_DAYS)).isoformat()]), "no_contact_30")  # fmt: skip
    return out


@pytest.mark.parametrize("today", [TODAY, TODAY - timedelta(days=45), TODAY + timedelta(days=40)])
def test_caseload_figures_equal_counts_from_the_base_tables(demo, today):
    first, last = today - timedelta(days=90), today
    stats = caseload_stats(demo, first, last, today)
    want = _oracle(demo, first, last, today)
    if today == TODAY:  # the demo's cases give every figure something to count
        for measure in ("new", "closed", "overdue_tasks", "no_contact_30"):
            assert sum(v.get(measure, 0) for v in want.values()) > 0, measure
    for row in stats["workers"]:
        expected = want.get((row["facility_code"], row["username"]), {})
        for measure in MEASURES:
            assert row[measure] == expected.get(measure, 0), (row["username"], measure)


def test_drilldowns_list_what_the_figures_count(demo):
    d = dashboard(demo, TODAY)
    first, last = month_bounds(TODAY)
    total = d["totals"]
    for metric, measure in (("open", "open"), ("new", "new"), ("closed", "closed"), ("overdue", "overdue_cases"),
                            ("no_contact_30", "no_contact_30")):  # fmt: skip
        ids = drilldown(demo, metric, today=TODAY)
        assert len(ids) == len(set(ids)) == total[measure], metric
        names = [queries.case_rows(demo, [i])[i]["name_sort"] for i in ids]
        assert names == sorted(names)
    closed = drilldown(demo, "closed", today=TODAY)
    assert set(closed) == {
        r["id"] for r in demo.query(
            "SELECT id FROM cases WHERE status = 'closed' AND substr(closed_at, 1, 10) BETWEEN ? AND ?",
            [first.isoformat(), last.isoformat()])
    }  # fmt: skip
    waiting = demo.query("SELECT DISTINCT case_id FROM reviews WHERE status = 'submitted' AND deleted = 0")
    assert set(drilldown(demo, "review", today=TODAY)) == {r["case_id"] for r in waiting}
    assert (
        d["reviews"]["total"]
        == demo.one("SELECT count(*) AS n FROM reviews WHERE status = 'submitted' AND deleted = 0")["n"]
    )


def _names(store, ids):
    rows = queries.case_rows(store, ids)
    return [rows[i]["name"] for i in ids]


def test_one_letter_finds_names_starting_with_it(store):
    made = {}
    for name in ("Kartini", "Éka Kurniawati", "Ahmad Kusuma", "Budi"):
        pid = cases.register_person(store, {"name": name, "birth_date": "2015-03-12", "sex": "P"}).id
        made[name] = cases.open_case(store, pid, "02")
    cases.add_note(store, made["Budi"], "Kunjungan ke rumah kakek.")

    def find(text):
        return set(_names(store, queries.case_ids(store, CaseFilter(text=text))))

    assert find("k") == {"Kartini"}  # not Kusuma's surname nor Budi's notes
    assert find("K.") == {"Kartini"}
    assert find("é") == find("E") == {"Éka Kurniawati"}
    assert find("ahmad k") == {"Ahmad Kusuma"}  # one letter beside a word: a word of the name starts with it
    assert find("ahmad b") == set()
    assert find("e k") == {"Éka Kurniawati"}
    assert find("kunjungan k") == set() and find("kunjungan b") == {"Budi"}
    assert queries.count_cases(store, CaseFilter(text="k")) == 1


def test_letters_and_digits_stay_one_word(store):
    pid = cases.register_person(store, {"name": "Putri", "birth_date": "2015-03-12", "sex": "P"}).id
    case_id = cases.open_case(store, pid, "02")
    number = store.one("SELECT case_number FROM cases WHERE id = ?", [case_id])["case_number"]
    assert queries.fts_query("921p") == '("921p"*)'  # no spelling variant "p"* matching every P-word
    assert queries.fts_query("zzzz") == '("zzzz"*)'  # nor "z"* (doubled letters fold to one)
    assert queries.case_ids(store, CaseFilter(text="921p")) == []
    assert queries.case_ids(store, CaseFilter(text=number.split("-")[-1][:4])) == [case_id]


def test_limited_search_keeps_the_newest_matches_after_the_filters(store):
    ids = []
    for i in range(6):
        pid = cases.register_person(store, {"name": f"Siti {'ABCDEF'[i]}mah", "birth_date": "2015-03-12"}).id
        ids.append(cases.open_case(store, pid, "02", assigned_to="budi" if i % 2 else None))
    f = CaseFilter(text="siti")
    assert queries.limited_case_ids(store, f, limit=None) == (queries.case_ids(store, f), False)
    assert queries.limited_case_ids(store, f, limit=6) == (ids, False)
    assert queries.limited_case_ids(store, f, limit=3) == (ids[3:], True)  # the three added last, by name
    assert queries.limited_case_ids(store, f, sort="name", descending=True, limit=3) == (ids[3:][::-1], True)
    mine = CaseFilter(text="siti", assigned_to="budi")
    assert queries.limited_case_ids(store, mine, limit=2) == ([ids[3], ids[5]], True)
    assert queries.limited_case_ids(store, mine, limit=3) == ([ids[1], ids[3], ids[5]], False)
    assert queries.limited_case_ids(store, CaseFilter(text="s"), limit=2) == (ids[4:], True)
    assert queries.case_ids(store, CaseFilter(), limit=1) == ids  # no search: the limit does not apply


@pytest.mark.parametrize("sort", sorted(queries.SORT_COLUMNS))
def test_descending_is_the_exact_reverse_and_pages_agree(demo, sort):
    f = CaseFilter(status=None)
    up = queries.case_ids(demo, f, sort)
    assert queries.case_ids(demo, f, sort, descending=True) == up[::-1]
    pages = [r["case_id"] for offset in range(0, len(up), 25) for r in queries.case_page(demo, f, sort, offset=offset,
                                                                                         limit=25)]  # fmt: skip
    assert pages == up


@pytest.mark.parametrize("sort", ["name", "last_update"])
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_paging_walks_the_same_order(demo, sort, descending):
    f = CaseFilter()
    column = queries.SORT_COLUMNS[sort]
    walked, after = [], None
    while page := queries.case_page(demo, f, sort, descending, limit=7, after=after):
        walked += [r["case_id"] for r in page]
        after = (page[-1][column], page[-1]["case_id"])
    assert walked == queries.case_ids(demo, f, sort, descending)
    with pytest.raises(ValueError):
        queries.case_page(demo, f, "age", after=("2020-01-01", "x"))
