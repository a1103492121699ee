"""Delimited text (CSV, pipe, tab or semicolon separated; plain, gzip or zip), read as it is.

The layout is detected from the content, never from the name: the encoding from the bytes (a byte
order mark, else UTF-8 when the head decodes as UTF-8, else Windows-1252), the delimiter and quote
character by Python's ``csv.Sniffer``, and the header row by the LESA header detection; a manifest or
the CLI can set the delimiter and encoding instead. The body is read by pyarrow's streaming CSV reader
(every value as text); a row whose number of fields differs from the header's hands the rest of the
file to Python's csv reader, which keeps such rows whole. Rows are numbered as a spreadsheet program
numbers them when it opens the file (records, banner lines included).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from iceledger.errors import InputError, Location
from iceledger.sources.lesa.formats import FileFormat, open_bytes, read_head
from iceledger.sources.lesa.headers import HEADER_SCAN_ROWS, HeaderGuess, find_header

HEAD_BYTES = 1 << 20  # what encoding and header detection read
SNIFF_CHARS = 1 << 16  # what csv.Sniffer reads (its delimiter guess is slow on long samples)
DELIMITERS = (",", "|", "\t", ";")
DELIMITER_WORDS = {",": "comma", "|": "pipe", "\t": "tab", ";": "semicolon"}
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
BLOCK_BYTES = 1 << 24  # pyarrow's block: about 130,000 rows of ICE's exports, what the ledger loads per statement
CHUNK_ROWS = 200_000  # rows per chunk on the careful path
MAX_COLUMNS = 1_000  # ICE's widest LESA table has under a hundred columns; a sheet can have 16,384


def too_many_columns(n: int, name: str, sheet: str | None = None) -> InputError:
    where = f"sheet {sheet!r} has" if sheet else "it has"
    return InputError("too_many_columns", f"{where} {n:,} columns, more than any LESA table could (at most "
                      f"{MAX_COLUMNS:,} are read)", fix="check that this is the right file; if the extra columns are "
                      "empty, remove them and export it again (or exclude the sheet in the release manifest)",
                      location=Location(file=name, sheet=sheet))


@dataclass(frozen=True)
class TextLayout:
    """How a delimited file was read, and how each part was decided (recorded in the run's findings)."""

    encoding: str
    bom: int  # bytes of byte order mark before the text
    delimiter: str
    quotechar: str
    header_index: int  # 0-based record of the header
    body_offset: int  # bytes (after decompression) before the first record below the header
    decided: str  # e.g. "encoding utf-8 (detected), delimiter pipe (detected)"

    def describe(self) -> str:
        return self.decided


@dataclass
class TextHead:
    """What the reader settled on before the body: the layout, the header row and the banner above it."""

    layout: TextLayout
    guess: HeaderGuess
    headers: list[str]
    banner: list[str]


def detect_encoding(head: bytes) -> tuple[str, int, str]:
    """(encoding, bytes of BOM, how it was decided) from the file's first bytes."""
    for bom, name in BOMS:
        if head.startswith(bom):
            return name, len(bom), f"encoding {name} (byte order mark)"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a character cut at the end is fine
        return "utf-8", 0, "encoding utf-8 (detected)"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return "cp1252", 0, "encoding cp1252 (detected: not UTF-8)"
    except UnicodeDecodeError:
        return "latin-1", 0, "encoding latin-1 (detected: neither UTF-8 nor cp1252)"


def _decode_head(head: bytes, encoding: str, bom: int, name: str) -> str:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(head[bom:], final=False)
    except UnicodeDecodeError as exc:
        raise InputError("bad_encoding", f"the start of the file is not valid {encoding} (byte 0x{exc.object[exc.start]:02x})",
                         fix="pass the right --encoding (e.g. cp1252, latin-1, utf-16), or leave it out to detect it",
                         location=Location(file=name)) from exc


def sniff_dialect(text: str) -> tuple[str, str] | None:
    """(delimiter, quote character) csv.Sniffer finds among the usual delimiters, or None."""
    sample = text[:SNIFF_CHARS]
    sample = sample[: sample.rfind("\n") + 1] or sample
    try:
        found = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS))
    except csv.Error:
        return None
    return found.delimiter, found.quotechar or '"'


