"""The FastAPI application of the mediation server.

>>> import tempfile
>>> app = create_app(WebSettings(data_dir=Path(tempfile.mkdtemp())))
>>> app.openapi()["info"]["title"]
'peacetable mediation server'

The OpenAPI description of every JSON endpoint is at ``/api/openapi.json``
(the interactive documentation pages are off: they load scripts from a CDN,
which the Content-Security-Policy forbids).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from peacetable.errors import PeacetableError
from peacetable.web.config import WebSettings
from peacetable.web.context import ServerContext
from peacetable.web.middleware import Guard
from peacetable.web.routers import (
    auth,
    drafts,
    invites,
    negotiations,
    pages,
    record,
    responses,
    submissions,
    transfer,
)

log = logging.getLogger("peacetable.web")


def _validation_problems(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ())]
        out.append({"field": ".".join(loc), "message": str(err.get("msg", "invalid"))})
    return out


SETTINGS_ENV = "PEACETABLE_WEB_SETTINGS"


def app_from_environment() -> FastAPI:
    """The app of one uvicorn worker process (``serve --workers N``): settings from the environment."""
    settings = WebSettings.from_json(os.environ[SETTINGS_ENV])
    return create_app(ctx=ServerContext.open(settings, migrate=False))


def create_app(settings: WebSettings | None = None, ctx: ServerContext | None = None) -> FastAPI:
    """The application, on *ctx* or on a context opened from *settings* (migrating the database)."""
    if ctx is None:
        ctx = ServerContext.open(settings or WebSettings())
    app = FastAPI(
        title="peacetable mediation server",
        version="1",
        description="Confidential party input, a mediator-owned single negotiating text and a "
        "tamper-evident record. Send the X-CSRF-Token header (GET /api/auth/csrf) with every "
        "POST, PUT, PATCH and DELETE.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.ctx = ctx
    for module in (auth, negotiations, invites, submissions, drafts, responses, record, transfer):
        app.include_router(module.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            {
                "detail": {
                    "message": "the request is malformed",
                    "problems": _validation_problems(exc),
                }
            },
            status_code=422,
        )

    @app.exception_handler(PeacetableError)
    async def _bad_input(request: Request, exc: PeacetableError) -> JSONResponse:
        return JSONResponse({"detail": {"message": str(exc)}}, status_code=422)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    app.add_middleware(
        Guard, secret=ctx.secret, max_body=ctx.settings.max_body_bytes, hsts=ctx.settings.hsts
    )
    return app
