"""How much to ask for or send at once over the link this laptop has now.

A page should take about TARGET_SECONDS on the wire: large on a fast link (fewer transactions, fewer
round trips), small on a slow one (each page is applied with its cursor, so a cut costs at most the page
in flight). The budget follows the throughput the last exchanges showed, and each cut halves a ceiling
that then grows back slowly, so a link that drops every few hundred kilobytes ends up with pages that
mostly get through. Budgets are in wire bytes; the server counts JSON bytes, so they are converted with
the compression ratio seen so far.
"""

from __future__ import annotations

import threading
import time

TARGET_SECONDS = 1.5
FIRST_WIRE_BYTES = 192 * 1024  # before anything is known: two seconds at 1 Mbit/s
MIN_WIRE_BYTES = 12 * 1024
MAX_WIRE_BYTES = 8 * 1024 * 1024
GROW_AFTER = 4  # whole exchanges in a row before a ceiling set by a cut grows again
RETRIES = 8  # cuts in a row that a pull or push survives before the sync stops (as offline)


class LinkBudget:
    def __init__(self) -> None:
        self._lock = threading.Lock()  # (the next page is fetched on another thread)
        self.wire_bytes = FIRST_WIRE_BYTES
        self.ceiling = MAX_WIRE_BYTES
        self.ratio = 5.0  # JSON bytes per wire byte; a realistic page compresses about 5.8x with zstd
        self.whole_in_a_row = 0

    def json_bytes(self) -> int:
        """The JSON bytes of the next page or push body."""
        with self._lock:
            return int(min(self.wire_bytes, self.ceiling) * self.ratio)

    def record(self, wire: int, json_size: int, seconds: float) -> None:
        """An exchange that got through: `wire` bytes of `json_size` JSON took `seconds`."""
        with self._lock:
            if wire > 0 and json_size > 0:
                self.ratio = max(1.0, json_size / wire)
            if wire >= 4096 and seconds > 0:  # tiny answers say more about latency than bandwidth
                self.wire_bytes = int(
                    min(MAX_WIRE_BYTES, max(MIN_WIRE_BYTES, wire / seconds * TARGET_SECONDS))
                )
            self.whole_in_a_row += 1
            if self.whole_in_a_row >= GROW_AFTER and self.ceiling < MAX_WIRE_BYTES:
                self.ceiling = min(MAX_WIRE_BYTES, int(self.ceiling * 1.25))
                self.whole_in_a_row = 0

    def cut(self) -> None:
        """An exchange was cut off: ask for half as much from now on."""
        with self._lock:
            self.ceiling = max(MIN_WIRE_BYTES, min(self.ceiling, self.wire_bytes) // 2)
            self.whole_in_a_row = 0


def pause(attempt: int) -> None:
    """Before another try after a cut: a link that just dropped often needs a moment to come back."""
    time.sleep(min(4.0, 0.25 * 2**attempt))
