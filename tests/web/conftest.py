"""Web page tests: the server test fixtures (a fresh database per test on SQLite, and on PostgreSQL when
CASEWORKER_TEST_PG_URL is set)."""

from __future__ import annotations

import pytest

from caseworker.server.web import snapshots
from tests.server.conftest import _fast_argon2, _pg_session_url, db, server_db_url, settings  # noqa: F401


@pytest.fixture(autouse=True)
def _no_background_counting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing counts on after a test in process (the browser tests' real server does count on)."""
    monkeypatch.setattr(snapshots, "BACKGROUND", False)
