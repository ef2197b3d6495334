"""Changes the server refused, shown to the person who made them, never silently dropped.

A push result of "rejected" (a case reassigned to someone else while a note was written offline, a
staff account, a value the server does not accept) is kept in `sync_rejected` with the full change. A
refused update has already been put back to the server's copy on the device; a refused new record stays
on the device, seen by nobody else, until its author decides:

- `resend`: try again as a new change (e.g. the case came back to this worker): the store checks the
  permission now, and the next sync sends it;
- `discard`: take a refused new record off this laptop (until then its content stays readable in the
  list of refusals), or, for a refused edit, just clear the notice.

Each decision is one transaction with its outbox and audit entries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from caseworker import i18n
from caseworker.errors import KnownError
from caseworker.store import repository as repo
from caseworker.store.schema import CASE_RECORDS, COMMON, TABLES
from caseworker.store.store import Store
from caseworker.store.syncstate import ensure_tables, has_server_copy

i18n.register(
    {
        "rejected_not_allowed": (
            "Anda tidak berwenang mengubah kasus ini di server (mungkin kasus sudah dipindahkan ke pekerja lain).",
            "You may not change this case on the server (it may have been reassigned to another worker).",
        ),
        "rejected_reassign_not_allowed": (
            "Hanya supervisor yang dapat memindahkan kasus.",
            "Only a supervisor can reassign a case.",
        ),
        "rejected_read_only_role": (
            "Akun Anda hanya dapat membaca.",
            "Your account can only read.",
        ),
        "rejected_approval_requires_supervisor": (
            "Hanya supervisor yang dapat menyetujui.",
            "Only a supervisor can approve.",
        ),
        "rejected_invalid_value": (
            "Server tidak menerima salah satu nilai.",
            "The server did not accept one of the values.",
        ),
        "rejected_unknown_row": (
            "Data ini tidak ada lagi di server.",
            "This record no longer exists on the server.",
        ),
        "rejected_row_exists": (
            "Data dengan nomor yang sama sudah ada di server.",
            "A record with the same id already exists on the server.",
        ),
        "rejected_decision_requires_supervisor": (
            "Hanya supervisor unit ini yang dapat memutuskan (menyetujui, mengembalikan, atau data ganda).",
            "Only a supervisor of this unit can decide this (approve, return, or duplicates).",
        ),
        "rejected_invalid_transition": (
            "Perubahan status ini tidak diperbolehkan dari status sebelumnya.",
            "This status change is not allowed from the previous status.",
        ),
        "rejected_unknown_reference": (
            "Data ini merujuk ke klien, kasus, pengguna atau berkas yang tidak dapat Anda akses di server.",
            "This record refers to a client, case, user or file you cannot access on the server.",
        ),
        "rejected_duplicate_case_number": (
            "Nomor kasus ini sudah dipakai kasus lain di server. Hubungi admin.",
            "This case number is already used by another case on the server. Contact the administrator.",
        ),
        "rejected_closure_not_approved": (
            "Kasus belum dapat ditutup: penutupan harus disetujui supervisor dulu.",
            "The case cannot be closed yet: a supervisor must approve the closure first.",
        ),
        "rejected_other": ("Ditolak server ({reason}).", "Refused by the server ({reason})."),
        "rejected_gone": (
            "Tidak dapat dikirim ulang: kasusnya tidak lagi ada di laptop ini. Salin isinya bila perlu, lalu buang.",
            "Cannot be sent again: its case is no longer on this laptop. Copy its content if needed, then discard it.",
        ),
        "rejected_unknown": ("Penolakan ini sudah tidak ada.", "This refusal no longer exists."),
    }
)

_STAMPS = set(COMMON)  # id, created/updated stamps, deleted, version: not what the person changed


@dataclass(frozen=True)
class Rejection:
    mutation_id: str
    table: str
    row_id: str
    op: str  # insert / update / delete
    fields: dict[str, Any]  # what the person wrote (without the stamps)
    reason: str  # the server's code
    case_id: str | None
    created_at: str
    rejected_at: str
    on_device: bool  # the refused new record is still on this laptop

    def reason_text(self, lang: str | None = None) -> str:
        key = f"rejected_{self.reason}"
        if key in i18n.MESSAGES:
            return i18n.text(key, lang)
        return i18n.text("rejected_other", lang, reason=self.reason)


def rejections(store: Store) -> list[Rejection]:
    """The refused changes of this device, oldest first."""
    ensure_tables(store)
    found = []
    for r in store.query("SELECT * FROM sync_rejected ORDER BY created_at, mutation_id"):
        found.append(_rejection(store, r))
    return found


def recorded(store: Store) -> bool:
    """Whether this store has a table of refusals yet (reads only: fine on a reader connection)."""
    return (
        store.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sync_rejected'").fetchone() is not None
    )


def count(store: Store) -> int:
    """How many refusals wait for a decision (reads only)."""
    if not recorded(store):
        return 0
    return store.conn.execute("SELECT count(*) FROM sync_rejected").fetchone()[0]


def _rejection(store: Store, r: dict[str, Any]) -> Rejection:
    fields = json.loads(r["fields"] or "{}")
    table = r["table_name"]
    known = table in TABLES
    local = store.one(f"SELECT * FROM {table} WHERE id = ?", [r["row_id"]]) if known else None
    case_id = r["row_id"] if table == "cases" else fields.get("case_id") or (local or {}).get("case_id")
    return Rejection(
        mutation_id=r["mutation_id"],
        table=table,
        row_id=r["row_id"],
        op=r["op"],
        fields={k: v for k, v in fields.items() if k not in _STAMPS or k == "deleted"},
        reason=r["reason"] or "",
        case_id=case_id,
        created_at=r["created_at"] or "",
        rejected_at=r["rejected_at"] or "",
        on_device=local is not None,
    )


def _get(store: Store, mutation_id: str) -> Rejection:
    ensure_tables(store)
    row = store.one("SELECT * FROM sync_rejected WHERE mutation_id = ?", [mutation_id])
    if row is None:
        raise KnownError("rejected_unknown")
    return _rejection(store, row)


def resend(store: Store, mutation_id: str) -> None:
    """Queue the refused change again, as a new change checked against today's permissions."""
    rej = _get(store, mutation_id)
    if rej.table not in TABLES:
        raise KnownError("rejected_gone")
    with store.transaction() as txn:
        local = store.one(f"SELECT * FROM {rej.table} WHERE id = ?", [rej.row_id])
        if rej.op == "insert":
            _resend_insert(store, txn, rej, local)
        elif local is None:
            raise KnownError("rejected_gone")
        elif rej.op == "delete":
            repo.delete(store, rej.table, rej.row_id)
        else:
            changes = {k: v for k, v in rej.fields.items() if k in TABLES[rej.table]}
            repo.update(store, rej.table, rej.row_id, changes, action="resend")
        store.conn.execute("DELETE FROM sync_rejected WHERE mutation_id = ?", [mutation_id])


