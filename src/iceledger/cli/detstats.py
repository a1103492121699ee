"""`iceledger detstats`: ICE's published detention statistics workbooks (FY19, EOFY2020, FY21 YTD), block by block."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table as RichTable

from iceledger.cli.common import AorOption, HomeOption, JsonOption, ask_ledger, console, emit_json, handles_errors
from iceledger.sources.detention_stats import query

app = typer.Typer(help="ICE's detention statistics workbooks: blocks, values and facilities.", no_args_is_help=True)

EXAMPLES = 5
FyOption = typer.Option(None, "--fy", help="Fiscal year of the workbook (2019, 2020, 2021).")


def format_value(value: float | None, unit: str, null_reason: str | None = None) -> str:
    if value is None:
        return {"not_available": "#N/A", "blank": ""}.get(null_reason or "", "?")
    if unit == "share":
        return f"{value:.1%}"
    if unit == "days":
        return f"{value:,.1f}"
    if value == int(value) or abs(value) >= 100:  # counts, and averages of people rounded to whole people
        return f"{value:,.0f}"
    return f"{value:,.1f}"


@app.command("list")
@handles_errors()
def list_blocks(
    fy: int | None = FyOption,
    sheet: str | None = typer.Option(None, "--sheet", help="Only blocks of this sheet (ATD, Detention, Facilities)."),
    block: str | None = typer.Option(None, "--block", help="Only blocks whose name contains this text."),
    home: Path | None = HomeOption,
    as_json: bool = JsonOption,
):
    """The blocks of every workbook: where they sit, what they measure, how many values."""

    rows = ask_ledger(home, query.list_blocks, fy, sheet, block)
    if as_json:
        emit_json(rows, count=len(rows))
        return
    t = RichTable(title="ICE detention statistics blocks")
    for c in ("FY", "block", "sheet", "cells", "values", "measures"):
        t.add_column(c, justify="right" if c == "values" else "left")
    for r in rows:
        t.add_row(str(r["detstats_fy"]), r["detstats_block"], r["detstats_sheet"], r["detstats_cell_range"],
                  f"{r['detstats_value_count']:,}", ", ".join(r["detstats_measures"]))
    console.print(t)
    console.print(f"{len(rows)} blocks. Show one with `iceledger detstats show BLOCK --fy YEAR`.")


@app.command("show")
@handles_errors()
def show(
    block: str = typer.Argument(..., help="Block name, e.g. book_ins_by_agency_month (see `detstats list`)."),
    fy: int | None = FyOption,
    measure: str | None = typer.Option(None, "--measure", help="Only this measure (e.g. adp, alip_days)."),
    home: Path | None = HomeOption,
    as_json: bool = JsonOption,
):
    """One block laid out as ICE published it (every edition unless --fy), with its source cells and findings."""

    editions = ask_ledger(home, query.show_block, block, fy, measure)
    if as_json:
        emit_json(editions if fy is None else editions[0])
        return
    for ed in editions:
        render_block(ed)


def render_block(ed: dict) -> None:
    grid = {(v["detstats_row_label"], v["detstats_column_label"]): v for v in ed["values"]}
    corrected = {v["detstats_row_label"]: v["detstats_corrected_row_label"] for v in ed["values"] if v["detstats_corrected_row_label"]}
    t = RichTable(title=f"FY{ed['detstats_fy']} ({ed['detstats_edition']}) · {ed['detstats_block_title']}",
                  caption=f"{ed['source_detail']} · source {ed['source_id']}")
    t.add_column("")
    for c in ed["columns"]:
        t.add_column(c, justify="right")
    for r in ed["rows"]:
        label = f"  {r.split(' / ', 1)[1]}" if " / " in r else r  # member rows of a group, indented
        label = f"{label} → {corrected[r]} (corrected)" if r in corrected else label
        cells = []
        for c in ed["columns"]:
            v = grid.get((r, c))
            cells.append("" if v is None else format_value(v["detstats_value"], v["detstats_unit"], v["detstats_null_reason"]))
        t.add_row(label, *cells)
    console.print(t)
    console.print(ed["detstats_block_description"], highlight=False)
    if ed["detstats_block_note"]:
        console.print(f"ICE's note: {ed['detstats_block_note']}", highlight=False, markup=False)
    for f in ed["findings"]:
        console.print(f"[{f['severity']}] {f['finding_code']}: {f['message']}", highlight=False, markup=False)
        for example in f["detail"].get("examples", [])[:EXAMPLES]:
            console.print(f"    {example}", highlight=False, markup=False)
        more = len(f["detail"].get("examples", [])) - EXAMPLES + f["detail"].get("left_out", 0)
        if more > 0:
            console.print(f"    … and {more} more (see --json or `iceledger build --json`)", highlight=False, markup=False)
    console.print()


@app.command("facilities")
@handles_errors()
def facilities(
    fy: int | None = FyOption,
    state: str | None = typer.Option(None, "--state", help="Two-letter state, e.g. TX."),
    aor: str | None = AorOption,
    home: Path | None = HomeOption,
    as_json: bool = JsonOption,
):
    """Facilities of the workbooks' Facilities sheets, largest fiscal-year ADP first."""

    rows = ask_ledger(home, query.list_facilities, fy, state, aor)
    if as_json:
        emit_json(rows, count=len(rows))
        return
    t = RichTable(title="Facilities in ICE's detention statistics")
    for c in ("FY", "facility", "city", "state", "AOR", "type", "ADP", "ALOS", "guar. min.", "last inspection"):
        t.add_column(c, justify="right" if c in ("ADP", "ALOS", "guar. min.") else "left")
    for r in rows:
        t.add_row(str(r["detstats_fy"]), r["detention_facility"], r["detstats_city"] or "", r["detstats_state"] or "",
                  r["aor_code"] or "", r["detstats_facility_type_detailed"] or "", format_value(r["adp"], "people"),
                  format_value(r["alos_days"], "days"),
                  "" if r["detstats_guaranteed_minimum"] is None else f"{r['detstats_guaranteed_minimum']:,}",
                  " ".join(filter(None, [r["detstats_last_inspection_rating"], str(r["detstats_last_inspection_date"] or "")])))
    console.print(t)
    console.print(f"{len(rows)} facility rows (ADP: fiscal-year average daily population, sum over classification levels).")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="detstats")
