"""Read side: case lists (ids in order, rows by page), search, one case in full, navigation counts.

The case list reads `case_index` (one indexed row per case), so 100,000 cases sort and page quickly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from caseworker.domain.names import name_key
from caseworker.store.indexing import fold
from caseworker.store.schema import CASE_RECORDS
from caseworker.store.store import Store, User
from caseworker.store.values import day_of, json_or_raw

SORT_COLUMNS = {
    "name": "name_sort",
    "case_number": "case_number",
    "age": "birth_date",
    "category": "category_code",
    "stage": "stage",
    "worker": "assigned_to",
    "next_due": "next_due",
    "last_update": "last_update",
    "opened_at": "opened_at",
    "risk": "risk",
}
# Never NULL in case_index (indexing writes "" at least): ordered without a NULLS clause, so an index
# serves the order in both directions.
NOT_NULL_COLUMNS = frozenset({"name_sort", "last_update"})
# The case list's text search shows at most this many cases: those added to this device last.
SEARCH_LIMIT = 1000
# Indexes (schema v2) that give a sort order in both directions, and the filters they can check
# themselves: SQLite is told to walk them, since without statistics it would rather use an index on
# `status` and sort 100,000 rows.
_ORDER_INDEXES = {
    "name_sort": ("idx_case_index_name", frozenset({"status", "assigned_to"})),
    "last_update": ("idx_case_index_update", frozenset({"status", "assigned_to"})),
}


@dataclass(frozen=True)
class CaseFilter:
    text: str = ""
    stage: str | None = None
    category: str | None = None
    assigned_to: str | None = None
    status: str | None = "open"  # None = any
    overdue: bool = False
    # with overdue: only the follow-ups of this user, on cases assigned to them or tasks assigned to them
    due_for: str | None = None
    conflict: bool = False
    on: str | None = None  # "today" for overdue checks (ISO date); defaults to the real today


@dataclass(frozen=True)
class TextSearch:
    """What a search text asks for.

    - `fts`: every word of two characters or more must match as a prefix, in FTS5 syntax (names with
      their spelling variants, NIK, KK, case number, notes);
    - `name_prefix`: the text is a single character: names starting with it (folded, as `name_sort`);
    - `initials`: single-character words beside other words: some word of the name starts with each.
    """

    fts: str | None = None
    name_prefix: str = ""
    initials: tuple[str, ...] = ()


def _fts_expression(words: list[str]) -> str | None:
    parts = []
    for w in words:
        variants = {w}
        key = name_key(w) if w.isalpha() else ""  # letters only: name_key drops digits (921p -> p)
        if len(key) > 1 and key.isalnum():  # not one letter (zzzz -> z): that would match nearly anything
            variants.add(key)
        if w.startswith(("moh", "moch", "mch")):  # a name typed halfway: Moham... -> Muham...
            variants.add("muh" + w.split("h", 1)[1])
        parts.append("(" + " OR ".join(f'"{v}"*' for v in sorted(variants)) + ")")
    return " AND ".join(parts) or None


def parse_text(text: str) -> TextSearch | None:
    """User text -> what to look for (None: no search). One character alone is too little for the
    full-text index (it would match nearly every case): it finds names starting with it instead."""
    # Letters and digits only: each word is one token of the index (an underscore would make a phrase,
    # which an index without positions cannot answer).
    words = [w for w in re.split(r"[\W_]+", text.casefold()) if w]
    if not words:
        return None
    if len(words) == 1 and len(words[0]) == 1:
        return TextSearch(name_prefix=fold(words[0]))
    return TextSearch(
        fts=_fts_expression([w for w in words if len(w) > 1]),
        initials=tuple(dict.fromkeys(fold(w) for w in words if len(w) == 1)),
    )


def fts_query(text: str) -> str | None:
    """The full-text part of a search (see parse_text), in FTS5 syntax."""
    search = parse_text(text)
    return search.fts if search else None


def has_initial(name_sort: str, initial: str) -> bool:
    """A word of the (folded) name starts with `initial`: the Python twin of the GLOB in _name_clauses."""
    return name_sort.startswith(initial) or re.search("[^0-9a-z]" + re.escape(initial), name_sort) is not None


def prefix_end(prefix: str) -> str:
    """The smallest string above every string starting with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _where(f: CaseFilter, alias: str = "") -> tuple[list[str], list[Any]]:
    """The filter's conditions on case_index (`alias` prefixes the columns), text search aside."""
    a = alias
    clauses, params = [f"{a}deleted = 0"], []
    if f.status:
        clauses.append(f"{a}status = ?")
        params.append(f.status)
    for column, value in (("stage", f.stage), ("category_code", f.category), ("assigned_to", f.assigned_to)):
        if value:
            clauses.append(f"{a}{column} = ?")
            params.append(value)
    if f.overdue:
        today = f.on or date.today().isoformat()
        clauses.append(f"{a}next_due < ?")
        params.append(today)
        if f.due_for:
            clauses.append(
                f"({a}assigned_to = ? OR {a}case_id IN (SELECT case_id FROM tasks WHERE assigned_to = ?"
                " AND done_at IS NULL AND deleted = 0 AND due_date < ?))"
            )
            params += [f.due_for, f.due_for, today]
    if f.conflict:
        clauses.append(f"{a}conflict = 1")
    return clauses, params


