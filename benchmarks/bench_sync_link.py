"""Sync over slow, lossy links (issue 22): the real server process behind benchmarks/link_relay.py.

The server holds --clients clients (a person, a case and an 800-character note each, benchmarks.realistic)
that the worker ani registered and pushed on loopback. Then, through the relay:

- 1mbit: the supervisor sri's first sync into a fresh profile at 1 Mbit/s each way, 300 ms RTT.
  Targets: <= 30 s and <= 700 bytes per client on the wire (both directions).
- edge: the same at 256 kbit/s, 600 ms RTT (EDGE). Target: <= 2 min.
- cut: the 1mbit first sync with the link cut every 200,000 bytes; sync() is run again after each SyncError,
  as a user presses Sync again. Targets: it completes, re-sending <= 10 % of the bytes of an uncut run.
- day: a day's work at EDGE: ani pushes 50 new notes and pulls 50 case changes sri made on loopback.
  Targets: <= 10 s, <= 3 HTTP requests.
- files: ani adds 10 notes and a 1.5 MB scan at EDGE: the text completes first, the scan follows; sri, whose
  profile wants files on fast links only, receives the text and the scan waits.

Figures count from after the login (enrolment), payload bytes as the relay forwards them (TCP/IP headers,
slow start and packet loss are not modelled; see link_relay). SQLite server by default; PostgreSQL with
CASEWORKER_BENCH_DATABASE_URL (a fresh database).

    .venv/bin/python benchmarks/bench_sync_link.py [--clients 5000] [--links 1mbit edge cut day files] [--quick]
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_server_common import PASSWORD, database_url, running_server, setup  # noqa: E402
from benchmarks.link_relay import Relay  # noqa: E402
from benchmarks.realistic import Clients, note  # noqa: E402
from caseworker.store import attachments, cases, syncstate  # noqa: E402
from caseworker.store.store import Store  # noqa: E402
from caseworker.sync import files  # noqa: E402
from caseworker.sync.engine import sync, sync_files  # noqa: E402
from caseworker.sync.enrol import enrol  # noqa: E402
from caseworker.sync.transport import HttpTransport, SyncError  # noqa: E402

MBIT = ("1 Mbit/s, 300 ms RTT", 1_000_000, 0.3)
EDGE = ("256 kbit/s, 600 ms RTT (EDGE)", 256_000, 0.6)
CUT_EVERY = 200_000
DAY_CHANGES = 50
STUCK_ATTEMPTS = 3  # cut link: give up after this many syncs in a row that applied nothing


@dataclass
class Figures:
    """One measured sync (or, on the cut link, all the attempts it took)."""

    seconds: float = 0.0
    up: int = 0
    down: int = 0
    requests: list[str] = field(default_factory=list)
    largest_answer: int = 0  # Content-Length of the largest answer (what one request must get through)
    connections: int = 0
    cuts: int = 0
    late_max: float = 0.0
    attempts: str = ""  # how many syncs it took, and their errors
    cases: int = 0  # in the profile afterwards
    bodies: int = 0  # bytes of the request and answer bodies of exchanges that completed (the transport's)
    headers: int = 0  # bytes of every request's and answer's head (HTTP/1.1 request or status line, headers)

    @property
    def wasted(self) -> int:
        """Bytes on the link that belonged to exchanges cut off: what a cut link sends again."""
        return max(0, self.total - self.bodies - self.headers)

    @property
    def total(self) -> int:
        return self.up + self.down

    def wire(self) -> str:
        return f"sent {self.up:,} B, received {self.down:,} B"

    def calls(self) -> str:
        counts = collections.Counter(self.requests)
        listed = ", ".join(f"{call} x{n}" for call, n in counts.items())
        return (
            f"requests: {len(self.requests)} ({listed}), new connections: {self.connections}, largest answer "
            f"{self.largest_answer:,} B, relay late by <= {self.late_max * 1000:.0f} ms"
        )


class Targets:
    """Each figure against its target, printed as it is measured and summed up at the end."""

    def __init__(self) -> None:
        self.verdicts: list[tuple[str, bool]] = []

    def check(self, name: str, value: float, limit: float, shown: str, unit: str = "") -> str:
        met = value <= limit
        self.verdicts.append((name, met))
        return f"{shown} (target <= {limit:g}{unit}: {'met' if met else 'NOT MET'})"

    def fail(self, name: str) -> None:
        self.verdicts.append((name, False))

    def summary(self) -> str:
        lines = [f"  {'met    ' if met else 'NOT MET'}  {name}" for name, met in self.verdicts]
        met = sum(m for _, m in self.verdicts)
        return f"targets met: {met} of {len(self.verdicts)}\n" + "\n".join(lines)


@contextlib.contextmanager
def measured(relay: Relay, transport: HttpTransport) -> Iterator[Figures]:
    """The relay's counters and the transport's requests while the block runs."""
    figures = Figures()

    def head(line: str, headers: httpx.Headers) -> int:
        return len(line) + 2 + sum(len(k) + len(v) + 4 for k, v in headers.raw) + 2

    def on_request(request: httpx.Request) -> None:
        figures.requests.append(f"{request.method} {request.url.path}")
        figures.headers += head(f"{request.method} {request.url.raw_path.decode()} HTTP/1.1", request.headers)

    def on_response(response: httpx.Response) -> None:
        size = int(response.headers.get("content-length") or 0)
        figures.largest_answer = max(figures.largest_answer, size)
        figures.headers += head(f"HTTP/1.1 {response.status_code} {response.reason_phrase}", response.headers)

    hooks = transport.client.event_hooks
    hooks["request"].append(on_request)
    hooks["response"].append(on_response)
    relay.reset_counters()
    sent, received = transport.bytes_sent, transport.bytes_received
    start = time.perf_counter()
    try:
        yield figures
    finally:
        figures.seconds = time.perf_counter() - start
        figures.up, figures.down = relay.up_bytes, relay.down_bytes
        figures.bodies = transport.bytes_sent - sent + transport.bytes_received - received
        figures.connections, figures.cuts, figures.late_max = relay.connections, relay.cuts, relay.late_max
        hooks["request"].remove(on_request)
        hooks["response"].remove(on_response)


class Incomplete(Exception):
    """A sync on the cut link that stopped making progress."""

    def __init__(self, figures: Figures, cursor: int) -> None:
        super().__init__(figures.attempts)
        self.figures, self.cursor = figures, cursor


def case_count(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM cases").fetchone()[0])


def first_sync(server: str, folder: Path, link: tuple[str, int, float], cut: int | None = None) -> Figures:
    """sri enrols through the relay into a fresh profile; her first sync is measured (retried on a cut
    link until it completes or stops making progress). Raises Incomplete when it stopped making progress."""
    _name, bps, rtt = link
    host = urlsplit(server)
    with Relay(host.hostname or "127.0.0.1", host.port or 80, bps, rtt, cut_every_bytes=cut) as relay:
        store, transport = enrol(folder, relay.url, "sri", PASSWORD)
        assert isinstance(transport, HttpTransport)
        syncstate.ensure_tables(store)
        errors: collections.Counter[str] = collections.Counter()
        attempts = stuck = 0
        try:
            with measured(relay, transport) as figures:
                while True:
                    attempts += 1
                    before = syncstate.cursor(store)
                    try:
                        result = sync(store, transport)
                    except SyncError as exc:
                        errors[exc.text("en")] += 1
                        stuck = stuck + 1 if syncstate.cursor(store) == before else 0
                        if stuck >= STUCK_ATTEMPTS:
                            break
                        continue
                    if not result.completed:
                        raise RuntimeError(f"sync did not complete: {result.errors}")
                    break
            figures.attempts = f"{attempts} sync(s)"
            if errors:
                figures.attempts += ": " + "; ".join(f"{n} x {text}" for text, n in errors.items())
            figures.cases = case_count(store)
            if stuck >= STUCK_ATTEMPTS:
                raise Incomplete(figures, syncstate.cursor(store))
        finally:
            store.close()
            transport.close()
    return figures


def report_first(targets: Targets, link: tuple[str, int, float], figures: Figures, clients: int,
                 time_limit: float, per_client_limit: float | None) -> None:  # fmt: skip
    name = link[0]
    per_client = figures.total / clients
    seconds = f"{figures.seconds:.1f} s"
    line = targets.check(f"first sync {name}: time", figures.seconds, time_limit, seconds, " s")
    shown = f"{per_client:,.0f} B per client"
    if per_client_limit is not None:
        shown = targets.check(
            f"first sync {name}: bytes per client", per_client, per_client_limit, shown, " B"
        )
    print(f"First sync of {clients:,} clients by the supervisor, {name}:")
    print(f"  {line}; {figures.wire()}, {shown}")
    print(f"  {figures.calls()}; {figures.attempts}")
    if figures.cases != clients:
        print(f"  WARNING: the profile holds {figures.cases:,} cases, not {clients:,}")


def day_of_work(server: str, tmp: Path, ani: tuple[Store, HttpTransport], case_ids: list[str],
                targets: Targets) -> None:  # fmt: skip
    """sri changes 50 of ani's cases on loopback; ani writes 50 notes, then syncs through the EDGE relay."""
    name, bps, rtt = EDGE
    store, transport = ani
    sri, sri_transport = enrol(tmp / "sri-day", server, "sri", PASSWORD)
    sync(sri, sri_transport)
    for case_id in case_ids[DAY_CHANGES : 2 * DAY_CHANGES]:
        current = sri.conn.execute("SELECT risk FROM cases WHERE id = ?", [case_id]).fetchone()[0]
        cases.update_case(sri, case_id, {"risk": "high" if current != "high" else "low"})
    sri_result = sync(sri, sri_transport)
    assert sri_result.completed and sri_result.pushed == DAY_CHANGES, sri_result
    sri.close()
    sri_transport.close()
    rng = random.Random(11)
    for case_id in case_ids[:DAY_CHANGES]:
        cases.add_note(store, case_id, note(rng, "Anak", "Ibu", "Sidoarjo"))
    pending = syncstate.pending_count(store)
    host = urlsplit(server)
    with Relay(host.hostname or "127.0.0.1", host.port or 80, bps, rtt) as relay:
        transport.client.base_url = relay.url  # ani's session goes on; a new connection through the link
        try:
            with measured(relay, transport) as figures:
                result = sync(store, transport)
        finally:
            transport.client.base_url = server
    assert result.completed, result
    print(f"A day's work at {name}: {result.pushed} pushed ({pending} pending), {result.pulled} pulled:")
    line = targets.check(f"day's work {name}: time", figures.seconds, 10, f"{figures.seconds:.1f} s", " s")
    calls = targets.check(
        f"day's work {name}: requests", len(figures.requests), 3, str(len(figures.requests))
    )
    print(f"  {line}; {figures.wire()}; requests: {calls}")
    print(f"  {figures.calls()}")


