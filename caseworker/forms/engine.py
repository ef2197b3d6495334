"""Answers to a form: parse, validate (bilingual issues), normalise for storage, and score.

Answers are a plain dict {field_id: value} as the UI or an import produces them: numbers may come as
text ("12", "12,5", "1.500.000"), dates as ISO "YYYY-MM-DD", choices as option values. Fields hidden
by `visible_if` are ignored everywhere: not required, not validated, not scored, not stored.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from caseworker import i18n
from caseworker.forms import expr
from caseworker.forms.model import Bilingual, Condition, FieldDef, FormDef, ScoreDef
from caseworker.numbers import NumberError, format_money, format_number, parse_number

i18n.register(
    {
        "form_required": ("{label} wajib diisi.", "{label} is required."),
        "form_not_a_number": ("{label}: '{value}' bukan angka.", "{label}: '{value}' is not a number."),
        "form_not_an_integer": (
            "{label}: '{value}' harus bilangan bulat.",
            "{label}: '{value}' must be a whole number.",
        ),
        "form_below_min": ("{label}: paling kecil {min}.", "{label} must be at least {min}."),
        "form_above_max": ("{label}: paling besar {max}.", "{label} must be at most {max}."),
        "form_unusual_value": (
            "{label}: nilai {value} di luar rentang lazim ({low} sampai {high}); mohon periksa kembali.",
            "{label}: {value} is outside the usual range ({low} to {high}); please check it.",
        ),
        "form_unknown_option": (
            "{label}: pilihan '{value}' tidak dikenal.",
            "{label}: '{value}' is not one of the choices.",
        ),
        "form_bad_date": (
            "{label}: '{value}' bukan tanggal yang valid.",
            "{label}: '{value}' is not a valid date.",
        ),
        "form_date_too_early": (
            "{label}: tanggal tidak boleh sebelum {min}.",
            "{label}: the date cannot be before {min}.",
        ),
        "form_date_too_late": (
            "{label}: tanggal tidak boleh setelah {max}.",
            "{label}: the date cannot be after {max}.",
        ),
        "form_date_in_future": (
            "{label}: tanggal tidak boleh di masa depan.",
            "{label}: the date cannot be in the future.",
        ),
        "form_not_text": ("{label}: harus berupa teks.", "{label} must be text."),
        "form_not_boolean": ("{label}: jawab ya atau tidak.", "{label}: answer yes or no."),
        "form_not_a_list": ("{label}: harus berupa daftar pilihan.", "{label} must be a list of choices."),
        "form_unknown_field": (
            "Isian '{field}' tidak ada di formulir ini dan diabaikan.",
            "'{field}' is not a field of this form and is ignored.",
        ),
        "form_constraint": ("{label}: {message}", "{label}: {message}"),
        "form_constraint_default": (
            "jawaban tidak memenuhi syarat isian ini.",
            "the answer does not meet this field's condition.",
        ),
        "form_yes": ("Ya", "Yes"),
        "form_no": ("Tidak", "No"),
    }
)

_MISSING = object()
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Issue:
    """One problem with one answer. Bilingual params (e.g. the field label) are resolved per language."""

    field: str
    code: str
    severity: str = "error"  # "error" blocks saving as final; "warning" only informs
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    def text(self, lang: str | None = None) -> str:
        lang = lang or i18n.language()
        return i18n.text(f"form_{self.code}", lang, **{k: _show(v, lang) for k, v in self.params.items()})


def _show(value: Any, lang: str) -> str:
    if isinstance(value, Bilingual):
        return value.get(lang)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, lang)  # 1.500.000 / 12,5 in Indonesian
    return str(value)


# --- parsing one answer -------------------------------------------------------------------------------


def _is_empty(raw: Any) -> bool:
    return (
        raw is None
        or (isinstance(raw, str) and not raw.strip())
        or (isinstance(raw, list | tuple) and not raw)
    )


def _to_number(raw: Any, integer: bool) -> tuple[float | int | None, str | None]:
    """(value, None) or (None, issue code)."""
    if isinstance(raw, bool):
        return None, "not_a_number"
    if isinstance(raw, int):
        return raw, None
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return None, "not_a_number"
        if integer:
            return (int(raw), None) if raw.is_integer() else (None, "not_an_integer")
        return raw, None
    if not isinstance(raw, str):
        return None, "not_a_number"
    try:
        value = parse_number(raw, integer=integer)  # 12,5 / 12.5 / 1.500.000, in the user's language
    except NumberError as exc:
        return None, exc.code
    if value is None:
        return None, "not_a_number"
    return value, None


def _to_date(raw: Any) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str) and _ISO_DATE.match(raw.strip()):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            return None
    return None


def parse_answer(fdef: FieldDef, raw: Any, today: date | None = None) -> tuple[Any, list[Issue]]:
    """The answer in its stored form (int, float, str, bool, ISO date text, list) and the issues found.

    `raw` must not be empty (see required handling in _evaluate). On an error the value is None.
    """
    label = fdef.label
    issues: list[Issue] = []

    def issue(code: str, severity: str = "error", **params: Any) -> tuple[Any, list[Issue]]:
        issues.append(Issue(fdef.id, code, severity, {"label": label, **params}))
        return None, issues

    t = fdef.type
    if t in ("text", "textarea"):
        return (raw, issues) if isinstance(raw, str) else issue("not_text")
    if t == "boolean":
        return (raw, issues) if isinstance(raw, bool) else issue("not_boolean")
    if t == "choice":
        if isinstance(raw, bool) or not isinstance(raw, str | int) or fdef.option(raw) is None:
            return issue("unknown_option", value=raw)
        return str(raw), issues
    if t == "multichoice":
        if not isinstance(raw, list | tuple):
            return issue("not_a_list")
        chosen: list[str] = []
        for item in raw:
            if isinstance(item, bool) or not isinstance(item, str | int) or fdef.option(item) is None:
                issue("unknown_option", value=item)
            elif str(item) not in chosen:
                chosen.append(str(item))
        return (None, issues) if issues else (chosen, issues)
    if t == "date":
        day = _to_date(raw)
        if day is None:
            return issue("bad_date", value=raw)
        today = today or date.today()
        if fdef.min is not None:
            low = today if fdef.min == "today" else date.fromisoformat(fdef.min)
            if day < low:
                return issue("date_too_early", min=low)
        if fdef.max is not None:
            high = today if fdef.max == "today" else date.fromisoformat(fdef.max)
            if day > high:
                return issue("date_in_future") if fdef.max == "today" else issue("date_too_late", max=high)
        return day.isoformat(), issues
    # integer, number, scale
    value, code = _to_number(raw, integer=t != "number")
    if code:
        return issue(code, value=raw)
    if fdef.min is not None and value < fdef.min:
        return issue("below_min", min=fdef.min)
    if fdef.max is not None and value > fdef.max:
        return issue("above_max", max=fdef.max)
    low = fdef.warn_min if fdef.warn_min is not None else -math.inf
    high = fdef.warn_max if fdef.warn_max is not None else math.inf
    if not low <= value <= high:
        issues.append(
            Issue(fdef.id, "unusual_value", "warning", {"label": label, "value": value,
                                                         "low": fdef.warn_min, "high": fdef.warn_max})
        )  # fmt: skip
    return value, issues


# --- the whole form ---------------------------------------------------------------------------------


@dataclass
class _Evaluation:
    visible: dict[str, bool]
    values: dict[str, Any]  # visible, answered and valid fields only
    issues: list[Issue]


def _holds(cond: Condition | None, ev: _Evaluation) -> bool:
    """A condition on an unanswered, invalid or hidden field is false."""
    if cond is None:
        return True
    value = ev.values.get(cond.field, _MISSING)
    if value is _MISSING:
        return False
    if cond.op == "equals":
        return value == cond.value
    if cond.op == "not_equals":
        return value != cond.value
    if cond.op == "in":
        return value in cond.value
    return cond.value in value  # contains, on a multichoice list


def _relevant(rule: expr.Expr | None, ev: _Evaluation, today: date | None) -> bool:
    return rule is None or expr.truthy(expr.evaluate(rule, ev.values.get, today=today))


def _constraint_issue(fdef: FieldDef, value: Any, ev: _Evaluation, today: date | None) -> Issue | None:
    if fdef.constraint is None or expr.truthy(expr.evaluate(fdef.constraint, ev.values.get, value, today)):
        return None
    message = fdef.constraint_message or Bilingual(
        i18n.text("form_constraint_default", "id"), i18n.text("form_constraint_default", "en")
    )
    return Issue(fdef.id, "constraint", "error", {"label": fdef.label, "message": message})


def _evaluate(form: FormDef, answers: dict[str, Any], today: date | None) -> _Evaluation:
    ev = _Evaluation({}, {}, [])
    known = set()
    for section in form.sections:
        section_shown = _holds(section.visible_if, ev) and _relevant(section.relevant, ev, today)
        for fdef in section.fields:
            known.add(fdef.id)
            shown = section_shown and _holds(fdef.visible_if, ev) and _relevant(fdef.relevant, ev, today)
            ev.visible[fdef.id] = shown
            if not shown or fdef.type == "note":
                continue
            if fdef.calculation is not None:  # computed from the answers above, whatever was sent
                value = expr.stored_value(expr.evaluate(fdef.calculation, ev.values.get, today=today))
                if value is not None:
                    ev.values[fdef.id] = value
                continue
            raw = answers.get(fdef.id)
            if _is_empty(raw):
                if fdef.required:
                    ev.issues.append(Issue(fdef.id, "required", "error", {"label": fdef.label}))
                continue
            value, issues = parse_answer(fdef, raw, today)
            if value is not None and (broken := _constraint_issue(fdef, value, ev, today)) is not None:
                issues.append(broken)
                value = None
            ev.issues.extend(issues)
            if value is not None:
                ev.values[fdef.id] = value
    for key in answers:
        if key not in known:
            ev.issues.append(Issue(key, "unknown_field", "warning", {"field": key}))
    return ev


def validate_answers(form: FormDef, answers: dict[str, Any], *, today: date | None = None) -> list[Issue]:
    """Every issue with the answers, in form order; `today` bounds "max": "today" dates (default: the real day)."""
    return _evaluate(form, answers, today).issues


def has_errors(issues: list[Issue]) -> bool:
    return any(i.severity == "error" for i in issues)


def visible_field_ids(form: FormDef, answers: dict[str, Any]) -> set[str]:
    """Fields to show for these answers (the UI re-asks after every change)."""
    ev = _evaluate(form, answers, None)
    return {fid for fid, shown in ev.visible.items() if shown}


def normalize_answers(form: FormDef, answers: dict[str, Any], *, today: date | None = None) -> dict[str, Any]:
    """The answers to store (assessments.data): visible, valid values in their canonical types, in form order."""
    return _evaluate(form, answers, today).values


# --- scores -------------------------------------------------------------------------------------------


def _points(fdef: FieldDef, value: Any, score: ScoreDef) -> float:
    if score.kind == "count":
        hit = score.count_value in value if isinstance(value, list) else value == score.count_value
        return 1 if hit else 0
    if fdef.type == "choice":
        return fdef.option(value).score  # type: ignore[union-attr]  # checked when the form loaded
    if fdef.type == "multichoice":
        points = [fdef.option(v).score for v in value]  # type: ignore[union-attr]
        return (max(points) if score.kind == "max" else sum(points)) if points else 0
    if fdef.type == "boolean":
        return 1 if value else 0
    return value


def _scorable(fdef: FieldDef, value: Any) -> bool:
    """A calculate field's value counts only when it is a number (text or NaN leaves the score open)."""
    return fdef.type != "calculate" or (isinstance(value, int | float) and not isinstance(value, bool))


