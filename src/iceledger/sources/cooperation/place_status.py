"""A place's cooperation with ICE on a day, from ref_place_cooperation: does it honour ICE detainers, does an
agency in it have a 287(g) agreement, is it on a government designation list; as of when, and says who.

`place_status(con, level, code, on)` answers for a county, a state or an ICE area of responsibility (AOR) in
codes, dates and facts with their sources, and no words: `english.py` puts an answer in English sentences (the
CLI and the API), the dashboard in the page's language. A county's answer comes from its own facts, its cities'
and agencies', and its state's. A state's or an AOR's is its counties' answers counted (so a county answers the
same on its own page and in its state's summary) with the facts in effect in it; a state also answers for itself,
from its own laws, the agreements of agencies in it, and the lists naming the state.

It reads only registry tables every publication carries (STATUS_TABLES) and the bundled geography (which
counties a state or an AOR has on the day), so it runs on the ledger and on public.duckdb alike. It answers
"no recorded policy" when nothing is recorded: iceledger knows policies only from cited sources, so that is not
evidence that the place has none.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from iceledger.errors import NotFoundError
from iceledger.sources.geography.bundled_geo import geography
from iceledger.sources.geography.resolver import resolve_place

STATUS_TABLES = ("ref_place_cooperation", "ref_counties", "ref_states", "ref_287g_snapshots")  # all that it reads
LEVELS = ("county", "state", "aor")
LIMITING = ("judicial_warrant_required", "listed_offences_only", "notification_only", "bars_ice_from_jail", "state_law",
            "state_directive")
MANDATE = "anti_sanctuary_mandate"
LAWS = ("local_policy", "state_law")
FACT_COLUMNS = ("cooperation_kind", "cooperation_code", "state_code", "county_fips", "place_level", "party_name",
                "policy_instrument", "policy_terms", "designation_list_title", "from_date", "from_precision", "to_date",
                "until_date", "designation_withdrawn_date", "designation_withdrawn_precision", "g287_snapshot_count",
                "said_by", "source_url", "source_id", "record_ref")
PARTS = ("detainers", "g287", "designations")


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


def facts_in(con, counties: list[str], states: list[str], on: dt.date) -> list[dict]:
    """Every fact on the timelines of these counties (theirs, their cities' and agencies') and of these states
    (state-wide facts), each marked whether it holds on the day."""
    cols = ", ".join(FACT_COLUMNS)
    facts = _rows(con, f"""SELECT {cols} FROM ref_place_cooperation
        WHERE list_contains(?, county_fips) OR (county_fips IS NULL AND list_contains(?, state_code))
        ORDER BY from_date NULLS FIRST, cooperation_kind, party_name, county_fips""", [counties, states])
    for f in facts:
        f["holds_on_day"] = holds(f, on)
    return facts


def holds(fact: dict, on: dt.date) -> bool:
    return (fact["from_date"] is None or fact["from_date"] <= on) and (fact["until_date"] is None or on < fact["until_date"])


def g287_lists(con, on: dt.date) -> dict:
    """ICE's 287(g) lists held: the first, the latest, and the latest on or before the day (None before the first)."""
    return _rows(con, """SELECT min(g287_snapshot_date) AS first_list, max(g287_snapshot_date) AS latest_list,
        max(g287_snapshot_date) FILTER (WHERE g287_snapshot_date <= ?) AS list_on_day,
        count(DISTINCT g287_snapshot_id) AS lists
        FROM ref_287g_snapshots WHERE g287_list_status = 'participating'""", [on])[0]


def designation_lists(con, on: dt.date) -> list[dict]:
    """The government lists held that were published by the day: who, when, the title, withdrawn when."""
    return _rows(con, """SELECT designation_list_title, any_value(said_by) AS said_by, min(from_date) AS from_date,
            any_value(designation_withdrawn_date) AS designation_withdrawn_date,
            any_value(designation_withdrawn_precision) AS designation_withdrawn_precision,
            any_value(cooperation_code) AS cooperation_code, any_value(source_url) AS source_url
        FROM ref_place_cooperation WHERE cooperation_kind = 'designation' AND from_date <= ?
        GROUP BY designation_list_title ORDER BY from_date DESC, designation_list_title""", [on])


