"""Client sync benchmark against the real `caseworker-server` process over loopback.

1. First sync of 20,000 cases with their records (~120,000 rows) into a new encrypted profile: rows/s end to
   end (HTTP, JSON, SQLCipher writes, base copies, case index and search). Target >= 10,000 rows/s.
2. The same first sync cut part-way (cancelled) and run again: does it continue where it stopped?
3. Incremental sync of 50 changes with a 1,000,000-entry changelog on the server (other facility's rows).
   Target <= 0.5 s.

    .venv/bin/python benchmarks/bench_sync.py [--cases 20000] [--changelog 1000000]
    CASEWORKER_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench  (a fresh database)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_server_common import PASSWORD, STAMP, database_url, running_server, seed, setup  # noqa: E402
from caseworker.server.db import Database, changelog, max_seq  # noqa: E402
from caseworker.store import cases, syncstate  # noqa: E402
from caseworker.store.ids import case_number, uuid7  # noqa: E402
from caseworker.sync.engine import Cancelled, sync  # noqa: E402
from caseworker.sync.enrol import enrol  # noqa: E402


def _data(table: str, row_id: str, **fields: object) -> str:
    row = {"id": row_id, "created_at": STAMP, "created_by": "ani", "updated_at": STAMP, "updated_by": "ani",
           "deleted": 0, "version": 1, **fields}  # fmt: skip
    return json.dumps(row, separators=(",", ":"))


def seed_cases(db: Database, n_cases: int) -> int:
    """n cases in SDA, each with its person, 2 notes, a measurement and a task (6 rows per case)."""
    with db.read() as conn:
        seq = max_seq(conn) + 1
    rows: list[dict] = []
    total = 0

    def add(table: str, row_id: str, data: str, case_id: str | None, person_id: str | None) -> None:
        nonlocal seq, total
        rows.append({"table_name": table, "row_id": row_id, "seq": seq, "data": data, "version": 1, "deleted": 0,
                     "facility_code": "SDA", "case_id": case_id, "assigned_to": "ani" if case_id else None,
                     "created_by": "ani", "person_id": person_id, "sha256": None, "changed_at": STAMP})  # fmt: skip
        seq += 1
        total += 1

    with db.write() as conn:
        for i in range(n_cases):
            pid, cid = uuid7(), uuid7()
            add("persons", pid, _data("persons", pid, name=f"Anak Balita {i}", nik=f"35150841{i:08d}",
                                      birth_date="2024-01-01", sex="P", facility_code="SDA",
                                      address="Dusun Krajan RT 01 RW 02, Desa Sukodono"), None, pid)  # fmt: skip
            for table, fields in (
                ("notes", {"noted_at": STAMP, "kind": "visit", "text": "Kunjungan rumah: anak sehat, ibu hadir."}),
                ("notes", {"noted_at": STAMP, "kind": "call", "text": "Telepon wali: jadwal posyandu."}),
                ("measurements", {"measured_at": "2026-10-01", "weight_kg": 9.5, "length_cm": 78.0,
                                  "position": "lying", "person_id": pid}),
                ("tasks", {"title": "Kunjungan ulang", "due_date": "2026-11-01"}),
            ):  # fmt: skip
                rid = uuid7()
                add(table, rid, _data(table, rid, case_id=cid, **fields), cid, None)
            add("cases", cid, _data("cases", cid, case_number=case_number("SDA", cid, 2026), person_id=pid,
                                    facility_code="SDA", assigned_to="ani", category_code="01", stage="intake",
                                    status="open", risk="medium", opened_at="2026-10-01", conflict=0),
                cid, pid)  # fmt: skip
            if len(rows) >= 20_000:
                conn.execute(changelog.insert(), rows)
                rows.clear()
        if rows:
            conn.execute(changelog.insert(), rows)
    return total


def first_sync(url: str, folder: Path, total: int) -> None:
    store, transport = enrol(folder, url, "sri", PASSWORD)
    start = time.perf_counter()
    result = sync(store, transport)
    elapsed = time.perf_counter() - start
    assert result.completed and result.pulled == total, result
    cases_local = store.conn.execute("SELECT count(*) FROM case_index").fetchone()[0]
    print(f"first sync: {result.pulled} rows ({cases_local} cases) in {elapsed:.1f} s = "
          f"{result.pulled / elapsed:,.0f} rows/s (target >= 10,000)")  # fmt: skip
    store.close()


def cut_and_resume(url: str, folder: Path, total: int) -> None:
    store, transport = enrol(folder, url, "sri", PASSWORD)
    stop = threading.Event()

    def progress(phase: str, done: int, _total: int | None) -> None:
        if phase == "pull" and done >= total // 3:
            stop.set()

    try:
        sync(store, transport, progress=progress, cancel=stop)
        print("cut: the sync was not interrupted (too few pages?)")
        return
    except Cancelled:
        pass
    cursor = syncstate.cursor(store)
    applied = sum(store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("persons", "cases", "notes", "measurements", "tasks"))  # fmt: skip
    result = sync(store, transport)
    again = applied + result.pulled
    print(
        f"cut after {applied} rows (cursor {cursor}); the next sync pulled {result.pulled} more: "
        f"{'resumes, nothing pulled twice' if again == total else f'RESTARTED ({again} rows pulled for {total})'}"
    )
    store.close()


def incremental(db: Database, url: str, folder: Path, changelog_size: int) -> None:
    print(f"seeding {changelog_size:,} changelog rows of another facility ...", flush=True)
    seed(db, changelog_size, facility="MLG", start_seq=_next_seq(db), notes_per_case=8)
    ani, ani_transport = enrol(folder / "ani", url, "ani", PASSWORD)
    sri, sri_transport = enrol(folder / "sri", url, "sri", PASSWORD)
    person = cases.register_person(ani, {"name": "Bayi Baru", "sex": "P", "birth_date": "2025-01-01"}).id
    case_id = cases.open_case(ani, person, "01")
    sync(ani, ani_transport)
    sync(sri, sri_transport)
    timings, pulled = [], []
    for _round in range(3):
        for i in range(50):
            cases.add_note(ani, case_id, f"catatan {i}")
        sync(ani, ani_transport)
        start = time.perf_counter()
        result = sync(sri, sri_transport)
        timings.append(time.perf_counter() - start)
        pulled.append(result.pulled)
    print(f"incremental sync: {pulled} changes with {changelog_size:,} changelog rows: "
          f"first {timings[0]:.3f} s, median {sorted(timings)[1]:.3f} s (target <= 0.5 s)")  # fmt: skip
    ani.close()
    sri.close()


def _next_seq(db: Database) -> int:
    with db.read() as conn:
        return max_seq(conn) + 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--changelog", type=int, default=1_000_000, help="0 skips the incremental benchmark")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url = database_url(tmp)
        db = setup(url)
        total = seed_cases(db, args.cases)
        print(f"server: {url.split('@')[-1]} with {args.cases:,} cases = {total:,} rows")
        with running_server(url) as base:
            first_sync(base, tmp / f"first-{uuid.uuid4().hex[:6]}", total)
            cut_and_resume(base, tmp / "cut", total)
            if args.changelog:
                incremental(db, base, tmp / "inc", args.changelog)
        db.dispose()


if __name__ == "__main__":
    main()
