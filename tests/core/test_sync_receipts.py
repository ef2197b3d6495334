"""Receipts (issue 18): for every change the server holds, the laptop keeps the server's signed receipt, from
network and bundle syncs alike, and checks it offline."""

from __future__ import annotations

from pathlib import Path

from caseworker.server import bundles
from caseworker.store import repository as repo
from caseworker.sync import bundle, receipts
from caseworker.sync import bundle_format as bf
from tests.core.sync_support import devices, server, server_url  # noqa: F401 - fixtures


def _held(device) -> list[dict]:
    return receipts.listed(device.store, bundle.server_keys(device.store))


def test_a_network_sync_keeps_a_verified_receipt_for_each_change(devices):  # noqa: F811
    ani = devices("ani")
    _, case_id = ani.new_case("Bayi Melati")
    assert ani.sync().pushed == 2
    held = _held(ani)
    assert [(r["table_name"], r["status"], r["verified"]) for r in held] == [
        ("persons", "applied", True), ("cases", "applied", True)]  # fmt: skip
    assert all(r["seq"] for r in held) and held[0]["seq"] != held[1]["seq"]
    assert [r["table_name"] for r in receipts.listed(ani.store, None, case_id)] == ["cases"]
    assert receipts.pending_of(ani.store, case_id) == 0
    assert (
        receipts.confirmed_up_to(ani.store, bundle.server_keys(ani.store), case_id) == held[1]["server_time"]
    )
    repo.update(ani.store, "cases", case_id, {"risk": "high"})
    assert receipts.pending_of(ani.store, case_id) == 1  # an edit not sent yet: nothing to state
    assert receipts.confirmed_up_to(ani.store, bundle.server_keys(ani.store), case_id) is None
    ani.sync()
    # A receipt changed on the laptop no longer verifies; without the server's key none does.
    ani.store.conn.execute(
        "UPDATE sync_receipts SET version = 7 WHERE mutation_id = ?", [held[1]["mutation_id"]]
    )
    assert [r["verified"] for r in _held(ani)] == [True, False, True]
    assert not any(r["verified"] for r in receipts.listed(ani.store, None))


def test_a_retried_push_still_answers_a_receipt(devices, server):  # noqa: F811
    ani = devices("ani")
    ani.new_case("Dewi")
    from caseworker.sync.bundle import pending_requests

    [request], _ = pending_requests(ani.store)
    first = ani.http.push(request)
    again = ani.http.push(request)  # the first answer lost: sent again
    assert [r.status for r in again.results] == ["duplicate", "duplicate"]
    assert all(r.receipt is not None and r.receipt.seq is None for r in again.results)
    assert receipts.keep(ani.store, request.mutations, again.results) == 2
    assert all(r["verified"] for r in _held(ani))
    # The first answer, with the seqs, replaces the seq-less ones and still verifies.
    receipts.keep(ani.store, request.mutations, first.results)
    assert all(r["seq"] and r["verified"] for r in _held(ani))


def test_a_bundle_reply_brings_receipts_too(devices, server, tmp_path: Path):  # noqa: F811
    ani = devices("ani")
    ani.new_case("Siti")
    bundle.export(ani.store, tmp_path / "a.cwb")
    sealed, _ = bundles.apply(server.db, "a.cwb", (tmp_path / "a.cwb").read_bytes())
    bf.write(tmp_path / "a.reply", sealed)
    assert bundle.import_reply(ani.store, tmp_path / "a.reply").pushed == 2
    assert [(r["status"], r["verified"]) for r in _held(ani)] == [("applied", True)] * 2


def _summary_text(store, case_id: str, tmp_path: Path, name: str, lang: str = "id") -> str:  # noqa: ANN001
    from pypdf import PdfReader

    from caseworker.reports import render_case_summary

    path = render_case_summary(store, case_id, tmp_path / f"{name}.pdf", lang=lang)
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def test_the_printed_summary_states_what_the_server_confirmed(devices, tmp_path: Path):  # noqa: F811
    """Issue 18: a printed case summary can state "all changes confirmed by the server up to <date>"; while
    an edit waits, it says so instead; a case with no change from this laptop states nothing."""
    ani, budi = devices("ani"), devices("budi")
    _, case_id = ani.new_case("Bayi Melati")
    before = _summary_text(ani.store, case_id, tmp_path, "before")
    assert "Belum semua perubahan kasus ini dari laptop ini dikonfirmasi server" in before
    ani.sync()
    when = receipts.confirmed_up_to(ani.store, bundle.server_keys(ani.store), case_id)
    shown = f"{when[8:10]}/{when[5:7]}/{when[0:4]} {when[11:16]} UTC"
    text = _summary_text(ani.store, case_id, tmp_path, "after")
    assert f"dikonfirmasi server (tanda terima bertanda tangan) hingga {shown}" in text
    assert f"confirmed by the server (signed receipts) up to {shown}" in _summary_text(
        ani.store, case_id, tmp_path, "en", "en"
    )
    repo.update(ani.store, "cases", case_id, {"risk": "high"})
    assert "Belum semua perubahan" in _summary_text(ani.store, case_id, tmp_path, "edited")
    budi.sync()
    received = _summary_text(budi.store, case_id, tmp_path, "budi")
    assert "dikonfirmasi server" not in received  # budi's laptop made no change to it
