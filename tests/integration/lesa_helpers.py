"""Helpers shared by the LESA integration tests: synthesize, ingest, query."""

from __future__ import annotations

from pathlib import Path

import duckdb

from iceledger.pipeline.ingest import ingest
from iceledger.pipeline.release_store import load_manifest
from iceledger.synth import synthesize


def synth_and_ingest(home, tmp_path: Path, era: str, table: str, rows: int, seed: int = 7, **kw):
    out = tmp_path / f"synth-{era}-{table}-{seed}"
    m = synthesize(era, table, rows, seed, out, **kw)
    summary = ingest(home, load_manifest(out / "manifest.json"))
    return m, summary, out


def query(home, sql: str, params=None):
    con = duckdb.connect(str(home.ledger_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
