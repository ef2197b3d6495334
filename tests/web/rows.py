"""Rows put straight into the server's changelog, as pushes would leave them (tests of the overview)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from caseworker.server.db import Database, SeqAllocator, changelog, lock_sequence


class Changelog:
    """Collects rows, then writes them in one transaction (`write`)."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def _add(self, table: str, data: dict[str, Any], *, facility: str | None, case_id: str | None,
             person_id: str | None, deleted: bool = False, row_id: str | None = None) -> str:  # fmt: skip
        row_id = row_id or str(uuid.uuid4())
        self.rows.append({
            "table_name": table, "row_id": row_id, "data": json.dumps({"id": row_id, **data}), "version": 1,
            "deleted": int(deleted), "facility_code": facility, "case_id": case_id,
            "assigned_to": data.get("assigned_to"), "created_by": "ani", "person_id": person_id,
            "sha256": None, "changed_at": data.get("updated_at") or "2026-11-30T00:00:00Z",
        })  # fmt: skip
        return row_id

    def person(self, facility: str, **data: Any) -> str:
        values = {"name": "Nama Rahasia", "nik": "3515084101900001", "facility_code": facility, **data}
        pid = str(uuid.uuid4())
        return self._add("persons", values, facility=facility, case_id=None, person_id=pid, row_id=pid)

    def case(self, facility: str, person_id: str, deleted: bool = False, **data: Any) -> str:
        values = {"person_id": person_id, "facility_code": facility, "status": "open", "stage": "asesmen",
                  "category_code": "01", "opened_at": "2026-01-10", **data}  # fmt: skip
        cid = str(uuid.uuid4())
        return self._add("cases", values, facility=facility, case_id=cid, person_id=person_id, deleted=deleted,
                         row_id=cid)  # fmt: skip

    def record(self, table: str, facility: str, case_id: str, deleted: bool = False, **data: Any) -> str:
        return self._add(table, {"case_id": case_id, **data}, facility=facility, case_id=case_id,
                         person_id=None, deleted=deleted)  # fmt: skip

    def write(self, database: Database) -> None:
        with database.write() as conn:
            lock_sequence(conn)
            seqs = SeqAllocator(conn)
            for row in self.rows:
                conn.execute(changelog.insert().values(seq=seqs.next(), **row))
        self.rows.clear()
