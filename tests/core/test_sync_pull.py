"""Pull side of the sync engine against the real server app: cursors, resumption, rebasing, scope."""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path

import pytest

from caseworker.store import cases, queries, syncstate
from caseworker.store import repository as repo
from caseworker.store.schema import DATA_VERSION
from caseworker.sync import protocol as p
from caseworker.sync.transport import SyncError
from tests.core.sync_support import Device, LostResponse, Server, cheap_crypto, local_rows


def test_pull_cursor_never_skips_a_row_committed_late(devices, server):
    """Pushes commit while another device pulls page after page: it still ends with every row."""
    writers = [devices("budi"), devices("sri")]
    reader = devices("ani")
    done = threading.Event()
    errors: list[BaseException] = []

    def write(device) -> None:
        try:
            for i in range(12):
                _, case_id = device.new_case(f"Anak {device.username} {i}")
                cases.add_note(device.store, case_id, f"catatan {i}")
                device.sync()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    for t in threads:
        t.start()

    def read() -> None:
        while not done.is_set():
            reader.sync(pull_limit=3)

    reading = threading.Thread(target=read)
    reading.start()
    for t in threads:
        t.join()
    done.set()
    reading.join()
    assert not errors
    reader.sync()
    for table in ("cases", "persons", "notes"):
        assert set(local_rows(reader.store, table)) == set(server.rows(table)), table
    assert len(server.rows("cases")) == 24


def test_interrupted_pull_resumes_from_the_last_applied_page(devices, server):
    class CutPulls:
        def __init__(self, inner):
            self.inner, self.since, self.cut_after = inner, [], 3

        def pull(self, since, limit):
            if len(self.since) == self.cut_after:
                self.cut_after = -1
                raise LostResponse()
            self.since.append(since)
            return self.inner.pull(since, limit)

        def __getattr__(self, name):
            return getattr(self.inner, name)

    ani = devices("ani")
    for i in range(15):
        ani.new_case(f"Anak {i}")
    ani.sync()
    sri = devices("sri", wrap=CutPulls)
    with pytest.raises(SyncError):
        sri.sync(pull_limit=4)
    applied = syncstate.cursor(sri.store)
    assert applied > 0 and len(local_rows(sri.store, "cases")) + len(local_rows(sri.store, "persons")) == 12
    sri.sync(pull_limit=4)
    assert sri.transport.since[3] == applied  # continued from the stored cursor, not from zero
    assert set(local_rows(sri.store, "cases")) == set(server.rows("cases"))
    assert queries.count_cases(sri.store) == 15


def test_pull_never_overwrites_a_pending_local_edit(devices, server):
    ani, sri = devices("ani"), devices("sri")
    _, case_id = ani.new_case()
    ani.sync()
    sri.sync()
    repo.update(ani.store, "cases", case_id, {"risk": "high", "presenting_problem": "dari ani"})
    ani.sync()

    class EditDuringPush:
        def __init__(self, inner):
            self.inner = inner

        def push(self, request):
            repo.update(sri.store, "cases", case_id, {"risk": "low"})  # pending while the pull arrives
            return self.inner.push(request)

        def __getattr__(self, name):
            return getattr(self.inner, name)

    sri.transport = EditDuringPush(sri.http)
    cases.add_note(sri.store, case_id, "ada yang dikirim")
    assert sri.sync().completed
    row = sri.row("cases", case_id)
    assert row["risk"] == "low"  # the pending edit stays
    assert row["presenting_problem"] == "dari ani"  # the rest is rebased on the server's row
    sri.transport = sri.http
    result = sri.sync()
    # The pending edit was based on the old value, so the server sees a concurrent change: a conflict.
    assert result.conflicts == 1
    assert server.rows("cases")[case_id]["risk"] == "high"
    assert sri.row("cases", case_id)["risk"] == "high"


