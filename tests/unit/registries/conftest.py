"""A ledger connection with every registry step run for real (in memory), shared by the registry tests."""

from __future__ import annotations

import duckdb
import pytest

from iceledger.pipeline.build import BuildContext, resolve_step
from iceledger.pipeline.ledger import ensure_schema
from iceledger.pipeline.steps import REGISTRY_STEPS
from iceledger.settings import load_settings


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(connection, {step: StepResult}) after running every registry step into an in-memory ledger."""
    con = duckdb.connect()
    ensure_schema(con)
    ctx = BuildContext(load_settings(tmp_path_factory.mktemp("home")), "build-test")
    results = {name: resolve_step(target)(con, ctx) for name, target in REGISTRY_STEPS}
    yield con, results
    con.close()


@pytest.fixture(scope="session")
def con(built):
    return built[0]


@pytest.fixture(scope="session")
def fetch(con):
    """fetch(sql, params) → the result rows as dicts."""

    def run(sql: str, params=()) -> list[dict]:
        cur = con.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    return run
