"""The IT person's console (role admin, issue 20): facilities, users, devices, login failures, health, the
audit of admin actions, and the admin's own TOTP. Every change goes through caseworker.server.admin (the
functions the `caseworker-server` CLI calls) and is written to the audit. Names travel in form bodies,
never in URLs (the access log records paths)."""

from __future__ import annotations

import json
import time

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy import select

from caseworker.errors import KnownError
from caseworker.server import admin, facility_directory, logs
from caseworker.server.db import Database, facilities, users
from caseworker.server.web import audit, console_data, pages, sessions, totp
from caseworker.server.web.pages import redirect, render, require
from caseworker.server.web.sessions import WebUser

SECTIONS = ("devices", "users", "facilities", "logins", "health", "audit", "totp")
# Facility columns the add/change forms take; the others of the table (the directory of issue 19) are shown.
FACILITY_FORM = ("code", "name", "address", "worker_scope")
FACILITY_LABELS = {"code": "web_code_col", "name": "web_name", "address": "web_address", "worker_scope": "web_scope",
                   "kind": "web_col_kind", "region_code": "web_col_region", "services": "web_col_services",
                   "contact": "web_contact", "external": "web_col_external",
                   "referral_due_days": "web_col_days"}  # fmt: skip


def _directory(f: dict[str, str]) -> dict[str, object]:
    """The facility directory's fields of a form (issue 19's columns, checked by admin/facility_directory):
    only those the form carries, so a form without them changes none."""
    if "directory" not in f:
        return {}
    values: dict[str, object] = {
        "kind": f.get("kind") or None,
        "region": f.get("region", "").strip() or None,
        "services": f.get("services", ""),
        "contact": f.get("contact", ""),
        "external": f.get("external") == "1",
    }
    days = f.get("referral_days", "").strip()
    if days.isdigit():
        values["referral_days"] = int(days)
    return {k: v for k, v in values.items() if v is not None}


def _facility_rows(database: Database) -> tuple[list[str], list[dict]]:
    with database.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(facilities).order_by(facilities.c.code))]
    for row in rows:
        try:
            row["services_text"] = ", ".join(json.loads(row.get("services") or "[]"))
        except ValueError:
            row["services_text"] = row.get("services")
    return [c.name for c in facilities.columns], rows


