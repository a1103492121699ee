"""A place's cooperation status in English sentences (the CLI's screen, the API's `text`), built from its codes here
and nowhere else. Each answer's words are its `label` in metadata/codes/{detainer,g287,designation}_answer.csv, the
same labels the dashboard shows through its translations; the facts are put in words from their fields.
"""

from __future__ import annotations

import datetime as dt

from iceledger.metadata.model import code_list
from iceledger.sources.cooperation.place_status import LIMITING

PRECISION = {"year": 4, "month": 7}  # how much of an ISO date a precision shows
CODE_LISTS = {"detainers": "detainer_answer", "g287": "g287_answer", "designations": "designation_answer"}
NOTE = ("Facts come from cited sources only (policies, ICE's 287(g) lists, government lists); "
        "a place without a recorded policy may still have one.")
NOTES = {"g287": "Dates are those of ICE's published lists (first and last list carrying an agreement); "
                 "ICE's SIGNED column is overwritten at renewal, so it is not an adoption date.",
         "designations": "A designation is what a government said of the place, not a finding of what its policy is."}


def describe(status: dict) -> dict:
    """The status with each answer's `label` and `text` (English), and the notes."""
    for part, codes in CODE_LISTS.items():
        a = status[part]
        a["label"] = code_list(codes).labels[a["answer"]] if a["answer"] else None
        text = {"detainers": _detainers, "g287": _g287, "designations": _designations}[part](status, a)
        a["text"] = " ".join(filter(None, [text, _counted(status, part, codes) if "counties" in a else ""]))
        if part in NOTES:
            a["note"] = NOTES[part]
    status["note"] = NOTE
    return status


def _detainers(s: dict, a: dict) -> str:
    """The answer with the facts it rests on (for a state or an AOR, the state's own laws), then any local policies."""
    facts = sorted(a["facts"], key=lambda f: f["cooperation_code"] not in LIMITING)
    own = [f for f in facts if s["level"] == "county" or f["county_fips"] is None]
    local = [f for f in facts if f not in own]
    out = []
    if a["answer"] in (None, "no_recorded_policy") or not own:
        out.append(f"{a['label']} in effect on {s['on']}." if a["answer"] else "")
        out.append(f"State laws in effect on {s['on']}: " + "; ".join(law(s, f) for f in own) + "." if own else "")
    else:
        out.append(f"{a['label']}: " + "; ".join(law(s, f) for f in own) + ".")
    out.append(f"Local policies in effect on {s['on']}: " + "; ".join(law(s, f) for f in local) + "." if local else "")
    return " ".join(filter(None, out))


def _g287(s: dict, a: dict) -> str:
    lists = a["lists"]
    if a["answer"] == "unknown":
        return f"{a['label']}: they begin on {lists['first_list']}; {s['on']} is before them."
    now = [f for f in a["facts"] if f["place_level"] != "state"]
    statewide = [f for f in a["facts"] if f["place_level"] == "state"]
    ended = [f for f in a["earlier_or_later"] if f["until_date"] and f["until_date"] <= s["on"]]
    text = f"{a['label']} of {lists['list_on_day']}"
    if now and s["level"] == "county":
        text += ": " + "; ".join(f"{f['party_name']} ({f['cooperation_code']})" for f in now)
    elif now:
        text += f": {len(now)} agreements of agencies placed in its counties"
    if ended and s["level"] == "county":
        text += "; earlier: " + "; ".join(f"{f['party_name']} ({f['cooperation_code']}, last listed {f['to_date']})" for f in ended)
    text += "."
    if a["after_latest_list"]:
        text += f" ({lists['latest_list']} is the latest ICE list held here; later changes are not known.)"
    if statewide:
        text += " State agencies with agreements statewide: " + "; ".join(f"{f['party_name']} ({f['cooperation_code']})" for f in statewide) + "."
    return text


def _designations(s: dict, a: dict) -> str:
    if a["answer"] is None:
        return ""
    own = a["facts"] if s["level"] == "county" else [f for f in a["facts"] if f["county_fips"] is None]
    if not own:
        return f"{a['label']} as of {s['on']}."
    standing = [f for f in own if f["holds_on_day"]]
    text = f"{a['label']}: " + "; ".join(listing(s, f) for f in standing or own)
    if standing and len(standing) < len(own):
        text += ". Withdrawn since: " + "; ".join(listing(s, f) for f in own if f not in standing)
    return text + "."


def _counted(s: dict, part: str, codes: str) -> str:
    if not s["counties"]:
        return f"No county belongs to it on {s['on']}."
    labels = code_list(codes).labels
    counts = "; ".join(f"{labels[k]}: {n}" for k, n in sorted(s[part]["counties"].items(), key=lambda kv: -kv[1]))
    text = f"Its {len(s['counties'])} counties on {s['on']}: {counts}."
    if part == "designations":
        text += f" Named themselves (the county or a city in it) on a list standing that day: {s[part]['named_counties']}."
    return text


def scope(s: dict, f: dict) -> str:
    """Whose fact it is, from the place's side: the place itself, its state (a state an AOR covers), a county, a
    city or an area in it (for a county, an area including it)."""
    level, of = s["level"], f["place_level"]
    if of == level:
        return f"the {level}"
    if of == "state":
        return "its state" if level == "county" else "a state it covers"
    return {"county": "a county in it", "city": "a city in it"}.get(of, "an area including it" if level == "county" else f"an {of} in it")


def law(s: dict, f: dict) -> str:
    since = f"since {f['from_date'][:PRECISION.get(f['from_precision'], 10)]}" if f["from_date"] else ""
    if f["to_date"]:
        since += f" until {f['to_date']}"
    terms = f["policy_terms"] or "the source names the policy but not what it does"
    return f"{f['party_name']} ({scope(s, f)}), {f['policy_instrument']}: {terms} ({since}; {f['said_by']})"


def listing(s: dict, f: dict) -> str:
    text = f"{f['said_by']} listed {f['party_name']!r} ({scope(s, f)}) in '{f['designation_list_title']}', {f['from_date']}"
    if f["designation_withdrawn_date"]:
        text += "; the list was withdrawn " + withdrawn(f["designation_withdrawn_date"], f["designation_withdrawn_precision"])
    return text


def withdrawn(day: str, precision: str | None) -> str:
    d = dt.date.fromisoformat(day)
    if precision == "month":
        return f"in {d.strftime('%B %Y')} (day not established)"
    if precision == "year":
        return f"in {d.year} (month not established)"
    return f"on {day}"
