"""How the DuckDB engine reads a result: a column at a time through NumPy where every column's type allows it,
row by row otherwise; either way the values are DuckDB's own (as its rows give them), with NULLs as None and a
column the expression types as a date holding dates. Checked against DuckDB's fetchall on an in-memory database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import ibis
from hypothesis import given, settings, strategies as st

from iceledger.measures.engine import COLUMNAR, duckdb_engine, row_maker

D = dt.date


def _engine():
    con = duckdb.connect()
    con.execute("""CREATE TABLE t AS SELECT * FROM (VALUES
        (1, 'a', DATE '2025-01-17', TRUE, 1.5::DOUBLE, 10::TINYINT, 7::SMALLINT, 3::INTEGER, DATE '1969-12-31'),
        (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, DATE '1901-03-04'),
        (3, 'c', DATE '2024-12-31', FALSE, -0.25, -3::TINYINT, -7::SMALLINT, -3::INTEGER, NULL))
        t(k, s, d, b, f, ti, si, i, old)""")
    return con, duckdb_engine(con)


def test_columnar_read_gives_what_duckdb_rows_give():
    con, eng = _engine()
    expr = eng.table("t").order_by("k")
    sql = eng.sql(expr)
    cur = con.cursor()
    cur.execute(sql)
    assert {str(d[1]) for d in cur.description} <= COLUMNAR  # so this is the NumPy path
    expected = cur.fetchall()
    names, cols, sums = eng.columns(expr)
    assert names == ["k", "s", "d", "b", "f", "ti", "si", "i", "old"] and sums == {}
    got = list(zip(*cols))
    assert got == expected
    # same types, value for value (1 == True would pass the comparison above)
    assert [[type(v) for v in r] for r in got] == [[type(v) for v in r] for r in expected]
    assert got[0][2] == D(2025, 1, 17) and type(got[0][2]) is D and got[1][1] is None and got[1][8] == D(1901, 3, 4)
    assert eng.rows(expr)[1] == {"k": 2, "s": None, "d": None, "b": None, "f": None, "ti": None, "si": None, "i": None,
                                 "old": D(1901, 3, 4)}


def test_totals_are_summed_with_nulls_as_zero_and_not_read():
    con, eng = _engine()
    expr = eng.table("t").order_by("k")
    names, cols, sums = eng.columns(expr, totals=["i", "ti"])
    assert sums == {"i": 0, "ti": 7} and type(sums["i"]) is int
    assert cols[names.index("i")] == [] and cols[names.index("k")] == [1, 2, 3]


def test_a_timestamp_typed_as_a_date_gives_its_day_before_1970_too():
    """The NumPy path casts to whole days: a time of day before 1970 must not round up to the next day."""
    con, eng = _engine()
    con.execute("CREATE TABLE ts AS SELECT * FROM (VALUES (TIMESTAMP '1969-12-31 12:00:00'), (TIMESTAMP '2025-01-17 23:59:59'), "
                "(NULL)) v(t)")
    eng = duckdb_engine(con)
    t = eng.table("ts")
    expr = t.select(d=t.t.cast("date"))
    sql = eng.sql(expr).replace('CAST("t0"."t" AS DATE)', '"t0"."t"')  # DuckDB gives the timestamp; the expression says date
    assert sql != eng.sql(expr)
    names, cols, _ = eng._fetch_columns(sql, expr.schema())
    assert cols == [[D(1969, 12, 31), D(2025, 1, 17), None]]


def test_a_truncated_date_comes_back_as_a_date():
    """DuckDB's date_trunc of a date gives a timestamp; the expression types the month as a date."""
    con, eng = _engine()
    t = eng.table("t")
    expr = t.group_by(month=t.d.truncate("M")).aggregate(n=t.count()).order_by(ibis.asc("month", nulls_first=False))
    assert expr.schema()["month"].is_date()
    names, cols, _ = eng.columns(expr)
    assert cols == [[D(2024, 12, 1), D(2025, 1, 1), None], [1, 1, 1]]
    assert all(type(v) is D for v in cols[0][:2])


def test_wide_sums_and_decimals_are_read_row_by_row_exactly():
    """A sum of BIGINT is a HUGEINT, which NumPy would hold as a float: such results are read as DuckDB's rows."""
    con, eng = _engine()
    con.execute("CREATE TABLE big AS SELECT * FROM (VALUES (9007199254740993::BIGINT, 1.10::DECIMAL(4,2)), "
                "(9007199254740993::BIGINT, NULL)) v(x, m)")
    eng = duckdb_engine(con)
    t = eng.table("big")
    expr = t.aggregate(s=t.x.sum(), m=t.m.max())
    names, cols, sums = eng.columns(expr, totals=["s"])
    assert sums == {"s": 18014398509481986}  # exact: 2 * (2**53 + 1)
    assert eng.rows(expr) == [{"s": 18014398509481986, "m": Decimal("1.10")}]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=6, unique=True),
       st.lists(st.lists(st.integers(-5, 5) | st.none(), min_size=6, max_size=6), max_size=5))
def test_row_maker_builds_the_dicts_of_names_and_values(names, rows):
    rows = [r[:len(names)] for r in rows]
    cols = [[r[i] for r in rows] for i in range(len(names))]
    assert row_maker(tuple(names))(*cols) == [dict(zip(names, r)) for r in rows]
