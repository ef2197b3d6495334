"""Logs never carry record contents or names, whatever fails: a real server process over a database that
refuses every write of the changelog (its error messages quoting the values, as PostgreSQL's do)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text

from caseworker.server.db import Database
from caseworker.store.schema import DATA_VERSION
from tests.server.helpers import PASSWORD, case_insert, new_id, note_insert, person_insert
from tests.server.live import LiveServer

_SQLITE_REFUSE = [
    f"CREATE TRIGGER cw_refuse_{op} BEFORE {op} ON changelog BEGIN SELECT RAISE(ABORT, 'refused'); END"
    for op in ("INSERT", "UPDATE")
]
_PG_REFUSE = [
    "CREATE FUNCTION cw_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused: %', NEW.data; END $$"
    " LANGUAGE plpgsql",
    "CREATE TRIGGER cw_refuse BEFORE INSERT OR UPDATE ON changelog FOR EACH ROW EXECUTE FUNCTION cw_refuse()",
]


@pytest.fixture
def live(world: Database, server_db_url: str, tmp_path) -> Iterator[LiveServer]:
    server = LiveServer(server_db_url, tmp_path)
    yield server
    server.stop()
    if not world.is_sqlite:
        with world.write() as conn:
            conn.execute(text("DROP FUNCTION IF EXISTS cw_refuse() CASCADE"))


def _push(http: httpx.Client, headers: dict, device: str, *mutations: dict) -> httpx.Response:
    body = {
        "device_id": device,
        "protocol_version": 1,
        "schema_version": DATA_VERSION,
        "mutations": list(mutations),
    }
    return http.post("/sync/push", json=body, headers=headers)


def test_a_failing_database_logs_ids_and_types_only(world: Database, live: LiveServer) -> None:
    name, note = f"Zulaikha{uuid.uuid4().hex[:10]}", f"dipukul{uuid.uuid4().hex[:10]}"
    with httpx.Client(base_url=live.url, timeout=30) as http:
        login = {"username": "ani", "password": PASSWORD, "device_id": "dev-ani", "device_name": name}
        resp = http.post("/auth/login", json=login)
        assert resp.status_code == 200, resp.text
        headers = {"Authorization": f"Bearer {resp.json()['access_token']}"}
        person_id, case_id = new_id(), new_id()
        ok = _push(http, headers, "dev-ani", person_insert(person_id), case_insert(case_id, person_id))
        assert ok.status_code == 200, ok.text

        with world.write() as conn:
            for statement in _SQLITE_REFUSE if world.is_sqlite else _PG_REFUSE:
                conn.execute(text(statement))
        other = new_id()
        failed = _push(
            http, headers, "dev-ani",
            person_insert(other, name=name), case_insert(new_id(), other), note_insert(new_id(), case_id, text_=note),
        )  # fmt: skip
        assert failed.status_code == 500
        assert failed.json()["error"] == "server_error" and failed.json()["message_id"]
    assert httpx.get(live.url + "/health", timeout=30).status_code == 200  # and it goes on serving

    output = live.output()
    assert name not in output and note not in output
    assert "Traceback" not in output and "refused" not in output  # no exception text at all
    errors = [json.loads(line) for line in output.splitlines() if '"level": "error"' in line]
    assert len(errors) == 1, output  # one line for the failed push, with ids and types
    assert errors[0]["path"] == "/sync/push" and errors[0]["status"] == 500 and errors[0]["error_type"]
