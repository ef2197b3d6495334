"""End to end: the real `caseworker-server` process on 127.0.0.1 and real profiles driven through the real CLI
(`python -m ui.launcher`). PostgreSQL too when CASEWORKER_TEST_PG_URL is set."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from caseworker.store import cases, syncstate
from caseworker.store import repository as repo
from caseworker.store.profile import open_profile, read_profile
from tests.pg_support import PG_ENV, fresh_pg_database

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "rahasia-123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "CASEWORKER_PASSWORD": PASSWORD, "CASEWORKER_LANG": "en", **extra}
    env["PYTHONPATH"] = str(ROOT)
    return env


def server_cli(url: str, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "caseworker.server.cli", *args, "--database-url", url],
        env=_env(), check=True, cwd=ROOT, capture_output=True, timeout=120,
    )  # fmt: skip


class ServerProcess:
    def __init__(self, database_url: str, *options: str) -> None:
        self.database_url = database_url
        self.options = options  # of `serve`
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "caseworker.server.cli", "serve", "--database-url", self.database_url,
             "--host", "127.0.0.1", "--port", str(self.port), *self.options],
            env=_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            if self.proc.stderr:
                self.proc.stderr.close()
            self.proc = None


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.db'}"
        return
    with fresh_pg_database("cw_e2e") as url:
        if url is None:
            pytest.skip(f"set {PG_ENV} to run against PostgreSQL")
        yield url


@pytest.fixture
def live_server(database_url: str) -> Iterator[ServerProcess]:
    server_cli(database_url, "init", "--admin", "root")
    server_cli(
        database_url, "facility", "add", "SDA", "--name", "UPT PPSAB Sidoarjo", "--address", "Jl. Raya 1"
    )
    for name, role in (("ani", "worker"), ("budi", "worker"), ("sri", "supervisor")):
        server_cli(database_url, "user", "add", name, "--role", role, "--facility", "SDA")
    srv = ServerProcess(database_url)
    srv.start()
    yield srv
    srv.stop()


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ui.launcher", *args], env=_env(**env), cwd=ROOT, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def sync_json(profile: Path, *extra: str) -> dict:
    done = cli("--profile", str(profile), "sync", "--json", *extra)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def counts(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if not k.startswith(("bytes_", "files_"))}


def test_enrol_sync_and_resolve_a_conflict_through_the_cli(live_server: ServerProcess, tmp_path: Path):
    ani_dir, sri_dir = tmp_path / "ani", tmp_path / "sri"
    first = sync_json(ani_dir, "--server", live_server.url, "--user", "ani")
    assert counts(first) == {"pushed": 0, "pulled": 0, "conflicts": 0, "rejected": 0, "quarantined": 0}
    assert first["bytes_sent"] == 0 and first["bytes_received"] > 0  # a pull page and the users' list
    assert first["files_waiting"] == 0 and first["files_downloaded"] == 0
    profile = read_profile(ani_dir)
    assert (profile["mode"], profile["server_url"], profile["facility_code"]) == (
        "server",
        live_server.url,
        "SDA",
    )
    store = open_profile(ani_dir, "ani", PASSWORD)
    assert (store.user.role, store.facility()["name"]) == ("worker", "UPT PPSAB Sidoarjo")
    person = cases.register_person(store, {"name": "Bayi Melati", "sex": "P", "birth_date": "2025-03-01"}).id
    case_id = cases.open_case(store, person, "01")
    store.close()
    # Her own two rows come back from the server, but are not counted as received: nothing new for her.
    second = sync_json(ani_dir)
    assert counts(second) == {"pushed": 2, "pulled": 0, "conflicts": 0, "rejected": 0, "quarantined": 0}
    assert second["bytes_sent"] > 0 and read_profile(ani_dir)["push_coding"] == "zstd"
    assert sync_json(sri_dir, "--server", live_server.url, "--user", "sri")["pulled"] == 2
    for folder, user, risk in ((ani_dir, "ani", "high"), (sri_dir, "sri", "low")):
        store = open_profile(folder, user, PASSWORD)
        repo.update(store, "cases", case_id, {"risk": risk})
        store.close()
    sync_json(ani_dir)
    assert sync_json(sri_dir)["conflicts"] == 1
    listed = cli("--profile", str(sri_dir), "conflicts", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [conflict] = json.loads(listed.stdout)
    assert (conflict["field"], conflict["my_value"], conflict["their_value"], conflict["their_user"]) == (
        "risk", "low", "high", "ani")  # fmt: skip
    human = cli("--profile", str(sri_dir), "conflicts", "list")
    assert conflict["case_number"] in human.stdout and "ani" in human.stdout
    resolved = cli("--profile", str(sri_dir), "conflicts", "resolve", conflict["id"], "--keep", "theirs")
    assert resolved.returncode == 0, resolved.stderr
    # In words, never the stored code (keep_server/keep_device: issue 15 item 9).
    assert resolved.stdout.strip() == f"Conflict {conflict['id']} resolved: the server's value is kept."
    assert sync_json(sri_dir)["conflicts"] == 0
    assert sync_json(ani_dir)["conflicts"] == 0
    store = open_profile(ani_dir, "ani", PASSWORD)
    assert store.one("SELECT risk, conflict FROM cases WHERE id = ?", [case_id]) == {
        "risk": "high",
        "conflict": 0,
    }
    store.close()


def test_a_refused_change_is_listed_and_decided_through_the_cli(live_server: ServerProcess, tmp_path: Path):
    ani_dir, sri_dir = tmp_path / "ani", tmp_path / "sri"
    sync_json(ani_dir, "--server", live_server.url, "--user", "ani")
    sync_json(sri_dir, "--server", live_server.url, "--user", "sri")
    sri = open_profile(sri_dir, "sri", PASSWORD)
    person = cases.register_person(sri, {"name": "Dewi Lestari", "sex": "P", "birth_date": "2025-03-01"}).id
    case_id = cases.open_case(sri, person, "01", assigned_to="ani")
    sri.close()
    sync_json(sri_dir)
    sync_json(ani_dir)
    ani = open_profile(ani_dir, "ani", PASSWORD)
    cases.add_note(ani, case_id, "Ibu belum bisa datang")
    ani.close()
    sri = open_profile(sri_dir, "sri", PASSWORD)
    repo.update(sri, "cases", case_id, {"assigned_to": "budi"})
    sri.close()
    sync_json(sri_dir)

    done = cli("--profile", str(ani_dir), "sync")
    assert done.returncode == 0 and "refused list" in done.stdout, done.stderr
    listed = cli("--profile", str(ani_dir), "refused", "list", "--json")
    [refused] = json.loads(listed.stdout)
    assert (refused["table"], refused["op"], refused["reason"]) == ("notes", "insert", "not_allowed")
    assert refused["fields"]["text"] == "Ibu belum bisa datang" and "reassigned" in refused["reason_text"]
    again = cli("--profile", str(ani_dir), "refused", "resend", refused["mutation_id"])
    assert again.returncode == 2 and "not assigned to you" in again.stderr  # still Budi's case
    gone = cli("--profile", str(ani_dir), "refused", "discard", refused["mutation_id"])
    assert gone.returncode == 0, gone.stderr
    assert "No change was refused" in cli("--profile", str(ani_dir), "refused", "list").stdout
    assert sync_json(ani_dir)["rejected"] == 0


def test_a_server_with_two_worker_processes_syncs_two_laptops(database_url: str, tmp_path: Path):
    server_cli(database_url, "init", "--admin", "root")
    server_cli(database_url, "facility", "add", "SDA", "--name", "UPT PPSAB Sidoarjo")
    for name, role in (("ani", "worker"), ("sri", "supervisor")):
        server_cli(database_url, "user", "add", name, "--role", role, "--facility", "SDA")
    srv = ServerProcess(database_url, "--workers", "2", "--threads", "2")
    srv.start()
    try:
        ani_dir, sri_dir = tmp_path / "ani", tmp_path / "sri"
        sync_json(ani_dir, "--server", srv.url, "--user", "ani")
        store = open_profile(ani_dir, "ani", PASSWORD)
        for i in range(5):
            person = cases.register_person(
                store, {"name": f"Anak {i}", "sex": "L", "birth_date": "2025-03-01"}
            )
            cases.open_case(store, person.id, "01")
        store.close()
        assert sync_json(ani_dir)["pushed"] == 10
        assert sync_json(sri_dir, "--server", srv.url, "--user", "sri")["pulled"] == 10
    finally:
        srv.stop()


def test_failures_exit_non_zero_with_a_reason_and_lose_nothing(live_server: ServerProcess, tmp_path: Path):
    ani_dir = tmp_path / "ani"
    usage = cli("--profile", str(ani_dir), "sync")
    assert usage.returncode == 2 and "--server" in usage.stderr
    wrong = cli("--profile", str(ani_dir), "sync", "--server", live_server.url, "--user", "ani",
                CASEWORKER_PASSWORD="wrong-password")  # fmt: skip
    assert wrong.returncode == 1 and "password" in wrong.stderr.lower()
    assert not ani_dir.exists() or not (ani_dir / "profile.json").exists()
    sync_json(ani_dir, "--server", live_server.url, "--user", "ani")
    store = open_profile(ani_dir, "ani", PASSWORD)
    person = cases.register_person(store, {"name": "Budi Kecil", "sex": "L", "birth_date": "2024-01-01"}).id
    cases.open_case(store, person, "01")
    device_id = store.device_id
    store.close()
    live_server.stop()
    down = cli("--profile", str(ani_dir), "sync", "--json")
    assert down.returncode == 1 and down.stdout == "" and "cannot be reached" in down.stderr
    live_server.start()
    assert sync_json(ani_dir)["pushed"] == 2  # nothing was lost
    server_cli(live_server.database_url, "device", "revoke", device_id)
    revoked = cli("--profile", str(ani_dir), "sync")
    assert revoked.returncode == 1 and "revoked" in revoked.stderr


WRITER = """
import sys
from caseworker.security import keyslots
from caseworker.store import cases
from caseworker.store.profile import open_profile
store = open_profile(__import__("pathlib").Path(sys.argv[1]), "ani", "rahasia-123")
print("ready", flush=True)
i = 0
while True:
    person = cases.register_person(store, {"name": f"Anak {i}", "sex": "P", "birth_date": "2024-01-01"}).id
    case_id = cases.open_case(store, person, "01")
    cases.add_note(store, case_id, f"catatan {i}")
    cases.update_case(store, case_id, {"risk": "high"})
    i += 1
