"""How the sync engine reaches the server: a small `Transport` protocol and its HTTP implementation.

Another transport (a file on a USB stick, a test double that loses responses) only has to provide the same
methods. The HTTP transport keeps the session tokens in the keyring (caseworker.sync.tokens), refreshes an
expired access token once, and turns every failure into a SyncError with a message the user can act on.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx

from caseworker import __version__, i18n
from caseworker.errors import KnownError
from caseworker.store.ids import uuid7
from caseworker.store.schema import DATA_VERSION
from caseworker.sync import encoding, link
from caseworker.sync import protocol as p
from caseworker.sync.link import RETRIES, LinkBudget
from caseworker.sync.tokens import Tokens, TokenStore

i18n.register(
    {
        "sync_offline": (
            "Server tidak dapat dihubungi ({detail}). Data tetap aman; coba lagi nanti.",
            "The server cannot be reached ({detail}). Your data is safe; try again later.",
        ),
        "sync_bad_login": (
            "Nama pengguna atau kata sandi server salah.",
            "Wrong server username or password.",
        ),
        "sync_login_expired": (
            "Sesi server berakhir: masuk lagi.",
            "login expired: log in again.",
        ),
        "sync_login_required": (
            "{user} belum masuk ke server di laptop ini: masuk dengan kata sandi server {user}. Sinkronisasi "
            "tidak memakai sesi pengguna lain, dan perubahan pengguna lain menunggu sinkronisasi mereka sendiri.",
            "{user} has not signed in to the server on this laptop: sign in with the server password of "
            "{user}. A sync never uses another user's session, and other users' changes wait for their own "
            "sync.",
        ),
        "sync_device_revoked": (
            "Akses perangkat ini telah dicabut oleh admin. Data lokal dapat dihapus dari perangkat ini.",
            "This device was revoked by the administrator. Local data can be wiped from this device.",
        ),
        "sync_user_disabled": (
            "Akun server ini dinonaktifkan. Hubungi admin.",
            "This server account is disabled. Contact the administrator.",
        ),
        "sync_update_required": (
            "Perubahan Anda sudah terkirim, tetapi aplikasi ini terlalu lama untuk server: perbarui aplikasi.",
            "Your changes were sent, but this app is too old for the server: update the app.",
        ),
        "sync_too_old": (
            "Aplikasi ini terlalu lama untuk server: perbarui aplikasi.",
            "This app is too old for the server: update the app.",
        ),
        "sync_throttled": (
            "Terlalu banyak percobaan masuk. Coba lagi dalam {seconds} detik.",
            "Too many login attempts. Try again in {seconds} seconds.",
        ),
        "sync_device_bound": (
            "Server mencatat perangkat ini atas nama pengguna lain dan tidak dapat memastikannya. Data lokal "
            "tetap aman. Sinkronkan sekali dengan pengguna sebelumnya di perangkat ini, atau minta admin "
            "mendaftarkan ulang perangkat ini.",
            "The server has this device under another user and cannot confirm it. Your local data is safe. "
            "Sync once as the previous user on this device, or ask the administrator to re-register it.",
        ),
        "sync_server_error": (
            "Server menolak permintaan: {detail}",
            "The server refused the request: {detail}",
        ),
        "sync_answer_too_large": (
            "Jawaban server lebih dari {mb} MB setelah dibuka; tidak diterima. Hubungi admin server.",
            "The server's answer is over {mb} MB once decoded; it was not accepted. Contact the server's "
            "administrator.",
        ),
    }
)


class SyncError(KnownError):
    """A sync that did not complete. Nothing local is lost; the next sync continues."""

    exit_code = 1


class LoginExpired(SyncError):
    def __init__(self) -> None:
        super().__init__("sync_login_expired")


class LoginRequired(LoginExpired):
    """The signed-in user has no server session on this device yet (or the keyring lost it): they sign in
    with their own server password; the session of another user of the laptop is never used instead."""

    def __init__(self, user: str | None) -> None:
        SyncError.__init__(self, "sync_login_required", user=user or "?")
        self.user = user


class DeviceRevoked(SyncError):
    """The UI offers to wipe the local data when it sees this."""

    def __init__(self) -> None:
        super().__init__("sync_device_revoked")


class BlobOffsetMismatch(SyncError):
    def __init__(self, size: int) -> None:
        self.size = size
        super().__init__("sync_server_error", detail=f"offset_mismatch (server has {size} bytes)")


class Transport(Protocol):
    def login(self, username: str, password: str) -> p.LoginResponse: ...

    def refresh(self) -> None: ...

    def push(self, request: p.PushRequest) -> p.PushResponse: ...

    def pull(self, since: int, limit: int) -> p.PullResponse: ...

    def blob_head(self, sha256: str) -> tuple[int, bool] | None: ...

    def blob_put(self, sha256: str, offset: int, total: int, chunk: bytes) -> tuple[int, bool]: ...

    def blob_get(self, sha256: str) -> bytes: ...

    def blob_part(self, sha256: str, start: int, length: int) -> tuple[bytes, int]: ...

    def facility_users(self) -> p.FacilityUsersResponse: ...


def _error_code(resp: httpx.Response) -> tuple[str, str]:
    try:
        body = resp.json()
        return str(body.get("error", "")), str(
            body.get(f"message_{i18n.language()}", body.get("message_en", ""))
        )
    except ValueError:
        return "", resp.text[:200]


# The most an answer may be, decoded: a pull page asks for at most link.MAX_WIRE_BYTES of compressed JSON
# (about 50 MB decoded), a file piece files.PIECE_MAX; anything larger is not an answer of this protocol.
MAX_ANSWER_BYTES = 96 * 1024 * 1024
# Sent with a login and a token refresh: `app=VERSION;clock=ISO-UTC[;pending=N]`, read by the server's
# console (caseworker.server.web.device_reports, which names the same header).
REPORT_HEADER = "X-Caseworker-Report"

_STALE_CONNECTION = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
# A link that dropped mid-exchange (or stalled): worth another, smaller try.
_CUT = (*_STALE_CONNECTION, httpx.TimeoutException)


class HttpTransport:
    """The sync API over HTTP(S) with httpx. `client` may be any httpx.Client (FastAPI's TestClient in tests)."""

    def __init__(
        self,
        base_url: str | None,
        device_id: str,
        *,
        client: httpx.Client | None = None,
        tokens: TokenStore | None = None,
        username: str | None = None,
        timeout: float = 120.0,
        protocol_version: int = p.PROTOCOL_VERSION,
        schema_version: int = DATA_VERSION,
    ) -> None:
        if client is None:
            if not base_url:
                raise ValueError("a server URL or an httpx client is needed")
            client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)
        client.headers["Accept-Encoding"] = encoding.advertised()  # (httpx decodes what comes back)
        self.client = client
        self.device_id = device_id
        # The user whose session this transport uses (see use_user); None until one is named, and then
        # every authorised call asks for a login. `tokens` given by the caller are that user's.
        self.username = username
        self._given_tokens = tokens is not None
        self.tokens: TokenStore | None = tokens
        if tokens is None and username is not None:
            self.tokens = TokenStore(device_id, username)
        self.protocol_version = protocol_version
        self.schema_version = schema_version
        self._session: Tokens | None = None
        # Called with a new device id when the server has this one under another account and the login
        # cannot prove this laptop holds it (see login); None: such a login fails with sync_device_bound.
        self.on_new_device_id: Callable[[str], None] | None = None
        # The coding pushes are sent in: what the server said it accepts (its answers' Accept-Encoding);
        # None until it says so (an older server reads only plain JSON).
        self.push_coding: str | None = None
        self.on_push_coding: Callable[[str | None], None] | None = None  # to remember it for next time
        self.bytes_sent = 0  # request bodies as they went on the wire (compressed), this transport's life
        self.bytes_received = 0  # answer bodies as they came (compressed)
        self.link = LinkBudget()  # how much one page or push body may be on this link
        self.body_seconds = 0.0  # how long the last answer's body took to come in
        # What the laptop tells the server's console at login and token refresh (X-Caseworker-Report: app
        # version, its clock, changes not yet sent), for the IT person (caseworker.server.web, issue 20).
        self.pending_hint: int | None = None

    def use_user(self, username: str) -> None:
        """Sync as `username` from now on, with their own session on this device: another user's session
        is never used for them (none of their own: LoginExpired, which asks for their password)."""
        if username == self.username:
            return
        self.username = username
        self._session = None
        if not self._given_tokens:
            self.tokens = TokenStore(self.device_id, username)

    def _load_session(self) -> Tokens | None:
        return self.tokens.load() if self.tokens is not None else None

    # -- plumbing ---------------------------------------------------------------------------------------
    def _send(self, method: str, path: str, retry: bool = True, **kwargs: Any) -> httpx.Response:
        """`retry`: once more on a dropped connection (the pull retries on its own, sizing each try)."""
        for attempt in (1, 2) if retry else (2,):
            try:
                resp = self._exchange(method, path, **kwargs)
            except _STALE_CONNECTION as exc:
                # A kept-alive connection the server closed meanwhile: every call of the protocol is
                # idempotent (pushes by mutation id, blob parts by offset), so one more try is safe.
                if attempt == 2:
                    raise SyncError("sync_offline", detail=type(exc).__name__) from exc
                continue
            except httpx.TransportError as exc:
                raise SyncError("sync_offline", detail=type(exc).__name__) from exc
            self._count(resp)
            return resp
        raise AssertionError("unreachable")

    def _exchange(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request and its whole answer. Times the answer's body on its own (from its headers to
        its last byte): that is the link's bandwidth, without the round trip's latency, which would
        otherwise make every next page smaller on a link with a long round trip."""
        resp = self.client.send(self.client.build_request(method, path, **kwargs), stream=True)
        if resp.is_stream_consumed:  # an in-process answer that came whole (httpx.MockTransport)
            self.body_seconds = 0.0
            return resp
        try:
            started = time.perf_counter()
            wire = bytearray()
            for chunk in resp.iter_raw():
                wire += chunk
                if len(wire) > MAX_ANSWER_BYTES:
                    raise SyncError("sync_answer_too_large", mb=MAX_ANSWER_BYTES // 2**20)
            self.body_seconds = time.perf_counter() - started
        finally:
            resp.close()
        # Decoded here rather than by httpx, so that a few compressed bytes cannot stand for gigabytes.
        try:
            resp._content = encoding.decode(
                resp.headers.get("content-encoding"), bytes(wire), MAX_ANSWER_BYTES
            )
        except encoding.TooLarge as exc:
            raise SyncError("sync_answer_too_large", mb=MAX_ANSWER_BYTES // 2**20) from exc
        except encoding.BadEncoding as exc:
            coding = resp.headers.get("content-encoding")
            raise SyncError("sync_server_error", detail=f"undecodable answer ({coding})") from exc
        return resp

    def _count(self, resp: httpx.Response) -> None:
        self.bytes_sent += len(resp.request.content)
        self.bytes_received += resp.num_bytes_downloaded
        accepted = resp.headers.get("accept-encoding")
        if accepted is not None and encoding.choose(accepted) != self.push_coding:
            self.push_coding = encoding.choose(accepted)
            if self.on_push_coding is not None:
                self.on_push_coding(self.push_coding)

    def _raise_for(self, resp: httpx.Response) -> None:
        code, message = _error_code(resp)
        if resp.status_code == 401:
            raise LoginExpired()
        if code == "device_revoked":
            raise DeviceRevoked()
        if code == "user_disabled":
            raise SyncError("sync_user_disabled")
        if resp.status_code == 426:
            raise SyncError("sync_too_old")
        if resp.status_code == 429:
            raise SyncError("sync_throttled", seconds=resp.headers.get("Retry-After", "?"))
        raise SyncError("sync_server_error", detail=f"{resp.status_code} {code or ''} {message}".strip())

    def _authorised(
        self,
        method: str,
        path: str,
        ok: tuple[int, ...] = (200,),
        json_body: bool = False,
        extra_headers: dict[str, str] | None = None,
        retry: bool = True,
        **kwargs: Any,
    ) -> httpx.Response:
        """A call with the access token; an expired token is refreshed once, then the call is repeated."""
        if self._session is None:
            self._session = self._load_session()
            if self._session is None:
                raise LoginRequired(self.username)
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._session.access_token}"}
            if json_body:
                headers["Content-Type"] = "application/json"
            if extra_headers:
                headers.update(extra_headers)
            resp = self._send(method, path, retry, headers=headers, **kwargs)
            if resp.status_code in ok:
                return resp
            if resp.status_code == 401 and attempt == 1:
                self.refresh()
                continue
            self._raise_for(resp)
        raise AssertionError("unreachable")

    # -- the protocol -----------------------------------------------------------------------------------
    def login(self, username: str, password: str) -> p.LoginResponse:
        """Sign in on this device as `username`, whose session this transport uses from now on. On a
        shared laptop the device id may be bound to the user who signed in before: that user's stored
        refresh token goes along as proof that this laptop holds it (TokenStore.device_proof). Without a
        valid proof (it expired after 30 days, or no keyring kept it) the server refuses the id (409
        device_bound); the laptop then joins under a new device id (on_new_device_id), which starts its
        pulls from zero."""
        self.use_user(username)
        resp = self._login_request(username, password, self._device_proof())
        if resp.status_code == 409 and _error_code(resp)[0] == "device_bound":
            if self.on_new_device_id is None:
                raise SyncError("sync_device_bound")
            device_id = uuid7()
            self.on_new_device_id(device_id)  # the profile knows the new id before the server does
            self.device_id, self._session = device_id, None
            if not self._given_tokens:
                self.tokens = TokenStore(device_id, username)
            resp = self._login_request(username, password, None)
        if resp.status_code == 401:
            raise SyncError("sync_bad_login")
        if resp.status_code == 409 and _error_code(resp)[0] == "device_bound":
            raise SyncError("sync_device_bound")
        if resp.status_code != 200:
            self._raise_for(resp)
        result = p.LoginResponse.model_validate_json(resp.content)
        self._session = Tokens(
            result.access_token, result.refresh_token, result.access_expires_at, result.refresh_expires_at
        )
        if self.tokens is not None:
            self.tokens.save(self._session)
        return result

    def _device_proof(self) -> str | None:
        return self.tokens.device_proof() if self.tokens is not None else None

    def _login_request(self, username: str, password: str, device_token: str | None) -> httpx.Response:
        body = p.LoginRequest(
            username=username,
            password=password,
            device_id=self.device_id,
            device_name=socket.gethostname()[:200],
            protocol_version=self.protocol_version,
            device_token=device_token,
        )
        return self._send(
            "POST", "/auth/login", json=body.model_dump(exclude_none=True), headers=self._report()
        )

    def _report(self) -> dict[str, str]:
        clock = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        pending = "" if self.pending_hint is None else f";pending={self.pending_hint}"
        return {REPORT_HEADER: f"app={__version__};clock={clock}{pending}"}

    def refresh(self) -> None:
        session = self._session or self._load_session()
        if session is None:
            raise LoginRequired(self.username)
        body = p.RefreshRequest(refresh_token=session.refresh_token, device_id=self.device_id)
        resp = self._send("POST", "/auth/refresh", json=body.model_dump(), headers=self._report())
        if resp.status_code != 200:
            self._raise_for(resp)  # 401 (refresh token expired too) -> LoginExpired
        result = p.RefreshResponse.model_validate_json(resp.content)
        self._session = Tokens(
            result.access_token, session.refresh_token, result.access_expires_at, result.refresh_expires_at
        )
        if self.tokens is not None:
            self.tokens.save(self._session)

    def push(self, request: p.PushRequest) -> p.PushResponse:
        plain = request.model_dump_json().encode()
        coding = self.push_coding
        if coding is not None:
            body, headers = encoding.encode(coding, plain), {"Content-Encoding": coding}
            resp = self._authorised(
                "POST", "/sync/push", ok=(200, 415), content=body, json_body=True, extra_headers=headers
            )
            if resp.status_code == 200:
                self.link.record(len(body), len(plain), resp.elapsed.total_seconds())
                return p.PushResponse.model_validate_json(resp.content)
            # 415: the server no longer takes this coding (it said so in this answer): send it plain.
        resp = self._authorised("POST", "/sync/push", content=plain, json_body=True)
        self.link.record(len(plain), len(plain), resp.elapsed.total_seconds())
        return p.PushResponse.model_validate_json(resp.content)

    @staticmethod
    def was_cut(exc: SyncError) -> bool:
        """The exchange failed because the link dropped or stalled (worth another, smaller try)."""
        return isinstance(exc.__cause__, _CUT)

    def pull(self, since: int, limit: int) -> p.PullResponse:
        """One page, sized to the link. A page cut off in transit is asked for again, smaller, a few
        times (a page is only applied whole, so nothing is lost either way)."""
        for attempt in range(RETRIES + 1):
            params = {
                "since": since,
                "limit": limit,
                "max_bytes": max(p.MIN_PAGE_BYTES, self.link.json_bytes()),
                "shape": "columns",
                "protocol_version": self.protocol_version,
                "schema_version": self.schema_version,
            }
            try:
                resp = self._authorised("GET", "/sync/pull", params=params, retry=False)
            except SyncError as exc:
                if not self.was_cut(exc) or attempt == RETRIES:
                    raise
                self.link.cut()
                link.pause(attempt)
                continue
            self.link.record(resp.num_bytes_downloaded, len(resp.content), self.body_seconds)
            try:
                return p.with_rows_as_changes(p.PullResponse.model_validate_json(resp.content))
            except ValueError as exc:  # (pydantic's ValidationError is one)
                raise SyncError("sync_server_error", detail=f"malformed pull page: {str(exc)[:200]}") from exc
        raise AssertionError("unreachable")

    def register_bundle_keys(self, keys: p.BundleKeys) -> p.BundleKeys:
        """Register this device's public keys for sync by file; the server's come back."""
        resp = self._authorised("POST", "/sync/bundle-keys", json=keys.model_dump())
        return p.BundleKeys.model_validate_json(resp.content)

    def facility_users(self) -> p.FacilityUsersResponse:
        resp = self._authorised("GET", "/facility/users")
        return p.FacilityUsersResponse.model_validate_json(resp.content)

    def facility_users_changed(self, etag: str | None) -> tuple[p.FacilityUsersResponse | None, str | None]:
        """The facility's users and the list's tag; None for the users when they are still the ones tagged
        `etag` (the server answers 304 without them)."""
        headers = {"If-None-Match": etag} if etag else None
        resp = self._authorised("GET", "/facility/users", ok=(200, 304), extra_headers=headers)
        tag = resp.headers.get("ETag")
        if resp.status_code == 304:
            return None, tag
        return p.FacilityUsersResponse.model_validate_json(resp.content), tag

    def blob_head(self, sha256: str) -> tuple[int, bool] | None:
        resp = self._authorised("HEAD", f"/blobs/{sha256}", ok=(200, 404))
        if resp.status_code == 404:
            return None
        return int(resp.headers.get("X-Blob-Size", 0)), resp.headers.get("X-Blob-Complete") == "1"

    def blob_put(self, sha256: str, offset: int, total: int, chunk: bytes) -> tuple[int, bool]:
        resp = self._authorised(
            "PUT", f"/blobs/{sha256}", ok=(200, 409), params={"offset": offset, "size": total}, content=chunk
        )
        if resp.status_code == 409:
            raise BlobOffsetMismatch(int(resp.headers.get("X-Blob-Size", 0)))
        return int(resp.headers.get("X-Blob-Size", 0)), resp.headers.get("X-Blob-Complete") == "1"

    def blob_get(self, sha256: str) -> bytes:
        return self._authorised("GET", f"/blobs/{sha256}").content

    def blob_part(self, sha256: str, start: int, length: int) -> tuple[bytes, int]:
        """Up to `length` bytes of a blob from `start`, and the blob's whole size. Not retried here: the
        caller keeps what came and asks again, smaller, after a cut (caseworker.sync.files)."""
        resp = self._authorised("GET", f"/blobs/{sha256}", ok=(200, 206, 416), retry=False,
                                extra_headers={"Range": f"bytes={start}-{start + length - 1}"})  # fmt: skip
        data = b"" if resp.status_code == 416 else resp.content  # 416: nothing from `start` (all came)
        self.link.record(len(data), len(data), self.body_seconds)
        if resp.status_code == 200:  # a server that ignores ranges sends it whole
            return data[start : start + length], len(data)
        total = resp.headers.get("Content-Range", "").rpartition("/")[2]
        if not total.isdigit():
            raise SyncError("sync_server_error", detail="Content-Range missing")
        return data, int(total)

    def close(self) -> None:
        self.client.close()
