"""The provincial office's overview (role province, read-only, issue 20): the page, its XLSX export and the
monthly PDF report, filtered by month and the clients' kabupaten/kota. Only suppressed aggregates are
shown (caseworker.server.web.tables); the filters are a month and a region code, never a person."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from caseworker.server import logs
from caseworker.server.auth import iso
from caseworker.server.db import Database
from caseworker.server.web import aggregates, exports, pages, snapshots, tables
from caseworker.server.web.pages import render, require

_MONTH = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")
_KAB = re.compile(r"^\d\d\.\d\d$")


def _filters(month: str | None, kab: str | None) -> aggregates.Filters:
    today = datetime.now(UTC).date()
    chosen = month if month and _MONTH.match(month) else today.strftime("%Y-%m")
    return aggregates.Filters(chosen, kab if kab and _KAB.match(kab) else None)


def _figures(database: Database, f: aggregates.Filters) -> tuple[aggregates.Overview, dict, float]:
    started = time.perf_counter()
    data = snapshots.overview_of(database, f.month, f.kabupaten)
    return aggregates.from_json(data), data, (time.perf_counter() - started) * 1000


def routes(router: APIRouter, database: Database) -> None:
    @router.get("/web/overview")
    def overview_page(request: Request, month: str | None = Query(None, max_length=7),
                      kab: str | None = Query(None, max_length=5)) -> Response:  # fmt: skip
        user = require(database, request, "province")
        f = _filters(month, kab)
        figures, counts, ms = _figures(database, f)
        lang = pages.language(request)
        logs.note("web_overview", ms=round(ms, 1))
        months = aggregates.Filters(datetime.now(UTC).strftime("%Y-%m")).months(24)[::-1]
        if f.month not in months:
            months.append(f.month)
        query = f"month={f.month}" + (f"&kab={f.kabupaten}" if f.kabupaten else "")
        return render(
            request, "overview.html", user=user, filters=f, months=months,
            kabupaten=tables.kabupaten_choices(counts["kabupaten_codes"]), tables=tables.build(figures, lang),
            export_query=query, ms=ms, counted_at=iso(counts["computed_at"]),
        )  # fmt: skip

    @router.get("/web/overview/export.xlsx")
    def overview_xlsx(request: Request, month: str | None = Query(None, max_length=7),
                      kab: str | None = Query(None, max_length=5)) -> Response:  # fmt: skip
        user = require(database, request, "province")
        f = _filters(month, kab)
        lang = pages.language(request)
        figures, _, _ = _figures(database, f)
        body = exports.xlsx(tables.build(figures, lang), lang, f.month, f.kabupaten, user.username)
        logs.note("web_export", kind="xlsx", bytes=len(body))
        name = f"ringkasan-{f.month}{'-' + f.kabupaten if f.kabupaten else ''}.xlsx"
        return pages.with_headers(Response(
            body, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        ))  # fmt: skip

    @router.get("/web/overview/report.pdf")
    def overview_pdf(request: Request, month: str | None = Query(None, max_length=7),
                     kab: str | None = Query(None, max_length=5)) -> Response:  # fmt: skip
        user = require(database, request, "province")
        f = _filters(month, kab)
        lang = pages.language(request)
        figures, _, _ = _figures(database, f)
        body = exports.pdf(tables.build(figures, lang), lang, f.month, f.kabupaten, user.username)
        logs.note("web_export", kind="pdf", bytes=len(body))
        name = f"laporan-{f.month}{'-' + f.kabupaten if f.kabupaten else ''}-{lang}.pdf"
        return pages.with_headers(Response(
            body, media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        ))  # fmt: skip
