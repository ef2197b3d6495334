"""Case stages and the rules for moving between them."""

from __future__ import annotations

import pytest

from caseworker.domain.stages import STAGES, check_transition, is_stage, next_stage, stage_name


def codes(issues: list) -> list[tuple[str, str]]:
    return [(i.field, i.code) for i in issues]


def test_stages_in_order() -> None:
    assert STAGES == (
        "pendekatan_awal",
        "asesmen",
        "rencana_intervensi",
        "intervensi",
        "resosialisasi",
        "terminasi",
        "bimbingan_lanjut",
    )


def test_stage_names_are_bilingual() -> None:
    assert stage_name("bimbingan_lanjut", "id") == "Bimbingan lanjut"
    assert stage_name("bimbingan_lanjut", "en") == "After-care"
    assert stage_name("asesmen", "en") == "Assessment"
    assert stage_name("unknown", "en") == "unknown"
    assert all(stage_name(s, "id") and stage_name(s, "en") != s for s in STAGES)


def test_next_stage() -> None:
    assert next_stage(None) == "pendekatan_awal"
    assert next_stage("asesmen") == "rencana_intervensi"
    assert next_stage("bimbingan_lanjut") is None
    assert is_stage("terminasi") and not is_stage("selesai") and not is_stage(None)


@pytest.mark.parametrize(
    ("current", "target"), [("pendekatan_awal", "asesmen"), ("asesmen", "intervensi"), (None, "asesmen")]
)
def test_forward_one_or_more_steps_is_allowed(current: str | None, target: str) -> None:
    assert check_transition({"stage": current}, target) == []


def test_unknown_target_stage_is_an_error() -> None:
    issues = check_transition({"stage": "asesmen"}, "selesai")
    assert codes(issues) == [("stage", "stage_unknown")]
    assert "pendekatan_awal" in issues[0].text("en")


def test_staying_in_the_same_stage_is_an_error() -> None:
    issues = check_transition({"stage": "asesmen"}, "asesmen")
    assert codes(issues) == [("stage", "stage_unchanged")]
    assert issues[0].text("en") == "The case is already at the Assessment stage."


def test_moving_back_needs_a_note() -> None:
    issues = check_transition({"stage": "intervensi"}, "asesmen")
    assert codes(issues) == [("note", "stage_back_needs_note")]
    assert issues[0].text("id") == "Kembali dari Intervensi ke Asesmen memerlukan catatan alasannya."
    assert issues[0].text("en") == "Going back from Intervention to Assessment needs a note saying why."
    assert codes(check_transition({"stage": "intervensi"}, "asesmen", note="   ")) == [
        ("note", "stage_back_needs_note")
    ]
    assert check_transition({"stage": "intervensi"}, "asesmen", note="Keluarga pindah, asesmen ulang") == []


def test_moving_back_from_after_care_needs_only_a_note() -> None:
    assert check_transition({"stage": "bimbingan_lanjut"}, "intervensi", note="Kambuh") == []


def test_reaching_or_passing_termination_needs_a_closure_reason() -> None:
    for target in ("terminasi", "bimbingan_lanjut"):
        issues = check_transition({"stage": "resosialisasi"}, target)
        assert codes(issues) == [("closure_reason", "stage_needs_closure_reason")]
    assert issues[0].text("en") == "Moving to After-care needs a reason for closing the case."
    assert (
        check_transition({"stage": "resosialisasi"}, "terminasi", closure_reason="Reunifikasi keluarga") == []
    )


def test_closure_reason_already_on_the_case_counts() -> None:
    assert check_transition({"stage": "intervensi", "closure_reason": "Dirujuk"}, "terminasi") == []


def test_from_termination_to_after_care_needs_no_new_reason() -> None:
    assert check_transition({"stage": "terminasi"}, "bimbingan_lanjut") == []


def test_a_case_in_a_stage_unknown_to_this_version_may_move() -> None:
    assert check_transition({"stage": "from_a_newer_version"}, "asesmen") == []
