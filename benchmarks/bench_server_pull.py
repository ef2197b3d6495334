"""First-sync pull throughput: 120,000 rows from the real server process over loopback.

Target: >= 10,000 rows/s end to end (HTTP, JSON parse on the client included).
Run: .venv/bin/python benchmarks/bench_server_pull.py [--rows 120000] [--limit 5000]
(CASEWORKER_BENCH_DATABASE_URL=postgresql+psycopg://... to measure on a fresh PostgreSQL database.)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_server_common import database_url, login, running_server, seed, setup  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=120_000)
    parser.add_argument("--limit", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url(Path(tmp))
        db = setup(url)
        start = time.perf_counter()
        seed(db, args.rows)
        print(f"seeded {args.rows} rows in {time.perf_counter() - start:.1f} s ({url.split(':')[0]})")
        db.dispose()
        with running_server(url) as base, httpx.Client(base_url=base, timeout=120) as http:
            headers = login(http)
            received, cursor, pages = 0, 0, 0
            start = time.perf_counter()
            while True:
                page = http.get(
                    "/sync/pull", params={"since": cursor, "limit": args.limit}, headers=headers
                ).json()
                received += len(page["changes"])
                cursor, pages = page["cursor"], pages + 1
                if not page["has_more"]:
                    break
            elapsed = time.perf_counter() - start
            rate = received / elapsed
            verdict = "OK" if rate >= 10_000 else "BELOW TARGET"
            print(
                f"pulled {received} rows in {pages} pages of {args.limit}: {elapsed:.2f} s = {rate:,.0f} rows/s "
                f"(target >= 10,000) {verdict}"
            )
            start = time.perf_counter()
            empty = http.get("/sync/pull", params={"since": cursor}, headers=headers).json()
            print(
                f"pull with nothing new: {(time.perf_counter() - start) * 1000:.1f} ms ({len(empty['changes'])} rows)"
            )


if __name__ == "__main__":
    main()
