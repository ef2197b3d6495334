"""Rendering of the web pages (Jinja2 templates shipped in this package) and the checks every page makes:
a signed-in user of the page's role (else the sign-in page or 403), and the CSRF token of every form."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from caseworker import __version__
from caseworker.server.db import Database
from caseworker.server.web import sessions
from caseworker.server.web.sessions import WebUser
from caseworker.server.web.texts import t

_env = Environment(
    loader=PackageLoader("caseworker.server.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

# No script, no style attribute, nothing from elsewhere: the pages need none (and work offline).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
    " frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class SignInNeeded(Exception):
    """No live session: the browser goes to the sign-in page."""


class Forbidden(Exception):
    """A signed-in user on a page of another role, or a form without its CSRF token."""

    def __init__(self, lang: str, key: str = "web_forbidden", user: WebUser | None = None) -> None:
        super().__init__(key)
        self.lang, self.key, self.user = lang, key, user


def language(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get(sessions.LANG_COOKIE)
    return lang if lang in ("id", "en") else "id"


def with_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def render(
    request: Request, template: str, user: WebUser | None = None, status: int = 200, **context: Any
) -> HTMLResponse:
    lang = language(request)
    other = "en" if lang == "id" else "id"
    if request.method == "GET":
        params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("lang", "msg")]
        lang_link = request.url.path + "?" + urlencode([*params, ("lang", other)])
    else:
        lang_link = f"/web/?lang={other}"
    page = _env.get_template(template).render(
        t=lambda key, **params: t(lang, key, **params),
        lang=lang,
        user=user,
        version=__version__,
        path=request.url.path,
        lang_link=lang_link,
        other_lang=other,
        **context,
    )
    response = HTMLResponse(page, status_code=status)
    if request.query_params.get("lang") in ("id", "en"):
        response.set_cookie(
            sessions.LANG_COOKIE, lang, max_age=365 * 86400, path="/", secure=True, samesite="lax"
        )
    return with_headers(response)  # type: ignore[return-value]


def redirect(url: str) -> Response:
    return with_headers(RedirectResponse(url, status_code=303))


def require(database: Database, request: Request, role: str) -> WebUser:
    """The page's user, signed in (second factor passed) with `role`; else SignInNeeded or Forbidden."""
    user = sessions.current(database, request, time.time())
    if user is None or not user.second_factor:
        raise SignInNeeded()
    if user.role != role:
        raise Forbidden(language(request), user=user)
    return user


async def form_of(request: Request, user: WebUser) -> dict[str, str]:
    """The posted form, once its CSRF token is the session's (else Forbidden)."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    if not sessions.same_token(user.csrf, values.get("csrf")):
        raise Forbidden(language(request), "web_bad_csrf", user)
    return values
