"""A shared laptop ("Ganti pengguna"): two users of one encrypted profile, each syncing with their own server
session. Each edit reaches the server under its author; a user without a session here is asked to sign in
(never given the other user's session); the other user's pending edits wait for their own sync."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from caseworker.store import cases, syncstate
from caseworker.store.profile import add_user, open_profile
from caseworker.store.store import Store
from caseworker.sync import protocol as p
from caseworker.sync import state
from caseworker.sync.engine import SyncResult, sync
from caseworker.sync.enrol import enrol, transport_for
from caseworker.sync.tokens import TokenStore
from caseworker.sync.transport import HttpTransport, LoginExpired, LoginRequired
from tests.core.sync_support import PASSWORD, Server, cheap_crypto


class Recorder:
    """Records what goes over the wire: each push's mutations with the user whose session sent them."""

    def __init__(self, inner: HttpTransport) -> None:
        self.inner = inner
        self.pushes: list[tuple[str | None, p.PushRequest]] = []
        self.pulled: list[p.Change] = []

    def push(self, request: p.PushRequest) -> p.PushResponse:
        response = self.inner.push(request)  # LoginExpired: nothing reached the server
        self.pushes.append((self.inner.username, request))
        return response

    def pull(self, since: int, limit: int) -> p.PullResponse:
        page = self.inner.pull(since, limit)
        self.pulled.extend(page.changes)
        return page

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class Laptop:
    """One profile folder enrolled by `sri` (supervisor), with `ani` (worker) given a login of her own."""

    def __init__(self, server: Server, folder: Path) -> None:
        self.server, self.folder = server, folder

        def factory(url: str, device_id: str) -> HttpTransport:
            return HttpTransport(None, device_id, client=server.client)

        self.factory = factory
        store, first = enrol(folder, "http://testserver", "sri", PASSWORD, transport_factory=factory)
        add_user(store, "ani", PASSWORD, "worker", "Ani")
        first.close = lambda: None  # the TestClient is shared
        self.store: Store = store
        self.transport = Recorder(transport_for(store, factory))  # type: ignore[arg-type]

    def switch(self, username: str) -> None:
        """Ganti pengguna: close the profile, open it as another user with a fresh transport."""
        self.store.close()
        self.store = open_profile(self.folder, username, PASSWORD)
        self.transport = Recorder(transport_for(self.store, self.factory))  # type: ignore[arg-type]

    def sync(self) -> SyncResult:
        return sync(self.store, self.transport)  # type: ignore[arg-type]

    def sign_in_and_sync(self) -> SyncResult:
        """What the app does on LoginExpired: the user types their own server password, the sync continues."""
        self.transport.login(self.store.user.username, PASSWORD)
        return self.sync()

    def pending_of(self, username: str) -> int:
        row = self.store.conn.execute(
            "SELECT count(*) FROM outbox WHERE created_by = ?", [username]
        ).fetchone()
        return int(row[0])


@pytest.fixture
def laptop(server_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Laptop]:
    cheap_crypto(monkeypatch)
    srv = Server(server_url, sda_scope="assigned")  # a worker receives only her own cases
    made = Laptop(srv, tmp_path / "shared")
    yield made
    made.store.close()
    srv.close()


def _new_case(store: Store, name: str) -> tuple[str, str]:
    person = cases.register_person(store, {"name": name, "sex": "P", "birth_date": "2025-03-01"}).id
    return person, cases.open_case(store, person, "01")


def test_each_user_syncs_with_their_own_session_and_authorship(laptop: Laptop) -> None:
    server = laptop.server
    sri_person, sri_case = _new_case(laptop.store, "Bayi Melati")  # sri works offline
    laptop.switch("ani")
    ani_person, ani_case = _new_case(laptop.store, "Bayi Kenanga")  # ani works offline
    cases.add_note(laptop.store, ani_case, "kunjungan pertama")

    # ani has no server session on this laptop: she is asked to sign in, never handed sri's session.
    with pytest.raises(LoginRequired) as info:
        laptop.sync()
    assert info.value.user == "ani" and "ani" in info.value.text("id") and "ani" in info.value.text("en")
    assert laptop.transport.pushes == [] and server.rows("cases") == {}
    assert TokenStore(laptop.store.device_id, "ani").load() is None

    result = laptop.sign_in_and_sync()
    assert result.completed and result.pushed == 3 and result.waiting == 2
    assert [user for user, _ in laptop.transport.pushes] == ["ani"]
    sent = [m for _, request in laptop.transport.pushes for m in request.mutations]
    assert {m.created_by for m in sent} == {"ani"} and {m.row_id for m in sent} >= {ani_person, ani_case}
    rows = server.rows("cases")
    assert set(rows) == {ani_case}  # sri's case waits for sri
    assert (rows[ani_case]["created_by"], rows[ani_case]["updated_by"]) == ("ani", "ani")
    assert [n["created_by"] for n in server.rows("notes").values()] == ["ani"]
    # sri's edits stay pending, counted as waiting for another user
    assert laptop.pending_of("sri") == 2 and laptop.pending_of("ani") == 0
    assert state.waiting_for_others(laptop.store) == 2
    assert syncstate.pending_count(laptop.store) == 2

    # back to sri: the server gave the device to ani, so sri signs in again (ani's session is the proof
    # that this laptop holds the device) and her own edits go up under her name.
    laptop.switch("sri")
    with pytest.raises(LoginExpired):
        laptop.sync()
    assert laptop.transport.pushes == []
    result = laptop.sign_in_and_sync()
    assert result.completed and result.pushed == 2 and result.waiting == 0
    assert [user for user, _ in laptop.transport.pushes] == ["sri"]
    assert {m.created_by for _, r in laptop.transport.pushes for m in r.mutations} == {"sri"}
    rows = server.rows("cases")
    assert (rows[sri_case]["created_by"], rows[sri_case]["updated_by"]) == ("sri", "sri")
    assert server.rows("persons")[sri_person]["created_by"] == "sri"
    assert (rows[ani_case]["created_by"], rows[ani_case]["updated_by"]) == ("ani", "ani")
    assert syncstate.pending_count(laptop.store) == 0
    assert laptop.store.profile["device_id"] == laptop.transport.device_id  # no new device id was needed


