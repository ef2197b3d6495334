"""The server in a browser (issue 20): the IT person's console (role admin) and the provincial office's
overview (role province), server-rendered from Jinja2 templates in this package, in the same FastAPI app
and process as the sync API. None of its routes is in the OpenAPI document (they answer HTML, not JSON)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from caseworker.server.auth import Settings
from caseworker.server.db import Database


def install(app: FastAPI, database: Database, settings: Settings) -> None:
    from caseworker.server.web import console, overview, signin

    router = APIRouter(include_in_schema=False)
    signin.routes(router, database, settings)
    console.routes(router, database)
    overview.routes(router, database)
    app.include_router(router)
    signin.install_handlers(app)
