"""DDL generated from the declarations: the only place CREATE TABLE statements come from."""

from __future__ import annotations

from iceledger.metadata.model import Table, field_, tables
from iceledger.metadata.sql import quote

__all__ = ["create_all_sql", "create_table_sql", "insert_sql", "quote"]


def create_table_sql(t: Table, *, name: str | None = None, replace: bool = False) -> str:
    cols = ",\n  ".join(f"{quote(c)} {field_(c).type}" for c in t.columns)
    verb = "CREATE OR REPLACE TABLE" if replace else "CREATE TABLE IF NOT EXISTS"
    return f"{verb} {quote(name or t.name)} (\n  {cols}\n)"


def create_all_sql(kinds: tuple[str, ...] = ("core", "ledger", "registry")) -> list[str]:
    return [create_table_sql(t) for t in tables().values() if t.kind in kinds]


def insert_sql(name: str, **fixed: str) -> str:
    """``INSERT INTO name (every declared column) VALUES (?, ...)``: a parameter per column, in the declared
    order, except the columns given in ``fixed`` (column=SQL), so no INSERT relies on column positions."""
    cols = tables()[name].columns
    unknown = set(fixed) - set(cols)
    if unknown:
        raise ValueError(f"{name} declares no column {sorted(unknown)}")
    return (f"INSERT INTO {quote(name)} ({', '.join(quote(c) for c in cols)}) "
            f"VALUES ({', '.join(fixed.get(c, '?') for c in cols)})")
