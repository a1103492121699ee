"""STOPGAP public database writer, written for the web dashboard until publish's own writer lands.

The dashboard reads only ``public.duckdb``. Branch ``publish`` holds the gate (lattice.py,
tabulate.py, cube.py, suppress.py) but not yet the writer of the public database, so this module
writes one with **publish's own gate**: every count comes from ``tabulate.count_measure`` and is
withheld by ``suppress.suppress`` at the threshold of ``policy.yaml``. Nothing here decides what
is withheld. When publish's writer lands, this file is deleted and ``web/data.py`` is pointed at
its tables (the shapes the web reads are listed in ``web/data.py``).

Tables written (aggregates and cited registries only; no record-level rows, no identifiers):

- ``tabulations``: one row per cell of every lattice table; ``cell_count`` is NULL when withheld. Whether a
  withheld cell was small or withheld to protect a small one is NOT written: telling them apart would
  let a reader narrow a small count from the totals (a total of 12 split into a small and a protecting
  cell would give the small one away).
- ``operation_windows``: an operation's window and the same weekdays of the weeks before, by AOR.
- ``suppression_audit``: per measure and fiscal year, how many cells were withheld (never values).
- registries (``ref_*``) with the columns a reader needs, ``releases``, ``release_files`` (no paths),
  ``build_runs``, ``quarantine_summary`` (counts by reason only), ``data_dictionary``,
  ``disclosure_policy``, ``public_meta``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

import duckdb
import pyarrow as pa

from iceledger.measures.count import measure_on
from iceledger.measures.engine import open_duckdb
from iceledger.measures.spec import MeasureSpec
from iceledger.metadata import fields, tables
from iceledger.pipeline.ledger import open_ledger
from iceledger.publish.cube import ROOT, build_cube
from iceledger.publish.lattice import NATIONAL, TIME, Lattice, load_lattice, load_policy, place, table_key
from iceledger.publish.suppress import suppress
from iceledger.publish.tabulate import count_measure
from iceledger.settings import Settings

# Registries copied whole: reference data about agencies, places and documents, never persons.
REGISTRIES = [
    "ref_aors", "ref_states", "ref_counties", "ref_county_aor", "ref_facilities", "ref_facility_types",
    "ref_facility_adp", "ref_287g_agreements", "ref_287g_snapshots", "ref_policies", "ref_jurisdictions",
    "ref_policy_designations", "ref_designation_lists", "ref_operations", "ref_operation_places",
    "ref_official_figures", "ref_sources", "ref_detstats_blocks", "ref_detstats_values", "ref_detstats_facilities",
]
BASELINE_WEEKS = 4


def _cell_rows(lat: Lattice, measure: str, fy: int, cube, withheld: dict, synthetic: bool) -> list[tuple]:
    """Every cell of one cube as a row of ``tabulations``."""
    m = lat.measure(measure)
    rows = []
    for cell, value in cube.values.items():
        coords = dict(zip(cube.dims, cell))
        tnode = coords[TIME]
        grain, start = ("month", tnode[0]) if tnode else ("fy", dt.date(fy - 1, 10, 1))
        period = start.strftime("%Y-%m") if grain == "month" else f"FY{fy}"
        level, code, parent = NATIONAL, None, None
        for pname in lat.places:
            node = coords.get(pname, ROOT)
            if node:
                level = place(pname).levels[len(node) - 1]
                code, parent = node[-1], (node[-2] if len(node) > 1 else None)
        cats = [(d, coords[d][0]) for d in m.dims if d in lat.categories and coords[d]]
        key = table_key(measure, grain, level, [c for c, _ in cats])
        (c1, v1), (c2, v2) = (cats + [(None, None)] * 2)[:2]
        hidden = cell in withheld
        rows.append((key, measure, grain, period, start, fy, level, code, parent, c1, v1, c2, v2,
                     None if hidden else value, hidden, synthetic))
    return rows


TABULATION_COLUMNS = ["table_key", "measure", "grain", "period", "period_start_date", "fy", "place_level", "place_code",
                      "place_parent_code", "category_1", "value_1", "category_2", "value_2", "cell_count",
                      "is_withheld", "is_synthetic"]


def _append(con, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Insert many rows at once through Arrow (DuckDB's executemany goes row by row)."""
    if not rows:
        return
    batch = pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)})  # noqa: F841 (read by DuckDB)
    con.execute(f"INSERT INTO {table} SELECT * FROM batch")


