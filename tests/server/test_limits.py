"""Limits before work: request bodies are limited while read, before authentication or parsing, on a real
server process (its memory stays far below what is sent) and in the app."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Iterator

import pytest

from caseworker.server import limits
from caseworker.store.schema import DATA_VERSION
from caseworker.sync import protocol as p
from caseworker.sync.engine import fitting
from tests.server.helpers import Device, new_id, note_insert
from tests.server.live import LiveServer

MB = 1024 * 1024
HUGE = 200 * MB


@pytest.fixture
def live(server_db_url: str, tmp_path) -> Iterator[LiveServer]:
    server = LiveServer(server_db_url, tmp_path)
    yield server
    server.stop()


def _head(method: str, path: str, port: int, *headers: str) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/json",
        *headers,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return data


def _status_and_body(response: bytes) -> tuple[int, dict]:
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def _chunked(sock: socket.socket, total: int, piece: int = MB) -> int:
    """Send up to `total` bytes as chunks until the server stops taking them; returns the bytes sent."""
    sent, chunk = 0, b"[" * piece
    try:
        while sent < total:
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sent += len(chunk)
        sock.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError, TimeoutError):
        pass
    return sent


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/sync/push"), ("PUT", f"/blobs/{'a' * 64}?offset=0&size=1")]
)
def test_a_declared_huge_body_is_refused_before_it_is_read(live: LiveServer, method: str, path: str) -> None:
    before = live.rss_bytes()
    with socket.create_connection(("127.0.0.1", live.port), timeout=30) as sock:
        sock.sendall(_head(method, path, live.port, f"Content-Length: {HUGE}"))  # and none of the body
        status, body = _status_and_body(_read_all(sock))
    assert status == 413 and body["error"] == "too_large"
    assert body["message_id"] == "Data terlalu besar." and body["message_en"] == "The data is too large."
    assert live.rss_bytes() - before < 20 * MB


def test_a_chunked_body_is_stopped_at_the_limit_without_holding_it(live: LiveServer) -> None:
    before = live.rss_bytes()
    with socket.create_connection(("127.0.0.1", live.port), timeout=30) as sock:
        sock.sendall(_head("POST", "/sync/push", live.port, "Transfer-Encoding: chunked"))
        answer: list[bytes] = []
        reader = threading.Thread(target=lambda: answer.append(_read_all(sock)))
        reader.start()
        sent = _chunked(sock, HUGE)
        reader.join(30)
    grown = live.rss_bytes() - before
    assert sent < HUGE // 2  # the server stopped taking the body soon after its limit
    assert grown < 40 * MB, grown  # far below the 200 MB offered (the limit is 8 MiB)
    if answer and answer[0]:  # (a reset may overtake the answer: the exact one is checked below)
        assert _status_and_body(answer[0])[0] == 413


def test_a_chunked_body_one_byte_over_the_limit_is_answered_413(live: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", live.port), timeout=30) as sock:
        sock.sendall(_head("POST", "/auth/login", live.port, "Transfer-Encoding: chunked"))
        _chunked(sock, limits.DEFAULT_BODY + 1, piece=limits.DEFAULT_BODY + 1)
        status, body = _status_and_body(_read_all(sock))
    assert status == 413 and body["error"] == "too_large"


def test_limits_per_route_in_the_app(client, world) -> None:
    ani = Device(client, "ani")
    assert limits.body_limit("PUT", "/blobs/x") == p.MAX_BLOB_CHUNK + 64 * 1024
    assert limits.body_limit("POST", "/sync/push") == p.MAX_PUSH_BODY
    assert limits.body_limit("POST", "/auth/login") == limits.DEFAULT_BODY
    big = client.post("/auth/login", content=b"{" + b" " * limits.DEFAULT_BODY + b"}")
    assert big.status_code == 413 and big.json()["error"] == "too_large"
    note = note_insert(new_id(), new_id(), text_="x" * (p.MAX_PUSH_BODY + 1))
    assert ani.push_raw([note]).status_code == 413
    chunk = b"z" * (p.MAX_BLOB_CHUNK + 64 * 1024 + 1)
    resp = client.put(f"/blobs/{'b' * 64}", params={"offset": 0, "size": len(chunk)}, content=chunk,
                      headers=ani.headers)  # fmt: skip
    assert resp.status_code == 413
    fine = note_insert(new_id(), new_id(), text_="y" * 100_000)  # a long note is no reason to refuse a push
    assert ani.push_raw([fine]).status_code == 200


def test_the_client_cuts_a_push_by_bytes() -> None:
    def note(size: int) -> p.Mutation:
        fields = {"case_id": str(uuid.uuid4()), "kind": "visit", "text": "n" * size}
        return p.Mutation(mutation_id=str(uuid.uuid4()), table="notes", row_id=str(uuid.uuid4()), op="insert",
                          fields=fields)  # fmt: skip

    mutations = [note(20_000) for _ in range(p.MAX_PUSH_BATCH)]
    count = fitting(mutations)
    assert 0 < count < len(mutations)
    request = p.PushRequest(
        device_id="d", protocol_version=1, schema_version=DATA_VERSION, mutations=mutations[:count]
    )
    assert len(request.model_dump_json().encode()) <= p.MAX_PUSH_BODY
    assert fitting([note(100)] * p.MAX_PUSH_BATCH) == p.MAX_PUSH_BATCH
    assert fitting([note(p.MAX_PUSH_BODY)]) == 0  # never sendable: the engine refuses it locally


# -- hostile strings in the envelope ------------------------------------------------------------------------
NUL, LONE = "a\x00b", "a\ud800b"


def _post(client, path: str, body: dict, headers: dict | None = None):
    # json.dumps writes a lone surrogate as its \ud800 escape, which the server's JSON reader accepts
    return client.post(
        path, content=json.dumps(body), headers={"Content-Type": "application/json", **(headers or {})}
    )


def _refused(resp) -> None:
    assert resp.status_code == 422, resp.text
    body = resp.json()
    assert body["error"] == "invalid_request" and body["message_id"].startswith("Permintaan tidak valid")
    assert body["message_en"].startswith("Invalid request")


@pytest.mark.parametrize(
    ("field", "value"),
    [("username", NUL), ("username", LONE), ("username", "u" * 101), ("device_id", NUL),
     ("device_id", "d" * 101), ("device_name", NUL), ("device_name", "n" * 201), ("password", NUL)],
)  # fmt: skip
def test_hostile_login_strings_are_refused(client, world, field: str, value: str) -> None:
    body = {"username": "ani", "password": "rahasia-123", "device_id": "dev-1", "device_name": "laptop"}
    _refused(_post(client, "/auth/login", {**body, field: value}))


@pytest.mark.parametrize(("field", "value"), [("refresh_token", NUL), ("refresh_token", "t" * 201),
                                              ("device_id", LONE), ("device_id", "d" * 101)])  # fmt: skip
def test_hostile_refresh_strings_are_refused(client, world, field: str, value: str) -> None:
    body = {"refresh_token": Device(client, "ani").login_response["refresh_token"], "device_id": "dev-1"}
    _refused(_post(client, "/auth/refresh", {**body, field: value}))


@pytest.mark.parametrize(
    ("field", "value"),
    [("mutation_id", NUL), ("mutation_id", "m" * 65), ("row_id", LONE), ("row_id", "r" * 65), ("table", NUL),
     ("table", "t" * 41), ("txn_id", NUL), ("txn_id", "x" * 65), ("hlc", "h" * 101), ("created_by", NUL),
     ("created_at", LONE), ("device_id", NUL), ("device_id", "d" * 101)],
)  # fmt: skip
def test_hostile_push_strings_are_refused(client, world, field: str, value: str) -> None:
    ani = Device(client, "ani")
    note = note_insert(new_id(), new_id())
    body = {
        "device_id": ani.device_id,
        "protocol_version": 1,
        "schema_version": DATA_VERSION,
        "mutations": [note],
    }
    if field == "device_id":
        body["device_id"] = value
    else:
        note[field] = value
    _refused(_post(client, "/sync/push", body, ani.headers))


def test_hostile_query_strings_and_paths_are_refused(client, world) -> None:
    ani = Device(client, "ani")
    ani.pull_all()  # (a first pull answers `reset` before it reads its query)
    for query in ("since=%00", "since=1&limit=%ED%A0%80", f"since={'9' * 400}", f"since={2**63}",
                  f"since=0&schema_version={2**70}"):  # fmt: skip
        _refused(client.get(f"/sync/pull?{query}", headers=ani.headers))
    assert client.head("/blobs/a%00b", headers=ani.headers).status_code == 422  # (a HEAD has no body)
    _refused(client.get(f"/blobs/{'a' * 63}%00", headers=ani.headers))


def test_the_messages_say_which_field_and_the_openapi_states_the_lengths(client, world) -> None:
    body = {"username": "u" * 101, "password": "x", "device_id": "dev-1"}
    resp = _post(client, "/auth/login", body).json()
    assert (
        "username" in resp["message_id"]
        and "100" in resp["message_id"]
        and "terlalu panjang" in resp["message_id"]
    )
    resp = _post(client, "/auth/login", {**body, "username": NUL}).json()
    assert "username" in resp["message_en"] and "NUL" in resp["message_en"]
    schemas = client.get("/openapi.json").json()["components"]["schemas"]

    def max_length(model: str, field: str) -> int:
        prop = schemas[model]["properties"][field]
        return next(s["maxLength"] for s in [prop, *prop.get("anyOf", [])] if "maxLength" in s)

    assert max_length("LoginRequest", "username") == 100 and max_length("LoginRequest", "device_id") == 100
    assert (
        max_length("LoginRequest", "device_name") == 200
        and max_length("RefreshRequest", "refresh_token") == 200
    )
    assert max_length("Mutation", "mutation_id") == 64 and max_length("Mutation", "row_id") == 64
    assert max_length("Mutation", "table") == 40 and max_length("Mutation", "txn_id") == 64
    assert max_length("Mutation", "hlc") == 100 and max_length("PushRequest", "device_id") == 100
