"""Import persons and cases from a spreadsheet: each row becomes a person and an open case.

Rows commit in batches of whole rows (`batch_sizes`: FIRST_BATCH_ROWS, then twice as many each time up to
BATCH_ROWS per transaction, fewer when they take longer than BATCH_SECONDS; each row's person + case + first note with their outbox and audit entries, and
the batch's index rows), so an import killed half-way leaves
whole rows or nothing of a row; a row refused while its batch is written is rolled back to its own
savepoint. A row whose NIK (or, in a re-imported export, whose case number) is already known updates that
person instead of adding a duplicate, and opens no second case while the person has an open case in this
facility: running the same file again finishes an interrupted import without duplicates. One `import`
audit entry records the counts.

New people (the bulk of a first import) are collected per batch and written with the bulk writer
(caseworker.store.bulk: one statement per table for the row, outbox and audit entries), the same rows
`cases.register_person` / `open_case` / `add_note` write, and their cases' list rows and search entries
made from those rows in memory (as the demo loader does) rather than read back; the duplicate checks see
them at once (a later row of the same batch with the same NIK or name meets them here before they are
written).

Why big batches: each new person's keys, NIK and birth date, and each case's list row, land all over
their indexes, and a transaction writes every page it touched once, however many of its rows landed
there; the more rows a transaction holds, the fewer pages each row costs (measured on 100,000 cases:
commits took 6.4 s of an import of 20,000 rows in batches of 1,000, 4.2 s in batches of 4,000). The
first batch is small so that the first rows are counted (and shown) soon.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caseworker import i18n
from caseworker.domain import names, stages, validation
from caseworker.errors import KnownError, NotAllowed, StoreError, ValidationFailed
from caseworker.store import bulk, cases, indexing, permissions, person_index
from caseworker.store import db as dbmod
from caseworker.store import repository as repo
from caseworker.store.ids import case_number, now_iso, today_iso
from caseworker.store.indexing import fold
from caseworker.store.store import Store
from caseworker.transfer.reader import Table, open_table
from caseworker.transfer.rows import ParsedRow, parse_row

IMPORTED, REJECTED = "imported", "rejected"
BATCH_ROWS = 4000  # rows per transaction, at most
FIRST_BATCH_ROWS = 500  # rows of the first transaction (then twice as many each time, up to BATCH_ROWS)
# A batch also ends once its rows have taken this long, so that another writer of the profile (the app's
# own connection, a sync) waits a few seconds at most, never its busy timeout of 5 s, on a slow laptop.
BATCH_SECONDS = 2.0


def batch_sizes() -> Iterator[int]:
    """The number of rows of each transaction of an import, in order."""
    size = min(FIRST_BATCH_ROWS, BATCH_ROWS)
    while True:
        yield size
        size = min(2 * size, BATCH_ROWS)


@dataclass
class RowResult:
    line: int
    status: str  # imported | rejected
    reasons: list[str] = field(default_factory=list)  # why it was rejected
    notes: list[str] = field(default_factory=list)  # what happened that the user should know
    warnings: list[str] = field(default_factory=list)
    case_number: str | None = None
    new_person: bool = False
    person_changed: bool = False
    opened_case: bool = False


@dataclass
class ImportReport:
    path: Path
    dry_run: bool
    notices: list[str] = field(default_factory=list)  # about the file: header row, encoding, columns
    rejected: list[RowResult] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: {
            "rows": 0,
            "created": 0,
            "updated": 0,
            "opened": 0,
            "existing": 0,
            "rejected": 0,
        }
    )

    @property
    def exit_code(self) -> int:
        return 3 if self.counts["rejected"] else 0

    def summary(self) -> str:
        return i18n.text("transfer.summary", **self.counts)


class _DryRunDone(Exception):
    """Raised at the end of a dry run so the enclosing transaction rolls everything back."""


def import_file(
    store: Store,
    path: str | Path,
    *,
    dry_run: bool = False,
    progress: Callable[[RowResult], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import `path` (CSV or XLSX) into the store as the signed-in user. Unreadable files raise
    KnownError before anything is written; bad rows are reported and skipped."""
    if store.user.role == "staff":
        raise NotAllowed(i18n.text("transfer.read_only"))
    with open_table(path) as table:
        report = ImportReport(Path(path), dry_run, _notices(table))
        if dry_run:
            with contextlib.suppress(_DryRunDone), store.transaction():
                _run(store, table, report, dry_run, progress, cancelled)
                raise _DryRunDone
        else:
            try:
                with dbmod.bulk_writes(store.conn):
                    _run(store, table, report, dry_run, progress, cancelled)
            finally:
                if report.counts["rows"]:
                    _audit(store, table, report)
    if report.counts["rows"] == 0:
        raise KnownError("transfer.no_rows", path=str(path))
    return report


