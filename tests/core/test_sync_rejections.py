"""Changes the server refused are listed for their author with a reason in their language, and the author
decides: send again once allowed, or discard. Nothing refused disappears on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseworker.errors import KnownError, NotAllowed
from caseworker.store import cases
from caseworker.store import repository as repo
from caseworker.sync import rejections, state
from tests.core.sync_support import Device, Server, cheap_crypto


def _note_refused_after_reassignment(devices) -> tuple[Device, Device, str, str]:  # noqa: ANN001
    """Sri opens a case for Ani; Ani writes a note offline while Sri hands the case to Budi."""
    ani, sri = devices("ani"), devices("sri")
    _, case_id = sri.new_case("Dewi Lestari", assigned_to="ani")
    sri.sync()
    ani.sync()
    note_id = cases.add_note(ani.store, case_id, "Kunjungan rumah: ibu bekerja di pasar")
    repo.update(sri.store, "cases", case_id, {"assigned_to": "budi"})
    sri.sync()
    result = ani.sync()
    assert result.rejected == 1
    return ani, sri, case_id, note_id


def test_a_refused_note_is_listed_with_its_reason_and_content(devices, server) -> None:
    ani, _sri, case_id, note_id = _note_refused_after_reassignment(devices)
    [refusal] = rejections.rejections(ani.store)
    assert (refusal.table, refusal.row_id, refusal.op, refusal.case_id) == (
        "notes",
        note_id,
        "insert",
        case_id,
    )
    assert refusal.fields["text"] == "Kunjungan rumah: ibu bekerja di pasar"
    assert refusal.on_device and "dipindahkan ke pekerja lain" in refusal.reason_text("id")
    assert "reassigned" in refusal.reason_text("en")
    assert note_id not in server.rows("notes")
    assert state.case_states(ani.store)[case_id] == state.REFUSED  # the case list marks it
    assert state.case_state(ani.store, case_id)[0] == state.REFUSED


def test_resend_is_checked_against_todays_permissions(devices, server) -> None:
    ani, sri, case_id, note_id = _note_refused_after_reassignment(devices)
    [refusal] = rejections.rejections(ani.store)
    with pytest.raises(NotAllowed):  # still Budi's case: refused here already, and the refusal stays
        rejections.resend(ani.store, refusal.mutation_id)
    assert rejections.count(ani.store) == 1 and ani.pending() == 0

    repo.update(sri.store, "cases", case_id, {"assigned_to": "ani"})  # the case comes back to Ani
    sri.sync()
    ani.sync()
    rejections.resend(ani.store, refusal.mutation_id)
    assert rejections.count(ani.store) == 0 and ani.pending() == 1
    ani.sync()
    sri.sync()
    assert server.rows("notes")[note_id]["text"] == "Kunjungan rumah: ibu bekerja di pasar"
    assert sri.row("notes", note_id) is not None


def test_discard_takes_the_refused_note_off_the_laptop(devices, server) -> None:
    ani, _sri, case_id, note_id = _note_refused_after_reassignment(devices)
    [refusal] = rejections.rejections(ani.store)
    rejections.discard(ani.store, refusal.mutation_id)
    assert ani.row("notes", note_id) is None and rejections.count(ani.store) == 0 and ani.pending() == 0
    assert case_id not in state.case_states(ani.store)
    audit = ani.store.query("SELECT action FROM audit WHERE row_id = ? ORDER BY rowid", [note_id])
    assert audit[-1]["action"] == "discard_rejected"
    ani.sync()
    fresh = devices("ani")
    fresh.sync()
    mine = {r["id"] for r in ani.store.query("SELECT id FROM notes")}
    assert mine == {r["id"] for r in fresh.store.query("SELECT id FROM notes")}


def test_a_refusal_whose_case_left_the_laptop_keeps_its_content(
    tmp_path: Path, server_url: str, monkeypatch
) -> None:
    """Facility with worker_scope 'assigned': the reassigned case leaves Ani's laptop with its records;
    the refused note can no longer be sent but its words are still there to copy."""
    cheap_crypto(monkeypatch)
    srv = Server(server_url, sda_scope="assigned")
    ani, sri = Device(srv, tmp_path / "ani", "ani"), Device(srv, tmp_path / "sri", "sri")
    try:
        _, case_id = sri.new_case("Dewi Lestari", assigned_to="ani")
        sri.sync()
        ani.sync()
        note_id = cases.add_note(ani.store, case_id, "Anak mulai mau makan sendiri")
        repo.update(sri.store, "cases", case_id, {"assigned_to": "budi"})
        sri.sync()
        ani.sync()
        assert ani.row("cases", case_id) is None and ani.row("notes", note_id) is None
        [refusal] = rejections.rejections(ani.store)
        assert not refusal.on_device and refusal.fields["text"] == "Anak mulai mau makan sendiri"
        with pytest.raises(KnownError) as caught:
            rejections.resend(ani.store, refusal.mutation_id)
        assert caught.value.key == "rejected_gone"
        rejections.discard(ani.store, refusal.mutation_id)
        assert rejections.rejections(ani.store) == []
    finally:
        ani.close()
        sri.close()
        srv.close()
