"""Local store at caseload scale: demo-data build time, unlock time, search and case-list paging latency,
peak memory. Prints figures (p50 and p95, on one warm connection like the app's background reader); never
asserts (targets: demo-data 100,000 cases <= 60 s, search p95 <= 20 ms, a page of 100 <= 20 ms,
RSS < 250 MB).

Search is timed as the case list runs it (queries.limited_case_ids: at most SEARCH_LIMIT newest matches,
the target) and, for the record, with every match (queries.case_ids, as export and the CLI ask for it).

    .venv/bin/python benchmarks/bench_store.py                      # builds 100,000 cases in a temp folder
    .venv/bin/python benchmarks/bench_store.py --profile DIR        # reuses DIR if it is a profile already
    .venv/bin/python benchmarks/bench_store.py --cases 20000

The build runs as `caseworker demo-data` in a child process so its time and peak memory are its own.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from caseworker.demo import DEMO_PASSWORD  # noqa: E402
from caseworker.store import queries  # noqa: E402
from caseworker.store.profile import is_profile, open_profile  # noqa: E402


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _stats(label: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[max(0, math.ceil(len(times) * 0.95) - 1)]  # nearest rank
    print(f"{label:<44} n={len(times):<4} p50 {_ms(statistics.median(times)):>9}  p95 {_ms(p95):>9}"
          f"  max {_ms(times[-1]):>9}")  # fmt: skip


def build(folder: Path, cases: int, seed: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CASEWORKER_PASSWORD", None)
    cmd = [sys.executable, "-m", "caseworker.cli", "--profile", str(folder), "demo-data", "--cases", str(cases),
           "--seed", str(seed)]  # fmt: skip
    wall = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter() - wall
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    size = sum(p.stat().st_size for p in folder.glob("caseworker.db*")) / 1e6
    print(f"demo-data --cases {cases}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS {after.ru_maxrss / 1024:.0f} MB,"
          f" database {size:.0f} MB")  # fmt: skip


def _sample(store, rng: random.Random, columns: str, n: int) -> list[dict]:
    """n case_index rows picked by `rng` (the same ones for the same seed and profile)."""
    rowids = [r[0] for r in store.conn.execute("SELECT rowid FROM case_index ORDER BY rowid")]
    chosen = rng.sample(rowids, min(n, len(rowids)))
    rows = {r["rowid"]: r for r in store.query(
        f"SELECT rowid, {columns} FROM case_index WHERE rowid IN ({','.join('?' * len(chosen))})", chosen)}  # fmt: skip
    return [rows[r] for r in chosen]


def realistic_queries(store, rng: random.Random, n: int = 200) -> list[str]:
    """Names and name prefixes as typed letter by letter, NIK prefixes, case numbers, words from notes."""
    people = _sample(store, rng, "name, nik", 60)
    numbers = [r["case_number"] for r in _sample(store, rng, "case_number", 20)]
    words = [
        "kunjungan",
        "posyandu",
        "kursi",
        "rapor",
        "pasung",
        "stunting",
        "Puskesmas",
        "PKH",
        "menjahit",
        "diare",
    ]
    out: list[str] = []
    for p in people[:20]:
        out.append(p["name"])
        first = p["name"].split()[0]
        out += [first[:i] for i in range(1, len(first) + 1)]  # typed letter by letter
        if len(p["name"].split()) > 1:
            out.append(f"{first} {p['name'].split()[1][:2]}")
    niks = [p["nik"] for p in people if p["nik"]]
    for nik in niks[:15]:
        out += [nik[:6], nik[:8], nik[:12], nik]
    for number in numbers:
        out += [number, number.replace("-", ""), number.split("-")[-1][:4]]
    out += words * 3
    out += [f"{p['name'].split()[0]} {rng.choice(words)}" for p in people[20:40]]
    rng.shuffle(out)
    return [q for q in out if re.search(r"\w", q)][:n]


def measure(folder: Path, seed: int) -> None:
    t = time.perf_counter()
    store = open_profile(folder, "supervisor", DEMO_PASSWORD)
    print(f"unlock (open_profile, argon2id + open):    {_ms(time.perf_counter() - t)}")
    try:
        total = store.conn.execute("SELECT count(*) FROM case_index").fetchone()[0]
        print(f"cases in the index: {total}")
        rng = random.Random(seed)
        searches = realistic_queries(store, rng)
        limited_times, ids_times, page_times, hits, capped = [], [], [], [], 0
        for q in searches:
            f = queries.CaseFilter(text=q, status=None)
            t = time.perf_counter()
            _, more = queries.limited_case_ids(store, f)
            limited_times.append(time.perf_counter() - t)
            capped += more
            t = time.perf_counter()
            found = queries.case_ids(store, f)
            ids_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            queries.case_page(store, f, offset=0, limit=100)
            page_times.append(time.perf_counter() - t)
            hits.append(len(found))
        _stats(f"search, case list (<= {queries.SEARCH_LIMIT} newest)", limited_times)
        _stats("search, every match: case_ids(text=...)", ids_times)
        _stats("search case_page(text=..., 100 rows)", page_times)
        print(f"{'':<44} hits per query: median {statistics.median(hits):.0f}, max {max(hits)};"
              f" {capped} of {len(searches)} searches matched more than {queries.SEARCH_LIMIT}")  # fmt: skip
        for label, times in (("case list", limited_times), ("every match", ids_times)):
            slow = sorted(zip(times, searches, strict=True), reverse=True)[:5]
            print(f"slowest searches ({label}): " + ", ".join(f"{q!r} {_ms(s)}" for s, q in slow))
        offsets = [0, 100, 1000, 5000, 10000, 20000, 30000, 40000, 50000, 60000, 70000, 80000, 90000]
        offsets = sorted({min(o, max(total - 100, 0)) for o in offsets} | {max(total - 100, 0)})
        for status in (None, "open"):
            f = queries.CaseFilter(status=status)
            for sort in ("name", "last_update"):
                for descending in (False, True):
                    times = []
                    for _ in range(3):
                        for offset in offsets:
                            t = time.perf_counter()
                            queries.case_page(
                                store, f, sort=sort, descending=descending, offset=offset, limit=100
                            )
                            times.append(time.perf_counter() - t)
                    label = (
                        f"page of 100 by {sort}{' desc' if descending else ''}, {status or 'all'} (offsets)"
                    )
                    _stats(label, times)
            for sort, column in (("name", "name_sort"), ("last_update", "last_update")):
                times, after = [], None
                for _ in range(200):  # the next page after the last row shown, 200 pages in a row
                    t = time.perf_counter()
                    page = queries.case_page(store, f, sort=sort, limit=100, after=after)
                    times.append(time.perf_counter() - t)
                    if not page:
                        break
                    after = (page[-1][column], page[-1]["case_id"])
                _stats(f"page of 100 by {sort}, {status or 'all'} (keyset, next)", times)
        t = time.perf_counter()
        every = queries.case_ids(store, queries.CaseFilter(status=None), sort="name")
        print(f"all {len(every)} case ids by name (lazy table model): {_ms(time.perf_counter() - t)}")
        t = time.perf_counter()
        queries.navigation_counts(store)
        print(f"navigation counts: {_ms(time.perf_counter() - t)}")
    finally:
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of unlock + searches + pages: {peak:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profile", help="profile folder to reuse or build in (default: a temp folder)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        folder = Path(args.profile) if args.profile else Path(tmp) / "demo"
        if is_profile(folder):
            print(f"reusing {folder}")
        else:
            build(folder, args.cases, args.seed)
        measure(folder, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
