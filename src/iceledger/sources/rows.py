"""Insert Python records into a declared table through Arrow (fast for tens of thousands of rows)."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from iceledger.metadata import quote


def insert_records(con, table: str, records: Sequence[dict], columns: Sequence[str]) -> int:
    """Insert ``records`` (dicts keyed by column) into ``table``; DuckDB casts each column to its declared type."""
    if not records:
        return 0
    data = pa.table({c: [r.get(c) for r in records] for c in columns})  # column by column: a third faster than from_pylist
    con.register("incoming_records", data)
    try:
        cols = ", ".join(quote(c) for c in columns)
        con.execute(f"INSERT INTO {quote(table)} ({cols}) SELECT {cols} FROM incoming_records")
    finally:
        con.unregister("incoming_records")
    return len(records)
