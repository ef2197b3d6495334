"""Export cases to JSON, CSV or XLSX, streamed in chunks so 100,000 cases keep memory flat.

The file is written under a temporary name and renamed when complete: a failed export never leaves
half a file. CSV/XLSX cells that a spreadsheet would run as a formula get a leading apostrophe. Every
export is written to the audit log (format, count, redacted).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from caseworker.domain import reference
from caseworker.errors import KnownError
from caseworker.private_files import prepare_private_file, tighten
from caseworker.store import queries
from caseworker.store import repository as repo
from caseworker.store.cases import mask_id
from caseworker.store.ids import now_iso
from caseworker.store.schema import DATA_VERSION
from caseworker.store.store import Store
from caseworker.store.values import json_or_raw
from caseworker.transfer import messages  # noqa: F401  (registers the messages)
from caseworker.transfer.columns import COLUMNS, EXPORT_EXTRA, neutralise

FORMATS = ("json", "csv", "xlsx")
CHUNK = 500  # cases read and written at a time
CASE_FIELDS = ("id", "case_number", "facility", "category", "stage", "status", "assigned_to", "opened_at",
               "closed_at")  # fmt: skip
PERSON_FIELDS = ("id", "name", "nik", "no_kk", "birth_date", "sex", "address", "region_code")
RECORDS = ("assessments", "goals", "interventions", "notes", "measurements", "referrals", "tasks")
_RECORD_ORDER = {"assessments": "assessed_at", "notes": "noted_at", "measurements": "measured_at",
                 "tasks": "due_date", "interventions": "provided_at", "referrals": "referred_at"}  # fmt: skip
_DROPPED = ("case_id", "deleted", "version")
TABLE_HEADER = COLUMNS + EXPORT_EXTRA


def export_cases(
    store: Store,
    out: str | Path,
    fmt: str,
    *,
    redact: bool = False,
    case_filter: queries.CaseFilter | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the cases matching `case_filter` (default: every case, open or closed) to `out`; returns
    the number of cases. `redact` masks NIK/KK and leaves out confidential notes."""
    if fmt not in FORMATS:
        raise KnownError("transfer.export_format", format=fmt)
    out = Path(out)
    f = case_filter or queries.CaseFilter(status=None)
    ids = queries.case_ids(store, f, sort="opened_at")  # ~ creation order: pages are read in sequence
    full = fmt == "json"
    cases = _stream(store, ids, redact, full, progress)
    try:
        with atomic_path(out) as tmp:
            if fmt == "json":
                _write_json(tmp, store, cases, redact)
            elif fmt == "csv":
                _write_csv(tmp, cases)
            else:
                _write_xlsx(tmp, cases)
    except OSError as exc:
        raise KnownError("transfer.write_failed", path=str(out), reason=exc.strerror or str(exc)) from None
    repo.audit(
        store,
        "export",
        details={"format": fmt, "count": len(ids), "redacted": redact, "stage": f.stage,
                 "search": bool(f.text)},
    )  # fmt: skip
    return len(ids)


@contextlib.contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A temporary path beside `out`, renamed to `out` only if the block finishes. The file is private to the
    user (0600): made so before the writers open it (they truncate it and keep its mode), checked after."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        prepare_private_file(tmp)
        yield tmp
        tighten(tmp)
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


# --- reading cases by chunk ---


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _in(ids: Iterable[str]) -> tuple[str, list[str]]:
    values = list(ids)
    return ",".join("?" * len(values)), values


def _records(store: Store, table: str, ids: list[str], redact: bool) -> dict[str, list[dict[str, Any]]]:
    marks, params = _in(ids)
    where = " AND confidential = 0" if redact and table == "notes" else ""
    order = _RECORD_ORDER.get(table, "created_at")
    grouped: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    for row in store.query(
        f"SELECT * FROM {table} WHERE case_id IN ({marks}) AND deleted = 0{where} ORDER BY {order}, id",
        params,
    ):
        case_id = row["case_id"]
        for key in _DROPPED:
            row.pop(key, None)
        for key in ("data", "scores"):
            if isinstance(row.get(key), str) and row[key]:
                row[key] = json_or_raw(row[key])  # text that is not JSON is exported as it is
        grouped[case_id].append(row)
    return grouped


