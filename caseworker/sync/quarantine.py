"""Rows the server sent that this laptop could not store, shown to people (`caseworker quarantine list`, the
Konflik page) with the reason in words.

The pull keeps such a row aside (caseworker.sync.apply, the `sync_quarantine` table of the encrypted store)
and applies everything else, so one bad row never stops a device. Nothing is decided here: the row is wrong
on the server (an older server accepted it), someone fixes it there, and the next sync brings the corrected
version, which is stored and leaves the list. Quarantined rows are never sent back to the server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from caseworker import i18n
from caseworker.store import syncstate
from caseworker.store.store import Store

i18n.register(
    {
        "quarantine_int_range": (
            "Angka pada kolom {field} terlalu besar untuk disimpan di laptop.",
            "The number in {field} is too large to be stored on a laptop.",
        ),
        "quarantine_wrong_type": (
            "Isi kolom {field} bukan jenis nilai yang benar.",
            "The value of {field} is not of the right kind.",
        ),
        "quarantine_invalid_text": (
            "Teks pada kolom {field} tidak dapat disimpan (karakter tidak sah).",
            "The text in {field} cannot be stored (invalid characters).",
        ),
        "quarantine_unique": (
            "Nilai {field} sudah dipakai data lain di laptop ini (misalnya nomor kasus ganda).",
            "The {field} is already used by another record on this laptop (e.g. a duplicate case number).",
        ),
        "quarantine_other": (
            "Tidak dapat disimpan di laptop ini ({field}).",
            "Could not be stored on this laptop ({field}).",
        ),
        "quarantine_help": (
            "Data dari server ini tidak dapat disimpan di laptop, jadi disisihkan; data lain tetap tersinkron. "
            "Minta admin server memperbaikinya: versi yang benar menggantikannya pada sinkronisasi berikutnya.",
            "This data from the server cannot be stored on the laptop, so it was set aside; everything else "
            "is synced. Ask the server administrator to fix it: the corrected version replaces it with the "
            "next sync.",
        ),
    }
)


@dataclass(frozen=True)
class Quarantined:
    table: str
    row_id: str
    case_id: str | None
    seq: int | None  # the server's changelog seq of the version set aside
    version: int | None
    reason: str  # int_range | wrong_type | invalid_text | unique | other
    detail: str  # the column (or, for `other`, the error)
    data: str  # the row as the server sent it (JSON)
    quarantined_at: str

    def reason_text(self, lang: str | None = None) -> str:
        key = f"quarantine_{self.reason}"
        if key not in i18n.MESSAGES:
            key = "quarantine_other"
        return i18n.text(key, lang, field=self.detail or self.reason)

    def label(self) -> str:
        """What people recognise the row by: a case number or a name when the row has one."""
        try:
            row = json.loads(self.data)
        except ValueError:
            row = None
        if isinstance(row, dict):
            for key in ("case_number", "name", "title", "filename"):
                value = row.get(key)
                if isinstance(value, str) and value.strip():
                    return value.strip()[:80]
        return self.row_id


def _item(r: dict[str, Any]) -> Quarantined:
    return Quarantined(
        table=r["table_name"],
        row_id=r["row_id"],
        case_id=r["case_id"],
        seq=r["seq"],
        version=r["version"],
        reason=r["reason"] or "other",
        detail=r["detail"] or "",
        data=r["data"] or "",
        quarantined_at=r["quarantined_at"] or "",
    )


def recorded(store: Store) -> bool:
    """Whether this store has the table yet (a reader connection on a store not migrated may not)."""
    sql = "SELECT 1 FROM sqlite_master WHERE name = 'sync_quarantine'"
    return store.conn.execute(sql).fetchone() is not None


def quarantined(store: Store) -> list[Quarantined]:
    """The rows set aside, oldest first."""
    if not recorded(store):
        return []
    return [_item(r) for r in syncstate.quarantined(store)]


def count(store: Store) -> int:
    return syncstate.quarantined_count(store) if recorded(store) else 0
