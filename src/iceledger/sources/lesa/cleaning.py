"""Cleaning rules for LESA cells, as DuckDB SQL over text: blanks, redactions, NA, casts, ranges.

Every rule here is column-wise SQL, never a Python loop over cells. Each value ends up either
as a typed value, or as NULL with a reason: blank (no reason recorded), redacted,
not_available (the literal NA), unparseable, out_of_range.
"""

from __future__ import annotations

import datetime as dt

from iceledger.metadata import Field
from iceledger.metadata.sql import text

# FOIA exemption markers: (b), (B) anywhere, or b(<digit>) not inside a word; e.g. `b(6), b(7)c`,
# `(b)(6)`, `(B)(3)`. Case-insensitive, as in DDP's is_not_blank_or_redacted().
REDACTION_PATTERN = r"(\([bB]\)|(^|[^A-Za-z])[bB]\([0-9])"
NOT_AVAILABLE = ("NA", "N/A", "#N/A")
WHITESPACE = "' ' || chr(9) || chr(10) || chr(13) || chr(160)"
# Formats ICE's files and their exports use, tried in order after ISO 8601.
DATETIME_FORMATS = [
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d", "%d-%b-%Y", "%d-%b-%y", "%Y%m%d",
]
EARLIEST = dt.date(1900, 1, 1)
EXCEL_EPOCH = "TIMESTAMP '1899-12-30'"
REASON_TEXT = {
    "redacted": "withheld by ICE under a FOIA exemption",
    "not_available": "the literal NA",
    "unparseable": "not readable as {type}",
    "out_of_range": "outside the plausible range {range}",
}


def sql_str(value: str) -> str:
    return text(value)


def latest_date() -> dt.date:
    """Dates after this are implausible (a year past today)."""
    return dt.date.today() + dt.timedelta(days=366)


def trimmed(col: str) -> str:
    """Blank → NULL; surrounding whitespace removed. Most cells have none, so only cells that start
    or end with whitespace are trimmed (trimming every cell copies every string: it was the
    costliest step of a load)."""
    # the first character by byte comparison (below '!': a tab, line end or space; from chr(160) on: a no-break space
    # or any other character beyond ASCII), the last by its code point (reverse() copied every string): a cell that
    # passes needlessly is trimmed of nothing, so only the cost changes (a third of the trimming's)
    ws = "(9, 10, 13, 32, 160)"
    edge = f"({col} < '!' OR {col} >= chr(160) OR ord({col}[-1]) IN {ws})"
    return f"CASE WHEN {col} = '' THEN NULL WHEN {edge} THEN NULLIF(trim({col}, {WHITESPACE}), '') ELSE {col} END"


DATE_SAMPLE_ROWS = 256


def leading_format(con, source: str, column: str) -> str | None:
    """The first of DATETIME_FORMATS that reads every value of a sample of ``column`` (None when ISO text reads
    them, or none does). Trying it first is what makes parsing fast: DuckDB's COALESCE evaluates a later
    argument only for the rows an earlier one left NULL, and a list of formats costs 30 times one format."""
    probes = ", ".join(f"count(try_strptime(v, {sql_str(x)}))" for x in DATETIME_FORMATS)
    row = con.execute(f"SELECT count(v), count(TRY_CAST(v AS TIMESTAMP)), {probes} FROM "
                      f"(SELECT {column} AS v FROM {source} WHERE {column} IS NOT NULL LIMIT {DATE_SAMPLE_ROWS})").fetchall()[0]
    n, iso, *hits = row
    if not n or iso == n:
        return None
    return next((x for x, k in zip(DATETIME_FORMATS, hits) if k == n), None)


def parsed(t: str, f: Field, first_format: str | None = None) -> str:
    """Typed value of text ``t`` for field ``f``, NULL when it cannot be read. ``first_format``, when the
    column's values are known to be mostly in it, is tried before the rest (the result is the same)."""
    if f.type == "TIMESTAMP" or f.type == "DATE":
        formats = "[" + ", ".join(sql_str(x) for x in DATETIME_FORMATS) + "]"
        serial = (f"CASE WHEN regexp_full_match({t}, '[0-9]{{4,5}}(\\.[0-9]+)?') THEN {EXCEL_EPOCH} + "
                  f"to_microseconds(CAST(round(CAST({t} AS DOUBLE) * 86400000000) AS BIGINT)) END")
        first = f"try_strptime({t}, {sql_str(first_format)}), " if first_format else ""
        ts = f"COALESCE({first}TRY_CAST({t} AS TIMESTAMP), try_strptime({t}, {formats}), {serial})"
        return ts if f.type == "TIMESTAMP" else f"CAST({ts} AS DATE)"
    if f.type in ("INTEGER", "BIGINT"):
        num = f"TRY_CAST(replace({t}, ',', '') AS DOUBLE)"
        return f"CASE WHEN {num} = floor({num}) THEN TRY_CAST({num} AS {f.type}) END"
    if f.type == "DOUBLE":
        return f"TRY_CAST(replace(replace({t}, ',', ''), '$', '') AS DOUBLE)"
    if f.type == "BOOLEAN":
        return (f"CASE WHEN upper({t}) IN ('YES', 'Y', 'TRUE', '1') THEN TRUE "
                f"WHEN upper({t}) IN ('NO', 'N', 'FALSE', '0') THEN FALSE END")
    return t


def out_of_range(v: str, f: Field) -> str | None:
    """SQL condition that a parsed value is implausible, or None when the field has no range."""
    if f.type in ("TIMESTAMP", "DATE"):
        return f"({v} < DATE '{EARLIEST}' OR {v} > DATE '{latest_date()}')"
    bounds = f.bounds()
    if bounds:
        lo, hi = bounds
        return f"({v} < {lo} OR {v} > {hi})"
    return None


def range_text(f: Field) -> str:
    if f.type in ("TIMESTAMP", "DATE"):
        return f"{EARLIEST} to {latest_date()}"
    b = f.bounds()
    return f"{b[0]} to {b[1]}" if b else ""


def reason_case(t: str, p: str, f: Field) -> str:
    """SQL CASE giving why a cell is NULL (NULL for a blank cell or a usable value)."""
    na = ", ".join(sql_str(x) for x in NOT_AVAILABLE)
    parts = [f"WHEN {t} IS NULL THEN NULL",
             # cheap tests first (a parenthesis, then the markers' pairs): the regular expression only runs on cells
             # that could match it, and only cells as short as a marker are upper-cased
             f"WHEN contains({t}, '(') AND (contains({t}, 'b(') OR contains({t}, 'B(') OR contains({t}, '(b)') "
             f"OR contains({t}, '(B)')) AND regexp_matches({t}, {sql_str(REDACTION_PATTERN)}) THEN 'redacted'",
             f"WHEN strlen({t}) <= {max(len(x) for x in NOT_AVAILABLE)} AND upper({t}) IN ({na}) THEN 'not_available'"]
    if f.type != "VARCHAR":
        parts.append(f"WHEN {p} IS NULL THEN 'unparseable'")
        oor = out_of_range(p, f)
        if oor:
            parts.append(f"WHEN {oor} THEN 'out_of_range'")
    return "CASE " + " ".join(parts) + " END"


def type_words(f: Field) -> str:
    return {"TIMESTAMP": "a date or date and time", "DATE": "a date", "INTEGER": "a whole number",
            "BIGINT": "a whole number", "DOUBLE": "a number", "BOOLEAN": "yes or no"}.get(f.type, "text")
