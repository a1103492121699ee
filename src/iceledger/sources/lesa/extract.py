"""Read LESA sources as text, exactly as written: xlsx (every sheet), CSV exports with banner lines,
and Parquet/CSV files already cleaned by the Deportation Data Project.

Every cell is read as a string (never type-guessed: guessing from the first rows turns a late
`b(6), b(7)c` into NULL). Casting happens later, in DuckDB, where failures are counted.
"""

from __future__ import annotations

import csv
import ctypes
import ctypes.util
import io
import queue
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from iceledger.errors import InputError, Location
from iceledger.sources.lesa.headers import HEADER_SCAN_ROWS, HeaderGuess, detect_header

CSV_CHUNK_ROWS = 200_000
MAX_COLUMNS = 1_000  # ICE's widest LESA table has under a hundred columns; a sheet can have 16,384
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
PARQUET_MAGIC = b"PAR1"


@dataclass
class RawChunk:
    """A block of raw rows: text columns c0..c{n-1} plus source_row, from one sheet of one file."""

    file_name: str
    sheet: str | None
    header_row: int  # 1-based row (or line) of the header
    headers: list[str]
    guess: HeaderGuess
    data: pa.Table | None = None  # columns c0.., source_row
    sql: str | None = None  # or a DuckDB SELECT producing the same columns

    @property
    def width(self) -> int:
        return len(self.headers)


@dataclass
class SkippedSheet:
    file_name: str
    sheet: str
    reason_code: str
    reason: str


def column_names(n: int) -> list[str]:
    return [f"c{i}" for i in range(n)]


def sniff_format(path: Path) -> str:
    """xlsx, csv or parquet, from the file's first bytes (never trusting its extension)."""
    loc = Location(file=path.name)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError("unreadable_file", f"cannot open the file ({exc.strerror})", fix="check the path and permissions", location=loc) from exc
    if not head:
        raise InputError("empty_file", "the file is empty (0 bytes)", fix="re-download it and check its sha256", location=loc)
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    if head.startswith(XLS_MAGIC):
        raise InputError("legacy_xls", "this is an old binary Excel (.xls) file, not .xlsx",
                         fix="open it in a spreadsheet program and save it as .xlsx, then ingest that file", location=loc)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise InputError("not_xlsx", f"the name ends in {path.suffix} but the content is not an Excel workbook (it starts with {head[:8]!r})",
                         fix="check that the right file was downloaded; if it is CSV or text, rename it to .csv", location=loc)
    if path.suffix.lower() == ".parquet":
        raise InputError("not_parquet", "the name ends in .parquet but the content is not Parquet", fix="re-download the file", location=loc)
    return "csv"


# --- xlsx ----------------------------------------------------------------------------------------------

