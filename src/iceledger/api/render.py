"""Response bodies: the JSON envelope, and CSV, Parquet and Excel downloads.

JSON escapes ``<``, ``>`` and ``&`` so a value such as a facility named ``<script>`` stays inert
even if a page pastes the JSON into HTML. In downloads, a text cell that a spreadsheet would run
as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading
apostrophe, in CSV, Excel and Parquet alike, so an export opened in a spreadsheet runs nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _default(v: Any):
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, (set, frozenset, tuple)):
        return list(v)
    return str(v)


def render_json(body: dict) -> bytes:
    text = json.dumps(body, default=_default, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode()


def escape_formula(value: Any) -> Any:
    """A text value that a spreadsheet would run, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cells(rows: list[dict], columns: list[str]) -> list[list]:
    out = []
    for r in rows:
        line = []
        for c in columns:
            v = r.get(c)
            if isinstance(v, (list, tuple)):
                v = json.dumps(v, default=_default)
            elif isinstance(v, dict):
                v = json.dumps(v, default=_default)
            line.append(escape_formula(v))
        out.append(line)
    return out


def render_csv(rows: list[dict], columns: list[str]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([escape_formula(c) for c in columns])
    for line in _cells(rows, columns):
        w.writerow(["" if v is None else (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for v in line])
    return buf.getvalue().encode("utf-8")


def render_parquet(rows: list[dict], columns: list[str]) -> bytes:
    data = _cells(rows, columns)
    table = pa.table({c: [line[i] for line in data] for i, c in enumerate(columns)}) if data else \
        pa.table({c: pa.array([], pa.string()) for c in columns})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def render_xlsx(rows: list[dict], columns: list[str], *, sheet: str = "data", notes: list[str] | None = None) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = book.add_worksheet(sheet[:31])
    for j, c in enumerate(columns):
        ws.write_string(0, j, str(escape_formula(c)))
    for i, line in enumerate(_cells(rows, columns), start=1):
        for j, v in enumerate(line):
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_boolean(i, j, v)
            elif isinstance(v, (int, float)):
                ws.write_number(i, j, v)
            elif isinstance(v, (dt.date, dt.datetime)):
                ws.write_string(i, j, v.isoformat())
            else:
                ws.write_string(i, j, str(v))
    if notes:
        about = book.add_worksheet("about")
        for i, n in enumerate(notes):
            about.write_string(i, 0, str(escape_formula(n)))
    book.close()
    return buf.getvalue()


def render_download(fmt: str, rows: list[dict], columns: list[str], *, notes: list[str] | None = None) -> bytes:
    if fmt == "csv":
        return render_csv(rows, columns)
    if fmt == "parquet":
        return render_parquet(rows, columns)
    return render_xlsx(rows, columns, notes=notes)
