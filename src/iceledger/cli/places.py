"""`iceledger places`: resolve place text to AORs, list the areas of responsibility and their counties.

These read the bundled registries directly, so they work before any build.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table as RichTable

from iceledger.cli.common import HomeOption, JsonOption, console, emit_json, handles_errors, settings_for
from iceledger.errors import InputError, NotFoundError

places_app = typer.Typer(help="Places: resolve text to counties and ICE areas of responsibility (AORs).",
                         no_args_is_help=True)
KINDS = ("state", "city", "county", "district")
OnOption = typer.Option(None, "--on", help="Day (YYYY-MM-DD) whose AOR arrangement to use; default today.")


def _day(on: str | None) -> dt.date | None:
    if not on:
        return None
    try:
        return dt.date.fromisoformat(on)
    except ValueError:
        raise InputError("bad_date", f"--on {on!r} is not a date", fix="write it as YYYY-MM-DD, e.g. --on 2017-09-24") from None


@places_app.command("resolve")
@handles_errors()
def resolve(text: str = typer.Argument(..., help='Place as a press release writes it, e.g. "Portland, Ore."'),
            on: str | None = OnOption,
            kind: str | None = typer.Option(None, "--kind", help="Keep only candidates of this kind: state, city, county, district."),
            home: Path | None = typer.Option(None, "--home", envvar="ICELEDGER_HOME",
                                                help="Accepted like every command's; the resolver reads the bundled registries, no ledger."),
            as_json: bool = JsonOption):
    """Resolve TEXT to every place it may name, with their counties and AORs; ambiguity is reported, never guessed away."""
    from iceledger.sources.geography.resolver import resolve_place

    if kind and kind not in KINDS:
        raise InputError("bad_kind", f"--kind {kind!r} is not a place kind", fix=f"use one of: {', '.join(KINDS)}")
    res = resolve_place(text, on=_day(on), kind=kind)
    if not res.candidates:
        raise NotFoundError("place_not_found", f"no place found for {text!r}", fix="; ".join(res.notes))
    if as_json:
        emit_json(res.to_dict(), on=on)
        return
    head = "AMBIGUOUS: " if res.ambiguous else ""
    console.print(f"{head}{text!r} → {len(res.candidates)} candidate(s); AORs: {', '.join(res.aor_codes)}")
    for p in res.candidates:
        counties = ", ".join(p.county_fips) if len(p.county_fips) <= 6 else f"{len(p.county_fips)} counties"
        flag = "" if p.is_aor_established else " (AOR not settled for this day)"
        console.print(f"  {p.kind:8} {p.name}, {p.state_code}  counties: {counties}  AOR: {', '.join(p.aor_codes)}{flag}")
        if p.note:
            console.print(f"           {p.note}")
        for ev in p.aor_evidence:
            if ev["aor_period"] != "stable":
                console.print(f"           {ev['aor_period']} ({ev['aor_basis']}): {ev['source_detail']}",
                              highlight=False, markup=False)
    if res.stated_aor:
        console.print(f"  stated AOR in the text: {res.stated_aor}")
    for n in res.notes:
        console.print(f"  note: {n}")


@places_app.command("aors")
@handles_errors()
def aors(as_json: bool = JsonOption):
    """List ICE's areas of responsibility with their field office and how many counties each covers today."""
    from iceledger.sources.geography.bundled_geo import geography

    geo = geography()
    counts: dict[str, int] = {}
    for r in geo.county_aor:
        if r.is_current and r.aor_code and geo.counties[r.county_fips].is_valid_on(None):
            counts[r.aor_code] = counts.get(r.aor_code, 0) + 1
    rows = [{"aor_code": a.code, "aor_name": a.name, "field_office": a.office.name if a.office else None,
             "address": f"{a.office.address}, {a.office.city}, {a.office.state_code} {a.office.zip}" if a.office else None,
             "counties": counts.get(a.code, 0)} for a in geo.aors.values()]
    if as_json:
        emit_json(rows)
        return
    t = RichTable()
    for c in ("code", "name", "field office", "address", "counties"):
        t.add_column(c)
    for r in rows:
        t.add_row(r["aor_code"], r["aor_name"], r["field_office"] or "—", r["address"] or "—", str(r["counties"]))
    console.print(t)