def test_child_record_arriving_before_its_parent_is_accepted(devices, server):
    ani, sri = devices("ani"), devices("sri")
    person_id, case_id, note_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())

    def mutation(table: str, row_id: str, fields: dict) -> p.Mutation:
        return p.Mutation(mutation_id=str(uuid.uuid4()), table=table, row_id=row_id, op="insert",
                          fields={**fields, "created_by": "ani"}, created_by="ani")  # fmt: skip

    note = mutation("notes", note_id, {"case_id": case_id, "kind": "visit", "text": "lebih dulu"})
    case = mutation("cases", case_id, {"person_id": person_id, "facility_code": "SDA", "assigned_to": "ani",
                                       "case_number": "SDA-26-AAAAAAAA", "stage": "pendekatan_awal", "status": "open",
                                       "category_code": "01", "opened_at": "2026-10-17"})  # fmt: skip
    person = mutation("persons", person_id, {"name": "Melati", "facility_code": "SDA"})
    for m in (note, person, case):  # the note before its case (a case's person must come before it)
        request = p.PushRequest(
            device_id=ani.store.device_id, protocol_version=1, schema_version=DATA_VERSION, mutations=[m]
        )
        assert ani.http.push(request).results[0].status == "applied"
    pages: list[list[str]] = []

    class Pages:
        def __init__(self, inner):
            self.inner = inner

        def pull(self, since, limit):
            page = self.inner.pull(since, limit)
            pages.append([c.table for c in page.changes])
            return page

        def __getattr__(self, name):
            return getattr(self.inner, name)

    sri.transport = Pages(sri.http)
    sri.sync(pull_limit=1)
    assert pages[0] == ["notes"]  # the child came alone, before its case
    assert sri.row("notes", note_id)["case_id"] == case_id
    assert sri.row("cases", case_id) is not None
    assert queries.find_case(sri.store, "SDA-26-AAAAAAAA") is not None


def test_no_out_of_scope_row_reaches_a_device_and_reassignment_removes_the_case(
    server_url: str, tmp_path: Path, monkeypatch
):
    cheap_crypto(monkeypatch)
    srv = Server(server_url, sda_scope="assigned")
    made: list[Device] = []
    leaks: list[str] = []

    def checked(username: str):
        class ScopeCheck:
            """Checks every pulled page against the server's own state at that moment."""

            def __init__(self, inner):
                self.inner = inner

            def pull(self, since, limit):
                page = self.inner.pull(since, limit)
                if username == "sri":  # the supervisor sees the whole facility
                    return page
                server_cases = srv.rows("cases")
                for c in page.changes:
                    row = c.row or {}
                    if c.op != "upsert":
                        continue
                    if row.get("facility_code") not in (None, "SDA"):
                        leaks.append(f"{username} got {c.table} {c.row_id} of another facility")
                    case = server_cases.get(row["id"] if c.table == "cases" else row.get("case_id"), {})
                    if c.table != "persons" and case and case.get("assigned_to") != username:
                        leaks.append(f"{username} got {c.table} {c.row_id}")
                    if c.table == "persons":
                        owners = {
                            k["assigned_to"] for k in server_cases.values() if k["person_id"] == c.row_id
                        }
                        if owners and username not in owners:
                            leaks.append(f"{username} got person {c.row_id}")
                return page

            def __getattr__(self, name):
                return getattr(self.inner, name)

        device = Device(srv, tmp_path / f"{username}-{len(made)}", username, wrap=ScopeCheck)
        made.append(device)
        return device

    try:
        ani, budi, sri = checked("ani"), checked("budi"), checked("sri")
        _, moved = ani.new_case("Pindah")
        cases.add_note(ani.store, moved, "catatan ani")
        _, kept = ani.new_case("Tetap")
        _, budis = budi.new_case("Milik Budi")
        for d in (ani, budi, sri, ani, budi):
            d.sync()
        assert set(local_rows(ani.store, "cases")) == {moved, kept}
        assert set(local_rows(budi.store, "cases")) == {budis}
        assert set(local_rows(sri.store, "cases")) == {moved, kept, budis}
        repo.update(sri.store, "cases", moved, {"assigned_to": "budi"})
        for d in (sri, ani, budi):
            d.sync()
        assert set(local_rows(ani.store, "cases")) == {kept}
        assert not [n for n in local_rows(ani.store, "notes").values() if n["case_id"] == moved]
        assert len(local_rows(ani.store, "persons")) == 1
        assert [c["case_id"] for c in ani.store.query("SELECT case_id FROM case_index")] == [kept]
        assert set(local_rows(budi.store, "cases")) == {moved, budis}
        assert len(local_rows(budi.store, "notes")) == 1
        assert not leaks
    finally:
        for d in made:
            d.close()
        srv.close()


