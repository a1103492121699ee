"""Where measures run: DuckDB on the ledger (default) or Spark over Parquet exports of it.

Both are Ibis backends, so one expression runs on either. An ``Engine`` gives tables by name,
runs an expression to a list of rows, and renders the SQL it runs (in-memory tables inlined as
VALUES, so the SQL can be run again by hand).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
from collections.abc import Iterable
from pathlib import Path

import ibis
import ibis.expr.operations as ops
import numpy as np

from iceledger.errors import NotFoundError
from iceledger.measures.spark import spark_session
from iceledger.metadata.sql import literal

ENGINES = ("duckdb", "spark")


@contextlib.contextmanager
def rows_built():
    """The cyclic garbage collector paused while a result's rows are read and built. They are plain tuples and
    dicts, which hold no cycles, but each few hundred of them start a collection that walks the whole heap of
    the process (Ibis expressions, cached plans, a server's caches): on a result of 34,000 groups that cost more
    than the query. Collection resumes afterwards (unless it was already off)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class Engine:
    """An Ibis backend plus the names of the tables it holds. An engine reads its ledger as it was when
    opened: small bookkeeping tables are read once (``small``), every expression's SQL is compiled once
    (``sql``), and measures keep their plans (``memo``), so a repeated measure only runs its queries."""

    def __init__(self, name: str, backend, tables: set[str], dialect: str, *, owns=None, where: str = ""):
        self.name = name
        self.backend = backend
        self.tables = tables
        self.dialect = dialect
        self.where = where
        self._owns = owns
        self._cache: dict[str, ibis.Table] = {}
        self._small: dict[str, list[dict]] = {}
        self._sql: dict = {}
        self._memo: dict = {}

    def has(self, name: str) -> bool:
        return name in self.tables

    def table(self, name: str) -> ibis.Table:
        if name not in self.tables:
            raise NotFoundError("table_absent", f"table {name} is not in {self.where or 'this ledger'}",
                                fix="run `iceledger build` (and ingest a release), or export the ledger again for Spark")
        if name not in self._cache:
            self._cache[name] = self.backend.table(name)
        return self._cache[name]

    def memo(self, key, build):
        """``build()`` once per engine: what depends only on the ledger as this engine reads it (a measure's
        frame, expressions and SQL, built from the release bookkeeping), reused by later calls."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def small(self, name: str) -> list[dict]:
        """Every row of a small table (bookkeeping), read once; [] when the table is absent."""
        if name not in self._small:
            self._small[name] = self.rows(self.table(name)) if self.has(name) else []
        return self._small[name]

    def rows(self, expr) -> list[dict]:
        return expr.to_pyarrow().to_pylist()

    def columns(self, expr, totals: Iterable[str] = ()) -> tuple[list[str], list[list], dict]:
        """The column names of ``expr``, its values a column at a time (one list per column, rows in order),
        and the sums (NULLs as 0) of the columns named in ``totals``, which are summed rather than read:
        their lists are left empty. What a measure reads many rows through."""
        table = expr.to_pyarrow()
        names, wanted = list(table.column_names), set(totals)
        cols = [[] if n in wanted else c.to_pylist() for n, c in zip(names, table.columns)]
        return names, cols, {n: sum(v or 0 for v in c.to_pylist()) for n, c in zip(names, table.columns) if n in wanted}

    def sql(self, expr) -> str:
        key = expr.op()
        if key not in self._sql:
            self._sql[key] = render_sql(expr, self.dialect)
        return self._sql[key]

    def close(self) -> None:
        if self._owns is not None:
            self._owns()
            self._owns = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class DuckDBEngine(Engine):
    """Runs the SQL it records: the compiled text goes straight to the connection, so the query in
    a result's provenance is exactly the one that ran (values are then typed by the expression's schema)."""

    def __init__(self, con, tables: set[str], *, owns=None, where: str = ""):
        super().__init__("duckdb", ibis.duckdb.from_connection(con), tables, "duckdb", owns=owns, where=where)
        self.con = con

    def small(self, name: str) -> list[dict]:
        if name not in self._small:
            self._small[name] = self._fetch(f'SELECT * FROM "{name}"', None) if self.has(name) else []
        return self._small[name]

    def rows(self, expr) -> list[dict]:
        return self._fetch(self.sql(expr), expr.schema())

    def columns(self, expr, totals: Iterable[str] = ()) -> tuple[list[str], list[list], dict]:
        return self._fetch_columns(self.sql(expr), expr.schema(), frozenset(totals))

    def _fetch(self, sql: str, schema) -> list[dict]:
        names, cols, _ = self._fetch_columns(sql, schema)
        with rows_built():
            return row_maker(tuple(names))(*cols)

    def _fetch_columns(self, sql: str, schema, totals: frozenset[str] = frozenset()) -> tuple[list[str], list[list], dict]:
        """Names, values a column at a time, and the sums of the columns named in ``totals`` (``Engine.columns``).
        Where every column is of a type NumPy holds exactly (``COLUMNAR``), the result is read as arrays, each
        turned into Python values in one call and ``totals`` summed by NumPy, rather than DuckDB building a tuple
        per row (on a result of 34,000 groups that is half the time); otherwise (sums wider than 64 bits,
        decimals, lists...) row by row. A column the expression types as a date holds dates either way (DuckDB's
        date_trunc gives timestamps)."""
        cur = self.con.cursor()
        try:
            cur.execute(sql)
            names = [d[0] for d in cur.description]
            types = [str(d[1]) for d in cur.description]
            dates = {i for i, n in enumerate(names) if schema is not None and n in schema and schema[n].is_date()}
            columnar = len(set(names)) == len(names) and all(
                t in COLUMNAR or (t == "TIMESTAMP" and i in dates) for i, t in enumerate(types))
            with rows_built():
                if columnar:
                    arrays = cur.fetchnumpy()
                    sums = {n: np.ma.filled(arrays[n], 0).sum().item() for n in names if n in totals}
                    cols = [[] if n in totals else (arrays[n].astype("datetime64[D]") if t in ("DATE", "TIMESTAMP") else arrays[n]).tolist()
                            for n, t in zip(names, types)]
                    return names, cols, sums
                data = cur.fetchall()
        finally:
            cur.close()
        with rows_built():
            cols = [list(c) for c in zip(*data)] if data else [[] for _ in names]
            sums = {n: sum(filter(None, cols[i])) for i, n in enumerate(names) if n in totals}
            for i in dates:
                cols[i] = [v.date() if isinstance(v, dt.datetime) else v for v in cols[i]]
            return names, [[] if n in totals else c for n, c in zip(names, cols)], sums


# DuckDB types whose NumPy arrays give, value for value, what DuckDB's own rows give (NULLs are masked and come back None)
COLUMNAR = frozenset({"BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "DOUBLE", "VARCHAR", "DATE"})


@functools.lru_cache(maxsize=512)
def row_maker(names: tuple[str, ...]):
    """A function of one list per column giving the rows as dicts, written out as a comprehension of dict
    displays (``lambda _c0, _c1: [{'month': _0, 'n': _1} for _0, _1 in zip(_c0, _c1)]``): it builds rows in
    under half the time of ``dict(zip(names, row))``. The names are written as Python string literals (``repr``)."""
    cols = ", ".join(f"_c{i}" for i in range(len(names)))
    values = ", ".join(f"_{i}" for i in range(len(names)))
    body = ", ".join(f"{n!r}: _{i}" for i, n in enumerate(names))
    if not names:
        return lambda: []
    if len(names) == 1:
        return eval(f"lambda _c0: [{{{body}}} for _0 in _c0]")  # the text is built here, of literals
    return eval(f"lambda {cols}: [{{{body}}} for {values} in zip({cols})]")  # the text is built here, of literals


def compile_sql(expr, dialect: str) -> str:
    """Ibis's SQL for ``expr``. On DuckDB, common subexpressions (CTEs) are marked NOT MATERIALIZED:
    they are scans and filters that are cheaper to read twice than to store (DuckDB otherwise
    materialises a CTE used twice; on the 10M-row benchmark that made the funnel 1.5-2x slower)."""
    import ibis.backends.sql.compilers as sc
    from sqlglot import exp

    compiler = getattr(sc, dialect).compiler
    tree = compiler.to_sqlglot(expr.unbind())
    if dialect == "duckdb":
        for cte in tree.find_all(exp.CTE):
            cte.set("materialized", False)
    return tree.sql(dialect=compiler.dialect, pretty=True)


def render_sql(expr, dialect: str) -> str:
    """The SQL of ``expr`` with every in-memory table written out as a VALUES list."""
    sql = compile_sql(expr, dialect)
    q = "`" if dialect == "pyspark" else '"'
    ctes = []
    for node in expr.op().find(ops.InMemoryTable):
        data = node.data.to_pyarrow(node.schema).to_pylist()
        cols = list(node.schema.names)
        values = ", ".join("(" + ", ".join(literal(r[c]) for c in cols) + ")" for r in data) or \
            "(" + ", ".join("NULL" for _ in cols) + ")"
        ctes.append(f"{q}{node.name}{q}({', '.join(q + c + q for c in cols)}) AS (VALUES {values})")
    if not ctes:
        return str(sql)
    body = str(sql).strip()
    if body[:5].upper() == "WITH ":
        return "WITH " + ",\n".join(ctes) + ",\n" + body[5:]
    return "WITH " + ",\n".join(ctes) + "\n" + body


def duckdb_engine(con, *, where: str = "the ledger", owns=None) -> Engine:
    """An engine over an open DuckDB connection (the ledger)."""
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return DuckDBEngine(con, names, owns=owns, where=where)


def open_duckdb(settings) -> Engine:
    from iceledger.pipeline.ledger import open_ledger

    con = open_ledger(settings)
    return duckdb_engine(con, where=str(settings.ledger_path), owns=con.close)


# --- Spark (its session and Java: measures/spark.py) -----------------------------------------------


def spark_engine(parquet_dir: str | Path, *, session=None) -> Engine:
    """An engine over a Parquet export (``export.json`` lists its tables), on ``session`` or a new one."""
    from iceledger.measures.export import read_export_index

    remote = "://" in str(parquet_dir)
    index = None if remote else read_export_index(parquet_dir)  # a missing local export fails before Spark starts
    session = session or spark_session()
    index = index or read_export_index(parquet_dir, session=session)
    backend = ibis.pyspark.connect(session)
    base = str(parquet_dir).rstrip("/")
    for name in index["tables"]:
        backend.read_parquet(f"{base}/{name}.parquet", table_name=name)
    return Engine("spark", backend, set(index["tables"]), "pyspark", where=f"the Parquet export at {base}")


def open_engine(settings, engine: str = "duckdb", *, parquet_dir: str | Path | None = None) -> Engine:
    """Open ``engine`` on the ledger of ``settings``. For Spark the ledger is exported to Parquet first
    (into ``parquet_dir`` or <home>/parquet) unless an up-to-date export is already there."""
    if engine == "duckdb":
        return open_duckdb(settings)
    if engine == "spark":
        from iceledger.measures.export import ensure_export

        target = parquet_dir or settings.home / "parquet"
        if "://" not in str(target):
            ensure_export(settings, Path(target))
        return spark_engine(target)
    raise NotFoundError("unknown_engine", f"there is no engine {engine!r}", fix=f"use one of: {', '.join(ENGINES)}")