def files_after_text(server: str, ani: tuple[Store, HttpTransport], case_ids: list[str], tmp: Path) -> None:
    """ani writes notes and attaches a 1.5 MB scan (random bytes: a photo does not compress), then syncs
    at EDGE: the text completes first (sync files="later", as the app does), the file follows (sync_files).
    Then sri, whose profile wants files on fast links only, syncs the same at EDGE: the file waits."""
    name, bps, rtt = EDGE
    store, transport = ani
    rng = random.Random(12)
    for case_id in case_ids[2 * DAY_CHANGES : 2 * DAY_CHANGES + 10]:
        cases.add_note(store, case_id, note(rng, "Anak", "Ibu", "Sidoarjo"))
    scan = tmp / "kartu-keluarga.jpg"
    scan.write_bytes(os.urandom(1_500_000))
    attachments.add_attachment(store, case_ids[2 * DAY_CHANGES], scan)
    sri, sri_transport = enrol(tmp / "sri-files", server, "sri", PASSWORD)
    sync(sri, sri_transport)  # up to date on loopback before the day
    files.set_fast_links_only(sri, True)
    host = urlsplit(server)
    with Relay(host.hostname or "127.0.0.1", host.port or 80, bps, rtt) as relay:
        transport.client.base_url = relay.url
        try:
            started = time.perf_counter()
            text = sync(store, transport, files="later")
            text_seconds = time.perf_counter() - started
            moved = sync_files(store, transport)
            file_seconds = time.perf_counter() - started - text_seconds
        finally:
            transport.client.base_url = server
        sri_transport.client.base_url = relay.url
        try:
            started = time.perf_counter()
            waited = sync(sri, sri_transport)
            sri_seconds = time.perf_counter() - started
        finally:
            sri_transport.client.base_url = server
    assert text.completed and moved.files_uploaded == 1 and moved.files_waiting == 0, (text, moved)
    assert waited.completed and waited.files_skipped and waited.files_waiting == 1, waited
    print(f"Text first, then files, at {name} (10 notes and a 1.5 MB scan):")
    print(f"  text synced in {text_seconds:.1f} s ({text.pushed} pushed, the scan's row waiting: "
          f"{text.files_waiting} file); the scan followed in {file_seconds:.1f} s and its row with it")  # fmt: skip
    print(f"  sri, files on fast links only: text in {sri_seconds:.1f} s, the scan waits "
          f"({waited.files_waiting} file, {waited.files_waiting_bytes / 1e6:.1f} MB not spent on the link)")  # fmt: skip
    sri.close()
    sri_transport.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument(
        "--links",
        nargs="+",
        choices=("1mbit", "edge", "cut", "day", "files"),
        default=["1mbit", "edge", "cut", "day", "files"],
    )
    parser.add_argument("--quick", action="store_true", help="500 clients: a try in about a minute")
    args = parser.parse_args()
    clients = 500 if args.quick else args.clients
    targets = Targets()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url = database_url(tmp)
        setup(url)
        with running_server(url) as server:
            print(f"server: {url.split(':', 1)[0]}, {clients:,} clients")
            store, transport = enrol(tmp / "ani", server, "ani", PASSWORD)
            assert isinstance(transport, HttpTransport)
            start = time.perf_counter()
            case_ids = Clients().add(store, clients)
            pushed = sync(store, transport)
            assert pushed.completed, pushed
            print(f"ani registered and pushed them on loopback in {time.perf_counter() - start:.0f} s\n")
            uncut: Figures | None = None
            if "1mbit" in args.links:
                uncut = first_sync(server, tmp / "sri-1mbit", MBIT)
                report_first(targets, MBIT, uncut, clients, 30, 700)
            if "edge" in args.links:
                report_first(targets, EDGE, first_sync(server, tmp / "sri-edge", EDGE), clients, 120, None)
            if "cut" in args.links:
                if uncut is None:
                    uncut = first_sync(server, tmp / "sri-uncut", MBIT)
                    print(f"Uncut first sync at {MBIT[0]} (for comparison): {uncut.wire()}")
                cut_link(server, tmp, uncut, targets)
            if "day" in args.links:
                day_of_work(server, tmp, (store, transport), case_ids, targets)
            if "files" in args.links:
                files_after_text(server, (store, transport), case_ids, tmp)
            store.close()
            transport.close()
    print()
    print(targets.summary())


