"""Browser sessions of the web console and overview: cookie, CSRF token, role check (issue 20).

- Sign-in goes through auth.check_credentials: the same argon2 hashes and the same throttle of failed
  logins as the sync API (one count for both).
- The cookie holds 256 random bits; the table web_sessions only their sha256. It is `Secure`, `HttpOnly`,
  `SameSite=Strict`, with the `__Host-` prefix (no Domain, Path=/, Secure). Browsers treat http://127.0.0.1
  and http://localhost as secure origins, so the same Secure cookie works there (tests, and an IT person on
  the server itself); anywhere else the console is served over TLS (the reverse proxy of the README).
- Every form carries the session's CSRF token (and the sign-in form a token of its own, bound to a
  short-lived cookie), compared in constant time.
- A session lasts 8 hours and ends after 30 minutes without a request; it ends at once when its user is
  disabled or no longer has a web role. An admin with TOTP set up passes the second factor before any page.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import delete, select, update

from caseworker.server.db import Database, users, web_sessions

COOKIE = "__Host-cw_web"
LOGIN_COOKIE = "__Host-cw_login"  # the sign-in form's CSRF token, before there is a session
LANG_COOKIE = "cw_lang"
LIFETIME = 8 * 3600.0
IDLE = 30 * 60.0
TOUCH = 60.0
WEB_ROLES = frozenset({"admin", "province"})
HOME = {"admin": "/web/admin/devices", "province": "/web/overview"}


@dataclass(frozen=True)
class WebUser:
    username: str
    role: str
    full_name: str | None
    csrf: str
    token_hash: str
    second_factor: bool


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def set_cookie(response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", secure=True, httponly=True, samesite="strict")


def start(database: Database, username: str, needs_factor: bool, now: float) -> tuple[str, str]:
    """A new session for `username`: (the cookie's token, the session's CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with database.write() as conn:
        conn.execute(
            web_sessions.insert().values(
                token_hash=_hash(token),
                username=username,
                csrf=csrf,
                created_at=now,
                seen_at=now,
                expires_at=now + LIFETIME,
                second_factor=0 if needs_factor else 1,
            )
        )
        # Old sessions of this user that have run out are forgotten here.
        conn.execute(
            delete(web_sessions).where(web_sessions.c.username == username, web_sessions.c.expires_at < now)
        )
    return token, csrf


def current(database: Database, request: Request, now: float) -> WebUser | None:
    """The signed-in user of the request, or None (no cookie, unknown, expired, idle, disabled, wrong role).
    A live session's idle timer restarts."""
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 100:
        return None
    hashed = _hash(token)
    with database.read() as conn:
        row = conn.execute(
            select(web_sessions, users.c.role, users.c.active, users.c.full_name)
            .join(users, users.c.username == web_sessions.c.username)
            .where(web_sessions.c.token_hash == hashed)
        ).first()
    if row is None:
        return None
    if row.expires_at <= now or row.seen_at + IDLE <= now or not row.active or row.role not in WEB_ROLES:
        with database.write() as conn:
            conn.execute(delete(web_sessions).where(web_sessions.c.token_hash == hashed))
        return None
    if now - row.seen_at > TOUCH:  # the idle timer restarts (written at most once a minute)
        with database.write() as conn:
            conn.execute(update(web_sessions).where(web_sessions.c.token_hash == hashed).values(seen_at=now))
    return WebUser(row.username, row.role, row.full_name, row.csrf, hashed, bool(row.second_factor))


def end(database: Database, user: WebUser) -> None:
    with database.write() as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.token_hash == user.token_hash))


def end_all_of(conn, username: str) -> None:  # noqa: ANN001 - a Connection in a write transaction
    """Every browser session of `username` (disabled, new password, new role)."""
    conn.execute(delete(web_sessions).where(web_sessions.c.username == username))


def passed_factor(database: Database, user: WebUser) -> None:
    with database.write() as conn:
        conn.execute(
            update(web_sessions)
            .where(web_sessions.c.token_hash == user.token_hash)
            .values(second_factor=1, csrf=secrets.token_urlsafe(32))  # a new token once fully signed in
        )


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
