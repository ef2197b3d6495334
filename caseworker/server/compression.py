"""Compressed bodies both ways, as a pure ASGI middleware inside the body limit.

Requests: a body sent with `Content-Encoding: zstd` or `gzip` is decoded before the app sees it, and
refused (413 too_large) the moment its decoded size passes the route's limit (limits.body_limit), so a
small compressed body cannot expand into a large one in memory; an unknown coding is 415, broken bytes
400. Answers: JSON bodies of 1 KiB or more are compressed with the coding the laptop prefers among those
it accepts (encoding.choose); every answer says which codings the server accepts in requests
(`Accept-Encoding`, RFC 7694), which is how a laptop learns it may compress its pushes.
"""

from __future__ import annotations

import json
from typing import Any

import anyio.to_thread

from caseworker.server.errors import error_body
from caseworker.server.limits import body_limit
from caseworker.sync import encoding

MIN_SIZE = 1024  # smaller answers gain less than the coding's header costs
IN_THREAD = 256 * 1024  # bodies from this size are coded on a worker thread, not in the event loop


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


async def _refuse(send: Any, status: int, code: str, **params: object) -> None:
    body = json.dumps(error_body(code, **params), ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"accept-encoding", encoding.advertised().encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _code(function: Any, *args: Any) -> bytes:
    size = len(args[1])
    if size >= IN_THREAD:
        return await anyio.to_thread.run_sync(function, *args)
    return function(*args)


class Compression:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        coding_in = _header(scope, b"content-encoding")
        if coding_in and coding_in.strip().lower() != "identity":
            decoded = await self._decoded_request(scope, receive, send, coding_in)
            if decoded is None:
                return
            scope, receive = decoded
        await self.app(scope, receive, self._compressing(scope, send))

    async def _decoded_request(self, scope: dict, receive: Any, send: Any, coding: str) -> Any:
        """The scope and receive of the decoded body, or None when the request was answered (refused)."""
        if coding.strip().lower() not in encoding.PREFERRED:
            await _refuse(send, 415, "unsupported_encoding", coding=coding[:20])
            return None
        raw = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None  # the client went away
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        limit = body_limit(scope["method"], scope["path"])
        try:
            body = await _code(encoding.decode, coding, bytes(raw), limit)
        except encoding.TooLarge:
            await _refuse(send, 413, "too_large")
            return None
        except encoding.BadEncoding:
            await _refuse(send, 400, "bad_encoding", coding=coding[:20])
            return None
        headers = [(k, v) for k, v in scope["headers"] if k not in (b"content-encoding", b"content-length")]
        headers.append((b"content-length", str(len(body)).encode()))
        delivered = False

        async def decoded_receive() -> dict:
            nonlocal delivered
            if delivered:
                return await receive()  # (a disconnect, when the app waits for one)
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        return {**scope, "headers": headers}, decoded_receive

    def _compressing(self, scope: dict, send: Any) -> Any:
        coding = encoding.choose(_header(scope, b"accept-encoding"))
        held: dict[str, Any] = {}

        async def compressing_send(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                headers.append((b"accept-encoding", encoding.advertised().encode()))
                names = {k.lower() for k, _ in headers}
                json_body = any(k.lower() == b"content-type" and v.startswith(b"application/json")
                                for k, v in headers)  # fmt: skip
                if coding and json_body and b"content-encoding" not in names:
                    held["start"] = {**message, "headers": headers}  # until the body shows its size
                    return
                await send({**message, "headers": headers})
                return
            start = held.pop("start", None)
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body = message.get("body", b"")
            if message.get("more_body") or len(body) < MIN_SIZE:
                await send(start)  # streamed (not JSON here) or small: as it is
                await send(message)
                return
            packed = await _code(encoding.encode, coding, body)
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers += [
                (b"content-encoding", coding.encode()),
                (b"content-length", str(len(packed)).encode()),
                (b"vary", b"Accept-Encoding"),
            ]
            await send({**start, "headers": headers})
            await send({**message, "body": packed})

        return compressing_send
