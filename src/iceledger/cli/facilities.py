"""`iceledger facilities`: ICE detention facilities, each attribute with its source."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table as RichTable

from iceledger.cli.common import AorOption, HomeOption, JsonOption, ask_ledger, console, emit_json, handles_errors

app = typer.Typer(help="ICE detention facilities (codes, places, types, known use) with the source of every value.",
                  no_args_is_help=True)


@app.command("show")
@handles_errors()
def show(code: str = typer.Argument(..., help="Facility code (DETLOC), e.g. ADLNTCA."),
         home: Path | None = HomeOption, as_json: bool = JsonOption):
    """One facility: its resolved values, every value each source gives (chosen ones marked), ADP by fiscal year."""
    from iceledger.sources.facilities.query import show_facility

    data = ask_ledger(home, show_facility, code)
    if as_json:
        emit_json(data)
        return
    f = data["facility"]
    console.print(f"[bold]{f['detention_facility_code']}[/]  {f['detention_facility'] or ''}", highlight=False)
    place = ", ".join(str(v) for v in (f["facility_address"], f["facility_city"], f["facility_state_code"], f["facility_zip_code"]) if v)
    console.print(f"  {place}", highlight=False, markup=False)
    county = f["facility_county_name"] or "?"
    console.print(f"  county {county} (FIPS {f['facility_county_fips'] or 'unresolved'}) · AOR {f['aor_code'] or '?'} · "
                  f"type {f['facility_type'] or '?'} / {f['facility_type_detailed'] or '?'}", highlight=False, markup=False)
    console.print(f"  first use {f['facility_first_use_date'] or '?'} · last use {f['facility_last_use_date'] or '?'} "
                  f"(as of 2017-11-04) · latest fiscal year with ADP > 0: {f['facility_last_use_fy'] or 'none'}",
                  highlight=False, markup=False)
    console.print("\nValues by attribute (the value used, its source, and any source that says otherwise):")
    for attribute, rows in group_attributes(data["attributes"]):
        for i, line in enumerate(describe_values(rows)):
            console.print(f"  {attribute if i == 0 else '':<28} {line}", highlight=False, markup=False, soft_wrap=True)
    if data["adp"]:
        t = RichTable(title="Average daily population by fiscal year")
        for c in ("FY", "ADP", "data through", "source"):
            t.add_column(c)
        for a in data["adp"]:
            t.add_row(str(a["fiscal_year"]), f"{a['adp']:.1f}", str(a["through_date"]), a["source_id"])
        console.print(t)
    for s in data["sources"]:
        console.print(f"  {s['source_id']}: {s['source_title']} ({s['source_licence']})", highlight=False, markup=False)


@app.command("list")
@handles_errors()
def list_(state: str | None = typer.Option(None, "--state", help="Two-letter state code, e.g. TX."),
          aor: str | None = AorOption,
          type_: str | None = typer.Option(None, "--type", help="Facility type or detailed type, e.g. HOLD, DIGSA."),
          home: Path | None = HomeOption, as_json: bool = JsonOption):
    """Facilities, filtered by state, AOR and type."""
    from iceledger.sources.facilities.query import list_facilities

    rows = ask_ledger(home, list_facilities, state=state, aor=aor, type_=type_)
    if as_json:
        emit_json(rows, count=len(rows), filters={"state": state, "aor": aor, "type": type_})
        return
    t = RichTable(title=f"{len(rows)} facilities")
    for c in ("code", "name", "city", "state", "AOR", "type", "detailed", "last FY used"):
        t.add_column(c)
    for r in rows:
        t.add_row(*(str(r[c]) if r[c] is not None else "" for c in r))
    console.print(t)


def group_attributes(attrs: list[dict]) -> list[tuple[str, list[dict]]]:
    out: dict[str, list[dict]] = {}
    for a in attrs:
        out.setdefault(a["attribute"], []).append(a)
    return list(out.items())


def describe_values(rows: list[dict]) -> list[str]:
    """The used value(s) with their source and how many sources agree, then each differing value."""
    chosen = [a for a in rows if a["chosen"]]
    shown = {(a["value"] or "").upper() for a in chosen}
    lines = []
    for a in chosen:
        agree = sum(1 for b in rows if not b["chosen"] and (b["value"] or "").upper() == (a["value"] or "").upper())
        lines.append(f"{a['value']}  [{a['source_id']}: {a['source_detail']}]" + (f" (+{agree} agreeing)" if agree else ""))
    for b in rows:
        if not b["chosen"] and (b["value"] or "").upper() not in shown:
            lines.append(f"{'otherwise' if chosen else 'not used'}: {b['value']}  [{b['source_id']}: {b['source_detail']}]")
    return lines


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="facilities")
