"""Login hardening (issue 14): attempts counted before the password is checked, the client's address only
from a configured proxy, no usernames in clear in the failure table, device ids bound to their account.
Server tests on SQLite and PostgreSQL; the client's part (a shared laptop switching users) at the end."""

from __future__ import annotations

import threading
import time
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from caseworker import i18n
from caseworker.security.keyslots import SlotFile, make_slot
from caseworker.server import admin, auth, cli
from caseworker.server.app import create_app
from caseworker.server.auth import Settings
from caseworker.server.db import Database, login_failures, meta
from caseworker.store import cases, syncstate
from caseworker.store.profile import SLOTS_FILE, open_profile, read_profile
from caseworker.sync.engine import sync
from caseworker.sync.enrol import enrol, transport_for
from caseworker.sync.tokens import TokenStore
from caseworker.sync.transport import HttpTransport, SyncError
from tests.core.sync_support import Server, cheap_crypto
from tests.server.helpers import PASSWORD

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient


def _login(client, username="ani", password=PASSWORD, device_id="dev-1", headers=None, **extra):
    body = {"username": username, "password": password, "device_id": device_id, "device_name": "laptop"}
    return client.post("/auth/login", json={**body, **extra}, headers=headers or {})


# -- 1. attempts are counted before the password is checked ---------------------------------------------


