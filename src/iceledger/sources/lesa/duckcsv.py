"""Delimited text read by DuckDB's own CSV reader (in parallel, every value as text), when it reads the file exactly
as the pyarrow and csv readers of delimited.py would. DuckDB is a faster way to the same rows, never another reading:

- only UTF-8 text (DuckDB reads no other encoding here), its lines ending in \\n or \\r\\n;
- no quote with blanks between it and its delimiter (DuckDB reads ``a, "b"`` as ``b``, delimited.py as `` "b"``);
- no blank line among the records: DuckDB skips blank lines, while a spreadsheet program shows them as rows, so
  the rows after one would be misnumbered (the careful path keeps them, as empty rows, in quarantine);
- every line above the body one record (DuckDB skips lines, the header detection counts records), and the header
  where the head detection found it, as DuckDB reads it;
- every record as wide as the header, and nothing else DuckDB refuses: the load's first whole reading (its counts,
  before anything is written) checks it, and hands the file back on a refusal (extract.RawChunk.refused).

A file that fails any of these is read by delimited.py as before (which also gives the precise error when the file
is bad). Compressed text (gzip, or a zip of one file) is decompressed once into a temporary file while it is
scanned, so that DuckDB reads plain text, in parallel, however many times the load reads it. Rows are numbered as
delimited.py numbers them: records, banner lines included, from 1 (``row_number() OVER ()`` follows the file's
order: DuckDB preserves insertion order and numbers the rows in a streaming window).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import numpy as np

from iceledger.sources.lesa.delimited import TextHead
from iceledger.sources.lesa.formats import FileFormat, open_bytes

SCAN_BYTES = 1 << 24
NL, CR, SPACE, TAB = 10, 13, 32, 9
LONE_CR = re.compile(rb"\r(?!\n)")


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def read_csv_sql(path: Path, head: TextHead, *, skip: int) -> str:
    """DuckDB's read_csv over the text with the detected dialect, ``skip`` records skipped, every column text."""
    layout = head.layout
    cols = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(head.headers))) + "}"
    quote = _sql_str(layout.quotechar)
    return (f"read_csv({_sql_str(str(path))}, delim={_sql_str(layout.delimiter)}, quote={quote}, escape={quote}, "
            f"header=false, skip={skip}, columns={cols}, auto_detect=false, strict_mode=true, null_padding=false)")


def body_sql(path: Path, head: TextHead) -> str:
    """The records below the header as c0.. and source_row, the row a spreadsheet program shows them on."""
    header_row = head.layout.header_index + 1
    return f"SELECT *, {header_row} + row_number() OVER () AS source_row FROM {read_csv_sql(path, head, skip=header_row)}"


def plain_text(path: Path, fmt: FileFormat, head: TextHead, workdir: Path) -> Path | None:
    """The text as a plain file for DuckDB (the file itself, or a decompressed copy in ``workdir``), or None when
    its encoding, line ends or a blank line among its records would make DuckDB read it otherwise."""
    layout = head.layout
    if codecs.lookup(layout.encoding).name != "utf-8":
        return None
    target = path if fmt.compression is None else workdir / "text"
    out = None if fmt.compression is None else target.open("wb")
    delimiter, quote = layout.delimiter.encode(), layout.quotechar.encode()
    start = max(layout.body_offset - 1, 0)  # from the newline that ends the header: a blank line right below it counts
    seen = 0
    tail = b""
    prefix = b""
    try:
        with open_bytes(path, fmt) as fh:
            while block := fh.read(SCAN_BYTES):
                if out is not None:
                    out.write(block)
                if len(prefix) < layout.body_offset:
                    prefix += block[: layout.body_offset - len(prefix)]
                body = block[max(start - seen, 0):] if seen + len(block) > start else b""
                seen += len(block)
                if not body:
                    continue
                window = tail + body
                if _declined(window, delimiter, quote):
                    return None
                spaces = len(window) - len(window.rstrip(b" \t"))  # (a tab too: no harm in a longer tail)
                tail = window[-(spaces + 2):]  # a blank line, a CR or a spaced quote across the blocks' edge
        if _lone_cr(tail, at_end=True):
            return None
        # DuckDB's skip counts lines, delimited.py's header row counts records: they must be the same lines
        if prefix.count(b"\n") != layout.header_index + 1 or not prefix.endswith(b"\n") or _lone_cr(prefix, at_end=True):
            return None
    finally:
        if out is not None:
            out.close()
    return target


def _declined(window: bytes, delimiter: bytes, quote: bytes) -> bool:
    """Whether ``window`` (of the body) holds what DuckDB would read otherwise: a blank line, a lone carriage return
    (one in the last byte is decided with the next block), or a quote with blanks between it and its delimiter or
    line end (DuckDB drops the blanks and reads the quoted value: ``a, "b c"`` is ``b c``; pyarrow and csv keep the
    field as written, `` "b c"``). Vectorised with NumPy: bytes.find and regular expressions took 0.5 to 15 s on
    155 MB."""
    a = np.frombuffer(window, np.uint8)
    n = len(a)
    if n < 2:
        return False
    nl = a == NL
    if (nl[:-1] & nl[1:]).any():
        return True
    cr = np.flatnonzero(a[:-1] == CR)
    if cr.size:
        if (a[cr + 1] != NL).any():
            return True
        inner = cr[cr > 0]
        if (a[inner - 1] == NL).any():  # \n\r\n: a blank line in CRLF text
            return True
    blank = a == SPACE
    if delimiter != b"\t":
        blank |= a == TAB
    q = np.flatnonzero(a == quote[0])
    if not q.size:
        return False
    ends = set(delimiter + b"\r\n")
    before = q[q > 0]
    after = q[q < n - 1]
    for k in before[blank[before - 1]].tolist():  # a blank before a quote: what is before the blanks?
        j = k - 1
        while j > 0 and blank[j - 1]:
            j -= 1
        if j == 0 or window[j - 1] in ends:
            return True
    for k in after[blank[after + 1]].tolist():  # a blank after a quote: what is after the blanks?
        j = k + 1
        while j < n and blank[j]:
            j += 1
        if j == n or window[j] in ends:
            return True
    return False

def _lone_cr(window: bytes, *, at_end: bool) -> bool:
    """Whether ``window`` holds a carriage return not followed by a line feed (an old Mac line end, or a stray one).
    One in the last byte is decided with the next block, unless the text ends there."""
    return any(m.start() < len(window) - 1 or at_end for m in LONE_CR.finditer(window))


def header_sql(path: Path, head: TextHead) -> str:
    """The header row as DuckDB reads it (one row): it must agree with the head for DuckDB's reading to be the careful
    path's. Every record is checked by the first whole reading of the body (the load's counts, transform.py): a record
    DuckDB refuses fails it before anything is written, and the file is read by delimited.py then."""
    return f"SELECT * FROM {read_csv_sql(path, head, skip=head.layout.header_index)} LIMIT 1"
