"""API errors: one JSON shape `{"error", "message_id", "message_en"}` for every failure the server reports."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from caseworker import i18n

log = logging.getLogger("caseworker.server")

MESSAGES: dict[str, tuple[str, str]] = {
    "invalid_credentials": ("Nama pengguna atau kata sandi salah.", "Wrong username or password."),
    "token_expired": ("Sesi berakhir. Masuk lagi.", "The session has expired. Log in again."),
    "token_invalid": ("Sesi tidak dikenal. Masuk lagi.", "Unknown session. Log in again."),
    "device_revoked": (
        "Perangkat ini telah dicabut aksesnya. Hubungi admin.",
        "This device's access has been revoked. Contact the administrator.",
    ),
    "user_disabled": (
        "Akun ini dinonaktifkan. Hubungi admin.",
        "This account is disabled. Contact the administrator.",
    ),
    "too_many_attempts": (
        "Terlalu banyak percobaan masuk. Coba lagi dalam {seconds} detik.",
        "Too many login attempts. Try again in {seconds} seconds.",
    ),
    "protocol_too_old": (
        "Aplikasi ini terlalu lama untuk server. Perbarui aplikasi.",
        "This app is too old for the server. Update the app.",
    ),
    "forbidden": ("Anda tidak berhak melakukan ini.", "You are not allowed to do this."),
    "wrong_device": ("Sesi ini milik perangkat lain.", "This session belongs to another device."),
    "device_bound": (
        "Perangkat ini terdaftar di server atas nama pengguna lain. Daftarkan sebagai perangkat baru.",
        "This device is registered on the server to another user. Join as a new device.",
    ),
    "invalid_request": ("Permintaan tidak valid: {detail}", "Invalid request: {detail}"),
    # Messages of an invalid_request (its `error` stays invalid_request) for the envelope's strings.
    "invalid_too_long": (
        "Permintaan tidak valid: {field} terlalu panjang (paling banyak {max} karakter).",
        "Invalid request: {field} is too long (at most {max} characters).",
    ),
    "invalid_characters": (
        "Permintaan tidak valid: {field} berisi karakter yang tidak diizinkan (NUL atau surrogate tunggal).",
        "Invalid request: {field} contains characters that are not allowed (NUL or a lone surrogate).",
    ),
    "not_found": ("Tidak ditemukan.", "Not found."),
    "range_not_satisfiable": (
        "Bagian berkas yang diminta di luar ukurannya.",
        "The part of the file asked for lies beyond its size.",
    ),
    "offset_mismatch": (
        "Unggahan harus dilanjutkan dari byte {size}.",
        "The upload must resume at byte {size}.",
    ),
    "hash_mismatch": (
        "Berkas rusak saat diunggah (sidik sha256 tidak cocok). Unggah ulang.",
        "The file was damaged in transit (sha256 mismatch). Upload it again.",
    ),
    "too_large": ("Data terlalu besar.", "The data is too large."),
    "unsupported_encoding": (
        "Pengodean {coding} tidak didukung server; kirim dengan zstd, gzip atau tanpa pengodean.",
        "The server does not support the {coding} encoding; send zstd, gzip or no encoding.",
    ),
    "bad_encoding": (
        "Data rusak: bukan {coding} yang utuh. Kirim ulang.",
        "Damaged data: not a complete {coding} body. Send it again.",
    ),
    "server_error": ("Kesalahan server. Coba lagi nanti.", "Server error. Try again later."),
}
i18n.register({f"server_{k}": v for k, v in MESSAGES.items()})


class ApiError(Exception):
    """Raised anywhere in a request; turned into the JSON error body with `status`."""

    def __init__(
        self, status: int, code: str, headers: dict[str, str] | None = None, **params: object
    ) -> None:
        self.status = status
        self.code = code
        self.headers = headers or {}
        self.params = params
        super().__init__(code)

    def body(self) -> dict[str, str]:
        return error_body(self.code, **self.params)


def error_body(code: str, **params: object) -> dict[str, str]:
    key = f"server_{code}"
    return {
        "error": code,
        "message_id": i18n.text(key, "id", **params),
        "message_en": i18n.text(key, "en", **params),
    }


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        field = where.removeprefix("body.").removeprefix("query.")[:100]
        kind = first.get("type")
        if kind == "string_too_long":
            body = error_body("invalid_too_long", field=field, max=(first.get("ctx") or {}).get("max_length"))
        elif kind in ("string_nul", "string_unicode"):
            body = error_body("invalid_characters", field=field)
        else:
            body = error_body("invalid_request", detail=f"{where}: {first.get('msg', '')}"[:200])
        return JSONResponse({**body, "error": "invalid_request"}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = "not_found" if exc.status_code == 404 else "invalid_request"
        # A body that cannot be decoded at all (FastAPI's 400) is an invalid request like any other: 422.
        status = 422 if exc.status_code == 400 else exc.status_code
        return JSONResponse(error_body(code, detail=str(exc.detail)[:200]), status_code=status)

    # Every other exception is answered (500 server_error) and logged by types only in app._AccessLog.


def failure_fields(exc: BaseException) -> dict[str, object]:
    """What a log line says of an unexpected error: its types and a database's error code, never its text
    (a database error's message carries the statement and its parameters: names, NIK, note texts)."""
    fields: dict[str, object] = {"error_type": type(exc).__name__}
    orig = getattr(exc, "orig", None)  # SQLAlchemy's wrapper: the driver's own exception
    if isinstance(orig, BaseException):
        fields["db_error"] = type(orig).__name__
    sqlstate = getattr(orig if orig is not None else exc, "sqlstate", None)  # psycopg
    if isinstance(sqlstate, str) and sqlstate.isalnum() and len(sqlstate) == 5:
        fields["sqlstate"] = sqlstate
    return fields


async def send_server_error(send: Any) -> None:
    """The 500 answer of an unexpected error, straight on the ASGI channel."""
    body = json.dumps(error_body("server_error"), ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": body})
