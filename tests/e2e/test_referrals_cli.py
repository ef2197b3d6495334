"""End to end (issue 19): the real `caseworker-server` process, SQLite and PostgreSQL, two facilities' laptops
driven through the real CLI. The admin lists facilities in the directory; a toddler is referred from SDA's
laptop to MLG, accepted on MLG's supervisor's laptop, and the growth history arrives without the
confidential note; a second referral is declined and leaves nothing at MLG; a referral to a Puskesmas
outside Caseworker writes its letter."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from caseworker.store import cases
from caseworker.store.profile import open_profile
from tests.e2e.test_sync_cli import (
    PASSWORD,
    ROOT,
    ServerProcess,
    _env,
    cli,
    database_url,  # noqa: F401 - the fixture
    server_cli,
    sync_json,
)


def server_out(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "caseworker.server.cli", *args, "--database-url", url],
        env=_env(), cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def network(database_url: str) -> Iterator[ServerProcess]:  # noqa: F811
    server_cli(database_url, "init", "--admin", "root")
    server_cli(database_url, "facility", "add", "SDA", "--name", "UPT PPSAB Sidoarjo", "--kind", "upt",
               "--region", "35.15", "--services", "01,perawatan_pengasuhan")  # fmt: skip
    server_cli(database_url, "facility", "add", "MLG", "--name", "UPT PSAA Malang", "--kind", "upt",
               "--region", "3507", "--services", "1,2,perawatan_pengasuhan", "--contact", "0341-551234")  # fmt: skip
    server_cli(database_url, "facility", "add", "PKM", "--name", "Puskesmas Candi", "--kind", "other",
               "--region", "35.15.08", "--services", "01,terapi", "--external")  # fmt: skip
    for name, role, facility in (
        ("ani", "worker", "SDA"),
        ("rina", "supervisor", "MLG"),
        ("wati", "worker", "MLG"),
    ):
        server_cli(database_url, "user", "add", name, "--role", role, "--facility", facility)
    srv = ServerProcess(database_url)
    srv.start()
    yield srv
    srv.stop()


def ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_facility_cli_checks_what_it_is_given(database_url: str) -> None:  # noqa: F811
    server_cli(database_url, "init", "--admin", "root")
    bad = server_out(database_url, "facility", "add", "X", "--name", "X", "--kind", "rumah")
    assert bad.returncode == 2 and "Unknown facility kind: rumah" in bad.stderr
    bad = server_out(database_url, "facility", "add", "X", "--name", "X", "--region", "99.99")
    assert bad.returncode == 2 and "Unknown region code: 99.99" in bad.stderr
    bad = server_out(database_url, "facility", "add", "X", "--name", "X", "--services", "01,pijat")
    assert bad.returncode == 2 and "Unknown service: pijat" in bad.stderr
    ok(
        server_out(
            database_url,
            "facility",
            "add",
            "LKS1",
            "--name",
            "LKS Harapan",
            "--kind",
            "LKS",
            "--region",
            "3578",
        )
    )
    updated = ok(
        server_out(database_url, "facility", "set", "LKS1", "--services", "09", "--contact", "031-1")
    )
    assert "--services 09" in updated
    [listed] = json.loads(ok(server_out(database_url, "facility", "list", "--json")))
    assert (listed["kind"], listed["region_code"], listed["services"], listed["contact"]) == (
        "lks", "35.78", ["09"], "031-1")  # fmt: skip


def test_two_facilities_refer_accept_and_decline_through_the_cli(
    network: ServerProcess, tmp_path: Path
) -> None:
    ani_dir, rina_dir, wati_dir = tmp_path / "ani", tmp_path / "rina", tmp_path / "wati"
    sync_json(ani_dir, "--server", network.url, "--user", "ani")
    sync_json(rina_dir, "--server", network.url, "--user", "rina")
    sync_json(wati_dir, "--server", network.url, "--user", "wati")
    found = json.loads(ok(cli("--profile", str(ani_dir), "referrals", "directory", "--needs", "01", "--region",
                              "35.15.08.2001", "--json")))  # fmt: skip
    assert [f["code"] for f in found] == ["PKM", "MLG"] and found[0]["on_caseworker"] is False

    store = open_profile(ani_dir, "ani", PASSWORD)
    person = cases.register_person(store, {"name": "Bayi Melati", "sex": "P", "birth_date": "2025-03-01"}).id
    case_id = cases.open_case(store, person, "01", presenting_problem="gizi kurang")
    number = store.one("SELECT case_number FROM cases WHERE id = ?", [case_id])["case_number"]
    for day, weight in (("2026-09-01", 8.1), ("2026-10-01", 8.6)):
        cases.add_record(store, "measurements", case_id, {"person_id": person, "measured_at": day,
                                                          "weight_kg": weight, "length_cm": 72.0, "position": "lying"})  # fmt: skip
    cases.add_note(store, case_id, "Melati aktif")
    cases.add_note(store, case_id, "rahasia keluarga", confidential=True)
    store.close()

    no_consent = cli("--profile", str(ani_dir), "referrals", "send", number, "--to", "MLG", "--reason", "x")
    assert no_consent.returncode == 2 and "consent" in no_consent.stderr
    sent = json.loads(ok(cli("--profile", str(ani_dir), "referrals", "send", number, "--to", "MLG", "--reason",
                             "Usia 5 tahun", "--share-identity", "--sections", "problem,measurements,notes",
                             "--consent-by", "Ibu Sari (ibu)", "--json")))  # fmt: skip
    sync_json(ani_dir)
    sync_json(rina_dir)
    [incoming] = json.loads(ok(cli("--profile", str(rina_dir), "referrals", "list", "--incoming", "--json")))
    assert incoming["id"] == sent["id"] and incoming["preview"]["name"] == "Bayi Melati"
    assert "Bayi Melati" in ok(cli("--profile", str(rina_dir), "referrals", "list", "--incoming"))
    worker = cli("--profile", str(wati_dir), "referrals", "accept", sent["id"])
    assert worker.returncode == 2 and "supervisor" in worker.stderr
    ok(cli("--profile", str(rina_dir), "referrals", "accept", sent["id"]))
    sync_json(rina_dir)
    store = open_profile(rina_dir, "rina", PASSWORD)
    [received] = store.query("SELECT id, case_number, person_id, facility_code FROM cases")
    weights = [r["weight_kg"] for r in store.query("SELECT weight_kg FROM measurements ORDER BY measured_at")]
    notes = [r["text"] for r in store.query("SELECT text FROM notes")]
    store.close()
    assert (received["facility_code"], received["person_id"]) == ("MLG", person)
    assert weights == [8.1, 8.6] and notes == ["Melati aktif"]
    sync_json(ani_dir)
    [mine] = json.loads(ok(cli("--profile", str(ani_dir), "referrals", "list", "--case", number, "--json")))
    assert (mine["status"], mine["received_case_number"]) == ("accepted", received["case_number"])

    # A second referral, declined: nothing of it stays at MLG.
    again = json.loads(ok(cli("--profile", str(ani_dir), "referrals", "send", number, "--to", "MLG", "--reason",
                              "Terapi wicara", "--sections", "notes", "--basis", "persetujuan", "--json")))  # fmt: skip
    sync_json(ani_dir)
    sync_json(rina_dir)
    ok(cli("--profile", str(rina_dir), "referrals", "decline", again["id"], "--reason", "Kapasitas penuh"))
    sync_json(rina_dir)
    declined = [r for r in json.loads(ok(cli("--profile", str(rina_dir), "referrals", "list", "--incoming",
                                             "--json"))) if r["id"] == again["id"]]  # fmt: skip
    assert declined[0]["preview"] is None and declined[0]["reason"] is None
    sync_json(ani_dir)
    rows = json.loads(ok(cli("--profile", str(ani_dir), "referrals", "list", "--case", number, "--json")))
    assert {r["id"]: (r["status"], r["decision_reason"]) for r in rows}[again["id"]] == (
        "declined", "Kapasitas penuh")  # fmt: skip

    # Outside Caseworker: a letter.
    letter = tmp_path / "surat.pdf"
    out = ok(cli("--profile", str(ani_dir), "referrals", "send", number, "--to", "PKM", "--reason", "Gizi",
                 "--consent-by", "Ibu Sari", "--letter", str(letter)))  # fmt: skip
    assert str(letter) in out and letter.read_bytes().startswith(b"%PDF")
