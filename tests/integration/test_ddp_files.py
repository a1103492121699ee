"""The Deportation Data Project's cleaned Parquet and CSV files load, keeping their origin rows."""

from __future__ import annotations

import duckdb
import pytest
from tests.integration.lesa_helpers import query, synth_and_ingest

from iceledger.pipeline.ingest import ingest
from iceledger.pipeline.release_store import manifest_from_paths
from iceledger.settings import load_settings

DDP_SELECT = """
SELECT CAST(apprehension_datetime AS DATE) AS apprehension_date, apprehension_datetime AS apprehension_date_time,
       apprehension_state, apprehension_aor, apprehension_method, apprehension_criminality, citizenship_country,
       gender, birth_year, person_id AS unique_identifier, is_duplicate_likely AS duplicate_likely,
       source_file AS file_original, source_sheet AS sheet_original, source_row AS row_original
FROM core_arrests ORDER BY source_file, source_sheet, source_row
"""


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_ddp_cleaned_arrests(tmp_path, fmt):
    origin = load_settings(tmp_path / "origin").ensure()
    synth_and_ingest(origin, tmp_path, "L2", "arrests", 400)
    expected = query(origin, "SELECT count(*), count(DISTINCT person_id), count(*) FILTER (WHERE aor_code = 'HOU') FROM core_arrests")[0]
    path = tmp_path / f"arrests-latest.{fmt}"
    con = duckdb.connect(str(origin.ledger_path), read_only=True)
    con.execute(f"COPY ({DDP_SELECT}) TO '{path}' (FORMAT {fmt})")
    con.close()

    home = load_settings(tmp_path / "ddp").ensure()
    summary = ingest(home, manifest_from_paths([path], "ddp-arrests", era="DDP", table=None, synthetic=True))
    t = summary.tables["core_arrests"]
    assert t.balanced and t.rows_read == expected[0] and t.rows_quarantined == 0
    got = query(home, "SELECT count(*), count(DISTINCT person_id), count(*) FILTER (WHERE aor_code = 'HOU') FROM core_arrests")[0]
    assert got == expected
    origin_rows = query(home, "SELECT count(*) FROM core_arrests WHERE origin_file LIKE 'SYNTHETIC_%' AND origin_row > 7")[0][0]
    assert origin_rows == expected[0]
    ignored = dict(query(home, "SELECT column_name, column_status FROM source_columns"))
    assert ignored["apprehension_date"] == "ignored" and ignored["duplicate_likely"] == "ignored"
    assert query(home, "SELECT min(source_row) FROM core_arrests")[0][0] == (1 if fmt == "parquet" else 2)
