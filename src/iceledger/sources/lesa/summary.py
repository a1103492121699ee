"""ICE's own summary counts inside a release (the UW v. DHS workbook's Summary sheet): blocks of
per-fiscal-year totals, each under a title line, read so the loaded rows can be checked against them.

A block is a row whose first cell is the period header (``Fiscal Year``), followed by rows whose first
cell is a fiscal year (``FY2016``, ``FY2019 YTD``) and whose other cells are whole numbers; its title is
the nearest line above it holding a single cell. Which loaded rows a block column counts is decided in
the pipeline (pipeline/summaries.py), from the sheets' names and titles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from iceledger.sources.lesa.headers import normalize_header

PERIOD_HEADERS = ("fiscal year",)
TITLE_LOOKBACK = 3  # rows above a block's header searched for its title


@dataclass
class SummaryBlock:
    title: str | None
    header_row: int  # 1-based row of the block's header in the sheet
    columns: list[str]  # value columns, in order
    periods: list[tuple[str, int, int]] = field(default_factory=list)  # (label as written, fiscal year, sheet row)
    values: dict[str, dict[int, int]] = field(default_factory=dict)  # column → fiscal year → count


def fiscal_year_label(text: object) -> int | None:
    """2016 for 'FY2016', 'FY 2016', 'FY2019 YTD' (year to date); None for anything else."""
    key = normalize_header(text).replace(" ", "")
    year, rest = key[2:6], key[6:]
    if key.startswith("fy") and year.isdigit() and len(year) == 4 and rest in ("", "ytd"):
        return int(year)
    return None


def _count(text: object) -> int | None:
    if text is None:
        return None
    try:
        value = float(str(text).replace(",", "").strip())
    except ValueError:
        return None
    return int(value) if value.is_integer() and value >= 0 else None


def _filled(row: list[object]) -> list[object]:
    return [c for c in row if c is not None and str(c).strip()]


def _title_above(rows: list[list[object]], index: int) -> str | None:
    for j in range(index - 1, max(-1, index - 1 - TITLE_LOOKBACK), -1):
        cells = _filled(rows[j])
        if len(cells) == 1:
            return str(cells[0]).strip()
        if cells:
            return None
    return None


def parse_summary(rows: list[list[object]]) -> list[SummaryBlock]:
    """Every per-fiscal-year block of a sheet's rows (row i is sheet row i + 1)."""
    blocks = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if row and normalize_header(row[0]) in PERIOD_HEADERS:
            width = max((k for k, c in enumerate(row) if c is not None and str(c).strip()), default=0) + 1
            columns = [str(c).strip() for c in row[1:width]]
            block = SummaryBlock(_title_above(rows, i), i + 1, columns, values={c: {} for c in columns})
            j = i + 1
            while j < len(rows) and (fy := fiscal_year_label(rows[j][0] if rows[j] else None)) is not None:
                read = [_count(rows[j][k]) if k < len(rows[j]) else None for k in range(1, width)]
                counts = [c for c in read if c is not None]
                if len(counts) < len(read):
                    break
                block.periods.append((str(rows[j][0]).strip(), fy, j + 1))
                for col, n in zip(columns, counts):
                    block.values[col][fy] = n
                j += 1
            if block.periods and columns:
                blocks.append(block)
            i = j
        else:
            i += 1
    return blocks
