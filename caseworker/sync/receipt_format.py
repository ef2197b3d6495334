"""The server's signed receipt for a change it holds: the bytes signed and the signing. A wire format,
shared by the server (which signs) and the laptop (caseworker.sync.receipts, which keeps and checks): it
needs nothing of the client's store."""

from __future__ import annotations

import json

from caseworker.sync import protocol as p
from caseworker.sync import sealing

HELD = ("applied", "merged", "conflict")  # outcomes the server holds the change under


def message(mutation_id: str, status: str, table: str, row_id: str, version: int | None, seq: int | None,
            server_time: str) -> bytes:  # fmt: skip
    """The bytes a receipt's signature is over."""
    fields = {"mutation_id": mutation_id, "status": status, "table": table, "row_id": row_id,
              "version": version, "seq": seq, "server_time": server_time}  # fmt: skip
    return b"caseworker receipt v1\n" + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def sign(
    keys: sealing.KeyPair, m: p.Mutation, result: p.MutationResult, seq: int | None, now: str
) -> p.Receipt:
    status = result.original_status or result.status
    signed = message(m.mutation_id, status, m.table, m.row_id, result.version, seq, now)
    return p.Receipt(seq=seq, server_time=now, signature=sealing.b64(keys.sign_bytes(signed)))
