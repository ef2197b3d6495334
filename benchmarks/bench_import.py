"""Bulk import at caseload scale: a unit's register of 20,000 varied rows (Indonesian names in every
spelling, NIKs, addresses, long notes; some rows without NIK, some repeated in the file, some people
already in the profile under another spelling) imported into a profile of 100,000 cases, with the
duplicate check on. Prints rows/s, peak memory and the duplicate check of registering one person
(p50/p95, on the same profile); never asserts (targets: >= 1,000 rows/s, check p95 <= 50 ms).

    .venv/bin/python benchmarks/bench_import.py                          # 20,000 rows into 100,000 cases
    .venv/bin/python benchmarks/bench_import.py --cases 5000 --rows 1000 # a quick try
    .venv/bin/python benchmarks/bench_import.py --profile DIR            # base profile kept in DIR

The base profile is made once with `caseworker demo-data` (kept in --profile, or a temp folder); each run
imports into a copy of it, in a child process, so the import's time and peak memory are its own.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from caseworker.demo import DEMO_PASSWORD, names, places, texts  # noqa: E402
from caseworker.store.profile import is_profile, open_profile  # noqa: E402

HEADER = ["nama", "nik", "no_kk", "tanggal_lahir", "jenis_kelamin", "alamat", "kode_wilayah", "kategori_ppks",
          "tanggal_masuk", "catatan"]  # fmt: skip
GROUPS = (texts.TODDLER, texts.CHILD, texts.ELDERLY, texts.DISABLED, texts.ADULT)
KINDS = ("visit", "call", "meeting", "observation")
# Respellings a register typed by hand carries for people the profile already holds.
RESPELL = (("Muhammad", "Mohamad"), ("Moch.", "Muhammad"), ("Siti", "Sitti"), ("oe", "u"), ("dj", "j"),
           ("y", "i"), ("Achmad", "Ahmad"), ("Nur ", "Nur"), ("dh", "d"), ("ch", "kh"))  # fmt: skip


def build(folder: Path, cases: int, seed: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CASEWORKER_PASSWORD", None)
    cmd = [sys.executable, "-m", "caseworker.cli", "--profile", str(folder), "demo-data", "--cases", str(cases),
           "--seed", str(seed)]  # fmt: skip
    wall = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    print(f"base profile: demo-data --cases {cases} in {time.perf_counter() - wall:.0f} s")


def _respell(rng: random.Random, name: str) -> str:
    for old, new in rng.sample(RESPELL, len(RESPELL)):
        if old in name:
            return name.replace(old, new, 1)
    return name + rng.choice(("", "h", "i"))  # a letter more, as typed


def make_rows(folder: Path, n: int, seed: int) -> list[list[str]]:
    """`n` register rows: ~88% new people (9 in 10 with a NIK), ~7% people of the profile respelled, ~5% a
    row repeated further down the file."""
    rng = random.Random(seed)
    store = open_profile(folder, "supervisor", DEMO_PASSWORD)
    try:
        known = store.query("SELECT name, nik, birth_date, sex FROM persons WHERE birth_date IS NOT NULL"
                            " ORDER BY random() LIMIT ?", [max(1, n // 10)])  # fmt: skip
        used = {r[0] for r in store.conn.execute("SELECT nik FROM persons WHERE nik IS NOT NULL")}
    finally:
        store.close()
    pool, book = places.PlacePool(), places.NumberBook(used)
    today = date.today()
    rows: list[list[str]] = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.05 and rows:
            rows.append(list(rng.choice(rows)))
            continue
        place = pool.pick(rng)
        group = rng.choice(GROUPS)
        if roll < 0.12 and known:
            k = known[i % len(known)]
            name, sex, born = _respell(rng, k["name"]), k["sex"] or "P", date.fromisoformat(k["birth_date"])
            nik = "" if rng.random() < 0.5 else (k["nik"] or "")
        else:
            sex = rng.choice("LP")
            years = {texts.TODDLER: (0, 5), texts.CHILD: (6, 17), texts.ELDERLY: (60, 90)}.get(
                group, (18, 59)
            )
            born = today - timedelta(days=rng.randint(years[0] * 365, years[1] * 365 + 364))
            name = names.person_name(rng, sex, born.year)
            nik = book.nik(rng, place, born, sex) if rng.random() < 0.9 else ""
        call = names.nickname(rng, name, sex)
        note = " ".join(
            texts.note_text(rng, group, rng.choice(KINDS), n=call, w="ibunya", kec=place.kecamatan_name,
                            desa=place.desa_name)
            for _ in range(rng.choice((0, 1, 1, 2, 3)))
        )  # fmt: skip
        opened = today - timedelta(days=rng.randint(0, 700))
        rows.append([
            name, nik, book.kk(rng, place, opened) if rng.random() < 0.6 else "",
            born.strftime("%d/%m/%Y") if rng.random() < 0.7 else born.isoformat(), sex,
            places.address(rng, place), place.desa_code, str(rng.randint(1, 26)), opened.isoformat(), note,
        ])  # fmt: skip
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)


def child_import(folder: Path, data: Path) -> None:
    """In the child: sign in, import, print the figures as JSON."""
    from caseworker.transfer import import_file

    store = open_profile(folder, "supervisor", DEMO_PASSWORD)
    start, cpu_start = time.perf_counter(), _cpu()
    report = import_file(store, data)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu_start
    store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak, "counts": report.counts}))


def _cpu() -> float:
    """This process's CPU seconds (user + system): on a shared machine, wall time counts others' work too."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def check_latency(folder: Path, rng: random.Random, n: int) -> None:
    """The duplicate check of registering one person (same NIK, then similar names with close birth
    dates), for names of the profile (some respelled) and new names."""
    from caseworker.store import cases

    store = open_profile(folder, "supervisor", DEMO_PASSWORD)
    try:
        people = store.query("SELECT name, nik, birth_date FROM persons WHERE birth_date IS NOT NULL"
                             " ORDER BY random() LIMIT ?", [n])  # fmt: skip
        times, found = [], 0
        for i, p in enumerate(people):
            name = p["name"] if i % 3 == 0 else (_respell(rng, p["name"]) if i % 3 == 1 else
                                                 names.person_name(rng, rng.choice("LP"), int(p["birth_date"][:4])))  # fmt: skip
            start = time.perf_counter()
            cases.find_same_nik(store, p["nik"] or "")
            similar = cases.find_similar_persons(store, name, p["birth_date"], estimated=i % 10 == 0)
            times.append(time.perf_counter() - start)
            found += bool(similar)
    finally:
        store.close()
    times.sort()
    p95 = times[max(0, math.ceil(len(times) * 0.95) - 1)]
    print(f"registration duplicate check: n={len(times)} p50 {_ms(statistics.median(times))}  p95 {_ms(p95)}"
          f"  max {_ms(times[-1])}  ({found} with similar persons)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases in the base profile")
    parser.add_argument("--rows", type=int, default=20_000, help="rows in the imported sheet")
    parser.add_argument("--profile", type=Path, help="base profile folder (made if missing, reused if there)")
    parser.add_argument("--checks", type=int, default=300, help="single-registration duplicate checks timed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child-import", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_import:
        child_import(*args.child_import)
        return
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        base = args.profile or Path(tmp) / f"base{args.cases}"
        if not is_profile(base):
            build(base, args.cases, args.seed)
        work = Path(tmp) / "work"
        shutil.copytree(base, work)
        data = Path(tmp) / "register.csv"
        write_csv(data, make_rows(work, args.rows, args.seed))
        print(f"sheet: {args.rows} rows, {data.stat().st_size / 1e6:.1f} MB")
        out = subprocess.run([sys.executable, __file__, "--child-import", str(work), str(data)], check=True,
                             capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout  # fmt: skip
        result = json.loads(out.strip().splitlines()[-1])
        c = result["counts"]
        print(f"import into {args.cases} cases: {result['seconds']:.1f} s, {c['rows'] / result['seconds']:.0f} rows/s,"
              f" peak RSS {result['peak_mb']:.0f} MB; CPU {result['cpu']:.1f} s,"
              f" {c['rows'] / result['cpu']:.0f} rows per CPU second")  # fmt: skip
        print(f"  {c['created']} new persons, {c['updated']} updated, {c['opened']} cases opened,"
              f" {c['existing']} already had one, {c['rejected']} rejected")  # fmt: skip
        check_latency(work, random.Random(args.seed), args.checks)


if __name__ == "__main__":
    main()