def test_concurrent_wrong_guesses_get_at_most_the_limit_of_checks(db, world, monkeypatch):
    real_verify = auth.verify_password
    calls: list[int] = []
    answers: list[int] = []
    lock = threading.Lock()
    gate = threading.Event()

    def counting_verify(stored: str | None, password: str) -> bool:
        with lock:
            calls.append(1)
        gate.wait(timeout=20)  # every guess that gets here is checked at the same time
        return real_verify(stored, password)

    monkeypatch.setattr(auth, "verify_password", counting_verify)
    settings = Settings()
    guesses = 8
    with TestClient(create_app(db, settings, create_schema=False, threads=guesses * 2)) as client:

        def guess() -> None:
            status = _login(client, password="salah-salah").status_code
            with lock:
                answers.append(status)

        threads = [threading.Thread(target=guess) for _ in range(guesses)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20  # a bound on waiting, not a timing assertion
        while len(calls) + len(answers) < guesses and time.monotonic() < deadline:
            time.sleep(0.01)  # until every guess is either being checked or answered
        gate.set()
        for thread in threads:
            thread.join()
    assert len(calls) == settings.user_failure_limit
    assert sorted(answers) == [401] * len(calls) + [429] * (guesses - len(calls))


def test_a_correct_password_gives_its_attempt_back(client, world, settings):
    settings.now = lambda: 3_000_000.0
    for _ in range(settings.address_failure_limit + 5):  # an office behind one address logs in all day
        assert _login(client).status_code == 200
    for _ in range(settings.user_failure_limit - 1):
        assert _login(client, password="salah-salah").status_code == 401
    assert _login(client).status_code == 200  # the last allowed attempt, right: in, and the count cleared
    assert _login(client, password="salah-salah").status_code == 401
    with client.app.state.database.read() as conn:
        rows = conn.execute(select(login_failures)).all()
    assert sorted(r.failures for r in rows) == [1, 5]  # ani: one since the success; the address: all five


# -- 2. the client's address comes from a configured proxy only ------------------------------------------


def _client_from(db: Database, settings: Settings, peer: str) -> TestClient:
    return TestClient(create_app(db, settings, create_schema=False), client=(peer, 40000))


def test_forwarded_for_from_an_unconfigured_peer_does_not_escape_the_address_limit(db, world):
    settings = Settings(now=lambda: 4_000_000.0)
    with _client_from(db, settings, "127.0.0.1") as client:
        for i in range(settings.address_failure_limit):
            forged = {"X-Forwarded-For": f"198.51.100.{i}"}
            assert _login(client, f"guess{i}", "salah-salah", headers=forged).status_code == 401
        resp = _login(client, "budi", headers={"X-Forwarded-For": "203.0.113.99"})
    assert resp.status_code == 429 and resp.json()["error"] == "too_many_attempts"


def test_a_trusted_proxy_names_the_client_by_the_rightmost_hop_it_does_not_trust(db, world):
    settings = Settings(trusted_proxies=("10.0.0.0/24",), now=lambda: 5_000_000.0)
    with _client_from(db, settings, "10.0.0.1") as client:
        # Behind the proxy, different offices are different addresses: 25 failures, none locked out.
        for i in range(25):
            resp = _login(client, f"guess{i}", "salah-salah", headers={"X-Forwarded-For": f"198.51.100.{i}"})
            assert resp.status_code == 401
        # A client writing its own X-Forwarded-For only adds hops to the left of the one the proxy wrote.
        for i in range(settings.address_failure_limit):
            chain = {"X-Forwarded-For": f"192.0.2.{i}, 203.0.113.7, 10.0.0.2"}
            assert _login(client, f"other{i}", "salah-salah", headers=chain).status_code == 401
        chain = {"X-Forwarded-For": "192.0.2.200, 203.0.113.7"}
        assert _login(client, "budi", headers=chain).status_code == 429
        assert _login(client, "budi", headers={"X-Forwarded-For": "198.51.100.77"}).status_code == 200


def test_client_address_rules():
    none = Settings()
    assert auth.client_address(none, "127.0.0.1", ["1.2.3.4"]) == "127.0.0.1"
    assert auth.client_address(none, None, []) == "unknown"
    proxied = Settings(trusted_proxies=("10.0.0.1", "fd00::/8"))
    assert auth.client_address(proxied, "10.0.0.1", ["1.1.1.1, 2.2.2.2", "10.0.0.1"]) == "2.2.2.2"
    assert auth.client_address(proxied, "fd00::5", ["2001:db8::1"]) == "2001:db8::1"
    assert auth.client_address(proxied, "10.0.0.1", ["not-an-ip"]) == "not-an-ip"
    assert auth.client_address(proxied, "10.0.0.1", []) == "10.0.0.1"
    assert auth.client_address(proxied, "10.0.0.2", ["1.1.1.1"]) == "10.0.0.2"


def test_serve_believes_forwarded_headers_only_from_configured_proxies(tmp_path, monkeypatch, capsys):
    import uvicorn

    runs: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: runs.append((app, options)))
    monkeypatch.delenv(auth.TRUSTED_PROXIES_ENV, raising=False)
    url = f"sqlite:///{tmp_path / 'server.db'}"
    assert cli.main(["serve", "--database-url", url]) == 0
    app, options = runs[-1]
    assert options["proxy_headers"] is False and "forwarded_allow_ips" not in options
    assert app.state.settings.trusted_proxies == ()
    argv = ["serve", "--database-url", url, "--trusted-proxy", "10.0.0.5", "--trusted-proxy", "10.1.0.0/16"]
    assert cli.main(argv) == 0
    app, options = runs[-1]
    assert options["proxy_headers"] is True and options["forwarded_allow_ips"] == ["10.0.0.5", "10.1.0.0/16"]
    assert app.state.settings.trusted_proxies == ("10.0.0.5", "10.1.0.0/16")
    monkeypatch.setenv(auth.TRUSTED_PROXIES_ENV, "10.2.0.1")
    assert cli.main(["serve", "--database-url", url]) == 0
    assert runs[-1][1]["forwarded_allow_ips"] == ["10.2.0.1"]
    assert cli.main(["serve", "--database-url", url, "--trusted-proxy", "proxy.local"]) == 2
    assert "--trusted-proxy proxy.local" in capsys.readouterr().err


# -- 3. the failure table keeps keyed hashes, never names ------------------------------------------------


def test_failed_logins_keep_no_username_or_address_in_clear(client, world):
    with world.write() as conn:  # a row as an older server version wrote it
        conn.execute(
            login_failures.insert().values(key="user:ani", failures=2, last_failure_at=1.0, locked_until=0.0)
        )
    for username in ("ani", "siti-rahasia", "Ani"):
        assert _login(client, username, "salah-salah").status_code == 401
    with world.read() as conn:
        rows = [tuple(r) for r in conn.execute(select(login_failures))]
        secret = conn.execute(select(meta.c.value).where(meta.c.key == "login_key_secret")).scalar()
    stored = repr(rows).lower()
    assert rows and all(word not in stored for word in ("ani", "siti", "rahasia", "testclient", "user:"))
    assert sorted(r[1] for r in rows) == [1, 2, 3]  # ani (either case), siti-rahasia, and the address
    assert secret and len(bytes.fromhex(secret)) == 32
    # The throttle still works on the hashed keys.
    for _ in range(3):
        _login(client, "ani", "salah-salah")
    assert _login(client, "ani").status_code == 429