def cut_link(server: str, tmp: Path, uncut: Figures, targets: Targets) -> None:
    title = f"First sync at {MBIT[0]}, the link cut every {CUT_EVERY:,} bytes:"
    try:
        figures = first_sync(server, tmp / "sri-cut", MBIT, cut=CUT_EVERY)
    except Incomplete as stopped:
        targets.fail("cut link: the sync completes")
        targets.fail("cut link: bytes re-sent")
        figures = stopped.figures
        print(title)
        print(
            f"  NOT COMPLETED: {STUCK_ATTEMPTS} syncs in a row applied nothing (pull cursor {stopped.cursor:,}) "
            f"after {figures.seconds:.1f} s, {figures.cuts} cuts; {figures.wire()}"
        )
        print(f"  {figures.calls()}; {figures.attempts}; {figures.cases:,} cases in the profile")
        return
    targets.verdicts.append(("cut link: the sync completes", True))
    # Re-sent: the bytes of exchanges cut off (sent again in smaller ones). Besides, smaller pages
    # compress less well: the whole cost against the uncut run is printed too.
    resent = figures.wasted / figures.total * 100
    shown = targets.check("cut link: bytes re-sent", resent, 10, f"re-sent {resent:.1f} %", " %")
    extra = (figures.total - uncut.total) / uncut.total * 100
    print(title)
    print(
        f"  completed in {figures.seconds:.1f} s, {figures.cuts} cuts; {figures.wire()}; {figures.wasted:,} B "
        f"in exchanges cut off: {shown}; all in all {figures.total:,} B against {uncut.total:,} B uncut "
        f"(+{extra:.1f} %: the cut-off exchanges and the smaller pages' lesser compression)"
    )
    print(f"  {figures.calls()}; {figures.attempts}")


if __name__ == "__main__":
    main()