def _stream(
    store: Store, ids: list[str], redact: bool, full: bool, progress: Callable[[int, int], None] | None
) -> Iterator[dict[str, Any]]:
    """Each case as a dict (case fields, `person`, record lists), CHUNK cases per round of queries.
    Only `notes` is loaded for the spreadsheet formats."""
    done = 0
    for chunk in _chunks(ids):
        marks, params = _in(chunk)
        case_rows = {r["id"]: r for r in store.query(f"SELECT * FROM cases WHERE id IN ({marks})", params)}
        pmarks, pparams = _in({r["person_id"] for r in case_rows.values()})
        persons = {
            r["id"]: r
            for r in store.query(
                f"SELECT {', '.join(PERSON_FIELDS)} FROM persons WHERE id IN ({pmarks})", pparams
            )
        }
        records = {t: _records(store, t, chunk, redact) for t in (RECORDS if full else ("notes",))}
        for case_id in chunk:
            row = case_rows[case_id]
            case = {k: row.get(k) for k in CASE_FIELDS}
            case["facility"] = row["facility_code"]
            case["category"] = row["category_code"]
            person = dict(persons.get(row["person_id"]) or {k: None for k in PERSON_FIELDS})
            if redact:
                person["nik"], person["no_kk"] = mask_id(person["nik"]), mask_id(person["no_kk"])
            case["person"] = person
            for table, grouped in records.items():
                case[table] = grouped[case_id]
            yield case
        done += len(chunk)
        if progress is not None:
            progress(done, len(ids))


# --- writers ---


def _write_json(path: Path, store: Store, cases: Iterator[dict[str, Any]], redact: bool) -> None:
    head = {"format": "caseworker-export", "schema_version": DATA_VERSION, "exported_at": now_iso(),
            "exported_by": store.user.username, "facility": store.user.facility_code, "redacted": redact}  # fmt: skip
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "cases": [\n')
        count = 0
        for case in cases:
            if count:
                f.write(",\n")
            f.write(json.dumps(case, ensure_ascii=False))
            count += 1
        f.write(f'\n], "count": {count}}}\n')


def table_row(case: dict[str, Any]) -> list[str]:
    """One case as the import columns plus case number, stage and status, every cell made safe."""
    person = case["person"]
    category = reference.category_name(case["category"], "id") or case["category"] or ""
    first_note = case["notes"][0]["text"] if case["notes"] else ""
    values = [person["name"], person["nik"], person["no_kk"], person["birth_date"], person["sex"],
              person["address"], person["region_code"], category, case["opened_at"], first_note,
              case["case_number"], case["stage"], case["status"]]  # fmt: skip
    return [neutralise(str(v)) if v is not None else "" for v in values]


def _write_csv(path: Path, cases: Iterator[dict[str, Any]]) -> None:
    # UTF-8 with a BOM: Excel then reads the names right instead of guessing a code page.
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(TABLE_HEADER)
        for case in cases:
            writer.writerow(table_row(case))


def _write_xlsx(path: Path, cases: Iterator[dict[str, Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook(write_only=True)  # rows go straight to a temporary file: memory stays flat
    ws = wb.create_sheet("kasus")
    for letter, width in zip(
        "ABCDEFGHIJKLM", (28, 18, 18, 12, 6, 30, 14, 30, 12, 40, 16, 16, 8), strict=True
    ):
        ws.column_dimensions[letter].width = width
    try:
        ws.append(list(TABLE_HEADER))
        for case in cases:
            ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) for v in table_row(case)])
    except BaseException:
        # Finish the sheet's own temporary file and remove it, or it lingers until the process ends.
        with contextlib.suppress(Exception):
            ws.close()
            os.remove(ws._writer.out)
        raise
    wb.save(str(path))