def _notices(table: Table) -> list[str]:
    out = []
    if table.header_line != 1:
        out.append(i18n.text("transfer.header_moved", line=table.header_line))
    if table.encoding and not table.encoding.startswith("UTF-8"):
        out.append(i18n.text("transfer.encoding_used", encoding=table.encoding))
    if table.unknown:
        out.append(i18n.text("transfer.unknown_columns", columns=", ".join(table.unknown)))
    return out


def _run(
    store: Store,
    table: Table,
    report: ImportReport,
    dry_run: bool,
    progress: Callable[[RowResult], None] | None,
    cancelled: Callable[[], bool] | None,
) -> None:
    """Rows in batches of `batch_sizes` (or fewer: BATCH_SECONDS), each batch one transaction (a dry run: one
    outer transaction that is rolled back); a batch's rows are counted and reported once it is committed."""
    width = len(table.columns)
    rows = iter(table.rows())
    index_keys = bulk.index_row_keys(store)
    for size in batch_sizes():
        batch = _Batch(store, index_keys)
        results: list[RowResult] = []
        stopped = done = False
        with contextlib.nullcontext() if dry_run else store.transaction():
            deadline = time.monotonic() + BATCH_SECONDS
            for raw in rows:
                if cancelled is not None and cancelled():
                    stopped = True
                    break
                parsed, reasons = parse_row(raw, width)
                if parsed is None:
                    results.append(RowResult(raw.line, REJECTED, reasons))
                else:
                    results.append(_import_row(batch, parsed))
                if len(results) >= size or (not dry_run and time.monotonic() >= deadline):
                    break
            else:
                done = True
            batch.flush()
        for result in results:
            _count(report, result)
            if progress is not None:
                progress(result)
        if stopped or done:
            return


def _count(report: ImportReport, result: RowResult) -> None:
    counts = report.counts
    counts["rows"] += 1
    if result.status == REJECTED:
        counts["rejected"] += 1
        report.rejected.append(result)
        return
    counts["created"] += int(result.new_person)
    counts["updated"] += int(result.person_changed)
    counts["opened"] += int(result.opened_case)
    counts["existing"] += int(not result.opened_case)


@contextlib.contextmanager
def _row_savepoint(store: Store) -> Iterator[None]:
    """What one row writes, undone alone if the row is refused (the batch's transaction goes on)."""
    store.conn.execute("SAVEPOINT import_row")
    try:
        yield
    except BaseException:
        store.conn.execute("ROLLBACK TO import_row")
        raise
    finally:
        store.conn.execute("RELEASE import_row")


def _import_row(batch: _Batch, row: ParsedRow) -> RowResult:
    store = batch.store
    try:
        known = None
        if batch.find(row) is None:
            # Not about one of the batch's new people (nor holding the NIK of one): what the store holds
            # decides, and what this row changes does not touch them.
            known = _find_known(store, row)
            if known == (None, None):
                return batch.add(row)
        else:
            batch.flush()  # the row is about someone new in this batch: into the store with them first
        with _row_savepoint(store):
            return _write_row(store, row, known)
    except StoreError:
        raise  # disk full, read-only: stop the whole import, nothing of this batch was kept
    except KnownError as exc:
        return RowResult(row.line, REJECTED, [exc.text()], warnings=row.warnings)