def _name_clauses(search: TextSearch, alias: str = "") -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if search.name_prefix:
        clauses.append(f"{alias}name_sort >= ? AND {alias}name_sort < ?")
        params += [search.name_prefix, prefix_end(search.name_prefix)]
    for initial in search.initials:
        clauses.append(f"({alias}name_sort GLOB ? OR {alias}name_sort GLOB ?)")
        params += [initial + "*", "*[^0-9a-z]" + initial + "*"]
    return clauses, params


def _full_where(f: CaseFilter) -> tuple[str, list[Any]]:
    """Every condition of the filter, the text search included (all matches)."""
    clauses, params = _where(f)
    search = parse_text(f.text)
    if search is not None:
        more, more_params = _name_clauses(search)
        clauses += more
        params += more_params
        if search.fts:
            clauses.append("case_rowid IN (SELECT rowid FROM case_search WHERE case_search MATCH ?)")
            params.append(search.fts)
    return " AND ".join(clauses), params


def _source(f: CaseFilter, sort: str) -> str:
    """FROM for a list in `sort` order: the order's own index when it can check every filter."""
    index = _ORDER_INDEXES.get(SORT_COLUMNS.get(sort, "name_sort"))
    if index is None or parse_text(f.text) is not None:
        return "case_index"
    used = {"status": f.status, "stage": f.stage, "category_code": f.category, "assigned_to": f.assigned_to,
            "next_due": f.overdue, "conflict": f.conflict}  # fmt: skip
    if any(value and column not in index[1] for column, value in used.items()):
        return "case_index"
    return f"case_index INDEXED BY {index[0]}"


def _order(sort: str, descending: bool, alias: str = "") -> str:
    """ORDER BY for a sort key. Descending is the exact reverse of ascending (NULLs last when
    ascending, first when descending; ties by case id), so one index serves both directions."""
    column = SORT_COLUMNS.get(sort, "name_sort")
    direction = " DESC" if descending else ""
    nulls = "" if column in NOT_NULL_COLUMNS else (" NULLS FIRST" if descending else " NULLS LAST")
    return f"{alias}{column}{direction}{nulls}, {alias}case_id{direction}"


def case_ids(
    store: Store, f: CaseFilter = CaseFilter(), sort: str = "name", descending: bool = False,
    limit: int | None = None,
) -> list[str]:  # fmt: skip
    """All matching case ids in display order (the lazy table model fetches rows for them by page).

    With `limit`, a text search keeps only the `limit` matching cases added to the device last (see
    limited_case_ids); without a text search `limit` changes nothing."""
    return limited_case_ids(store, f, sort, descending, limit)[0]


