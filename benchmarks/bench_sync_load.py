"""100 devices syncing at once against one real `caseworker-server` process over loopback.

Each device is a real encrypted profile enrolled through the server (cheap argon2 parameters for key slots and
passwords, as the tests use: the figure is about syncing, not key derivation), holds the facility's cases after
a first sync, and then has a few pending edits (a new person, their case and notes).
Then every device syncs at the same moment (push, pull, facility directory). Printed: latency p50/p95/max of
the whole sync, errors, and a check that every pushed mutation is on the server exactly once (its result and
its row) and that no device kept a pending edit. Target: p95 <= 1 s, no errors, nothing lost.

The devices run as threads in --procs client processes (2 by default: the machine has 2 cores, shared
with the server process).

    python benchmarks/bench_sync_load.py [--devices 100] [--cases 200] [--edits 6] [--scope facility]
                                         [--server-workers N] [--thin]

--thin times only each device's requests, prepared beforehand (the push body, the pull from its cursor, the
directory check when the pull says the list changed): a model of laptops that do their local work on their
own CPU, which one 2-core machine running the server and all 100 clients cannot otherwise show. With a
PostgreSQL URL, its CPU for the burst is printed too (it shares the same cores).
    CASEWORKER_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench  (a fresh database)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing as mp
import statistics
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import select  # noqa: E402

from benchmarks.bench_server_common import (  # noqa: E402
    PASSWORD,
    SERVER_PIDS,
    database_url,
    postgres_cpu_seconds,
    process_cpu_seconds,
    running_server,
)
from benchmarks.bench_sync import seed_cases  # noqa: E402
from caseworker.server import admin, auth  # noqa: E402
from caseworker.server.db import Database, applied_mutations, changelog  # noqa: E402

CHEAP = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def _cheap_client_crypto() -> None:
    import keyring
    from keyring.backends import fail

    from caseworker.security import keyslots

    keyslots.TIME_COST, keyslots.MEMORY_KIB, keyslots.PARALLELISM = 1, 1024, 1
    keyring.set_keyring(fail.Keyring())  # never the real keyring: tokens stay in memory


def _thin_requests(store: Any, transport: Any) -> Callable[[], None]:
    """The HTTP side of this device's next sync (its push, its pull from its cursor, the directory check),
    prepared now, so that at the start only the requests and the server's work are timed: a model of 100
    laptops that each do their own local work on their own CPU."""
    import httpx

    from caseworker.store import syncstate
    from caseworker.store.schema import DATA_VERSION
    from caseworker.sync import protocol as p
    from caseworker.sync.directory import DIRECTORY_TAG_KEY
    from caseworker.sync.engine import _Run

    batch = syncstate.outbox_batch(store, p.MAX_PUSH_BATCH, syncstate.outbox_max_seq(store))
    mutations = _Run(store, transport, None, None, time.time, 5000).mutations(batch)
    body = p.PushRequest(device_id=store.device_id, protocol_version=p.PROTOCOL_VERSION,
                         schema_version=DATA_VERSION, mutations=mutations).model_dump_json().encode()  # fmt: skip
    cursor, tag = syncstate.cursor(store), store.meta(DIRECTORY_TAG_KEY, "") or ""
    auth = {"Authorization": f"Bearer {transport.tokens.load().access_token}"}
    client = httpx.Client(base_url=str(transport.client.base_url), timeout=120)

    def run() -> None:
        client.post(
            "/sync/push", content=body, headers={**auth, "Content-Type": "application/json"}
        ).raise_for_status()
        since = cursor
        while True:
            params = {"since": since, "limit": 5000, "protocol_version": p.PROTOCOL_VERSION,
                      "schema_version": DATA_VERSION}  # fmt: skip
            page = client.get("/sync/pull", params=params, headers=auth)
            page.raise_for_status()
            # Only the page's flags (after the changes): parsing the rows is the laptop's own work.
            flags = page.content[page.content.rfind(b'],"cursor":') + 2 :]
            answer = json.loads(b"{" + flags)
            if not answer["has_more"]:
                break
            since = answer["cursor"]
        if answer.get("directory_etag") != tag:  # as the client does: ask only for a changed list
            users = client.get("/facility/users", headers={**auth, "If-None-Match": tag})
            if users.status_code not in (200, 304):
                users.raise_for_status()

    return run


def _device(
    base: str, folder: Path, username: str, edits: int, ready: Any, go: Any, thin: bool = False
) -> dict[str, Any]:
    """Set up one device, wait for the start, sync once; returns what happened."""
    from caseworker.store import cases
    from caseworker.sync.engine import sync
    from caseworker.sync.enrol import enrol

    out: dict[str, Any] = {"user": username, "error": None, "latency": None, "mutations": []}
    store = None
    try:
        store, transport = enrol(folder, base, username, PASSWORD)
        sync(store, transport)  # the first sync: the device holds the facility's cases
        person = cases.register_person(
            store, {"name": f"Anak {username}", "sex": "L", "birth_date": "2025-02-01"}
        )
        case_id = cases.open_case(store, person.id, "01")
        for i in range(max(0, edits - 3)):
            cases.add_note(store, case_id, f"Kunjungan {i} oleh {username}")
        out["mutations"] = store.query("SELECT mutation_id, table_name, row_id, op FROM outbox ORDER BY seq")
        thin_run = _thin_requests(store, transport) if thin else None
    except Exception:
        out["error"] = "setup: " + traceback.format_exc(limit=3)
    ready.wait()
    go.wait()
    if out["error"] is None and store is not None:
        start, cpu = time.perf_counter(), time.thread_time()
        try:
            if thin_run is not None:
                thin_run()
                out["latency"] = time.perf_counter() - start
                out["cpu"] = time.thread_time() - cpu
                out["pending_after"] = 0  # the thin run leaves the local outbox as it was (nothing applied)
                store.close()
                return out
            result = sync(store, transport)
            out["latency"] = time.perf_counter() - start
            out["cpu"] = time.thread_time() - cpu
            if not result.completed or result.errors:
                out["error"] = f"not completed: {result.errors}"
            out["pending_after"] = store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
        except Exception as exc:
            out["latency"] = time.perf_counter() - start
            out["error"] = f"{type(exc).__name__}: {exc}"
    if store is not None:
        store.close()
    return out


def _client_process(
    base: str, folder: str, users: list[str], edits: int, barrier: Any, results: Any, thin: bool = False
) -> None:
    _cheap_client_crypto()
    ready = threading.Barrier(len(users) + 1)
    go = threading.Event()
    found: list[dict[str, Any]] = []

    def run(user: str) -> None:
        found.append(_device(base, Path(folder) / user, user, edits, ready, go, thin))

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    ready.wait()  # every device of this process is set up
    barrier.wait()  # ... and of every other process
    go.set()
    for t in threads:
        t.join()
    results.put(found)


def _verify(db: Database, outcomes: list[dict[str, Any]]) -> tuple[int, int, int]:
    """(mutations pushed, missing on the server, devices with edits still pending)."""
    # A device whose sync failed keeps its edits pending (to send next time): only completed syncs count.
    wanted = [m for o in outcomes if not o["error"] for m in o["mutations"]]
    ids = [m["mutation_id"] for m in wanted]
    seen: dict[str, str] = {}
    rows: set[tuple[str, str]] = set()
    with db.read() as conn:
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            am = applied_mutations.c
            for mid, status in conn.execute(
                select(am.mutation_id, am.status).where(am.mutation_id.in_(chunk))
            ):
                seen[mid] = status
        inserted = [(m["table_name"], m["row_id"]) for m in wanted if m["op"] == "insert"]
        c = changelog.c
        for i in range(0, len(inserted), 500):
            chunk = inserted[i : i + 500]
            found = conn.execute(
                select(c.table_name, c.row_id).where(c.row_id.in_([r for _, r in chunk]))
            ).all()
            rows.update((t, r) for t, r in found)
    missing = {m["mutation_id"] for m in wanted if m["mutation_id"] not in seen}
    missing |= {
        m["mutation_id"] for m in wanted if m["op"] == "insert" and (m["table_name"], m["row_id"]) not in rows
    }
    bad = [mid for mid, status in seen.items() if status not in ("applied", "merged", "conflict")]
    if bad:
        print(f"  {len(bad)} mutations not applied: {sorted(set(seen[b] for b in bad))}")
    pending = sum(1 for o in outcomes if o.get("pending_after"))
    return len(ids), len(missing) + len(bad), pending


def _server_summary(lines: list[str], since: float) -> None:
    """Server time per request kind during the concurrent syncs, from the server's JSON request log."""
    by_path: dict[str, list[float]] = {}
    for line in lines:
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            stamp = time.mktime(time.strptime(entry.get("ts", ""), "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
            if "path" in entry and "ms" in entry and stamp >= int(since):  # one line per request
                by_path.setdefault(f"{entry['method']} {entry['path']}", []).append(entry["ms"])
    for path, values in sorted(by_path.items()):
        values.sort()
        p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
        print(f"  server {path}: {len(values)} requests, median {statistics.median(values):.0f} ms, "
              f"p95 {p95:.0f} ms, max {values[-1]:.0f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--cases", type=int, default=200, help="cases on the server before (6 rows each)")
    parser.add_argument("--edits", type=int, default=6, help="pending mutations per device (at least 4)")
    parser.add_argument("--procs", type=int, default=2, help="client processes running the devices")
    parser.add_argument("--scope", choices=("facility", "assigned"), default="facility")
    parser.add_argument("--server-workers", type=int, default=1, help="caseworker-server serve --workers N")
    parser.add_argument(
        "--thin", action="store_true",
        help="time only each sync's requests (prepared beforehand): laptops doing their local work elsewhere",
    )  # fmt: skip
    args = parser.parse_args()
    auth._hasher = PasswordHasher(**CHEAP)  # the users' stored hashes carry these parameters
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url = database_url(tmp)
        db = Database(url)
        db.create_schema()
        admin.add_facility(db, "SDA", "UPT PPSAB Sidoarjo", "Jl. Raya 1", args.scope)
        admin.add_facility(db, "MLG", "UPT Malang", None, "facility")
        admin.add_user(db, "ani", "worker", "SDA", "Ani", PASSWORD)
        users = [f"w{i:03d}" for i in range(args.devices)]
        for name in users:
            admin.add_user(db, name, "worker", "SDA", f"Pekerja {name}", PASSWORD)
        seed_cases(db, args.cases)  # assigned to ani: seen by everyone in facility scope
        print(f"server: {url.split('@')[-1].split('/')[-1]}; {args.devices} devices, {args.cases} cases, "
              f"{args.edits} edits each, worker scope {args.scope}, {args.procs} client processes"
              f"{'; thin: requests only' if args.thin else ''}")  # fmt: skip
        ctx = mp.get_context("spawn")
        log = tmp / "server.log"
        with running_server(url, log, args.server_workers) as base:
            barrier = ctx.Barrier(args.procs + 1)
            results = ctx.Queue()
            groups = [users[i :: args.procs] for i in range(args.procs)]
            procs = [
                ctx.Process(
                    target=_client_process, args=(base, str(tmp), g, args.edits, barrier, results, args.thin)
                )
                for g in groups
            ]
            for proc in procs:
                proc.start()
            setup_start = time.perf_counter()
            barrier.wait()
            go_at = time.time()
            server_cpu_at_go = process_cpu_seconds(SERVER_PIDS[base])
            postgres_cpu_at_go = postgres_cpu_seconds()
            print(
                f"set up (enrol, first sync, edits) in {time.perf_counter() - setup_start:.1f} s; all sync now"
            )
            outcomes: list[dict[str, Any]] = []
            for _ in procs:
                outcomes.extend(results.get())
            server_cpu = process_cpu_seconds(SERVER_PIDS[base]) - server_cpu_at_go
            postgres_cpu = postgres_cpu_seconds() - postgres_cpu_at_go
            for proc in procs:
                proc.join()
        server_lines = log.read_text().splitlines()
        latencies = sorted(o["latency"] for o in outcomes if o["latency"] is not None)
        errors = [o for o in outcomes if o["error"]]
        pushed, lost, pending = _verify(db, outcomes)
        db.dispose()
    if latencies:
        p50 = statistics.median(latencies)
        p95 = latencies[min(len(latencies) - 1, int(round(0.95 * len(latencies))) - 1)]
        verdict = "OK" if p95 <= 1.0 and not errors and not lost else "MISSES TARGET"
        print(f"{len(latencies)} concurrent syncs: p50 {p50:.2f} s, p95 {p95:.2f} s, max {latencies[-1]:.2f} s "
              f"(target p95 <= 1 s) {verdict}")  # fmt: skip
    cpu = [o["cpu"] for o in outcomes if o.get("cpu") is not None]
    if cpu:
        print(f"client CPU per sync (the devices' own work, all on this machine): median "
              f"{statistics.median(cpu) * 1000:.0f} ms, total {sum(cpu):.1f} s")  # fmt: skip
    print(f"server CPU for the {len(outcomes)} syncs: {server_cpu:.1f} s ({server_cpu / max(1, len(outcomes)) * 1000:.0f} ms "
          f"per sync; each server process uses at most one core for Python work)")  # fmt: skip
    if url.startswith("postgresql"):
        print(f"PostgreSQL's CPU for them: {postgres_cpu:.1f} s (on the same cores)")
    print(f"errors: {len(errors)}" + "".join(f"\n  {o['user']}: {o['error'][:300]}" for o in errors[:5]))
    _server_summary(server_lines, since=go_at)
    print(f"mutations pushed by completed syncs: {pushed}; missing or not applied on the server: {lost}; "
          f"devices with edits still pending: {pending}")  # fmt: skip


if __name__ == "__main__":
    main()
