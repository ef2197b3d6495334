"""The caseworker-server command, in process, and one end-to-end run of the real server process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from caseworker import i18n
from caseworker.server.cli import main
from caseworker.store.schema import DATA_VERSION
from tests.server.helpers import PASSWORD

REPO = Path(__file__).resolve().parents[2]


def _run(url: str, *args: str, capsys) -> tuple[int, str, str]:
    code = main([*args, "--database-url", url])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_admin_commands_and_exit_codes(server_db_url, monkeypatch, capsys):
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    url = server_db_url
    assert _run(url, "init", "--admin", "root", capsys=capsys)[0] == 0
    assert (
        _run(
            url,
            "facility",
            "add",
            "SDA",
            "--name",
            "UPT Sidoarjo",
            "--worker-scope",
            "assigned",
            capsys=capsys,
        )[0]
        == 0
    )
    assert (
        _run(
            url,
            "user",
            "add",
            "ani",
            "--role",
            "worker",
            "--facility",
            "SDA",
            "--full-name",
            "Ani",
            capsys=capsys,
        )[0]
        == 0
    )

    code, _, err = _run(url, "user", "add", "ani", "--role", "worker", "--facility", "SDA", capsys=capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "ani" in err
    code, _, err = _run(url, "user", "add", "budi", "--role", "worker", "--facility", "NOPE", capsys=capsys)
    assert code == 2 and "NOPE" in err
    assert _run(url, "facility", "add", "SDA", "--name", "again", capsys=capsys)[0] == 2
    assert _run(url, "device", "revoke", "no-such-device", capsys=capsys)[0] == 2
    assert _run(url, "user", "disable", "ani", capsys=capsys)[0] == 0
    assert _run(url, "user", "disable", "nobody", capsys=capsys)[0] == 2
    code, out, _ = _run(url, "device", "list", capsys=capsys)
    assert code == 0 and out == ""

    monkeypatch.setenv("CASEWORKER_PASSWORD", "short")
    code, _, err = _run(url, "user", "add", "cici", "--role", "staff", "--facility", "SDA", capsys=capsys)
    assert code == 2 and "8" in err

    with pytest.raises(SystemExit) as usage:
        main(["user", "add", "dodi", "--role", "wizard", "--facility", "SDA"])
    assert usage.value.code == 2


def test_admin_commands_say_what_they_did_in_one_line(server_db_url, monkeypatch, capsys):
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    url = server_db_url
    said = {}
    for lang in ("en", "id"):
        i18n.set_language(lang)
        try:
            db = f"{url}-{lang}" if url.startswith("sqlite") else url
            steps = [
                ("init", "--admin", "root"),
                ("facility", "add", f"F{lang}", "--name", "UPT Sidoarjo", "--worker-scope", "assigned"),
                ("facility", "set", f"F{lang}", "--worker-scope", "facility"),
                ("user", "add", f"ani{lang}", "--role", "worker", "--facility", f"F{lang}"),
                ("user", "add", f"admin{lang}", "--role", "admin"),
                ("user", "set", f"ani{lang}", "--role", "supervisor", "--password"),
                ("user", "disable", f"ani{lang}"),
                ("user", "enable", f"ani{lang}"),
            ]
            if lang == "id" and not url.startswith("sqlite"):
                steps = steps[1:]  # the PostgreSQL database is already made
            for step in steps:
                code, out, err = _run(db, *step, capsys=capsys)
                assert (code, err) == (0, ""), step
                assert len(out.splitlines()) == 1, (step, out)
                said[(lang, step[:2])] = out
        finally:
            i18n.set_language("id")
    assert said[("en", ("init", "--admin"))].startswith("Database ready")
    assert "root" in said[("en", ("init", "--admin"))] and PASSWORD not in said[("en", ("init", "--admin"))]
    assert said[("en", ("facility", "add"))] == (
        "Facility Fen (UPT Sidoarjo) added; workers receive only the cases assigned to them.\n"
    )
    assert said[("id", ("facility", "add"))].startswith("Unit Fid (UPT Sidoarjo) ditambahkan")
    assert said[("en", ("facility", "set"))] == "Facility Fen updated: --worker-scope facility.\n"
    assert said[("en", ("user", "add"))] == "User adminen (admin) added.\n"
    assert said[("id", ("user", "set"))] == "Pengguna aniid diperbarui: --role supervisor, --password.\n"
    assert said[("en", ("user", "disable"))] == "User anien disabled; their devices can no longer sync.\n"
    assert said[("id", ("user", "enable"))].startswith("Pengguna aniid diaktifkan kembali")


def test_serve_says_where_it_listens_before_uvicorn_starts(tmp_path, monkeypatch, capsys):
    import uvicorn

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: started.append((kw["host"], kw["port"])))
    monkeypatch.setattr("caseworker.server.logs.setup_logging", lambda: None)
    for name in ("CASEWORKER_DATABASE_URL", "CASEWORKER_SERVER_THREADS", "CASEWORKER_TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)  # --workers sets them for its processes: undone afterwards
    url = f"sqlite:///{tmp_path / 'server.db'}"
    i18n.set_language("en")
    try:
        assert main(["serve", "--host", "127.0.0.1", "--port", "18765", "--database-url", url]) == 0
        assert (
            main(["serve", "--host", "::1", "--port", "18766", "--workers", "2", "--database-url", url]) == 0
        )
    finally:
        i18n.set_language("id")
    assert capsys.readouterr().out.splitlines() == [
        "Server running at http://127.0.0.1:18765 (Ctrl+C to stop)",
        "Server running at http://[::1]:18766 with 2 processes (Ctrl+C to stop)",
    ]
    assert started == [("127.0.0.1", 18765), ("::1", 18766)]


def test_init_never_prints_the_database_password(capsys):
    from caseworker.server.cli import _shown_url

    shown = _shown_url("postgresql+psycopg://caseworker:geheim@db.example/caseworker")
    assert "geheim" not in shown and "db.example" in shown


def test_unreachable_database_is_exit_1(capsys):
    code = main(["device", "list", "--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/none"])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_real_server_process_end_to_end(server_db_url, tmp_path, capsys):
    env = {**os.environ, "CASEWORKER_PASSWORD": PASSWORD, "PYTHONPATH": str(REPO)}
    cli = [sys.executable, "-m", "caseworker.server.cli"]
    url = ["--database-url", server_db_url]
    for args in (
        ["init", "--admin", "root"],
        ["facility", "add", "SDA", "--name", "UPT Sidoarjo"],
        ["user", "add", "ani", "--role", "worker", "--facility", "SDA"],
        ["user", "add", "budi", "--role", "worker", "--facility", "SDA"],
    ):
        subprocess.run(
            [*cli, *args, *url], env=env, cwd=tmp_path, check=True, capture_output=True, timeout=60
        )
    port = _free_port()
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [*cli, "serve", "--host", "127.0.0.1", "--port", str(port), *url],
            env=env,
            cwd=tmp_path,
            stderr=log,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            pytest.fail("server did not start: " + log_path.read_text())
        with httpx.Client(base_url=base, timeout=10) as http:

            def login(user: str, device: str) -> dict:
                body = {"username": user, "password": PASSWORD, "device_id": device, "protocol_version": 1}
                resp = http.post("/auth/login", json=body)
                assert resp.status_code == 200, resp.text
                return {"Authorization": f"Bearer {resp.json()['access_token']}"}

            ani, budi = login("ani", "dev-a"), login("budi", "dev-b")
            person_id, case_id = str(uuid.uuid4()), str(uuid.uuid4())
            mutations = [
                {
                    "mutation_id": str(uuid.uuid4()),
                    "table": "persons",
                    "row_id": person_id,
                    "op": "insert",
                    "fields": {"name": "Melati", "facility_code": "SDA"},
                    "created_by": "ani",
                },
                {
                    "mutation_id": str(uuid.uuid4()),
                    "table": "cases",
                    "row_id": case_id,
                    "op": "insert",
                    "fields": {
                        "person_id": person_id,
                        "facility_code": "SDA",
                        "assigned_to": "ani",
                        "category_code": "01",
                        "stage": "pendekatan_awal",
                        "status": "open",
                        "opened_at": "2026-10-17",
                    },  # fmt: skip
                    "created_by": "ani",
                },
            ]
            push = {
                "device_id": "dev-a",
                "protocol_version": 1,
                "schema_version": DATA_VERSION,
                "mutations": mutations,
            }
            assert [
                r["status"] for r in http.post("/sync/push", json=push, headers=ani).json()["results"]
            ] == ["applied"] * 2
            assert [
                r["status"] for r in http.post("/sync/push", json=push, headers=ani).json()["results"]
            ] == ["duplicate"] * 2
            page = http.get("/sync/pull", params={"since": 0}, headers=budi).json()
            assert {c["row_id"] for c in page["changes"]} == {person_id, case_id}
            assert page["has_more"] is False and page["cursor"] > 0
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    lines = log_path.read_text().splitlines()
    assert any('"event": "push"' in line for line in lines)
    assert not any("Melati" in line for line in lines)  # no personal data in the logs