def limited_case_ids(
    store: Store, f: CaseFilter = CaseFilter(), sort: str = "name", descending: bool = False,
    limit: int | None = SEARCH_LIMIT,
) -> tuple[list[str], bool]:  # fmt: skip
    """(ids in display order, whether more cases matched). A text search with a `limit` (the case list's
    search-as-you-type) reads the matches newest first (highest case rowid) and stops after `limit`, so a
    search matching most of 100,000 cases costs what a search matching `limit` does."""
    search = parse_text(f.text)
    if search is None or limit is None:
        where, params = _full_where(f)
        sql = f"SELECT case_id FROM {_source(f, sort)} WHERE {where} ORDER BY {_order(sort, descending)}"
        return [r[0] for r in store.conn.execute(sql, params)], False
    column = SORT_COLUMNS.get(sort, "name_sort")
    clauses, params = _where(f, "i.")
    names, name_params = _name_clauses(search, "i.")
    clauses += names
    params += name_params
    if search.fts:
        # The FTS table drives (CROSS JOIN keeps it outside) in descending rowid order; each match is
        # looked up in idx_case_index_rowid and the filters apply before the LIMIT counts it.
        source = "case_search s CROSS JOIN case_index i ON i.case_rowid = s.rowid"
        clauses.insert(0, "case_search MATCH ?")
        params.insert(0, search.fts)
        newest = "s.rowid DESC"
    else:
        source = "case_index i"
        newest = "i.case_rowid DESC"
    sql = (
        f"SELECT case_id, case_rowid FROM (SELECT i.case_id AS case_id, i.case_rowid AS case_rowid,"
        f" i.{column} AS {column} FROM {source} WHERE {' AND '.join(clauses)} ORDER BY {newest} LIMIT ?)"
        f" ORDER BY {_order(sort, descending)}"
    )
    rows = store.conn.execute(sql, [*params, limit + 1]).fetchall()
    more = len(rows) > limit
    if more:  # the extra row told that there are more; it is the oldest of them
        oldest = min(range(len(rows)), key=lambda k: rows[k][1] if rows[k][1] is not None else -1)
        del rows[oldest]
    return [r[0] for r in rows], more


