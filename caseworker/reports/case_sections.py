"""The sections of a case summary, in print order, each a list of flowables built from the prepared case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from caseworker.domain.reference import atensi_components, atensi_name, category_name
from caseworker.domain.regions import region_path
from caseworker.reports.formatting import fmt_age, fmt_date, para_text
from caseworker.reports.labels import t, t_or
from caseworker.reports.styles import CONTENT_WIDTH, field_table, grid_table, p, section_bar


@dataclass
class Sections:
    """Numbers the section headings as they are added (a section without data keeps its heading)."""

    lang: str
    count: int = 0

    def heading(self, key: str) -> Flowable:
        self.count += 1
        return section_bar(f"{self.count}. {t(key, self.lang)}")


def _user_name(users: dict[str, dict[str, Any]], username: str | None) -> str:
    if not username:
        return "-"
    user = users.get(username) or {}
    return para_text(user.get("full_name") or username)


def _none(lang: str) -> Paragraph:
    return p(t("none", lang), "muted")


def identity(case: dict[str, Any], lang: str, today: date, abh_withheld: bool) -> list[Flowable]:
    person = case.get("person") or {}
    withheld = f"<i>({t('withheld', lang)})</i>"
    name = f"<b>{para_text(person.get('name')) or '-'}</b>"
    if person.get("nickname"):
        name += (
            f" <font color='#555555'>({t('nickname', lang).lower()}: {para_text(person['nickname'])})</font>"
        )
    born = fmt_date(person.get("birth_date"))
    if person.get("birth_date_estimated"):
        born += f" ({t('estimated', lang)})"
    birth = ", ".join(x for x in (para_text(person.get("birthplace")), born) if x and x != "-") or "-"
    sex = t_or(f"sex_{person.get('sex')}", lang, person.get("sex") or "-")
    region = ", ".join(name for _, name in reversed(region_path(person.get("region_code"))))
    desil = person.get("dtsen_desil")
    if desil:
        dtsen = (t("dtsen_value", lang, desil=desil, on=fmt_date(person["dtsen_checked_at"]))
                 if person.get("dtsen_checked_at") else t("dtsen_value_nodate", lang, desil=desil))  # fmt: skip
    else:
        dtsen = "-"
    rows = [(t("name", lang), name)]
    if abh_withheld:
        rows.append((t("birth", lang), withheld))
    else:
        rows.append((t("birth", lang), birth))
    rows += [(t("age", lang), fmt_age(person.get("birth_date"), today, lang)), (t("sex", lang), sex)]
    rows += [
        (t("nik", lang), withheld if abh_withheld else (person.get("nik") or "-")),
        (t("no_kk", lang), withheld if abh_withheld else (person.get("no_kk") or "-")),
        (t("address", lang), withheld if abh_withheld else (para_text(person.get("address")) or "-")),
        (t("region", lang), para_text(region) or "-"),
        (
            t("category", lang),
            para_text(category_name(case.get("category_code"), lang) or case.get("category_code")),
        ),
        (t("dtsen", lang), dtsen),
    ]
    disabilities = person.get("disabilities") or []
    if disabilities:
        rows.append((t("disabilities", lang), para_text(", ".join(str(d) for d in disabilities))))
    guardian_bits = [person.get("guardian_name"), t_or(f"rel_{person.get('guardian_relation')}", lang,
                                                       person.get("guardian_relation") or ""), person.get("guardian_phone")]  # fmt: skip
    guardian = ", ".join(para_text(x) for x in guardian_bits if x)
    if abh_withheld and person.get("guardian_relation"):
        guardian = f"{withheld} ({para_text(guardian)})"
    rows.append((t("guardian", lang), guardian or "-"))
    if person.get("legal_basis"):
        rows.append((t("legal_basis", lang), para_text(person["legal_basis"])))
    family = [
        f"{para_text(r.get('related_name') or '-')} ({t_or('rel_' + str(r.get('relation')), lang, r.get('relation') or '')})"
        for r in case.get("relations") or []
    ]
    if family:
        rows.append((t("family", lang), "; ".join(family)))
    out: list[Flowable] = [field_table(rows)]
    if abh_withheld:
        out.insert(0, p(t("abh_notice", lang), "notice"))
    return out


def referral(case: dict[str, Any], lang: str, users: dict[str, dict[str, Any]]) -> list[Flowable]:
    consent = "-"
    if case.get("consent_by") or case.get("consent_at"):
        basis = t_or(f"consent_{case.get('consent_basis')}", lang, case.get("consent_basis") or "-")
        consent = t("consent_value", lang, who=para_text(case.get("consent_by")) or "-",
                    on=fmt_date(case.get("consent_at")), basis=basis)  # fmt: skip
    rows = [
        (t("referral_source", lang), para_text(case.get("referral_source")) or "-"),
        (t("entry_date", lang), fmt_date(case.get("opened_at"))),
        (t("consent", lang), consent),
        (t("worker", lang), _user_name(users, case.get("assigned_to"))),
        (t("risk", lang), t_or(f"risk_{case.get('risk')}", lang, case.get("risk") or "-")),
    ]
    return [field_table(rows)]


def problem(case: dict[str, Any], lang: str) -> list[Flowable]:
    text = para_text(case.get("presenting_problem"))
    return [p(text)] if text else [_none(lang)]


def _form_title(form_id: str, lang: str, named: Any = None) -> str:
    if isinstance(named, dict) and named.get(lang):
        return str(named[lang])  # set by case_summary from the assessment's own form version
    try:
        from caseworker.forms.definitions import get_form

        return get_form(form_id).title.get(lang)
    except Exception:  # a form this version does not ship (newer device): print its id
        return form_id


def assessments(case: dict[str, Any], lang: str) -> list[Flowable]:
    rows = []
    for a in case.get("assessments") or []:
        scores = a.get("scores") if isinstance(a.get("scores"), dict) else {}
        score_lines, band_lines = [], []
        for score in scores.values():
            if not isinstance(score, dict):
                continue
            label = (score.get("score_label") or {}).get(lang, "")
            value = score.get("value")
            score_lines.append(f"{para_text(label)}: <b>{'-' if value is None else value}</b>")
            band = (score.get("label") or {}).get(lang) if score.get("label") else None
            if band:
                band_lines.append(para_text(band))
            else:  # a complete score with no band (a calculation, or a value in no band) is not incomplete
                band_lines.append("-" if score.get("complete") else f"<i>{t('incomplete', lang)}</i>")
        title = f"<b>{para_text(_form_title(a.get('form_id') or '', lang, a.get('form_title')))}</b>"
        if a.get("summary"):
            title += f"<br/>{para_text(a['summary'])}"
        status = t_or(f"review_{a.get('review_status')}", lang, a.get("review_status") or "-")
        rows.append([fmt_date(a.get("assessed_at")), title, "<br/>".join(score_lines) or "-",
                     "<br/>".join(band_lines) or "-", status])  # fmt: skip
    if not rows:
        return [_none(lang)]
    header = [t("date", lang), t("instrument", lang), t("score", lang), t("band", lang), t("status", lang)]
    return [grid_table(header, rows, [2, 6, 3.2, 2.8, 2])]


def plan(case: dict[str, Any], lang: str) -> list[Flowable]:
    rows = [
        [para_text(g.get("description")) or "-", para_text(atensi_name(g.get("atensi_component"), lang) or "-"),
         fmt_date(g.get("target_date")), t_or(f"goal_{g.get('status')}", lang, g.get("status") or "-")]
        for g in case.get("goals") or []
    ]  # fmt: skip
    if not rows:
        return [_none(lang)]
    return [
        grid_table(
            [t("goal", lang), t("atensi", lang), t("target", lang), t("status", lang)], rows, [7, 5, 2, 2]
        )
    ]


def services(case: dict[str, Any], lang: str, users: dict[str, dict[str, Any]]) -> list[Flowable]:
    items = case.get("interventions") or []
    if not items:
        return [_none(lang)]
    order = [c["code"] for c in atensi_components()]
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        code = item.get("atensi_component")
        groups.setdefault(code if code in order else "", []).append(item)
    out: list[Flowable] = []
    header = [t("date", lang), t("service", lang), t("provider", lang), t("outcome", lang)]
    for i, code in enumerate([c for c in order if c in groups] + ([""] if "" in groups else []), start=1):
        name = atensi_name(code, lang) if code else t("other_component", lang)
        rows = [[fmt_date(x.get("provided_at")), para_text(x.get("description")) or "-",
                 para_text(x.get("provider")) or _user_name(users, x.get("created_by")),
                 para_text(x.get("outcome")) or "-"] for x in groups[code]]  # fmt: skip
        title = p(f"{chr(96 + i)}. {para_text(name)} ({len(rows)})", "subsection")
        table = grid_table(header, rows, [2, 7, 3, 5])
        out += [title, table]  # the title keeps with the table's first rows (keepWithNext)
    return out


def notes(case: dict[str, Any], lang: str, users: dict[str, dict[str, Any]], left_out: int) -> list[Flowable]:
    out: list[Flowable] = []
    if left_out:
        out.append(p(t("notes_left_out", lang, n=left_out), "notice"))
    items = case.get("notes") or []
    if not items:
        return out or [_none(lang)]
    for n in items:
        kind = t_or(f"note_{n.get('kind')}", lang, n.get("kind") or "")
        head = f"{fmt_date(n.get('noted_at'))} \u00b7 {kind} \u00b7 {t('note_by', lang, who=_user_name(users, n.get('created_by')))}"
        if n.get("confidential"):
            head += f" \u00b7 <font color='#b00020'>{t('confidential', lang)}</font>"
        # The heading keeps with its text (keepWithNext); a long text may still split across pages.
        out += [p(head, "note_head"), p(para_text(n.get("text")) or "-", "note")]
    return out


def closure(case: dict[str, Any], lang: str) -> list[Flowable]:
    out: list[Flowable] = []
    if case.get("status") == "closed":
        out.append(field_table([(t("closed_on", lang), fmt_date(case.get("closed_at"))),
                                (t("closure_reason", lang), para_text(case.get("closure_reason")) or "-")]))  # fmt: skip
    else:
        out.append(p(t("case_still_open", lang)))
    refs = case.get("referrals") or []
    if refs:
        rows = [[fmt_date(r.get("referred_at")), para_text(r.get("to_agency")) or "-", para_text(r.get("reason")) or "-",
                 t_or(f"ref_{r.get('status')}", lang, r.get("status") or "-")] for r in refs]  # fmt: skip
        out.append(p(t("referrals", lang), "subsection"))
        out.append(grid_table([t("date", lang), t("to_agency", lang), t("reason", lang), t("status", lang)], rows,
                              [2, 5, 7, 2]))  # fmt: skip
    tasks = case.get("tasks") or []
    if case.get("stage") == "bimbingan_lanjut" or tasks:
        out.append(p(t("aftercare", lang), "subsection"))
        if case.get("stage") == "bimbingan_lanjut":
            out.append(p(t("aftercare_stage", lang)))
        if tasks:
            rows = [[para_text(x.get("title")) or "-", fmt_date(x.get("due_date")), fmt_date(x.get("done_at"))]
                    for x in tasks]  # fmt: skip
            out.append(grid_table([t("task", lang), t("due", lang), t("done", lang)], rows, [10, 3, 3]))
    return out


def _sign_column(intro: str, role: str, name: str | None, nip: str | None, lang: str) -> list[Flowable]:
    shown = f"<u>{para_text(name)}</u>" if name else "(" + "." * 40 + ")"
    return [
        p(intro, "sign"),
        p(f"<b>{role}</b>", "sign"),
        Spacer(1, 17 * mm),
        p(shown, "sign_name"),
        p(f"{t('nip', lang)} {para_text(nip) if nip else '.' * 30}", "sign"),
    ]


def signatures(facility: dict[str, Any], worker: dict[str, Any] | None, supervisor: dict[str, Any] | None,
               lang: str, on: date) -> Flowable:  # fmt: skip
    place = facility.get("city") or ""
    dated = f"{para_text(place)}, {fmt_date(on)}" if place else fmt_date(on)
    col = CONTENT_WIDTH / 3
    worker = worker or {}
    supervisor = supervisor or {}
    table = Table(
        [
            ["", "", p(dated, "sign")],
            [
                _sign_column(t("sign_prepared", lang), t("role_worker", lang), worker.get("full_name"), worker.get("nip"), lang),
                _sign_column(t("sign_checked", lang), t("role_supervisor", lang), supervisor.get("full_name"),
                             supervisor.get("nip"), lang),
                _sign_column(t("sign_approved", lang), t("role_head", lang), facility.get("head_name"),
                             facility.get("head_nip"), lang),
            ],
        ],
        colWidths=[col, col, col],
    )  # fmt: skip
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, 0), 4)]))
    return KeepTogether([Spacer(1, 6 * mm), table])
