"""What the ledger holds: releases, runs, row counts per table (synthetic counted apart), quarantine."""

from __future__ import annotations

from iceledger.metadata import core_tables
from iceledger.validation.checks import quarantine_summary


def _rows(con, sql: str, params=None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def ledger_status(con) -> dict:
    tables = []
    for t in core_tables():
        r = con.execute(f"SELECT count(*), count(*) FILTER (WHERE is_synthetic), count(DISTINCT release_id) FROM {t.name}").fetchall()[0]
        tables.append({"table": t.name, "rows": r[0], "synthetic_rows": r[1], "real_rows": r[0] - r[1], "releases": r[2]})
    return {
        "releases": _rows(con, "SELECT r.release_id, r.era, r.foia_request, r.received_date, r.is_synthetic, "
                               "count(f.file_name) AS files FROM releases r LEFT JOIN release_files f USING (release_id) "
                               "GROUP BY ALL ORDER BY r.release_id"),
        "runs": _rows(con, "SELECT run_id, release_id, run_status, started_at, rows_read, rows_loaded, rows_quarantined, "
                           "values_quarantined, is_balanced FROM ingest_runs ORDER BY started_at DESC LIMIT 20"),
        "tables": tables,
        "quarantine": quarantine_summary(con),
        "builds": _rows(con, "SELECT build_id, started_at, finished_at, run_status FROM build_runs ORDER BY started_at DESC LIMIT 5"),
    }
