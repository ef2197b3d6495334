"""Sign-in, the second factor, sign-out, the style sheet and the home page of the web pages (issue 20)."""

from __future__ import annotations

import secrets
import time
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import Response

from caseworker.server import auth, logs
from caseworker.server.auth import Settings
from caseworker.server.db import Database
from caseworker.server.errors import ApiError, error_body
from caseworker.server.web import audit, pages, sessions, snapshots, totp
from caseworker.server.web.pages import Forbidden, SignInNeeded, language, redirect, render

_CSS = resources.files("caseworker.server.web").joinpath("static/style.css").read_bytes()


def routes(router: APIRouter, database: Database, settings: Settings) -> None:
    def login_page(request: Request, status: int = 200, error: str | None = None) -> Response:
        token = secrets.token_urlsafe(32)
        response = render(request, "login.html", status=status, login_csrf=token, error=error)
        sessions.set_cookie(response, sessions.LOGIN_COOKIE, token, max_age=3600)
        return response

    @router.get("/web/static/style.css")
    def style() -> Response:
        return pages.with_headers(
            Response(_CSS, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})
        )

    @router.get("/web")
    @router.get("/web/")
    def home(request: Request) -> Response:
        user = sessions.current(database, request, time.time())
        if user is None or not user.second_factor:
            response = redirect("/web/login")
        else:
            response = redirect(sessions.HOME[user.role])
        lang = request.query_params.get("lang")
        if lang in ("id", "en"):
            response.set_cookie(sessions.LANG_COOKIE, lang, max_age=365 * 86400, path="/", secure=True,
                                samesite="lax")  # fmt: skip
        return response

    @router.get("/web/login")
    def login_form(request: Request) -> Response:
        return login_page(request)

    @router.post("/web/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        lang = language(request)
        if not sessions.same_token(request.cookies.get(sessions.LOGIN_COOKIE), values.get("csrf")):
            return login_page(request, 403, pages.t(lang, "web_bad_csrf"))
        username, password = values.get("username", "")[:100], values.get("password", "")[:1000]
        peer = request.client.host if request.client else None
        address = auth.client_address(settings, peer, request.headers.getlist("x-forwarded-for"))
        try:
            user = await _run(auth.check_credentials, database, settings, username, password, address)
        except ApiError as exc:
            logs.note("web_login", result=exc.code)
            body = error_body(exc.code, **exc.params)
            response = login_page(request, exc.status, body["message_id" if lang == "id" else "message_en"])
            if "Retry-After" in exc.headers:
                response.headers["Retry-After"] = exc.headers["Retry-After"]
            return response
        if user.role not in sessions.WEB_ROLES:
            logs.note("web_login", result="wrong_role")
            return login_page(request, 403, pages.t(lang, "web_wrong_role"))
        needs_factor = user.role == "admin" and totp.enabled(database, user.username)
        token, _ = sessions.start(database, user.username, needs_factor, time.time())
        logs.note("web_login", result="factor" if needs_factor else "ok", role=user.role)
        if user.role == "admin" and not needs_factor:
            audit.record(database, user.username, "sign_in")
        if user.role == "province":
            snapshots.warm(database)  # this month's and last month's counts, while the officer looks
        response = redirect("/web/totp" if needs_factor else sessions.HOME[user.role])
        sessions.set_cookie(response, sessions.COOKIE, token, max_age=int(sessions.LIFETIME))
        response.delete_cookie(sessions.LOGIN_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
        return response

    @router.get("/web/totp")
    def factor_form(request: Request) -> Response:
        user = sessions.current(database, request, time.time())
        if user is None:
            return redirect("/web/login")
        if user.second_factor:
            return redirect(sessions.HOME[user.role])
        return render(request, "totp.html", user=user)

    @router.post("/web/totp")
    async def factor(request: Request) -> Response:
        user = sessions.current(database, request, time.time())
        if user is None:
            return redirect("/web/login")
        values = await pages.form_of(request, user)
        if not await _run(totp.check, database, user.username, values.get("code", "")):
            sessions.end(database, user)  # a wrong code costs the session: the password again (throttled)
            logs.note("web_totp", result="wrong")
            return login_page(request, 401, pages.t(language(request), "web_code_wrong"))
        sessions.passed_factor(database, user)
        audit.record(database, user.username, "sign_in", factor="totp")
        logs.note("web_totp", result="ok")
        return redirect(sessions.HOME[user.role])

    @router.post("/web/logout")
    async def logout(request: Request) -> Response:
        user = sessions.current(database, request, time.time())
        if user is not None:
            await pages.form_of(request, user)
            sessions.end(database, user)
            if user.role == "admin":
                audit.record(database, user.username, "sign_out")
        response = redirect("/web/login")
        response.delete_cookie(sessions.COOKIE, path="/", secure=True, httponly=True, samesite="strict")
        return response


async def _run(function, *args):  # noqa: ANN001, ANN202 - a blocking call on a worker thread
    from fastapi.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args)


def install_handlers(app) -> None:  # noqa: ANN001 - the FastAPI app
    async def sign_in_needed(request: Request, _exc: Exception) -> Response:
        if request.method == "GET":
            return redirect("/web/login")
        return render(request, "error.html", status=401, message_key="web_expired")

    async def forbidden(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Forbidden)
        return render(request, "error.html", user=exc.user, status=403, message_key=exc.key)

    app.add_exception_handler(SignInNeeded, sign_in_needed)
    app.add_exception_handler(Forbidden, forbidden)
