"""`iceledger releases compare A B`: where two productions of the same records disagree (exact, from
the ledger; the public comparison is written by `iceledger publish`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table as RichTable

from iceledger.cli.common import HomeOption, JsonOption, console, emit_json, handles_errors, settings_for
from iceledger.cli.ledger import releases_app
from iceledger.cli.measures import DuplicatesOption, FromOption, SqlOption, ToOption, WhereOption, _cell, parse_where

HEADERS = {"count_a": "A", "count_b": "B", "difference": "B - A", "matched": "matched", "only_a": "only in A",
           "only_b": "only in B"}


@handles_errors()
def compare_cmd(
    a: str = typer.Argument(..., help="Release A (see `iceledger status`)."),
    b: str = typer.Argument(..., help="Release B; differences are B - A."),
    table: str = typer.Option("arrests", "--table", help="What is compared: arrests, encounters, detainers, book_ins, removals, removals_by_departure."),
    by: str = typer.Option("month", "--by", help="Up to three dimensions (at most one of time), e.g. month or month,gender."),
    where: list[str] | None = WhereOption,
    date_from: dt.datetime | None = FromOption, date_to: dt.datetime | None = ToOption,
    on: str | None = typer.Option(None, "--on", help="Fields to match rows on, comma-separated (default: every field both releases populate)."),
    duplicates: bool = DuplicatesOption, sql: bool = SqlOption,
    home: Path | None = HomeOption, as_json: bool = JsonOption,
):
    """Two releases side by side over the period (and AOR) both cover: counts, difference, rows that match.

    Exact figures from the ledger, for analysis on this machine: they have not passed the disclosure gate."""
    from iceledger.measures.compare import compare_releases

    spec = {"a": a, "b": b, "count": table, "by": by, "where": parse_where(where), "on": on,
            "date_from": date_from and date_from.date(), "date_to": date_to and date_to.date(),
            "count_duplicates": duplicates}
    result = compare_releases(spec, home=settings_for(home).home)
    if as_json:
        emit_json(result.to_dict())
    else:
        render(result, show_sql=sql)


def render(result, *, show_sql: bool = False) -> None:
    from iceledger.measures.compare import sentences

    prov, c = result.provenance, result.provenance["comparison"]
    a, b = result.spec["a"], result.spec["b"]
    t = RichTable(title=f"{c['subject']}: A = {a}, B = {b}" + ("  [SYNTHETIC DATA]" if any(
        r["is_synthetic"] for r in c["releases"]) else ""))
    dims = [col for col in result.columns if col not in HEADERS]
    for col in result.columns:
        t.add_column(HEADERS.get(col, col), justify="left" if col in dims else "right")
    for r in result.rows:
        t.add_row(*[_cell(r[col], col) for col in result.columns])
    t.add_row(*(["total"] + [""] * (len(dims) - 1) if dims else []), *[_cell(c["total"][col]) for col in HEADERS],
              style="bold")
    console.print(t)
    say = lambda text: console.print(text, highlight=False, markup=False)  # noqa: E731
    for line in sentences(result):
        say(line)
    f = c["fields"]
    say(f"matched on: {', '.join(f['matched_on'])} ({f['normalised']})")
    for rid, cols in f["only_in"].items():
        if cols:
            say(f"populated only in {rid}: {', '.join(cols)}")
    for name, n in (f.get("matched_without") or {}).items():
        if n != c["total"]["matched"]:
            say(f"without {name}: {n:,} rows would pair ({n - c['total']['matched']:+,})")
    say(f"dated by {c['date']['basis']} [{c['date']['column']}]")
    for rel in prov.get("releases", []):
        files = ", ".join(f"{x['file_name']} ({(x['sha256'] or '')[:12]})" for x in rel["files"])
        say(f"release {rel['release_id']}{' SYNTHETIC' if rel['is_synthetic'] else ''} · era {rel['era']} · {files}")
    for n in prov.get("notes", []):
        say(f"note: {n}")
    say(f"EXACT: {c['exact']}; do not share them (the public comparison is in `iceledger publish`)")
    if show_sql:
        for s in prov.get("sql", []):
            say(f"-- {s['purpose']}\n{s['sql']};")


def register(app: typer.Typer) -> None:
    releases_app.command("compare")(compare_cmd)
