"""Fixtures for the publish and API integration tests (see publish_helpers.py)."""

from __future__ import annotations

import pytest

from tests.integration.publish_helpers import published_home


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    return published_home(tmp_path_factory.getbasetemp())