def _tabulate(con, engine, lat: Lattice, threshold: int, progress) -> list[tuple]:
    audit = []
    for name, m in lat.measures.items():
        progress("tabulate", name=name)
        counts = count_measure(engine, lat, m)
        for fy, cube in counts.cubes.items():
            sup = suppress(cube, threshold)
            rows = _cell_rows(lat, name, fy, cube, sup.withheld, counts.is_synthetic)
            _append(con, "tabulations", TABULATION_COLUMNS, rows)
            audit.append((name, fy, len(cube.values), len(sup.primary), len(sup.complementary), sup.fallback))
    return audit


def _operation_windows(con, engine, threshold: int, progress) -> None:
    """Each dated operation: daily arrests by AOR over its window and the same days of the weeks before."""
    ops = con.execute("SELECT operation_slug, operation_start_date, operation_end_date FROM ref_operations "
                      "WHERE operation_start_date IS NOT NULL AND operation_end_date IS NOT NULL "
                      "AND operation_end_date - operation_start_date < 7").fetchall()
    for slug, start, end in ops:
        aors = [r[0] for r in con.execute("SELECT DISTINCT aor_code FROM ref_operation_places WHERE operation_slug = ? "
                                          "AND aor_code IS NOT NULL ORDER BY 1", [slug]).fetchall()]
        if not aors:
            continue
        progress("window", name=slug)
        first = start - dt.timedelta(days=7 * BASELINE_WEEKS)
        res = measure_on(engine, MeasureSpec(count="arrests", by=["day", "aor_code"], date_from=first, date_to=end,
                                             where={"aor_code": aors}))
        cells: dict[tuple[int, str], int] = {}
        for r in res.rows:
            if r["day"] is None or r["aor_code"] is None:
                continue
            offset = (start - r["day"]).days
            week = 0 if offset <= 0 else -((offset + 6) // 7)
            if (r["day"] - dt.timedelta(days=-7 * week)) <= end:  # same weekdays only
                cells[(week, r["aor_code"])] = cells.get((week, r["aor_code"]), 0) + r["n"]
        weeks = list(range(-BASELINE_WEEKS, 1))
        fam = [[({TIME: (w,), "aor": (a,)}, cells.get((w, a), 0)) for w in weeks for a in aors]]
        cube = build_cube((TIME, "aor"), [{TIME: 1, "aor": 1}], fam)
        sup = suppress(cube, threshold)
        for cell, value in cube.values.items():
            w = cell[0][0] if cell[0] else None
            a = cell[1][0] if cell[1] else None
            hidden = cell in sup.withheld
            ws = start + dt.timedelta(days=7 * w) if w is not None else None
            con.execute("INSERT INTO operation_windows VALUES (?,?,?,?,?,?,?,?)",
                        [slug, w, ws, ws + dt.timedelta(days=(end - start).days) if ws else None, a,
                         None if hidden else value, hidden, res.is_synthetic])


def write_public(settings: Settings, progress: Callable = lambda *a, **k: None) -> dict:
    """Write ``settings.public_path`` from the ledger, through publish's gate. Returns a summary."""
    policy, lat = load_policy(), load_lattice()
    tmp = settings.public_path.with_suffix(".tmp.duckdb")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    ledger = open_ledger(settings)
    engine = open_duckdb(settings)
    try:
        con.execute("""CREATE TABLE tabulations (table_key VARCHAR, measure VARCHAR, grain VARCHAR, period VARCHAR,
            period_start_date DATE, fy INTEGER, place_level VARCHAR, place_code VARCHAR, place_parent_code VARCHAR,
            category_1 VARCHAR, value_1 VARCHAR, category_2 VARCHAR, value_2 VARCHAR, cell_count BIGINT,
            is_withheld BOOLEAN, is_synthetic BOOLEAN)""")
        con.execute("""CREATE TABLE operation_windows (operation_slug VARCHAR, week_offset INTEGER, window_start_date DATE,
            window_end_date DATE, aor_code VARCHAR, cell_count BIGINT, is_withheld BOOLEAN, is_synthetic BOOLEAN)""")
        for t in REGISTRIES:
            arrow = ledger.sql(f"SELECT * FROM {t}").to_arrow_table()
            con.execute(f"CREATE TABLE {t} AS SELECT * FROM arrow")
        for t, sql in {
            "releases": "SELECT release_id, agency, foia_request, received_date, era, licence, release_description, "
                        "is_synthetic, manifest_sha256, registered_at FROM releases",
            "release_files": "SELECT release_id, file_name, table_name, file_format, sha256, size_bytes FROM release_files",
            "build_runs": "SELECT build_id, started_at, finished_at, code_version, run_status FROM build_runs",
            "ingest_runs": "SELECT run_id, release_id, started_at, finished_at, code_version, run_status, rows_read, "
                           "rows_loaded, rows_quarantined, values_quarantined, is_balanced FROM ingest_runs",
            "quarantine_summary": "SELECT release_id, table_name, scope, field_name, reason_code, "
                                  "count(*) AS quarantined_count FROM quarantine GROUP BY ALL ORDER BY ALL",
        }.items():
            arrow = ledger.sql(sql).to_arrow_table()
            con.execute(f"CREATE TABLE {t} AS SELECT * FROM arrow")
        audit = _tabulate(con, engine, lat, policy.threshold, progress)
        # Counties arrive as ICE writes them (state, county name); the map and the county pages need FIPS.
        con.execute("""UPDATE tabulations t SET place_code = m.county_fips FROM (
            SELECT c.county_fips, s.state_code, upper(c.county_name) AS n1, upper(c.county_full_name) AS n2
            FROM ref_counties c JOIN ref_states s USING (state_fips) WHERE c.valid_to IS NULL) m
            WHERE t.place_level = 'county' AND t.place_parent_code = m.state_code
              AND upper(trim(t.place_code)) IN (m.n1, m.n2)""")
        con.execute("CREATE TABLE suppression_audit (measure VARCHAR, fy INTEGER, cell_total INTEGER, "
                    "primary_count INTEGER, complementary_count INTEGER, is_fallback BOOLEAN)")
        con.executemany("INSERT INTO suppression_audit VALUES (?,?,?,?,?,?)", audit)
        _operation_windows(con, engine, policy.threshold, progress)
        con.execute("CREATE TABLE data_dictionary (table_name VARCHAR, table_description VARCHAR, column_name VARCHAR, "
                    "column_type VARCHAR, column_description VARCHAR)")
        rows = []
        for t in tables().values():
            for c in t.columns:
                f = fields().get(c)
                rows.append((t.name, t.description, c, getattr(f, "type", None), getattr(f, "description", None)))
        _append(con, "data_dictionary", ["table_name", "table_description", "column_name", "column_type", "column_description"], rows)
        con.execute("CREATE TABLE disclosure_policy AS SELECT ? AS threshold, ? AS label_en, ? AS label_es, ? AS lattice_sha256",
                    [policy.threshold, policy.label_en, policy.label_es, lat.sha256])
        con.execute("CREATE TABLE public_meta AS SELECT ?::TIMESTAMP AS published_at, ? AS writer",
                    [dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), "publish.web_stopgap"])
        con.execute("CHECKPOINT")
    finally:
        engine.close()
        ledger.close()
        con.close()
    os.replace(tmp, settings.public_path)
    return {"path": str(settings.public_path), "tables": len(audit)}
