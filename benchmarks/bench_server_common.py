"""Shared pieces of the server benchmarks: seeding a changelog in bulk and running the real server process."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from caseworker.server import admin
from caseworker.server.db import Database, changelog

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password"
STAMP = "2026-10-17T08:00:00Z"


def database_url(tmp: Path) -> str:
    """CASEWORKER_BENCH_DATABASE_URL (e.g. a fresh PostgreSQL database) or a SQLite file in tmp."""
    return os.environ.get("CASEWORKER_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.db'}"


def setup(url: str) -> Database:
    db = Database(url)
    db.create_schema()
    admin.add_facility(db, "SDA", "UPT PPSAB Sidoarjo", "Jl. Raya 1", "facility")
    admin.add_facility(db, "MLG", "UPT Malang", None, "facility")
    admin.add_user(db, "ani", "worker", "SDA", "Ani", PASSWORD)
    admin.add_user(db, "sri", "supervisor", "SDA", "Sri", PASSWORD)
    return db


def _row(table: str, row_id: str, **fields: object) -> dict:
    data = {
        "id": row_id,
        "created_at": STAMP,
        "created_by": "ani",
        "updated_at": STAMP,
        "updated_by": "ani",
        "deleted": 0,
        "version": 1,
        **fields,
    }
    return data


def seed(
    db: Database, total: int, facility: str = "SDA", start_seq: int = 1, notes_per_case: int = 10
) -> int:
    """Insert about `total` rows (persons, cases, notes) straight into the changelog; returns the next seq."""
    seq = start_seq
    batch: list[dict] = []

    def add(table: str, row_id: str, data: dict, case_id: str | None, person_id: str | None) -> None:
        nonlocal seq
        batch.append(
            {
                "table_name": table,
                "row_id": row_id,
                "seq": seq,
                "data": json.dumps(data, separators=(",", ":")),
                "version": 1,
                "deleted": 0,
                "facility_code": facility,
                "case_id": case_id,
                "assigned_to": "ani" if case_id else None,
                "created_by": "ani",
                "person_id": person_id,
                "sha256": None,
                "changed_at": STAMP,
            }
        )
        seq += 1

    written = 0
    with db.write() as conn:
        while written < total:
            person_id, case_id = str(uuid.uuid4()), str(uuid.uuid4())
            add(
                "persons",
                person_id,
                _row(
                    "persons",
                    person_id,
                    name="Anak Balita Contoh",
                    nik="3515084101230001",
                    no_kk="3515080101230001",
                    birth_date="2023-01-01",
                    sex="P",
                    address="Dusun Krajan RT 01 RW 02, Desa Sukodono",
                    region_code="35.15.08.1001",
                    facility_code=facility,
                ),
                None,
                person_id,
            )
            add(
                "cases",
                case_id,
                _row(
                    "cases",
                    case_id,
                    case_number=f"{facility}-26-{case_id[:6].upper()}",
                    person_id=person_id,
                    facility_code=facility,
                    assigned_to="ani",
                    category_code="balita_terlantar",
                    stage="intake",
                    status="open",
                    risk="medium",
                    presenting_problem="Gizi kurang, orang tua bekerja di luar kota",
                    conflict=0,
                ),
                case_id,
                person_id,
            )
            for _ in range(notes_per_case):
                note_id = str(uuid.uuid4())
                add(
                    "notes",
                    note_id,
                    _row(
                        "notes",
                        note_id,
                        case_id=case_id,
                        noted_at=STAMP,
                        kind="visit",
                        text="Kunjungan rumah: anak sehat, berat badan naik, ibu hadir.",
                        confidential=0,
                    ),
                    case_id,
                    None,
                )
            written += 2 + notes_per_case
            if len(batch) >= 20_000:
                conn.execute(changelog.insert(), batch)
                batch.clear()
        if batch:
            conn.execute(changelog.insert(), batch)
    return seq


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVER_PIDS: dict[str, int] = {}  # base URL -> process id of the running server (for CPU figures)


def _cpu_seconds(counts: Callable[[int, str, list[str]], bool]) -> float:
    """User + system CPU time so far of the running processes `counts(pid, name, stat fields)` picks
    (Linux /proc)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except OSError:
            continue  # the process ended meanwhile
        fields = tail.split()
        if counts(int(stat.parent.name), head.split("(", 1)[-1], fields):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def process_cpu_seconds(pid: int) -> float:
    """CPU time of a process and its live child processes (server workers)."""
    return _cpu_seconds(lambda found, _name, fields: found == pid or int(fields[1]) == pid)


def postgres_cpu_seconds() -> float:
    """CPU time of the PostgreSQL processes running now (a local server: its backends do the database's
    share of the work on the same cores)."""
    return _cpu_seconds(lambda _pid, name, _fields: name == "postgres")


@contextlib.contextmanager
def running_server(url: str, log: Path | None = None, workers: int = 1) -> Iterator[str]:
    """Start `caseworker-server serve` on a free loopback port; yields the base URL. `log` keeps its JSON log."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    stderr = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "caseworker.server.cli",
            "serve",
            "--port",
            str(port),
            "--database-url",
            url,
            "--workers",
            str(workers),
        ],  # fmt: skip
        env=env,
        stderr=stderr,
    )
    base = f"http://127.0.0.1:{port}"
    SERVER_PIDS[base] = proc.pid
    try:
        for _ in range(400):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if log:
            stderr.close()


def login(http: httpx.Client, user: str = "ani", device: str = "bench-device") -> dict[str, str]:
    body = {"username": user, "password": PASSWORD, "device_id": device, "protocol_version": 1}
    resp = http.post("/auth/login", json=body)
    resp.raise_for_status()
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}
