"""Read LESA sources as text, exactly as written: workbooks (every sheet, each classified on its own
header), delimited text (any delimiter, encoding and compression, detected from the content), and
Parquet/CSV files already cleaned by the Deportation Data Project.

Every cell is read as a string (never type-guessed: guessing from the first rows turns a late
`b(6), b(7)c` into NULL). Casting happens later, in DuckDB, where failures are counted. A file's name
is never read: the format comes from its bytes, each sheet's table from its header (or the manifest).
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from iceledger.errors import InputError, Location
from iceledger.metadata.sql import quote, text
from iceledger.sources.lesa import delimited, duckcsv, workbook
from iceledger.sources.lesa.formats import FileFormat, sniff_format
from iceledger.sources.lesa.headers import HEADER_SCAN_ROWS, HeaderGuess, find_header, normalize_header
from iceledger.sources.lesa.summary import SummaryBlock, parse_summary
from iceledger.validation import Finding

NOTES_MAX_ROWS = 500  # a sheet of one text cell per row, up to this many rows, is notes; longer ones are not

__all__ = ["FileFormat", "sniff_format", "ReadHints", "RawChunk", "SheetOutcome", "read_file"]


@dataclass(frozen=True)
class ReadHints:
    """What a release manifest (or the CLI) says about a file, where its content alone does not."""

    table: str | None = None  # every sheet (or the text) is this table
    sheet_tables: dict[str, str] = field(default_factory=dict)  # sheet → table
    excluded: dict[str, str] = field(default_factory=dict)  # sheet → why it is not read as records
    columns: dict[str, str] = field(default_factory=dict)  # source header → field
    delimiter: str | None = None
    encoding: str | None = None


@dataclass
class RawChunk:
    """A block of raw rows: text columns c0..c{n-1} plus source_row, from one sheet of one file."""

    file_name: str
    sheet: str | None
    header_row: int  # 1-based row (or record) of the header
    headers: list[str]
    guess: HeaderGuess
    data: pa.Table | None = None  # columns c0.., source_row
    # or a DuckDB SELECT producing the same columns (a whole file: Parquet, DuckDB's CSV reader), its rows numbered
    # from header_row + 1 without a gap
    sql: str | None = None
    banner: list[str] = field(default_factory=list)  # the lines above the header (titles)
    # DuckDB's CSV reader behind ``sql``: it may refuse a record on the first whole reading (a ragged row), before
    # anything is written; the consumer then sets ``refused`` and the reader gives the careful reading instead
    refusable: bool = False
    refused: bool = False

    @property
    def width(self) -> int:
        return len(self.headers)


@dataclass
class SheetOutcome:
    """A sheet read as something other than records: ICE's summary counts, notes, excluded by the
    manifest, empty, or unclassified (data nobody could place: the run fails)."""

    file_name: str
    sheet: str | None
    kind: str  # summary, notes, excluded, empty or unclassified (metadata/codes/sheet_kind.csv)
    rows: int  # rows holding a value
    reason: str
    blocks: list[SummaryBlock] = field(default_factory=list)


def column_names(n: int) -> list[str]:
    return [f"c{i}" for i in range(n)]


def read_file(path: Path, name: str, hints: ReadHints, findings: list[Finding], *, con=None,
              ahead: int = 1) -> Iterator[RawChunk | SheetOutcome]:
    """Every chunk of records and every other sheet of one file, whatever its format. With a DuckDB connection,
    Parquet and (where it reads them exactly as delimited.py would) delimited text come as one chunk of SQL over the
    whole file; the next item is read only once the consumer has loaded this one (a temporary file may back it)."""
    fmt = sniff_format(path, name)
    if fmt.kind == "xlsx":
        yield from _read_workbook(path, name, hints, findings, ahead)
    elif fmt.kind == "parquet":
        yield read_parquet_chunk(con, path, file_name=name, hints=hints)
    else:
        yield from _read_text(path, name, fmt, hints, findings, con)


def _read_text(path: Path, name: str, fmt: FileFormat, hints: ReadHints, findings: list[Finding], con) -> Iterator[RawChunk]:
    head = delimited.read_head_layout(path, fmt, name, delimiter=hints.delimiter, encoding=hints.encoding,
                                      table=hints.table, columns=hints.columns)
    text = f"read as {fmt.describe()}: {head.layout.describe()}, header on row {head.layout.header_index + 1}"
    same = next((f for f in findings if f.code == "text_layout" and f.detail.get("layout") == text), None)
    if same is not None:  # one finding per layout, naming every file read with it
        same.detail["files"].append(name)
        same.count = len(same.detail["files"])
        same.message = f"{same.count} files {text}"
    else:
        findings.append(Finding("info", "text_layout", f"1 file {text}", "if any of this is wrong, set it with "
                                "--delimiter or --encoding (or the manifest's delimiter and encoding)",
                                detail={"layout": text, "files": [name]}, count=1))
    header_row = head.layout.header_index + 1
    if con is not None:
        with tempfile.TemporaryDirectory(prefix="iceledger-text-") as tmp:
            sql = _duckdb_body(con, path, fmt, head, Path(tmp))
            if sql is not None:
                chunk = RawChunk(name, None, header_row, list(head.headers), head.guess, sql=sql, banner=head.banner,
                                 refusable=True)
                yield chunk
                if not chunk.refused:
                    return
    for data, headers in delimited.body_rows(path, fmt, name, head):
        yield RawChunk(name, None, header_row, list(headers), head.guess, data=data, banner=head.banner)


def _duckdb_body(con, path: Path, fmt: FileFormat, head: delimited.TextHead, workdir: Path) -> str | None:
    """SQL reading the body with DuckDB's CSV reader, or None when it would not read it as delimited.py does
    (duckcsv.py says when), or refuses its header: delimited.py then reads the file, and reports what is wrong with
    it. A record DuckDB refuses further on fails the first whole reading of the SQL (the load's counts, before it
    writes anything), and the file goes to delimited.py then (RawChunk.refused)."""
    try:
        plain = duckcsv.plain_text(path, fmt, head, workdir)
    except (OSError, EOFError, zipfile.BadZipFile):
        return None
    if plain is None:
        return None
    try:
        first = con.execute(duckcsv.header_sql(plain, head)).fetchall()
    except duckdb.Error:
        return None
    if not first or ["" if c is None else c.strip() for c in first[0]] != head.headers:
        return None
    return duckcsv.body_sql(plain, head)


def _read_workbook(path: Path, name: str, hints: ReadHints, findings: list[Finding], ahead: int):
    with workbook.readable_workbook(path, name, findings) as readable:
        reader = workbook.open_reader(readable, name)
        for sheet, cells in workbook.iter_sheets(reader, name, ahead=ahead):
            yield classify_sheet(name, sheet, cells, hints)
            del cells


def _filled_rows(cells: pa.Table) -> int:
    if cells.num_columns == 0 or cells.num_rows == 0:
        return 0
    import pyarrow.compute as pc  # here: a fifth of a second to import, and only workbooks' sheets need it

    filled = None
    for col in cells.columns:
        has = pc.fill_null(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(col)), 0), False)
        filled = has if filled is None else pc.or_(filled, has)
    return pc.sum(filled).as_py() or 0


def _rows(cells: pa.Table, n: int | None = None) -> list[list[object]]:
    part = cells if n is None else cells.slice(0, n)
    return [list(r) for r in zip(*(c.to_pylist() for c in part.columns))]


def classify_sheet(file_name: str, sheet: str, cells: pa.Table, hints: ReadHints) -> RawChunk | SheetOutcome:
    """A sheet's records (its header found among the first rows), or what else it is."""
    if sheet in hints.excluded:
        return SheetOutcome(file_name, sheet, "excluded", _filled_rows(cells), hints.excluded[sheet])
    if cells.num_columns > delimited.MAX_COLUMNS:
        raise delimited.too_many_columns(cells.num_columns, file_name, sheet)
    forced = hints.sheet_tables.get(sheet) or hints.table
    head = _rows(cells, HEADER_SCAN_ROWS)
    guess = find_header(head, table=forced, columns=hints.columns) if head else None
    if guess is not None:
        return _records(file_name, sheet, cells, head, guess)
    filled = _filled_rows(cells)
    if not filled:
        return SheetOutcome(file_name, sheet, "empty", 0, "the sheet has no cells")
    if forced:
        return SheetOutcome(file_name, sheet, "unclassified", filled,
                            f"the manifest says it is {forced.removeprefix('core_')}, but no row among the first "
                            f"{HEADER_SCAN_ROWS} looks like its header")
    if cells.num_rows <= NOTES_MAX_ROWS:
        rows = _rows(cells)
        blocks = parse_summary(rows)
        if blocks:
            return SheetOutcome(file_name, sheet, "summary", filled, f"ICE's summary counts ({len(blocks)} blocks)", blocks)
        if all(sum(1 for c in r if c is not None and str(c).strip()) <= 1 for r in rows):
            return SheetOutcome(file_name, sheet, "notes", filled, "one line of text per row (notes)")
    return SheetOutcome(file_name, sheet, "unclassified", filled,
                        f"no row among the first {HEADER_SCAN_ROWS} looks like a LESA header, and it is neither ICE's "
                        "summary counts nor notes")


