"""The whole ingest, on DuckDB's CSV reader and on delimited.py's, gives the same ledger: every loaded value, every
quarantined row and value with its reason, the provenance, the duplicate flags, the sheets' balance and the column
profiles (tests/unit/sources/test_duckcsv_paths.py compares the readers themselves on generated text)."""

from __future__ import annotations

import random

import pytest
from tests.integration.lesa_helpers import query
from tests.unit.sources.made_files import BANNER, NATIONAL_ARRESTS, delimited, write_text

from iceledger.pipeline import ingest as ingest_module
from iceledger.pipeline.ingest import ingest
from iceledger.pipeline.release_store import manifest_from_paths
from iceledger.settings import load_settings
from iceledger.sources.lesa import duckcsv, extract, transform

TABLES = {
    "core_arrests": "source_file, source_row",
    "quarantine": "source_file, source_row, scope, column_name",
    "ingest_sheets": "ALL",
    "source_columns": "ALL",
    "ingest_run_tables": "ALL",
}
AWKWARD = ["Located", "(b)(6), (b)(7)(c)", "N/A", "  padded  ", 'say "hi"', "a|b;c,d", "line\nbreak", "crlf\r\nin value",
           "é ü €", "'quoted'", "", None, "13/45/2017", "2/30/2017", "1/1/1850", "MEXICO"]


def rows(n: int, seed: int) -> list[list]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        date = rnd.choice([f"{1 + i % 12}/{1 + i % 28}/2017", f"{1 + i % 12}/{1 + i % 28}/2017 10:{i % 60:02d}", "",
                           "(b)(6)", "not a date", "2/30/2017"])
        row = [rnd.choice(["Seattle Area of Responsibility", "Chicago Area of Responsibility", "", "Nowhere"]), date]
        row += [rnd.choice(AWKWARD) for _ in NATIONAL_ARRESTS[2:]]
        if rnd.random() < 0.05:
            row = [None] * len(NATIONAL_ARRESTS)  # an empty row: every cell blank, the line only delimiters
        out.append(row)
    return out


def snapshot(home) -> dict[str, list]:
    return {t: query(home, f"SELECT * EXCLUDE (run_id) FROM {t} ORDER BY {order}") for t, order in TABLES.items()}


def ingest_both(tmp_path, monkeypatch, files) -> tuple[dict, dict, int]:
    used = []
    real = extract._duckdb_body

    def spy(*args):
        sql = real(*args)
        used.append(sql is not None)
        return sql

    monkeypatch.setattr(extract, "_duckdb_body", spy)
    fast_home = load_settings(tmp_path / "fast").ensure()
    ingest(fast_home, manifest_from_paths(files, "made-awkward", era=None, table=None, synthetic=True))
    monkeypatch.setattr(extract, "_duckdb_body", lambda *args: None)
    careful_home = load_settings(tmp_path / "careful").ensure()
    ingest(careful_home, manifest_from_paths(files, "made-awkward", era=None, table=None, synthetic=True))
    return snapshot(fast_home), snapshot(careful_home), sum(used)


@pytest.mark.parametrize("delimiter,crlf,bom,compression", [(",", False, False, None), ("|", True, True, "gzip"),
                                                           ("\t", False, True, "zip"), (";", True, False, None)])
def test_duckdb_and_delimited_py_load_the_same_ledger(tmp_path, monkeypatch, delimiter, crlf, bom, compression):
    files = []
    for k in range(2):
        text = delimited([list(b) for b in BANNER] + [list(NATIONAL_ARRESTS)] + rows(300, seed=k), delimiter)
        if crlf:
            text = text.replace("\r\n", "\x00").replace("\n", "\r\n").replace("\x00", "\r\n")
        path = write_text(tmp_path / f"arrests-{k}.csv{'.gz' if compression == 'gzip' else ''}",
                          ("\ufeff" if bom else "") + text, compression=compression)
        files.append(path)
    fast, careful, read_by_duckdb = ingest_both(tmp_path, monkeypatch, files)
    assert read_by_duckdb == 2, "the fast path was not taken: nothing compared"
    assert fast["core_arrests"] and fast["quarantine"]
    for t in TABLES:
        assert fast[t] == careful[t], t


def test_a_file_duckdb_declines_loads_the_same(tmp_path, monkeypatch):
    """A blank line among the records: DuckDB would skip it, so delimited.py reads the file on both runs."""
    text = delimited([list(NATIONAL_ARRESTS)] + rows(50, seed=7), ",")
    text = text.replace("\n", "\n\n", 10)
    path = write_text(tmp_path / "arrests.csv", text)
    fast, careful, read_by_duckdb = ingest_both(tmp_path, monkeypatch, [path])
    assert read_by_duckdb == 0
    assert fast == careful


def test_a_record_duckdb_refuses_hands_the_file_to_delimited_py(tmp_path, monkeypatch):
    """A ragged row far down the file: the head passes DuckDB's checks, and its reader refuses the row only on the first
    whole reading (the load's counts). Nothing is written then, and delimited.py reads the file: the same ledger.
    (DuckDB reads in buffers of megabytes: a small buffer makes this small file a large one, whose first buffer the
    header check reads without reaching the row.)"""
    body = rows(400, seed=11)
    body[350] = body[350][:3]  # a short record
    path = write_text(tmp_path / "arrests.csv", delimited([list(NATIONAL_ARRESTS)] + body, ","))
    real_sql = duckcsv.read_csv_sql
    monkeypatch.setattr(duckcsv, "read_csv_sql", lambda *a, **k: real_sql(*a, **k)[:-1] + ", buffer_size = 4096)")
    refused = []
    real = transform.load_chunk

    def spy(ctx, chunk, table):
        res = real(ctx, chunk, table)
        refused.append(chunk.refused)
        return res

    monkeypatch.setattr(ingest_module, "load_chunk", spy)
    fast, careful, read_by_duckdb = ingest_both(tmp_path, monkeypatch, [path])
    assert read_by_duckdb == 1, "DuckDB's reader was not offered the file"
    assert refused[0] is True and not any(refused[1:]), refused
    assert fast["core_arrests"] and fast == careful
    balance = fast["ingest_sheets"][0]
    assert balance[6] == 400 and balance[6] == balance[7] + balance[8]  # rows read = loaded + quarantined