def test_an_edit_of_the_other_users_case_goes_up_under_its_own_author(laptop: Laptop) -> None:
    """sri (supervisor) and then ani change the same synced case on the laptop; each change is stamped
    with the name of who made it, whichever order they sync in."""
    server = laptop.server
    _, case_id = _new_case(laptop.store, "Bayi Melati")
    cases.update_case(laptop.store, case_id, {"assigned_to": "ani"})
    assert laptop.sync().completed
    cases.update_case(laptop.store, case_id, {"risk": "high"})  # sri, offline
    laptop.switch("ani")
    cases.update_case(laptop.store, case_id, {"presenting_problem": "gizi kurang"})  # ani, offline
    result = laptop.sign_in_and_sync()
    assert result.completed and result.pushed == 1 and result.waiting == 1
    row = server.rows("cases")[case_id]
    assert (row["presenting_problem"], row["updated_by"]) == ("gizi kurang", "ani") and row["risk"] != "high"
    laptop.switch("sri")
    result = laptop.sign_in_and_sync()
    assert result.completed and result.pushed == 1
    row = server.rows("cases")[case_id]
    assert (row["presenting_problem"], row["risk"], row["updated_by"]) == ("gizi kurang", "high", "sri")


def test_a_change_of_the_other_users_unsent_case_waits_for_it(laptop: Laptop) -> None:
    """sri opens a case for ani offline; ani changes it and writes a note before sri synced. The server
    does not know the case yet, so ani's changes are held (not sent to be refused) and go up with ani's
    sync after sri's, each under its author."""
    server = laptop.server
    person = cases.register_person(
        laptop.store, {"name": "Bayi Melati", "sex": "P", "birth_date": "2025-03-01"}
    )
    case_id = cases.open_case(laptop.store, person.id, "01", assigned_to="ani")
    laptop.switch("ani")
    cases.update_case(laptop.store, case_id, {"risk": "high"})
    note = cases.add_note(laptop.store, case_id, "kunjungan")
    _, own_case = _new_case(laptop.store, "Bayi Kenanga")
    result = laptop.sign_in_and_sync()
    assert result.completed and result.rejected == 0 and result.pushed == 2
    assert result.waiting == 4  # ani's two held changes and sri's two
    assert set(server.rows("cases")) == {own_case} and server.rows("notes") == {}
    assert laptop.pending_of("ani") == 2 and laptop.pending_of("sri") == 2
    laptop.switch("sri")
    assert laptop.sign_in_and_sync().completed
    assert server.rows("cases")[case_id]["created_by"] == "sri"
    laptop.switch("ani")
    result = laptop.sign_in_and_sync()
    assert result.completed and result.pushed == 2 and result.rejected == 0 and result.waiting == 0
    row = server.rows("cases")[case_id]
    assert (row["risk"], row["created_by"], row["updated_by"]) == ("high", "sri", "ani")
    assert server.rows("notes")[note]["created_by"] == "ani"
    assert syncstate.pending_count(laptop.store) == 0


def test_the_second_user_receives_only_their_own_scope(laptop: Laptop) -> None:
    """After ani syncs on sri's laptop the server starts the device over from zero in ani's scope: what she
    pulls is hers, and sri's case (outside ani's scope, nothing pending) is sent as a removal; it comes
    back with sri's next sync."""
    _, sri_case = _new_case(laptop.store, "Bayi Melati")  # assigned to sri
    assert laptop.sync().completed
    laptop.switch("ani")
    _, ani_case = _new_case(laptop.store, "Bayi Kenanga")
    assert laptop.sign_in_and_sync().completed
    assert laptop.server.rows("cases")[ani_case]["created_by"] == "ani"  # sent with ani's session
    pulled = laptop.transport.pulled
    assert {c.row_id for c in pulled if c.table == "cases" and c.op == "upsert"} == {ani_case}
    assert sri_case in {c.row_id for c in pulled if c.op == "remove"}
    assert laptop.store.one("SELECT id FROM cases WHERE id = ?", [sri_case]) is None
    laptop.switch("sri")
    assert laptop.sign_in_and_sync().completed
    assert {r["id"] for r in laptop.store.query("SELECT id FROM cases")} == {sri_case, ani_case}


def test_the_cli_says_what_to_do_when_the_second_user_cannot_sign_in(laptop: Laptop) -> None:
    from caseworker.commands.sync_cmds import _run_sync
    from caseworker.sync.transport import SyncError

    _new_case(laptop.store, "Bayi Melati")
    laptop.switch("ani")
    with pytest.raises(SyncError) as info:
        _run_sync(laptop.store, laptop.transport, "bukan-kata-sandinya", True)  # type: ignore[arg-type]
    assert info.value.key == "sync_cli_login_required"
    assert "caseworker sync --user ani" in info.value.text("id") and "ani" in info.value.text("en")
    assert laptop.server.rows("cases") == {} and laptop.pending_of("sri") == 2
    result = _run_sync(laptop.store, laptop.transport, PASSWORD, True)  # type: ignore[arg-type]
    assert result.completed and result.waiting == 2 and laptop.server.rows("cases") == {}
