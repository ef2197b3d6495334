"""Assessment-form definitions: JSON files in resources/forms read into frozen dataclasses.

A form is data, so a new form needs no code. Because the files are written by people, every rule is
checked when a form is loaded and a broken file is reported with its name and the exact place
(e.g. `barthel.json: sections[0].fields[2].options[1].score: must be a number`).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from caseworker import paths
from caseworker.domain import reference
from caseworker.forms import expr
from caseworker.forms.model import (
    CONDITION_OPS,
    FIELD_TYPES,
    NUMERIC_TYPES,
    OPTION_TYPES,
    SCORE_KINDS,
    UNANSWERED_TYPES,
    Band,
    Bilingual,
    Condition,
    FieldDef,
    FormDef,
    FormDefinitionError,
    FormNotFound,
    Option,
    ScoreDef,
    Section,
)

__all__ = [
    "Bilingual",
    "FieldDef",
    "FormDef",
    "FormDefinitionError",
    "FormNotFound",
    "ScoreDef",
    "get_form",
    "load_form_file",
    "load_forms",
    "parse_form",
    "reload_forms",
]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# --- parsing --------------------------------------------------------------------------------------


class _Reader:
    """Reads one file's JSON, raising FormDefinitionError with the path of the offending element."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, where: str, problem: str) -> FormDefinitionError:
        return FormDefinitionError(self.file, where, problem)

    def obj(self, value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "must be an object")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.fail(
                where, f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
            )
        return value

    def ident(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not _ID.match(value):
            raise self.fail(
                where, "must be an id of lower-case letters, digits and _ (starting with a letter)"
            )
        return value

    def number(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(where, "must be a number")
        return value

    def text(self, value: Any, where: str) -> Bilingual:
        if isinstance(value, dict) and set(value) <= {"id", "en"}:
            ind, eng = value.get("id"), value.get("en")
            if isinstance(ind, str) and ind.strip() and isinstance(eng, str) and eng.strip():
                return Bilingual(ind, eng)
        raise self.fail(where, 'must be {"id": "<Indonesian>", "en": "<English>"} with both texts filled')

    def opt_text(self, data: dict[str, Any], key: str, where: str) -> Bilingual | None:
        return self.text(data[key], f"{where}.{key}") if key in data else None


_FORM_KEYS = {"id", "version", "title", "description", "applies_to", "sections", "scores", "origin"}
_SECTION_KEYS = {"id", "title", "help", "fields", "visible_if", "relevant"}
_FIELD_KEYS = {
    "id", "type", "label", "help", "required", "min", "max", "warn_min", "warn_max", "options",
    "visible_if", "unit", "relevant", "constraint", "constraint_message", "calculation",
}  # fmt: skip
_SCORE_KEYS = {"id", "label", "sum", "count", "max", "field", "bands"}


def parse_form(data: Any, file: str) -> FormDef:
    """Turn one decoded JSON document into a FormDef, or raise FormDefinitionError."""
    r = _Reader(file)
    data = r.obj(data, "", _FORM_KEYS)
    for key in ("id", "version", "title", "sections"):
        if key not in data:
            raise r.fail(key, "is missing")
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise r.fail("version", "must be a whole number >= 1")
    applies_to = _applies_to(r, data.get("applies_to", {}))
    sections_raw = data["sections"]
    if not isinstance(sections_raw, list) or not sections_raw:
        raise r.fail("sections", "must be a non-empty list")

    known: dict[str, FieldDef] = {}  # fields defined so far, for visible_if and duplicates
    sections: list[Section] = []
    section_ids: set[str] = set()
    for si, raw in enumerate(sections_raw):
        where = f"sections[{si}]"
        raw = r.obj(raw, where, _SECTION_KEYS)
        sid = r.ident(raw.get("id"), f"{where}.id")
        if sid in section_ids:
            raise r.fail(f"{where}.id", f"section id {sid!r} is used twice")
        section_ids.add(sid)
        cond = _condition(r, raw.get("visible_if"), f"{where}.visible_if", known, None)
        relevant = _expression(r, raw.get("relevant"), f"{where}.relevant", known, None)
        fields_raw = raw.get("fields")
        if not isinstance(fields_raw, list) or not fields_raw:
            raise r.fail(f"{where}.fields", "must be a non-empty list")
        fields = []
        for fi, fraw in enumerate(fields_raw):
            fdef = _field(r, fraw, f"{where}.fields[{fi}]", known)
            known[fdef.id] = fdef
            fields.append(fdef)
        sections.append(
            Section(sid, r.text(raw.get("title"), f"{where}.title"), tuple(fields),
                    r.opt_text(raw, "help", where), cond, relevant)
        )  # fmt: skip

    scores_raw = data.get("scores", [])
    if not isinstance(scores_raw, list):
        raise r.fail("scores", "must be a list")
    scores: list[ScoreDef] = []
    for i, sraw in enumerate(scores_raw):
        score = _score(r, sraw, f"scores[{i}]", known)
        if any(s.id == score.id for s in scores):
            raise r.fail(f"scores[{i}].id", f"score id {score.id!r} is used twice")
        scores.append(score)

    return FormDef(
        id=r.ident(data["id"], "id"),
        version=version,
        title=r.text(data["title"], "title"),
        sections=tuple(sections),
        scores=tuple(scores),
        description=r.opt_text(data, "description", ""),
        applies_to=applies_to,
        source=file,
        origin=_origin(r, data.get("origin", {})),
    )


def _origin(r: _Reader, raw: Any) -> dict[str, Any]:
    """Where an imported form came from (format, file, the workbook's own version): texts only."""
    if not isinstance(raw, dict) or not all(isinstance(v, str | int) for v in raw.values()):
        raise r.fail("origin", "must be an object of texts")
    return dict(raw)


def _expression(
    r: _Reader, raw: Any, where: str, known: dict[str, FieldDef], own: str | None
) -> expr.Expr | None:
    """An expression may name only fields defined earlier (no cycles); `own` (a constraint's field) too."""
    if raw is None:
        return None
    try:
        parsed = expr.parse(raw)
    except expr.ExprError as exc:
        raise r.fail(where, exc.text_en) from exc
    if own is None and ("self",) in _nodes(parsed.tree):
        raise r.fail(where, "'.' (the field's own answer) is only allowed in a constraint")
    for name in sorted(parsed.refs):
        if name not in known and name != own:
            raise r.fail(where, f"${{{name}}} is not a field defined earlier in the form")
    return parsed


def _nodes(tree: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    out = [tree]
    for part in tree[1:]:
        if isinstance(part, tuple) and part and isinstance(part[0], str):
            out.extend(_nodes(part))
        elif isinstance(part, tuple):
            for item in part:
                if isinstance(item, tuple):
                    out.extend(_nodes(item))
    return out


def _applies_to(r: _Reader, raw: Any) -> dict[str, Any]:
    """The suggestion hint: PPKS category codes as cases store them ("08"), age bounds as numbers."""
    hint = r.obj(raw, "applies_to", {"categories", "age_months", "age_years"})
    categories = hint.get("categories", [])
    if not isinstance(categories, list):
        raise r.fail("applies_to.categories", "must be a list of PPKS category codes")
    for i, code in enumerate(categories):
        if not reference.is_category(code):
            raise r.fail(f"applies_to.categories[{i}]", f"{code!r} is not a PPKS category code (01-26)")
    for key in ("age_months", "age_years"):
        if key in hint:
            bounds = r.obj(hint[key], f"applies_to.{key}", {"min", "max"})
            for end in bounds:
                r.number(bounds[end], f"applies_to.{key}.{end}")
    return hint


def _field(r: _Reader, raw: Any, where: str, known: dict[str, FieldDef]) -> FieldDef:
    raw = r.obj(raw, where, _FIELD_KEYS)
    fid = r.ident(raw.get("id"), f"{where}.id")
    if fid in known:
        raise r.fail(f"{where}.id", f"field id {fid!r} is used twice")
    ftype = raw.get("type")
    if ftype not in FIELD_TYPES:
        raise r.fail(f"{where}.type", f"must be one of {', '.join(sorted(FIELD_TYPES))}")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise r.fail(f"{where}.required", "must be true or false")
    if ftype in UNANSWERED_TYPES:
        for key in ("required", "constraint"):
            if raw.get(key):
                raise r.fail(f"{where}.{key}", f"is not allowed on a {ftype} field (nobody answers it)")
    if (ftype == "calculate") != ("calculation" in raw):
        raise r.fail(
            f"{where}.calculation", "a calculate field needs a calculation, and only it may have one"
        )
    relevant = _expression(r, raw.get("relevant"), f"{where}.relevant", known, None)
    constraint = _expression(r, raw.get("constraint"), f"{where}.constraint", known, fid)
    calculation = _expression(r, raw.get("calculation"), f"{where}.calculation", known, None)

    bounds: dict[str, Any] = {}
    for key in ("min", "max", "warn_min", "warn_max"):
        if key not in raw:
            continue
        value = raw[key]
        if ftype == "date" and key in ("min", "max"):
            if not (value == "today" or (isinstance(value, str) and _ISO_DATE.match(value))):
                raise r.fail(f"{where}.{key}", 'must be a date "YYYY-MM-DD" or "today"')
        elif ftype in NUMERIC_TYPES:
            r.number(value, f"{where}.{key}")
        else:
            raise r.fail(f"{where}.{key}", f"is not allowed on a {ftype} field")
        bounds[key] = value
    if ftype == "scale" and ("min" not in bounds or "max" not in bounds):
        raise r.fail(where, "a scale field needs both min and max")
    for low, high in (("min", "max"), ("warn_min", "warn_max")):
        if low in bounds and high in bounds and str(bounds[low]) != "today" and str(bounds[high]) != "today":
            if bounds[low] > bounds[high]:
                raise r.fail(f"{where}.{low}", f"{low} is greater than {high}")

    options: list[Option] = []
    if ftype in OPTION_TYPES:
        raw_opts = raw.get("options")
        if not isinstance(raw_opts, list) or not raw_opts:
            raise r.fail(f"{where}.options", f"a {ftype} field needs a non-empty list of options")
        for oi, oraw in enumerate(raw_opts):
            ow = f"{where}.options[{oi}]"
            oraw = r.obj(oraw, ow, {"value", "label", "score"})
            value = oraw.get("value")
            if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
                raise r.fail(f"{ow}.value", "must be a non-empty string or a whole number")
            if any(o.value == str(value) for o in options):
                raise r.fail(f"{ow}.value", f"option value {value!r} is used twice")
            score = r.number(oraw["score"], f"{ow}.score") if "score" in oraw else None
            options.append(Option(str(value), r.text(oraw.get("label"), f"{ow}.label"), score))
    elif "options" in raw:
        raise r.fail(f"{where}.options", f"is not allowed on a {ftype} field")

    return FieldDef(
        id=fid,
        type=ftype,
        label=r.text(raw.get("label"), f"{where}.label"),
        help=r.opt_text(raw, "help", where),
        required=required,
        min=bounds.get("min"),
        max=bounds.get("max"),
        warn_min=bounds.get("warn_min"),
        warn_max=bounds.get("warn_max"),
        options=tuple(options),
        visible_if=_condition(r, raw.get("visible_if"), f"{where}.visible_if", known, fid),
        unit=r.opt_text(raw, "unit", where),
        relevant=relevant,
        constraint=constraint,
        constraint_message=r.opt_text(raw, "constraint_message", where),
        calculation=calculation,
    )


def _condition(
    r: _Reader, raw: Any, where: str, known: dict[str, FieldDef], own: str | None
) -> Condition | None:
    """Conditions may only look at fields defined earlier, which rules out cycles by construction."""
    if raw is None:
        return None
    raw = r.obj(raw, where, {"field", *CONDITION_OPS})
    target = raw.get("field")
    if target == own:
        raise r.fail(f"{where}.field", "a field cannot depend on itself")
    if target not in known:
        raise r.fail(f"{where}.field", f"{target!r} is not a field defined earlier in the form")
    ops = [op for op in CONDITION_OPS if op in raw]
    if len(ops) != 1:
        raise r.fail(where, f"needs exactly one of {', '.join(CONDITION_OPS)}")
    op, value = ops[0], raw[ops[0]]
    if op == "in" and not isinstance(value, list):
        raise r.fail(f"{where}.in", "must be a list")
    if op == "contains" and known[target].type != "multichoice":
        raise r.fail(f"{where}.contains", "only works on a multichoice field")
    tdef = known[target]
    if tdef.type in OPTION_TYPES:
        for v in value if op == "in" else [value]:
            if tdef.option(v) is None:
                raise r.fail(f"{where}.{op}", f"{v!r} is not an option of field {target!r}")
        value = [str(v) for v in value] if op == "in" else str(value)
    elif tdef.type == "boolean" and not all(isinstance(v, bool) for v in (value if op == "in" else [value])):
        raise r.fail(f"{where}.{op}", f"field {target!r} is yes/no: compare with true or false")
    if op == "in":
        value = tuple(value)  # keeps FormDef hashable
    return Condition(target, op, value)


def _score(r: _Reader, raw: Any, where: str, known: dict[str, FieldDef]) -> ScoreDef:
    raw = r.obj(raw, where, _SCORE_KEYS)
    sid = r.ident(raw.get("id"), f"{where}.id")
    kinds = [k for k in SCORE_KINDS if k in raw]
    if len(kinds) != 1:
        raise r.fail(where, f"needs exactly one of {', '.join(SCORE_KINDS)}")
    kind = kinds[0]
    count_value = None
    if kind == "count":
        spec = r.obj(raw["count"], f"{where}.count", {"fields", "value"})
        field_ids, count_value = spec.get("fields"), spec.get("value")
        if isinstance(count_value, bool) or not isinstance(count_value, str | int):
            raise r.fail(f"{where}.count.value", "must be the option value to count")
        count_value = str(count_value)
        fw = f"{where}.count.fields"
    else:
        field_ids, fw = raw[kind], f"{where}.{kind}"
    if not isinstance(field_ids, list) or not field_ids:
        raise r.fail(fw, "must be a non-empty list of field ids")
    if kind == "field" and len(field_ids) != 1:
        raise r.fail(fw, "a field score names exactly one field")
    for i, fid in enumerate(field_ids):
        fdef = known.get(fid)
        if fdef is None:
            raise r.fail(f"{fw}[{i}]", f"{fid!r} is not a field of this form")
        if kind == "field":
            if fdef.type not in NUMERIC_TYPES and fdef.type != "calculate":
                raise r.fail(f"{fw}[{i}]", f"a {fdef.type} field cannot be a score")
        elif kind == "count":
            if fdef.type not in OPTION_TYPES or fdef.option(count_value) is None:
                raise r.fail(f"{fw}[{i}]", f"field {fid!r} has no option {count_value!r} to count")
        elif fdef.type in OPTION_TYPES:
            if any(o.score is None for o in fdef.options):
                raise r.fail(f"{fw}[{i}]", f"every option of field {fid!r} needs a score")
        elif fdef.type not in NUMERIC_TYPES and fdef.type != "boolean":
            raise r.fail(f"{fw}[{i}]", f"a {fdef.type} field cannot be scored")

    bands: list[Band] = []
    raw_bands = raw.get("bands", [])
    if not isinstance(raw_bands, list):
        raise r.fail(f"{where}.bands", "must be a list")
    for bi, braw in enumerate(raw_bands):
        bw = f"{where}.bands[{bi}]"
        braw = r.obj(braw, bw, {"min", "max", "code", "label"})
        low, high = r.number(braw.get("min"), f"{bw}.min"), r.number(braw.get("max"), f"{bw}.max")
        if low > high:
            raise r.fail(f"{bw}.min", "min is greater than max")
        band = Band(
            low, high, r.ident(braw.get("code"), f"{bw}.code"), r.text(braw.get("label"), f"{bw}.label")
        )
        clash = next((b for b in bands if b.min <= high and low <= b.max), None)
        if clash is not None:
            raise r.fail(bw, f"overlaps band {clash.code!r}")
        bands.append(band)
    return ScoreDef(
        sid, r.text(raw.get("label"), f"{where}.label"), kind, tuple(field_ids), count_value, tuple(bands)
    )


# --- loading ----------------------------------------------------------------------------------------


def load_form_file(path: Path) -> FormDef:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FormDefinitionError(
            path.name, f"line {exc.lineno} column {exc.colno}", f"not valid JSON ({exc.msg})"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise FormDefinitionError(path.name, "", f"cannot be read ({exc})") from exc
    return parse_form(data, path.name)


def load_forms(
    folder: Path | None = None, *, errors: list[FormDefinitionError] | None = None
) -> dict[str, FormDef]:
    """All forms in `folder` (default: the shipped resources/forms), by form id, in file-name order.

    A broken file raises FormDefinitionError; pass `errors=[]` to skip broken files and collect the
    errors instead (so one bad custom form does not hide the others).
    """
    folder = Path(folder) if folder is not None else paths.resource("forms")
    forms: dict[str, FormDef] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            form = load_form_file(path)
            if form.id in forms:
                raise FormDefinitionError(
                    path.name, "id", f"form id {form.id!r} is also used by {forms[form.id].source}"
                )
        except FormDefinitionError as exc:
            if errors is None:
                raise
            errors.append(exc)
            continue
        forms[form.id] = form
    return forms


@functools.cache
def _shipped_forms() -> dict[str, FormDef]:
    return load_forms()


def get_form(form_id: str) -> FormDef:
    """A shipped form by id (loaded once per process); raises NotFound."""
    form = _shipped_forms().get(form_id)
    if form is None:
        raise FormNotFound(form_id)
    return form


def reload_forms() -> None:
    """Forget the cached shipped forms (after forms were added or changed on disk)."""
    _shipped_forms.cache_clear()