def _user_rows(database: Database) -> list[dict]:
    query = select(
        users.c.username, users.c.full_name, users.c.role, users.c.facility_code, users.c.active,
        users.c.created_at,
    ).order_by(users.c.facility_code, users.c.username)  # fmt: skip
    with database.read() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def routes(router: APIRouter, database: Database) -> None:
    def page(request: Request, user: WebUser, section: str, status: int = 200, error: str | None = None,
             **context) -> Response:  # fmt: skip
        message = request.query_params.get("msg")
        return render(
            request,
            f"admin_{section}.html",
            user=user,
            status=status,
            section=section,
            sections=SECTIONS,
            error=error,
            message=message if message in ("web_done", "web_unlocked") else None,
            **context,
        )

    def facilities_page(request: Request, user: WebUser, status: int = 200, error: str | None = None):
        columns, rows = _facility_rows(database)
        return page(request, user, "facilities", status, error, columns=columns, rows=rows,
                    kinds=getattr(facility_directory, "KINDS", ()), directory="kind" in columns,
                    labels=FACILITY_LABELS)  # fmt: skip

    def users_page(request: Request, user: WebUser, status: int = 200, error: str | None = None):
        codes = [r["code"] for r in _facility_rows(database)[1]]
        return page(request, user, "users", status, error, rows=_user_rows(database), codes=codes,
                    roles=admin.SERVER_ROLES)  # fmt: skip

    async def act(request: Request, user: WebUser, retry, action: str, target: str | None, call, **details):  # noqa: ANN001
        """Run an admin function; audit it; back to the section, or its page with the error."""
        try:
            await run_in_threadpool(call)
        except KnownError as exc:
            logs.note("web_admin", action=action, result=exc.key)
            return retry(request, user, 400, exc.text(pages.language(request)))
        await run_in_threadpool(audit.record, database, user.username, action, target, **details)
        logs.note("web_admin", action=action, result="ok")
        return redirect(f"{request.url.path.rsplit('/', 1)[0]}?msg=web_done")

    @router.get("/web/admin")
    def admin_home(request: Request) -> Response:
        require(database, request, "admin")
        return redirect("/web/admin/devices")

    # -- facilities ----------------------------------------------------------------------------------
    @router.get("/web/admin/facilities")
    def facilities_list(request: Request) -> Response:
        return facilities_page(request, require(database, request, "admin"))

    @router.post("/web/admin/facilities/add")
    async def facility_add(request: Request) -> Response:
        user = require(database, request, "admin")
        f = await pages.form_of(request, user)
        code, name = f.get("code", "").strip().upper(), f.get("name", "").strip()
        if not code or not name:
            return facilities_page(request, user, 400, pages.t(pages.language(request), "web_required"))
        directory = _directory(f)
        return await act(
            request, user, facilities_page, "facility_add", code,
            lambda: admin.add_facility(database, code, name, f.get("address") or None,
                                       f.get("worker_scope") or "facility", **directory),
            scope=f.get("worker_scope") or "facility", fields=sorted(directory),
        )  # fmt: skip

    @router.post("/web/admin/facilities/set")
    async def facility_set(request: Request) -> Response:
        user = require(database, request, "admin")
        f = await pages.form_of(request, user)
        code = f.get("code", "")
        directory = _directory(f)
        changed = [k for k in ("name", "address", "worker_scope") if f.get(k)] + sorted(directory)
        return await act(
            request, user, facilities_page, "facility_set", code,
            lambda: admin.set_facility(database, code, f.get("name") or None, f.get("address") or None,
                                       f.get("worker_scope") or None, **directory),
            fields=changed,
        )  # fmt: skip

    # -- users ---------------------------------------------------------------------------------------
    @router.get("/web/admin/users")
    def users_list(request: Request) -> Response:
        return users_page(request, require(database, request, "admin"))

    @router.post("/web/admin/users/add")
    async def user_add(request: Request) -> Response:
        user = require(database, request, "admin")
        f = await pages.form_of(request, user)
        name, role = f.get("username", "").strip(), f.get("role", "")
        facility = f.get("facility") or None
        if role in admin.UNATTACHED_ROLES:
            facility = None
        return await act(
            request, user, users_page, "user_add", name,
            lambda: admin.add_user(database, name, role, facility, f.get("full_name") or None,
                                   f.get("password", "")),
            role=role, facility=facility,
        )  # fmt: skip

    @router.post("/web/admin/users/set")
    async def user_set(request: Request) -> Response:
        user = require(database, request, "admin")
        f = await pages.form_of(request, user)
        name, role, facility = f.get("username", ""), f.get("role") or None, f.get("facility") or None
        if name == user.username and role not in (None, "admin"):
            return users_page(request, user, 400, pages.t(pages.language(request), "web_not_self"))

        def change() -> None:
            admin.set_user(database, name, role=role, facility=facility, full_name=f.get("full_name") or None)
            with database.write() as conn:
                sessions.end_all_of(conn, name)  # a new role is used from a new sign-in

        return await act(request, user, users_page, "user_set", name, change, role=role, facility=facility)

    @router.post("/web/admin/users/active")
    async def user_active(request: Request) -> Response:
        user = require(database, request, "admin")
        f = await pages.form_of(request, user)
        name, active = f.get("username", ""), f.get("active") == "1"
        if name == user.username and not active:
            return users_page(request, user, 400, pages.t(pages.language(request), "web_not_self"))

        def change() -> None:
            admin.set_user(database, name, active=active)
            if not active:
                with database.write() as conn:
                    sessions.end_all_of(conn, name)

        return await act(request, user, users_page, "user_enable" if active else "user_disable", name, change)

    @router.post("/web/admin/users/password")
    async def user_password(request: Request) -> Response:
        user = require(database, request, "admin")
        f = await pages.form_of(request, user)
        name, password = f.get("username", ""), f.get("password", "")

        def change() -> None:
            admin.set_user(database, name, password=password)  # also ends the user's sync sessions
            with database.write() as conn:
                sessions.end_all_of(conn, name)

        return await act(request, user, users_page, "user_password", name, change)

    # -- devices -------------------------------------------------------------------------------------
    @router.get("/web/admin/devices")
    def devices_list(request: Request) -> Response:
        user = require(database, request, "admin")
        return page(request, user, "devices", rows=console_data.device_rows(database, time.time()))

    @router.post("/web/admin/devices/revoke")
    async def device_revoke(request: Request) -> Response:
        user = require(database, request, "admin")
        f = await pages.form_of(request, user)
        device = f.get("device_id", "")

        def retry(request: Request, user: WebUser, status: int, error: str) -> Response:
            rows = console_data.device_rows(database, time.time())
            return page(request, user, "devices", status, error, rows=rows)

        if f.get("sure") != "1":
            return retry(request, user, 400, pages.t(pages.language(request), "web_sure"))
        return await act(request, user, retry, "device_revoke", device,
                         lambda: admin.revoke_device(database, device))  # fmt: skip

    # -- login failures ------------------------------------------------------------------------------
    def logins_page(request: Request, user: WebUser, status: int = 200, error: str | None = None, **more):
        rows = console_data.throttle_rows(database, time.time())
        return page(request, user, "logins", status, error, rows=rows, **more)

    @router.get("/web/admin/logins")
    def logins(request: Request) -> Response:
        return logins_page(request, require(database, request, "admin"))

    @router.post("/web/admin/logins/check")
    async def logins_check(request: Request) -> Response:
        user = require(database, request, "admin")
        f = await pages.form_of(request, user)
        name = f.get("name", "")[:100]
        found = console_data.lookup(database, name, time.time())
        return logins_page(request, user, looked_up=name, found=found)

    @router.post("/web/admin/logins/unlock")
    async def logins_unlock(request: Request) -> Response:
        user = require(database, request, "admin")
        f = await pages.form_of(request, user)
        name = f.get("name", "")[:100]
        removed = console_data.unlock(database, name)
        audit.record(database, user.username, "login_unlock", name, counters=removed)
        return redirect("/web/admin/logins?msg=web_unlocked")

    # -- health and audit ----------------------------------------------------------------------------
    @router.get("/web/admin/health")
    def health(request: Request) -> Response:
        user = require(database, request, "admin")
        return page(request, user, "health", figures=console_data.health(database, time.time()))

    @router.get("/web/admin/audit")
    def audit_list(request: Request) -> Response:
        user = require(database, request, "admin")
        return page(request, user, "audit", rows=audit.recent(database))

    # -- the admin's own second factor ---------------------------------------------------------------
    def totp_page(request: Request, user: WebUser, status: int = 200, error: str | None = None):
        secret = totp.pending_secret(database, user.username)
        return page(
            request, user, "totp", status, error, enabled=totp.enabled(database, user.username),
            secret=secret, uri=totp.provisioning_uri(secret, user.username) if secret else None,
        )  # fmt: skip

    @router.get("/web/admin/totp")
    def totp_show(request: Request) -> Response:
        return totp_page(request, require(database, request, "admin"))

    @router.post("/web/admin/totp/begin")
    async def totp_begin(request: Request) -> Response:
        user = require(database, request, "admin")
        await pages.form_of(request, user)
        if not totp.enabled(database, user.username):
            totp.begin(database, user.username)
        return redirect("/web/admin/totp")

    @router.post("/web/admin/totp/confirm")
    async def totp_confirm(request: Request) -> Response:
        user = require(database, request, "admin")
        f = await pages.form_of(request, user)
        if not totp.check(database, user.username, f.get("code", ""), confirming=True):
            return totp_page(request, user, 400, pages.t(pages.language(request), "web_code_wrong_setup"))
        audit.record(database, user.username, "totp_on", user.username)
        return redirect("/web/admin/totp?msg=web_done")

    @router.post("/web/admin/totp/remove")
    async def totp_remove(request: Request) -> Response:
        user = require(database, request, "admin")
        f = await pages.form_of(request, user)
        if not totp.check(database, user.username, f.get("code", "")):
            return totp_page(request, user, 400, pages.t(pages.language(request), "web_code_wrong_setup"))
        totp.remove(database, user.username)
        audit.record(database, user.username, "totp_off", user.username)
        return redirect("/web/admin/totp?msg=web_done")
