"""A chunk's load (transform.load_chunk) into a real DuckDB ledger: a sheet's cells handed over as Arrow give the
same rows, quarantine and profiles as the same cells read through SQL (the path of DuckDB's CSV reader), and every
loaded text is the cell's text with its surrounding whitespace removed, whichever columns the load trims."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from iceledger.metadata import create_all_sql, table as table_meta
from iceledger.pipeline import dedupe
from iceledger.sources.lesa import cleaning as C
from iceledger.sources.lesa.extract import RawChunk
from iceledger.sources.lesa.headers import find_header
from iceledger.sources.lesa.transform import LoadContext, load_chunk

WS = " \t\r\n\u00a0"
HEADERS = ["Apprehension Date", "Apprehension State", "Gender", "Birth Year", "Unique Identifier", "Alien File Number"]
POOLS = [
    ["03/05/2024", "03/06/2024 13:10", " 03/07/2024", "2024-03-05 ", "not a date", "01/01/1850", "b(6)", "NA"],
    ["TX", " TX", "CA\t", "\u00a0NY\u00a0", "(b)(6)", "N/A", "Texas"],
    ["Male", "Female", " Male ", "U"],
    ["1990", " 1985", "abc", "1700", "1980.5", "NA"],
    ["P1", "P2", " P3"],
    ["b(6), b(7)c", "A123", " "],
]
CELLS = [st.one_of(st.none(), st.just(""), st.sampled_from(pool), st.text(alphabet=WS + "ab(6)", max_size=4))
         for pool in POOLS]
ROWS = st.lists(st.tuples(*CELLS), min_size=1, max_size=25)
TABLE = table_meta("core_arrests")
LOADED = "source_row, apprehension_datetime, apprehension_state, gender, birth_year, person_id, null_reasons"


def _ledger() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for sql in create_all_sql(("core", "ledger")):
        con.execute(sql)
    dedupe.ensure_aor_lookup(con)
    return con


def load(rows: list[tuple], *, as_sql: bool) -> tuple:
    """Load the rows (sheet rows 2..) as one chunk; its counts, profiles, loaded rows and quarantine (in order)."""
    con = _ledger()
    data = pa.table({**{f"c{i}": pa.array([r[i] for r in rows], pa.string()) for i in range(len(HEADERS))},
                     "source_row": pa.array(range(2, 2 + len(rows)), pa.int64())})
    guess = find_header([HEADERS], table=TABLE.name)
    assert guess is not None
    if as_sql:
        con.register("cells_in", data)
        con.execute("CREATE TABLE cells AS SELECT * FROM cells_in")
        con.unregister("cells_in")
        chunk = RawChunk("f.xlsx", "S", 1, HEADERS, guess, sql="SELECT * FROM cells")
    else:
        chunk = RawChunk("f.xlsx", "S", 1, HEADERS, guess, data=data)
    ctx = LoadContext(con, "r", "run", "L1", "L1", True, {}, dedupe.load_defaults(TABLE, 0))
    res = load_chunk(ctx, chunk, TABLE)
    loaded = con.execute(f"SELECT {LOADED} FROM core_arrests ORDER BY source_row").fetchall()
    quarantined = con.execute("SELECT * FROM quarantine").fetchall()
    return (res.rows_read, res.rows_loaded, res.rows_quarantined, res.values_quarantined, res.last_row,
            res.profiles, loaded, quarantined)


def _stripped(cell: str | None) -> str | None:
    return None if cell is None or not cell.strip(WS) else cell.strip(WS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ROWS)
def test_arrow_and_sql_chunks_load_alike_and_every_text_is_trimmed(rows):
    arrow = load(rows, as_sql=False)
    assert arrow == load(rows, as_sql=True)
    read, n_loaded, n_quarantined, _values, last, _profiles, loaded, _q = arrow
    assert read == len(rows) == n_loaded + n_quarantined and last == len(rows) + 1
    by_row = {r[0]: r for r in loaded}
    for i, cells in enumerate(rows):
        got = by_row.get(i + 2)
        if got is None:
            continue
        reasons = got[6] or {}
        for field, cell, value in (("apprehension_state", cells[1], got[2]), ("gender", cells[2], got[3]),
                                   ("person_id", cells[4], got[5])):
            assert value == (None if field in reasons else _stripped(cell))


def test_padded_cells_bad_values_and_rejected_rows_are_set_apart_from_a_sheet():
    rows = [("03/05/2024", " TX ", "Male", "1990", "P1", "A1"),
            ("not a date", "CA", "Female", "1985", "P2", "b(6)"),
            ("03/06/2024", "NY", "\u00a0Male", "abc", "P3", None),
            (None, None, None, None, None, " "),
            ("03/07/2024", "TX", "U", "1700", " P4", "A2")]
    out = load(rows, as_sql=False)
    read, n_loaded, n_quarantined, n_values, _last, _profiles, loaded, quarantined = out
    assert (read, n_loaded, n_quarantined, n_values) == (5, 3, 2, 2)
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in loaded] == [
        (2, "TX", "Male", 1990, "P1"), (4, "NY", "Male", None, "P3"), (6, "TX", "U", None, "P4")]
    assert [(q[5], q[6], q[9]) for q in quarantined] == [
        (3, "row", "bad_event_unparseable"), (5, "row", "empty_row"),
        (4, "value", "unparseable"), (6, "value", "out_of_range")]
    assert out == load(rows, as_sql=True)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=WS + "ab\u0301\u0600\u200d", max_size=8))
def test_the_trim_shortcut_trims_as_a_full_trim_does(text):
    con = duckdb.connect()
    got = con.execute(f"SELECT {C.trimmed('c')}, NULLIF(trim(c, {C.WHITESPACE}), '') FROM (SELECT CAST(? AS VARCHAR) AS c)",
                      [text]).fetchall()[0]
    assert got[0] == got[1] == _stripped(text)


@pytest.mark.parametrize("rows", [[("03/05/2024", "TX", "Male", "1990", "P1", None)] * 3])
def test_a_chunk_without_anything_to_quarantine_sets_nothing_apart(rows):
    read, n_loaded, n_quarantined, n_values, *_rest, quarantined = load(rows, as_sql=False)
    assert (read, n_loaded, n_quarantined, n_values, quarantined) == (3, 3, 0, 0, [])
