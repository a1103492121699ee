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
    widths = RecordWidths(delimiter[0], quote[0], len(head.headers))
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
                if _declined(window, delimiter, quote) or widths.too_wide(body):
                    return None
                spaces = len(window) - len(window.rstrip(b" \t"))  # (a tab too: no harm in a longer tail)
                tail = window[-(spaces + 2):]  # a blank line, a CR or a spaced quote across the blocks' edge
        if _lone_cr(tail, at_end=True) or widths.too_wide_at_end():
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

class RecordWidths:
    """Whether a record has more fields than the header: DuckDB drops empty fields at the end of a record (a line
    ending in delimiters) without a word, even in strict mode, where delimited.py keeps them as columns without a
    header. Delimiters and line ends are counted outside quoted fields, block by block (the body's bytes in order).
    Quoting must be plain for the count to be exact: a quote that opens a field follows a delimiter, a line end or
    a quote (an escaped one), and one inside a quoted field is followed by a quote, a delimiter or a line end; any
    other quote (``5'10"`` in a field not quoted) declines the file."""

    def __init__(self, delimiter: int, quote: int, width: int):
        self.delimiter, self.quote, self.width = delimiter, quote, width
        self.inside = 0  # 1 inside a quoted field at the end of the bytes so far
        self.count = 0  # delimiters of the record not yet ended
        self.last = NL  # the last byte so far (the body starts with the header's line end)
        self.pending = False  # the last byte was a quote inside a quoted field: the next byte must follow it well

    def too_wide(self, body: bytes) -> bool:
        a = np.frombuffer(body, np.uint8)
        if not a.size:
            return False
        if self.pending and a[0] not in (self.quote, self.delimiter, CR, NL):
            return True
        q = np.flatnonzero(a == self.quote)
        self.pending = False
        if q.size:
            before = (self.inside + np.arange(q.size)) & 1  # inside a quoted field just before each quote
            prev = np.where(q > 0, a[np.maximum(q - 1, 0)], self.last)
            opening = before == 0
            if (opening & (prev != self.delimiter) & (prev != NL) & (prev != self.quote)).any():
                return True
            nxt_ok = np.isin(a[np.minimum(q + 1, a.size - 1)], (self.quote, self.delimiter, CR, NL))
            if (~opening & (q < a.size - 1) & ~nxt_ok).any():
                return True
            self.pending = bool(before[-1] == 1 and q[-1] == a.size - 1)
        n = self._outside(np.flatnonzero(a == NL), q)
        if self._ends_in_delimiter(a, n):
            # some line ends in a delimiter: every record's delimiters outside quoted fields are counted
            d = self._outside(np.flatnonzero(a == self.delimiter), q)
            ends = np.searchsorted(d, n)
            if ends.size:
                per = np.diff(ends, prepend=0)
                per[0] += self.count
                if (per > self.width - 1).any():
                    return True
                self.count = int(d.size - ends[-1])
            else:
                self.count += int(d.size)
        else:
            # a record with more fields than the header ends in a value here, which DuckDB refuses (strict mode):
            # only the record left open at the end is counted
            start = int(n[-1]) + 1 if n.size else 0
            d = self._outside(np.flatnonzero(a[start:] == self.delimiter) + start, q)
            self.count = int(d.size) if n.size else self.count + int(d.size)
        self.inside = (self.inside + int(q.size)) & 1
        self.last = int(a[-1])
        return self.count > self.width - 1

    def _outside(self, positions: np.ndarray, q: np.ndarray) -> np.ndarray:
        """The positions (of bytes other than quotes) outside quoted fields."""
        if not q.size:
            return positions if not self.inside else positions[:0]
        return positions[((self.inside + np.searchsorted(q, positions)) & 1) == 0]

    def _ends_in_delimiter(self, a: np.ndarray, n: np.ndarray) -> bool:
        """Whether a line end (outside quotes) follows a delimiter, or a delimiter and a carriage return."""
        if not n.size:
            return False
        if n[0] < 2:  # the bytes before it may be the last block's: count
            return True
        prev = a[n - 1]
        prev = np.where(prev == CR, a[n - 2], prev)
        return bool((prev == self.delimiter).any())

    def too_wide_at_end(self) -> bool:
        """The last record (without a line end) too."""
        return self.count > self.width - 1


def _lone_cr(window: bytes, *, at_end: bool) -> bool:
    """Whether ``window`` holds a carriage return not followed by a line feed (an old Mac line end, or a stray one).
    One in the last byte is decided with the next block, unless the text ends there."""
    return any(m.start() < len(window) - 1 or at_end for m in LONE_CR.finditer(window))


def header_sql(path: Path, head: TextHead) -> str:
    """The header row as DuckDB reads it (one row): it must agree with the head for DuckDB's reading to be the careful
    path's. Every record is checked by the first whole reading of the body (the load's counts, transform.py): a record
    DuckDB refuses fails it before anything is written, and the file is read by delimited.py then."""
    return f"SELECT * FROM {read_csv_sql(path, head, skip=head.layout.header_index)} LIMIT 1"
