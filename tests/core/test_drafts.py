"""Drafts of forms being typed: local to the laptop, per (form kind, subject, user), never synced."""

from __future__ import annotations

from caseworker.store import drafts, syncstate


def test_save_load_replace_and_drop(store) -> None:  # noqa: ANN001
    assert drafts.load_draft(store, "note", "case-1") is None
    drafts.save_draft(store, "note", "case-1", [["QPlainTextEdit", "Kunjungan"]])
    draft = drafts.load_draft(store, "note", "case-1")
    assert draft is not None and draft.data == [["QPlainTextEdit", "Kunjungan"]] and draft.user == "ani"
    drafts.save_draft(store, "note", "case-1", {"text": "Kunjungan kedua"})
    assert drafts.load_draft(store, "note", "case-1").data == {"text": "Kunjungan kedua"}
    assert drafts.load_draft(store, "note", "case-2") is None
    assert drafts.load_draft(store, "assessment:barthel", "case-1") is None
    assert [d.kind for d in drafts.drafts_of(store)] == ["note"]
    drafts.drop_draft(store, "note", "case-1")
    assert drafts.load_draft(store, "note", "case-1") is None


def test_drafts_are_each_users_own_and_never_in_the_outbox(store, login) -> None:  # noqa: ANN001
    before = syncstate.pending_count(store)
    drafts.save_draft(store, "new_case", "", {"name": "Siti"})
    assert syncstate.pending_count(store) == before
    assert store.one("SELECT count(*) AS n FROM outbox")["n"] == before
    budi = login("budi")
    assert drafts.load_draft(budi, "new_case", "") is None
    drafts.save_draft(budi, "new_case", "", {"name": "Rizki"})
    assert drafts.load_draft(store, "new_case", "").data == {"name": "Siti"}  # read again after a reopen
    assert drafts.load_draft(budi, "new_case", "").data == {"name": "Rizki"}
