"""Shared fixtures and helpers of the sync engine tests (no tests here): the real server app under FastAPI's
TestClient (SQLite always, PostgreSQL when CASEWORKER_TEST_PG_URL is set), real encrypted profiles enrolled
through caseworker.sync.enrol, and a transport that loses, repeats and delays calls."""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text

from caseworker.security import keyslots
from caseworker.server import admin, auth
from caseworker.server.app import create_app
from caseworker.server.db import Database, metadata
from caseworker.store import cases, syncstate
from caseworker.store.store import Store
from caseworker.sync import link
from caseworker.sync import protocol as p
from caseworker.sync.engine import SyncResult, sync
from caseworker.sync.enrol import enrol
from caseworker.sync.transport import HttpTransport, SyncError
from tests.pg_support import PG_ENV, fresh_pg_database

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

PASSWORD = "rahasia-123"
USERS = [
    ("ani", "worker", "SDA"),
    ("budi", "worker", "SDA"),
    ("sri", "supervisor", "SDA"),
    ("tata", "staff", "SDA"),
    ("wati", "worker", "MLG"),
    ("yoga", "worker", "MLG"),
    ("rina", "supervisor", "MLG"),
]


def cheap_crypto(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still argon2id for key slots and server passwords, just cheap: tests check behaviour, not cost."""
    monkeypatch.setattr(keyslots, "TIME_COST", 1)
    monkeypatch.setattr(keyslots, "MEMORY_KIB", 1024)
    monkeypatch.setattr(keyslots, "PARALLELISM", 1)
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(link, "pause", lambda attempt: None)  # retries after a cut, without the wait


@pytest.fixture(scope="session")
def pg_base_url() -> Iterator[str | None]:
    with fresh_pg_database("cw_sync") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def server_url(request: pytest.FixtureRequest, tmp_path: Path, pg_base_url: str | None) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    if pg_base_url is None:
        pytest.skip(f"set {PG_ENV} to run against PostgreSQL")
    engine = create_engine(pg_base_url)
    metadata.drop_all(engine)
    engine.dispose()
    return pg_base_url


def make_world(database: Database, sda_scope: str = "facility") -> None:
    admin.add_facility(database, "SDA", "UPT PPSAB Sidoarjo", "Jl. Raya 1", sda_scope)
    admin.add_facility(database, "MLG", "UPT Malang", None, "assigned")
    for name, role, facility in USERS:
        admin.add_user(database, name, role, facility, name.title(), PASSWORD)


class Server:
    """The real app over a fresh database, reached through FastAPI's TestClient."""

    def __init__(self, url: str, sda_scope: str = "facility") -> None:
        self.db = Database(url)
        self.db.create_schema()
        make_world(self.db, sda_scope)
        self.client = TestClient(create_app(self.db))
        self.client.__enter__()

    def close(self) -> None:
        self.client.__exit__(None, None, None)
        self.db.dispose()

    def rows(self, table: str) -> dict[str, dict[str, Any]]:
        """The server's current rows of a table (row id -> data)."""
        import json

        with self.db.read() as conn:
            found = conn.execute(
                text("SELECT row_id, data FROM changelog WHERE table_name = :t"), {"t": table}
            ).all()
        return {r[0]: json.loads(r[1]) for r in found}


@pytest.fixture
def server(server_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    cheap_crypto(monkeypatch)
    srv = Server(server_url)
    yield srv
    srv.close()


class Device:
    """A real encrypted profile joined to the server, syncing through `transport`."""

    def __init__(self, server: Server, folder: Path, username: str, wrap: Any = None) -> None:
        self.server = server
        self.username = username

        def factory(url: str, device_id: str) -> HttpTransport:
            return HttpTransport(None, device_id, client=server.client)

        self.store, self.http = enrol(
            folder, "http://testserver", username, PASSWORD, transport_factory=factory
        )
        self.transport = wrap(self.http) if wrap else self.http

    def sync(self, **kwargs: Any) -> SyncResult:
        return sync(self.store, self.transport, **kwargs)

    def sync_until_done(self, attempts: int = 30) -> SyncResult:
        """Sync through a faulty transport until one run completes."""
        for _ in range(attempts):
            try:
                result = self.sync()
            except SyncError:
                continue
            if result.completed:
                return result
        raise AssertionError(f"{self.username}: no sync completed in {attempts} attempts")

    def new_case(self, name: str = "Bayi Melati", **fields: Any) -> tuple[str, str]:
        person = cases.register_person(self.store, {"name": name, "sex": "P", "birth_date": "2025-03-01"}).id
        return person, cases.open_case(self.store, person, "01", **fields)

    def row(self, table: str, row_id: str) -> dict[str, Any] | None:
        return self.store.one(f"SELECT * FROM {table} WHERE id = ?", [row_id])

    def pending(self) -> int:
        return syncstate.pending_count(self.store)

    def close(self) -> None:
        self.store.close()


@pytest.fixture
def devices(server: Server, tmp_path: Path) -> Iterator[Any]:
    made: list[Device] = []

    def _make(username: str, wrap: Any = None) -> Device:
        device = Device(server, tmp_path / f"{username}-{len(made)}", username, wrap)
        made.append(device)
        return device

    yield _make
    for d in made:
        d.close()


class LostResponse(SyncError):
    def __init__(self) -> None:
        super().__init__("sync_offline", detail="response lost (test)")


class FaultyTransport:
    """Wraps a transport: calls may reach the server and lose their answer, be sent twice, or be held back
    and replayed later, out of order (pushes). Deterministic per seed."""

    def __init__(
        self, inner: HttpTransport, seed: int = 0, drop: float = 0.2, dup: float = 0.2, delay: float = 0.2
    ):
        self.inner = inner
        self.rng = random.Random(seed)
        self.drop, self.dup, self.delay = drop, dup, delay
        self.held: list[p.PushRequest] = []

    def _maybe_replay(self) -> None:
        if self.held and self.rng.random() < 0.5:
            old = self.held.pop(self.rng.randrange(len(self.held)))
            self.inner.push(old)  # a stale batch arriving late: the server must treat it as a no-op

    def push(self, request: p.PushRequest) -> p.PushResponse:
        self._maybe_replay()
        if self.rng.random() < self.delay:
            self.held.append(request)
        response = self.inner.push(request)
        if self.rng.random() < self.dup:
            response = self.inner.push(request)
        if self.rng.random() < self.drop:
            raise LostResponse()
        return response

    def pull(self, since: int, limit: int) -> p.PullResponse:
        self._maybe_replay()
        # Pages bounded by bytes too, from a few rows to no bound (what a slow link's budget does).
        self.inner.link.ceiling = self.rng.choice(
            [p.MIN_PAGE_BYTES, 3 * p.MIN_PAGE_BYTES, link.MAX_WIRE_BYTES]
        )
        self.inner.link.ratio = 1.0
        response = self.inner.pull(since, self.rng.choice([limit, 3, 7]))
        if self.rng.random() < self.dup:
            response = self.inner.pull(since, limit)
        if self.rng.random() < self.drop:
            raise LostResponse()
        return response

    def flush(self) -> None:
        """Deliver the held pushes (late copies of what was sent). The link under them may cut these
        too: a replay is idempotent, so it is tried again until it gets through."""
        while self.held:
            request = self.held.pop()
            for attempt in range(50):
                try:
                    self.inner.push(request)
                    break
                except SyncError:
                    if attempt == 49:
                        raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def local_rows(store: Store, table: str) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in store.query(f"SELECT * FROM {table}")}


class CutLink(httpx.BaseTransport):
    """Under the HTTP client: a link that drops exchanges, before the request reached the server (cut
    while sending) or after the server did the work (cut while the answer came back). Deterministic per
    seed."""

    def __init__(self, inner: httpx.BaseTransport, seed: int = 0, cut: float = 0.15) -> None:
        self.inner = inner
        self.rng = random.Random(seed)
        self.cut = cut
        self.cuts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/sync/") and self.rng.random() < self.cut / 2:
            self.cuts += 1
            raise httpx.WriteError("link cut while sending (test)")
        response = self.inner.handle_request(request)
        if request.url.path.startswith("/sync/") and self.rng.random() < self.cut / 2:
            response.close()
            self.cuts += 1
            raise httpx.ReadError("link cut while receiving (test)")
        return response
