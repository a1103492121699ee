"""Shared fixtures: a fresh iceledger home per test, and paths to the team's shared real data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iceledger.settings import SHARED_DATA_DIR, load_settings

IN_CI = os.environ.get("ICELEDGER_CI") == "1"


@pytest.fixture
def home(tmp_path: Path):
    """Settings for an empty iceledger home in a temporary folder."""
    return load_settings(tmp_path / "home").ensure()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip (a user's fresh clone has no ../shared)."""
    if not SHARED_DATA_DIR.exists():
        pytest.skip(f"shared data folder {SHARED_DATA_DIR} is absent: real-data tests skipped")
    return SHARED_DATA_DIR


@pytest.fixture(scope="session")
def testonly(shared_data: Path) -> Path:
    p = shared_data / "testonly"
    if not p.exists():
        pytest.skip(f"{p} is absent: tests against test-only oracles skipped")
    return p


@pytest.fixture(scope="session")
def registry_build(tmp_path_factory):
    """(settings, build report) of one full `iceledger build` from the bundled real data, shared by the
    whole session. Read it, never write to it: tests that add rows copy the ledger first (copy_home)."""
    from iceledger.pipeline.build import build

    settings = load_settings(tmp_path_factory.mktemp("registries") / "home").ensure()
    return settings, build(settings)


@pytest.fixture(scope="session")
def real(tmp_path_factory, registry_build):
    """The registries (``registry_build``) and both bundled real releases ingested after them as a user would, in
    the demo's order (the national release last, so the newer), once per session: (settings, {release: run
    summary}, {release: seconds}). Read it, never write to it: tests that add releases copy it first (copy_home)."""
    import time

    from iceledger.demo import REAL_RELEASES
    from iceledger.pipeline.ingest import ingest
    from iceledger.pipeline.release_store import load_manifest
    from iceledger.settings import DATA_DIR

    settings = copy_home(registry_build[0], tmp_path_factory.mktemp("real-records") / "home")
    runs, seconds = {}, {}
    for rid in REAL_RELEASES:
        start = time.perf_counter()
        runs[rid] = ingest(settings, load_manifest(DATA_DIR / "records" / rid / "release.yaml"))
        seconds[rid] = time.perf_counter() - start
    print(f"\ningest seconds: {seconds}")
    return settings, runs, seconds


def copy_home(src, dst: Path):
    """A writable copy of a built home (ledger and release store) at ``dst``."""
    import shutil

    shutil.copytree(src.home, dst)
    return load_settings(dst)


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """The session's small published home (demo registries, a SYNTHETIC sample, hostile values; see
    tests/integration/publish_helpers.py), built once and shared by the integration, API and web tests."""
    from tests.integration.publish_helpers import published_home

    return published_home(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def compared(tmp_path_factory, registry_build):
    """A published home holding two hand-made productions of the same arrests and two releases that
    compare with nothing (tests/integration/compare_helpers.py), built once per session."""
    from tests.integration.compare_helpers import compare_home

    return compare_home(tmp_path_factory.getbasetemp(), registry_build[0])


@pytest.fixture(scope="session")
def client(published):
    """The real API app (with the web router) over the published home."""
    from fastapi.testclient import TestClient

    from iceledger.server import create_app

    return TestClient(create_app(published, True))


@pytest.fixture(scope="session")
def real_published(real, tmp_path_factory):
    """The demo on real records, as a user builds it by hand: the `real` home, the demo's synthetic sample
    (scale 0.1: only the later layouts, FY2023 on) ingested on top, then `iceledger publish`."""
    from iceledger.demo import demo_releases, synthesize_release
    from iceledger.pipeline.ingest import ingest
    from iceledger.publish.publication import publish

    settings = copy_home(real[0], tmp_path_factory.mktemp("real-published") / "home")
    for rid, era, tables in demo_releases(real=True):
        ingest(settings, synthesize_release(rid, era, tables, settings.home / "synthetic" / rid, scale=0.1))
    publish(settings)
    return settings


@pytest.fixture(scope="session")
def real_client(real_published):
    """The real API app (with the web router) over the demo published from real records."""
    from fastapi.testclient import TestClient

    from iceledger.server import create_app

    return TestClient(create_app(real_published, True))
