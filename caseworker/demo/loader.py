"""The demo profile: a Sidoarjo toddler-care UPT with a supervisor and four workers, filled with
realistic cases in one transaction (an interrupted run adds no case at all).

The cases are made in batches of BATCH_CASES, in a child process when there are more than two batches,
while this process writes the previous batch: rows grouped for executemany, outbox and audit entries made
by SQLite (caseworker.store.bulk), and the list, search and growth index rows computed from the rows in
memory by indexing's and growth_index's own row builders.

Every demo account has the password `demo-demo`. Content depends only on the seed, `today` and how many
cases the profile already holds, so re-running on a fresh folder with the same seed and today gives the
same people, dates and numbers; running again on the same folder adds different, new cases.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from queue import Empty, Full
from typing import Any

from caseworker import i18n
from caseworker.demo import names
from caseworker.demo.casegen import Bundle, CaseFactory, FastRandom
from caseworker.demo.places import NumberBook
from caseworker.store import bulk
from caseworker.store.bulk import Groups, uuid7_many
from caseworker.store.db import DatabaseError
from caseworker.store.ids import now_iso
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
    store, created = _open_or_create_first(folder)
    if created:
        add_staff(store)
    return store, created


def add_staff(store: Store) -> None:
    """The worker logins of a new demo profile (each takes a slow key derivation)."""
    for username, full_name, role, nip in names.STAFF[1:]:
        add_user(store, username, DEMO_PASSWORD, role, full_name, nip)


def _open_or_create_first(folder: Path) -> tuple[Store, bool]:
    """The demo profile signed in as its supervisor; made first, with only the supervisor, if missing."""
    if is_profile(folder):
        return open_profile(folder, "supervisor", DEMO_PASSWORD), False
    username, full_name, role, nip = names.STAFF[0]
    store = create_profile(folder, username=username, password=DEMO_PASSWORD, facility_code=FACILITY["code"],
                           facility_name=FACILITY["name"], role=role, full_name=full_name,
                           facility={k: v for k, v in FACILITY.items() if k not in ("code", "name")})  # fmt: skip
    with store.transaction():
        store.conn.execute("UPDATE users SET nip = ? WHERE username = ?", [nip, username])
    return store, True


def _id_supply() -> Callable[[], str]:
    def ids() -> Iterator[str]:
        while True:
            yield from uuid7_many(4096)

    return ids().__next__


@dataclass(frozen=True)
class _Plan:
    """What making the cases needs to know of the profile (so a child process can make them)."""

    cases: int
    seed: int
    today: date
    batch: int
    existing: int  # cases in the profile: part of the seed, so a second run adds other cases
    facility: str
    workers: tuple[str, ...]
    supervisor: str  # the signed-in user: reviews' decider, the author of rows that name none
    used_numbers: frozenset[str]  # NIK and KK numbers in the profile
    case_numbers: frozenset[str]
    first_rowid: int  # the rowid the first new case will get
    index_keys: tuple[str, ...] | None  # indexing._rows keys (None: index from the database)


@dataclass
class _Batch:
    """One batch of cases ready to write: rows grouped for executemany, and their index rows."""

    cases: int
    tables: list[tuple[str, Groups]]
    case_ids: list[str]
    first_rowid: int
    index: list[tuple] | None  # None: index these cases from the database
    search: list[tuple]
    growth: list[tuple]


def _make_batches(plan: _Plan) -> Iterator[_Batch]:
    """The cases of `plan`, batch by batch: the content depends only on the plan (ids aside)."""
    from caseworker.store import indexing

    factory = CaseFactory(FastRandom(f"caseworker-demo:{plan.seed}:{plan.existing}"), plan.today, plan.facility,
                          list(plan.workers), plan.supervisor, NumberBook(set(plan.used_numbers)),
                          _id_supply())  # fmt: skip
    factory.case_numbers.update(plan.case_numbers)
    done, rowid = 0, plan.first_rowid
    while done < plan.cases:
        bundle = Bundle()
        target = min(plan.batch, plan.cases - done)
        while bundle.cases < target:
            factory.family(bundle, target - bundle.cases)
        now = now_iso()
        tables = []
        for table in TABLE_ORDER:
            rows = bundle.rows.get(table)
            if rows:
                bulk.complete_rows(rows, now, plan.supervisor)
                tables.append((table, bulk.group_rows(rows)))
        case_ids = [r["id"] for r in bulk.write_order(bundle.rows["cases"])]
        index, search = None, []
        found = bulk.memory_index_rows(plan.index_keys, bundle.rows, rowid) if plan.index_keys else None
        if found is not None:
            index = [indexing.all_index_values(r) for r in found if not r["deleted"]]
            search = [indexing._search_values(r) for r in found if not r["deleted"]]
        growth = bulk.memory_growth_rows(bundle.rows)
        yield _Batch(bundle.cases, tables, case_ids, rowid, index, search, growth)
        done += bundle.cases
        rowid += bundle.cases


def _produce(plan: _Plan, out: Any) -> None:
    """Child process: make the batches and put them on `out`, then None (or the error's text)."""
    gc.disable()  # millions of short-lived dicts and no cycles: collections would only cost time
    parent = multiprocessing.parent_process()
    try:
        for batch in _make_batches(plan):
            while True:  # the parent takes two batches ahead at most; stop if it is gone
                try:
                    out.put(batch, timeout=1)
                    break
                except Full:
                    if parent is not None and not parent.is_alive():
                        return
        out.put(None)
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        out.put(traceback.format_exc())


class _Child:
    """Makes the batches of a plan in a child process (started at once) while this process writes the
    previous ones. If the child cannot start (e.g. a frozen app without multiprocessing support), the
    batches are made here instead."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        ctx = multiprocessing.get_context("spawn")  # not fork: the caller may run threads (the app, tests)
        self.queue = ctx.Queue(maxsize=2)
        self.process = ctx.Process(target=_produce, args=(plan, self.queue), name="caseworker-demo-cases",
                                   daemon=True)  # fmt: skip
        try:
            self.process.start()
        except Exception:  # noqa: BLE001 - made here instead
            self.process = None

    def batches(self) -> Iterator[_Batch]:
        if self.process is None:
            yield from _make_batches(self.plan)
            return
        got = 0
        try:
            while True:
                try:
                    item = self.queue.get(timeout=0.5)
                except Empty:
                    if self.process.is_alive():
                        continue
                    if got == 0:
                        yield from _make_batches(self.plan)
                        return
                    raise RuntimeError(
                        f"making demo cases stopped (exit code {self.process.exitcode})"
                    ) from None
                if item is None:
                    break
                if isinstance(item, str):
                    raise RuntimeError(f"making demo cases failed:\n{item}")
                got += 1
                yield item
            self.process.join()
        finally:
            self.close()

    def close(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self.queue.close()
        self.queue.cancel_join_thread()


def _write_batch(store: Store, batch: _Batch) -> None:
    with store.transaction():
        first = None
        for table, groups in batch.tables:
            before = bulk.write_groups(store, table, groups)
            if table == "cases":
                first = before + 1
        if batch.index is not None and first == batch.first_rowid:
            bulk.write_index_rows(store, batch.index, batch.search, batch.growth)
        else:  # rows not as counted on (indexing reads what the load cannot supply): from the database
            bulk.index_new_cases(store, batch.case_ids)


def add_demo_cases(
    store: Store, cases: int, seed: int = 1, *, today: date | None = None, batch: int = BATCH_CASES,
    progress: Callable[[int, int], None] | None = None, child: bool | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> int:  # fmt: skip
    """Add `cases` demo cases to an open store (signed in as a supervisor); returns how many were added.

    The cases are made in a child process (`child`; by default for more than two batches) while this one
    writes: the same content either way. `meanwhile` runs once that has started, before the writing.
    """
    conn = store.conn
    used = frozenset(r[0] for r in conn.execute("SELECT nik FROM persons WHERE nik IS NOT NULL"
                                                " UNION SELECT no_kk FROM persons WHERE no_kk IS NOT NULL"))  # fmt: skip
    plan = _Plan(
        cases=cases, seed=seed, today=today or date.today(), batch=batch,
        existing=conn.execute("SELECT count(*) FROM cases").fetchone()[0], facility=store.user.facility_code,
        workers=tuple(u for u, _, role, _ in names.STAFF if role == "worker"), supervisor=store.user.username,
        used_numbers=used, case_numbers=frozenset(r[0] for r in conn.execute("SELECT case_number FROM cases")),
        first_rowid=conn.execute("SELECT coalesce(max(rowid), 0) FROM cases").fetchone()[0] + 1,
        index_keys=bulk.index_row_keys(store),
    )  # fmt: skip
    if child is None:
        child = cases > 2 * batch
    maker = _Child(plan) if child else None
    try:
        if meanwhile:
            meanwhile()
        return _write_all(store, plan, maker.batches() if maker else _make_batches(plan), progress)
    finally:
        if maker:
            maker.close()


def _write_all(store: Store, plan: _Plan, batches: Iterator[_Batch],
               progress: Callable[[int, int], None] | None) -> int:  # fmt: skip
    cases = plan.cases
    done = 0
    collecting = gc.isenabled()
    gc.disable()  # the batches are acyclic; reference counting frees them
    with contextlib.ExitStack() as restore:
        if collecting:
            restore.callback(gc.enable)
        with _bulk_load(
            store,
            large=cases > plan.batch,
            rebuild_indexes=plan.index_keys is not None and plan.existing < cases,
        ):
            for made in batches:
                _write_batch(store, made)
                done += made.cases
                if progress:
                    progress(done, cases)
    return done


# For a large load: a bigger page cache, and no fsync until the end (which syncs).
BULK_PRAGMAS = {"cache_size": -64000, "synchronous": 0}
# The search index buffers more terms before it writes a segment: fewer, bigger segments to merge.
FTS_BULK = {"hashsize": 16 * 1024 * 1024}
FTS_DEFAULTS = {"hashsize": 1024 * 1024}  # SQLite's default, restored after the load
# Tables whose indexes stay during a load: theirs grow at the end (ids and sequence numbers in time order).
KEEP_INDEXES_OF = ("outbox", "audit")


@contextlib.contextmanager
def _bulk_load(store: Store, *, large: bool, rebuild_indexes: bool) -> Iterator[None]:
    """One transaction for the whole load: the profile gets every new case with its index rows, or (if
    the load fails or is interrupted) none. A large load writes it through a rollback journal rather than
    the WAL (each page is written once instead of twice), and with `rebuild_indexes` drops the indexes
    that new rows land all over (names, NIKs, dates...) and builds them again, sorted, before the commit.
    Everything is set back afterwards, and the last commit is synced."""
    if not large:
        with store.transaction():
            yield
        return
    conn = store.conn
    before = {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in BULK_PRAGMAS}
    journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    for name, value in BULK_PRAGMAS.items():
        conn.execute(f"PRAGMA {name} = {value}")
    with contextlib.suppress(DatabaseError):  # another connection has the profile open: keep the WAL
        conn.execute("PRAGMA journal_mode = DELETE")
    _fts_config(store, FTS_BULK)
    try:
        with store.transaction():
            dropped = _drop_scattered_indexes(store) if rebuild_indexes else []
            yield
            for sql in dropped:
                conn.execute(sql)
    finally:
        conn.execute("PRAGMA synchronous = FULL")
        _fts_config(
            store, FTS_DEFAULTS, defaults=True
        )  # a small commit that syncs the file, the load's pages with it
        conn.execute(f"PRAGMA journal_mode = {journal}")
        for name, value in before.items():
            conn.execute(f"PRAGMA {name} = {value}")


def _drop_scattered_indexes(store: Store) -> list[str]:
    """Drop the indexes a load would update all over (kept: those of KEEP_INDEXES_OF and those led by a
    case or person id, which new rows extend at the end); returns their SQL to build them again."""
    conn = store.conn
    dropped = []
    for name, table, sql in conn.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall():
        lead = conn.execute(f"PRAGMA index_info('{name}')").fetchone()
        if table in KEEP_INDEXES_OF or (lead and lead[2] in ("case_id", "person_id")):
            continue
        conn.execute(f'DROP INDEX "{name}"')
        dropped.append(sql)
    return dropped


def _fts_config(store: Store, config: dict[str, int], *, defaults: bool = False) -> None:
    with store.transaction():
        for key, value in config.items():
            store.conn.execute("INSERT INTO case_search(case_search, rank) VALUES (?, ?)", [key, value])
            if defaults:  # leave the table's configuration as it was: nothing stored for the default
                store.conn.execute("DELETE FROM case_search_config WHERE k = ?", [key])


def fill_demo_profile(
    folder: Path, cases: int, seed: int = 1, *, today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoResult:  # fmt: skip
    start = time.perf_counter()
    store, created = _open_or_create_first(Path(folder))
    try:  # the worker logins are made while the cases are (a new profile's users come before its cases)
        added = add_demo_cases(store, cases, seed, today=today, progress=progress,
                               meanwhile=(lambda: add_staff(store)) if created else None)  # fmt: skip
        total = store.conn.execute("SELECT count(*) FROM cases WHERE deleted = 0").fetchone()[0]
    finally:
        store.close()
    return DemoResult(Path(folder), added, total, time.perf_counter() - start, created)


def create_demo_profile(folder: Path, cases: int, seed: int = 1) -> None:
    """For `caseworker --demo`: make (or extend) the demo profile at `folder` with `cases` more cases."""
    fill_demo_profile(Path(folder), cases, seed)