def case_page(
    store: Store, f: CaseFilter = CaseFilter(), sort: str = "name", descending: bool = False,
    offset: int = 0, limit: int = 100, after: tuple[Any, str] | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """One page of rows in display order: `offset` rows skipped, or (keyset paging, name and last-update
    orders only) the rows after `after` = (sort value, case_id) of the previous page's last row."""
    column = SORT_COLUMNS.get(sort, "name_sort")
    where, params = _full_where(f)
    if after is not None:
        if column not in NOT_NULL_COLUMNS:
            raise ValueError(f"keyset paging needs a sort without NULLs, not {sort!r}")
        where += f" AND ({column}, case_id) {'<' if descending else '>'} (?, ?)"
        params += list(after)
    sql = (
        f"SELECT * FROM {_source(f, sort)} WHERE {where} ORDER BY {_order(sort, descending)} LIMIT ? OFFSET ?"
    )
    return store.query(sql, [*params, limit, offset])


def case_rows(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in store.query(
            f"SELECT * FROM case_index WHERE case_id IN ({','.join('?' * len(chunk))})", chunk
        ):
            out[row["case_id"]] = row
    return out


def count_cases(store: Store, f: CaseFilter = CaseFilter()) -> int:
    where, params = _full_where(f)
    return store.conn.execute(f"SELECT count(*) FROM case_index WHERE {where}", params).fetchone()[0]


def due_filter(user: User, today: str | None = None) -> CaseFilter:
    """The "Tindak lanjut jatuh tempo" list: a worker's own overdue follow-ups (their cases, tasks assigned to
    them); a supervisor's (and staff's) are the facility's."""
    if user.role == "worker":
        return CaseFilter(overdue=True, due_for=user.username, on=today)
    return CaseFilter(overdue=True, on=today)


def cases_with_overdue_tasks_of(store: Store, username: str, today: str | None = None) -> set[str]:
    """Ids of the cases where `username` has an unfinished task due before today (CaseFilter.due_for)."""
    rows = store.conn.execute(
        "SELECT DISTINCT case_id FROM tasks WHERE assigned_to = ? AND done_at IS NULL AND deleted = 0"
        " AND due_date < ?",
        [username, today or date.today().isoformat()],
    )
    return {case_id for (case_id,) in rows}


def navigation_counts(store: Store, today: str | None = None) -> dict[str, int]:
    me = store.user.username
    return {
        "mine": count_cases(store, CaseFilter(assigned_to=me)),
        "facility": count_cases(store, CaseFilter()),
        "due": count_cases(store, due_filter(store.user, today)),
        "conflicts": count_cases(store, CaseFilter(status=None, conflict=True)),
    }


def find_case(store: Store, ref: str) -> dict[str, Any] | None:
    """A case by its number (any case, dashes optional) or id."""
    ref = ref.strip()
    row = store.one(
        "SELECT * FROM cases WHERE (case_number = ? OR id = ?) AND deleted = 0", [ref.upper(), ref]
    )
    if row is None and "-" not in ref:
        row = store.one(
            "SELECT * FROM cases WHERE replace(case_number, '-', '') = ? AND deleted = 0", [ref.upper()]
        )
    return row


def records(store: Store, table: str, case_id: str) -> list[dict[str, Any]]:
    order = {
        "assessments": "assessed_at",
        "notes": "noted_at",
        "measurements": "measured_at",
        "tasks": "due_date",
        "interventions": "provided_at",
        "referrals": "referred_at",
        "stage_changes": "changed_at",
    }.get(table, "created_at")
    rows = store.query(
        f"SELECT * FROM {table} WHERE case_id = ? AND deleted = 0 ORDER BY {order}, id", [case_id]
    )
    for row in rows:
        for key in ("data", "scores"):
            if isinstance(row.get(key), str) and row[key]:
                row[key] = json_or_raw(row[key])  # text that is not JSON is shown as it is
    return rows


def case_full(store: Store, case_id: str) -> dict[str, Any]:
    """One case as the export and the reports see it: the case, its person, and every record list."""
    case = store.one("SELECT * FROM cases WHERE id = ?", [case_id])
    if case is None:
        from caseworker.errors import NotFound

        raise NotFound(f"case {case_id}")
    person = store.one("SELECT * FROM persons WHERE id = ?", [case["person_id"]]) or {}
    if isinstance(person.get("disabilities"), str) and person["disabilities"]:
        person["disabilities"] = json_or_raw(person["disabilities"])
    out = dict(case)
    out["person"] = person
    out["relations"] = store.query(
        "SELECT r.*, p.name AS related_name, p.birth_date AS related_birth_date FROM relations r"
        " LEFT JOIN persons p ON p.id = r.related_person_id WHERE r.person_id = ? AND r.deleted = 0",
        [case["person_id"]],
    )
    for table in CASE_RECORDS:
        out[table] = records(store, table, case_id)
    return out


def user_names(store: Store) -> dict[str, str]:
    """username -> full name (the username when none is recorded), every user of the profile."""
    return {r[0]: r[1] or r[0] for r in store.conn.execute("SELECT username, full_name FROM users")}


def _moment(at: Any) -> datetime:
    """An audit time as a comparable UTC moment (ISO with Z or an offset, or a date); the epoch when unreadable."""
    text = str(at or "").strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def case_history(store: Store, case_id: str) -> list[dict[str, Any]]:
    """The audit trail of a case, newest first by time (bulk imports and demo data write their lines table by
    table with the records' own times, so insertion order is not time order); a reassignment is one entry
    (the update and its reason, written together, become the reason's line); `user_name` and, for a
    reassignment, `to_name` are full names (the username when the profile knows none)."""
    rows = store.query("SELECT * FROM audit WHERE case_id = ? ORDER BY seq", [case_id])
    out: list[dict[str, Any]] = []
    for row in rows:
        last = out[-1] if out else None
        if (row["action"] == "reassign_reason" and last is not None and last["action"] == "reassign"
                and last["user"] == row["user"] and row["seq"] - last["seq"] <= 2):  # fmt: skip
            out[-1] = row  # the same reassignment: keep the line that says to whom and why
            continue
        out.append(row)
    names = user_names(store)
    for row in out:
        row["user_name"] = names.get(row.get("user") or "", row.get("user") or "")
        if row["action"] == "reassign_reason":
            details = json_or_raw(row.get("details"))
            to = details.get("to", "") if isinstance(details, dict) else ""
            row["to_name"] = names.get(to, to)
    out.sort(key=lambda r: (_moment(r.get("at")), r["seq"]), reverse=True)
    return out


def age_years(birth_date: str | None, on: date | None = None) -> int | None:
    born, today = day_of(birth_date), on or date.today()
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def home_places(store: Store) -> list[str]:
    """Where this unit's clients live: the kabupaten most of them live in, then its province (region
    codes, most specific first; [] in a new profile). Region search offers these places first."""
    row = store.conn.execute(
        "SELECT substr(region_code, 1, 5) AS kab, count(*) AS n FROM persons WHERE deleted = 0"
        " AND length(region_code) >= 5 GROUP BY kab ORDER BY n DESC, kab LIMIT 1"
    ).fetchone()
    return [row[0], row[0][:2]] if row else []
