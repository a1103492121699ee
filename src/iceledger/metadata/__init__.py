"""Metadata declared once: fields, tables, code lists. See model.py."""

from iceledger.metadata.ddl import create_all_sql, create_table_sql, insert_sql, quote
from iceledger.metadata.model import (
    PROVENANCE_COLUMNS,
    CodeList,
    Field,
    Table,
    code_list,
    code_lists,
    core_tables,
    field_,
    fields,
    listing,
    public_tables,
    table,
    tables,
)

__all__ = [
    "PROVENANCE_COLUMNS", "CodeList", "Field", "Table", "code_list", "code_lists", "core_tables",
    "create_all_sql", "create_table_sql", "field_", "fields", "insert_sql", "listing", "public_tables", "quote", "table",
    "tables",
]
