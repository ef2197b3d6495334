"""Server test fixtures: a fresh database per test (SQLite always, PostgreSQL when CASEWORKER_TEST_PG_URL is set),
the app under FastAPI's TestClient, and small helpers to log in, push and pull."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine

from caseworker.server import admin, auth
from caseworker.server.app import create_app
from caseworker.server.auth import Settings
from caseworker.server.db import Database, metadata
from tests.pg_support import PG_ENV, fresh_pg_database
from tests.server.helpers import PASSWORD

with warnings.catch_warnings():
    # Starlette 1.x would rather use httpx2; httpx (a project dependency) still works for the TestClient.
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient


@pytest.fixture(autouse=True)
def _fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    # Still argon2id, just cheap: the tests check behaviour, not hash cost.
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="session")
def _pg_session_url() -> Iterator[str | None]:
    with fresh_pg_database("cw_test") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def server_db_url(request: pytest.FixtureRequest, tmp_path, _pg_session_url: str | None) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    if _pg_session_url is None:
        pytest.skip(f"set {PG_ENV} to run against PostgreSQL")
    engine = create_engine(_pg_session_url)
    metadata.drop_all(engine)  # a fresh database for every test
    engine.dispose()
    return _pg_session_url


@pytest.fixture
def db(server_db_url: str) -> Iterator[Database]:
    database = Database(server_db_url)
    database.create_schema()
    yield database
    database.dispose()


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def client(db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(db, settings)) as test_client:
        yield test_client


@pytest.fixture
def world(db: Database) -> Database:
    """Two facilities and their people. SDA: worker_scope=facility; MLG: worker_scope=assigned."""
    admin.add_facility(db, "SDA", "UPT PPSAB Sidoarjo", "Jl. Raya 1", "facility")
    admin.add_facility(db, "MLG", "UPT Malang", None, "assigned")
    for name, role, facility in [
        ("ani", "worker", "SDA"),
        ("budi", "worker", "SDA"),
        ("sri", "supervisor", "SDA"),
        ("tata", "staff", "SDA"),
        ("wati", "worker", "MLG"),
        ("yoga", "worker", "MLG"),
        ("rina", "supervisor", "MLG"),
    ]:
        admin.add_user(db, name, role, facility, name.title(), PASSWORD)
    admin.add_user(db, "root", "admin", None, None, PASSWORD)
    return db