@places_app.command("counties")
@handles_errors()
def counties(aor: str = typer.Argument(..., help="AOR code, e.g. SEA or HAR."), on: str | None = OnOption,
             as_json: bool = JsonOption):
    """List the counties of an AOR on a day (today by default), including those only possibly in it."""
    from iceledger.sources.geography.bundled_geo import geography

    geo = geography()
    code = aor.upper()
    if code not in geo.aors:
        raise NotFoundError("unknown_aor", f"no AOR {aor!r}", fix=f"use one of: {', '.join(geo.aors)}")
    day = _day(on)
    rows = []
    for c in geo.counties.values():
        if not c.is_valid_on(day):
            continue
        codes, settled = geo.aors_for_county(c.fips, day)
        if code in codes:
            rows.append({"county_fips": c.fips, "county": c.full_name, "state_code": geo.states[c.state_fips].code,
                         "is_aor_established": settled and codes == (code,)})
    if as_json:
        emit_json(rows, aor_code=code, on=on)
        return
    console.print(f"{code} ({geo.aors[code].name}): {len(rows)} counties" + (f" on {on}" if on else " today"))
    for r in rows:
        mark = "" if r["is_aor_established"] else "  (possibly: not settled by the record)"
        console.print(f"  {r['county_fips']}  {r['county']}, {r['state_code']}{mark}")


@places_app.command("status")
@handles_errors()
def status(text: str = typer.Argument(..., help='A county as people write it ("Harris County, TX", "Brooklyn") or its FIPS '
                                                'code; with --level, a state ("TX", "Texas") or an AOR ("HOU", "Houston").'),
           level: str = typer.Option("county", "--level", help="county, state or aor."),
           on: str | None = typer.Option(None, "--on", help="Day (YYYY-MM-DD) to answer for; default today."),
           home: Path | None = HomeOption, as_json: bool = JsonOption):
    """Does this place honour ICE detainers, have a 287(g) agreement, appear on a government list, on a day: as of
    when, says who. A state or an AOR answers for itself and counts its counties' answers."""
    from iceledger.pipeline.ledger import open_ledger
    from iceledger.sources.cooperation.english import describe
    from iceledger.sources.cooperation.place_status import area_status, county_for_text, county_status

    day = _day(on)
    if level == "county":
        fips, notes = county_for_text(text, day)
        with open_ledger(settings_for(home)) as con:
            s = describe(county_status(con, fips, day))
        s["resolution_notes"] = notes
    elif level in ("state", "aor"):
        code = _area_code(level, text)
        with open_ledger(settings_for(home)) as con:
            s = describe(area_status(con, level, code, day))
    else:
        raise InputError("unknown_level", f"--level {level!r} is not a level of place", fix="use county, state or aor")
    if as_json:
        emit_json(s, text=text)
        return
    print_status(s)


def _area_code(level: str, text: str) -> str:
    """A state's postal code or an AOR's code, from the code itself or the name (any case)."""
    from iceledger.sources.geography.bundled_geo import geography

    geo = geography()
    key = " ".join(text.split()).casefold()
    names = ({s.code: s.name for s in geo.states.values()} if level == "state"
             else {code: a.name for code, a in geo.aors.items()})
    for code, name in names.items():
        if key in (code.casefold(), name.casefold()):
            return code
    if level == "state":
        raise NotFoundError("unknown_state", f"no state or territory called {text!r}", fix="give its postal code or its name, e.g. TX or Texas")
    raise NotFoundError("unknown_aor", f"no ICE area of responsibility called {text!r}",
                        fix=f"give its code or its name, e.g. HOU or Houston ({', '.join(geo.aors)})")


