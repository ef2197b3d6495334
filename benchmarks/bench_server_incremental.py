"""Incremental sync against a big server: push 50 changes, then pull 50 changes, with a 1,000,000-entry changelog.

Target: each <= 0.5 s over loopback against the real server process. The device holds 2,000 cases (so the
removal bookkeeping is exercised), and most of the changelog belongs to another facility.
Run: .venv/bin/python benchmarks/bench_server_incremental.py [--entries 1000000]
(CASEWORKER_BENCH_DATABASE_URL=postgresql+psycopg://... to measure on a fresh PostgreSQL database.)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_server_common import database_url, login, running_server, seed, setup  # noqa: E402


def _mutations(case_ids: list[str], round_: int) -> list[dict]:
    out = []
    for i, case_id in enumerate(case_ids[:25]):
        out.append(
            {
                "mutation_id": str(uuid.uuid4()),
                "table": "cases",
                "row_id": case_id,
                "op": "update",
                "fields": {"risk": ["low", "high"][round_ % 2], "updated_at": "2026-10-18T08:00:00Z"},
                "base": {"risk": ["high", "low"][round_ % 2] if round_ else "medium"},
                "base_version": 1 + round_,
                "created_by": "ani",
            }
        )
        out.append(
            {
                "mutation_id": str(uuid.uuid4()),
                "table": "notes",
                "row_id": str(uuid.uuid4()),
                "op": "insert",
                "fields": {
                    "case_id": case_id,
                    "kind": "call",
                    "text": f"Telepon ke-{round_}-{i}",
                    "created_by": "ani",
                },
                "created_by": "ani",
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url(Path(tmp))
        db = setup(url)
        start = time.perf_counter()
        own = 24_000  # 2,000 cases of SDA with persons and 10 notes each
        next_seq = seed(db, args.entries - own, facility="MLG")
        seed(db, own, facility="SDA", start_seq=next_seq)
        print(
            f"seeded {args.entries:,} changelog entries in {time.perf_counter() - start:.1f} s ({url.split(':')[0]})"
        )
        db.dispose()
        with running_server(url) as base, httpx.Client(base_url=base, timeout=300) as http:
            headers = login(http)
            cursor = 0
            start = time.perf_counter()
            while True:  # the first sync of the device (2,000 cases held afterwards)
                page = http.get("/sync/pull", params={"since": cursor, "limit": 5000}, headers=headers).json()
                cursor = page["cursor"]
                if not page["has_more"]:
                    break
            print(f"first sync of the device's 24,000 rows: {time.perf_counter() - start:.2f} s")
            case_ids = [c["row_id"] for c in page["changes"] if c["table"] == "cases"] or []
            if len(case_ids) < 25:
                full = http.get("/sync/pull", params={"since": 0, "limit": 5000}, headers=headers).json()
                case_ids = [c["row_id"] for c in full["changes"] if c["table"] == "cases"]
            pushes, pulls = [], []
            other = login(http, "sri", "bench-supervisor")
            for round_ in range(args.rounds):
                body = {
                    "device_id": "bench-supervisor",
                    "protocol_version": 1,
                    "schema_version": 1,
                    "mutations": [dict(m, created_by="sri") for m in _mutations(case_ids, round_)],
                }
                start = time.perf_counter()
                resp = http.post("/sync/push", json=body, headers=other)
                pushes.append(time.perf_counter() - start)
                statuses = {r["status"] for r in resp.json()["results"]}
                start = time.perf_counter()
                page = http.get("/sync/pull", params={"since": cursor, "limit": 1000}, headers=headers).json()
                pulls.append(time.perf_counter() - start)
                cursor = page["cursor"]
                print(
                    f"round {round_ + 1}: push 50 -> {sorted(statuses)} {pushes[-1] * 1000:.0f} ms; "
                    f"pull {len(page['changes'])} changes {pulls[-1] * 1000:.0f} ms"
                )
            for name, values in (("push of 50", pushes), ("pull of 50", pulls)):
                worst = max(values)
                verdict = "OK" if worst <= 0.5 else "ABOVE TARGET"
                print(
                    f"{name}: median {statistics.median(values) * 1000:.0f} ms, worst {worst * 1000:.0f} ms "
                    f"(target <= 500 ms) {verdict}"
                )


if __name__ == "__main__":
    main()
