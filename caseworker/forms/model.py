"""The shapes of an assessment form (frozen dataclasses) and the errors about forms.

definitions.py builds these from JSON; engine.py reads them. They hold no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from caseworker import i18n
from caseworker.errors import KnownError, NotFound
from caseworker.forms.expr import Expr

i18n.register(
    {
        "form_definition_invalid": (
            "Definisi formulir {file} tidak valid di {where}: {problem}",
            "Form definition {file} is invalid at {where}: {problem}",
        ),
        "form_not_found": ("Formulir {form_id} tidak ditemukan.", "Form {form_id} was not found."),
    }
)

FIELD_TYPES = frozenset(
    {"text", "textarea", "integer", "number", "date", "choice", "multichoice", "boolean", "scale", "note",
     "calculate"}
)  # fmt: skip
# Fields nobody types in: a note only shows its label, a calculate field holds its calculation's value.
UNANSWERED_TYPES = frozenset({"note", "calculate"})
NUMERIC_TYPES = frozenset({"integer", "number", "scale"})
OPTION_TYPES = frozenset({"choice", "multichoice"})
SCORE_KINDS = ("sum", "count", "max", "field")  # "field": the value of one calculate/number field
CONDITION_OPS = ("equals", "not_equals", "in", "contains")


@dataclass(frozen=True)
class Bilingual:
    """A text in Indonesian and English; `get` falls back to Indonesian."""

    id: str
    en: str

    def get(self, lang: str | None = None) -> str:
        return self.en if (lang or i18n.language()) == "en" and self.en else self.id

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "en": self.en}


@dataclass(frozen=True)
class Option:
    value: str
    label: Bilingual
    score: float | None = None


@dataclass(frozen=True)
class Condition:
    """Show a field only when another (earlier) field's answer matches: one operator per condition."""

    field: str
    op: str  # one of CONDITION_OPS
    value: Any


@dataclass(frozen=True)
class FieldDef:
    id: str
    type: str
    label: Bilingual
    help: Bilingual | None = None
    required: bool = False
    min: Any = None  # number for numeric types; ISO date or "today" for dates
    max: Any = None
    warn_min: float | None = None  # outside warn_min..warn_max is allowed but flagged as a warning
    warn_max: float | None = None
    options: tuple[Option, ...] = ()
    visible_if: Condition | None = None
    unit: Bilingual | None = None
    relevant: Expr | None = None  # shown only when true (XLSForm `relevant`), besides visible_if
    constraint: Expr | None = None  # the answer (`.`) must make it true
    constraint_message: Bilingual | None = None
    calculation: Expr | None = None  # a calculate field's value

    def option(self, value: object) -> Option | None:
        wanted = str(value)
        return next((o for o in self.options if o.value == wanted), None)


@dataclass(frozen=True)
class Section:
    id: str
    title: Bilingual
    fields: tuple[FieldDef, ...]
    help: Bilingual | None = None
    visible_if: Condition | None = None
    relevant: Expr | None = None


@dataclass(frozen=True)
class Band:
    min: float
    max: float
    code: str
    label: Bilingual


@dataclass(frozen=True)
class ScoreDef:
    id: str
    label: Bilingual
    kind: str  # "sum" | "count" | "max"
    fields: tuple[str, ...]
    count_value: str | None = None  # for "count": the option value counted
    bands: tuple[Band, ...] = ()

    def band_for(self, value: float) -> Band | None:
        return next((b for b in self.bands if b.min <= value <= b.max), None)


@dataclass(frozen=True)
class FormDef:
    id: str
    version: int
    title: Bilingual
    sections: tuple[Section, ...]
    scores: tuple[ScoreDef, ...] = ()
    description: Bilingual | None = None
    applies_to: dict[str, Any] = field(default_factory=dict, hash=False)
    source: str = ""  # file name, for messages
    origin: dict[str, Any] = field(
        default_factory=dict, hash=False, compare=False
    )  # e.g. the XLSForm it came from

    def fields(self) -> Iterator[FieldDef]:
        for section in self.sections:
            yield from section.fields

    def field(self, field_id: str) -> FieldDef:
        for f in self.fields():
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    def section_of(self, field_id: str) -> Section:
        for section in self.sections:
            if any(f.id == field_id for f in section.fields):
                return section
        raise KeyError(field_id)


def definition_row_id(form_id: str, version: int) -> str:
    """The form_definitions row of (form id, version), the same everywhere: two laptops importing the same
    version cannot both push it (the server keeps the first, the second is refused as a row that exists)."""
    return f"form:{form_id}:v{version}"


class FormNotFound(NotFound):
    def __init__(self, form_id: str) -> None:
        KnownError.__init__(self, "form_not_found", form_id=form_id)


class FormDefinitionError(KnownError):
    """A form file breaks the format. `where` is a JSON path such as sections[1].fields[0].type."""

    def __init__(self, file: str, where: str, problem: str) -> None:
        self.file, self.where, self.problem = file, where, problem
        super().__init__("form_definition_invalid", file=file, where=where or "(root)", problem=problem)
