"""Login, refresh, logout, revocation and throttling of failed logins."""

from __future__ import annotations

import time

from caseworker.server import admin
from caseworker.server.db import tokens
from tests.server.helpers import PASSWORD, Device, new_case


def _login(client, username="ani", password=PASSWORD, device_id="dev-1", protocol_version=1, **extra):
    return client.post(
        "/auth/login",
        json={
            "username": username,
            "password": password,
            "device_id": device_id,
            "device_name": "laptop kantor",
            "protocol_version": protocol_version,
            **extra,
        },
    )


def test_login_returns_tokens_user_and_facility(client, world):
    resp = _login(client)
    assert resp.status_code == 200
    body = resp.json()
    assert body["user"] == {"username": "ani", "full_name": "Ani", "role": "worker", "facility_code": "SDA"}
    assert body["facility"] == {
        "code": "SDA",
        "name": "UPT PPSAB Sidoarjo",
        "address": "Jl. Raya 1",
        "worker_scope": "facility",
    }
    assert body["access_token"] != body["refresh_token"]
    assert body["server_time"].endswith("Z")
    # Only hashes are stored.
    with world.read() as conn:
        stored = {row.token_hash for row in conn.execute(tokens.select())}
    assert body["access_token"] not in stored and len(stored) == 2


def test_wrong_password_and_unknown_user_give_the_same_bilingual_error(client, world):
    for username, password in (("ani", "salah-salah"), ("nobody", PASSWORD)):
        resp = _login(client, username, password)
        assert resp.status_code == 401
        body = resp.json()
        assert body["error"] == "invalid_credentials"
        assert body["message_id"] and body["message_en"] and body["message_id"] != body["message_en"]


def test_access_token_works_refresh_token_does_not(client, world):
    body = _login(client).json()
    ok = client.get("/sync/pull", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert ok.status_code == 200
    wrong = client.get("/sync/pull", headers={"Authorization": f"Bearer {body['refresh_token']}"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "token_invalid"
    missing = client.get("/sync/pull")
    assert missing.status_code == 401


def test_expired_access_token_is_refreshed(client, world, settings):
    body = _login(client).json()
    start = time.time()
    settings.now = lambda: start + 2 * 3600  # the access token (1 h) has expired, the refresh (30 d) not
    expired = client.get("/sync/pull", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert expired.status_code == 401 and expired.json()["error"] == "token_expired"
    refreshed = client.post(
        "/auth/refresh", json={"refresh_token": body["refresh_token"], "device_id": "dev-1"}
    )
    assert refreshed.status_code == 200
    new_token = refreshed.json()["access_token"]
    assert client.get("/sync/pull", headers={"Authorization": f"Bearer {new_token}"}).status_code == 200
    other_device = client.post(
        "/auth/refresh", json={"refresh_token": body["refresh_token"], "device_id": "dev-2"}
    )
    assert other_device.status_code == 401


def test_logout_ends_the_session(client, world):
    body = _login(client).json()
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.post("/auth/logout", headers=headers).status_code == 204
    assert client.get("/sync/pull", headers=headers).status_code == 401
    refresh = client.post(
        "/auth/refresh", json={"refresh_token": body["refresh_token"], "device_id": "dev-1"}
    )
    assert refresh.status_code == 401


def test_revoked_device_is_refused_everywhere(client, world):
    body = _login(client).json()
    admin.revoke_device(world, "dev-1")
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    resp = client.get("/sync/pull", headers=headers)
    assert resp.status_code == 403 and resp.json()["error"] == "device_revoked"
    refresh = client.post(
        "/auth/refresh", json={"refresh_token": body["refresh_token"], "device_id": "dev-1"}
    )
    assert refresh.json()["error"] == "device_revoked"
    assert _login(client).json()["error"] == "device_revoked"
    assert _login(client, device_id="dev-2").status_code == 200  # the user is fine on another device


def test_disabled_user_has_every_token_dead(client, world):
    first = _login(client, device_id="dev-1").json()
    second = _login(client, device_id="dev-2").json()
    admin.disable_user(world, "ani")
    for body in (first, second):
        resp = client.get("/sync/pull", headers={"Authorization": f"Bearer {body['access_token']}"})
        assert resp.status_code == 403 and resp.json()["error"] == "user_disabled"
    assert _login(client).json()["error"] == "user_disabled"
    admin.set_user(world, "ani", active=True)
    old = client.get("/sync/pull", headers={"Authorization": f"Bearer {first['access_token']}"})
    assert old.status_code == 401  # re-enabling never revives old sessions
    assert _login(client).status_code == 200


def test_failed_logins_are_throttled_with_growing_wait(client, world, settings):
    now = [1_000_000.0]
    settings.now = lambda: now[0]
    for _ in range(5):
        assert _login(client, password="salah-salah").status_code == 401
    blocked = _login(client)  # even the right password waits
    assert blocked.status_code == 429 and blocked.json()["error"] == "too_many_attempts"
    first_wait = int(blocked.headers["Retry-After"])
    assert first_wait > 0
    now[0] += first_wait + 1
    assert _login(client, password="salah-salah").status_code == 401
    second_wait = int(_login(client).headers["Retry-After"])
    assert second_wait > first_wait
    now[0] += second_wait + 1
    assert _login(client).status_code == 200
    # A success resets the user's counter.
    assert _login(client, password="salah-salah").status_code == 401
    assert _login(client).status_code == 200
    # Other users are not locked out by ani's failures.
    assert _login(client, "budi", device_id="dev-b").status_code == 200


def test_failed_logins_are_throttled_per_address(client, world, settings):
    now = [2_000_000.0]
    settings.now = lambda: now[0]
    for i in range(20):
        assert _login(client, f"guess{i}", "salah-salah").status_code == 401
    resp = _login(client, "budi", device_id="dev-b")
    assert resp.status_code == 429 and "Retry-After" in resp.headers


def test_too_old_protocol_is_refused_at_login(client, world):
    resp = _login(client, protocol_version=0)
    assert resp.status_code == 426 and resp.json()["error"] == "protocol_too_old"


def test_invalid_request_uses_the_error_shape(client, world):
    resp = client.post("/auth/login", json={"username": "ani"})
    assert resp.status_code == 422
    assert resp.json()["error"] == "invalid_request"


def test_another_user_on_the_same_device_rebinds_it(client, world):
    ani = Device(client, "ani", device_id="shared-laptop")
    new_case(ani)
    ani.pull_all()
    # Budi takes the device over only by showing its refresh token (a shared laptop keeps it; see
    # test_auth_hardening for a device id that is merely known).
    budi = Device.__new__(Device)
    budi.client, budi.username, budi.device_id, budi.cursor = client, "budi", "shared-laptop", 0
    resp = _login(client, "budi", device_id="shared-laptop", device_token=ani.login_response["refresh_token"])
    assert resp.status_code == 200, resp.text
    budi.headers = {"Authorization": f"Bearer {resp.json()['access_token']}"}
    old = client.get("/sync/pull", headers=ani.headers)
    assert old.status_code == 401  # ani's session on this device ended
    page = budi.pull_page(since=ani.cursor)
    assert page["reset"] is True and page["cursor"] == 0  # budi's scope replaces ani's: rescan from zero
    again = budi.pull_page(since=0)
    assert again["reset"] is False and len(again["changes"]) == 2
    assert budi.pull_page(since=again["cursor"])["reset"] is False


def test_health_and_openapi(client, world):
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["protocol_version"] == 1
    spec = client.get("/openapi.json").json()
    assert {"/sync/push", "/sync/pull", "/auth/login", "/blobs/{sha256}"} <= set(spec["paths"])
