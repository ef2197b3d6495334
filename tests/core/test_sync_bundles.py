"""Sync by file, in process (issue 18): the server's own authorisation applies to bundles, a lost reply's
removals come again with the next one, and a reply that would leave a gap is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseworker.server import admin, bundles
from caseworker.server.errors import ApiError
from caseworker.store import cases, syncstate
from caseworker.store import repository as repo
from caseworker.sync import bundle
from caseworker.sync import bundle_format as bf
from tests.core.sync_support import Device, Server, cheap_crypto, devices, server, server_url  # noqa: F401


def trip(device: Device, srv: Server, folder: Path, name: str) -> Path:
    """Export, apply at the server; the reply's path (not imported yet)."""
    bundle.export(device.store, folder / f"{name}.cwb")
    sealed, _ = bundles.apply(srv.db, name, (folder / f"{name}.cwb").read_bytes())
    bf.write(folder / f"{name}.reply", sealed)
    return folder / f"{name}.reply"


def test_a_revoked_device_or_one_without_keys_is_refused(devices, server, tmp_path: Path):  # noqa: F811
    ani = devices("ani")
    ani.new_case("Siti")
    bundle.export(ani.store, tmp_path / "a.cwb")
    data = (tmp_path / "a.cwb").read_bytes()
    admin.revoke_device(server.db, ani.store.device_id)
    with pytest.raises(ApiError) as refused:
        bundles.apply(server.db, "a.cwb", data)
    assert refused.value.code == "device_revoked"
    assert server.rows("persons") == {}
    # A bundle whose device registered no keys here (another server's laptop): refused, not guessed at.
    with server.db.write() as conn:
        conn.execute(bundles.t.device_keys.delete())
    with pytest.raises(bf.BundleError) as unknown:
        bundles.apply(server.db, "a.cwb", data)
    assert unknown.value.key == "bundle_unknown_device"


def test_a_lost_replys_removal_comes_again_with_the_next_reply(server_url: str, tmp_path: Path, monkeypatch):  # noqa: F811
    cheap_crypto(monkeypatch)
    srv = Server(server_url, sda_scope="assigned")
    ani = Device(srv, tmp_path / "ani", "ani")
    sri = Device(srv, tmp_path / "sri", "sri")
    try:
        _, case_id = sri.new_case("Rina", assigned_to="ani")
        sri.sync()
        bundle.import_reply(ani.store, trip(ani, srv, tmp_path, "first"))
        assert ani.row("cases", case_id) is not None
        repo.update(sri.store, "cases", case_id, {"assigned_to": "budi"})
        sri.sync()
        trip(ani, srv, tmp_path, "lost")  # its reply carries the removal, and never reaches the laptop
        result = bundle.import_reply(ani.store, trip(ani, srv, tmp_path, "again"))
        assert result.completed and ani.row("cases", case_id) is None
    finally:
        ani.close()
        sri.close()
        srv.close()


def test_a_removal_early_in_a_long_lost_reply_is_not_forgotten(server_url: str, tmp_path: Path, monkeypatch):  # noqa: F811
    """A reply of many pages: the pages after the first are made without acknowledging the ones before
    (the laptop has not seen them), so a removal in an early page survives the reply's loss."""
    cheap_crypto(monkeypatch)
    monkeypatch.setattr(bundles, "PAGE_BYTES", 1500)  # a few rows a page
    srv = Server(server_url, sda_scope="assigned")
    ani = Device(srv, tmp_path / "ani", "ani")
    sri = Device(srv, tmp_path / "sri", "sri")
    try:
        _, leaving = sri.new_case("Rina", assigned_to="ani")
        _, staying = sri.new_case("Wati", assigned_to="ani")
        sri.sync()
        bundle.import_reply(ani.store, trip(ani, srv, tmp_path, "first"))
        assert ani.row("cases", leaving) is not None
        repo.update(sri.store, "cases", leaving, {"assigned_to": "budi"})
        for i in range(12):
            cases.add_note(sri.store, staying, f"Kunjungan rumah ke-{i}: " + "ibu dan anak sehat. " * 5)
        _, new = sri.new_case("Sari", assigned_to="ani")  # a later page that records a case the laptop gets
        sri.sync()
        lost = trip(ani, srv, tmp_path, "lost")
        assert len(bundle.read_reply(ani.store, lost).pages) > 2
        result = bundle.import_reply(ani.store, trip(ani, srv, tmp_path, "again"))
        assert result.completed and ani.row("cases", leaving) is None
        assert ani.store.one("SELECT count(*) AS n FROM notes WHERE case_id = ?", [staying])["n"] == 12
        assert ani.row("cases", new) is not None
    finally:
        ani.close()
        sri.close()
        srv.close()


def test_a_reply_that_would_leave_a_gap_is_refused(devices, server, tmp_path: Path):  # noqa: F811
    ani, sri = devices("ani"), devices("sri")
    sri.new_case("Dewi")
    sri.sync()
    ani.sync()
    reply = trip(ani, server, tmp_path, "a")
    syncstate.set_cursor(ani.store, 0)  # (as after a restore of the laptop: it is behind the reply's start)
    with pytest.raises(bf.BundleError) as gap:
        bundle.import_reply(ani.store, reply)
    assert gap.value.key == "bundle_gap" and "changes in between would be missing" in gap.value.text("en")