def _resend_insert(store: Store, txn: Any, rej: Rejection, local: dict[str, Any] | None) -> None:
    from caseworker.store import permissions

    case_id = rej.case_id if rej.table != "cases" else None
    if case_id and store.one("SELECT 1 FROM cases WHERE id = ?", [case_id]) is None:
        raise KnownError("rejected_gone")
    if local is None:  # removed with its case when the case left this laptop; the case is back
        full = json.loads(
            store.one("SELECT fields FROM sync_rejected WHERE mutation_id = ?", [rej.mutation_id])["fields"]
        )
        local = {k: v for k, v in full.items() if k in TABLES[rej.table] or k in COMMON}
        local.update(id=rej.row_id, version=0)
        store.db[rej.table].insert(local)
    permissions.check_insert(store, rej.table, local)
    fields = {k: v for k, v in local.items() if k != "version"}
    repo._outbox(store, rej.table, rej.row_id, "insert", fields, 0)
    repo.audit(store, "resend", rej.table, rej.row_id, repo.case_id_of(rej.table, local))
    repo._touch(store, txn, rej.table, local)


def discard(store: Store, mutation_id: str) -> None:
    """Accept the refusal. A refused new record the server never stored leaves this laptop (a case takes
    the records written under it, and their pending changes and refusals); a refused edit was already put
    back to the server's copy: only the notice goes."""
    rej = _get(store, mutation_id)
    with store.transaction() as txn:
        if rej.op == "insert" and rej.on_device and rej.reason != "row_exists" and not _has_base(store, rej):
            local = repo.get_row(store, rej.table, rej.row_id)
            gone = [(rej.table, rej.row_id)]
            if rej.table == "cases":
                for record in CASE_RECORDS:  # none can be on the server: their case never was
                    gone += [(record, r[0]) for r in
                             store.conn.execute(f"SELECT id FROM {record} WHERE case_id = ?", [rej.row_id])]  # fmt: skip
                store.conn.execute(
                    "DELETE FROM sync_rejected WHERE json_extract(fields, '$.case_id') = ?", [rej.row_id]
                )
            for table, row_id in gone:
                store.conn.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
                store.conn.execute("DELETE FROM outbox WHERE table_name = ? AND row_id = ?", [table, row_id])
            repo._touch(store, txn, rej.table, local)
        repo.audit(store, "discard_rejected", rej.table, rej.row_id, rej.case_id, {"op": rej.op})
        store.conn.execute("DELETE FROM sync_rejected WHERE mutation_id = ?", [mutation_id])


def _has_base(store: Store, rej: Rejection) -> bool:
    """The server sent this row at some time (so it holds it, whatever the refusal was about)."""
    return has_server_copy(store, rej.table, rej.row_id)