class _Batch:
    """New people of the open batch, not yet written: what `cases.register_person`, `open_case` and
    `add_note` would write for them, and what the duplicate checks of later rows must find among them."""

    def __init__(self, store: Store, index_keys: tuple[str, ...] | None = None) -> None:
        self.store = store
        self.index_keys = index_keys  # bulk.index_row_keys: None, index the cases from the database
        self._reset()

    def _reset(self) -> None:
        self.persons: list[dict[str, Any]] = []
        self.cases: list[dict[str, Any]] = []
        self.notes: list[dict[str, Any]] = []
        self.by_nik: dict[str, dict[str, Any]] = {}
        self.without_nik: dict[tuple[str, str | None], dict[str, Any]] = {}
        self.by_key: dict[str, list[dict[str, Any]]] = {}

    def find(self, row: ParsedRow) -> dict[str, Any] | None:
        """The batch's new person this row is about (as `_find_known` finds them in the store)."""
        nik = row.person.get("nik")
        if nik:
            return self.by_nik.get(nik)
        # (a case number cannot name one of this batch's cases: they are new)
        return self.without_nik.get((fold(row.person.get("name")), row.person.get("birth_date")))

    def similar(self, name: str, birth_date: str | None, estimated: bool) -> int:
        """How many persons `cases.find_similar_persons` finds: in the store and among this batch's."""
        if not name or not birth_date:
            return 0
        found = len(cases.find_similar_persons(self.store, name, birth_date, estimated))
        low, high = person_index.window(birth_date, estimated)
        seen: set[int] = set()
        for key in names.block_keys(name):
            for other in self.by_key.get(key, ()):
                if id(other) not in seen and low <= other["birth_date"] <= high:
                    seen.add(id(other))
                    found += names.similar_names(name, other["name"])
        return found

    def add(self, row: ParsedRow) -> RowResult:
        """A new person with an open case (and its first note), as `_write_row` makes them; refused rows
        raise KnownError before anything is kept."""
        store = self.store
        user = store.user
        result = RowResult(row.line, IMPORTED, warnings=list(row.warnings), new_person=True, opened_case=True)
        person = cases._normalise_person(row.person)  # checked by parse_row (validation.validate_person)
        person.setdefault("facility_code", user.facility_code)
        permissions.check_insert(store, "persons", person)
        similar = self.similar(
            person.get("name", ""), person.get("birth_date"), bool(person.get("birth_date_estimated"))
        )
        if similar:
            result.warnings.append(i18n.text("transfer.similar", count=similar))
        bulk.complete_rows([person], now_iso(), user.username)
        opened = row.opened_at or today_iso()
        case = {"id": bulk.uuid7_many(1)[0], "person_id": person["id"], "facility_code": user.facility_code,
                "assigned_to": user.username, "category_code": row.category_code, "stage": stages.STAGES[0],
                "status": "open", "risk": "medium", "opened_at": opened, "conflict": 0}  # fmt: skip
        case["case_number"] = case_number(user.facility_code, case["id"], int(opened[:4]))
        errors = [i for i in validation.validate_case(case) if i.severity == "error"]
        if errors:
            raise ValidationFailed(errors)
        permissions.check_insert(store, "cases", case)
        self.persons.append(person)
        self.cases.append(case)
        if row.note:
            self.notes.append({"case_id": case["id"], "text": row.note, "kind": "other", "confidential": 0,
                               "noted_at": now_iso()})  # fmt: skip
        if person.get("nik"):
            self.by_nik[person["nik"]] = person
        else:
            self.without_nik[(fold(person.get("name")), person.get("birth_date"))] = person
        if person.get("birth_date"):
            for key in names.block_keys(person.get("name")):
                self.by_key.setdefault(key, []).append(person)
        result.case_number = case["case_number"]
        return result

    def flush(self) -> None:
        """Write the batch's new people, cases and notes (rows, outbox, audit) and index their cases, parents
        first (the outbox is pushed in order)."""
        if not self.persons:
            return
        store = self.store
        now, user = now_iso(), store.user.username
        written = {"persons": self.persons, "cases": self.cases, "notes": self.notes}
        with store.transaction():
            first_case = 0
            for table, rows in written.items():
                if rows:
                    bulk.complete_rows(rows, now, user)
                    before = bulk.write_groups(store, table, bulk.group_rows(rows))
                    if table == "cases":
                        first_case = before + 1
            found = bulk.memory_index_rows(self.index_keys, written, first_case) if self.index_keys else None
            if found is None:
                bulk.index_new_cases(store, [c["id"] for c in self.cases])
            else:
                live = [r for r in found if not r["deleted"]]
                bulk.write_index_rows(store, [indexing.all_index_values(r) for r in live],
                                      [indexing._search_values(r) for r in live], bulk.memory_growth_rows(written))  # fmt: skip
        self._reset()