def _records(text: str, delimiter: str, quotechar: str) -> list[tuple[list[str], int]]:
    """The first records of the head and, for each, how many characters of the text end with it."""
    lines = io.StringIO(text, newline="")  # splits on \n, \r\n and \r only, as csv expects
    used = 0

    def feed() -> Iterator[str]:
        nonlocal used
        for line in lines:
            used += len(line)
            yield line

    reader = csv.reader(feed(), delimiter=delimiter, quotechar=quotechar, doublequote=True, strict=False)
    out = []
    try:
        for row in reader:
            out.append((row, used))
            if len(out) >= HEADER_SCAN_ROWS:
                break
    except csv.Error:
        pass  # a record cut at the end of the head: the records before it are enough
    return out


def _regularity(records: list[tuple[list[str], int]], guess: HeaderGuess) -> float:
    """Share of the records below the header that have the header's number of fields."""
    width = len(records[guess.row_index][0])
    body = records[guess.row_index + 1:]
    return sum(len(r) == width for r, _ in body) / len(body) if body else 1.0


def read_head_layout(path: Path, fmt: FileFormat, name: str, *, delimiter: str | None = None, encoding: str | None = None,
                     table: str | None = None, columns: dict[str, str] | None = None) -> TextHead:
    """Decide encoding, delimiter and header row from the file's head; say what was tried when nothing fits."""
    head = read_head(path, fmt, HEAD_BYTES, name)
    if encoding:
        bom = next((len(b) for b, n in BOMS if head.startswith(b) and codecs.lookup(n).name == codecs.lookup(encoding).name), 0)
        how = f"encoding {encoding} (given)"
    else:
        encoding, bom, how = detect_encoding(head)
    text = _decode_head(head, encoding, bom, name)
    sniffed = None if delimiter else sniff_dialect(text)
    if delimiter:
        candidates, delim_how = [(delimiter, '"')], "given"
    else:
        candidates = [sniffed] if sniffed else []
        candidates += [(d, '"') for d in DELIMITERS if (d, '"') != sniffed]
        delim_how = "detected"
    for i, (d, quote) in enumerate(candidates):
        records = _records(text, d, quote)
        widest = max((len(r) for r, _ in records), default=0)
        if widest > MAX_COLUMNS:
            raise too_many_columns(widest, name)
        guess = find_header([r for r, _ in records], table=table, columns=columns)
        if guess is None:
            continue
        if quote != '"':  # a quote other than '"' only when it reads the rows more regularly than '"' does
            plain = _records(text, d, '"')
            plain_guess = find_header([r for r, _ in plain], table=table, columns=columns)
            if plain_guess is not None and _regularity(plain, plain_guess) >= _regularity(records, guess):
                continue
        used = records[guess.row_index][1]
        offset = bom + len(text[:used].encode(encoding))
        word = DELIMITER_WORDS.get(d, repr(d))
        quoted = "" if quote == '"' else f", quote {quote}"
        first_choice = i == 0 and bool(delimiter or sniffed)
        decided = f"{how}, delimiter {word}{quoted} ({delim_how if first_choice else 'the header is found with it'})"
        layout = TextLayout(encoding, bom, d, quote, guess.row_index, offset, decided)
        # Empty header cells are kept (as columns without a header): exports often end every line with a
        # delimiter, and a header narrower than its rows would send every row down the careful path.
        headers = [h.strip() for h in records[guess.row_index][0]]
        banner = [" ".join(c.strip() for c in r if c.strip()) for r, _ in records[: guess.row_index]]
        return TextHead(layout, guess, headers, [b for b in banner if b])
    tried = ", ".join(dict.fromkeys(DELIMITER_WORDS.get(d, repr(d)) for d, _ in candidates))
    what = f"the {table.removeprefix('core_')} " if table else "a LESA "
    raise InputError(
        "no_header",
        f"read as {fmt.describe()} in {encoding} with each delimiter tried ({tried}), no row among the first "
        f"{HEADER_SCAN_ROWS} looks like {what}header",
        fix="if the delimiter or encoding was misread, pass --delimiter (comma, pipe, tab, semicolon) or --encoding; "
            "if the headers are ICE's but new, map them in the release manifest (files: columns) or add them to aliases.csv",
        location=Location(file=name))


def body_rows(path: Path, fmt: FileFormat, name: str, head: TextHead) -> Iterator[tuple[pa.Table, list[str]]]:
    """The records below the header as text columns c0.. plus source_row, in chunks, with the headers
    (widened with generated ones when a row has more fields than the header). At least one chunk."""
    width = len(head.headers)
    first_row = head.layout.header_index + 2  # 1-based record number of the first body record
    done = 0
    try:
        for table in _fast_rows(path, fmt, name, head.layout, width):
            n = table.num_rows
            rows = pa.array(range(first_row + done, first_row + done + n), pa.int64())
            yield table.append_column("source_row", rows), head.headers
            done += n
    except _Irregular:
        yield from _careful_rows(path, fmt, name, head, skip=done)
        return
    if not done:
        yield _chunk([], [], width), head.headers


