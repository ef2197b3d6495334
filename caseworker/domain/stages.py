"""Stages of social rehabilitation casework, in order, and the rules for moving a case between them.

The stages follow the usual Kemensos casework sequence: pendekatan awal (engagement), asesmen,
rencana intervensi, intervensi, resosialisasi, terminasi, bimbingan lanjut (after-care).
"""

from __future__ import annotations

from caseworker import i18n
from caseworker.domain.issues import Issue, error, register_issue_messages, register_param_namer

# code -> (Indonesian, English)
_NAMES: dict[str, tuple[str, str]] = {
    "pendekatan_awal": ("Pendekatan awal", "Engagement"),
    "asesmen": ("Asesmen", "Assessment"),
    "rencana_intervensi": ("Rencana intervensi", "Intervention planning"),
    "intervensi": ("Intervensi", "Intervention"),
    "resosialisasi": ("Resosialisasi", "Reintegration"),
    "terminasi": ("Terminasi", "Termination"),
    "bimbingan_lanjut": ("Bimbingan lanjut", "After-care"),
}
STAGES: tuple[str, ...] = tuple(_NAMES)
FIRST_STAGE = STAGES[0]
TERMINATION = "terminasi"

register_issue_messages(
    {
        "stage_unknown": (
            "Tahap '{stage}' tidak dikenal. Pilih salah satu: {choices}.",
            "Unknown stage '{stage}'. Choose one of: {choices}.",
        ),
        "stage_unchanged": (
            "Kasus sudah berada di tahap {stage_name}.",
            "The case is already at the {stage_name} stage.",
        ),
        "stage_back_needs_note": (
            "Kembali dari {from_stage_name} ke {to_stage_name} memerlukan catatan alasannya.",
            "Going back from {from_stage_name} to {to_stage_name} needs a note saying why.",
        ),
        "stage_needs_closure_reason": (
            "Pindah ke {to_stage_name} memerlukan alasan penutupan kasus.",
            "Moving to {to_stage_name} needs a reason for closing the case.",
        ),
    }
)


def is_stage(code: str | None) -> bool:
    return code in _NAMES


def stage_index(code: str) -> int:
    """Position in STAGES (0 = pendekatan_awal); ValueError for an unknown code."""
    return STAGES.index(code)


def stage_name(code: str, lang: str | None = None) -> str:
    """The stage's name in `lang` (default: current language); the code itself if unknown."""
    pair = _NAMES.get(code)
    if pair is None:
        return code
    return pair[0] if (lang or i18n.language()) == "id" else pair[1]


for _param in ("stage", "from_stage", "to_stage"):
    register_param_namer(_param, stage_name)


def next_stage(code: str | None) -> str | None:
    """The stage after `code` (the first stage for a case without one); None after the last."""
    if not code:
        return FIRST_STAGE
    i = stage_index(code) + 1
    return STAGES[i] if i < len(STAGES) else None


def check_transition(
    case: dict, to_stage: str, note: str | None = None, closure_reason: str | None = None
) -> list[Issue]:
    """Issues that block moving `case` (its `stage` key) to `to_stage`.

    Forward by one or more steps is allowed. Going back needs a note. Reaching or passing
    terminasi needs a closure reason (the case's own `closure_reason` counts). A case without a
    stage, or with one this version does not know (written by a newer version), may move to any stage.
    """
    if to_stage not in _NAMES:
        return [error("stage", "stage_unknown", stage=to_stage, choices=", ".join(STAGES))]
    current = case.get("stage")
    if current == to_stage:
        return [error("stage", "stage_unchanged", stage=to_stage)]
    issues: list[Issue] = []
    if current in _NAMES and stage_index(to_stage) < stage_index(current):
        if not (note or "").strip():
            issues.append(
                error(
                    "note",
                    "stage_back_needs_note",
                    from_stage=current,
                    to_stage=to_stage,
                )
            )
        return issues
    passes_termination = stage_index(to_stage) >= stage_index(TERMINATION)
    already_past = current in _NAMES and stage_index(current) >= stage_index(TERMINATION)
    reason = (closure_reason or case.get("closure_reason") or "").strip()
    if passes_termination and not already_past and not reason:
        issues.append(error("closure_reason", "stage_needs_closure_reason", to_stage=to_stage))
    return issues