def test_a_reply_after_a_scope_change_resets_and_keeps_what_waits(server_url, tmp_path, monkeypatch):  # noqa: F811
    """The facility's workers move to 'assigned' scope while a laptop syncs only by file: the reply starts
    again from zero (reset), the colleague's case leaves the laptop, the worker's own stays, and a note
    typed after the bundle was made still waits to be sent, then arrives with the next bundle."""
    cheap_crypto(monkeypatch)
    srv = Server(server_url, sda_scope="facility")
    ani = Device(srv, tmp_path / "ani", "ani")
    sri = Device(srv, tmp_path / "sri", "sri")
    try:
        _, mine = sri.new_case("Rina", assigned_to="ani")
        _, theirs = sri.new_case("Wati", assigned_to="sri")
        sri.sync()
        bundle.import_reply(ani.store, trip(ani, srv, tmp_path, "first"))
        assert ani.row("cases", mine) is not None and ani.row("cases", theirs) is not None
        admin.set_facility(srv.db, "SDA", worker_scope="assigned")  # every worker's device must start over
        reply = trip(ani, srv, tmp_path, "second")
        assert bundle.read_reply(ani.store, reply).reset
        note = cases.add_note(ani.store, mine, "Kunjungan rumah setelah berkas dibuat.")
        result = bundle.import_reply(ani.store, reply)
        assert result.completed
        assert ani.row("cases", theirs) is None and ani.row("persons", srv_person(srv, theirs)) is None
        assert ani.row("cases", mine) is not None and ani.row("notes", note) is not None
        assert ani.pending() == 1
        bundle.import_reply(ani.store, trip(ani, srv, tmp_path, "third"))
        assert ani.pending() == 0 and note in srv.rows("notes")
    finally:
        ani.close()
        sri.close()
        srv.close()


def srv_person(srv: Server, case_id: str) -> str:
    return srv.rows("cases")[case_id]["person_id"]


def test_attachment_files_travel_in_bundles_both_ways(devices, server, tmp_path: Path):  # noqa: F811
    """A scan attached on a laptop without a network goes in its bundle with its row; a colleague's laptop
    that also syncs only by file receives row and file in its reply; a file the server lacks is asked for
    again, never invented; a file whose bytes were changed on the way is refused and its row with it."""
    from caseworker.store import attachments
    from caseworker.sync import files as files_mod

    ani, sri = devices("ani"), devices("sri")
    _, case_id = ani.new_case("Siti")
    scan = tmp_path / "kk-siti.jpg"
    scan.write_bytes(bytes(range(256)) * 400)  # 100 kB
    attachment = attachments.add_attachment(ani.store, case_id, scan, "Kartu keluarga")
    exported = bundle.export(ani.store, tmp_path / "ani.cwb")
    assert exported.files == 1
    sealed, reply = bundles.apply(server.db, "ani.cwb", (tmp_path / "ani.cwb").read_bytes())
    assert attachment in server.rows("attachments")
    assert {r.status for r in reply.results} == {"applied"}
    bf.write(tmp_path / "ani.reply", sealed)
    assert bundle.import_reply(ani.store, tmp_path / "ani.reply").completed
    assert ani.pending() == 0 and files_mod.unsent(ani.store, "ani") == []

    back = bundle.import_reply(sri.store, trip(sri, server, tmp_path, "sri"))
    assert back.completed and back.files_downloaded == 1 and back.files_waiting == 0
    row = sri.row("attachments", attachment)
    assert attachments.get_blob(sri.store, row["sha256"]) == scan.read_bytes()


def test_a_changed_file_in_a_bundle_is_refused_with_its_row(devices, server, tmp_path: Path, monkeypatch):  # noqa: F811
    from caseworker.store import attachments
    from caseworker.sync import bundle_files

    ani = devices("ani")
    _, case_id = ani.new_case("Siti")
    scan = tmp_path / "akta.pdf"
    scan.write_bytes(b"%PDF-1.4 akta kelahiran " * 2000)
    attachment = attachments.add_attachment(ani.store, case_id, scan)
    real = bundle_files.outgoing

    def tampered(store, user, budget=bundle_files.FILE_BYTES):  # noqa: ANN001, ANN202
        files, rows = real(store, user, budget)
        return [bf.BundleFile.of(f.sha256, f.content()[:-1] + b"X") for f in files], rows

    monkeypatch.setattr(bundle_files, "outgoing", tampered)
    bundle.export(ani.store, tmp_path / "a.cwb")
    _, reply = bundles.apply(server.db, "a.cwb", (tmp_path / "a.cwb").read_bytes())
    assert attachment not in server.rows("attachments")
    sent = {
        r["mutation_id"]
        for r in ani.store.query("SELECT mutation_id FROM outbox WHERE row_id = ?", [attachment])
    }
    assert [r.status for r in reply.results if r.mutation_id in sent] == ["rejected"]
    with server.db.read() as conn:
        assert conn.execute(bundles.t.blobs.select()).first() is None


def test_a_file_the_laptop_lacks_comes_with_the_next_reply(devices, server, tmp_path: Path):  # noqa: F811
    """A laptop that took the rows over a slow link without their files (files later) asks for them in
    its bundle and gets them in the reply, though the reply's pages no longer bring their rows."""
    from caseworker.store import attachments
    from caseworker.sync import files as files_mod

    ani, sri = devices("ani"), devices("sri")
    _, case_id = ani.new_case("Siti")
    scan = tmp_path / "foto.jpg"
    scan.write_bytes(b"\xff\xd8 foto rumah " * 5000)
    attachments.add_attachment(ani.store, case_id, scan)
    assert ani.sync().completed
    sri.sync(files="later")
    assert len(files_mod.missing(sri.store)) == 1
    result = bundle.import_reply(sri.store, trip(sri, server, tmp_path, "sri"))
    assert result.files_downloaded == 1 and files_mod.missing(sri.store) == []
