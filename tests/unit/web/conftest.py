"""The dashboard's unit tests run the real API app (publish's create_app, which includes the web
router) over the session's small published home (tests/integration/publish_helpers.py)."""

from __future__ import annotations

import duckdb
import pytest
from fastapi.testclient import TestClient

from iceledger.api.app import create_app
from tests.integration.publish_helpers import published_home


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    return published_home(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def client(published):
    return TestClient(create_app(published, True))


@pytest.fixture(scope="session")
def public_db(published):
    """A second read-only look at the publication, to check what the pages say against it."""
    con = duckdb.connect(str(published.public_path), read_only=True)
    yield con
    con.close()