def registries_through(con) -> dt.date | None:
    """The latest day the registries speak of: the latest 287(g) list, policy or listing."""
    return _rows(con, """SELECT greatest(max(from_date), (SELECT max(g287_snapshot_date) FROM ref_287g_snapshots)) AS d
        FROM ref_place_cooperation""", [])[0]["d"]


# --- one county -------------------------------------------------------------------------------------
def county_status(con, fips: str, on: dt.date | None = None) -> dict:
    """The county's status on ``on`` (today when None), with every dated, cited fact behind it."""
    on = on or dt.date.today()
    county = county_of(con, fips)
    facts = facts_in(con, [fips], [county["state_code"]], on)
    lists = g287_lists(con, on)
    return jsonable({
        "level": "county", "code": fips, "name": county["county_full_name"],
        "county_fips": fips, "county_name": county["county_full_name"], "state_code": county["state_code"],
        "state_name": county["state_name"], "on": on, **county_answers(facts, on, lists),
        "designation_lists": designation_lists(con, on), "timeline": facts,
        "registries_through": registries_through(con),
    })


def county_answers(facts: list[dict], on: dt.date, lists: dict) -> dict:
    """The three answers of one county from the facts on its timeline."""
    return {"detainers": detainer_answer([f for f in facts if f["cooperation_kind"] in LAWS]),
            "g287": g287_answer([f for f in facts if f["cooperation_kind"] == "g287_agreement"], on, lists, local_only=True),
            "designations": designation_answer([f for f in facts if f["cooperation_kind"] == "designation"], on)}


def detainer_answer(facts: list[dict]) -> dict:
    """Limits detainers (a limiting policy or law), must honour them (a state mandate and nothing limiting), a policy
    whose terms are not known, or no recorded policy; the facts in effect, and those in effect on other days."""
    now = [f for f in facts if f["holds_on_day"]]
    codes = {f["cooperation_code"] for f in now}
    answer = ("limits_detainers" if codes & set(LIMITING) else "must_honour_detainers" if MANDATE in codes
              else "policy_terms_unknown" if "unknown" in codes else "no_recorded_policy")
    return {"answer": answer, "facts": now, "earlier_or_later": [f for f in facts if not f["holds_on_day"]]}


def g287_answer(facts: list[dict], on: dt.date, lists: dict, local_only: bool) -> dict:
    """Yes when an agency placed here is on ICE's latest list of the day (for a county, state agencies, which are
    listed with it, do not count), no when none is, unknown before the first list held."""
    now = [f for f in facts if f["holds_on_day"]]
    counted = [f for f in now if f["place_level"] != "state"] if local_only else now
    answer = "unknown" if lists["list_on_day"] is None else "yes" if counted else "no"
    return {"answer": answer, "facts": now, "earlier_or_later": [f for f in facts if not f["holds_on_day"]],
            "lists": lists, "after_latest_list": lists["latest_list"] is not None and on > lists["latest_list"]}


def designation_answer(facts: list[dict], on: dt.date) -> dict:
    """Listed (a list standing on the day names the place), listed then withdrawn, or not listed."""
    listed = [f for f in facts if f["from_date"] is None or f["from_date"] <= on]
    answer = ("listed" if any(f["holds_on_day"] for f in listed) else "listed_then_withdrawn" if listed else "not_listed")
    return {"answer": answer, "facts": listed}


# --- a state or an AOR: its counties' answers counted ---------------------------------------------
def place_status(con, level: str, code: str, on: dt.date | None = None) -> dict:
    """The status of a county (FIPS), a state (postal code) or an AOR (ICE's code) on ``on`` (today when None)."""
    if level == "county":
        return county_status(con, code, on)
    if level in ("state", "aor"):
        return area_status(con, level, code, on)
    raise NotFoundError("unknown_level", f"{level!r} is not a level of place", fix=f"use one of: {', '.join(LEVELS)}")


