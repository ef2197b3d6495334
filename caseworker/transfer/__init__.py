"""Spreadsheets in and out: `import_file` (CSV/XLSX rows -> persons and open cases), `export_cases`
(JSON/CSV/XLSX, streamed) and `write_template` (an empty import file)."""

from caseworker.transfer.exporter import FORMATS, export_cases
from caseworker.transfer.importer import ImportReport, RowResult, import_file
from caseworker.transfer.template import write_template

__all__ = ["FORMATS", "ImportReport", "RowResult", "export_cases", "import_file", "write_template"]
