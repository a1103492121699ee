"""Small registry spreadsheets and text tables read as text, with their real row numbers.

Registry workbooks (facility lists, 287(g) lists) are small, so they are read cell by cell with
openpyxl, which types each cell from the file itself (no guessing from the first rows) and keeps
the row numbers a spreadsheet program shows. Every value becomes text here; casting happens in
DuckDB or in a parser that reports what it could not read.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from iceledger.errors import InputError, Location

HEADER_SCAN_ROWS = 30


@dataclass
class TextRow:
    """One data row: its 1-based row number in the sheet (or line in a text file) and its cells by header."""

    row: int
    cells: dict[str, str | None]


@dataclass
class TextTable:
    file: str
    sheet: str | None
    header_row: int
    headers: list[str]
    rows: list[TextRow]
    banner: list[str] = field(default_factory=list)  # text above the header row
    trailing: list[TextRow] = field(default_factory=list)  # non-blank rows after the first blank row
    trimmed: Counter = field(default_factory=Counter)  # header -> cells whose surrounding spaces were removed


def cell_text(value: object) -> str | None:
    """A cell as text: dates as ISO dates, whole numbers without '.0', strings unchanged (not trimmed)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _clean(text: str | None, header: str, trimmed: Counter) -> str | None:
    if text is None:
        return None
    out = text.replace("\xa0", " ").strip()
    if out != text:
        trimmed[header] += 1
    return out or None


def read_workbook(path: Path, only: set[str] | None = None) -> dict[str, list[tuple[int, list[str | None]]] | None]:
    """The sheets of a workbook, opened once: sheet name -> [(row number, cell texts)]; sheets not in
    ``only`` (when given) are listed with None instead of being read."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds on damaged files
        raise InputError("damaged_xlsx", f"the workbook cannot be read ({exc})",
                         fix="restore the bundled file from git and check its sha256", location=Location(file=path.name)) from exc
    try:
        return {ws.title: [(number, [cell_text(v) for v in values])
                           for number, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1)]
                if only is None or ws.title in only else None
                for ws in wb.worksheets}
    finally:
        wb.close()


def sheet_rows(book: dict[str, list | None], sheet: str | None, *, file: str) -> list[tuple[int, list[str | None]]]:
    """One sheet of a workbook read by ``read_workbook`` (the first when ``sheet`` is None or empty)."""
    if not sheet:
        return next(iter(book.values())) or []
    rows = book.get(sheet)
    if rows is None:
        raise InputError("missing_sheet", f"the workbook has no sheet {sheet!r} (it has {list(book)})",
                         fix="correct the sheet name in the layout file", location=Location(file=file, sheet=sheet))
    return rows


def read_text_rows(path: Path, delimiter: str) -> list[tuple[int, list[str | None]]]:
    """A delimited text file as (line number, cells); empty cells become None."""
    with path.open(newline="", encoding="utf-8") as fh:
        return [(i, [c if c != "" else None for c in r]) for i, r in enumerate(csv.reader(fh, delimiter=delimiter), start=1)]


def find_header(rows: list[tuple[int, list[str | None]]], key_header: str, *, file: str, sheet: str | None) -> int:
    """Index (in ``rows``) of the header row: the first row, among the first rows, with a cell equal to ``key_header``."""
    want = key_header.strip().lower()
    for i, (_, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        if any(c is not None and c.strip().lower() == want for c in cells):
            return i
    raise InputError("no_header", f"no row among the first {HEADER_SCAN_ROWS} has a {key_header!r} cell",
                     fix="check that this is the expected file, or correct key_header in the layout file",
                     location=Location(file=file, sheet=sheet))


def read_table(rows: list[tuple[int, list[str | None]]], key_header: str, *, file: str, sheet: str | None) -> TextTable:
    """Rows below the detected header, up to the first blank row; later non-blank rows are kept as ``trailing``."""
    h = find_header(rows, key_header, file=file, sheet=sheet)
    header_cells = rows[h][1]
    headers = [(c or "").replace("\xa0", " ").strip() for c in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    headers = [name or f"(no header, column {i + 1})" for i, name in enumerate(headers)]
    trimmed: Counter = Counter()
    table = TextTable(file, sheet, rows[h][0], headers, [], trimmed=trimmed,
                      banner=[c.strip() for _, cells in rows[:h] for c in cells if c and c.strip()])
    in_block = True
    for number, cells in rows[h + 1:]:
        if not any(c is not None and c.strip() for c in cells):
            in_block = False
            continue
        values = {name: _clean(cells[i] if i < len(cells) else None, name, trimmed) for i, name in enumerate(headers)}
        extra = [c for c in cells[len(headers):] if c is not None and c.strip()]
        if extra:
            values["(beyond the last header)"] = " | ".join(extra)
        (table.rows if in_block else table.trailing).append(TextRow(number, values))
    return table


BANNER_COUNT = re.compile(r"\b(\d[\d,]*)\s+(?:Authorized\s+)?Facilities\b", re.I)


def banner_count(table: TextTable) -> int | None:
    """The number of facilities a sheet's banner announces ("1685 Facilities, ..."), if it says."""
    for text in table.banner:
        m = BANNER_COUNT.search(text)
        if m:
            return int(m.group(1).replace(",", ""))
    return None
