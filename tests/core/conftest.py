from __future__ import annotations

from pathlib import Path

import pytest

from caseworker.store.profile import add_user, create_profile, open_profile
from caseworker.store.store import Store

PASSWORD = "rahasia-123"


@pytest.fixture
def profile_dir(tmp_path: Path) -> Path:
    return tmp_path / "profile"


@pytest.fixture
def store(profile_dir: Path):
    s = create_profile(
        profile_dir,
        username="ani",
        password=PASSWORD,
        facility_code="SDA",
        facility_name="UPT PPSAB Sidoarjo",
    )
    add_user(s, "budi", PASSWORD, "worker", "Budi Santoso")
    add_user(s, "citra", PASSWORD, "worker", "Citra Lestari")
    add_user(s, "tata", PASSWORD, "staff", "Tata Usaha")
    yield s
    s.close()


@pytest.fixture
def login(profile_dir: Path, store: Store):
    opened: list[Store] = []

    def _login(user: str) -> Store:
        s = open_profile(profile_dir, user, PASSWORD)
        opened.append(s)
        return s

    yield _login
    for s in opened:
        s.close()


# Sync fixtures (a real server on SQLite and, when configured, PostgreSQL; devices with their own profiles).
from tests.core.sync_support import devices, pg_base_url, server, server_url  # noqa: E402, F401