def test_a_case_made_on_a_laptop_and_reassigned_before_its_next_pull_leaves_the_laptop(
    server_url: str, tmp_path: Path, monkeypatch
):
    """Ani's push reaches the server but her pull is cut; the supervisor hands the new case to Budi. The
    server knows Ani's laptop holds the case from her push, so her next pull takes it (and its person and
    note) off her laptop, as a fresh laptop of hers would never have it."""
    cheap_crypto(monkeypatch)
    srv = Server(server_url, sda_scope="assigned")

    class PullCut:
        def __init__(self, inner):
            self.inner, self.cut = inner, True

        def pull(self, since, limit):
            if self.cut:
                raise LostResponse()
            return self.inner.pull(since, limit)

        def __getattr__(self, name):
            return getattr(self.inner, name)

    ani = Device(srv, tmp_path / "ani", "ani", wrap=PullCut)
    sri = Device(srv, tmp_path / "sri", "sri")
    fresh = None
    try:
        person_id, case_id = ani.new_case("Dibawa Pergi")
        cases.add_note(ani.store, case_id, "kunjungan pertama")
        with pytest.raises(SyncError):
            ani.sync()  # pushed, then the connection dropped
        assert ani.pending() == 0 and case_id in srv.rows("cases")
        sri.sync()
        repo.update(sri.store, "cases", case_id, {"assigned_to": "budi"})
        sri.sync()
        ani.transport.cut = False
        ani.sync()
        assert ani.row("cases", case_id) is None and ani.row("persons", person_id) is None
        assert local_rows(ani.store, "notes") == {}
        fresh = Device(srv, tmp_path / "ani-fresh", "ani")
        fresh.sync()
        assert local_rows(fresh.store, "persons") == local_rows(ani.store, "persons") == {}
    finally:
        for device in (ani, sri, fresh):
            if device is not None:
                device.close()
        srv.close()


def test_a_lost_removal_is_sent_again_after_the_case_changed_again(
    server_url: str, tmp_path: Path, monkeypatch
):
    """The page carrying a case's removal is lost; the case then changes again (a new seq) before the laptop
    pulls past it. The server must not take the removal as received: it comes again with the new seq."""
    cheap_crypto(monkeypatch)
    srv = Server(server_url, sda_scope="assigned")

    class LoseOnePull:
        def __init__(self, inner):
            self.inner, self.lose = inner, False

        def pull(self, since, limit):
            page = self.inner.pull(since, limit)  # the server answered...
            if self.lose:
                self.lose = False
                raise LostResponse()  # ...but the answer never arrived
            return page

        def __getattr__(self, name):
            return getattr(self.inner, name)

    ani = Device(srv, tmp_path / "ani", "ani", wrap=LoseOnePull)
    sri = Device(srv, tmp_path / "sri", "sri")
    try:
        _, moved = sri.new_case("Pindah Tangan", assigned_to="ani")
        sri.sync()
        ani.sync()
        assert ani.row("cases", moved) is not None
        repo.update(sri.store, "cases", moved, {"assigned_to": "budi"})
        sri.sync()
        ani.transport.lose = True
        with pytest.raises(SyncError):
            ani.sync()  # the removal was sent and lost
        sri.new_case("Kasus Baru Ani", assigned_to="ani")  # rows the laptop will pull past the lost page with
        repo.update(sri.store, "cases", moved, {"risk": "high"})  # the moved case gets a new seq
        sri.sync()
        ani.sync(pull_limit=1)
        assert ani.row("cases", moved) is None
        assert {r["name"] for r in ani.store.query("SELECT name FROM persons")} == {"Kasus Baru Ani"}
    finally:
        ani.close()
        sri.close()
        srv.close()