"""


def test_an_edit_and_its_outbox_entry_are_atomic_when_the_client_is_killed(tmp_path: Path):
    from caseworker.store.profile import create_profile

    folder = tmp_path / "profile"
    create_profile(folder, username="ani", password=PASSWORD, facility_code="SDA", role="worker",
                   mode="server", server_url="http://127.0.0.1:9").close()  # fmt: skip
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    rng = __import__("random").Random(7)
    for _round in range(4):
        proc = subprocess.Popen([sys.executable, str(script), str(folder)], env=_env(), cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.2, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    store = open_profile(folder, "ani", PASSWORD)
    try:
        outbox: dict[tuple[str, str], set[str]] = {}
        for r in store.query("SELECT table_name, row_id, op FROM outbox"):
            outbox.setdefault((r["table_name"], r["row_id"]), set()).add(r["op"])
        rows = 0
        for table in ("persons", "cases", "notes"):
            for r in store.query(
                f"SELECT id, risk FROM {table}" if table == "cases" else f"SELECT id FROM {table}"
            ):
                rows += 1
                assert "insert" in outbox.get((table, r["id"]), set()), (table, r["id"])
                if table == "cases" and r["risk"] == "high":
                    assert "update" in outbox[(table, r["id"])]
        for table, row_id in outbox:
            assert store.one(f"SELECT id FROM {table} WHERE id = ?", [row_id]) is not None
        assert rows > 0 and syncstate.pending_count(store) >= rows
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        store.close()
