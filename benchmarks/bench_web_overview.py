"""The provincial overview's page over a province-sized changelog (issue 20): 40 facilities, 200,000 cases
and about 2,000,000 records. Prints the time of the aggregates' SQL and of the whole page (signed in, the
HTML as a browser receives it: everything is server-rendered, so that is the first paint but for layout).
Target: <= 1 s p95 on PostgreSQL.

    CASEWORKER_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_web \\
        python benchmarks/bench_web_overview.py --cases 200000 --runs 20
(the database must exist and be empty; without the variable a SQLite file in a temporary folder is used)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from caseworker.server import admin  # noqa: E402
from caseworker.server.db import Database  # noqa: E402
from caseworker.server.web import aggregates, snapshots  # noqa: E402

COLUMNS = ("table_name", "row_id", "seq", "data", "version", "deleted", "facility_code", "case_id",
           "assigned_to", "created_by", "person_id", "sha256", "changed_at")  # fmt: skip
KABUPATEN = [f"35.{n:02d}" for n in range(1, 30)] + [f"35.{n}" for n in range(71, 80)]
COMPONENTS = ("kebutuhan_hidup_layak", "perawatan_pengasuhan", "dukungan_keluarga", "terapi_fisik",
              "terapi_psikososial", "pelatihan_vokasional", "dukungan_aksesibilitas")  # fmt: skip
STAGES = ("pendekatan_awal", "asesmen", "rencana_intervensi", "intervensi", "resosialisasi", "terminasi")


def _day(rng: random.Random, start: date, days: int) -> str:
    return (start + timedelta(days=rng.randrange(days))).isoformat()


def rows(cases: int, facilities: int, records_per_case: int, seed: int = 20):
    """(table, row_id, data, facility, case_id, person_id) of persons, cases and their records."""
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    for i in range(cases):
        facility = f"F{i % facilities:02d}"
        pid, cid = str(uuid.uuid4()), str(uuid.uuid4())
        child = rng.random() < 0.4
        birth = _day(rng, date(2021, 1, 1) if child else date(1940, 1, 1), 1800 if child else 25000)
        person = {"id": pid, "name": "Nama Contoh", "nik": "3515084101230001", "sex": rng.choice("LP"),
                  "birth_date": birth, "region_code": f"{rng.choice(KABUPATEN)}.01.2001",
                  "disabilities": '["tunanetra"]' if rng.random() < 0.1 else "[]",
                  "dtsen_desil": rng.choice([1, 2, 3, 4, 5, None]), "facility_code": facility}  # fmt: skip
        yield "persons", pid, person, facility, None, pid
        opened = _day(rng, start, 700)
        closed = rng.random() < 0.3
        case = {"id": cid, "person_id": pid, "facility_code": facility, "category_code": f"{rng.randint(1, 26):02d}",
                "stage": rng.choice(STAGES), "status": "closed" if closed else "open", "opened_at": opened,
                "closed_at": _day(rng, date.fromisoformat(opened), 200) if closed else None,
                "presenting_problem": "Gizi kurang, orang tua bekerja di luar kota"}  # fmt: skip
        yield "cases", cid, case, facility, cid, pid
        for _ in range(records_per_case):
            kind = rng.random()
            rid = str(uuid.uuid4())
            if kind < 0.5:
                data = {"case_id": cid, "noted_at": _day(rng, start, 700), "kind": "visit",
                        "text": "Kunjungan rumah: anak sehat, berat badan naik, ibu hadir."}  # fmt: skip
                table = "notes"
            elif kind < 0.65:
                data = {"case_id": cid, "atensi_component": rng.choice(COMPONENTS),
                        "provided_at": _day(rng, start, 700), "description": "Layanan"}  # fmt: skip
                table = "interventions"
            elif kind < 0.8:
                data = {"case_id": cid, "measured_at": _day(rng, start, 700), "weight_kg": round(rng.uniform(6, 16), 1),
                        "length_cm": round(rng.uniform(65, 105), 1), "position": "standing"}  # fmt: skip
                table = "measurements"
            elif kind < 0.95:
                data = {"case_id": cid, "title": "Kunjungan", "due_date": _day(rng, start, 720),
                        "done_at": None if rng.random() < 0.3 else "2026-01-01"}  # fmt: skip
                table = "tasks"
            else:
                data = {"case_id": cid, "referred_at": _day(rng, start, 700), "to_agency": "RSUD",
                        "status": rng.choice(("sent", "accepted", "declined", "completed")),
                        "updated_at": "2026-06-01T00:00:00Z"}  # fmt: skip
                table = "referrals"
            yield table, rid, {"id": rid, **data}, facility, cid, None


def seed(db: Database, cases: int, facilities: int, records_per_case: int) -> int:
    for n in range(facilities):
        admin.add_facility(db, f"F{n:02d}", f"UPT Contoh {n:02d}")
    written = 0
    stamp = "2026-06-01T00:00:00Z"
    batch: list[tuple] = []

    def flush(conn) -> None:  # noqa: ANN001
        if not batch:
            return
        if db.is_sqlite:
            conn.exec_driver_sql(f"INSERT INTO changelog ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * 13)})",
                                 batch)  # fmt: skip
        else:
            cursor = conn.connection.driver_connection.cursor()
            with cursor.copy(f"COPY changelog ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
        batch.clear()

    with db.write() as conn:
        for seq, (table, rid, data, facility, cid, pid) in enumerate(
            rows(cases, facilities, records_per_case), 1
        ):
            batch.append((table, rid, seq, json.dumps(data, separators=(",", ":")), 1, 0, facility, cid, None, "ani",
                          pid, None, stamp))  # fmt: skip
            written += 1
            if len(batch) >= 20000:
                flush(conn)
        flush(conn)
    if not db.is_sqlite:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE changelog")
            conn.commit()
    return written


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--facilities", type=int, default=40)
    parser.add_argument("--records-per-case", type=int, default=9)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--month", default="2026-06")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-web-"))
    url = os.environ.get("CASEWORKER_BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.db'}"
    db = Database(url)
    db.create_schema()
    with db.read() as conn:
        seeded = conn.exec_driver_sql("SELECT count(*) FROM changelog").scalar()
    if seeded:
        print(f"reusing the {seeded:,} changelog rows of {db.engine.dialect.name} database")
    else:
        started = time.perf_counter()
        written = seed(db, args.cases, args.facilities, args.records_per_case)
        print(f"seeded {written:,} changelog rows ({args.cases:,} cases, {args.facilities} facilities) in "
              f"{time.perf_counter() - started:.0f} s on {db.engine.dialect.name}")  # fmt: skip

    # Counting a month (what the server does once per month and keeps, caseworker.server.web.snapshots).
    f = aggregates.Filters(args.month)
    today = datetime.now(UTC).date()
    for name, run in (("active", lambda c: aggregates._active_rows(c, f)),
                      ("new/closed", lambda c: aggregates._opened_closed_rows(c, f)),
                      ("services", lambda c: aggregates._services_rows(c, f)),
                      ("overdue", lambda c: aggregates._overdue_rows(c, today)),
                      ("referrals", lambda c: aggregates._referral_rows(c, f)),
                      ("growth", lambda c: aggregates._growth_rows(c, f)),
                      ("kabupaten list", aggregates.kabupaten_codes)):  # fmt: skip
        with db.read() as conn:
            t0 = time.perf_counter()
            run(conn)
            print(f"  count {name:<16} {(time.perf_counter() - t0) * 1000:8.0f} ms")
    t0 = time.perf_counter()
    snapshots.compute(db, args.month)
    print(f"counting the month for every facility and kabupaten (kept): {time.perf_counter() - t0:.1f} s")

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2.*")
        from fastapi.testclient import TestClient

        from caseworker.server.app import create_app
    with contextlib.suppress(Exception):
        admin.add_user(db, "prov", "province", None, None, "bench-password")
    snapshots.BACKGROUND = False  # the page's own time, without a recount running beside it
    client = TestClient(create_app(db, create_schema=False), base_url="https://testserver")
    page = client.get("/web/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    client.post("/web/login", data={"csrf": token, "username": "prov", "password": "bench-password"})
    times = []
    for i in range(args.runs):
        query = f"?month={args.month}" + (f"&kab={KABUPATEN[i % len(KABUPATEN)]}" if i % 2 else "")
        t0 = time.perf_counter()
        answer = client.get("/web/overview" + query)
        times.append(time.perf_counter() - t0)
        assert answer.status_code == 200, answer.status_code
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(f"overview page ({args.runs} runs, half filtered by kabupaten): median {statistics.median(times) * 1000:.0f} ms,"
          f" p95 {p95 * 1000:.0f} ms, {len(answer.content) / 1024:.0f} KiB of HTML (target p95 <= 1000 ms)")  # fmt: skip
    db.dispose()


if __name__ == "__main__":
    main()
