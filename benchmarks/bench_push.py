"""Push of a unit's newly registered clients: laptop CPU for the whole outbox and per 1,000 mutations.

Each client is a person, a case and an 800-character note (benchmarks.realistic), written as a worker
registers them; then one sync pushes them all to the real server process on loopback. Targets (issue 22):
5,000 clients <= 5 s of the laptop's CPU, 20,000 <= 20 s, linear in the outbox (the per-1,000 figures flat).

    .venv/bin/python benchmarks/bench_push.py [--clients 5000 20000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_server_common import PASSWORD, database_url, running_server, setup  # noqa: E402
from benchmarks.realistic import Clients  # noqa: E402
from caseworker.store import syncstate  # noqa: E402
from caseworker.sync.engine import sync  # noqa: E402
from caseworker.sync.enrol import enrol  # noqa: E402


def push(url: str, folder: Path, clients: int) -> None:
    store, transport = enrol(folder, url, "ani", PASSWORD)
    start = time.perf_counter()
    Clients().add(store, clients)
    pending = syncstate.pending_count(store)
    print(f"{clients:,} clients registered ({pending:,} mutations) in {time.perf_counter() - start:.0f} s")
    marks: list[tuple[int, float]] = []

    def progress(phase: str, done: int, _total: int | None) -> None:
        if phase == "push":
            marks.append((done, time.process_time()))

    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = sync(store, transport, progress=progress)
    cpu_all, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    assert result.completed and result.pushed == pending, result
    push_cpu = marks[-1][1] - cpu0
    per_1000 = []
    last_done, last_cpu = 0, cpu0
    for done, cpu in marks:
        if done - last_done >= 1000 or done == marks[-1][0]:
            per_1000.append((cpu - last_cpu) * 1000 / max(1, done - last_done))
            last_done, last_cpu = done, cpu
    firsts, lasts = per_1000[:3], per_1000[-3:]
    print(
        f"push of {pending:,} mutations: {push_cpu:.1f} s laptop CPU (target <= {clients / 1000:.0f} s), "
        f"sync {wall:.1f} s wall, {cpu_all:.1f} s CPU with the pull\n"
        f"  CPU per 1,000 mutations: first {', '.join(f'{c:.2f}' for c in firsts)} s, "
        f"last {', '.join(f'{c:.2f}' for c in lasts)} s (flat = linear)"
    )
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, nargs="+", default=[5000, 20000])
    args = parser.parse_args()
    for clients in args.clients:
        with tempfile.TemporaryDirectory() as tmp:
            url = database_url(Path(tmp))
            setup(url)
            with running_server(url) as base:
                push(base, Path(tmp) / "ani", clients)


if __name__ == "__main__":
    main()
