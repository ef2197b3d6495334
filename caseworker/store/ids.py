"""Identifiers and timestamps made on the device, without a server."""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, date, datetime

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def uuid7() -> str:
    """A time-ordered UUID (RFC 9562 v7): good for B-tree indexes, unique without coordination."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80 | (0x7 << 76) | ((rand >> 62) & 0xFFF) << 64
    value |= (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def today_iso() -> str:
    return date.today().isoformat()


def case_number(facility_code: str, row_id: str, year: int | None = None) -> str:
    """FACILITY-YY-XXXXXXXX from the random bits of the case's UUID (40 bits, Crockford base32).

    Unique across offline devices with no counter: 1e12 values per facility and year.
    """
    yy = (year if year is not None else date.today().year) % 100
    bits = uuid.UUID(row_id).int & ((1 << 40) - 1)
    chars = "".join(CROCKFORD[(bits >> shift) & 31] for shift in range(35, -1, -5))
    return f"{facility_code.upper()}-{yy:02d}-{chars}"
