"""Reading an import file: CSV (UTF-8 with or without BOM, or Windows-1252; `,` `;` or tab) or XLSX.

`open_table` finds the header row (row 1, or the first of the top 20 rows that names known columns),
maps the columns and then yields the data rows lazily with their line (or spreadsheet row) numbers.
Values come back as stripped text; XLSX formula cells are reported separately and never evaluated.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from caseworker.errors import KnownError
from caseworker.transfer import messages  # noqa: F401  (registers the messages)
from caseworker.transfer.columns import COLUMNS, KNOWN, REQUIRED, header_key

HEADER_SEARCH_ROWS = 20
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old binary .xls
# A UTF-8 multi-byte sequence: finding one in a file that is not valid UTF-8 means mixed encodings.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")

csv.field_size_limit(1 << 30)  # long cells are refused per row with a clear reason, not by the csv module


@dataclass
class RawRow:
    line: int  # line in the CSV / row in the sheet where the row starts (1-based)
    values: dict[str, str]  # known column -> text (stripped)
    formulas: dict[str, str] = field(default_factory=dict)  # column -> formula of an XLSX formula cell
    extra_values: int = 0  # cells right of the header's last column


@dataclass
class Table:
    path: Path
    kind: str  # csv | xlsx
    header_line: int
    columns: list[str | None]  # per position: the known column, or None when ignored
    unknown: list[str]
    encoding: str | None = None
    delimiter: str | None = None
    _records: Iterator[tuple[int, list[Any]]] | None = None
    _closer: Any = None

    def rows(self) -> Iterator[RawRow]:
        assert self._records is not None
        width = len(self.columns)
        for line, cells in self._records:
            texts = [_cell_text(c) for c in cells]
            if not any(texts) or _is_comment(texts):
                continue
            row = RawRow(line, {})
            for col, cell, text in zip(self.columns, cells, texts, strict=False):
                if col is None:
                    continue
                if _is_formula_cell(cell):
                    row.formulas[col] = str(getattr(cell, "value", ""))
                row.values[col] = text
            # A CSV row longer than the header is misaligned (an unquoted comma in an address) even
            # if the cell pushed out is empty; a sheet may carry empty formatted cells on the right.
            extra = texts[width:]
            row.extra_values = len(extra) if self.kind == "csv" else sum(1 for t in extra if t)
            yield row

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
            self._closer = None

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_comment(texts: list[str]) -> bool:
    """Rows whose first filled cell starts with `#` explain the template; they are never imported."""
    first = next((t for t in texts if t), "")
    return first.startswith("#")


def _is_formula_cell(cell: Any) -> bool:
    return getattr(cell, "data_type", None) == "f"


def _cell_text(cell: Any) -> str:
    value = getattr(cell, "value", cell) if not isinstance(cell, str) else cell
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()  # a date typed into a sheet may carry a time of day
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def open_table(path: str | Path) -> Table:
    """Open an import file and find its header. Raises KnownError (exit 2) for an unreadable file."""
    path = Path(path)
    if not path.is_file():
        raise KnownError("transfer.no_file", path=str(path))
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(_ZIP_MAGIC):
        return _open_xlsx(path)
    if head.startswith(_OLE_MAGIC):
        raise KnownError("transfer.old_xls", path=str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm") and head:
        raise KnownError("transfer.bad_xlsx", path=str(path), reason="not a ZIP/OOXML file")
    return _open_csv(path)


# --- CSV ---


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], True
    else:
        bom = False
    if b"\x00" in data:
        raise KnownError("transfer.not_text", path=str(path))
    try:
        return data.decode("utf-8"), "UTF-8" + (" (BOM)" if bom else "")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if not bom:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise _encoding_error(data, exc.start) from None
        match = _UTF8_SEQUENCE.search(data)
        if match is None:
            return text, "Windows-1252"
        raise KnownError("transfer.mixed_encoding", line=data.count(b"\n", 0, match.start()) + 1)
    raise _encoding_error(data, utf8_error.start)


def _encoding_error(data: bytes, offset: int) -> KnownError:
    return KnownError(
        "transfer.bad_encoding", line=data.count(b"\n", 0, offset) + 1, byte=f"{data[offset]:02X}"
    )


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for record in reader:
            yield start, record
            start = reader.line_num + 1
    except csv.Error as exc:
        raise KnownError("transfer.bad_csv", reason=f"line {reader.line_num}: {exc}") from None


def _open_csv(path: Path) -> Table:
    data = path.read_bytes()
    if not data.replace(b"\xef\xbb\xbf", b"").strip():
        raise KnownError("transfer.empty_file", path=str(path))
    text, encoding = _decode(data, path)
    best: tuple[int, str] = (0, ",")
    for delimiter in (",", ";", "\t"):
        top = _take(_csv_records(text[:65536], delimiter), HEADER_SEARCH_ROWS)
        score = max((_known_count(cells) for _, cells in top), default=0)
        if score > best[0]:
            best = (score, delimiter)
    delimiter = best[1]
    records = _csv_records(text, delimiter)
    table = _with_header(path, "csv", records)
    table.encoding, table.delimiter = encoding, delimiter
    return table


def _take(it: Iterator[tuple[int, list[Any]]], n: int) -> list[tuple[int, list[Any]]]:
    out = []
    for item in it:
        out.append(item)
        if len(out) >= n:
            break
    return out


def _known_count(cells: list[Any]) -> int:
    return len({header_key(_cell_text(c)) for c in cells} & KNOWN)


# --- XLSX ---


def _open_xlsx(path: Path) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style" and similar from other producers
            wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise KnownError("transfer.bad_xlsx", path=str(path), reason=type(exc).__name__) from None
    try:
        sheet = wb.worksheets[0]
        records = ((n, list(row)) for n, row in enumerate(sheet.iter_rows(), start=1))
        table = _with_header(path, "xlsx", records)
    except BaseException:
        wb.close()
        raise
    table._closer = wb.close
    return table


# --- the header ---


def _with_header(path: Path, kind: str, records: Iterator[tuple[int, list[Any]]]) -> Table:
    seen_content = False
    for index, (line, cells) in enumerate(records):
        texts = [_cell_text(c) for c in cells]
        seen_content = seen_content or any(texts)
        if _known_count(cells) == 0:
            if index + 1 >= HEADER_SEARCH_ROWS:
                break
            continue
        keys = [header_key(t) for t in texts]
        columns: list[str | None] = []
        for key in keys:
            if key in KNOWN and key in columns:
                raise KnownError("transfer.duplicate_column", column=key)
            columns.append(key if key in KNOWN else None)
        unknown = [t for t, k in zip(texts, keys, strict=True) if t and k not in KNOWN]
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            found = ", ".join(t for t in texts if t) or "-"
            raise KnownError("transfer.missing_columns", columns=", ".join(missing), found=found)
        return Table(path, kind, line, columns, unknown, _records=records)
    if not seen_content:
        raise KnownError("transfer.empty_file", path=str(path))
    raise KnownError("transfer.no_header", path=str(path), columns=", ".join(COLUMNS))