def area_counties(level: str, code: str, on: dt.date) -> tuple[str, list[dict]]:
    """(name, counties on the day) of a state or an AOR, from the bundled geography. An AOR's county whose AOR the
    record does not settle for the day (the Harlingen counties, 2017 to 2022) is counted, marked not established."""
    geo = geography()
    if level == "state":
        state = next((s for s in geo.states.values() if s.code == code), None)
        if state is None:
            raise NotFoundError("unknown_state", f"no state or territory with postal code {code!r}", fix="e.g. TX, CA, PR")
        return state.name, [{"county_fips": c.fips, "county_name": c.full_name, "state_code": code, "is_aor_established": True}
                            for c in sorted(geo.counties_of_state(state.fips, on), key=lambda c: c.fips)]
    if code not in geo.aors:
        raise NotFoundError("unknown_aor", f"no ICE area of responsibility {code!r}", fix=f"use one of: {', '.join(geo.aors)}")
    out = []
    for fips in sorted({r.county_fips for r in geo.county_aor if code in r.candidates}):
        c = geo.counties[fips]
        codes, settled = geo.aors_for_county(fips, on)
        if code in codes and c.is_valid_on(on):
            out.append({"county_fips": fips, "county_name": c.full_name, "state_code": geo.states[c.state_fips].code,
                        "is_aor_established": settled and codes == (code,)})
    return geo.aors[code].name, out


def area_status(con, level: str, code: str, on: dt.date | None = None) -> dict:
    """A state's or an AOR's status on the day: each county's three answers, counted; the facts in effect in it;
    for a state, its own answers (its laws, any agency in it on ICE's list, the lists naming the state)."""
    on = on or dt.date.today()
    name, counties = area_counties(level, code, on)
    states = sorted({c["state_code"] for c in counties} | ({code} if level == "state" else set()))
    facts = facts_in(con, [c["county_fips"] for c in counties], states, on)
    lists = g287_lists(con, on)
    local: dict[str, list[dict]] = {}
    for f in facts:
        local.setdefault(f["county_fips"] or f"state:{f['state_code']}", []).append(f)
    for c in counties:
        answers = county_answers(local.get(c["county_fips"], []) + local.get(f"state:{c['state_code']}", []), on, lists)
        c |= {part: answers[part]["answer"] for part in PARTS}
        c["is_named"] = any(f["holds_on_day"] and f["county_fips"] for f in answers["designations"]["facts"])
    kind = {part: [f for f in facts if f["cooperation_kind"] in kinds] for part, kinds in
            (("detainers", LAWS), ("g287", ("g287_agreement",)), ("designations", ("designation",)))}
    own = {part: [f for f in kind[part] if f["county_fips"] is None] for part in PARTS}
    parts = {"detainers": detainer_answer(own["detainers"] if level == "state" else []),
             "g287": g287_answer(kind["g287"], on, lists, local_only=False),
             "designations": designation_answer(own["designations"] if level == "state" else [], on)}
    parts["detainers"] |= {"facts": [f for f in kind["detainers"] if f["holds_on_day"]],
                           "earlier_or_later": [f for f in kind["detainers"] if not f["holds_on_day"]]}
    parts["designations"]["facts"] = [f for f in kind["designations"] if f["from_date"] is None or f["from_date"] <= on]
    for part, answer in parts.items():
        if level == "aor" and part != "g287":
            answer["answer"] = None  # an AOR has no laws of its own and no list names one
        answer["counties"] = dict(Counter(c[part] for c in counties))
    parts["designations"]["named_counties"] = sum(c["is_named"] for c in counties)
    return jsonable({
        "level": level, "code": code, "name": name, "on": on, "states": states, **parts,
        "counties": counties, "designation_lists": designation_lists(con, on), "timeline": facts,
        "registries_through": registries_through(con),
    })


def jsonable(x):
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, list):
        return [jsonable(v) for v in x]
    if isinstance(x, dt.date):
        return x.isoformat()
    return x
