"""`iceledger policies list|show`: jurisdictions' policies on cooperation with ICE, and government designations."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table as RichTable

from iceledger.cli.common import HomeOption, JsonOption, ask_ledger, console, emit_json, handles_errors, settings_for
from iceledger.pipeline.ledger import open_ledger

policies_app = typer.Typer(help="Local policies on detainers and ICE access over time, and government designations.",
                           no_args_is_help=True)


def _policy_text(j: dict) -> str:
    if not j["policies"]:
        return "unknown (known only from designations)"
    return "; ".join(f"{p['policy_kind']} from {p['effective_from_date']} ({p['effective_from_precision']})"
                     + (f" to {p['effective_to_date']}" if p["effective_to_date"] else "") for p in j["policies"])


def _designation_text(j: dict) -> str:
    return "; ".join(f"{d['designated_by']} {d['designation_date']} {d['designation_kind']}" for d in j["designations"])


@policies_app.command("list")
@handles_errors()
def policies_list(
    state: str | None = typer.Option(None, "--state", help="Two-letter state code, e.g. CA."),
    level: str | None = typer.Option(None, "--level", help="state, county, city or area."),
    home: Path | None = HomeOption,
    as_json: bool = JsonOption,
):
    """Jurisdictions with a recorded policy or a government designation; policies and designations kept apart."""
    from iceledger.errors import InputError
    from iceledger.metadata import code_list
    from iceledger.sources.policies import query_policies

    if level and not code_list("place_level").knows(level):
        raise InputError("unknown_level", f"{level!r} is not a level", fix="use one of: " + ", ".join(code_list("place_level").values))
    with open_ledger(settings_for(home)) as con:
        if state and not con.execute("SELECT count(*) FROM ref_states WHERE state_code = ?", [state.upper()]).fetchall()[0][0]:
            raise InputError("unknown_state", f"{state!r} is not a state code", fix="use a two-letter USPS code such as CA or NY")
        rows = query_policies(con, state=state, level=level)
    if as_json:
        emit_json(rows, count=len(rows), filters={"state": state.upper() if state else None, "level": level})
        return
    t = RichTable(title=f"{len(rows)} jurisdictions" + (f" in {state.upper()}" if state else ""))
    for c in ("jurisdiction", "level", "state", "AOR", "policy (as described by its source)", "designations"):
        t.add_column(c)
    for j in rows:
        t.add_row(j["jurisdiction_name"], j["place_level"], j["state_code"] or "?", j["aor_code"] or "several",
                  _policy_text(j), _designation_text(j))
    console.print(t)
    console.print("A designation records that a government named the jurisdiction; it says nothing certain about its policy.")


@policies_app.command("show")
@handles_errors()
def policies_show(jurisdiction_id: str = typer.Argument(..., help="Jurisdiction id, e.g. tx-travis-county."),
                  home: Path | None = HomeOption, as_json: bool = JsonOption):
    """One jurisdiction's policies (with terms and sources) and designations."""
    from iceledger.sources.policies import query_jurisdiction

    j = ask_ledger(home, query_jurisdiction, jurisdiction_id)
    if as_json:
        emit_json(j)
        return
    console.print(f"[bold]{j['jurisdiction_name']}[/] ({j['place_level']}, {j['state_code'] or '?'}, AOR {j['aor_code'] or 'several'})")
    if not j["policies"]:
        console.print(j["policy_note"])
    for p in j["policies"]:
        console.print(f"policy {p['policy_kind']} from {p['effective_from_date']} ({p['effective_from_precision']}): "
                      f"{p['policy_instrument']}", highlight=False, markup=False)
        if p["policy_terms"]:
            console.print(f"   terms: {p['policy_terms']}", highlight=False, markup=False)
        console.print(f"   described by {p['described_by']}: {p['source_url']}", highlight=False, markup=False)
    for d in j["designations"]:
        console.print(f"designated by {d['designated_by']} on {d['designation_date']} ({d['designation_kind']}) as "
                      f"{d['listed_name']!r}: {d['source_url']}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(policies_app, name="policies")
