"""The application: ``create_app(settings, public)``.

``public=True`` serves ``public.duckdb`` read-only and refuses, at start-up, a database that holds
record-level or ledger tables or that was built without the gate. ``public=False`` is the local
analyst mode: exact figures from the ledger (an ``analyst.duckdb`` written through the same code
without suppression), meant for 127.0.0.1 only, and every response says so (the
``X-Iceledger-Mode`` header and ``meta.mode``/``meta.notice``).

This is the API alone: the dashboard's pages (``iceledger.web``) are mounted on it where the server
is assembled, ``iceledger.server.create_app``, so the API never imports the web.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from iceledger.api.docs import describe_as_answered, render_docs
from iceledger.api.middleware import ApiGate
from iceledger.api.render import render_json
from iceledger.api.routes import router
from iceledger.envelope import failure
from iceledger.errors import IceledgerError, InputError, NotFoundError
from iceledger.publish.query import PublicData
from iceledger.settings import Settings

log = logging.getLogger("iceledger.api")
STATIC_DIR = Path(__file__).resolve().parent / "static"
PUBLIC_MODE, ANALYST_MODE = "public", "local_analyst"
NO_LOCATION = {"file": None, "sheet": None, "row": None, "column": None}


def _error(status: int, body: dict, mode: str) -> Response:
    return Response(render_json(body), status_code=status, media_type="application/json")


def _meta(request: Request) -> dict:
    state = request.app.state
    return {"mode": state.mode, "publication_id": state.data.publication["publication_id"]}


def open_data(settings: Settings, public: bool) -> PublicData:
    if public:
        return PublicData.open(settings.public_path, public=True)
    from iceledger.publish.analyst import ensure_analyst_db

    return PublicData.open(ensure_analyst_db(settings), public=False)


def create_app(settings: Settings, public: bool, *, data: PublicData | None = None) -> FastAPI:
    data = data or open_data(settings, public)
    mode = PUBLIC_MODE if public else ANALYST_MODE
    app = FastAPI(title="iceledger API", version="1", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
                  description="Read-only aggregates of US immigration enforcement from ICE's own records, after the "
                              "disclosure gate. Every answer is one JSON envelope: {ok, data, meta} or {ok, error, meta}.")
    app.state.data = data
    app.state.mode = mode
    app.include_router(router)
    app.openapi = lambda: describe_as_answered(app)  # type: ignore[method-assign]

    @app.exception_handler(IceledgerError)
    async def on_ours(request: Request, exc: IceledgerError):
        status = 404 if isinstance(exc, NotFoundError) else 400 if isinstance(exc, InputError) else 500
        if status == 500:
            log.error("error answering %s: %s", request.url.path, exc)
            return _error(500, failure({"code": "internal_error", "message": "the server could not answer this request",
                                        "fix": "try again later; if it persists, report it", "location": NO_LOCATION},
                                       **_meta(request)), mode)
        return _error(status, failure(exc, **_meta(request)), mode)

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError):
        first = exc.errors()[0]
        param = str(first["loc"][-1]) if first.get("loc") else "request"
        expected = {"int_parsing": "a whole number"}.get(first.get("type", ""), first.get("msg", "a valid value"))
        err = InputError("bad_parameter", f"{param}: {str(first.get('input'))[:40]!r} is not valid",
                         fix=f"allowed for {param}: {expected}")
        err.location.column = param
        return _error(400, failure(err, **_meta(request)), mode)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException):
        code = "not_found" if exc.status_code == 404 else "http_error"
        msg = f"there is nothing at {request.url.path[:100]!r}" if exc.status_code == 404 else str(exc.detail)
        return _error(exc.status_code, failure({"code": code, "message": msg, "fix": "see /api/docs for the endpoints",
                                                "location": NO_LOCATION}, **_meta(request)), mode)

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception):
        log.exception("unexpected error answering %s", request.url.path)
        return _error(500, failure({"code": "internal_error", "message": "the server could not answer this request",
                                    "fix": "try again later; if it persists, report it", "location": NO_LOCATION},
                                   **_meta(request)), mode)

    @app.get("/api/docs", include_in_schema=False)
    def docs():
        return HTMLResponse(render_docs(app.openapi(), mode))

    @app.get("/api/static/{path:path}", include_in_schema=False)
    def static(path: str):
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}\.(css|svg|txt)", path):
            raise NotFoundError("unknown_static", f"there is no static file {path[:80]!r}", fix="see /api/docs")
        target = (STATIC_DIR / path).resolve()
        if target.parent != STATIC_DIR or not target.is_file():
            raise NotFoundError("unknown_static", f"there is no static file {path[:80]!r}", fix="see /api/docs")
        media = {"css": "text/css", "svg": "image/svg+xml", "txt": "text/plain"}[path.rsplit(".", 1)[1]]
        return Response(target.read_bytes(), media_type=media)

    headers = [(b"x-iceledger-mode", mode.encode())]
    if not public:
        headers.append((b"x-iceledger-notice", b"exact figures from the ledger; not passed through the disclosure gate"))
    cache = "public, max-age=300" if public else "private, no-store"
    app.add_middleware(ApiGate, seed=data.publication["publication_id"] + mode, headers=headers, cache_control=cache)
    # outermost: compresses what the gate answers or caches (HTML, JSON, CSV, JS, TopoJSON) for clients that accept gzip
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    return app