def test_each_server_keys_its_hashes_with_its_own_secret(db, world, tmp_path):
    other = Database(f"sqlite:///{tmp_path / 'other.db'}")
    other.create_schema()
    try:
        keys = []
        for database in (db, other):
            with database.write() as conn:
                keys.append(auth.throttle_keys(auth._key_secret(conn), "ani", "10.0.0.1"))
            with database.write() as conn:  # made once, then kept
                assert auth.throttle_keys(auth._key_secret(conn), "ani", "10.0.0.1") == keys[-1]
        assert keys[0] != keys[1]
    finally:
        other.dispose()


# -- 4. a device id belongs to its first account --------------------------------------------------------


def _pull(client, body: dict[str, Any]):
    return client.get("/sync/pull", headers={"Authorization": f"Bearer {body['access_token']}"})


def test_a_known_device_id_alone_does_not_take_the_device_over(client, world):
    ani = _login(client, device_id="laptop-ani").json()
    budi_elsewhere = _login(client, "budi", device_id="laptop-budi").json()
    for proof in ({}, {"device_token": "tebakan"}, {"device_token": ani["access_token"]},
                  {"device_token": budi_elsewhere["refresh_token"]}):  # fmt: skip
        resp = _login(client, "budi", device_id="laptop-ani", **proof)
        assert resp.status_code == 409, proof
        body = resp.json()
        assert body["error"] == "device_bound" and body["message_id"] != body["message_en"]
    assert _pull(client, ani).status_code == 200  # ani's session is untouched
    assert [d["username"] for d in admin.list_devices(world) if d["device_id"] == "laptop-ani"] == ["ani"]
    # Refused takeovers are not failed passwords: budi is not locked out.
    assert _login(client, "budi", device_id="laptop-budi").status_code == 200


def test_the_device_holder_may_hand_it_over_with_its_refresh_token(client, world):
    ani = _login(client, device_id="shared").json()
    resp = _login(client, "budi", device_id="shared", device_token=ani["refresh_token"])
    assert resp.status_code == 200
    assert _pull(client, ani).status_code == 401  # the old sessions ended
    assert _pull(client, resp.json()).status_code == 200
    # Now the device is budi's: ani's old token proves nothing, budi's does.
    assert _login(client, device_id="shared", device_token=ani["refresh_token"]).status_code == 409
    assert _login(client, device_id="shared", device_token=resp.json()["refresh_token"]).status_code == 200


def test_the_same_user_needs_no_proof_even_after_a_month_offline(client, world, settings):
    start = 6_000_000.0
    settings.now = lambda: start
    ani = _login(client, device_id="laptop-ani").json()
    settings.now = lambda: start + 40 * 86400  # every token of the device has expired
    assert _login(client, device_id="laptop-ani").status_code == 200
    # An expired refresh token is no proof for another account.
    resp = _login(client, "budi", device_id="laptop-ani", device_token=ani["refresh_token"])
    assert resp.status_code == 409


def test_a_revoked_device_stays_refused_whatever_the_proof(client, world):
    ani = _login(client, device_id="laptop-ani").json()
    admin.revoke_device(world, "laptop-ani")
    resp = _login(client, "budi", device_id="laptop-ani", device_token=ani["refresh_token"])
    assert resp.status_code == 403 and resp.json()["error"] == "device_revoked"


def test_a_forged_forwarded_for_does_not_escape_the_throttle_of_a_real_server(tmp_path):
    # uvicorn itself believes X-Forwarded-For from 127.0.0.1 unless `serve` turns that off.
    from tests.e2e.test_sync_cli import ServerProcess

    srv = ServerProcess(f"sqlite:///{tmp_path / 'server.db'}")
    srv.start()
    try:
        with httpx.Client(base_url=srv.url, timeout=60) as http:
            limit = Settings().address_failure_limit
            answers = [
                _login(http, f"guess{i}", "salah-salah", headers={"X-Forwarded-For": f"198.51.100.{i}"})
                for i in range(limit + 1)
            ]
    finally:
        srv.stop()
    assert [r.status_code for r in answers] == [401] * limit + [429]


