"""The demo profile: a Sidoarjo toddler-care UPT with a supervisor and four workers, filled with
realistic cases in batches (each batch one transaction, so an interrupted run leaves whole cases only).

Every demo account has the password `demo-demo`. Content depends only on the seed, `today` and how many
cases the profile already holds, so re-running on a fresh folder with the same seed and today gives the
same people, dates and numbers; running again on the same folder adds different, new cases.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from caseworker import i18n
from caseworker.demo import names
from caseworker.demo.casegen import Bundle, CaseFactory, FastRandom
from caseworker.demo.places import NumberBook
from caseworker.store.bulk import bulk_insert, index_new_cases, uuid7_many
from caseworker.store.profile import add_user, create_profile, is_profile, open_profile
from caseworker.store.store import Store

DEMO_PASSWORD = "demo-demo"
FACILITY = {
    "code": "SDA",
    "name": "UPT Perlindungan dan Pelayanan Sosial Asuhan Balita Sidoarjo",
    "address": "Jl. Raya Lingkar Timur No. 27, Rangkah Kidul, Sidoarjo 61234",
    "city": "Sidoarjo",
    "phone": "(031) 8921547",
    "head_name": "Drs. Bambang Sugiharto, M.M.",
    "head_nip": "196805141993031007",
}
BATCH_CASES = 2000
# Records after persons and their cases, in the order a case is read (parents before children rows).
TABLE_ORDER = ("persons", "relations", "cases", "stage_changes", "assessments", "goals", "interventions",
               "notes", "measurements", "referrals", "tasks", "reviews")  # fmt: skip

i18n.register(
    {
        "demo_done": (
            "Data demo: {added} kasus ditambahkan dalam {seconds} detik ke {path} (seluruhnya {total} kasus). "
            "Masuk sebagai 'pekerja' atau 'supervisor' dengan kata sandi {password}.",
            "Demo data: {added} cases added in {seconds} s to {path} ({total} cases in all). "
            "Sign in as 'pekerja' or 'supervisor' with the password {password}.",
        ),
    }
)


@dataclass(frozen=True)
class DemoResult:
    folder: Path
    added: int
    total: int
    seconds: float
    created: bool

    def summary(self, lang: str | None = None) -> str:
        return i18n.text("demo_done", lang, added=self.added, seconds=f"{self.seconds:.1f}", path=self.folder,
                         total=self.total, password=DEMO_PASSWORD)  # fmt: skip


def open_or_create(folder: Path) -> tuple[Store, bool]:
    """The demo profile signed in as its supervisor; made first (with the worker logins) if missing."""
    if is_profile(folder):
        return open_profile(folder, "supervisor", DEMO_PASSWORD), False
    username, full_name, role, nip = names.STAFF[0]
    store = create_profile(folder, username=username, password=DEMO_PASSWORD, facility_code=FACILITY["code"],
                           facility_name=FACILITY["name"], role=role, full_name=full_name,
                           facility={k: v for k, v in FACILITY.items() if k not in ("code", "name")})  # fmt: skip
    with store.transaction():
        store.conn.execute("UPDATE users SET nip = ? WHERE username = ?", [nip, username])
    for username, full_name, role, nip in names.STAFF[1:]:
        add_user(store, username, DEMO_PASSWORD, role, full_name, nip)
    return store, True


def _id_supply() -> Callable[[], str]:
    def ids() -> Iterator[str]:
        while True:
            yield from uuid7_many(4096)

    return ids().__next__


def add_demo_cases(
    store: Store, cases: int, seed: int = 1, *, today: date | None = None, batch: int = BATCH_CASES,
    progress: Callable[[int, int], None] | None = None,
) -> int:  # fmt: skip
    """Add `cases` demo cases to an open store (signed in as a supervisor); returns how many were added."""
    today = today or date.today()
    existing = store.conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    used = {r[0] for r in store.conn.execute("SELECT nik FROM persons WHERE nik IS NOT NULL"
                                             " UNION SELECT no_kk FROM persons WHERE no_kk IS NOT NULL")}  # fmt: skip
    workers = [u for u, _, role, _ in names.STAFF if role == "worker"]
    factory = CaseFactory(FastRandom(f"caseworker-demo:{seed}:{existing}"), today, store.user.facility_code,
                          workers, store.user.username, NumberBook(used), _id_supply())  # fmt: skip
    factory.case_numbers.update(r[0] for r in store.conn.execute("SELECT case_number FROM cases"))
    done = 0
    while done < cases:
        bundle = Bundle()
        target = min(batch, cases - done)
        while bundle.cases < target:
            factory.family(bundle, target - bundle.cases)
        with store.transaction():
            for table in TABLE_ORDER:
                if bundle.rows.get(table):
                    bulk_insert(store, table, bundle.rows[table], touch=False, check=False)
            index_new_cases(store, [r["id"] for r in bundle.rows["cases"]])
        done += bundle.cases
        if progress:
            progress(done, cases)
    return done


def fill_demo_profile(
    folder: Path, cases: int, seed: int = 1, *, today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoResult:  # fmt: skip
    start = time.perf_counter()
    store, created = open_or_create(Path(folder))
    try:
        added = add_demo_cases(store, cases, seed, today=today, progress=progress)
        total = store.conn.execute("SELECT count(*) FROM cases WHERE deleted = 0").fetchone()[0]
    finally:
        store.close()
    return DemoResult(Path(folder), added, total, time.perf_counter() - start, created)


def create_demo_profile(folder: Path, cases: int, seed: int = 1) -> None:
    """For `caseworker --demo`: make (or extend) the demo profile at `folder` with `cases` more cases."""
    fill_demo_profile(Path(folder), cases, seed)