class _Irregular(Exception):
    """A row whose number of fields differs from the header's: the careful reader takes over."""


def _fast_rows(path: Path, fmt: FileFormat, name: str, layout: TextLayout, width: int) -> Iterator[pa.Table]:
    names = [f"c{i}" for i in range(width)]
    seen = []

    def irregular(row) -> str:
        seen.append(row)
        return "error"

    with open_bytes(path, fmt) as fh:
        fh.read(layout.body_offset)
        try:  # opening reads the first block already
            reader = pacsv.open_csv(
                fh,
                read_options=pacsv.ReadOptions(column_names=names, block_size=BLOCK_BYTES, use_threads=False,
                                               encoding=_arrow_encoding(layout.encoding)),
                parse_options=pacsv.ParseOptions(delimiter=layout.delimiter, quote_char=layout.quotechar, double_quote=True,
                                                 newlines_in_values=True, ignore_empty_lines=False,
                                                 invalid_row_handler=irregular),
                convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, null_values=[""],
                                                     strings_can_be_null=True, quoted_strings_can_be_null=True))
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    return
                yield pa.Table.from_batches([batch])
        except pa.ArrowInvalid as exc:
            if seen:
                raise _Irregular() from exc
            if "UTF8" in str(exc).upper():
                raise InputError("bad_encoding", f"the file is not valid {layout.encoding} past its first "
                                 f"{HEAD_BYTES:,} bytes ({layout.describe()})",
                                 fix="pass the right --encoding (e.g. cp1252, latin-1)", location=Location(file=name)) from exc
            raise InputError("unreadable_text", f"the text cannot be read as {DELIMITER_WORDS.get(layout.delimiter)}-"
                             f"delimited ({exc})", fix="check the file; pass --delimiter if it was misread",
                             location=Location(file=name)) from exc


def _arrow_encoding(encoding: str) -> str:
    return "utf8" if codecs.lookup(encoding).name == "utf-8" else encoding


def _careful_rows(path: Path, fmt: FileFormat, name: str, head: TextHead, *, skip: int) -> Iterator[tuple[pa.Table, list[str]]]:
    """Python's csv reader from the ``skip``-th body record on: rows of any width are kept, values past the
    last header under generated headers, short rows padded."""
    layout = head.layout
    headers = list(head.headers)
    number = layout.header_index + 1  # records read so far, banner and header included
    with open_bytes(path, fmt) as fh:
        fh.read(layout.body_offset)
        text = io.TextIOWrapper(fh, encoding=layout.encoding, newline="")
        reader = csv.reader(text, delimiter=layout.delimiter, quotechar=layout.quotechar, doublequote=True, strict=False)
        rows: list[list[str | None]] = []
        lines: list[int] = []
        try:
            for row in reader:
                number += 1
                if number - layout.header_index - 2 < skip:
                    continue
                if len(row) > len(headers):
                    n = len(headers)
                    headers += [f"(no header, column {n + j + 1})" for j in range(len(row) - n)]
                rows.append([c if c != "" else None for c in row])
                lines.append(number)
                if len(rows) >= CHUNK_ROWS:
                    yield _chunk(rows, lines, len(headers)), headers
                    rows, lines = [], []
        except UnicodeDecodeError as exc:
            raise InputError("bad_encoding", f"the file is not valid {layout.encoding} near row {number + 1} "
                             f"({layout.describe()})", fix="pass the right --encoding (e.g. cp1252, latin-1)",
                             location=Location(file=name, row=number + 1)) from exc
        except csv.Error as exc:
            long = "field larger than field limit" in str(exc)
            raise InputError("csv_field_too_long" if long else "bad_csv", f"record {number + 1} cannot be read ({exc})",
                             fix="the file is probably damaged or not delimited as it seems (a quote left open runs on "
                                 "to the end of the file); check that record, or export the table again",
                             location=Location(file=name, row=number + 1)) from None
        if rows:
            yield _chunk(rows, lines, len(headers)), headers


def _chunk(rows: list[list[str | None]], lines: list[int], width: int) -> pa.Table:
    cols = [[r[i] if i < len(r) else None for r in rows] for i in range(width)]
    arrays = [pa.array(c, pa.string()) for c in cols] + [pa.array(lines, pa.int64())]
    return pa.table(arrays, names=[f"c{i}" for i in range(width)] + ["source_row"])
