"""PDF reports (reportlab): case summaries (full, redacted) and the supervisors' caseload report.

Pure renderers take plain dicts (`build_case_summary`, `build_caseload_report`); the `render_*` calls
read the store, write the file atomically and append a 'print' entry to the audit log.
"""

from caseworker.reports.batch import render_case_batch
from caseworker.reports.case_summary import (
    PrintContext,
    build_case_summary,
    print_context,
    render_case_summary,
)
from caseworker.reports.caseload_report import build_caseload_report, render_caseload_report
from caseworker.reports.caseload_stats import caseload_stats


def warm_up() -> None:
    """Load fonts, region names and WHO tables now (e.g. in a background thread at start-up) so the
    first print is as fast as the next ones."""
    from caseworker.domain import regions
    from caseworker.growth.tables import age_table
    from caseworker.reports.fonts import register_fonts

    register_fonts()
    regions.load()
    for indicator in ("waz", "haz", "baz", "hcz"):
        age_table(indicator)


__all__ = [
    "PrintContext",
    "build_case_summary",
    "build_caseload_report",
    "caseload_stats",
    "print_context",
    "render_case_batch",
    "render_case_summary",
    "render_caseload_report",
    "warm_up",
]
