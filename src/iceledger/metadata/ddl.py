"""DDL generated from the declarations: the only place CREATE TABLE statements come from."""

from __future__ import annotations

from iceledger.metadata.model import Table, field_, tables


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(t: Table, *, name: str | None = None, replace: bool = False) -> str:
    cols = ",\n  ".join(f"{quote(c)} {field_(c).type}" for c in t.columns)
    verb = "CREATE OR REPLACE TABLE" if replace else "CREATE TABLE IF NOT EXISTS"
    return f"{verb} {quote(name or t.name)} (\n  {cols}\n)"


def create_all_sql(kinds: tuple[str, ...] = ("core", "ledger", "registry")) -> list[str]:
    return [create_table_sql(t) for t in tables().values() if t.kind in kinds]
