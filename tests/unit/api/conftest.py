"""The API unit tests run against the session's small published home (tests/integration/publish_helpers.py)."""

from __future__ import annotations

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