def _records(file_name: str, sheet: str, cells: pa.Table, head: list[list[object]], guess: HeaderGuess) -> RawChunk:
    headers = ["" if c is None else str(c).strip() for c in head[guess.row_index]]
    while headers and not headers[-1]:
        headers.pop()
    banner = [" ".join(str(c).strip() for c in r if c is not None and str(c).strip()) for r in head[: guess.row_index]]
    body = cells.slice(guess.row_index + 1)
    n = len(headers)
    cols = [body.column(i) if i < body.num_columns else pa.nulls(body.num_rows, pa.string()) for i in range(n)]
    # Values beyond the last header are kept under generated headers, never dropped.
    extra = [body.column(i) for i in range(n, body.num_columns)]
    extra_headers = [f"(no header, column {n + j + 1})" for j in range(len(extra))]
    first = guess.row_index + 2  # row i of the cells is sheet row i + 1 (leading empty rows kept)
    rownum = pa.array(np.arange(first, first + body.num_rows, dtype=np.int64))
    data = pa.table(cols + extra + [rownum], names=column_names(n + len(extra)) + ["source_row"])
    return RawChunk(file_name, sheet, guess.row_index + 1, headers + extra_headers, guess, data=data,
                    banner=[b for b in banner if b])


def read_parquet_chunk(con, path: Path, *, file_name: str | None = None, hints: ReadHints = ReadHints()) -> RawChunk:
    """A cleaned Parquet file: its column names are the headers; every value is cast to text first."""
    file_name = file_name or path.name
    try:
        names = [r[0] for r in con.execute("SELECT name FROM parquet_schema(?) WHERE num_children IS NULL", [str(path)]).fetchall()]
    except Exception as exc:
        raise InputError("damaged_parquet", f"the Parquet file cannot be read ({exc})", fix="re-download the file",
                         location=Location(file=file_name)) from exc
    guess = find_header([names], table=hints.table, columns=hints.columns)
    if guess is None:
        raise InputError("no_header", "none of the Parquet file's column names is a known LESA or DDP column",
                         fix="check that this is a Deportation Data Project file; if its columns are new, map them in the "
                             "release manifest (files: columns)", location=Location(file=file_name))
    cols = ", ".join(f"CAST({quote(n)} AS VARCHAR) AS c{i}" for i, n in enumerate(names))
    sql = f"SELECT {cols}, file_row_number + 1 AS source_row FROM read_parquet({text(str(path))}, file_row_number = true)"
    return RawChunk(file_name, None, 0, names, guess, sql=sql)


def same_name(a: str | None, b: str | None) -> bool:
    """Whether two labels (a sheet name and a summary column, two titles) say the same thing."""
    return normalize_header(a) == normalize_header(b) != ""
