"""`iceledger g287`: 287(g) agreements over time from ICE's lists, and what changed between two snapshots."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table as RichTable

from iceledger.cli.common import HomeOption, JsonOption, ask_ledger, console, emit_json, handles_errors

app = typer.Typer(help="287(g) agreements between ICE and local or state agencies, from ICE's published lists.",
                  no_args_is_help=True)


@app.command("list")
@handles_errors()
def list_(state: str | None = typer.Option(None, "--state", help="State code or name as ICE writes it, e.g. TX or TEXAS."),
          model: str | None = typer.Option(None, "--model", help="JEM, TFM or WSO."),
          status: str | None = typer.Option(None, "--status", help="participating, pending or 'not in latest list'."),
          home: Path | None = HomeOption, as_json: bool = JsonOption):
    """Agreements with their signed date, first and last snapshot, and status in the latest lists."""
    from iceledger.sources.g287.query import list_agreements

    rows = ask_ledger(home, list_agreements, state=state, model=model, status=status)
    if as_json:
        emit_json(rows, count=len(rows), filters={"state": state, "model": model, "status": status})
        return
    t = RichTable(title=f"{len(rows)} agreements")
    for c in ("state", "agency", "model", "signed", "first seen", "last seen", "status"):
        t.add_column(c)
    for r in rows:
        t.add_row(r["agency_state_code"] or r["agency_state_name"], r["agency_name"], r["g287_model_code"],
                  str(r["g287_signed_date"] or ""), str(r["g287_first_seen_date"] or ""), str(r["g287_last_seen_date"] or ""),
                  r["g287_status"])
    console.print(t)


@app.command("snapshots")
@handles_errors()
def snapshots(home: Path | None = HomeOption, as_json: bool = JsonOption):
    """The list publications in the ledger (use their ids with `g287 diff`)."""
    from iceledger.sources.g287.query import list_snapshots

    rows = ask_ledger(home, list_snapshots)
    if as_json:
        emit_json(rows, count=len(rows))
        return
    for r in rows:
        console.print(f"{r['snapshot']}  {r['list']:<13} {r['rows']:>4} rows  {', '.join(r['sources'])}", highlight=False)


@app.command("diff")
@handles_errors()
def diff(snapshot_a: str = typer.Argument(..., help="Earlier snapshot, e.g. '2025-05-16 am'."),
         snapshot_b: str = typer.Argument(..., help="Later snapshot, e.g. '2025-07-18 pm'."),
         home: Path | None = HomeOption, as_json: bool = JsonOption):
    """Agencies added and removed between two snapshots of ICE's participating-agency list, and model changes."""
    from iceledger.sources.g287.query import diff_snapshots

    d = ask_ledger(home, diff_snapshots, snapshot_a, snapshot_b)
    if as_json:
        emit_json(d)
        return
    console.print(f"{d['from']} → {d['to']}: {d['agreements_before']} → {d['agreements_after']} agreements", highlight=False)
    for title, rows, fmt in (
        ("agencies added", d["agencies_added"], lambda r: "+".join(r["models"])),
        ("agencies removed", d["agencies_removed"], lambda r: "+".join(r["models"])),
        ("model changes", d["model_changes"],
         lambda r: " ".join([f"+{m}" for m in r["models_added"]] + [f"-{m}" for m in r["models_removed"]])),
    ):
        console.print(f"\n{len(rows)} {title}", style="bold", highlight=False)
        for r in rows:
            console.print(f"  {r['state_code'] or r['state']:<14} {r['agency_name']}  {fmt(r)}", highlight=False, markup=False)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="g287")
