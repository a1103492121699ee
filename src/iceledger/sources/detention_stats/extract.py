"""Read the blocks of one detention statistics workbook as its layout describes them.

Each block is found by its anchor text; its header row and row labels must be the ones the layout
declares, or extraction stops with an InputError naming the sheet, the cell and what was expected.
Values keep what ICE published: formula cells give the result Excel stored, blanks and '#N/A'
become None with a reason, and months after a year-to-date workbook's last day are left out.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from iceledger.errors import InputError, Location
from iceledger.metadata import field_
from iceledger.metadata.model import METADATA_DIR
from iceledger.sources.detention_stats.layout import TOTAL, Block, Item, Layout, label_map
from iceledger.sources.detention_stats.parse import (
    label_key,
    normalise_label,
    parse_date,
    parse_int,
    parse_number,
    parse_text,
    parse_zip,
)


@dataclass
class Cell:
    """One published number of a block, with what it means."""

    ref: str
    row_label: str
    column_label: str
    dims: dict[str, str]
    measure: str
    value: float | None
    null_reason: str | None
    is_formula: bool
    period: str
    month_date: dt.date | None = None
    facility_row: int | None = None


@dataclass
class BlockData:
    block: Block
    sheet: str
    title: str
    cell_range: str
    note: str | None
    cells: list[Cell] = field(default_factory=list)
    facilities: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # placeholder cells (0 or blank) after the data-through date
    late: list[str] = field(default_factory=list)  # cells after the data-through date that hold numbers anyway
    problems: list[tuple[str, str, object]] = field(default_factory=list)  # (cell, reason, raw) of unreadable values


@dataclass
class Sheet:
    """A worksheet read twice: stored values, and whether each cell is a formula."""

    name: str
    values: Any  # openpyxl worksheets (openpyxl has no type information)
    formulas: Any
    file: str

    def value(self, row: int, col: int):
        return self.values.cell(row, col).value

    def label(self, row: int, col: int) -> str:
        return normalise_label(self.value(row, col))

    def is_formula(self, row: int, col: int) -> bool:
        return self.formulas.cell(row, col).data_type == "f"

    def fail(self, code: str, message: str, fix: str, row: int | None = None, col: int | None = None) -> InputError:
        column = get_column_letter(col) if col else None
        return InputError(code, message, fix=fix, location=Location(self.file, self.name, row, column))


@cache
def aor_codes() -> dict[str, str]:
    """Label key → AOR code, from the aor code list (code, name, aliases) and labels.csv's aor_code rows."""
    out = {}
    with (METADATA_DIR / "codes" / "aor.csv").open(newline="") as fh:
        for r in csv.DictReader(fh):
            for text in [r["code"], r["name"], *filter(None, (r["aliases"] or "").split(";"))]:
                out[label_key(text)] = r["code"]
    out.update({key: value for (dim, key), value in label_map().items() if dim == "aor_code"})
    return out


def month_start(fiscal_year: int, month: int) -> dt.date:
    return dt.date(fiscal_year - 1 if month >= 10 else fiscal_year, month, 1)


def days_covered(layout: Layout, month: int) -> int:
    """Days of a month that the workbook's monthly figures cover (0 after its data-through date)."""
    start = month_start(layout.fiscal_year, month)
    if start > layout.data_through:
        return 0
    last = dt.date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    return (min(last, layout.data_through) - start).days + 1


def find_anchor(sheet: Sheet, block: Block) -> tuple[int, int, str]:
    key = label_key(block.anchor)
    hits = [(c.row, c.column, normalise_label(c.value)) for row in sheet.values.iter_rows() for c in row
            if isinstance(c.value, str) and label_key(c.value).startswith(key)]
    if not hits:
        raise sheet.fail("detstats_block_not_found", f"block {block.code!r}: no cell starts with {block.anchor!r}",
                         "if ICE renamed the block, put its new title in the block's anchor in the layout file; "
                         "if the block is gone, remove it from the layout")
    if len(hits) > 1:
        cells = ", ".join(f"{get_column_letter(c)}{r}" for r, c, _ in hits)
        raise sheet.fail("detstats_anchor_ambiguous", f"block {block.code!r}: {len(hits)} cells start with {block.anchor!r} ({cells})",
                         "make the anchor longer so that it matches one title only")
    return hits[0]


