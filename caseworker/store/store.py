"""An open, unlocked store: the database, the signed-in user and transactions.

All writes happen inside `store.transaction()`; nested calls join the outer transaction, so a
repository function and its outbox and audit entries commit together or not at all.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from caseworker.store import db as dbmod
from caseworker.store.ids import uuid7


@dataclass(frozen=True)
class User:
    username: str
    role: str
    facility_code: str
    full_name: str = ""
    nip: str = ""

    @property
    def is_supervisor(self) -> bool:
        return self.role in ("supervisor", "admin")


@dataclass
class Txn:
    txn_id: str
    touched_cases: set[str] = field(default_factory=set)
    after_commit: list = field(default_factory=list)


class Store:
    def __init__(
        self,
        profile_dir: Path,
        db: sqlite_utils.Database,
        user: User,
        profile: dict[str, Any],
        key: bytes,
        read_only: str | None = None,
    ):
        self.profile_dir = profile_dir
        # Why the store was opened for reading only ("disk_full", "read_only"), None when it can be written:
        # every write is then refused at once with the reason, before SQLite is asked.
        self.read_only = read_only
        self.key = key  # the database key, kept in memory only while unlocked (attachments, new key slots)
        self.db = db
        self.user = user
        self.profile = profile
        self._txn: Txn | None = None
        self.hlc_counter = 0

    @property
    def conn(self):
        return self.db.conn

    @property
    def device_id(self) -> str:
        return str(self.profile.get("device_id", ""))

    @property
    def attachments_dir(self) -> Path:
        return self.profile_dir / "attachments"

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Txn]:
        if self._txn is not None:
            yield self._txn
            return
        if self.read_only is not None:
            from caseworker.errors import StoreError

            raise StoreError(f"refused_{self.read_only}", path=str(self.profile_dir))
        txn = Txn(uuid7())
        self._txn = txn
        with dbmod.released_wal_on_full_disk(self.conn), dbmod.translated_errors(self.profile_dir):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield txn
                if txn.touched_cases:
                    from caseworker.store.indexing import reindex_cases

                    reindex_cases(self.db, txn.touched_cases)
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
                    self.conn.execute("ROLLBACK")
                raise
            finally:
                self._txn = None
        for callback in txn.after_commit:
            callback()

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )

    def facility(self) -> dict[str, Any]:
        return self.one("SELECT * FROM facilities WHERE code = ?", [self.user.facility_code]) or {
            "code": self.user.facility_code,
            "name": self.user.facility_code,
        }

    def settings(self) -> dict[str, Any]:
        return json.loads(self.meta("settings", "{}") or "{}")

    def reader(self) -> Store:
        """A second connection for background reads (search, counts, reports) while the UI thread writes:
        WAL lets readers run beside a writer. Close it when done."""
        path = self.profile_dir / dbmod.DB_FILENAME
        db = dbmod.connect_read_only(path, self.key) if self.read_only else dbmod.connect(path, self.key)
        db.conn.execute("PRAGMA query_only = ON")
        return Store(self.profile_dir, db, self.user, self.profile, self.key, self.read_only)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()
