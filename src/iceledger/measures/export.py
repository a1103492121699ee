"""Parquet exports of the ledger for the Spark engine: one ``<table>.parquet`` per table, written by
DuckDB's own ``COPY ... TO ... (FORMAT parquet)``, plus ``export.json`` naming the tables, their row
counts and the ledger they came from.

Exports hold record-level rows: they stay as private as the ledger itself (never publish them).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from iceledger.errors import NotFoundError
from iceledger.metadata.sql import quote, text

INDEX = "export.json"
BOOKKEEPING = ("releases", "release_files", "ingest_runs", "ingest_run_tables")


def _ledger_fingerprint(path: Path) -> dict:
    st = path.stat()
    return {"ledger": str(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def tables_to_export(con) -> list[str]:
    """Canonical tables, the bookkeeping measures read, and every registry (ref_*) table."""
    names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                       "WHERE table_schema = 'main' ORDER BY table_name").fetchall()]
    return [n for n in names if n.startswith(("core_", "ref_")) or n in BOOKKEEPING]


def export_parquet(con, out_dir: Path, *, fingerprint: dict | None = None, tables: list[str] | None = None) -> dict:
    """Write every table to ``out_dir/<table>.parquet`` and the index; returns the index."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name in tables or tables_to_export(con):
        target = out_dir / f"{name}.parquet"
        tmp = target.with_name(target.name + ".tmp")
        con.execute(f"COPY (SELECT * FROM {quote(name)}) TO {text(str(tmp))} (FORMAT parquet, COMPRESSION zstd)")
        os.replace(tmp, target)
        counts[name] = con.execute(f"SELECT count(*) FROM {quote(name)}").fetchall()[0][0]
    index = {"tables": counts, "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
             "source": fingerprint or {}}
    (out_dir / INDEX).write_text(json.dumps(index, indent=2))
    return index


def read_export_index(parquet_dir: str | Path, *, session=None) -> dict:
    """The export's index, from a local folder or (with a Spark session) any path Spark can read."""
    text = str(parquet_dir)
    if "://" in text and session is not None:
        lines = session.read.text(f"{text.rstrip('/')}/{INDEX}", wholetext=True).collect()
        return json.loads(lines[0][0])
    path = Path(parquet_dir) / INDEX
    if not path.exists():
        raise NotFoundError("no_export", f"there is no Parquet export at {parquet_dir} ({INDEX} is missing)",
                            fix="run a measure with --engine spark (it exports the ledger first), "
                                "or `iceledger export-parquet DIR`")
    return json.loads(path.read_text())


def ensure_export(settings, out_dir: Path) -> dict:
    """Export the ledger unless ``out_dir`` already holds an export of this very ledger file."""
    from iceledger.pipeline.ledger import open_ledger

    con = open_ledger(settings)
    try:
        fp = _ledger_fingerprint(settings.ledger_path)
        index_path = out_dir / INDEX
        if index_path.exists():
            index = json.loads(index_path.read_text())
            if index.get("source") == fp and all((out_dir / f"{t}.parquet").exists() for t in index["tables"]):
                return index
        return export_parquet(con, out_dir, fingerprint=fp)
    finally:
        con.close()
