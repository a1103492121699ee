"""The dashboard's unit tests run the real app (``iceledger.server.create_app``: the API with the web
router) over the session's small published home (``published`` and ``client`` in tests/conftest.py)."""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture(scope="session")
def public_db(published):
    """A second read-only look at the publication, to check what the pages say against it."""
    con = duckdb.connect(str(published.public_path), read_only=True)
    yield con
    con.close()
