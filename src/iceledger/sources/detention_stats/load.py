"""Build step `detstats`: every bundled detention statistics workbook, read with its layout, checked,
and loaded into ref_detstats_blocks, ref_detstats_values and ref_detstats_facilities.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from iceledger.metadata import quote, table
from iceledger.sources.bundled import bundled_path
from iceledger.sources.detention_stats.consistency import measures, run_checks
from iceledger.sources.detention_stats.extract import BlockData, aor_codes, extract_workbook
from iceledger.sources.detention_stats.layout import TOTAL, Layout, canonical, dimension_column, load_layouts
from iceledger.sources.detention_stats.parse import label_key
from iceledger.sources.step import StepResult
from iceledger.validation import Finding
from iceledger.validation.report import examples

TABLES = ("ref_detstats_blocks", "ref_detstats_values", "ref_detstats_facilities")


@dataclass
class Workbook:
    """One edition, read, checked and turned into rows of the three tables."""

    layout: Layout
    blocks: list[BlockData]
    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    corrected: dict[tuple[str, str], str] = field(default_factory=dict)  # (block, cell) → corrected row label


def read_workbook(layout: Layout) -> Workbook:
    """Extract, check, then apply the layout's label corrections (checks see the labels as published)."""
    wb = Workbook(layout, extract_workbook(layout, bundled_path(layout.file)))
    wb.findings, wb.stats = run_checks(layout, wb.blocks)
    wb.findings += apply_corrections(wb) + report_cells(wb)
    return wb


def apply_corrections(wb: Workbook) -> list[Finding]:
    out = []
    by_code = {b.block.code: b for b in wb.blocks}
    for fix in wb.layout.corrections:
        data = by_code[fix["block"]]
        items = {label_key(it.label): it for it in data.block.rows.all_items()}
        fixed = []
        for c in data.cells:
            new = fix["rows"].get(c.row_label)
            if new is None:
                continue
            dim = items[label_key(c.row_label)].dimension
            assert dim is not None  # corrected rows are rows of a dimension (the layout checks it)
            c.dims[dim] = canonical(dim, new)
            wb.corrected[(data.block.code, c.ref)] = new
            fixed.append(f"{c.ref}: {c.row_label} → {new}")
        out.append(Finding("info", "detstats_label_corrected",
                           f"FY{wb.layout.fiscal_year} {data.block.code}: {len(fixed)} cells carry a corrected row label "
                           f"(values unchanged): {' '.join(str(fix.get('why', '')).split())}",
                           "see detstats_row_label (as published) and detstats_corrected_row_label",
                           detail={"file": wb.layout.file.split("/")[-1], "sheet": data.sheet, "block": data.block.code,
                                   **examples(fixed)}, count=len(fixed)))
    return out


def report_cells(wb: Workbook) -> list[Finding]:
    """What was not loaded as a number: placeholders after a year-to-date workbook's last day, unreadable cells."""
    out, name = [], wb.layout.file.split("/")[-1]
    skipped = [f"{b.sheet}!{ref}" for b in wb.blocks for ref in b.skipped]
    if skipped:
        out.append(Finding("info", "detstats_placeholders_skipped",
                           f"FY{wb.layout.fiscal_year} {wb.layout.edition}: {len(skipped)} cells of months after "
                           f"{wb.layout.data_through} hold 0 or blank placeholders and were not loaded",
                           "nothing to do: the edition is year-to-date", detail={"file": name, **examples(skipped)}, count=len(skipped)))
    late = [f"{b.sheet}!{ref}" for b in wb.blocks for ref in b.late]
    if late:
        out.append(Finding("warning", "detstats_values_after_cutoff",
                           f"FY{wb.layout.fiscal_year} {wb.layout.edition}: {len(late)} cells of months after "
                           f"{wb.layout.data_through} hold numbers; they are loaded as published",
                           f"check the workbook's data-through date (data_through in {wb.layout.path})",
                           detail={"file": name, **examples(late)}, count=len(late)))
    problems = [f"{b.sheet}!{ref}: {why}: {raw!r}" for b in wb.blocks for ref, why, raw in b.problems]
    if problems:
        out.append(Finding("info", "detstats_cells_unreadable",
                           f"FY{wb.layout.fiscal_year}: {len(problems)} cells hold text where the column has numbers or dates "
                           "(e.g. 'New Facility' as an inspection date); they are stored as NULL",
                           "nothing to do unless the text hides a value", detail={"file": name, **examples(problems)}, count=len(problems)))
    unknown = sorted({c.dims["aor"] for b in wb.blocks for c in b.cells
                      if c.dims.get("aor", TOTAL) != TOTAL and label_key(c.dims["aor"]) not in aor_codes()})
    if unknown:
        out.append(Finding("warning", "unknown_aor", f"FY{wb.layout.fiscal_year}: AOR names with no code: {', '.join(unknown)}",
                           "add the spelling to src/iceledger/sources/detention_stats/labels.csv as an aor_code row",
                           detail={"file": name, **examples(unknown)}, count=len(unknown)))
    return out


