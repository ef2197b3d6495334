"""Request body limits, enforced while reading and before any other work (authentication, parsing).

A pure ASGI middleware: a declared Content-Length over the route's limit is answered 413 `too_large` at once,
without reading the body; a body without one (chunked) is counted as it streams and answered 413 the moment
it passes the limit, so no request holds more than its limit in memory.
"""

from __future__ import annotations

import json
from typing import Any

from caseworker.server.errors import error_body
from caseworker.sync import protocol as p

BLOB_BODY = p.MAX_BLOB_CHUNK + 64 * 1024  # one chunk of an upload, and a little
DEFAULT_BODY = 64 * 1024  # login, refresh, logout and every body-less call


def body_limit(method: str, path: str) -> int:
    """The most bytes a request to this route may send."""
    if method == "PUT" and path.startswith("/blobs/"):
        return BLOB_BODY
    if method == "POST" and path == "/sync/push":
        return p.MAX_PUSH_BODY
    return DEFAULT_BODY


class BodyTooLarge(Exception):
    """Raised into the app when a streamed body passes its limit (the 413 has been sent already)."""


async def _send_too_large(send: Any) -> None:
    body = json.dumps(error_body("too_large"), ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),  # the rest of the body is not read
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Pure ASGI middleware enforcing `body_limit` on every HTTP request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["method"], scope["path"])
        declared = [v for k, v in scope.get("headers", ()) if k == b"content-length"]
        if declared:
            try:
                length = int(declared[0])
            except ValueError:
                length = -1
            if length < 0 or length > limit:
                await _send_too_large(send)
                return
        state = {"received": 0, "answered": False, "started": False}

        async def counted_receive() -> dict:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    if not state["started"]:
                        state["answered"] = True
                        await _send_too_large(send)
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: dict) -> None:
            if state["answered"]:
                return  # the app's own answer to the interrupted body: the 413 went out instead
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except BodyTooLarge:
            if not state["answered"]:
                raise
        except Exception:
            if not state["answered"]:
                raise  # (an error of its own: the access log's catch-all answers it)