def read_header(sheet: Sheet, block: Block, row: int, col: int) -> list[tuple[int, Item]]:
    """Check the row-label headers, then find each declared column header left to right (skipping blank cells)."""
    for i, expected in enumerate(block.row_header):
        found = sheet.label(row, col + i)
        if label_key(found) != label_key(expected):
            raise sheet.fail("detstats_header_mismatch",
                             f"block {block.code!r}: expected the row header {expected or '(blank)'!r}, found {found or '(blank)'!r}",
                             "update row_header in the layout file if ICE changed it", row, col + i)
    out, c = [], col + len(block.row_header)
    for item in block.columns:
        while c <= sheet.values.max_column and not sheet.label(row, c):
            c += 1
        found = sheet.label(row, c) if c <= sheet.values.max_column else ""
        if label_key(found) != label_key(item.label):
            raise sheet.fail("detstats_header_mismatch", f"block {block.code!r}: expected the column header {item.label!r}, "
                             f"found {found or '(nothing)'!r}", "update the block's columns in the layout file", row, c)
        out.append((c, item))
        c += 1
    return out


def read_fixed_rows(sheet: Sheet, block: Block, row: int, col: int, value_cols: list[int]) -> list[tuple[int, str, dict]]:
    out = []
    for i, item in enumerate(block.rows.items):
        found = sheet.label(row + i, col)
        if label_key(found) != label_key(item.label):
            raise sheet.fail("detstats_row_mismatch", f"block {block.code!r}: expected the row label {item.label!r}, found {found or '(blank)'!r}",
                             "update the block's rows in the layout file (labels are listed in sheet order)", row + i, col)
        out.append((row + i, found, dict(item.dims)))
    _expect_end(sheet, block, row + len(out), col, 1, value_cols)
    return out


def read_grouped_rows(sheet: Sheet, block: Block, row: int, col: int, value_cols: list[int]) -> list[tuple[int, str, dict]]:
    """Group rows (e.g. an AOR, 'CBP Average') each followed by all or none of the member rows."""
    spec, out = block.rows, []
    member_col = col + spec.label_columns - 1
    member_dim = spec.members[0].dimension if spec.members else None
    for group in spec.groups:
        found = sheet.label(row, col)
        if label_key(found) != label_key(group.label):
            raise sheet.fail("detstats_row_mismatch", f"block {block.code!r}: expected the group row {group.label!r}, found {found or '(blank)'!r}",
                             "update the block's groups in the layout file (listed in sheet order)", row, col)
        if spec.label_columns == 2 and label_key(sheet.label(row, member_col)) not in ("", label_key(TOTAL)):
            raise sheet.fail("detstats_row_mismatch", f"block {block.code!r}: a group row has {sheet.label(row, member_col)!r} "
                             "where 'Total' or a blank was expected", "check the block's rows", row, member_col)
        out.append((row, found, {**group.dims, **({member_dim: TOTAL} if member_dim else {})}))
        row += 1
        n = 0
        for member in spec.members:
            if spec.label_columns == 2 and sheet.label(row, col):
                break
            label = sheet.label(row, member_col)
            if label_key(label) != label_key(member.label):
                break
            out.append((row, f"{found} / {label}", {**group.dims, **member.dims}))
            row, n = row + 1, n + 1
        if n not in (0, len(spec.members)):
            raise sheet.fail("detstats_row_mismatch", f"block {block.code!r}: under {found!r} expected the row "
                             f"{spec.members[n].label!r}, found {sheet.label(row, member_col) or '(blank)'!r}",
                             "update the block's members in the layout file", row, member_col)
    _expect_end(sheet, block, row, col, spec.label_columns, value_cols)
    return out


def _expect_end(sheet: Sheet, block: Block, row: int, col: int, width: int, value_cols: list[int]) -> None:
    """The row after a block must not be another labelled row with numbers (notes under a block are fine)."""
    has_numbers = any(parse_number(sheet.value(row, c))[0] is not None for c in value_cols)
    for c in range(col, col + width):
        if sheet.label(row, c) and has_numbers:
            raise sheet.fail("detstats_unexpected_row", f"block {block.code!r}: the row {sheet.label(row, c)!r} follows the last declared row",
                             "declare the new row in the block's rows in the layout file", row, c)


def period_of(layout: Layout, block: Block, dims: dict) -> tuple[str, dt.date | None]:
    month = dims.get("month")
    if month and month != TOTAL:
        return "month", month_start(layout.fiscal_year, int(month))
    kind = "fiscal_year" if month == TOTAL else block.period
    if kind == "fiscal_year" and layout.is_year_to_date:
        kind = "fiscal_year_to_date"
    return kind, None


