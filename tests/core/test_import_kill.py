"""An import killed half-way (SIGKILL, in a real subprocess) leaves whole rows only, and running it
again finishes the rest without duplicates."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from caseworker import cli
from caseworker.transfer import importer
from tests.core.conftest import PASSWORD

ROWS = 2000
REPO = Path(__file__).resolve().parents[2]
FIRST = (
    "Siti Ahmad Dewi Budi Rina Agus Wati Joko Sri Eko Nur Putri Bayu Fajar Gilang Hendra Indah Kartika Lukman "
    "Mega Nanda Oki Pandu Ratna Sekar Taufik Umar Vina Wahyu Yusuf Zahra Bagas Cahya Dimas Elok Farhan"
).split()
LAST = (
    "Rahayu Santoso Wulandari Hidayat Lestari Saputra Kurniawan Maulida Pratama Setiawan Nugroho Permata "
    "Anggraini Firmansyah Gunawan Halim Irawan Jayadi Kusuma Laksana Marpaung Nasution Purnomo"
).split()


def make_rows() -> list[dict[str, str]]:
    rows = []
    for i in range(ROWS):
        female = i % 2 == 1
        year, month, day = 1980 + i % 40, 1 + (i // 40) % 12, 1 + (i // 480) % 28
        nik = f"351508{day + (40 if female else 0):02d}{month:02d}{year % 100:02d}{i + 1:04d}"
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"
        rows.append({"nama": name, "nik": nik, "tanggal_lahir": f"{day:02d}/{month:02d}/{year}",
                     "jenis_kelamin": "P" if female else "L", "kategori_ppks": str(1 + i % 26),
                     "catatan": f"Kunjungan awal keluarga nomor {i}" if i % 3 else ""})  # fmt: skip
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    header = list(rows[0])
    lines = [";".join(header)] + [";".join(r[h] for h in header) for r in rows]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def test_killed_import_leaves_whole_rows_and_a_rerun_finishes_without_duplicates(
    store, profile_dir, tmp_path, monkeypatch, capsys
):
    rows = make_rows()
    by_nik = {r["nik"]: r for r in rows}
    assert len(by_nik) == ROWS
    data = tmp_path / "big.csv"
    write_csv(data, rows)
    env = {**os.environ, "CASEWORKER_PASSWORD": PASSWORD, "PYTHONPATH": str(REPO)}
    cmd = [
        sys.executable,
        "-m",
        "caseworker.cli",
        "--profile",
        str(profile_dir),
        "import",
        str(data),
        "--user",
        "budi",
    ]
    with (tmp_path / "out.txt").open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 300
            while store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] < 300:
                assert proc.poll() is None, (tmp_path / "out.txt").read_text()
                assert time.monotonic() < deadline
                time.sleep(0.01)
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    done = store.conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    assert 300 <= done < ROWS, "the import must have been interrupted half-way"
    # Whole rows only: every person has its case, every case its person, index row and (if any) note.
    assert store.conn.execute("SELECT count(*) FROM persons").fetchone()[0] == done
    found = store.query(
        "SELECT p.nik, c.assigned_to, c.status, (SELECT count(*) FROM notes n WHERE n.case_id = c.id) AS notes,"
        " (SELECT count(*) FROM case_index i WHERE i.case_id = c.id) AS indexed"
        " FROM cases c JOIN persons p ON p.id = c.person_id"
    )
    assert len(found) == done
    for row in found:
        assert (row["assigned_to"], row["status"], row["indexed"]) == ("budi", "open", 1)
        assert row["notes"] == (1 if by_nik[row["nik"]]["catatan"] else 0), row
    # Rows commit in batches (importer.batch_sizes: a transaction each), each row whole in one: its person,
    # case and note (and their outbox entries) are in the same transaction, parents first.
    txns: dict[str, dict[str, list[str]]] = {}
    for entry in store.query("SELECT txn_id, table_name, row_id FROM outbox ORDER BY seq"):
        txns.setdefault(entry["txn_id"], {}).setdefault(entry["table_name"], []).append(entry["row_id"])
    sizes = [len(tables["persons"]) for tables in txns.values()]
    assert sum(sizes) == done
    # at most importer.batch_sizes' rows each (fewer when a batch took longer than importer.BATCH_SECONDS)
    assert all(0 < n <= most for n, most in zip(sizes, importer.batch_sizes(), strict=False)), sizes
    assert importer.FIRST_BATCH_ROWS < ROWS, "the first batch must end before the file does"
    for tables in txns.values():
        assert list(tables) in (["persons", "cases", "notes"], ["persons", "cases"])
        cases_of = {
            c["id"]: c["person_id"]
            for c in store.query(
                f"SELECT id, person_id FROM cases WHERE id IN ({','.join('?' * len(tables['cases']))})",
                tables["cases"],
            )
        }
        assert set(cases_of.values()) == set(tables["persons"]) and len(cases_of) == len(tables["persons"])
        noted = [n["case_id"] for n in store.query("SELECT case_id FROM notes WHERE id IN"
                 f" ({','.join('?' * len(tables.get('notes', [])))})", tables.get("notes", []))]  # fmt: skip
        assert set(noted) <= set(cases_of)
    # The import's own audit entries: one `create` per row written, nothing of the row being written.
    assert store.conn.execute("SELECT count(*) FROM audit WHERE action = 'create'").fetchone()[0] == (
        2 * done + store.conn.execute("SELECT count(*) FROM notes").fetchone()[0]
    )

    monkeypatch.setenv("CASEWORKER_PASSWORD", PASSWORD)
    code = cli.main(["--profile", str(profile_dir), "import", str(data), "--user", "budi"])
    out = capsys.readouterr().out
    assert code == 0, out[-2000:]
    assert (
        f"{ROWS} baris: {ROWS - done} orang baru, 0 orang diperbarui, {ROWS - done} kasus dibuka, {done} sudah punya kasus"
        in out
    )
    assert store.conn.execute("SELECT count(*) FROM persons").fetchone()[0] == ROWS
    assert store.conn.execute("SELECT count(DISTINCT nik) FROM persons").fetchone()[0] == ROWS
    assert store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == ROWS
    assert store.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == sum(
        1 for r in rows if r["catatan"]
    )


@pytest.mark.parametrize("n", [3])
def test_generated_rows_are_valid(n):
    from caseworker.domain import validation

    for r in make_rows()[:n] + make_rows()[-n:]:
        person = {"name": r["nama"], "nik": r["nik"], "sex": r["jenis_kelamin"],
                  "birth_date": validation.parse_date(r["tanggal_lahir"]).isoformat()}  # fmt: skip
        assert validation.validate_person(person) == []
