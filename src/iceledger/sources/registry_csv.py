"""Hand-compiled registry CSVs under data/: read, type and check every cell against the field declarations.

A registry CSV's header is the target table's declared columns, minus the provenance columns and
the columns the build derives. Cells are typed by the declared field type and checked against the
field's code list; key columns must be filled and unique. Every problem names the file, line and
column and says what to do; all problems of a file are reported together.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from iceledger.errors import InputError, Location
from iceledger.metadata import PROVENANCE_COLUMNS, code_list, field_, table
from iceledger.settings import DATA_DIR
from iceledger.sources.bundled import bundled_path
from iceledger.sources.rows import insert_records

LIST_SEPARATOR = ";"
MAX_LISTED = 10
_NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BOOLEANS = {"true": True, "yes": True, "false": False, "no": False}


@dataclass(frozen=True)
class Problem:
    line: int | None
    column: str | None
    message: str
    fix: str


@dataclass(frozen=True)
class RegistryRow:
    """One typed CSV record and the line it starts on (the header is line 1)."""

    line: int
    values: dict

    def __getitem__(self, key: str):
        return self.values.get(key)


class CellError(ValueError):
    """A cell that cannot be read as its declared type; the message says what was expected."""


def parse_number(text: str) -> float:
    """A plain decimal number; thousands separators are accepted only in their proper places."""
    t = text.strip()
    if not _NUMBER.match(t):
        raise CellError(f"{text!r} is not a number (write digits, e.g. 143470 or 37.6)")
    return float(t.replace(",", ""))


def parse_integer(text: str) -> int:
    value = parse_number(text)
    if value != int(value):
        raise CellError(f"{text!r} is not a whole number")
    return int(value)


def parse_date(text: str) -> dt.date:
    """An ISO date, YYYY-MM-DD, nothing else (a month-only date is its first day plus a precision column)."""
    t = text.strip()
    if not _DATE.match(t):
        raise CellError(f"{text!r} is not a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(t)
    except ValueError:
        raise CellError(f"{text!r} is not a real calendar date") from None


def parse_bool(text: str) -> bool:
    try:
        return _BOOLEANS[text.strip().lower()]
    except KeyError:
        raise CellError(f"{text!r} is not true/false (or yes/no)") from None


def parse_list(text: str) -> list[str] | None:
    """A ';'-separated list; empty items are dropped and an empty list is NULL."""
    items = [item.strip() for item in text.split(LIST_SEPARATOR)]
    items = [item for item in items if item]
    return items or None


PARSERS = {"DATE": parse_date, "DOUBLE": parse_number, "INTEGER": parse_integer, "BIGINT": parse_integer,
           "BOOLEAN": parse_bool, "VARCHAR[]": parse_list}


def parse_cell(column: str, text: str | None):
    """The typed value of one cell of a declared column; blank is NULL."""
    if text is None or not text.strip():
        return None
    f = field_(column)
    parser = PARSERS.get(f.type)
    value = parser(text) if parser else text.strip()
    if f.codes and value is not None:
        cl = code_list(f.codes)
        if not cl.knows(str(value)):  # coded fields are text
            shown = ", ".join(cl.values[:MAX_LISTED]) + (" ..." if len(cl.values) > MAX_LISTED else "")
            raise CellError(f"{value!r} is not in code list {f.codes!r} ({shown})")
    return value


def expected_columns(table_name: str, derived: Iterable[str] = ()) -> list[str]:
    skip = set(PROVENANCE_COLUMNS["registry"]) | set(derived)
    return [c for c in table(table_name).columns if c not in skip]


def read_registry_csv(rel: str, table_name: str, *, derived: Iterable[str] = (), data_dir: Path = DATA_DIR) -> list[RegistryRow]:
    """Typed rows of data/<rel> for ``table_name``; raises one InputError listing every problem."""
    path = bundled_path(rel, data_dir)
    expected = expected_columns(table_name, derived)
    problems: list[Problem] = []
    rows: list[RegistryRow] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, None) or []
        missing = [c for c in expected if c not in header]
        unknown = [c for c in header if c not in expected]
        if missing or unknown:
            raise InputError("registry_header", f"header does not match table {table_name}: missing {missing}, unexpected {unknown}",
                             fix=f"the header must be exactly these columns, in any order: {', '.join(expected)}",
                             location=Location(file=f"data/{rel}", row=1))
        last_line = reader.line_num
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(Problem(line, None, f"{len(cells)} cells where the header has {len(header)}",
                                        "quote cells that contain commas"))
                continue
            values = {}
            for col, text in zip(header, cells):
                try:
                    values[col] = parse_cell(col, text)
                except CellError as exc:
                    problems.append(Problem(line, col, str(exc), _fix_for(col)))
            rows.append(RegistryRow(line, values))
    problems += check_keys(rows, table(table_name).key)
    raise_problems(rel, problems)
    return rows


def _fix_for(column: str) -> str:
    f = field_(column)
    if f.codes:
        return f"use a value of src/iceledger/metadata/codes/{f.codes}.csv, or add the new value there with a description"
    return f"write a {f.type} value ({f.description})"


def check_keys(rows: list[RegistryRow], key: tuple[str, ...]) -> list[Problem]:
    out: list[Problem] = []
    seen: dict[tuple, int] = {}
    for r in rows:
        k = tuple(r[c] for c in key)
        if any(v is None for v in k):
            out.append(Problem(r.line, ",".join(key), "the key is empty", "fill in the key columns"))
        elif k in seen:
            out.append(Problem(r.line, ",".join(key), f"key {k} repeats line {seen[k]}", "give each row its own key"))
        else:
            seen[k] = r.line
    return out


def check_refs(rows: list[RegistryRow], column: str, known: set, target: str) -> list[Problem]:
    """Problems for cells of ``column`` naming something not in ``known`` (blank cells are allowed)."""
    return [Problem(r.line, column, f"{r[column]!r} is not a known {target}", f"use an existing {target} or add it first")
            for r in rows if r[column] is not None and r[column] not in known]


def raise_problems(rel: str, problems: list[Problem]) -> None:
    if not problems:
        return
    problems = sorted(problems, key=lambda p: (p.line or 0, p.column or ""))
    lines = [f"line {p.line}" + (f", column {p.column!r}" if p.column else "") + f": {p.message}" for p in problems[:MAX_LISTED]]
    more = f" (and {len(problems) - MAX_LISTED} more)" if len(problems) > MAX_LISTED else ""
    first = problems[0]
    raise InputError("bad_registry_csv", f"{len(problems)} problem(s) in data/{rel}{more}: " + "; ".join(lines),
                     fix=first.fix, location=Location(file=f"data/{rel}", row=first.line, column=first.column))


def insert_registry_rows(con, table_name: str, rows: list[RegistryRow], *, source_id: str, rel: str) -> int:
    """Insert typed rows; provenance names the source manifest and the file line, derived columns stay NULL."""
    cols = table(table_name).columns
    data = [{**r.values, "source_id": source_id, "source_detail": f"data/{rel} line {r.line}"} for r in rows]
    return insert_records(con, table_name, data, cols)


def source_of(rel: str) -> str:
    """The id of the source manifest that lists data/<rel>."""
    from iceledger.sources.bundled import sources

    bundled_path(rel)  # refuses a file no manifest lists
    return next(s.id for s in sources().values() if any(f.path == rel for f in s.files))
