"""`iceledger population add|list`: resident population for rates per 100,000 residents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table as RichTable

from iceledger.cli.common import HomeOption, JsonOption, console, emit_json, handles_errors, settings_for
from iceledger.pipeline.ledger import open_ledger

population_app = typer.Typer(help="Resident population by place and year (none is bundled): what rates are computed from.",
                             no_args_is_help=True)


@population_app.command("add")
@handles_errors()
def population_add(
    path: Path = typer.Argument(..., help="iceledger's population CSV (place_level, place_code, year, population) or the "
                                          "Census Bureau's co-estYYYY-alldata.csv."),
    source_id: str = typer.Option(..., "--source-id", help="An id for the source, e.g. census-co-est2023."),
    title: str = typer.Option(..., "--title", help="The source's title, e.g. 'Annual county resident population estimates, vintage 2023'."),
    origin: str = typer.Option(..., "--origin", help="Where the file comes from (its address)."),
    licence: str = typer.Option(..., "--licence", help="Its licence or terms, e.g. 'US government work, public domain'."),
    retrieved: str | None = typer.Option(None, "--retrieved", help="Day it was retrieved (YYYY-MM-DD)."),
    home: Path | None = HomeOption,
    as_json: bool = JsonOption,
):
    """Check a population file and load it (states, counties; the nation and AORs summed from them where
    the file is complete). Kept with its source in the home, so `iceledger build` loads it again."""
    from iceledger.errors import InputError
    from iceledger.pipeline.population_add import add_population

    try:
        day = dt.date.fromisoformat(retrieved) if retrieved else None
    except ValueError:
        raise InputError("bad_date", f"--retrieved {retrieved!r} is not a date", fix="write it as YYYY-MM-DD") from None
    src, rows, findings = add_population(settings_for(home), path, source_id=source_id, title=title, origin=origin,
                                         licence=licence, retrieved=day)
    counts: dict[str, int] = {}
    for r in rows:
        counts[f"{r.level} ({r.basis})"] = counts.get(f"{r.level} ({r.basis})", 0) + 1
    if as_json:
        emit_json({"source_id": src.source_id, "sha256": src.sha256, "rows": len(rows), "by_level": counts,
                   "years": sorted({r.year for r in rows}), "findings": [f.to_dict() for f in findings]})
        return
    console.print(f"population {src.source_id}: {len(rows):,} rows loaded "
                  f"({', '.join(f'{k} {v:,}' for k, v in sorted(counts.items()))})")
    for f in findings:
        console.print("  " + f.line(), highlight=False, markup=False)


@population_app.command("list")
@handles_errors()
def population_list(home: Path | None = HomeOption, as_json: bool = JsonOption):
    """Population sources in the ledger, with their places and years."""

    with open_ledger(settings_for(home)) as con:
        rows = [dict(zip(("source_id", "level", "basis", "places", "first_year", "last_year"), r)) for r in con.execute(
            "SELECT source_id, population_place_level, population_basis, count(DISTINCT population_place_code), "
            "min(population_year), max(population_year) FROM ref_population GROUP BY ALL ORDER BY ALL").fetchall()]
    if as_json:
        emit_json(rows, count=len(rows))
        return
    if not rows:
        console.print("no population is loaded: add one with `iceledger population add FILE --source-id …`")
        return
    t = RichTable(title="resident population")
    for c in ("source", "level", "basis", "places", "years"):
        t.add_column(c)
    for r in rows:
        t.add_row(r["source_id"], r["level"], r["basis"], f"{r['places']:,}", f"{r['first_year']}–{r['last_year']}")
    console.print(t)


def register(app: typer.Typer) -> None:
    app.add_typer(population_app, name="population")