def _find_known(store: Store, row: ParsedRow) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The person (and case) this row is about, if already in the store."""
    if row.case_number:
        case = store.one(
            "SELECT * FROM cases WHERE case_number = ? AND facility_code = ? AND deleted = 0",
            [row.case_number, store.user.facility_code],
        )
        if case is not None:
            return repo.get_row(store, "persons", case["person_id"]), case
    if row.person.get("nik"):
        return cases.find_same_nik(store, row.person["nik"]), None
    return _same_person_without_nik(store, row), None


def _same_person_without_nik(store: Store, row: ParsedRow) -> dict[str, Any] | None:
    """Without a NIK, a re-run of the same file must still not add everyone again: a person without a
    NIK with exactly this name and birth date (or both without one) who has an open case in this
    facility is taken to be the same person."""
    name = fold(row.person.get("name"))
    for candidate in store.query(
        "SELECT p.* FROM persons p JOIN cases c ON c.person_id = p.id"
        " WHERE p.deleted = 0 AND coalesce(p.nik, '') = '' AND p.birth_date IS ?"
        " AND c.facility_code = ? AND c.status = 'open' AND c.deleted = 0",
        [row.person.get("birth_date"), store.user.facility_code],
    ):
        if fold(candidate["name"]) == name:
            return candidate
    return None


def _write_row(
    store: Store, row: ParsedRow, known: tuple[dict[str, Any] | None, dict[str, Any] | None] | None = None
) -> RowResult:
    result = RowResult(row.line, IMPORTED, warnings=list(row.warnings))
    person, case = known if known is not None else _find_known(store, row)
    if person is None:
        registered = cases.register_person(store, dict(row.person))
        person_id = registered.id
        result.new_person = True
        if registered.similar:
            result.warnings.append(i18n.text("transfer.similar", count=len(registered.similar)))
    else:
        person_id = person["id"]
        changes = {k: v for k, v in row.person.items() if person.get(k) != v}
        if changes:
            cases.update_person(store, person_id, changes)
            result.person_changed = True
            result.notes.append(
                i18n.text("transfer.person_updated", name=person["name"], fields=", ".join(sorted(changes)))
            )
        if case is not None:
            result.notes.append(i18n.text("transfer.same_case", number=case["case_number"]))
        else:
            case = store.one(
                "SELECT * FROM cases WHERE person_id = ? AND facility_code = ? AND status = 'open'"
                " AND deleted = 0 ORDER BY opened_at, id LIMIT 1",
                [person_id, store.user.facility_code],
            )
            if case is not None:
                name = row.person.get("name") or person["name"]
                result.notes.append(
                    i18n.text("transfer.existing_case", name=name, number=case["case_number"])
                )
    if case is None:
        case_id = cases.open_case(store, person_id, row.category_code, opened_at=row.opened_at)
        result.opened_case = True
        if row.note:
            cases.add_note(store, case_id, row.note, kind="other")
        case = repo.get_row(store, "cases", case_id)
    elif row.note and not _has_note(store, case["id"], row.note):
        cases.add_note(store, case["id"], row.note, kind="other")
    result.case_number = case["case_number"]
    return result


def _has_note(store: Store, case_id: str, text: str) -> bool:
    found = store.conn.execute(
        "SELECT 1 FROM notes WHERE case_id = ? AND text = ? AND deleted = 0 LIMIT 1", [case_id, text]
    ).fetchone()
    return found is not None


def _audit(store: Store, table: Table, report: ImportReport) -> None:
    details = {"file": report.path.name, "format": table.kind, **report.counts}
    with contextlib.suppress(Exception):  # never hide why the import stopped
        repo.audit(store, "import", details=details)
