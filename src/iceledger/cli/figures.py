"""`iceledger figures list|show`: published figures with their periods, places, publishers and addresses."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table as RichTable

from iceledger.cli.common import HomeOption, JsonOption, ask_ledger, console, emit_json, handles_errors

figures_app = typer.Typer(help="Published figures (ICE annual totals, press releases, reports, news-reported numbers).",
                          no_args_is_help=True)


def _period(f: dict) -> str:
    if f["period_fy"]:
        return f"FY{f['period_fy']}"
    return f"{f['period_start_date'] or '?'} to {f['period_end_date'] or '?'}"


@figures_app.command("list")
@handles_errors()
def figures_list(
    metric: str | None = typer.Option(None, "--metric", help="A metric code, e.g. administrative_arrests, removals, detainers."),
    operation: str | None = typer.Option(None, "--operation", help="Only figures about this operation (slug)."),
    fy: int | None = typer.Option(None, "--fy", help="Only figures for exactly this federal fiscal year."),
    kind: str | None = typer.Option(None, "--kind", help="Only figures of this kind, e.g. official_publication, news_estimate."),
    home: Path | None = HomeOption,
    as_json: bool = JsonOption,
):
    """Published figures, filtered by metric, operation or fiscal year."""
    from iceledger.errors import InputError
    from iceledger.metadata import code_list
    from iceledger.sources.figures import format_value, query_figures

    for option, codes, value, code in (("metric", "figure_metric", metric, "unknown_metric"),
                                       ("kind", "figure_kind", kind, "unknown_kind")):
        if value and not code_list(codes).knows(value):
            raise InputError(code, f"no {option} {value!r}", fix="use one of: " + ", ".join(code_list(codes).values))
    rows = ask_ledger(home, query_figures, metric=metric, operation=operation, fy=fy, kind=kind)
    if as_json:
        emit_json(rows, count=len(rows), filters={"metric": metric, "operation": operation, "fy": fy, "kind": kind})
        return
    t = RichTable(title=f"{len(rows)} published figures")
    t.add_column("figure", no_wrap=True, min_width=max((len(f["figure_id"]) for f in rows), default=6))
    for c in ("metric", "value", "period", "place", "kind", "primary source", "confidence"):
        t.add_column(c)
    for f in rows:
        primary = f"{f['publisher_name']}, {f['citation_kind'].replace('_', ' ')}" + ("" if f["source_url"] else " (address not found)")
        t.add_row(f["figure_id"], f["metric_code"], format_value(f["figure_value"], f["value_qualifier"], f["figure_unit"]),
                  _period(f), f["geography_text"] or "", f["figure_kind"].replace("_", " "), primary, f["source_confidence"])
    console.print(t)


@figures_app.command("show")
@handles_errors()
def figures_show(figure_id: str = typer.Argument(..., help="A figure id, e.g. ice-fy2017-arrests-jan20-sep30."),
                 home: Path | None = HomeOption, as_json: bool = JsonOption):
    """One figure with every attribute: its kind, primary source, the copy read, confidence and any government wording quoted."""
    from iceledger.sources.figures import query_figure

    f = ask_ledger(home, query_figure, figure_id)
    if as_json:
        emit_json(f)
        return
    for k, v in f.items():
        if v is not None:
            console.print(f"{k}: {v}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(figures_app, name="figures")