def _copies(device) -> dict[tuple[str, str], dict]:
    rows = device.store.conn.execute("SELECT table_name, row_id, data FROM sync_base").fetchall()
    return {(t, r): json.loads(d) for t, r, d in rows}


def test_a_pulled_row_is_its_own_base_copy_until_a_local_change_keeps_one(devices, server):
    """Issue 22: a pulled row without pending changes keeps no copy in sync_base (it is the server's copy);
    the first local change keeps the row as it was as the base, so the server still sees what changed on
    each side: a different field merges, the same field is a conflict. A copy left by an older version is
    dropped when its row comes again."""
    ani, sri = devices("ani"), devices("sri")
    person_id, case_id = ani.new_case(risk="low", presenting_problem="awal")
    ani.sync()
    sri.sync()
    assert _copies(sri) == {}  # nothing kept that the laptop has as it is
    before = sri.row("cases", case_id)
    repo.update(sri.store, "cases", case_id, {"risk": "high"})
    copy = _copies(sri)[("cases", case_id)]
    assert copy == {k: before[k] for k in copy} and copy["risk"] == "low" and copy["version"] >= 1
    repo.update(sri.store, "cases", case_id, {"presenting_problem": "kedua"})  # the first copy stays
    assert _copies(sri)[("cases", case_id)]["presenting_problem"] == "awal"
    repo.update(ani.store, "cases", case_id, {"presenting_problem": "dari ani"})
    assert ani.sync().rejected == 0
    assert sri.sync().conflicts == 1  # presenting_problem: both changed it from 'awal'
    assert server.rows("cases")[case_id]["risk"] == "high"  # risk only sri changed: taken
    sri.sync()
    assert sri.pending() == 0 and ("cases", case_id) not in _copies(sri)  # its own copy again
    # A copy an older version kept for a row without pending changes goes when the row comes again.
    with sri.store.transaction():
        sri.store.conn.execute(
            "INSERT INTO sync_base (table_name, row_id, data, version) VALUES ('persons', ?, '{}', 1)",
            [person_id],
        )
    repo.update(ani.store, "persons", person_id, {"nickname": "Mel"})
    ani.sync()
    sri.sync()
    assert _copies(sri) == {} and sri.row("persons", person_id)["nickname"] == "Mel"
    # A deletion keeps the copy too, and the server sees it was based on the row it holds.
    conflicts = len(server.rows("conflicts"))
    repo.delete(sri.store, "cases", case_id)
    assert _copies(sri)[("cases", case_id)]["deleted"] == 0
    sri.sync()
    assert server.rows("cases")[case_id]["deleted"] == 1 and len(server.rows("conflicts")) == conflicts


class _Pages:
    """A transport whose pulls answer at once from pages fetched before (or wait for `gate` from the
    `wait_from`th pull on), counting them."""

    def __init__(self, inner, pages, wait_from=None):
        self.inner, self.pages, self.calls = inner, {pg.cursor_from: pg.page for pg in pages}, 0
        self.gate, self.wait_from, self.waiting = threading.Event(), wait_from, threading.Event()

    def pull(self, since, limit):
        self.calls += 1
        if self.wait_from is not None and self.calls >= self.wait_from:
            self.waiting.set()
            assert self.gate.wait(10)
        return self.pages[since]

    def __getattr__(self, name):
        return getattr(self.inner, name)


class _Fetched:
    def __init__(self, cursor_from, page):
        self.cursor_from, self.page = cursor_from, page


def _pages_of(device, limit: int) -> list[_Fetched]:
    out, since = [], 0
    while True:
        page = device.http.pull(since, limit)
        out.append(_Fetched(since, page))
        if not page.has_more:
            return out
        since = page.cursor


def _commits(store) -> list[str]:
    seen: list[str] = []
    store.conn.set_trace_callback(lambda sql: seen.append(sql) if sql.strip().upper() == "COMMIT" else None)
    return seen


