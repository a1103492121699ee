"""`iceledger audit`: how narrowly a hostile reader can pin each withheld count of a publication."""

from __future__ import annotations

from pathlib import Path

import typer

from iceledger.cli.common import HomeOption, JsonOption, console, emit_json, handles_errors, settings_for

SHOWN = 10  # narrowest intervals printed


@handles_errors()
def audit(
    path: Path | None = typer.Argument(None, help="A publication (default: <home>/public.duckdb)."),
    home: Path | None = HomeOption,
    every: bool = typer.Option(False, "--all", help="List every withheld count's interval, not only the narrowest."),
    workers: int = typer.Option(2, "--workers", min=1, max=16, help="Worker processes for the integer programs."),
    as_json: bool = JsonOption,
):
    """Rebuild every linear relation between the published tables and report, for each withheld count, the
    narrowest interval an attacker can prove (integer programs, SciPy's HiGHS). Exit 1 if any count is pinned
    to one value or published counts do not add up."""
    from iceledger.cli.ledger import _progress_bar
    from iceledger.publish.audit import audit_publication

    target = path or settings_for(home).public_path
    if as_json:
        res = audit_publication(target, workers=workers)
    else:
        bar, report = _progress_bar()
        with bar:
            res = audit_publication(target, workers=workers, progress=report)
    listed = sorted(res.intervals, key=lambda i: (i.width, repr(i.key)))
    listed = listed if every else [i for i in listed if i.pinned] + [i for i in listed if not i.pinned][:SHOWN]
    if as_json:
        emit_json({**res.summary(), "pinned": [i.describe() for i in res.pinned], "inconsistent": res.inconsistent,
                   "intervals": [{"cell": i.describe(), "low": i.low, "high": None if i.high == float("inf") else i.high}
                                 for i in listed]})
    else:
        s = res.summary()
        console.print(f"{s['path']}: {s['withheld_cells']:,} withheld counts in {s['pieces']:,} independent pieces, "
                      f"{s['relations']:,} relations between published tables", highlight=False)
        console.print(f"pinned to one value: {s['pinned_cells']:,}; narrowest interval: "
                      f"{'none' if s['narrowest_width'] is None else format(s['narrowest_width'], 'g')} wide"
                      + (f" ({s['narrowest']})" if s["narrowest"] else ""), highlight=False, markup=False)
        for line in res.inconsistent:
            console.print(f"  does not add up: {line}", highlight=False, markup=False)
        for i in listed:
            console.print(f"  {'PINNED ' if i.pinned else ''}{i.describe()}", highlight=False, markup=False)
    if not res.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(audit)
