"""DuckDB's CSV reader (duckcsv.py) is only a faster way to the rows delimited.py reads: on awkward generated text
(quotes, delimiters and line ends inside values, byte order marks, CRLF, blank lines, ragged rows, text that is not
UTF-8, compression) it either reads exactly the same cells under the same row numbers, or declines and leaves the
file to delimited.py. A difference fails here."""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from tests.unit.sources.made_files import BANNER, NATIONAL_ARRESTS, national_arrests, write_text

from iceledger.errors import InputError
from iceledger.sources.lesa import delimited, extract
from iceledger.sources.lesa.extract import ReadHints, read_file
from iceledger.sources.lesa.formats import sniff_format

WIDTH = len(NATIONAL_ARRESTS)
CELL = st.one_of(st.text(alphabet=st.sampled_from(list("ab Z09/-()é€ü,|;\"'")), max_size=8),
                st.text(alphabet=st.sampled_from(list("ab Z09/-,|;\t\"'\r\n()é€ü") + ["\u00a0", "\x00"]), max_size=8))
ROW = st.lists(st.one_of(st.none(), CELL), min_size=WIDTH, max_size=WIDTH)


def careful(path: Path) -> tuple[list[str], list[tuple]]:
    """The headers and rows (c0.., source_row) delimited.py reads (no DuckDB connection: its own path)."""
    headers, rows = None, []
    for item in read_file(path, path.name, ReadHints(), [], con=None):
        headers = item.headers
        names = [f"c{i}" for i in range(len(item.headers))] + ["source_row"]
        rows += [tuple(r[n] for n in names) for r in item.data.to_pylist()]
    return headers, rows


def fast(path: Path) -> list[tuple] | None:
    """The rows DuckDB's reader gives, or None when duckcsv.py declines the file, or DuckDB refuses a record on the
    whole reading (the load then hands the file to delimited.py: transform.load_chunk, RawChunk.refused)."""
    fmt = sniff_format(path, path.name)
    head = delimited.read_head_layout(path, fmt, path.name)
    con = duckdb.connect()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sql = extract._duckdb_body(con, path, fmt, head, Path(tmp))
            if sql is None:
                return None
            try:
                return [tuple(r) for r in con.execute(f"SELECT * FROM ({sql}) ORDER BY source_row").fetchall()]
            except duckdb.Error:
                return None
    finally:
        con.close()


def same_or_declined(path: Path) -> bool:
    """True when DuckDB read the file (and read it as delimited.py does); False when it declined."""
    try:
        headers, expected = careful(path)
    except InputError:
        headers, expected = None, None
    try:
        got = fast(path)
    except InputError:
        assert expected is None
        return False
    if got is None:
        return False
    assert expected is not None, "DuckDB read a file delimited.py refuses"
    if got:
        assert len(headers) == len(got[0]) - 1
    assert got == expected
    return True


def text_of(rows, *, delimiter: str, quoting: int, crlf: bool, banner: bool) -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\r\n" if crlf else "\n")
    for r in ([list(b) for b in BANNER] if banner else []) + [list(NATIONAL_ARRESTS)] + rows:
        w.writerow(["" if v is None else v for v in r])
    return out.getvalue()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=12), delimiter=st.sampled_from([",", "|", "\t", ";"]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]), crlf=st.booleans(), banner=st.booleans(),
       bom=st.booleans(), encoding=st.sampled_from(["utf-8"] * 3 + ["cp1252"]), compression=st.sampled_from([None, "gzip"]),
       ragged=st.sampled_from([None] * 4 + ["short", "long"]), blank=st.sampled_from([None] * 4 + ["inside", "end"]),
       stray=st.sampled_from([None] * 5 + ["quote", "cr", "space-quote"]), where=st.integers(0, 11))
def test_duckdb_reads_generated_text_as_delimited_py_or_declines(tmp_path, rows, delimiter, quoting, crlf, banner, bom,
                                                                  encoding, compression, ragged, blank, stray, where):
    rows = [list(r) for r in rows]
    at = where % len(rows)
    if ragged == "short":
        rows[at] = rows[at][:-1]
    elif ragged == "long":
        rows[at] = rows[at] + ["extra"]
    text = text_of(rows, delimiter=delimiter, quoting=quoting, crlf=crlf, banner=banner)
    eol = "\r\n" if crlf else "\n"
    if stray == "quote":
        text = text.replace(f"{eol}", f'{eol}x"y', 1) if not banner else text + 'q"r' + delimiter * (WIDTH - 1) + eol
    elif stray == "cr":
        text = text.rstrip("\r\n") + "\r" + "a" * WIDTH + eol
    elif stray == "space-quote":
        text += (delimiter + ' "a b"') * (WIDTH - 1) + eol
    if blank == "end":
        text += eol
    elif blank == "inside":
        lines = text.split(eol)
        cut = len(lines) - 1 - (where % 3)
        text = eol.join(lines[:cut] + [""] + lines[cut:])
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    if bom and encoding == "utf-8":
        data = codecs.BOM_UTF8 + data
    path = tmp_path / f"export-{abs(hash((text, bom, encoding, compression)))}.csv"
    if compression == "gzip":
        import gzip

        data = gzip.compress(data)
    path.write_bytes(data)
    same_or_declined(path)


