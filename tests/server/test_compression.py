"""Compressed bodies both ways: pushes sent zstd or gzip are applied like plain ones, a body that would
decode past the push limit is refused while it is decoded, and answers come back in the coding the
laptop prefers among those it accepts."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest
import zstandard

from caseworker.store.schema import DATA_VERSION
from caseworker.sync import encoding
from caseworker.sync import protocol as p
from caseworker.sync.transport import HttpTransport
from tests.server.helpers import PASSWORD, Device, case_insert, new_id, note_insert, person_insert


def _body(device: Device, mutations: list[dict]) -> bytes:
    return json.dumps(
        {"device_id": device.device_id, "protocol_version": p.PROTOCOL_VERSION, "schema_version": DATA_VERSION,
         "mutations": mutations}
    ).encode()  # fmt: skip


def _case(device: Device) -> list[dict]:
    person, case = new_id(), new_id()
    return [person_insert(person), case_insert(case, person), note_insert(new_id(), case, text_="x" * 3000)]


@pytest.mark.parametrize("coding", ["zstd", "gzip", "identity"])
def test_a_compressed_push_is_applied_like_a_plain_one(client, world, coding: str) -> None:
    ani = Device(client, "ani")
    plain = _body(ani, _case(ani))
    body = plain if coding == "identity" else encoding.encode(coding, plain)
    resp = client.post(
        "/sync/push", content=body,
        headers={**ani.headers, "Content-Type": "application/json", "Content-Encoding": coding},
    )  # fmt: skip
    assert resp.status_code == 200, resp.text
    assert [r["status"] for r in resp.json()["results"]] == ["applied"] * 3
    assert len(Device(client, "sri").pull_all()) == 3


@pytest.mark.parametrize("coding", ["zstd", "gzip"])
def test_a_small_body_that_decodes_past_the_limit_is_refused(client, world, coding: str) -> None:
    ani = Device(client, "ani")
    # Valid JSON all the way (a note of spaces), 9 MiB decoded from a few KiB on the wire.
    plain = _body(ani, _case(ani))[:-2] + b" " * (p.MAX_PUSH_BODY + MB) + b"]}"
    if coding == "zstd":  # a frame that does not declare its size: found while decoding
        body = zstandard.ZstdCompressor(write_content_size=False).compress(plain)
    else:
        body = gzip.compress(plain)
    assert len(body) < 64 * 1024
    resp = client.post(
        "/sync/push", content=body,
        headers={**ani.headers, "Content-Type": "application/json", "Content-Encoding": coding},
    )  # fmt: skip
    assert resp.status_code == 413 and resp.json()["error"] == "too_large"
    assert Device(client, "sri").pull_all() == []


MB = 1024 * 1024


def test_an_unknown_coding_and_broken_bytes_get_their_own_answers(client, world) -> None:
    ani = Device(client, "ani")
    plain = _body(ani, _case(ani))
    headers = {**ani.headers, "Content-Type": "application/json"}
    resp = client.post("/sync/push", content=plain, headers={**headers, "Content-Encoding": "br"})
    assert resp.status_code == 415 and resp.json()["error"] == "unsupported_encoding"
    assert "zstd" in resp.json()["message_en"]
    broken = encoding.encode("zstd", plain)[:-20]
    resp = client.post("/sync/push", content=broken, headers={**headers, "Content-Encoding": "zstd"})
    assert resp.status_code == 400 and resp.json()["error"] == "bad_encoding"
    assert Device(client, "sri").pull_all() == []


@pytest.mark.parametrize(
    "accept,expected",
    [("zstd, gzip", "zstd"), ("gzip, deflate, br, zstd", "zstd"), ("gzip", "gzip"), ("identity", None),
     ("zstd;q=0, gzip", "gzip")],
)  # fmt: skip
def test_answers_come_in_the_preferred_coding_the_laptop_accepts(client, world, accept, expected) -> None:
    ani = Device(client, "ani")
    ani.push(*_case(ani))
    sri = Device(client, "sri")
    # Raw bytes as they came (the TestClient would decode them): stream and read the undecoded body.
    with client.stream(
        "GET", "/sync/pull", params={"since": 0}, headers={**sri.headers, "Accept-Encoding": accept}
    ) as resp:
        raw = b"".join(resp.iter_raw())
        assert resp.status_code == 200
        assert resp.headers.get("content-encoding") == expected
        assert resp.headers["accept-encoding"] == "zstd, gzip"  # what it takes in requests
        assert int(resp.headers["content-length"]) == len(raw)
    if expected is None:
        page = json.loads(raw)
    else:
        page = json.loads(encoding.decode(expected, raw, 10 * MB))
        assert resp.headers["vary"] == "Accept-Encoding"
    assert len(page["changes"]) == 3


def test_the_transport_learns_the_server_takes_zstd_and_compresses_its_pushes(client, world) -> None:
    sent: list[httpx.Request] = []
    client.event_hooks["request"].append(sent.append)
    transport = HttpTransport(None, "dev-ani-z", client=client, tokens=_MemoryTokens(), username="ani")
    assert transport.push_coding is None
    transport.login("ani", PASSWORD)
    assert transport.push_coding == "zstd"  # from the login's answer
    ani = Device(client, "ani")
    request = p.PushRequest(
        device_id="dev-ani-z", protocol_version=p.PROTOCOL_VERSION, schema_version=DATA_VERSION,
        mutations=[p.Mutation(**m) for m in _case(ani)],
    )  # fmt: skip
    before = transport.bytes_sent
    response = transport.push(request)
    assert [r.status for r in response.results] == ["applied"] * 3
    push = [r for r in sent if r.url.path == "/sync/push"][-1]
    assert push.headers["content-encoding"] == "zstd"
    assert transport.bytes_sent - before == len(push.content) < len(request.model_dump_json()) / 3
    assert transport.bytes_received > 0


def test_a_server_that_refuses_the_coding_gets_the_push_plain(client, world, monkeypatch) -> None:
    transport = HttpTransport(None, "dev-ani-y", client=client, tokens=_MemoryTokens(), username="ani")
    transport.login("ani", PASSWORD)
    assert transport.push_coding == "zstd"
    monkeypatch.setattr(encoding, "PREFERRED", ("gzip",))  # the server takes zstd no more: 415
    ani = Device(client, "ani")
    request = p.PushRequest(
        device_id="dev-ani-y", protocol_version=p.PROTOCOL_VERSION, schema_version=DATA_VERSION,
        mutations=[p.Mutation(**m) for m in _case(ani)],
    )  # fmt: skip
    assert [r.status for r in transport.push(request).results] == ["applied"] * 3
    assert transport.push_coding == "gzip"  # the 415 said what it takes


class _MemoryTokens:
    """A token store in memory (tests never touch the real keyring)."""

    def __init__(self) -> None:
        self.saved = None

    def load(self):
        return self.saved

    def save(self, tokens) -> None:
        self.saved = tokens

    def clear(self) -> None:
        self.saved = None

    def device_proof(self):
        return None


@pytest.mark.parametrize("coding", ["zstd", "gzip"])
def test_the_laptop_bounds_an_answer_while_decoding_it(coding: str, monkeypatch) -> None:
    """A hostile or broken server: a few kilobytes that decode to far more than any answer of the
    protocol are refused while they are decoded, never held whole in memory; a wrong coding is an error
    in words, not a crash. (A stand-in server answering from this process, since ours never sends these.)"""
    from caseworker.sync import transport as transport_mod
    from caseworker.sync.transport import SyncError

    monkeypatch.setattr(transport_mod, "MAX_ANSWER_BYTES", 1024 * 1024)
    bomb = encoding.encode(coding, b"{" + b" " * (64 * 1024 * 1024) + b"}")
    assert len(bomb) < 100_000

    answers = [bomb, b"not what the coding says"]

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, stream=httpx.ByteStream(answers.pop(0)), headers={"content-encoding": coding}
        )

    client = httpx.Client(transport=httpx.MockTransport(answer), base_url="http://hostile")
    transport = HttpTransport(None, "dev-x", client=client, tokens=_MemoryTokens(), username="ani")
    with pytest.raises(SyncError) as too_large:
        transport.login("ani", PASSWORD)
    assert too_large.value.key == "sync_answer_too_large" and "1 MB" in too_large.value.text("id")
    with pytest.raises(SyncError) as broken:
        transport.login("ani", PASSWORD)
    assert "undecodable" in broken.value.text()
