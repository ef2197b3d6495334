"""The FastAPI application: routes only; the work is in auth, push, pull and blobs."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import Connection, text

from caseworker import __version__
from caseworker.server import admin, auth, blobs, bundles, compression, limits, logs, pull, push, row_schemas
from caseworker.server.auth import Principal, Settings
from caseworker.server.db import DEFAULT_THREADS, THREADS_ENV, Database, database_url
from caseworker.server.errors import ApiError, failure_fields, install_handlers, send_server_error
from caseworker.server.web import device_reports
from caseworker.server.web import install as install_web
from caseworker.store import schema
from caseworker.sync import protocol as p
from caseworker.sync import sealing

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": p.ErrorBody} for code in (401, 403, 409, 413, 422, 426, 429)
}

# The blob routes answer with headers and raw bytes, not JSON (see protocol.py, "Blobs").
BlobName = Annotated[
    str, Path(pattern=r"^[0-9a-f]{64}$", description="the blob's sha256, 64 lowercase hex digits")
]
_BLOB_STATE = {
    "X-Blob-Size": {"description": "bytes stored", "required": True, "schema": {"type": "integer"}},
    "X-Blob-Complete": {"description": "1 when complete", "required": True, "schema": {"enum": ["0", "1"]}},
}
BLOB_HEAD: dict[int | str, dict[str, Any]] = {
    200: {"description": "the user's upload or a blob they may read", "headers": _BLOB_STATE},
    404: {"description": "nothing this user may know of"},
}
BLOB_PUT: dict[int | str, dict[str, Any]] = {
    200: {"description": "the chunk is stored", "headers": _BLOB_STATE},
    409: {
        "model": p.ErrorBody,
        "description": "offset_mismatch: resume at X-Blob-Size",
        "headers": {"X-Blob-Size": _BLOB_STATE["X-Blob-Size"]},
    },
}
BLOB_CHUNK = {  # PUT's raw body, read by the route itself
    "requestBody": {
        "required": True,
        "content": {
            "application/octet-stream": {
                "schema": {"type": "string", "format": "binary", "maxLength": p.MAX_BLOB_CHUNK}
            }
        },
    }
}
BLOB_GET: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the blob's content",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    },
    206: {
        "description": "the part of the blob the Range header asked for",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    },
    416: {"model": p.ErrorBody, "description": "range_not_satisfiable"},
    404: {"model": p.ErrorBody, "description": "not_found"},
}


class _AccessLog:
    """Pure ASGI middleware: one JSON line per request (method, path, status, milliseconds). Outermost, it
    also answers every unexpected error: a 500 JSON body and, on the request's line, the error's types only
    (a database error's text carries the statement's parameters: names, note texts). Nothing goes on to
    uvicorn, which would log the exception with its text and traceback."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status: dict[str, int | None] = {"code": None}
        noted = logs.request_started()  # the endpoint's thread shares this context's dict
        failure: dict[str, object] | None = None

        async def _send(message: dict) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, _send)
        except Exception as exc:  # noqa: BLE001 - every error ends here, reported by its types only
            failure = failure_fields(exc)
            if status["code"] is None:
                with contextlib.suppress(Exception):  # (the client may be gone)
                    await send_server_error(send)
                status["code"] = 500
            else:
                failure["aborted"] = True  # the answer had started: it ends unfinished
        finally:
            fields = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status["code"] or 500,
                "ms": round((time.perf_counter() - start) * 1000, 1),
                **noted,
            }
            name = str(fields.pop("event", "request"))
            if failure is None:
                logs.event(name, **fields)
            else:
                logs.failure(name, **fields, **failure)


class _PushQueue:
    """The pushes of this process, applied in groups (push.push_together). Pushes take turns for the
    changelog's write lock anyway: those that arrive while a group is applied wait here, holding no thread
    (the threads serve pulls meanwhile), and then go together in one turn of the lock."""

    MAX_GROUP = 32

    def __init__(self, database: Database) -> None:
        self.database = database
        self.waiting: list[tuple[Principal, p.PushRequest, asyncio.Future[p.PushResponse]]] = []
        self.draining: asyncio.Task[None] | None = None

    async def submit(self, pr: Principal, req: p.PushRequest) -> p.PushResponse:
        answer: asyncio.Future[p.PushResponse] = asyncio.get_running_loop().create_future()
        self.waiting.append((pr, req, answer))
        if self.draining is None:
            self.draining = asyncio.create_task(self._drain())
        return await answer

    async def _drain(self) -> None:
        try:
            while self.waiting:
                group = self.waiting[: self.MAX_GROUP]
                del self.waiting[: self.MAX_GROUP]
                try:
                    requests = [(pr, req) for pr, req, _ in group]
                    answers = await run_in_threadpool(push.push_together, self.database, requests)
                except Exception as exc:  # every waiting device gets the error
                    answers = [exc] * len(group)
                for (_, _, answer), outcome in zip(group, answers, strict=True):
                    if answer.done():  # the device went away meanwhile
                        continue
                    if isinstance(outcome, Exception):
                        answer.set_exception(outcome)
                    else:
                        answer.set_result(outcome)
        finally:
            self.draining = None


