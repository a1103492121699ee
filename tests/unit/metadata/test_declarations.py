"""Every column is declared once; DDL and the data dictionary come from the declarations and cannot drift."""

from __future__ import annotations

import duckdb
import pytest

from iceledger import docsgen
from iceledger.metadata import PROVENANCE_COLUMNS, code_lists, create_all_sql, field_, fields, table, tables
from iceledger.settings import PROJECT_DIR
from iceledger.sources.lesa.headers import DERIVED, aliases


def test_every_table_column_is_declared():
    for t in tables().values():
        for c in t.columns + t.withheld:
            assert field_(c).description, f"{t.name}.{c} has no description"


def test_every_field_is_used_by_some_table():
    used = {c for t in tables().values() for c in t.columns + t.withheld}
    used |= {c for cols in PROVENANCE_COLUMNS.values() for c in cols}
    unused = sorted(set(fields()) - used)
    assert unused == [], f"declared but unused fields: {unused}"


def test_ddl_creates_tables_with_declared_columns():
    con = duckdb.connect()
    for sql in create_all_sql():
        con.execute(sql)
    cols = [r[0] for r in con.execute("DESCRIBE core_arrests").fetchall()]
    assert cols == list(table("core_arrests").columns)
    assert "birth_date" not in cols and "alien_file_number" not in cols


def test_codes_referenced_by_fields_exist():
    for f in fields().values():
        if f.codes:
            assert f.codes in code_lists(), f"{f.name} refers to missing code list {f.codes}"


def test_alias_fields_belong_to_their_table():
    origin = {"origin_file", "origin_sheet", "origin_row"}
    for a in aliases():
        if a.field == DERIVED or a.field in origin:
            continue
        t = table(a.table)
        assert a.field in t.fields or a.field in t.withheld, f"{a.table}/{a.era}: {a.header!r} → {a.field} not in table"


def test_duplicate_final_order_header_has_position_rule():
    rows = [a for a in aliases() if a.table == "core_detainers" and a.era == "L1" and a.header == "Final Order Yes No"]
    assert [(a.occurrence, a.field) for a in rows] == [(1, "case_final_order_yes_no"), (2, "final_order_yes_no")]


@pytest.mark.parametrize("name", sorted(docsgen.DOCS))
def test_generated_docs_are_current(name):
    on_disk = (PROJECT_DIR / "docs" / name).read_text()
    assert on_disk == docsgen.DOCS[name](), f"docs/{name} is stale: run `make docs`"


def test_every_command_says_what_it_does():
    import typer

    from iceledger.cli import app

    undocumented = [" ".join(path) for path, cmd in docsgen._walk(typer.main.get_command(app), ["iceledger"])
                    if not (cmd.help or "").strip()]
    assert undocumented == []


@pytest.mark.parametrize("value,known", [("[8F] Expedited Removal", True), ("[99] Nothing", False)])
def test_prefix_code_list(value, known):
    assert code_lists()["case_category"].knows(value) is known
