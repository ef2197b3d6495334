"""Import persons and cases from a spreadsheet: each row becomes a person and an open case.

Each row commits in its own transaction (person + case + first note + their outbox and audit entries),
so an import killed half-way leaves whole rows or nothing of a row. A row whose NIK (or, in a re-imported
export, whose case number) is already known updates that person instead of adding a duplicate, and
opens no second case while the person has an open case in this facility: running the same file again
finishes an interrupted import without duplicates. One `import` audit entry records the counts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caseworker import i18n
from caseworker.errors import KnownError, NotAllowed, StoreError
from caseworker.store import cases
from caseworker.store import repository as repo
from caseworker.store.indexing import fold
from caseworker.store.store import Store
from caseworker.transfer.reader import Table, open_table
from caseworker.transfer.rows import ParsedRow, parse_row

IMPORTED, REJECTED = "imported", "rejected"


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
    width = len(table.columns)
    for raw in table.rows():
        if cancelled is not None and cancelled():
            break
        parsed, reasons = parse_row(raw, width)
        if parsed is None:
            result = RowResult(raw.line, REJECTED, reasons)
        else:
            result = _import_row(store, parsed, dry_run)
        _count(report, result)
        if progress is not None:
            progress(result)


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
def _row_scope(store: Store, dry_run: bool) -> Iterator[None]:
    """A real import commits each row on its own; a dry run rolls each row back to a savepoint inside
    its one outer transaction, so later rows see earlier ones exactly as a real import would."""
    if not dry_run:
        with store.transaction():
            yield
        return
    store.conn.execute("SAVEPOINT import_row")
    try:
        yield
    except BaseException:
        store.conn.execute("ROLLBACK TO import_row")
        raise
    finally:
        store.conn.execute("RELEASE import_row")


def _import_row(store: Store, row: ParsedRow, dry_run: bool) -> RowResult:
    try:
        with _row_scope(store, dry_run):
            return _write_row(store, row)
    except StoreError:
        raise  # disk full, read-only: stop the whole import, nothing of this row was kept
    except KnownError as exc:
        return RowResult(row.line, REJECTED, [exc.text()], warnings=row.warnings)


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


def _write_row(store: Store, row: ParsedRow) -> RowResult:
    result = RowResult(row.line, IMPORTED, warnings=list(row.warnings))
    person, case = _find_known(store, row)
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
