"""`iceledger operations list|show`: named enforcement operations, their places, AORs and announced counts."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table as RichTable

from iceledger.cli.common import HomeOption, JsonOption, ask_ledger, console, emit_json, handles_errors

operations_app = typer.Typer(help="Named enforcement operations (dates, places, announced counts, sources).", no_args_is_help=True)


def _dates(op: dict) -> str:
    start, end = op["operation_start_date"] or "?", op["operation_end_date"] or "?"
    return f"{start} to {end} ({op['date_basis']})"


@operations_app.command("list")
@handles_errors()
def operations_list(home: Path | None = HomeOption, as_json: bool = JsonOption):
    """Every operation in the registry, oldest first."""
    from iceledger.sources.figures import format_value
    from iceledger.sources.operations import query_operations

    ops = ask_ledger(home, query_operations)
    if as_json:
        emit_json(ops, count=len(ops))
        return
    t = RichTable(title=f"{len(ops)} operations")
    t.add_column("slug", no_wrap=True, min_width=max((len(o["operation_slug"]) for o in ops), default=4))
    for c in ("name", "status", "dates", "announced", "places"):
        t.add_column(c)
    for op in ops:
        count = format_value(op["announced_count"], op["value_qualifier"])
        if op["metric_code"] == "operation_planned_targets":
            count += " planned targets"
        t.add_row(op["operation_slug"], op["operation_name"], op["operation_status"],
                  f"{op['operation_start_date'] or '?'} to {op['operation_end_date'] or '?'}", count, str(op["places"]))
    console.print(t)


@operations_app.command("show")
@handles_errors()
def operations_show(slug: str = typer.Argument(..., help="Operation slug, e.g. safe-city-2017."),
                    home: Path | None = HomeOption, as_json: bool = JsonOption):
    """One operation: dates, status, places with their AOR codes and counts, and every figure published about it."""
    from iceledger.sources.figures import format_value
    from iceledger.sources.operations import query_operation

    data = ask_ledger(home, query_operation, slug)
    if as_json:
        emit_json(data)
        return
    op = data["operation"]
    console.print(f"[bold]{op['operation_name']}[/] ({op['operation_slug']}) — {op['operation_agency']}, {op['operation_status']}")
    console.print(f"dates: {_dates(op)}; announced {op['announced_date'] or 'date unknown'}; "
                  f"{op['duration_days'] or '?'} days")
    console.print(f"announced count: {data['count_text']} ({op['metric_code']}, figure {op['total_figure_id']})")
    console.print(f"source: {op['source_url']}", highlight=False)
    if op["operation_notes"]:
        console.print(op["operation_notes"], highlight=False, markup=False)
    if data["places"]:
        t = RichTable(title="Places")
        for c in ("#", "as written", "also written", "level", "state", "AOR", "count"):
            t.add_column(c)
        for p in data["places"]:
            t.add_row(str(p["place_seq"]), p["place_text"], "; ".join(p["alt_place_names"] or []), p["place_level"] or "",
                      p["state_code"] or "?", p["aor_code"] or "—", format_value(p["announced_count"]))
        console.print(t)
        if data["places_sum"] is not None and len(data["places"]) > 1:
            verdict = "matches" if data["places_sum_matches_total"] else "does NOT match"
            console.print(f"places sum to {data['places_sum']:,}, which {verdict} the announced total")
    t = RichTable(title="Published figures")
    t.add_column("figure", no_wrap=True, min_width=max((len(f["figure_id"]) for f in data["figures"]), default=6))
    for c in ("metric", "value", "place", "publisher", "cited"):
        t.add_column(c)
    for f in data["figures"]:
        t.add_row(f["figure_id"], f["metric_code"], format_value(f["figure_value"], f["value_qualifier"], f["figure_unit"]),
                  f["geography_text"] or "", f["publisher_name"], f["citation_kind"])
    console.print(t)


def register(app: typer.Typer) -> None:
    app.add_typer(operations_app, name="operations")
