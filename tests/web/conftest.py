"""Web page tests: the server test fixtures (a fresh database per test on SQLite, and on PostgreSQL when
CASEWORKER_TEST_PG_URL is set)."""

from __future__ import annotations

from tests.server.conftest import _fast_argon2, _pg_session_url, db, server_db_url, settings  # noqa: F401
