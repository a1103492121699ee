"""The bilingual web dashboard: server-rendered pages over the public database only.

``create_router(public)`` gives a FastAPI router (publish's API app includes it); ``app.create_web_app``
serves it alone when the API is not there.
"""

from iceledger.web.pages import create_router

__all__ = ["create_router"]