def compute_scores(form: FormDef, answers: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{score_id: {"value", "band", "label", "complete", "answered", "expected", "score_label"}}.

    `value` covers the answered items (None when none are); `band` and its `label` are given only
    when every visible item of the score is answered, since a band of a partial total would mislead.
    """
    ev = _evaluate(form, answers, None)
    result: dict[str, dict[str, Any]] = {}
    for score in form.scores:
        shown = [fid for fid in score.fields if ev.visible.get(fid)]
        answered = [fid for fid in shown if fid in ev.values and _scorable(form.field(fid), ev.values[fid])]
        points = [_points(form.field(fid), ev.values[fid], score) for fid in answered]
        value: float | None = None
        if points:
            value = max(points) if score.kind == "max" else sum(points)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
        complete = bool(shown) and len(answered) == len(shown)
        band = score.band_for(value) if complete and value is not None else None
        result[score.id] = {
            "value": value,
            "band": band.code if band else None,
            "label": band.label.as_dict() if band else None,
            "complete": complete,
            "answered": len(answered),
            "expected": len(shown),
            "score_label": score.label.as_dict(),
        }
    return result


# --- display ------------------------------------------------------------------------------------------


def is_money(fdef: FieldDef) -> bool:
    """A field counted in rupiah (its unit says so): shown as Rp1.500.000."""
    return bool(fdef.unit) and fdef.unit.get("id").strip().lower() in ("rupiah", "rp")


def answer_text(fdef: FieldDef, value: Any, lang: str | None = None) -> str:
    """A stored answer as people read it (reports, summaries): option labels, Ya/Tidak, 17/10/2026."""
    lang = lang or i18n.language()
    if value is None or value == "" or value == []:
        return "-"
    if fdef.type == "boolean":
        return i18n.text("form_yes" if value else "form_no", lang)
    if fdef.type in ("choice", "multichoice"):
        values = value if isinstance(value, list) else [value]
        return ", ".join(o.label.get(lang) if (o := fdef.option(v)) else str(v) for v in values)
    if fdef.type == "date":
        day = _to_date(value)
        return day.strftime("%d/%m/%Y") if day else str(value)
    if fdef.type in ("integer", "number", "scale", "calculate"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        if is_money(fdef):
            return format_money(value, lang)  # Rp1.500.000
        text = format_number(value, lang)
        return f"{text} {fdef.unit.get(lang)}" if fdef.unit else text
    return str(value)
