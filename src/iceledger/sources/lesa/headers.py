"""Header aliases across release eras, header-row detection, and table/era recognition.

The alias table (aliases.csv: table × era × raw header → canonical field, with an occurrence
number for headers that appear twice in one sheet) is the only place raw header names live.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
DERIVED = "_derived"  # a column some cleaner derived; known, deliberately not loaded
MIN_HEADER_MATCHES = 2
HEADER_SCAN_ROWS = 60


def normalize_header(text: object) -> str:
    """Lower-case, every run of non-alphanumerics to one space: 'Case ID', 'case_id' and 'CASE  ID' agree."""
    if text is None:
        return ""
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


@dataclass(frozen=True)
class Alias:
    table: str
    era: str
    header: str
    occurrence: int
    field: str


@cache
def aliases() -> tuple[Alias, ...]:
    with (HERE / "aliases.csv").open(newline="") as fh:
        return tuple(
            Alias(r["table"], r["era"], r["header"], int(r["occurrence"] or 1), r["field"]) for r in csv.DictReader(fh)
        )


@cache
def era_layout(table: str, era: str) -> tuple[Alias, ...]:
    """The era's headers for a table, in the era's column order."""
    return tuple(a for a in aliases() if a.table == table and a.era == era)


@cache
def eras_of(table: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for a in aliases():
        if a.table == table:
            seen[a.era] = None
    return tuple(seen)


@cache
def _index() -> dict[tuple[str, str], dict[tuple[str, int], str]]:
    """(table, era) → {(normalized header, occurrence): field}."""
    out: dict[tuple[str, str], dict[tuple[str, int], str]] = defaultdict(dict)
    for a in aliases():
        out[(a.table, a.era)][(normalize_header(a.header), a.occurrence)] = a.field
    return dict(out)


@cache
def known_headers(table: str | None = None) -> frozenset[str]:
    return frozenset(normalize_header(a.header) for a in aliases() if table is None or a.table == table)


@cache
def file_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    with (HERE / "file_patterns.csv").open(newline="") as fh:
        return tuple((r["table"], re.compile(r["pattern"])) for r in csv.DictReader(fh))


def table_from_file_name(name: str) -> str | None:
    """The table a file name suggests (ERO Admin Arrests → core_arrests), or None when it suggests none or several."""
    hits = {table for table, pat in file_patterns() if pat.search(Path(name).stem)}
    return hits.pop() if len(hits) == 1 else None


@dataclass(frozen=True)
class ColumnMap:
    """How one sheet's columns map to canonical fields."""

    position: int  # 0-based position among the sheet's columns
    header: str
    field: str | None  # None: unknown header
    via_era: str | None  # era whose alias matched (may differ from the release era)


def occurrences(headers: list[str]) -> list[int]:
    """For each header, which occurrence of that (normalized) header it is, counting from 1."""
    seen: dict[str, int] = defaultdict(int)
    out = []
    for h in headers:
        key = normalize_header(h)
        seen[key] += 1
        out.append(seen[key])
    return out


def map_columns(headers: list[str], table: str, era: str) -> list[ColumnMap]:
    """Map a sheet's headers to fields, preferring the release era's aliases, then any era's for the table.

    A header that appears twice (L1 detainers' `Final Order Yes No`) maps by occurrence: the
    first to case_final_order_yes_no, the second to final_order_yes_no (aliases.csv).
    """
    index = _index()
    order = [era] + [e for e in eras_of(table) if e != era]
    out = []
    for pos, (header, occ) in enumerate(zip(headers, occurrences(headers))):
        key = normalize_header(header)
        hit = None
        if key:
            for e in order:
                fmap = index.get((table, e), {})
                field = fmap.get((key, occ))
                if field:
                    hit = (field, e)
                    break
        out.append(ColumnMap(pos, header, hit[0] if hit else None, hit[1] if hit else None))
    return out


def score_headers(cells: list[object]) -> dict[tuple[str, str], int]:
    """How many of a row's cells match each (table, era)'s header set."""
    keys = [normalize_header(c) for c in cells]
    keys = [k for k in keys if k]
    scores = {}
    for (table, era), fmap in _index().items():
        names = {h for h, _ in fmap}
        scores[(table, era)] = sum(1 for k in keys if k in names)
    return scores


@dataclass(frozen=True)
class HeaderGuess:
    row_index: int  # 0-based index among the rows scanned
    table: str
    era: str
    matched: int
    nonblank: int


def detect_header(rows: list[list[object]]) -> HeaderGuess | None:
    """Find the header row among the first rows of a sheet: the first row whose cells best match a known layout.

    Never a fixed skip: ICE's banners run 5 or 6 rows, UWCHR's CSV exports differ again.
    """
    best: HeaderGuess | None = None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        nonblank = sum(1 for c in row if normalize_header(c))
        if nonblank < MIN_HEADER_MATCHES:
            continue
        scores = score_headers(row)
        (table, era), matched = max(scores.items(), key=lambda kv: (kv[1], -len(era_layout(*kv[0]))))
        # Most cells of a header row are known headers; banner lines and data rows are not.
        if matched >= MIN_HEADER_MATCHES and matched * 2 >= nonblank:
            if best is None or matched > best.matched:
                best = HeaderGuess(i, table, era, matched, nonblank)
                if matched == nonblank:
                    break
    return best


def rank_tables(headers: list[object]) -> list[tuple[str, str, float]]:
    """Tables (with their best era) ranked by the share of the era's layout these headers cover."""
    keys = {normalize_header(h) for h in headers if normalize_header(h)}
    best: dict[str, tuple[str, float]] = {}
    for (table, era), fmap in _index().items():
        names = {h for h, _ in fmap}
        if not names:
            continue
        share = len(keys & names) / len(names | keys)
        if share > best.get(table, ("", -1.0))[1]:
            best[table] = (era, share)
    return sorted(((t, e, s) for t, (e, s) in best.items()), key=lambda x: -x[2])
