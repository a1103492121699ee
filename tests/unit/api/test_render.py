"""Renderers: JSON stays inert in HTML, spreadsheets run no formula."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
from hypothesis import given, settings, strategies as st
from openpyxl import load_workbook

from iceledger.api.render import escape_formula, render_csv, render_json, render_parquet, render_xlsx

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "=HYPERLINK(\"http://x\")"]


def test_json_escapes_markup_but_keeps_the_value():
    raw = render_json({"name": "<script>alert(1)</script> & co"})
    assert b"<" not in raw and b">" not in raw and b"&" not in raw
    assert json.loads(raw)["name"] == "<script>alert(1)</script> & co"


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_no_rendered_text_cell_starts_like_a_formula(text):
    rows = [{"a": text, "n": 3}]
    cell = list(csv.reader(io.StringIO(render_csv(rows, ["a", "n"]).decode())))[1][0]
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or cell == ""
    assert escape_formula(text) in (text, "'" + text)


def test_dangerous_values_in_every_format():
    rows = [{"v": d} for d in DANGEROUS]
    got_csv = [r[0] for r in csv.reader(io.StringIO(render_csv(rows, ["v"]).decode()))][1:]
    assert got_csv == ["'" + d for d in DANGEROUS]
    got_pq = pq.read_table(io.BytesIO(render_parquet(rows, ["v"]))).column("v").to_pylist()
    assert got_pq == ["'" + d for d in DANGEROUS]
    ws = load_workbook(io.BytesIO(render_xlsx(rows, ["v"]))).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    got = [c.value.replace("_x000D_", "\r") for c in cells]  # xlsx stores a carriage return escaped
    assert got == ["'" + d for d in DANGEROUS] and all(c.data_type == "s" for c in cells)
