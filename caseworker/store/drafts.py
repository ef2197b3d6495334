"""Drafts of forms being typed: local-only, in the encrypted store, never synced, never in the outbox.

A draft is keyed by (form kind, subject id, user): e.g. ("assessment:bps", case id, "ani"). The data is any
JSON value the UI chooses (the state of the form's inputs). Saved as the user types, read when the same form
is opened again, dropped when the form is saved or discarded. The table is created by schema v5
(caseworker.store.migrations._v5).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from caseworker.store.ids import now_iso
from caseworker.store.store import Store


@dataclass(frozen=True)
class Draft:
    kind: str
    subject_id: str
    user: str
    data: Any
    saved_at: str


def save_draft(store: Store, kind: str, subject_id: str, data: Any, user: str | None = None) -> None:
    """Keep (or replace) the draft of this form; one short transaction of its own."""
    with store.transaction():
        store.conn.execute(
            "INSERT INTO drafts(kind, subject_id, user, data, saved_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(kind, subject_id, user) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at",
            [
                kind,
                subject_id or "",
                user or store.user.username,
                json.dumps(data, ensure_ascii=False),
                now_iso(),
            ],
        )


def load_draft(store: Store, kind: str, subject_id: str, user: str | None = None) -> Draft | None:
    row = store.one(
        "SELECT kind, subject_id, user, data, saved_at FROM drafts WHERE kind = ? AND subject_id = ? AND user = ?",
        [kind, subject_id or "", user or store.user.username],
    )
    if row is None:
        return None
    try:
        data = json.loads(row["data"])
    except (TypeError, ValueError):
        return None
    return Draft(row["kind"], row["subject_id"], row["user"], data, row["saved_at"])


def drop_draft(store: Store, kind: str, subject_id: str, user: str | None = None) -> None:
    with store.transaction():
        store.conn.execute(
            "DELETE FROM drafts WHERE kind = ? AND subject_id = ? AND user = ?",
            [kind, subject_id or "", user or store.user.username],
        )


def drafts_of(store: Store, user: str | None = None) -> list[Draft]:
    """A user's drafts, newest first."""
    rows = store.query(
        "SELECT kind, subject_id, user, data, saved_at FROM drafts WHERE user = ? ORDER BY saved_at DESC",
        [user or store.user.username],
    )
    return [Draft(r["kind"], r["subject_id"], r["user"], json.loads(r["data"]), r["saved_at"]) for r in rows]