@pytest.mark.parametrize("crlf", [False, True])
@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("compression", [None, "gzip", "zip"])
def test_an_ordinary_export_is_read_by_duckdb(tmp_path, crlf, bom, compression):
    """The fast path must be taken on what ICE exports look like, or it would never be tested."""
    text = text_of(national_arrests(50)[len(BANNER) + 1:], delimiter="|", quoting=csv.QUOTE_MINIMAL, crlf=crlf, banner=True)
    path = write_text(tmp_path / "export.csv", ("\ufeff" if bom else "") + text, compression=compression)
    assert same_or_declined(path)


@pytest.mark.parametrize("case", ["blank line", "cp1252", "ragged", "lone cr", "multi-line banner", "spaced quote"])
def test_what_duckdb_would_read_otherwise_is_declined(tmp_path, case):
    rows = national_arrests(20)[len(BANNER) + 1:]
    text = text_of(rows, delimiter=",", quoting=csv.QUOTE_MINIMAL, crlf=False, banner=True)
    encoding = "utf-8"
    if case == "blank line":
        text = text.replace("\n", "\n\n", len(BANNER) + 3)
    elif case == "cp1252":
        text, encoding = text.replace("MEXICO", "MÉXICO"), "cp1252"
    elif case == "ragged":
        text += "a,b\n"
    elif case == "lone cr":
        text = text.replace("GUATEMALA", "GUATE\rMALA")
    elif case == "spaced quote":  # found by the generated test above: DuckDB reads it as a, b c
        text += 'a, "b c"' + "," * (WIDTH - 2) + "\n"
    elif case == "multi-line banner":
        text = '"ERO-LESA\nStatistical Tracking Unit"\n' + text
    path = write_text(tmp_path / "export.csv", text, encoding=encoding)
    assert not same_or_declined(path)


@pytest.mark.parametrize("case", ["trailing empty fields", "empty line of delimiters", "stray quote"])
def test_records_wider_than_the_header_are_declined(tmp_path, case):
    """Found by the generated test above: DuckDB drops empty fields at the end of a record (a line ending in
    delimiters), strict mode or not, where delimited.py keeps them under generated headers. The fields of each record
    are counted outside quotes; a quote inside a field not quoted makes them uncountable, and declines too."""
    rows = national_arrests(20)[len(BANNER) + 1:]
    text = text_of(rows, delimiter="|", quoting=csv.QUOTE_MINIMAL, crlf=False, banner=True)
    assert same_or_declined(write_text(tmp_path / "plain.csv", text)), "the file without the case is not read by DuckDB"
    if case == "trailing empty fields":
        text += "a|b" + "|" * WIDTH + "\n"
    elif case == "empty line of delimiters":
        lines = text.split("\n")
        text = "\n".join(lines[:8] + ["|" * (WIDTH + 1)] + lines[8:])
    elif case == "stray quote":
        text = text.replace("MEXICO", 'MEX"ICO', 1)
    assert not same_or_declined(write_text(tmp_path / "export.csv", text))


def test_row_numbers_follow_the_file_on_a_parallel_read(tmp_path):
    """Large enough for DuckDB to read in parallel: row_number() OVER () must still follow the file's order."""
    n = 400_000
    lines = [",".join(NATIONAL_ARRESTS)] + [f"SEA,1/{1 + i % 28}/2017,Located,SITE {i},,NTA,,MEXICO,Male" for i in range(n)]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n")
    fmt = sniff_format(path, path.name)
    head = delimited.read_head_layout(path, fmt, path.name)
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as tmp:
        sql = extract._duckdb_body(con, path, fmt, head, Path(tmp))
        assert sql is not None
        bad = con.execute(f"SELECT count(*) FROM ({sql}) WHERE c3 <> 'SITE ' || (source_row - 2)").fetchall()[0][0]
    assert bad == 0
