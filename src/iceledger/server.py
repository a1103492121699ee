"""The server, assembled: the read-only API (api/) with the dashboard's pages (web/) mounted on it.

The API and the dashboard are siblings that do not know each other; this module, above both, is the
one place that puts them in one application (`iceledger serve`, the tests' clients).
"""

from __future__ import annotations

from fastapi import FastAPI

from iceledger.api.app import create_app as create_api_app
from iceledger.publish.query import PublicData
from iceledger.settings import Settings
from iceledger.web import router as web_router


def create_app(settings: Settings, public: bool, *, data: PublicData | None = None) -> FastAPI:
    """The API (see ``iceledger.api.app.create_app`` for ``public`` and ``data``) with the dashboard included."""
    app = create_api_app(settings, public, data=data)
    app.include_router(web_router)
    return app
