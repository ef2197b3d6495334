"""The server's SQLite database and the files beside it (-wal, -shm, .writer-lock) are private to the server's
user (0600), under the common umask 0o022 too, and a database an older version made 0644 is tightened when
it is opened (issue 14)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from caseworker.server import admin
from caseworker.server.cli import main
from caseworker.server.db import Database
from tests.server.helpers import PASSWORD

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
SIDE = ("server.db", "server.db-wal", "server.db-shm", "server.db.writer-lock")


def modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}


def test_init_writes_a_private_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_022) -> None:
    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    url = f"sqlite:///{tmp_path / 'server.db'}"
    assert main(["init", "--admin", "root", "--database-url", url]) == 0
    assert main(["facility", "add", "SDA", "--name", "UPT Sidoarjo", "--database-url", url]) == 0
    found = modes(tmp_path)
    assert "server.db" in found
    assert found == {name: 0o600 for name in found}
    assert os.umask(0o022) == 0o022  # the command's private umask does not outlive it


def test_a_database_opened_in_process_is_private(tmp_path: Path, umask_022) -> None:
    database = Database(f"sqlite:///{tmp_path / 'server.db'}")  # no command line, so no umask backstop
    try:
        database.create_schema()
        admin.add_facility(database, "SDA", "UPT Sidoarjo", None, "facility")
        found = modes(tmp_path)
        assert set(SIDE) <= set(found)  # open: the WAL files exist
        assert found == {name: 0o600 for name in found}
    finally:
        database.dispose()


def test_a_database_an_older_version_made_0644_is_tightened(tmp_path: Path, umask_022) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    database = Database(url)
    database.create_schema()
    database.dispose()
    for name in SIDE:
        path = tmp_path / name
        path.touch()
        os.chmod(path, 0o644)
    database = Database(url)
    try:
        database.create_schema()
        assert modes(tmp_path) == {name: 0o600 for name in SIDE}
    finally:
        database.dispose()