def read_cells(sheet: Sheet, layout: Layout, block: Block, rows, columns, data: BlockData, facility: bool = False) -> None:
    for r, row_label, row_dims in rows:
        for c, item in columns:
            if item.attribute:
                continue
            dims = {**row_dims, **item.dims}
            period, month_date = period_of(layout, block, dims)
            raw = sheet.value(r, c)
            value, reason = parse_number(raw)
            ref = f"{get_column_letter(c)}{r}"
            if period == "month" and month_date is not None and month_date > layout.data_through:
                if not value:
                    data.skipped.append(ref)
                    continue
                data.late.append(ref)
            if reason == "unparseable":
                data.problems.append((ref, "unparseable number", raw))
            measure = item.measure or block.measure
            assert measure is not None  # the layout gives every value column or its block a measure
            data.cells.append(Cell(ref, row_label, item.label, dims, measure, value, reason,
                                   sheet.is_formula(r, c), period, month_date, r if facility else None))


def read_facilities(sheet: Sheet, layout: Layout, block: Block, header_row: int, columns, data: BlockData) -> int:
    name_col = columns[0][0]
    r = header_row + 1
    rows: list[tuple[int, str, dict]] = []
    while sheet.label(r, name_col):
        attrs = {"detstats_facility_row": r}
        for c, item in columns:
            if item.attribute:
                attrs[item.attribute] = parse_attribute(sheet, item, r, c, data)
        data.facilities.append(attrs)
        rows.append((r, sheet.label(r, name_col), {}))
        r += 1
    later = next((rr for rr in range(r + 1, sheet.values.max_row + 1) if sheet.label(rr, name_col)), None)
    if later:
        raise sheet.fail("detstats_unexpected_row", f"block {block.code!r}: facility rows go on at row {later} after the "
                         f"blank row {r}", "remove the blank row from the copy, or report the layout change", later, name_col)
    read_cells(sheet, layout, block, rows, columns, data, facility=True)
    return r - 1


def parse_attribute(sheet: Sheet, item: Item, row: int, col: int, data: BlockData):
    raw = sheet.value(row, col)
    assert item.attribute is not None  # only attribute columns are parsed as attributes
    value: object
    kind = item.parse or {"INTEGER": "int", "DATE": "date"}.get(field_(item.attribute).type, "text")
    if kind == "aor":
        text, reason = parse_text(raw)
        value = aor_codes().get(label_key(text)) if text else None
        if text and value is None:
            reason = "unknown AOR"
    else:
        value, reason = {"int": parse_int, "date": parse_date, "zip": parse_zip, "text": parse_text}[kind](raw)
    if reason not in (None, "blank", "not_available"):
        data.problems.append((f"{get_column_letter(col)}{row}", f"{reason} ({item.label})", raw))
    return value


def find_notes(sheet: Sheet, prefixes: tuple[str, ...]) -> str | None:
    keys = [label_key(p) for p in prefixes]
    found = [normalise_label(c.value) for row in sheet.values.iter_rows() for c in row
             if isinstance(c.value, str) and any(label_key(c.value).startswith(k) for k in keys)]
    return " | ".join(found) or None


def extract_block(sheet: Sheet, layout: Layout, block: Block) -> BlockData:
    row, col, title = find_anchor(sheet, block)
    header_row = row + block.header_offset
    columns = read_header(sheet, block, header_row, col)
    data = BlockData(block, sheet.name, title, "", find_notes(sheet, block.notes) if block.notes else None)
    if block.kind == "facilities":
        last_row = read_facilities(sheet, layout, block, header_row, columns, data)
    else:
        reader = read_grouped_rows if block.rows.grouped else read_fixed_rows
        rows = reader(sheet, block, header_row + 1, col, [c for c, _ in columns])
        read_cells(sheet, layout, block, rows, columns, data)
        last_row = rows[-1][0]
    data.cell_range = f"{get_column_letter(col)}{row}:{get_column_letter(columns[-1][0])}{last_row}"
    return data


def open_sheets(path: Path, layout: Layout) -> dict[str, Sheet]:
    try:
        values = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError("detstats_unreadable", f"cannot open as an .xlsx workbook: {exc}", fix="check that the file is the workbook ICE published",
                         location=Location(path.name)) from None
    out = {}
    for key, name in layout.sheets.items():
        if name not in values.sheetnames:
            raise InputError("detstats_sheet_missing", f"the workbook has no sheet {name!r} (it has {', '.join(values.sheetnames)})",
                             fix=f"update sheets: {key} in {layout.path}", location=Location(path.name, name))
        out[key] = Sheet(name, values[name], formulas[name], path.name)
    return out


def extract_workbook(layout: Layout, path: Path) -> list[BlockData]:
    sheets = open_sheets(path, layout)
    return [extract_block(sheets[b.sheet], layout, b) for b in layout.blocks]
