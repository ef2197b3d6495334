"""The case summary PDF: a pure renderer from the `case_full` dict, and the store-facing call that
prints a case, writes the audit entry and returns the file.

Section order (fixed): header with letterhead, identity, referral and intake, presenting problem,
assessments, growth (children under five with measurements), plan and goals, services by ATENSI
component, progress notes, closure/referral/after-care, signatures.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from caseworker.domain.stages import stage_name
from caseworker.private_files import make_parents
from caseworker.reports import case_sections as sec
from caseworker.reports.document import PageFrame, build_pdf, letterhead
from caseworker.reports.formatting import fmt_datetime, para_text
from caseworker.reports.growth_chart import growth_points, growth_section
from caseworker.reports.labels import t
from caseworker.reports.redaction import prepare_case
from caseworker.reports.styles import CONTENT_WIDTH, HEAD_FILL, RULE, p
from caseworker.store import repository
from caseworker.store.queries import case_full
from caseworker.store.store import Store


@dataclass(frozen=True)
class PrintContext:
    """Who prints, when, for which facility, and the people who sign (looked up once per batch)."""

    facility: dict[str, Any]
    printed_by: str  # "Full Name (username)"
    printed_at: datetime
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # username -> users row
    supervisor: dict[str, Any] | None = None


def print_context(store: Store, printed_at: datetime | None = None) -> PrintContext:
    users = {u["username"]: u for u in store.query("SELECT * FROM users ORDER BY username")}
    me = store.user
    supervisors = [u for u in users.values() if u.get("role") == "supervisor" and u.get("active", 1)]
    supervisor = (
        users.get(me.username) if me.role == "supervisor" else (supervisors[0] if supervisors else None)
    )
    who = f"{me.full_name} ({me.username})" if me.full_name and me.full_name != me.username else me.username
    return PrintContext(store.facility(), who, printed_at or datetime.now(), users, supervisor)


def _title_block(case: dict[str, Any], lang: str, redacted: bool) -> list[Flowable]:
    status = t("status_closed" if case.get("status") == "closed" else "status_open", lang)
    cells = [
        p(f"{t('case_number', lang)}: <b>{para_text(case.get('case_number'))}</b>", "cell"),
        p(f"{t('stage', lang)}: <b>{para_text(stage_name(case.get('stage') or '', lang))}</b>", "cell"),
        p(f"{t('status', lang)}: <b>{status}</b>", "cell"),
    ]
    info = Table([cells], colWidths=[CONTENT_WIDTH * 0.42, CONTENT_WIDTH * 0.36, CONTENT_WIDTH * 0.22])
    info.setStyle(
        TableStyle([("BACKGROUND", (0, 0), (-1, -1), HEAD_FILL), ("BOX", (0, 0), (-1, -1), 0.4, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)])
    )  # fmt: skip
    out: list[Flowable] = [p(t("case_summary", lang), "title"), Spacer(1, 2 * mm), info]
    if redacted:
        out.append(p(t("redacted_version", lang), "notice"))
    confirmed = case.get("server_confirmed")  # set by render_case_summary on a laptop joined to a server
    if confirmed is not None:
        when = confirmed and fmt_datetime(datetime.strptime(confirmed, "%Y-%m-%dT%H:%M:%SZ"))
        if when:  # a plain line; an unconfirmed case is a warning, like the redacted one
            out.append(p(t("server_confirmed", lang, when=when), "muted"))
        else:
            out.append(p(t("server_unconfirmed", lang), "notice"))
    return out


def case_summary_story(
    case: dict[str, Any], ctx: PrintContext, *, lang: str = "id", redact: bool = False, full_ids: bool = False
) -> list[Flowable]:
    """The flowables of a summary (exposed so tests and batch jobs can inspect or extend them)."""
    prepared = prepare_case(case, redact=redact, full_ids=full_ids)
    c, users, today = prepared.case, ctx.users, ctx.printed_at.date()
    s = sec.Sections(lang)
    story: list[Flowable] = [*letterhead(ctx.facility, lang), *_title_block(c, lang, prepared.redacted)]
    story += [s.heading("sec_identity"), *sec.identity(c, lang, today, prepared.abh_withheld)]
    story += [s.heading("sec_referral"), *sec.referral(c, lang, users)]
    story += [s.heading("sec_problem"), *sec.problem(c, lang)]
    story += [s.heading("sec_assessments"), *sec.assessments(c, lang)]
    points = growth_points(c.get("person") or {}, c.get("measurements") or [])
    if points:
        story += [s.heading("sec_growth"), *growth_section(c["person"], points, lang)]
    story += [s.heading("sec_plan"), *sec.plan(c, lang)]
    story += [s.heading("sec_services"), *sec.services(c, lang, users)]
    story += [s.heading("sec_notes"), *sec.notes(c, lang, users, prepared.notes_left_out)]
    story += [s.heading("sec_closure"), *sec.closure(c, lang)]
    story.append(
        sec.signatures(ctx.facility, users.get(c.get("assigned_to") or ""), ctx.supervisor, lang, today)
    )
    return story


def _name_forms(store: Store, case: dict[str, Any]) -> None:
    """Each assessment's form title from the version it was made with (a unit's imported forms too)."""
    from caseworker.errors import KnownError
    from caseworker.forms import library

    for a in case.get("assessments") or []:
        try:
            a["form_title"] = library.form_for(
                store, a.get("form_id") or "", a.get("form_version")
            ).title.as_dict()
        except KnownError:
            continue  # a form this laptop does not have: the print names its id


def build_case_summary(
    case: dict[str, Any],
    out: str | Path | IO[bytes],
    ctx: PrintContext,
    *,
    lang: str = "id",
    redact: bool = False,
    full_ids: bool = False,
) -> None:
    """Render a summary from the `case_full` dict to a path or binary file; touches no store."""
    story = case_summary_story(case, ctx, lang=lang, redact=redact, full_ids=full_ids)
    number = case.get("case_number") or ""
    frame = PageFrame(lang, ctx.printed_by, ctx.printed_at, f"{t('case_summary', lang)} \u00b7 {number}")
    # No client name in the PDF metadata: file managers and mail previews show it.
    build_pdf(
        out, story, frame, title=f"{t('case_summary', lang)} {number}", author=ctx.facility.get("name") or ""
    )


def variant_name(redact: bool, full_ids: bool) -> str:
    return "redacted" if redact else ("full_ids" if full_ids else "standard")


def write_atomically(path: Path, write: Any) -> Path:
    """Write to a temporary file beside `path` and rename: a failed print leaves no half PDF. The PDF is
    private to the user (mkstemp makes it 0600), and so are the folders made for it (0700)."""
    make_parents(path)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".pdf.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _server_confirmed(store: Store, case_id: str) -> str | None:
    """On a laptop joined to a server: the server time up to which its signed receipts confirm every change
    of the case made here, or "" when some change is not confirmed yet. None without a server, or when
    this laptop made no change to the case (received from others: nothing of ours to confirm)."""
    from caseworker.sync import bundle, receipts  # only when printing: sync is not the reports' concern

    keys = bundle.server_keys(store)
    if keys is None:
        return None
    waiting = receipts.pending_of(store, case_id)
    if not waiting and not receipts.listed(store, keys, case_id):
        return None
    return receipts.confirmed_up_to(store, keys, case_id, waiting=waiting) or ""


def render_case_summary(
    store: Store,
    case_id: str,
    out_path: str | Path,
    *,
    lang: str = "id",
    redact: bool = False,
    full_ids: bool = False,
    ctx: PrintContext | None = None,
) -> Path:
    """Print one case to `out_path` and record the print in the audit log (action 'print')."""
    case = case_full(store, case_id)
    _name_forms(store, case)
    case["server_confirmed"] = _server_confirmed(store, case_id)
    ctx = ctx or print_context(store)
    path = write_atomically(
        Path(out_path),
        lambda handle: build_case_summary(case, handle, ctx, lang=lang, redact=redact, full_ids=full_ids),
    )
    details = {"variant": variant_name(redact, full_ids), "lang": lang}
    repository.audit(store, "print", "cases", case_id, case_id, details)
    return path