def test_pulled_pages_already_here_are_applied_in_one_transaction(devices, server, monkeypatch):
    """Issue 22: a page that is here when the one before it is applied joins its transaction (fewer
    commits on a first sync), each page's cursor with it; the rows and the case list are as after one
    transaction a page."""
    from caseworker.sync import engine

    ani = devices("ani")
    for i in range(6):
        ani.new_case(f"Anak {i}")
    ani.sync()
    sri = devices("sri")
    pages = _pages_of(sri, 3)
    assert len(pages) >= 4
    real = engine.apply_page

    def slow_apply(*args):  # time for the next page to arrive meanwhile
        time.sleep(0.05)
        return real(*args)

    monkeypatch.setattr(engine, "apply_page", slow_apply)
    sri.transport = _Pages(sri.http, pages)
    commits = _commits(sri.store)
    assert sri.sync(pull_limit=3).completed
    sri.store.conn.set_trace_callback(None)
    pull_commits = len(commits) - 1  # record_sync commits once after the pull
    assert 1 <= pull_commits < len(pages), (pull_commits, len(pages))
    assert syncstate.cursor(sri.store) == pages[-1].page.cursor
    assert set(local_rows(sri.store, "cases")) == set(server.rows("cases"))
    assert queries.count_cases(sri.store) == 6


def test_a_group_of_pulled_pages_never_waits_for_the_network_inside_its_transaction(devices, server):
    """While the next page is on its way, the pages applied so far are committed with their cursor."""
    ani = devices("ani")
    for i in range(4):
        ani.new_case(f"Anak {i}")
    ani.sync()
    sri = devices("sri")
    pages = _pages_of(sri, 2)
    sri.transport = slow = _Pages(sri.http, pages, wait_from=3)
    done = threading.Thread(target=lambda: sri.sync(pull_limit=2))
    done.start()
    try:
        assert slow.waiting.wait(10)
        time.sleep(0.2)  # the first pages applied while the third is on its way
        cursor = sri.store.conn.execute("SELECT value FROM meta WHERE key = 'sync_cursor'").fetchone()
        assert not sri.store.conn.in_transaction  # what was applied is committed, nothing holds the lock
        assert cursor is not None and int(cursor[0]) == pages[1].page.cursor
    finally:
        slow.gate.set()
        done.join(30)
    assert syncstate.cursor(sri.store) == pages[-1].page.cursor
    assert queries.count_cases(sri.store) == 4


def test_own_writes_coming_back_as_held_here_only_take_their_version(devices, server):
    """Issue 22: what this laptop pushed comes back with the next pull; a row that is here as the server
    holds it is not written or indexed again (a pushed register of 20,000 clients took 15 s of CPU to
    pull back), it only takes the server's version. A row the server merged is written as any."""
    ani, sri = devices("ani"), devices("sri")
    ids = [ani.new_case(f"Anak {i}")[1] for i in range(3)]
    for case_id in ids:
        cases.add_note(ani.store, case_id, "Kunjungan rumah pertama")
    seen: list[str] = []
    ani.store.conn.set_trace_callback(seen.append)
    assert ani.sync().completed
    ani.store.conn.set_trace_callback(None)
    assert not [
        q for q in seen if q.startswith(("INSERT INTO cases", "INSERT INTO persons", "INSERT INTO notes"))
    ]
    assert [q for q in seen if q.startswith("UPDATE cases SET version")]
    sri.sync()
    for table in ("persons", "cases", "notes"):
        assert local_rows(ani.store, table) == local_rows(sri.store, table)  # versions included
    assert queries.count_cases(ani.store, queries.CaseFilter(text="pertama")) == 3  # still found
    # Edits of different fields: ani's comes back merged with sri's, and is written as the server has it.
    repo.update(sri.store, "cases", ids[0], {"risk": "high"})
    sri.sync()
    repo.update(ani.store, "cases", ids[0], {"presenting_problem": "gizi kurang"})
    ani.sync()
    row = ani.row("cases", ids[0])
    assert (row["risk"], row["presenting_problem"]) == ("high", "gizi kurang")
    assert row["version"] == server.rows("cases")[ids[0]]["version"]
