"""A fresh profile's first pull against PouchDB replicating the same rows, on loopback (issue 22).

The worker ani registers --clients realistic clients (benchmarks.realistic: a person, a case and an
800-character note each) and syncs them to the real server process. Then, timed:

- ours: the supervisor sri enrols into a fresh profile (not timed) and runs her first sync (HTTP,
  compressed pages, SQLCipher writes): rows/s (= docs/s), wall seconds, laptop and server CPU, bytes received.
- PouchDB: the rows the server holds, as sri pulls them (GET /sync/pull), each a document {_id: row id,
  table, ...row}, are loaded (not timed) into an in-memory PouchDB served by express-pouchdb in a node
  process on loopback; a fresh on-disk PouchDB (leveldb) in another node process replicates from it
  (benchmarks/pouchdb/replicate.js, PouchDB's default batch size 100 unless --batch-size).

Target: our first pull >= 3x PouchDB's docs/s. Needs Node.js >= 20; `npm ci` runs in benchmarks/pouchdb
when its node_modules is missing. SQLite server by default; PostgreSQL with CASEWORKER_BENCH_DATABASE_URL.

    .venv/bin/python benchmarks/bench_pull_vs_pouchdb.py [--clients 5000] [--batch-size 100] [--repeat 3]

Each run is ours then PouchDB, alternated --repeat times (each a fresh profile, a fresh replica), and the
verdict is the median of the runs' ratios: the machine may be shared, so a burst of load hits one pair,
not the figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_server_common import (  # noqa: E402
    PASSWORD,
    SERVER_PIDS,
    database_url,
    login,
    process_cpu_seconds,
    running_server,
    setup,
)
from benchmarks.realistic import Clients  # noqa: E402
from caseworker.sync import protocol as p  # noqa: E402
from caseworker.sync.engine import sync  # noqa: E402
from caseworker.sync.enrol import enrol  # noqa: E402

POUCHDB = Path(__file__).resolve().parent / "pouchdb"
TARGET = 3.0


def register(base: str, tmp: Path, clients: int) -> None:
    store, transport = enrol(tmp / "ani", base, "ani", PASSWORD)
    Clients().add(store, clients)
    assert sync(store, transport).completed
    store.close()


def first_pull(base: str, folder: Path) -> dict:
    store, transport = enrol(folder, base, "sri", PASSWORD)
    server_cpu0 = process_cpu_seconds(SERVER_PIDS[base])
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = sync(store, transport)
    seconds, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    server_cpu = process_cpu_seconds(SERVER_PIDS[base]) - server_cpu0
    assert result.completed, result
    store.close()
    return {"docs": result.pulled, "seconds": seconds, "cpu_seconds": cpu, "server_cpu_seconds": server_cpu,
            "bytes_received": result.bytes_received, "bytes_sent": result.bytes_sent}  # fmt: skip


def write_docs(base: str, path: Path) -> int:
    """The rows sri's first pull gets, as PouchDB documents, one JSON line each; returns how many."""
    ids: set[str] = set()
    with httpx.Client(base_url=base, timeout=60) as http, path.open("w") as out:
        headers = login(http, "sri", "bench-pouchdb")
        since, more = 0, True
        while more:
            params = {"since": since, "limit": p.MAX_PULL_LIMIT, "protocol_version": p.PROTOCOL_VERSION}
            resp = http.get("/sync/pull", params=params, headers=headers)
            resp.raise_for_status()
            page = p.PullResponse.model_validate_json(resp.content)
            for change in page.changes:
                assert change.op == "upsert" and change.row is not None, change
                assert change.row_id not in ids and not any(k.startswith("_") for k in change.row)
                ids.add(change.row_id)
                out.write(json.dumps({"_id": change.row_id, "table": change.table, **change.row}) + "\n")
            since, more = page.cursor, page.has_more
    return len(ids)


def pouchdb(docs: Path, work: Path, batch_size: int) -> dict:
    if not (POUCHDB / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=POUCHDB, check=True)
    work.mkdir()
    out = subprocess.run(["node", str(POUCHDB / "replicate.js"), str(docs), str(work), str(batch_size)],
                         check=True, capture_output=True, text=True).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def show(name: str, f: dict) -> None:
    print(f"{name:10s} {f['docs']:7,} docs in {f['seconds']:5.1f} s = {f['docs'] / f['seconds']:7,.0f} docs/s; "
          f"CPU {f['cpu_seconds']:.2f} s replica + {f['server_cpu_seconds']:.2f} s server; "
          f"received {f['bytes_received'] / 1e6:.1f} MB, sent {f['bytes_sent'] / 1e6:.2f} MB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=100, help="PouchDB replication batch_size")
    parser.add_argument(
        "--repeat", type=int, default=3, help="alternated runs of each (a fresh replica each)"
    )
    args = parser.parse_args()
    ratios = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url = database_url(tmp)
        setup(url)
        with running_server(url) as base:
            register(base, tmp, args.clients)
            written = write_docs(base, tmp / "docs.jsonl")
            print(f"{args.clients:,} clients ({written:,} rows), loopback, PouchDB batch_size {args.batch_size}, "
                  f"{args.repeat} alternated runs")  # fmt: skip
            for run in range(args.repeat):
                # Ours and PouchDB back to back, so both meet the same load (the machine may be shared).
                ours = first_pull(base, tmp / f"sri-{run}")
                theirs = pouchdb(tmp / "docs.jsonl", tmp / f"pouchdb-{run}", args.batch_size)
                assert written == ours["docs"] == theirs["docs"] == theirs["docs_written"], (
                    written,
                    ours,
                    theirs,
                )
                ratio = (ours["docs"] / ours["seconds"]) / theirs["docs_per_s"]
                ratios.append(ratio)
                print(f"run {run + 1}: first pull / PouchDB = {ratio:.2f}x")
                show("  ours", ours)
                show("  PouchDB", theirs)
    print(f"  PouchDB requests: {theirs['requests']}")
    ratio = statistics.median(ratios)
    verdict = "met" if ratio >= TARGET else "NOT met"
    print(f"first pull / PouchDB = {ratio:.2f}x, median of {len(ratios)} (runs: "
          f"{', '.join(f'{r:.2f}' for r in ratios)}; target >= {TARGET:.0f}x: {verdict})")  # fmt: skip


if __name__ == "__main__":
    main()