def _serving(threads: int | None) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = threads or int(os.environ.get(THREADS_ENV) or DEFAULT_THREADS)
        yield

    return lifespan


def _document_rows(app: FastAPI) -> None:
    """The OpenAPI document also states every synced table's field limits (server.row_schemas)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = row_schemas.add_to(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def app_from_environment() -> FastAPI:
    """The app of one worker process of `caseworker-server serve --workers N` (the parent made the schema
    and put the database URL in the environment)."""
    from caseworker.server.logs import setup_logging

    setup_logging()
    proxies = os.environ.get(auth.TRUSTED_PROXIES_ENV, "")
    settings = Settings(trusted_proxies=tuple(p.strip() for p in proxies.split(",") if p.strip()))
    return create_app(database_url(None), settings, create_schema=False)


def create_app(
    database: Database | str,
    settings: Settings | None = None,
    create_schema: bool = True,
    threads: int | None = None,
) -> FastAPI:
    """The server app over `database` (a Database or a URL); creates missing tables. `threads`: requests
    served at once by this process (default DEFAULT_THREADS)."""
    db = Database(database) if isinstance(database, str) else database
    if create_schema:
        db.create_schema()
    settings = settings or Settings()
    app = FastAPI(
        title="Caseworker server", version=__version__, responses=ERRORS, lifespan=_serving(threads)
    )
    app.state.database = db
    app.state.pushes = _PushQueue(db)  # made here, not at startup: it works without the lifespan too
    app.state.settings = settings
    install_handlers(app)
    _document_rows(app)
    app.add_middleware(compression.Compression)  # inside the limit: it sees bodies as they came
    app.add_middleware(limits.BodyLimit)  # before authentication and parsing: bodies are limited while read
    app.add_middleware(_AccessLog)  # outermost: it logs the 413s too

    install_web(app, db, settings)  # the console and the provincial overview (HTML, not in OpenAPI)

    def principal(authorization: str | None = Header(default=None)) -> Principal:
        return auth.authenticate(db, settings, authorization)

    @app.get("/health", response_model=p.HealthResponse)
    def health() -> p.HealthResponse:
        with db.read() as conn:
            conn.execute(text("SELECT 1"))
        return p.HealthResponse(
            status="ok",
            server_time=auth.iso(time.time()),
            protocol_version=p.PROTOCOL_VERSION,
            schema_version=schema.DATA_VERSION,
        )

    @app.post("/auth/login", response_model=p.LoginResponse)
    def login(req: p.LoginRequest, request: Request) -> p.LoginResponse:
        # Counted under the peer's address; X-Forwarded-For only when the peer is a configured proxy.
        peer = request.client.host if request.client else None
        address = auth.client_address(settings, peer, request.headers.getlist("x-forwarded-for"))
        try:
            result = auth.login(db, settings, req, address)
        except ApiError as exc:
            logs.note("login", device_id=req.device_id, result=exc.code)
            raise
        logs.note("login", device_id=req.device_id, result="ok")
        device_reports.record(db, req.device_id, request.headers.get(device_reports.HEADER))
        return result

    @app.post("/auth/refresh", response_model=p.RefreshResponse)
    def refresh(req: p.RefreshRequest, request: Request) -> p.RefreshResponse:
        result = auth.refresh(db, settings, req)
        # What the laptop reports for the console (app version, clock, pending): only once authenticated.
        device_reports.record(db, req.device_id, request.headers.get(device_reports.HEADER))
        return result

    @app.post("/auth/logout", status_code=204)
    def logout(pr: Principal = Depends(principal)) -> Response:
        auth.logout(db, pr)
        logs.note("logout", device_id=pr.device_id)
        return Response(status_code=204)

    @app.post("/sync/push", response_model=p.PushResponse)
    async def sync_push(req: p.PushRequest, pr: Principal = Depends(principal)) -> p.PushResponse:
        result = await app.state.pushes.submit(pr, req)
        counts = Counter(r.status for r in result.results)
        logs.note("push", device_id=pr.device_id, mutations=len(req.mutations), **counts)
        return result

    @app.post("/sync/bundle-keys", response_model=p.BundleKeys)
    def sync_bundle_keys(req: p.BundleKeys, pr: Principal = Depends(principal)) -> p.BundleKeys:
        try:
            keys = sealing.PublicKeys.from_json(req.model_dump())
        except ValueError as exc:
            raise ApiError(422, "invalid_request", detail="bundle keys") from exc
        theirs = bundles.register_device(db, pr, keys)
        logs.note("bundle_keys", device_id=pr.device_id)
        return p.BundleKeys(**theirs.to_json())

    @app.get("/sync/pull", response_model=p.PullResponse)
    def sync_pull(
        since: int = Query(0, ge=0, le=p.MAX_SEQ),
        limit: int = Query(p.DEFAULT_PULL_LIMIT, ge=1, le=p.MAX_PULL_LIMIT),
        protocol_version: int = Query(p.PROTOCOL_VERSION, ge=0, le=p.MAX_VERSION),
        schema_version: int = Query(schema.DATA_VERSION, ge=0, le=p.MAX_VERSION),
        max_bytes: int | None = Query(None, ge=p.MIN_PAGE_BYTES, le=p.MAX_SEQ),
        shape: Literal["changes", "columns"] = Query("changes"),
        authorization: str | None = Header(default=None),
    ) -> Response:
        def identify(conn: Connection) -> Principal:
            return auth.principal_in(conn, settings, authorization)

        pr, response = pull.pull(
            db, identify, since, limit, protocol_version, schema_version, max_bytes, shape
        )
        logs.note("pull", device_id=pr.device_id, since=since, bytes=len(response.body))
        return response

    @app.get(
        "/facility/users",
        response_model=p.FacilityUsersResponse,
        responses={304: {"description": "unchanged"}},
    )
    def facility_users(
        pr: Principal = Depends(principal), if_none_match: str | None = Header(default=None)
    ) -> Response:
        # The facility's tag (see db.directory_tags) answers an unchanged list without reading it; a
        # database without tags falls back to a hash of the list.
        etag = pull.directory_etag(pr)
        if etag is not None and if_none_match == etag:
            return Response(status_code=304, headers={"ETag": etag})
        users = admin.facility_users(db, pr.facility_code)
        listing = {"users": users, "facilities": admin.network_directory(db)}  # one tag covers both
        body = json.dumps(listing, ensure_ascii=False, separators=(",", ":")).encode()
        etag = etag or f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        if if_none_match == etag:
            return Response(status_code=304, headers={"ETag": etag})
        return Response(body, media_type="application/json", headers={"ETag": etag})

    @app.head("/blobs/{sha256}", response_class=Response, responses=BLOB_HEAD)
    def blob_head(sha256: BlobName, pr: Principal = Depends(principal)) -> Response:
        state = blobs.status(db, pr, blobs.check_name(sha256))
        if state is None:  # nothing that this user may know of
            return Response(status_code=404)
        return Response(headers={"X-Blob-Size": str(state[0]), "X-Blob-Complete": str(int(state[1]))})

    @app.put("/blobs/{sha256}", response_class=Response, responses=BLOB_PUT, openapi_extra=BLOB_CHUNK)
    async def blob_put(
        sha256: BlobName,
        request: Request,
        offset: int = Query(ge=0),
        size: int = Query(ge=0),
        pr: Principal = Depends(principal),
    ) -> Response:
        blobs.check_name(sha256)
        chunk = await request.body()
        stored, complete = await run_in_threadpool(blobs.append, db, pr, sha256, offset, size, chunk)
        logs.note("blob_put", device_id=pr.device_id, bytes=len(chunk), complete=complete)
        return Response(headers={"X-Blob-Size": str(stored), "X-Blob-Complete": str(int(complete))})

    @app.get("/blobs/{sha256}", response_class=Response, responses=BLOB_GET)
    def blob_get(
        sha256: BlobName,
        pr: Principal = Depends(principal),
        range_header: str | None = Header(default=None, alias="Range"),
    ) -> StreamingResponse:
        if not blobs.may_read(db, pr, blobs.check_name(sha256)):
            raise ApiError(404, "not_found")
        size = blobs.size_of(db, sha256)
        # A part of it (a laptop on a slow link fetches a file piece by piece, and resumes after a cut).
        part = blobs.byte_range(range_header, size)
        if part is None:
            return StreamingResponse(
                blobs.read_chunks(db, sha256),
                media_type="application/octet-stream",
                headers={"Content-Length": str(size), "Accept-Ranges": "bytes"},
            )
        start, end = part
        return StreamingResponse(
            blobs.read_chunks(db, sha256, start, end),
            status_code=206,
            media_type="application/octet-stream",
            headers={"Content-Length": str(end - start), "Content-Range": f"bytes {start}-{end - 1}/{size}"},
        )

    return app
