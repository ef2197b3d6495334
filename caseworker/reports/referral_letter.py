"""The referral letter (surat rujukan, issue 19): for a referral to a place not on Caseworker (a Puskesmas, an
LKS without the app, an agency typed by hand). One or two A4 pages in the case summary's style: letterhead,
RAHASIA, the receiving agency, the client as far as the identity was shared (initials only for an ABH child
or when the identity was not ticked), the reason, the shared sections, consent, and signatures.

Only what the worker ticked is printed; confidential notes never are (caseworker.reports.redaction).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from caseworker import i18n
from caseworker.domain import reference, regions
from caseworker.domain import referrals as rules
from caseworker.reports import case_sections as sec
from caseworker.reports.case_summary import PrintContext, print_context, write_atomically
from caseworker.reports.document import PageFrame, build_pdf, letterhead
from caseworker.reports.formatting import fmt_age, fmt_date, fmt_number, para_text
from caseworker.reports.labels import t
from caseworker.reports.redaction import prepare_case
from caseworker.reports.styles import CONTENT_WIDTH, field_table, grid_table, p, section_bar
from caseworker.store import repository
from caseworker.store.queries import case_full
from caseworker.store.store import Store

i18n.register(
    {
        "letter.title": ("SURAT RUJUKAN", "REFERRAL LETTER"),
        "letter.to": ("Kepada Yth.", "To"),
        "letter.opening": (
            "Dengan hormat, bersama ini kami merujuk klien berikut untuk mendapatkan layanan di lembaga "
            "Bapak/Ibu.",
            "We hereby refer the following client to your organisation for its services.",
        ),
        "letter.client": ("Klien", "Client"),
        "letter.reason": ("Alasan rujukan", "Reason for referral"),
        "letter.shared": ("Informasi yang dibagikan", "Information shared"),
        "letter.consent": ("Persetujuan", "Consent"),
        "letter.consent_by": ("Diberikan oleh", "Given by"),
        "letter.basis": ("Dasar", "Basis"),
        "letter.withheld": (
            "Identitas klien tidak dibagikan (hanya inisial, jenis kelamin, tahun lahir, kabupaten/kota).",
            "The client's identity is not shared (initials, sex, birth year and kabupaten/kota only).",
        ),
        "letter.abh": (
            "Anak berhadapan dengan hukum: identitas anak dilindungi (UU 11/2012 SPPA pasal 19).",
            "Child in conflict with the law: the child's identity is protected (UU 11/2012 SPPA art. 19).",
        ),
        "letter.closing": (
            "Mohon kabar penerimaan atau penolakan rujukan ini kepada kami. Atas perhatian dan kerja samanya "
            "kami ucapkan terima kasih.",
            "Please let us know whether you accept this referral. Thank you for your attention and cooperation.",
        ),
        "letter.birth_year": ("Tahun lahir", "Birth year"),
        "letter.nothing_shared": (
            "Tidak ada bagian catatan yang dibagikan.",
            "No part of the record is shared.",
        ),
    }
)

_BASES = {
    "persetujuan": ("Persetujuan klien/wali", "Consent of client or guardian"),
    "putusan_pengadilan": ("Putusan pengadilan", "Court order"),
    "surat_penyerahan": ("Surat penyerahan", "Letter of surrender"),
    "lainnya": ("Lainnya", "Other"),
}


def _w(key: str, lang: str, **params: object) -> str:
    return i18n.text(key, lang, **params)


def _client(
    person: dict[str, Any], case: dict[str, Any], withheld: bool, lang: str, today: date
) -> list[Flowable]:
    category = reference.category_name(case.get("category_code"), lang) or "-"
    sex = t(f"sex_{person['sex']}", lang) if person.get("sex") in ("L", "P") else "-"
    if withheld:
        kab = ".".join((person.get("region_code") or "").split(".")[:2])
        rows = [
            (t("name", lang), rules.initials(person.get("name"))),
            (t("sex", lang), sex),
            (_w("letter.birth_year", lang), (person.get("birth_date") or "")[:4] or "-"),
            (t("region", lang), regions.region_label(kab) if kab else "-"),
            (t("category", lang), category),
        ]
        notice = "letter.abh" if reference.is_abh_category(case.get("category_code")) else "letter.withheld"
        return [field_table(rows), p(_w(notice, lang), "notice")]
    rows = [
        (t("name", lang), person.get("name") or "-"),
        (t("sex", lang), sex),
        (t("birth", lang), ", ".join(x for x in (person.get("birthplace"), fmt_date(person.get("birth_date"))) if x)),
        (t("age", lang), fmt_age(person.get("birth_date"), today, lang) if person.get("birth_date") else "-"),
        (t("nik", lang), person.get("nik") or "-"),
        (t("address", lang), para_text(person.get("address")) or "-"),
        (t("region", lang), regions.region_label(person.get("region_code")) if person.get("region_code") else "-"),
        (t("guardian", lang), person.get("guardian_name") or "-"),
        (t("category", lang), category),
    ]  # fmt: skip
    return [field_table(rows)]


def _sections(c: dict[str, Any], shared: list[str], lang: str, users: dict[str, Any]) -> list[Flowable]:
    out: list[Flowable] = []
    if "problem" in shared:
        out += [p(f"<b>{t('sec_problem', lang)}</b>"), *sec.problem(c, lang)]
    if "assessments" in shared:
        out += [p(f"<b>{t('sec_assessments', lang)}</b>"), *sec.assessments(c, lang)]
    if "measurements" in shared and c.get("measurements"):
        rows = [
            [fmt_date(m.get("measured_at")), fmt_number(m.get("weight_kg"), 1, lang),
             fmt_number(m.get("length_cm"), 1, lang), fmt_number(m.get("muac_cm"), 1, lang)]
            for m in sorted(c["measurements"], key=lambda m: m.get("measured_at") or "")
        ]  # fmt: skip
        heads = ["Tanggal" if lang == "id" else "Date", "BB (kg)" if lang == "id" else "Weight (kg)",
                 "PB/TB (cm)" if lang == "id" else "Length (cm)", "LiLA (cm)" if lang == "id" else "MUAC (cm)"]  # fmt: skip
        widths = [CONTENT_WIDTH * w for w in (0.31, 0.23, 0.23, 0.23)]
        out += [p(f"<b>{t('sec_growth', lang)}</b>"), grid_table(heads, rows, widths, numeric_cols=(1, 2, 3))]
    if "goals" in shared:
        out += [p(f"<b>{t('sec_plan', lang)}</b>"), *sec.plan(c, lang)]
    if "interventions" in shared:
        out += [p(f"<b>{t('sec_services', lang)}</b>"), *sec.services(c, lang, users)]
    if "notes" in shared:
        out += [p(f"<b>{t('sec_notes', lang)}</b>"), *sec.notes(c, lang, users, 0)]
    return out or [p(_w("letter.nothing_shared", lang), "muted")]


def build_referral_letter(
    case: dict[str, Any], referral: dict[str, Any], target: dict[str, Any] | None, ctx: PrintContext, out: Any,
    *, lang: str = "id",
) -> None:  # fmt: skip
    """Render from the `case_full` dict and the referral row; touches no store."""
    shared = [s for s in json.loads(referral.get("shared_sections") or "[]") if s in rules.SECTIONS]
    withheld = rules.identity_withheld(case.get("category_code"), referral.get("share_identity"))
    prepared = prepare_case(case, redact=True)  # confidential notes out; an ABH child's names scrubbed
    c = prepared.case
    person = (c.get("person") if withheld else case.get("person")) or {}
    if withheld and not prepared.abh_withheld:
        names = rules.person_names(case.get("person") or {})
        for table, columns in rules.TEXT_FIELDS.items():
            for row in c.get(table) or []:
                for column in columns:
                    row[column] = rules.scrub(row.get(column), names)
        c["presenting_problem"] = rules.scrub(c.get("presenting_problem"), names)
    today = ctx.printed_at.date()
    to_name = (target or {}).get("name") or referral.get("to_agency") or "-"
    to_lines = [f"<b>{para_text(to_name)}</b>"]
    for extra in ((target or {}).get("address"), (target or {}).get("contact")):
        if extra:
            to_lines.append(para_text(extra))
    basis = referral.get("consent_basis")
    consent = [
        (_w("letter.consent_by", lang), referral.get("consent_by") if not prepared.abh_withheld else "-"),
        (_w("letter.basis", lang), _BASES[basis][0 if lang == "id" else 1] if basis in _BASES else "-"),
    ]
    story: list[Flowable] = [
        *letterhead(ctx.facility, lang),
        p(_w("letter.title", lang), "title"),
        p(
            f"{t('case_number', lang)}: {para_text(case.get('case_number'))} \u00b7 "
            f"{fmt_date(referral.get('referred_at'))}",
            "muted",
        ),  # fmt: skip
        Spacer(1, 3 * mm),
        p(_w("letter.to", lang)),
        p("<br/>".join(to_lines)),
        Spacer(1, 3 * mm),
        p(_w("letter.opening", lang)),
        section_bar(_w("letter.client", lang)),
        *_client(person, case, withheld, lang, today),
        section_bar(_w("letter.reason", lang)),
        p(
            para_text(
                rules.scrub(referral.get("reason"), rules.person_names(case.get("person") or {}))
                if withheld
                else referral.get("reason")
            )
            or "-"
        ),  # fmt: skip
        section_bar(_w("letter.shared", lang)),
        *_sections(c, shared, lang, ctx.users),
        section_bar(_w("letter.consent", lang)),
        field_table(consent),
        Spacer(1, 3 * mm),
        p(_w("letter.closing", lang)),
        sec.signatures(
            ctx.facility, ctx.users.get(case.get("assigned_to") or ""), ctx.supervisor, lang, today
        ),
    ]
    number = case.get("case_number") or ""
    frame = PageFrame(lang, ctx.printed_by, ctx.printed_at, f"{_w('letter.title', lang)} \u00b7 {number}")
    build_pdf(
        out, story, frame, title=f"{_w('letter.title', lang)} {number}", author=ctx.facility.get("name") or ""
    )


def render_referral_letter(store: Store, referral_id: str, out_path: str | Path, *, lang: str = "id") -> Path:
    """Print the referral's letter to `out_path` and record the print in the audit log."""
    referral = repository.get_row(store, "referrals", referral_id)
    case = case_full(store, referral["case_id"])
    target = None
    if referral.get("to_facility"):
        target = store.one("SELECT * FROM facility_directory WHERE code = ?", [referral["to_facility"]])
    ctx = print_context(store)
    path = write_atomically(
        Path(out_path), lambda handle: build_referral_letter(case, referral, target, ctx, handle, lang=lang)
    )
    details = {"variant": "referral_letter", "lang": lang, "referral_id": referral_id}
    repository.audit(store, "print", "referrals", referral_id, referral["case_id"], details)
    return path
