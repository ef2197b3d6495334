"""The HTTP transport's handling of a dropped kept-alive connection: one quiet retry (every protocol call
is idempotent), and a clear "offline" error when the server cannot be reached at all."""

from __future__ import annotations

import httpx
import pytest

from caseworker.sync.tokens import Tokens
from caseworker.sync.transport import HttpTransport, SyncError


class _MemoryTokens:
    def __init__(self) -> None:
        self.saved = Tokens("access", "refresh", "2099-01-01T00:00:00Z", "2099-01-01T00:00:00Z")

    def load(self) -> Tokens:
        return self.saved

    def save(self, tokens: Tokens) -> None:
        self.saved = tokens


def _transport(failures: list[Exception]) -> tuple[HttpTransport, list[str]]:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if failures:
            raise failures.pop(0)
        return httpx.Response(200, json={"users": [], "facility_code": "SDA"})

    client = httpx.Client(base_url="http://server.test", transport=httpx.MockTransport(handler))
    return HttpTransport(None, "dev-1", client=client, tokens=_MemoryTokens()), calls


def test_a_connection_the_server_closed_is_retried_once() -> None:
    transport, calls = _transport(
        [httpx.RemoteProtocolError("Server disconnected without sending a response")]
    )
    assert transport.facility_users().users == []
    assert calls == ["/facility/users", "/facility/users"]


def test_a_second_drop_is_reported_as_offline() -> None:
    transport, calls = _transport([httpx.ReadError("reset"), httpx.ReadError("reset")])
    with pytest.raises(SyncError) as caught:
        transport.facility_users()
    assert caught.value.key == "sync_offline" and len(calls) == 2


def test_no_server_at_all_fails_at_once() -> None:
    transport, calls = _transport([httpx.ConnectError("refused")])
    with pytest.raises(SyncError) as caught:
        transport.facility_users()
    assert caught.value.key == "sync_offline" and len(calls) == 1
