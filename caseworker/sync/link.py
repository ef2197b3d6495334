"""How much to ask for or send at once over the link this laptop has now.

A page should take a few seconds on the wire (TARGET_SECONDS): large on a fast link (fewer transactions, fewer
round trips), small on a slow one (each page is applied with its cursor, so a cut costs at most the page
in flight). The budget follows the throughput the last exchanges showed, and each cut halves a ceiling
that then grows back slowly, so a link that drops every few hundred kilobytes ends up with pages that
mostly get through. Budgets are in wire bytes; the server counts JSON bytes, so they are converted with
the compression ratio seen so far.
"""

from __future__ import annotations

import threading
import time

# Seconds of a page's body on the wire: each page costs a round trip besides (the next is asked for when
# one has come in), so on a 600 ms link a 3-second page keeps the link busy five sixths of the time.
TARGET_SECONDS = 3.0
FIRST_WIRE_BYTES = 128 * 1024  # before anything is known: 1 second at 1 Mbit/s
MIN_WIRE_BYTES = 12 * 1024
MAX_WIRE_BYTES = 8 * 1024 * 1024
GROW_AFTER = 4  # a ceiling set by cuts doubles once the link carries this many cut intervals without one
CUT_SHARE = 10  # after cuts, a page is at most this fraction of what the link carried between them
BANDWIDTH_SAMPLE = 32 * 1024  # the least body that says what the link carries (for "fast links only")
RETRIES = 8  # cuts in a row that a pull or push survives before the sync stops (as offline)


class LinkBudget:
    def __init__(self) -> None:
        self._lock = threading.Lock()  # (the next page is fetched on another thread)
        self.wire_bytes = FIRST_WIRE_BYTES
        self.ceiling = MAX_WIRE_BYTES
        self.ratio = 4.0  # JSON bytes a wire byte: a realistic page (column shape) compresses 3.9x
        self.since_cut = 0  # wire bytes that got through since the last cut
        self.cut_interval = 0  # wire bytes the link carried between its last two cuts (0: no cut yet)
        self.bandwidth: float | None = None  # wire bytes per second of the last exchange that showed it

    def wire_budget(self) -> int:
        """The wire bytes of the next exchange (a file piece, which does not compress)."""
        with self._lock:
            return int(min(self.wire_bytes, self.ceiling))

    def json_bytes(self) -> int:
        """The JSON bytes of the next page or push body."""
        with self._lock:
            return int(min(self.wire_bytes, self.ceiling) * self.ratio)

    def record(self, wire: int, json_size: int, seconds: float) -> None:
        """An exchange that got through: `wire` bytes of `json_size` JSON took `seconds` on the wire."""
        with self._lock:
            if wire > 0 and json_size > 0:
                self.ratio = max(1.0, json_size / wire)
            if wire >= BANDWIDTH_SAMPLE and seconds > 0:  # a few segments may come in at once
                self.bandwidth = wire / seconds
            if wire >= 4096 and seconds > 0:  # tiny answers say more about latency than bandwidth
                self.wire_bytes = int(
                    min(MAX_WIRE_BYTES, max(MIN_WIRE_BYTES, wire / seconds * TARGET_SECONDS))
                )
            self.since_cut += wire
            if self.cut_interval and self.since_cut > GROW_AFTER * self.cut_interval:
                # The link has carried several times what it used to between cuts: it got better.
                self.ceiling = min(MAX_WIRE_BYTES, self.ceiling * 2)
                self.cut_interval = self.since_cut

    def cut(self) -> None:
        """An exchange was cut off. A link that drops every so many bytes wastes the exchange in flight at
        each drop: pages of a tenth of what got through between drops waste at most a tenth (about a
        twentieth on average). Without such a measure (two drops in a row), half of what was tried."""
        with self._lock:
            tried = min(self.ceiling, self.wire_bytes)
            if self.since_cut > 0:
                self.cut_interval = self.since_cut
                self.ceiling = max(MIN_WIRE_BYTES, self.since_cut // CUT_SHARE)
            else:
                self.ceiling = max(MIN_WIRE_BYTES, tried // 2)
            self.since_cut = 0


def pause(attempt: int) -> None:
    """Before another try after a cut: a link that just dropped often needs a moment to come back."""
    time.sleep(min(4.0, 0.25 * 2**attempt))
