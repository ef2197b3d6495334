"""How the server process serves many devices at once: its thread pool, the writers' lock across worker
processes on SQLite, and one log line per request."""

from __future__ import annotations

import json
import os
import threading
import warnings
from pathlib import Path

import anyio.to_thread
import pytest
from sqlalchemy import text

from caseworker.server.app import create_app
from caseworker.server.db import DEFAULT_THREADS, THREADS_ENV, Database
from caseworker.server.logs import JsonFormatter
from tests.server.helpers import Device, new_id, person_insert

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

fcntl = pytest.importorskip("fcntl")  # the lock file is how POSIX servers queue writers


def _threads_of(app) -> int:
    with TestClient(app) as client:
        return client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)


def test_the_thread_pool_has_the_configured_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert _threads_of(create_app(url)) == DEFAULT_THREADS
    assert _threads_of(create_app(url, threads=2)) == 2
    monkeypatch.setenv(THREADS_ENV, "3")  # what `serve --workers N --threads 3` hands its worker processes
    assert _threads_of(create_app(url)) == 3


def test_sqlite_writers_of_several_processes_queue_on_a_lock_file(tmp_path: Path) -> None:
    """Each worker process has its own Database; their writers take the lock file beside the database
    (handed over at once) rather than waiting in SQLite's busy handler, which sleeps up to 100 ms a try."""
    path = tmp_path / "server.db"
    first, second = Database(f"sqlite:///{path}"), Database(f"sqlite:///{path}")
    first.create_schema()
    lock_path = f"{path}.writer-lock"
    probe = os.open(lock_path, os.O_RDWR)
    inside, release = threading.Event(), threading.Event()
    order: list[str] = []

    def hold() -> None:
        with first.write() as conn:
            conn.execute(text("INSERT INTO meta (key, value) VALUES ('a', '1')"))
            order.append("first")
            inside.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert inside.wait(10)
        with pytest.raises(BlockingIOError):  # taken while a writer is inside
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        waiter = threading.Thread(target=lambda: _write(second, order))
        waiter.start()
        waiter.join(0.3)
        assert order == ["first"] and waiter.is_alive()  # the second process's writer waits its turn
        release.set()
        waiter.join(10)
        assert order == ["first", "second"]
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again once both committed
        fcntl.flock(probe, fcntl.LOCK_UN)
    finally:
        release.set()
        holder.join(10)
        os.close(probe)
        first.dispose()
        second.dispose()
    with Database(f"sqlite:///{path}").read() as conn:
        assert conn.execute(text("SELECT count(*) FROM meta WHERE key IN ('a', 'b')")).scalar() == 2


def _write(database: Database, order: list[str]) -> None:
    with database.write() as conn:
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('b', '2')"))
        order.append("second")


def test_each_request_logs_one_line_with_what_its_endpoint_noted(client, world, caplog) -> None:
    ani = Device(client, "ani")
    with caplog.at_level("INFO", logger="caseworker.server"):
        ani.push(person_insert(new_id()))
        ani.pull_all()
    entries = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    pushes = [e for e in entries if e.get("path") == "/sync/push"]
    assert len(pushes) == 1
    assert pushes[0]["event"] == "push" and pushes[0]["applied"] == 1 and pushes[0]["status"] == 200
    assert pushes[0]["mutations"] == 1 and pushes[0]["device_id"] == ani.device_id and pushes[0]["ms"] >= 0
    pulls = [e for e in entries if e.get("path") == "/sync/pull"]
    assert pulls and all(e["event"] == "pull" and "bytes" in e for e in pulls)
    assert not [e for e in entries if e.get("event") in ("push", "pull") and "path" not in e]