# -- 4, the laptop: "Ganti pengguna" on a shared laptop ---------------------------------------------------


@pytest.fixture
def sync_server(server_db_url: str, monkeypatch: pytest.MonkeyPatch):
    cheap_crypto(monkeypatch)
    srv = Server(server_db_url)
    yield srv
    srv.close()


def _shared_laptop(server: Server, folder: Path):
    """A laptop joined by supervisor sri, who synced and gave worker budi a login of his own on it."""

    def factory(_url: str, device_id: str) -> HttpTransport:
        return HttpTransport(None, device_id, client=server.client)

    store, transport = enrol(folder, "http://testserver", "sri", PASSWORD, transport_factory=factory)
    person = cases.register_person(store, {"name": "Bayi Melati", "sex": "P", "birth_date": "2025-03-01"}).id
    cases.open_case(store, person, "01")
    assert sync(store, transport).completed
    # budi (in the facility's list the sync brought) gets a key slot of his own on this laptop
    SlotFile(folder / SLOTS_FILE).put(make_slot("budi", PASSWORD, store.key))
    device_id, cursor = store.device_id, syncstate.cursor(store)
    store.close()
    return factory, device_id, cursor


def _device_user(server: Server, device_id: str) -> str | None:
    found = [d["username"] for d in admin.list_devices(server.db) if d["device_id"] == device_id]
    return found[0] if found else None


def test_switching_user_on_a_shared_laptop_proves_the_device_with_its_token(sync_server, tmp_path):
    folder = tmp_path / "laptop"
    factory, device_id, _ = _shared_laptop(sync_server, folder)
    store = open_profile(folder, "budi", PASSWORD)
    try:
        transport = transport_for(store, factory)
        transport.login("budi", PASSWORD)  # the keyring still holds sri's refresh token of this device
        assert store.device_id == device_id and _device_user(sync_server, device_id) == "budi"
        assert sync(store, transport).completed
    finally:
        store.close()


def test_a_laptop_that_cannot_prove_its_device_joins_under_a_new_id(sync_server, tmp_path):
    folder = tmp_path / "laptop"
    factory, old_id, cursor = _shared_laptop(sync_server, folder)
    TokenStore(old_id, "sri").clear()  # no keyring kept it (or sri's session ran out after 30 days)
    store = open_profile(folder, "budi", PASSWORD)
    try:
        transport = transport_for(store, factory)
        transport.login("budi", PASSWORD)
        new_id = store.device_id
        assert new_id != old_id and read_profile(folder)["device_id"] == new_id
        assert _device_user(sync_server, old_id) == "sri" and _device_user(sync_server, new_id) == "budi"
        # The new device starts from zero on the server: the laptop's old cursor gets a reset.
        asked: list[int] = []
        pull = transport.pull

        def recording_pull(since: int, limit: int):
            asked.append(since)
            return pull(since, limit)

        transport.pull = recording_pull  # type: ignore[method-assign]
        person = cases.register_person(store, {"name": "Anak Budi", "sex": "L", "birth_date": "2024-01-01"})
        cases.open_case(store, person.id, "01")
        result = sync(store, transport)
        assert result.completed and result.pushed > 0 and result.rejected == 0
        assert cursor > 0 and asked[:2] == [cursor, 0]
        assert syncstate.pending_count(store) == 0
    finally:
        store.close()
    assert len(sync_server.rows("cases")) == 2


def test_without_a_way_to_move_the_laptop_says_what_to_do(sync_server):
    sync_server.client.post(
        "/auth/login",
        json={"username": "ani", "password": PASSWORD, "device_id": "laptop-ani", "protocol_version": 1},
    )
    transport = HttpTransport(None, "laptop-ani", client=sync_server.client)
    with pytest.raises(SyncError) as caught:
        transport.login("budi", PASSWORD)
    assert caught.value.key == "sync_device_bound"
    assert i18n.text("sync_device_bound", "id") != i18n.text("sync_device_bound", "en")
