"""A county's cooperation with ICE on a day, from ref_place_cooperation: does it honour ICE detainers,
does it (or an agency in it) have a 287(g) agreement, is it on a government designation list; as of
when, and says who.

`county_status(con, fips, on)` returns plain data (dicts, lists, ISO dates) for the CLI, the API and
the dashboard alike. It reads only registry tables that every publication carries (ref_place_cooperation,
ref_counties, ref_states, ref_287g_snapshots), so it runs on the ledger and on public.duckdb. It
answers "no recorded policy" when nothing is recorded: iceledger knows policies only from cited
sources, so that is not evidence that the place has none.
"""

from __future__ import annotations

import datetime as dt

from iceledger.errors import NotFoundError
from iceledger.sources.geography.resolver import resolve_place

STATUS_TABLES = ("ref_place_cooperation", "ref_counties", "ref_states", "ref_287g_snapshots")  # all that county_status reads
LIMITING = ("judicial_warrant_required", "listed_offences_only", "notification_only", "bars_ice_from_jail", "state_law",
            "state_directive")
FACT_COLUMNS = ("cooperation_kind", "cooperation_code", "place_level", "party_name", "cooperation_summary", "from_date",
                "from_precision", "to_date", "until_date", "date_note", "said_by", "source_url", "record_ref")


def _rows(con, sql: str, params: list) -> list[dict]:
    cur = con.cursor()
    try:
        res = cur.execute(sql, params)
        names = [d[0] for d in res.description]
        return [dict(zip(names, r)) for r in res.fetchall()]
    finally:
        cur.close()


def county_for_text(text: str, on: dt.date | None = None) -> tuple[str, list[str]]:
    """(county FIPS, notes) for a place as people write it ("Harris County, TX", "Brooklyn", "06075"). A city in one
    county gives that county; a state, or text naming several counties, is refused with the candidates listed."""
    if text.strip().isdigit() and len(text.strip()) == 5:
        return text.strip(), []
    res = resolve_place(text, on=on)
    if not res.candidates:
        raise NotFoundError("place_not_found", f"no place found for {text!r}", fix="; ".join(res.notes))
    if len(res.candidates) == 1 and len(res.candidates[0].county_fips) == 1 and res.candidates[0].kind != "state":
        p = res.candidates[0]
        notes = [f"{p.name} is a city: the status is that of its county ({p.county_fips[0]})"] if p.kind == "city" else []
        return p.county_fips[0], notes + res.notes
    listed = "; ".join(f"{p.kind} {p.name}, {p.state_code} (counties {', '.join(p.county_fips[:6])}"
                       f"{', …' if len(p.county_fips) > 6 else ''})" for p in res.candidates)
    raise NotFoundError("not_one_county", f"{text!r} names {'several places' if len(res.candidates) > 1 else 'more than one county'}: {listed}",
                        fix="name one county (\"Kings County, NY\") or give its five-digit FIPS code")


def county_of(con, fips: str) -> dict:
    rows = _rows(con, """SELECT c.county_fips, c.county_full_name, s.state_code, s.state_name
        FROM ref_counties c JOIN ref_states s USING (state_fips) WHERE c.county_fips = ?""", [fips])
    if not rows:
        raise NotFoundError("unknown_county", f"no county or county-equivalent with FIPS code {fips!r}",
                            fix="give a five-digit county FIPS code (e.g. 48201 for Harris County, Texas); "
                                "`iceledger places resolve TEXT` finds it from a name")
    return rows[0]


def facts_for(con, fips: str, state_code: str) -> list[dict]:
    """Every fact on the county's timeline: its own, its cities' and agencies', and its state's."""
    cols = ", ".join(FACT_COLUMNS)
    return _rows(con, f"""SELECT {cols} FROM ref_place_cooperation
        WHERE county_fips = ? OR (county_fips IS NULL AND state_code = ?)
        ORDER BY from_date NULLS FIRST, cooperation_kind, party_name""", [fips, state_code])


def holds(fact: dict, on: dt.date) -> bool:
    return (fact["from_date"] is None or fact["from_date"] <= on) and (fact["until_date"] is None or on < fact["until_date"])


def county_status(con, fips: str, on: dt.date | None = None) -> dict:
    """The county's status on ``on`` (today when None), with every dated, cited fact behind it."""
    on = on or dt.date.today()
    county = county_of(con, fips)
    facts = facts_for(con, fips, county["state_code"])
    for f in facts:
        f["holds_on_day"] = holds(f, on)
        f["scope"] = scope(f)
    return jsonable({
        "county_fips": fips, "county_name": county["county_full_name"], "state_code": county["state_code"], "state_name": county["state_name"],
        "on": on,
        "detainers": detainer_answer([f for f in facts if f["cooperation_kind"] in ("local_policy", "state_law")], on),
        "g287": g287_answer(con, [f for f in facts if f["cooperation_kind"] == "g287_agreement"], on),
        "designations": designation_answer([f for f in facts if f["cooperation_kind"] == "designation"], on),
        "timeline": facts,
        "note": "Facts come from cited sources only (policies, ICE's 287(g) lists, government lists); "
                "a place without a recorded policy may still have one.",
    })


