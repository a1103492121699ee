"""The bilingual web dashboard: server-rendered pages over the publication only.

``router`` is mounted on the API app where the server is assembled (``iceledger.server.create_app``); the pages read the
publication the app holds (``app.state.data``, publish's query layer) through ``web/data.py``.
"""

from iceledger.web import releases  # noqa: F401  (adds the Releases page to the router)
from iceledger.web.pages import router

__all__ = ["router"]
