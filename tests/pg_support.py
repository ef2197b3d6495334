"""A fresh PostgreSQL database for a test run, made from CASEWORKER_TEST_PG_URL and dropped afterwards (the
server tests, the sync tests and the end-to-end tests each make their own)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_ENV = "CASEWORKER_TEST_PG_URL"


@contextmanager
def fresh_pg_database(prefix: str) -> Iterator[str | None]:
    """The URL of a new, empty database (None when PostgreSQL tests are not asked for)."""
    base = os.environ.get(PG_ENV)
    if not base:
        yield None
        return
    name = f"{prefix}_{secrets.token_hex(4)}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
