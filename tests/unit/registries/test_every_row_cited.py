"""Every row of every registry names its source, and every source it names is a cited bundled source."""

from __future__ import annotations

from iceledger.metadata import tables

ADDED_BY_USERS = {"ref_population"}  # nothing bundled may fill it (see `iceledger population add`)


def registry_tables():
    return [t for t in tables().values() if t.kind == "registry" and "source_id" in t.columns and t.name != "ref_sources"]


def test_every_registry_row_names_a_known_source(con):
    known = {r[0] for r in con.execute("SELECT source_id FROM ref_sources").fetchall()}
    assert len(known) >= 20
    empty = []
    for t in registry_tables():
        n, missing_id, missing_detail = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE source_id IS NULL), "
            f"count(*) FILTER (WHERE source_detail IS NULL OR source_detail = '') FROM {t.name}").fetchall()[0]
        if n == 0:
            empty.append(t.name)
            continue
        assert missing_id == 0, f"{t.name}: {missing_id} rows without source_id"
        assert missing_detail == 0, f"{t.name}: {missing_detail} rows without source_detail"
        unknown = {r[0] for r in con.execute(f"SELECT DISTINCT source_id FROM {t.name}").fetchall()} - known
        assert not unknown, f"{t.name} cites sources missing from data/sources: {sorted(unknown)}"
    assert sorted(empty) == sorted(ADDED_BY_USERS), f"registries with no rows after a build: {empty}"


def test_registry_steps_are_deterministic(con, tmp_path):
    """Running every registry step again gives the same rows in every registry."""
    import duckdb

    from iceledger.pipeline.build import BuildContext, resolve_step
    from iceledger.pipeline.ledger import ensure_schema
    from iceledger.pipeline.steps import REGISTRY_STEPS
    from iceledger.settings import load_settings

    again = duckdb.connect()
    ensure_schema(again)
    ctx = BuildContext(load_settings(tmp_path / "home"), "build-again")
    for _, target in REGISTRY_STEPS:
        resolve_step(target)(again, ctx)
    for t in [t for t in tables().values() if t.kind == "registry"]:
        digest = f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {t.name}"
        assert again.execute(digest).fetchall() == con.execute(digest).fetchall(), t.name
