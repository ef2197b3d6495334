"""Report benchmarks: prints measured figures against the targets of the reports issue.

- one case summary with two years of history (target <= 0.5 s),
- the caseload report over 5,000 cases (target <= 5 s),
- a batch of 500 summaries (target <= 3 min, memory flat: RSS printed along the way and at the peak).

Run: .venv/bin/python benchmarks/bench_reports.py [--cases 5000] [--batch 500]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from caseworker.domain.stages import STAGES  # noqa: E402
from caseworker.reports import render_case_batch, render_case_summary, render_caseload_report  # noqa: E402
from caseworker.store import cases, queries  # noqa: E402
from tests.core import test_reports_data as data  # noqa: E402

CATEGORIES = ["01", "02", "05", "08", "09", "11", "24"]
FIRST = ["Siti", "Ahmad", "Dewi", "Budi", "Rina", "Agus", "Wati", "Joko", "Sri", "Eko", "Nur", "Putri"]
LAST = ["Rahayu", "Santoso", "Wulandari", "Hidayat", "Lestari", "Saputra", "Kurniawan", "Maulida", ""]


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def two_year_case(store) -> str:
    """A toddler with 24 monthly measurements, weekly notes, quarterly assessments and 50 services."""
    cid = data.toddler_case(store, serial=9001, months_of_history=24)
    with store.transaction():
        for week in range(104):
            cases.add_note(store, cid, f"Catatan mingguan {week + 1}: anak aktif, makan baik, tidur cukup. " * 3,
                           noted_at=f"{(date.today() - timedelta(weeks=104 - week)).isoformat()}T02:00:00Z")  # fmt: skip
        for q in range(8):
            cases.add_record(store, "assessments", cid, {"form_id": "kpsp", "form_version": 1,
                             "assessed_at": (date.today() - timedelta(days=90 * (8 - q))).isoformat(),
                             "scores": {"total": {"value": 9, "label": {"id": "Sesuai", "en": "Appropriate"},
                                        "score_label": {"id": "Jumlah Ya", "en": "Yes answers"}}}})  # fmt: skip
        for i in range(50):
            cases.add_record(store, "interventions", cid, {"atensi_component": random.choice(
                ["perawatan_pengasuhan", "terapi", "dukungan_keluarga"]), "description": f"Sesi layanan {i + 1}",
                "provided_at": (date.today() - timedelta(days=700 - i * 14)).isoformat()})  # fmt: skip
    return cid


def many_cases(store, count: int) -> None:
    rng = random.Random(7)
    today = date.today()
    users = ["ratna", "budi"]
    done = 0
    while done < count:
        with store.transaction():
            for _ in range(min(250, count - done)):
                done += 1
                born = today - timedelta(days=rng.randint(200, 30000))
                sex = rng.choice("LP")
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}".strip()
                pid = data.person(store, name, born, sex, done + 100)
                opened = today - timedelta(days=rng.randint(0, 720))
                cid = cases.open_case(store, pid, rng.choice(CATEGORIES), opened_at=opened.isoformat(),
                                      assigned_to=rng.choice(users), stage=rng.choice(STAGES[:5]),
                                      presenting_problem="Masalah sosial ekonomi keluarga.")  # fmt: skip
                for n in range(3):
                    stamp = (opened + timedelta(days=n * 20)).isoformat()
                    cases.add_note(
                        store,
                        cid,
                        f"Kunjungan ke-{n + 1}: keadaan klien stabil.",
                        noted_at=f"{stamp}T02:00:00Z",
                    )
                cases.add_record(store, "tasks", cid, {"title": "Kunjungan ulang",
                                 "due_date": (today + timedelta(days=rng.randint(-30, 30))).isoformat()})  # fmt: skip
        print(f"  generated {done}/{count} cases", file=sys.stderr, end="\r")
    print(file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        folder = Path(tmp)
        store = data.new_store(folder / "profile")

        cid = two_year_case(store)
        start = time.perf_counter()
        out = render_case_summary(store, cid, folder / "cold.pdf")
        cold = time.perf_counter() - start
        timings = []
        for i in range(5):
            start = time.perf_counter()
            out = render_case_summary(store, cid, folder / f"warm{i}.pdf")
            timings.append(time.perf_counter() - start)
        from pypdf import PdfReader

        pages = len(PdfReader(out).pages)
        print(f"summary, two years of history ({pages} pages): first {cold:.3f} s (fonts, tables loaded),"
              f" then median {sorted(timings)[2]:.3f} s  [target <= 0.5 s]")  # fmt: skip

        start = time.perf_counter()
        many_cases(store, args.cases)
        print(f"(generated {args.cases} cases in {time.perf_counter() - start:.1f} s)")
        start = time.perf_counter()
        today = date.today()
        render_caseload_report(store, folder / "caseload.pdf", today - timedelta(days=90), today)
        print(
            f"caseload report over {args.cases + 1} cases: {time.perf_counter() - start:.3f} s  [target <= 5 s]"
        )

        ids = queries.case_ids(store, queries.CaseFilter(status=None))[: args.batch]
        samples: list[str] = []

        def progress(done: int, total: int, number: str) -> None:
            if done % 100 == 0 or done == total:
                samples.append(f"{done}: {rss_mb():.0f} MB")

        rss_before = rss_mb()
        start = time.perf_counter()
        written = render_case_batch(store, ids, folder / "batch", progress=progress)
        elapsed = time.perf_counter() - start
        print(f"batch of {len(written)} summaries: {elapsed:.1f} s ({elapsed / len(written) * 1000:.0f} ms each)"
              f"  [target <= 180 s]")  # fmt: skip
        print(
            f"  RSS before {rss_before:.0f} MB; after n PDFs: {', '.join(samples)}; peak RSS {peak_mb():.0f} MB"
        )
        store.close()


if __name__ == "__main__":
    main()