def print_status(s: dict) -> None:
    if "county_fips" in s:
        console.print(f"[bold]{s['county_name']}, {s['state_name']}[/bold] ({s['county_fips']}) on {s['on']}", highlight=False)
    else:
        console.print(f"[bold]{s['name']}[/bold] ({s['level']} {s['code']}, {len(s['counties'])} counties) on {s['on']}",
                      highlight=False)
    for n in s.get("resolution_notes") or []:
        console.print(f"  note: {n}", highlight=False, markup=False)
    for key, title in (("detainers", "ICE detainers"), ("g287", "287(g)"), ("designations", "Government lists")):
        part = s[key]
        answer = part["answer"].replace("_", " ") if part["answer"] else "counted by county"
        console.print(f"[bold]{title}:[/bold] {answer}", highlight=False)
        console.print(f"  {part['text']}", highlight=False, markup=False)
        cited = list(dict.fromkeys(f"{f['said_by']}: {f['source_url'] or '(address not recorded)'}" for f in part["facts"]))
        for c in cited[:4]:
            console.print(f"    source: {c}", highlight=False, markup=False)
        if len(cited) > 4:
            console.print(f"    … {len(cited) - 4} more sources (--json lists every fact)", highlight=False)
    console.print(f"timeline: {len(s['timeline'])} dated facts (--json for all). {s['note']}", highlight=False, markup=False)


@places_app.command("check-aors")
@handles_errors()
def check_aors(county: str | None = typer.Option(None, "--county", help='Only this county ("McLennan County, TX" or a FIPS code).'),
               min_records: int = typer.Option(1, "--min-records", help="Only counties with at least this many records outside today's AOR."),
               release: str | None = typer.Option(None, "--release", help="Only this release's records."),
               synthetic: bool = typer.Option(False, "--synthetic", help="Count synthetic releases too (off: ICE's real records only)."),
               home: Path | None = HomeOption, as_json: bool = JsonOption):
    """Counties whose records place them in another AOR than the county → AOR registry: records whose landmark
    names one county, per AOR, with the registry's AORs for their dates and today's (docs/geography.md)."""
    from iceledger.pipeline.aor_check import check_aors as run_check, county_summary
    from iceledger.pipeline.ledger import open_ledger
    from iceledger.sources.cooperation.place_status import county_for_text

    fips = county_for_text(county, None)[0] if county else None
    with open_ledger(settings_for(home)) as con:
        if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'record_landmarks'").fetchall()[0][0]:
            raise NotFoundError("no_landmarks", "this ledger holds no landmarks read from records",
                                fix="run `iceledger build` (the ledger predates landmark reading), then ingest releases")
        rows = [e for e in run_check(con, include_synthetic=synthetic, release_id=release) if not fips or e.county_fips == fips]
    summary = [c for c in county_summary(rows) if c["records_elsewhere"] >= min_records or c["status"] == "unsettled"]
    keep = {c["county_fips"] for c in summary}
    rows = [e for e in rows if e.county_fips in keep]
    if as_json:
        emit_json({"counties": summary, "counts": [e.to_dict() for e in rows]}, county=county, min_records=min_records,
                  release=release, synthetic=synthetic)
        return
    print_aor_check(summary, rows)


def print_aor_check(summary: list[dict], rows: list) -> None:
    outside = sum(c["is_mostly_outside_registry"] for c in summary)
    console.print(f"{len(summary)} counties whose records (landmarks naming one county) place them in an AOR other than "
                  f"today's list or the registry on their dates; in {outside} most of a table's records are outside the "
                  "registry's AORs", highlight=False, markup=False)
    by: dict[str, list] = {}
    for e in rows:
        by.setdefault(e.county_fips, []).append(e)
    for c in summary:
        mark = "  MOSTLY OUTSIDE THE REGISTRY" if c["is_mostly_outside_registry"] else ""
        console.print(f"[bold]{c['county_fips']} {c['county_name']}, {c['state_code']}[/bold]: today {'/'.join(c['listed_aor_codes'])}"
                      f", registry on the records' dates {'/'.join(c['registry_aor_codes'])}: {c['status']}{mark}", highlight=False)
        for e in by[c["county_fips"]]:
            console.print(f"    {e.aor_code} {e.records_count:>7,} {e.table_name.removeprefix('core_'):<10} {e.share:>6.1%} of the "
                          f"county's  {e.landmarks_count} landmark(s)  {e.first_date} to {e.last_date}  registry "
                          f"{'/'.join(e.registry_aor_codes)}: {e.status}  {e.release_id}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(places_app, name="places")
