"""Supervisor screens on a large profile: prints measured figures against the targets.

- dashboard open (DashboardView.refresh until its figures are on screen; target <= 1 s),
- review queue open (ReviewQueueView.refresh until its rows are on screen; target <= 200 ms),
- and, for the record, the core calls underneath (dashboard(), review_queue()) and drilldown clicks, on a
  warm connection and on a fresh one (what a view without the shared reader gets: an empty page cache).

Each figure is p50 and p95 (nearest rank) over --runs runs after one warm-up, and the best run.
The profile is the demo profile (caseworker.demo), built on first use and reused afterwards:
    .venv/bin/python benchmarks/bench_supervisor.py [--cases 100000] [--profile DIR] [--runs 20]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from caseworker.dashboard import dashboard  # noqa: E402
from caseworker.demo import DEMO_PASSWORD, fill_demo_profile  # noqa: E402
from caseworker.store import reviews  # noqa: E402
from caseworker.store.profile import is_profile, open_profile  # noqa: E402


def timed(fn: Callable[[], object], runs: int, setup: Callable[[], object] | None = None) -> list[float]:
    """Wall times in ms of `runs` runs after one warm-up (`setup` runs untimed before each)."""
    if setup:
        setup()
    fn()
    samples = []
    for _ in range(runs):
        if setup:
            setup()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def until(signal_owner, start: Callable[[], None], app) -> None:  # noqa: ANN001
    """Run `start` and spin the event loop until the widget's `loaded` signal fired."""
    done = []
    signal_owner.loaded.connect(lambda: done.append(1))
    start()
    while not done:
        app.processEvents()
        time.sleep(0.001)
    signal_owner.loaded.disconnect()


def report(name: str, samples: list[float], target: float | None = None) -> None:
    ordered = sorted(samples)
    p50, p95 = statistics.median(ordered), ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]
    verdict = "" if target is None else ("  OK" if p95 <= target else "  MISSED")
    aim = "" if target is None else f"  (target <= {target:.0f} ms)"
    print(
        f"{name:<46} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  best {ordered[0]:8.1f} ms{aim}{verdict}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--profile", type=Path, default=Path(tempfile.gettempdir()) / "caseworker-bench-supervisor"
    )
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    if not is_profile(args.profile):
        print(f"building a {args.cases:,}-case demo profile in {args.profile} …", flush=True)
        result = fill_demo_profile(args.profile, args.cases)
        print(f"  built in {result.seconds:.0f} s", flush=True)
    store = open_profile(args.profile, "supervisor", DEMO_PASSWORD)
    total = store.conn.execute("SELECT count(*) FROM cases WHERE deleted = 0").fetchone()[0]
    waiting = store.conn.execute(
        "SELECT count(*) FROM reviews WHERE status = 'submitted' AND deleted = 0"
    ).fetchone()[0]
    print(f"profile: {total:,} cases, {waiting:,} submissions waiting for review")

    from PySide6.QtWidgets import QApplication

    from ui import qtfix, style
    from ui.supervisor import DashboardView, ReviewQueueView
    from ui.supervisor.dashboard_data import STUNTING, Drill, case_ids, facility_view

    qtfix.apply()  # as the app does: PySide6 6.12 reference-count bugs would abort a long run
    app = QApplication.instance() or QApplication([])
    style.apply(app)

    reader = store.reader()
    report("core: dashboard()", timed(lambda: dashboard(reader), args.runs))
    report("core: facility_view() (the dashboard's data)", timed(lambda: facility_view(reader), args.runs))
    report("core: review_queue()", timed(lambda: reviews.review_queue(reader), args.runs))
    for drill in (Drill("open"), Drill("overdue"), Drill("no_contact_30"), Drill("growth", None, STUNTING),
                  Drill("review"), Drill("stage", None, ("intervensi",))):  # fmt: skip
        name = f"core: drilldown {drill.metric}{' ' + ','.join(drill.keys) if drill.keys else ''}"
        report(name, timed(lambda d=drill: case_ids(reader, d), max(5, args.runs // 4)))
    reader.conn.close()

    fresh: list = []

    def new_reader() -> None:
        while fresh:
            fresh.pop().conn.close()
        fresh.append(store.reader())

    report(
        "core: facility_view(), fresh connection",
        timed(lambda: facility_view(fresh[-1]), args.runs, new_reader),
    )
    report("core: review_queue(), fresh connection",
           timed(lambda: reviews.review_queue(fresh[-1]), args.runs, new_reader))  # fmt: skip
    new_reader()
    fresh.pop().conn.close()

    dash = DashboardView(store)
    dash.resize(1366, 900)
    dash.show()
    report(
        "UI: dashboard open (refresh -> on screen)",
        timed(lambda: until(dash, dash.refresh, app), args.runs),
        1000,
    )
    queue = ReviewQueueView(store)
    queue.resize(1200, 700)
    queue.show()
    report("UI: review queue open (refresh -> on screen)", timed(lambda: until(queue, queue.refresh, app), args.runs),
           200)  # fmt: skip
    print(f"review queue rows shown: {queue.model.rowCount():,}")

    from ui.tasks import DbReader

    shared = DbReader(store)  # the main window's reader: one connection whose page cache stays warm
    dash2 = DashboardView(store, reader=shared)
    dash2.resize(1366, 900)
    dash2.show()
    report(
        "UI: dashboard open, shared DbReader",
        timed(lambda: until(dash2, dash2.refresh, app), args.runs),
        1000,
    )
    queue2 = ReviewQueueView(store, reader=shared)
    queue2.resize(1200, 700)
    queue2.show()
    report("UI: review queue open, shared DbReader", timed(lambda: until(queue2, queue2.refresh, app), args.runs),
           200)  # fmt: skip
    shared.close()
    for view in (dash, queue, dash2, queue2):
        view.close()
        view.deleteLater()
    app.processEvents()
    store.close()


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown, where the QtCharts bug above would crash at exit
