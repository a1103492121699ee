"""Header aliases across release eras, header-row detection, and table/era recognition.

The alias table (aliases.csv: table × era × raw header → canonical field, with an occurrence
number for headers that appear twice in one sheet) is the only place raw header names live,
beside what a release manifest maps itself (its files' ``columns``). A file's name is never read.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
DERIVED = "_derived"  # a column some cleaner derived; known, deliberately not loaded
MANIFEST = "manifest"  # ColumnMap.via_era of a column the release manifest mapped
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


def map_columns(headers: list[str], table: str, era: str, columns: dict[str, str] | None = None) -> list[ColumnMap]:
    """Map a sheet's headers to fields: first the release manifest's own map (``columns``: source header →
    field), then the release era's aliases, then any era's for the table.

    A header that appears twice (L1 detainers' `Final Order Yes No`) maps by occurrence: the
    first to case_final_order_yes_no, the second to final_order_yes_no (aliases.csv).
    """
    index = _index()
    chosen = {normalize_header(h): f for h, f in (columns or {}).items()}
    order = [era] + [e for e in eras_of(table) if e != era]
    out = []
    for pos, (header, occ) in enumerate(zip(headers, occurrences(headers))):
        key = normalize_header(header)
        hit = None
        if key in chosen and occ == 1:
            hit = (chosen[key], MANIFEST)
        elif key:
            for e in order:
                fmap = index.get((table, e), {})
                field = fmap.get((key, occ))
                if field:
                    hit = (field, e)
                    break
        out.append(ColumnMap(pos, header, hit[0] if hit else None, hit[1] if hit else None))
    return out


def _layouts(table: str | None, columns: dict[str, str] | None) -> dict[tuple[str, str], set[str]]:
    """(table, era) → normalized headers, for one table or all; a manifest's mapped headers count for every layout."""
    extra = {normalize_header(h) for h in (columns or {})}
    return {(t, e): {h for h, _ in fmap} | extra for (t, e), fmap in _index().items() if table is None or t == table}


def score_headers(cells: Sequence[object], table: str | None = None, columns: dict[str, str] | None = None
                  ) -> dict[tuple[str, str], int]:
    """How many of a row's cells match each (table, era)'s header set."""
    keys = [normalize_header(c) for c in cells]
    keys = [k for k in keys if k]
    return {te: sum(1 for k in keys if k in names) for te, names in _layouts(table, columns).items()}


@dataclass(frozen=True)
class HeaderGuess:
    row_index: int  # 0-based index among the rows scanned
    table: str
    era: str
    matched: int
    nonblank: int


def detect_header(rows: Sequence[Sequence[object]], *, table: str | None = None, columns: dict[str, str] | None = None
                  ) -> HeaderGuess | None:
    """Find the header row among the first rows of a sheet: the first row whose cells best match a known
    layout (of ``table`` only, when the manifest or the user named it), counting the manifest's mapped headers.

    Never a fixed skip: ICE's banners run 5 or 6 rows, UWCHR's CSV exports differ again.
    """
    best: HeaderGuess | None = None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        nonblank = sum(1 for c in row if normalize_header(c))
        if nonblank < MIN_HEADER_MATCHES:
            continue
        scores = score_headers(row, table, columns)
        if not scores:
            return None
        (tbl, era), matched = max(scores.items(), key=lambda kv: (kv[1], -len(era_layout(*kv[0]))))
        # Most cells of a header row are known headers; banner lines and data rows are not.
        if matched >= MIN_HEADER_MATCHES and matched * 2 >= nonblank:
            if best is None or matched > best.matched:
                best = HeaderGuess(i, tbl, era, matched, nonblank)
                if matched == nonblank:
                    break
    return best


def find_header(rows: Sequence[Sequence[object]], *, table: str | None = None, columns: dict[str, str] | None = None
                ) -> HeaderGuess | None:
    """The header of ``table`` when one was named, else of any table: a file of another table than the one
    named is then refused by name (wrong_table), not read as nothing."""
    guess = detect_header(rows, table=table, columns=columns)
    if guess is None and table is not None:
        guess = detect_header(rows, columns=columns)
    return guess
