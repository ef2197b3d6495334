"""Assessment forms as data: definitions (JSON in resources/forms) and the engine that validates and scores answers."""

from caseworker.forms.definitions import (
    Bilingual,
    FieldDef,
    FormDef,
    FormDefinitionError,
    FormNotFound,
    ScoreDef,
    get_form,
    load_form_file,
    load_forms,
    reload_forms,
)
from caseworker.forms.engine import (
    Issue,
    answer_text,
    compute_scores,
    has_errors,
    normalize_answers,
    validate_answers,
    visible_field_ids,
)
from caseworker.forms.suggest import age_in_months, rank_forms

__all__ = [
    "Bilingual",
    "FieldDef",
    "FormDef",
    "FormDefinitionError",
    "FormNotFound",
    "Issue",
    "ScoreDef",
    "age_in_months",
    "answer_text",
    "compute_scores",
    "get_form",
    "has_errors",
    "load_form_file",
    "load_forms",
    "normalize_answers",
    "rank_forms",
    "reload_forms",
    "validate_answers",
    "visible_field_ids",
]