def _sheet_xml_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet XML path inside the workbook zip."""
    wb = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = {}
    for m in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = m.group(0)
        rid = re.search(r'Id="([^"]+)"', tag)
        tgt = re.search(r'Target="([^"]+)"', tag)
        if rid and tgt:
            t = tgt.group(1).lstrip("/")
            targets[rid.group(1)] = t if t.startswith("xl/") else "xl/" + t
    out = {}
    for m in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", wb):
        tag = m.group(0)
        name = re.search(r'name="([^"]*)"', tag)
        rid = re.search(r'r:id="([^"]+)"', tag) or re.search(r'\bid="([^"]+)"', tag)
        if name and rid and rid.group(1) in targets:
            out[_xml_unescape(name.group(1))] = targets[rid.group(1)]
    return out


def _xml_unescape(s: str) -> str:
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def _first_value_row(zf: zipfile.ZipFile, xml_path: str) -> int:
    """1-based number of the first row holding a value; the readers start their ranges there."""
    with zf.open(xml_path) as fh:
        buf = ""
        while True:
            block = fh.read(1 << 16)
            if not block:
                return 1
            buf += block.decode("utf-8", "replace")
            for m in re.finditer(r'<row\b[^>]*\br="(\d+)"[^>]*>(.*?)</row>', buf, flags=re.S):
                if re.search(r"<v>|<is>|<t[ >]", m.group(2)):
                    return int(m.group(1))
            if len(buf) > (1 << 22):
                return 1


def _open_workbook(path: Path):
    import fastexcel

    loc = Location(file=path.name)
    try:
        with zipfile.ZipFile(path) as zf:
            xml_paths = _sheet_xml_paths(zf)
            first_rows = {name: _first_value_row(zf, p) for name, p in xml_paths.items()}
    except (zipfile.BadZipFile, KeyError, EOFError, OSError) as exc:
        raise InputError("damaged_xlsx", f"the workbook is truncated or damaged ({exc})",
                         fix="re-download the file and compare its sha256 with the one published", location=loc) from exc
    try:
        reader = fastexcel.read_excel(str(path))
    except Exception as exc:  # calamine reports damage in several exception types
        raise InputError("damaged_xlsx", f"the workbook cannot be read ({exc})",
                         fix="re-download the file and compare its sha256 with the one published", location=loc) from exc
    return reader, first_rows


def _load(reader, sheet: str, path: Path, **kw):
    try:
        batch = reader.load_sheet(sheet, header_row=None, dtypes="string", eager=True, **kw)
    except Exception as exc:
        raise InputError("damaged_xlsx", f"the sheet cannot be read ({exc})",
                         fix="re-download the file and compare its sha256 with the one published",
                         location=Location(file=path.name, sheet=sheet)) from exc
    _return_freed_memory()
    return batch


def _libc_trim():
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None


_MALLOC_TRIM = _libc_trim()


def _return_freed_memory() -> None:
    """Hand the memory the sheet parser freed back to the system (glibc keeps freed small blocks of
    the parser's millions of cells otherwise, about 300 MiB per 500,000-row sheet). No-op elsewhere."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _rows_of(batch: pa.RecordBatch) -> list[list[object]]:
    cols = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
    return [list(r) for r in zip(*cols)] if cols else []


def _sheet_chunk(reader, path: Path, file_name: str, sheet: str, first_row: int) -> RawChunk | SkippedSheet:
    """Parse one sheet once: detect its header in the first rows, keep the rest as text columns."""
    batch = _load(reader, sheet, path)
    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    del batch
    if table.num_rows == 0:
        return SkippedSheet(file_name, sheet, "empty_sheet", "the sheet has no cells")
    if table.num_columns > MAX_COLUMNS:
        return SkippedSheet(file_name, sheet, "too_many_columns", _too_wide(table.num_columns))
    head = table.slice(0, HEADER_SCAN_ROWS)
    rows = [list(r) for r in zip(*(c.to_pylist() for c in head.columns))]
    guess = detect_header(rows)
    if guess is None:
        return SkippedSheet(file_name, sheet, "no_header", f"no row among the first {HEADER_SCAN_ROWS} looks like a LESA header")
    headers = ["" if c is None else str(c).strip() for c in rows[guess.row_index]]
    while headers and not headers[-1]:
        headers.pop()
    header_abs = first_row + guess.row_index
    body = table.slice(guess.row_index + 1)
    n = len(headers)
    cols = [body.column(i) if i < body.num_columns else pa.nulls(body.num_rows, pa.string()) for i in range(n)]
    # Values beyond the last header are kept under generated headers, never dropped.
    extra = [body.column(i) for i in range(n, body.num_columns)]
    extra_headers = [f"(no header, column {n + j + 1})" for j in range(len(extra))]
    rownum = pa.array(np.arange(header_abs + 1, header_abs + 1 + body.num_rows, dtype=np.int64))
    data = pa.table(cols + extra + [rownum], names=column_names(n + len(extra)) + ["source_row"])
    return RawChunk(file_name, sheet, header_abs, headers + extra_headers, guess, data=data)


def iter_xlsx(path: Path, *, file_name: str | None = None, ahead: int = 1) -> Iterator[RawChunk | SkippedSheet]:
    """Every sheet of a workbook in order, read by a background thread up to ``ahead`` sheets ahead
    of the consumer, so loading one sheet into the ledger overlaps with reading the next while at
    most ``ahead + 1`` parsed sheets are held in memory."""
    file_name = file_name or path.name
    reader, first_rows = _open_workbook(path)
    sheets = list(reader.sheet_names)
    slots = threading.Semaphore(ahead + 1)
    results: queue.Queue = queue.Queue()
    stop = threading.Event()

    def produce() -> None:
        try:
            for sheet in sheets:
                slots.acquire()
                if stop.is_set():
                    return
                results.put(_sheet_chunk(reader, path, file_name, sheet, first_rows.get(sheet, 1)))
        except BaseException as exc:  # handed to the consumer, which raises it
            results.put(exc)

    worker = threading.Thread(target=produce, name=f"read {file_name}", daemon=True)
    worker.start()
    try:
        for _ in sheets:
            item = results.get()
            if isinstance(item, BaseException):
                raise item
            yield item
            del item  # the sheet's columns are freed before the next one is parsed
            slots.release()  # the consumer is done with this sheet
    finally:
        stop.set()
        slots.release()
        worker.join()


def read_xlsx(path: Path, *, file_name: str | None = None) -> tuple[list[RawChunk], list[SkippedSheet]]:
    """Every sheet of a workbook at once (for small files and tests)."""
    items = list(iter_xlsx(path, file_name=file_name))
    return [i for i in items if isinstance(i, RawChunk)], [i for i in items if isinstance(i, SkippedSheet)]


def slice_chunk(chunk: RawChunk, rows: int) -> Iterator[RawChunk]:
    """A chunk cut into slices of at most ``rows`` rows (zero-copy), to bound the ledger's working memory."""
    if chunk.data is None or chunk.data.num_rows <= rows:
        yield chunk
        return
    for start in range(0, chunk.data.num_rows, rows):
        yield RawChunk(chunk.file_name, chunk.sheet, chunk.header_row, chunk.headers, chunk.guess,
                       data=chunk.data.slice(start, rows))


# --- csv -----------------------------------------------------------------------------------------------

def _decode_error(path: Path, encoding: str, exc: UnicodeDecodeError, line: int) -> InputError:
    return InputError("bad_encoding",
                      f"the file is not valid {encoding} (byte 0x{exc.object[exc.start]:02x} near line {line}); it is probably Latin-1 or Windows-1252",
                      fix="pass --encoding latin-1 (or cp1252), or convert it with `iconv -f latin1 -t utf-8`",
                      location=Location(file=path.name, row=line))


def _too_wide(n: int) -> str:
    return f"it has {n:,} columns, more than any LESA table could (at most {MAX_COLUMNS:,} are read)"


def _csv_error(file_name: str, exc: csv.Error, line: int) -> InputError:
    if "field larger than field limit" in str(exc):
        return InputError("csv_field_too_long", f"a field is longer than {csv.field_size_limit():,} characters ({exc})",
                          fix="the file is probably damaged or not delimited as it seems (a quote left open runs to the "
                              "end of the file); check that line, or export the table again",
                          location=Location(file=file_name, row=line))
    return InputError("bad_csv", f"the file cannot be read as CSV ({exc})", fix="check that line, or export the table again",
                      location=Location(file=file_name, row=line))


def iter_csv(path: Path, *, file_name: str | None = None, encoding: str = "utf-8",
             chunk_rows: int = CSV_CHUNK_ROWS) -> Iterator[RawChunk]:
    """A CSV export (UWCHR's per-FY files, DDP's cleaned CSV), banner lines skipped by header detection."""
    file_name = file_name or path.name
    delimiter = "|" if path.name.endswith((".psv", ".psv.gz")) else ","
    opener = _open_text(path, encoding)
    with opener as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        head: list[tuple[int, list[str]]] = []
        try:
            for row in reader:
                head.append((reader.line_num, row))
                if len(head) >= HEADER_SCAN_ROWS:
                    break
        except UnicodeDecodeError as exc:
            raise _decode_error(path, encoding, exc, reader.line_num + 1) from exc
        except csv.Error as exc:
            raise _csv_error(file_name, exc, reader.line_num) from None
        widest = max((len(r) for _, r in head), default=0)
        if widest > MAX_COLUMNS:
            raise InputError("too_many_columns", f"the file cannot be a LESA table: {_too_wide(widest)}",
                             fix="check that this is the right file; if the extra columns are empty, remove them and "
                                 "export it again", location=Location(file=file_name))
        guess = detect_header([r for _, r in head])
        if guess is None:
            raise InputError("no_header", f"no line among the first {HEADER_SCAN_ROWS} looks like a LESA header",
                             fix="check that this is an ICE ERO-LESA export; if it is another table, pass --table",
                             location=Location(file=file_name))
        header_line, headers = head[guess.row_index]
        headers = [h.strip() for h in headers]
        while headers and not headers[-1]:
            headers.pop()
        pending = head[guess.row_index + 1:]

        def rows() -> Iterator[tuple[int, list[str]]]:
            yield from pending
            try:
                for row in reader:
                    yield reader.line_num, row
            except UnicodeDecodeError as exc:
                raise _decode_error(path, encoding, exc, reader.line_num + 1) from exc
            except csv.Error as exc:
                raise _csv_error(file_name, exc, reader.line_num) from None

        width = len(headers)
        batch_rows: list[list[str | None]] = []
        batch_lines: list[int] = []
        emitted_any = False
        for line, row in rows():
            if len(row) > width:
                extra = len(row) - width
                headers = headers + [f"(no header, column {width + j + 1})" for j in range(extra)]
                batch_rows = [r + [None] * extra for r in batch_rows]
                width = len(headers)
            batch_rows.append([c if c != "" else None for c in row] + [None] * (width - len(row)))
            batch_lines.append(line)
            if len(batch_rows) >= chunk_rows:
                yield _csv_chunk(file_name, header_line, headers, guess, batch_rows, batch_lines)
                emitted_any = True
                batch_rows, batch_lines = [], []
        if batch_rows or not emitted_any:
            yield _csv_chunk(file_name, header_line, headers, guess, batch_rows, batch_lines)


def _open_text(path: Path, encoding: str):
    if path.name.endswith(".gz"):
        import gzip

        return io.TextIOWrapper(gzip.open(path, "rb"), encoding=encoding, newline="")
    return path.open(encoding=encoding, newline="")


def _csv_chunk(file_name, header_line, headers, guess, rows, lines) -> RawChunk:
    cols = list(zip(*rows)) if rows else [()] * len(headers)
    arrays = [pa.array(list(c), pa.string()) for c in cols] + [pa.array(lines, pa.int64())]
    return RawChunk(file_name, None, header_line, list(headers), guess,
                    data=pa.table(arrays, names=column_names(len(headers)) + ["source_row"]))


# --- parquet -------------------------------------------------------------------------------------------

def read_parquet_chunk(con, path: Path, *, file_name: str | None = None) -> RawChunk:
    """A cleaned Parquet file: its column names are the headers; every value is cast to text first."""
    file_name = file_name or path.name
    try:
        names = [r[0] for r in con.execute("SELECT name FROM parquet_schema(?) WHERE num_children IS NULL", [str(path)]).fetchall()]
    except Exception as exc:
        raise InputError("damaged_parquet", f"the Parquet file cannot be read ({exc})", fix="re-download the file",
                         location=Location(file=file_name)) from exc
    guess = detect_header([names])
    if guess is None:
        raise InputError("no_header", "none of the Parquet file's column names is a known LESA or DDP column",
                         fix="check that this is a Deportation Data Project file; if it is another table, pass --table",
                         location=Location(file=file_name))
    path_sql = str(path).replace("'", "''")
    cols = ", ".join(f'CAST("{n.replace(chr(34), chr(34) * 2)}" AS VARCHAR) AS c{i}' for i, n in enumerate(names))
    sql = f"SELECT {cols}, file_row_number + 1 AS source_row FROM read_parquet('{path_sql}', file_row_number = true)"
    return RawChunk(file_name, None, 0, names, guess, sql=sql)