def scope(f: dict) -> str:
    return {"state": "its state", "city": "a city in it", "county": "the county"}.get(f["place_level"], f["place_level"])


def first_answer(cases: list[tuple[str, list[dict], str]], render, default: tuple[str, str]) -> tuple[str, str]:
    """(answer, text) of the first case with facts: its lead words, then each fact rendered; else the default."""
    for answer, hits, lead in cases:
        if hits:
            return answer, lead + "; ".join(render(f) for f in hits)
    return default


def detainer_answer(facts: list[dict], on: dt.date) -> dict:
    now = [f for f in facts if f["holds_on_day"]]
    limiting = [f for f in now if f["cooperation_code"] in LIMITING]
    mandate = [f for f in now if f["cooperation_code"] == "anti_sanctuary_mandate"]
    unknown = [f for f in now if f["cooperation_code"] == "unknown"]
    answer, text = first_answer([("limits_detainers", limiting, "Limits ICE detainers: "),
                                 ("must_honour_detainers", mandate, "Required by state law to honour ICE detainers: "),
                                 ("policy_terms_unknown", unknown, "A policy is recorded but its terms are not: ")], _said,
                                ("no_recorded_policy", f"No recorded policy on ICE detainers in effect on {on}."))
    if limiting and mandate:
        text += ". Also, a state mandate: " + "; ".join(_said(f) for f in mandate)
    return {"answer": answer, "text": text, "facts": now, "earlier_or_later": [f for f in facts if not f["holds_on_day"]]}


def g287_answer(con, facts: list[dict], on: dt.date) -> dict:
    lists = _rows(con, """SELECT min(g287_snapshot_date) AS first_list, max(g287_snapshot_date) AS latest_list,
        max(g287_snapshot_date) FILTER (WHERE g287_snapshot_date <= ?) AS list_on_day
        FROM ref_287g_snapshots WHERE g287_list_status = 'participating'""", [on])[0]
    now = [f for f in facts if f["holds_on_day"]]
    local = [f for f in now if f["place_level"] != "state"]
    state = [f for f in now if f["place_level"] == "state"]
    ended = [f for f in facts if f["until_date"] and f["until_date"] <= on]
    if lists["list_on_day"] is None:
        answer, text = "unknown", f"ICE's 287(g) lists held here begin on {lists['first_list']}; {on} is before them."
    elif local:
        answer = "yes"
        text = f"Yes, on ICE's list of {lists['list_on_day']}: " + "; ".join(f"{f['party_name']} ({f['cooperation_code']})" for f in local)
    else:
        answer = "no"
        text = f"No agency in this county is on ICE's 287(g) list of {lists['list_on_day']}"
        if ended:
            text += "; earlier: " + "; ".join(f"{f['party_name']} ({f['cooperation_code']}, last listed {f['to_date']})" for f in ended)
        text += "."
    if lists["list_on_day"] is not None and on > lists["latest_list"]:
        text += f" ({lists['latest_list']} is the latest ICE list held here; later changes are not known.)"
    if state and lists["list_on_day"] is not None:
        text += " State agencies with agreements statewide: " + "; ".join(f"{f['party_name']} ({f['cooperation_code']})" for f in state) + "."
    return {"answer": answer, "text": text, "facts": now, "earlier_or_later": [f for f in facts if not f["holds_on_day"]],
            "lists": lists, "note": "Dates are those of ICE's published lists (first and last list carrying an agreement); "
                                    "ICE's SIGNED column is overwritten at renewal, so it is not an adoption date."}


def designation_answer(facts: list[dict], on: dt.date) -> dict:
    listed = [f for f in facts if f["from_date"] is None or f["from_date"] <= on]
    standing = [f for f in listed if f["holds_on_day"]]
    withdrawn = [f for f in listed if not f["holds_on_day"]]
    answer, text = first_answer([("listed", standing, "On a government list: "),
                                 ("listed_then_withdrawn", withdrawn, "Was on a list since withdrawn: ")], _listing,
                                ("not_listed", f"On no government designation list held here as of {on}."))
    if standing and withdrawn:
        text += ". Withdrawn since: " + "; ".join(_listing(f) for f in withdrawn)
    return {"answer": answer, "text": text, "facts": listed,
            "note": "A designation is what a government said of the place, not a finding of what its policy is."}


def _said(f: dict) -> str:
    since = f"since {f['from_date'].year}" if f["from_precision"] == "year" else f"since {f['from_date']}" if f["from_date"] else ""
    return f"{f['party_name']} ({scope(f)}), {f['cooperation_summary']} ({since}; {f['said_by']})"


def _listing(f: dict) -> str:
    return f"{f['cooperation_summary']} ({scope(f)}; {f['date_note']})"


def jsonable(x):
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, list):
        return [jsonable(v) for v in x]
    if isinstance(x, dt.date):
        return x.isoformat()
    return x