def _detail(layout: Layout, sheet: str, cells: str) -> str:
    return f"{layout.file.split('/')[-1]}!'{sheet}'!{cells}"


def value_rows(wb: Workbook) -> list[dict]:
    lay, rows = wb.layout, []
    for data in wb.blocks:
        parents = data.block.parents()
        subtotals = {d: {p for p in ps.values() if p} for d, ps in parents.items()}
        for c in data.cells:
            dims = {d: v for d, v in c.dims.items() if d != "month"}
            row: dict[str, object] = {dimension_column(d): v for d, v in dims.items()}
            aor = dims.get("aor")
            row.update(
                detstats_fy=lay.fiscal_year, detstats_edition=lay.edition, detstats_block=data.block.code, detstats_cell=c.ref,
                detstats_row_label=c.row_label, detstats_column_label=c.column_label,
                detstats_corrected_row_label=wb.corrected.get((data.block.code, c.ref)), detstats_measure=c.measure,
                detstats_unit=measures()[c.measure]["unit"], detstats_value=c.value, detstats_null_reason=c.null_reason,
                detstats_is_formula=c.is_formula, detstats_period=c.period, detstats_month_date=c.month_date,
                detstats_is_total=any(v == TOTAL or v in subtotals.get(d, ()) for d, v in c.dims.items()),
                aor_code=aor_codes().get(label_key(aor)) if aor and aor != TOTAL else None,
                detstats_facility_row=c.facility_row, source_id=lay.source_id, source_detail=_detail(lay, data.sheet, c.ref))
            rows.append(row)
    return rows


def block_rows(wb: Workbook) -> list[dict]:
    lay = wb.layout
    return [dict(detstats_fy=lay.fiscal_year, detstats_edition=lay.edition, detstats_block=d.block.code, detstats_sheet=d.sheet,
                 detstats_block_title=d.title, detstats_block_description=d.block.description, detstats_cell_range=d.cell_range,
                 detstats_dimensions=d.block.dimensions(), detstats_measures=d.block.measures(), detstats_block_note=d.note,
                 detstats_data_through_date=lay.data_through, detstats_value_count=len(d.cells), source_id=lay.source_id,
                 source_detail=_detail(lay, d.sheet, d.cell_range)) for d in wb.blocks]


def facility_rows(wb: Workbook) -> list[dict]:
    lay, rows = wb.layout, []
    for d in wb.blocks:
        last = d.cell_range.split(":")[1].rstrip("0123456789")
        first = d.cell_range.split(":")[0].rstrip("0123456789")
        for f in d.facilities:
            r = f["detstats_facility_row"]
            rows.append({**f, "detstats_fy": lay.fiscal_year, "detstats_edition": lay.edition, "source_id": lay.source_id,
                         "source_detail": _detail(lay, d.sheet, f"{first}{r}:{last}{r}")})
    return rows


def insert_rows(con, name: str, rows: list[dict]) -> int:
    """Insert dicts into a declared table through Arrow (columns absent from the dicts are NULL)."""
    if not rows:
        return 0
    cols = table(name).columns
    arrow = pa.table({c: [r.get(c) for r in rows] for c in cols})
    con.register("detstats_incoming", arrow)
    try:
        con.execute(f"INSERT INTO {quote(name)} ({', '.join(quote(c) for c in cols)}) "
                    f"SELECT {', '.join(quote(c) for c in cols)} FROM detstats_incoming")
    finally:
        con.unregister("detstats_incoming")
    return len(rows)


def load_detstats(con, ctx):
    """Build step: ICE's detention statistics workbooks (FY19, EOFY2020, FY21 YTD) into three registries."""
    counts = dict.fromkeys(TABLES, 0)
    findings: list[Finding] = []
    for layout in load_layouts():
        ctx.progress("file", name=layout.file)
        wb = read_workbook(layout)
        counts["ref_detstats_blocks"] += insert_rows(con, "ref_detstats_blocks", block_rows(wb))
        n_values = insert_rows(con, "ref_detstats_values", value_rows(wb))
        counts["ref_detstats_values"] += n_values
        counts["ref_detstats_facilities"] += insert_rows(con, "ref_detstats_facilities", facility_rows(wb))
        s = wb.stats
        made, failed = s["totals"] + s["partitions"] + s["cross"], s["totals_failed"] + s["partitions_failed"] + s["cross_failed"]
        findings.append(Finding("info", "detstats_loaded",
                                f"FY{layout.fiscal_year} {layout.edition}: {len(wb.blocks)} blocks, {n_values:,} values; "
                                f"{made - failed:,} of {made:,} consistency checks agree",
                                "see `iceledger detstats list`", detail={"file": layout.file.split("/")[-1], **s}))
        findings += wb.findings
    return StepResult(counts, findings)
