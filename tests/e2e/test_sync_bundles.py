"""End to end, sync by file (issue 18): real profiles through the real CLI, bundles applied by the real
`caseworker-server bundle apply` beside the running server process; SQLite and PostgreSQL servers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from caseworker.store import cases, syncstate
from caseworker.store import repository as repo
from caseworker.store.profile import open_profile
from tests.e2e.test_sync_cli import (  # noqa: F401 - fixtures
    PASSWORD,
    ROOT,
    ServerProcess,
    _env,
    cli,
    database_url,
    live_server,
    sync_json,
)


def server(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "caseworker.server.cli", *args, "--database-url", url],
        env=_env(), cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def export(profile: Path, file: Path) -> dict:
    done = cli("--profile", str(profile), "sync", "--json", "--export", str(file))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def apply(srv: ServerProcess, file: Path, reply: Path) -> str:
    done = server(srv.database_url, "bundle", "apply", str(file), "--reply", str(reply))
    assert done.returncode == 0, done.stderr
    return done.stdout


def import_reply(profile: Path, reply: Path) -> dict:
    done = cli("--profile", str(profile), "sync", "--json", "--import", str(reply))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def counts(summary: dict) -> dict:
    return {k: summary[k] for k in ("pushed", "pulled", "conflicts", "rejected")}


def _state(profile: Path, user: str) -> tuple[int, int, dict]:
    store = open_profile(profile, user, PASSWORD)
    try:
        rows = {r["id"]: r["risk"] for r in store.query("SELECT id, risk FROM cases WHERE deleted = 0")}
        return syncstate.cursor(store), syncstate.pending_count(store), rows
    finally:
        store.close()


def test_a_laptop_off_the_network_converges_through_bundles_alone(live_server: ServerProcess, tmp_path: Path):  # noqa: F811
    ani, sri = tmp_path / "ani", tmp_path / "sri"
    sync_json(ani, "--server", live_server.url, "--user", "ani")  # enrolment: the only network ani sees
    sync_json(sri, "--server", live_server.url, "--user", "sri")
    store = open_profile(ani, "ani", PASSWORD)
    person = cases.register_person(store, {"name": "Bayi Melati", "sex": "P", "birth_date": "2025-03-01"}).id
    case_id = cases.open_case(store, person, "01")
    store.close()

    stick = tmp_path / "stick"
    stick.mkdir()
    first = export(ani, stick / "ani-1.cwb")
    assert first["mutations"] == 2
    raw = (stick / "ani-1.cwb").read_bytes()
    assert b"Bayi Melati" not in raw and b"cases" not in raw  # sealed: nothing readable on the stick
    said = apply(live_server, stick / "ani-1.cwb", stick / "ani-1.reply")
    assert "2 applied" in said
    assert b"Bayi Melati" not in (stick / "ani-1.reply").read_bytes()
    assert _state(ani, "ani")[1] == 2  # the outbox waits for the reply
    got = import_reply(ani, stick / "ani-1.reply")
    assert counts(got) == {"pushed": 2, "pulled": 0, "conflicts": 0, "rejected": 0}
    assert _state(ani, "ani")[1] == 0
    # The server's receipts came with the reply and verify offline.
    listed = cli("--profile", str(ani), "sync", "receipts", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [(r["table_name"], r["verified"]) for r in json.loads(listed.stdout)] == [
        ("persons", True), ("cases", True)]  # fmt: skip
    store = open_profile(ani, "ani", PASSWORD)
    number = store.one("SELECT case_number FROM cases WHERE id = ?", [case_id])["case_number"]
    store.close()
    said = cli("--profile", str(ani), "sync", "receipts", "--case", number)
    assert said.returncode == 0 and "All changes confirmed by the server up to" in said.stdout, said.stderr

    # The supervisor, on the network, sees ani's case and changes it; ani gets it by the next bundle.
    assert sync_json(sri)["pulled"] == 2
    store = open_profile(sri, "sri", PASSWORD)
    repo.update(store, "cases", case_id, {"risk": "high"})
    other = cases.register_person(store, {"name": "Dewi", "sex": "P", "birth_date": "2024-01-01"}).id
    second_case = cases.open_case(store, other, "01", assigned_to="ani")
    store.close()
    sync_json(sri)
    export(ani, stick / "ani-2.cwb")
    apply(live_server, stick / "ani-2.cwb", stick / "ani-2.reply")
    got = import_reply(ani, stick / "ani-2.reply")
    assert got["pulled"] >= 3 and got["conflicts"] == 0
    cursor, pending, rows = _state(ani, "ani")
    assert rows[case_id] == "high" and second_case in rows and pending == 0
    assert _state(sri, "sri")[2] == rows  # converged

    # Replays are no-ops: the first bundle again answers duplicates, its old reply changes nothing.
    said = apply(live_server, stick / "ani-1.cwb", stick / "ani-1b.reply")
    assert "2 duplicate" in said
    again = import_reply(ani, stick / "ani-1.reply")
    assert counts(again) == {"pushed": 0, "pulled": 0, "conflicts": 0, "rejected": 0}
    assert _state(ani, "ani") == (cursor, 0, rows)
    # An older reply imported after a newer one: nothing goes back.
    assert counts(import_reply(ani, stick / "ani-1b.reply"))["pulled"] == 0
    assert _state(ani, "ani") == (cursor, 0, rows)


def test_a_changed_truncated_or_misdirected_bundle_is_refused_and_applies_nothing(
    live_server: ServerProcess,  # noqa: F811
    tmp_path: Path,
):
    ani, budi = tmp_path / "ani", tmp_path / "budi"
    sync_json(ani, "--server", live_server.url, "--user", "ani")
    sync_json(budi, "--server", live_server.url, "--user", "budi")
    store = open_profile(ani, "ani", PASSWORD)
    cases.register_person(store, {"name": "Siti", "sex": "P", "birth_date": "2020-01-01"})
    store.close()
    good = tmp_path / "ani.cwb"
    export(ani, good)
    data = good.read_bytes()

    tampered = tmp_path / "tampered.cwb"
    tampered.write_bytes(data[:200] + bytes([data[200] ^ 1]) + data[201:])
    done = server(live_server.database_url, "bundle", "apply", str(tampered), "--reply", str(tmp_path / "r"))
    assert done.returncode != 0 and "signature does not match" in done.stderr
    assert not (tmp_path / "r").exists()
    cut = tmp_path / "cut.cwb"
    cut.write_bytes(data[:60])
    done = server(live_server.database_url, "bundle", "apply", str(cut), "--reply", str(tmp_path / "r"))
    assert done.returncode != 0 and "cut short" in done.stderr
    not_one = tmp_path / "notes.txt"
    not_one.write_text("hello")
    done = server(live_server.database_url, "bundle", "apply", str(not_one), "--reply", str(tmp_path / "r"))
    assert done.returncode != 0 and "not a Caseworker sync file" in done.stderr
    assert sync_json(budi)["pulled"] == 0  # nothing reached the server

    apply(live_server, good, tmp_path / "ani.reply")
    # ani's reply in budi's profile: refused, budi's laptop unchanged.
    before = _state(budi, "budi")
    done = cli("--profile", str(budi), "sync", "--import", str(tmp_path / "ani.reply"))
    assert done.returncode != 0 and "for another device" in done.stderr
    assert _state(budi, "budi") == before
    # A changed reply: refused by the laptop.
    reply = (tmp_path / "ani.reply").read_bytes()
    (tmp_path / "bad.reply").write_bytes(reply[:-1] + bytes([reply[-1] ^ 1]))
    done = cli("--profile", str(ani), "sync", "--import", str(tmp_path / "bad.reply"))
    assert done.returncode != 0 and "signature does not match" in done.stderr
    assert _state(ani, "ani")[1] == 1
    # A push bundle where a reply is expected.
    done = cli("--profile", str(ani), "sync", "--import", str(good))
    assert done.returncode != 0 and "a server's reply is needed" in done.stderr
    assert counts(import_reply(ani, tmp_path / "ani.reply"))["pushed"] == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_bundles_and_the_network_mix_on_one_laptop(live_server: ServerProcess, tmp_path: Path):  # noqa: F811
    ani, sri = tmp_path / "ani", tmp_path / "sri"
    sync_json(ani, "--server", live_server.url, "--user", "ani")
    sync_json(sri, "--server", live_server.url, "--user", "sri")
    store = open_profile(ani, "ani", PASSWORD)
    person = cases.register_person(store, {"name": "Rina", "sex": "P", "birth_date": "2019-05-01"}).id
    case_id = cases.open_case(store, person, "01")
    store.close()
    export(ani, tmp_path / "a.cwb")
    # The laptop meets the network before the reply comes back: its changes go up there instead.
    assert sync_json(ani)["pushed"] == 2
    apply(live_server, tmp_path / "a.cwb", tmp_path / "a.reply")  # all duplicates now
    got = import_reply(ani, tmp_path / "a.reply")
    assert counts(got) == {"pushed": 0, "pulled": 0, "conflicts": 0, "rejected": 0}
    assert sync_json(sri)["pulled"] == 2
    store = open_profile(sri, "sri", PASSWORD)
    repo.update(store, "cases", case_id, {"risk": "low"})
    store.close()
    sync_json(sri)
    assert sync_json(ani)["pulled"] == 1
    assert _state(ani, "ani")[2] == {case_id: "low"}
