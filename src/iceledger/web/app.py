"""Serving the dashboard: inside publish's API app when it exists, else on its own.

``serve(settings)`` is what ``iceledger demo`` falls back to until publish's ``serve_ledger`` lands.
The server binds to 127.0.0.1 and opens only the public database, read-only.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException as StarletteHTTPException

from iceledger.web.data import PublicData
from iceledger.web.pages import create_router


def create_web_app(public_path: Path | str) -> FastAPI:
    data = PublicData(Path(public_path))
    app = FastAPI(title="iceledger", docs_url=None, redoc_url=None, openapi_url=None)
    router = create_router(data)
    app.include_router(router)

    @app.exception_handler(StarletteHTTPException)
    async def not_found(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404 and not request.url.path.startswith(("/static/", "/download/", "/api/")):
            return router.not_found(request)  # type: ignore[attr-defined]
        from fastapi.responses import PlainTextResponse
        return PlainTextResponse(str(exc.detail), status_code=exc.status_code)

    app.state.web_data = data
    return app


def serve(settings, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    import uvicorn

    print(f"serving the dashboard at http://{host}:{port}/ (public database {settings.public_path})", flush=True)
    uvicorn.run(create_web_app(settings.public_path), host=host, port=port, log_level="warning")


