"""Entries of a government list matched to states, counties and cities, with a report of every entry
that matched nothing, several places, or something other than what its heading says.

An entry is read "Name, State" by the place resolver on the list's date, keeping only the kind its
heading names. Errors with an obvious reading (Kansas's swapped headings on the DHS page) are read
through the listed rules of fixes.csv (list, state, heading, name as printed, reading, reason); an
entry no rule covers is reported, never guessed. A line under "State" (or DC's line under "Cities")
that gives the ground for listing, such as "Self-Identification as a State Sanctuary Jurisdiction",
designates the state itself.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from iceledger.sources.geography.resolver import resolve_place

HERE = Path(__file__).resolve().parent
GROUNDS = ("Self-Identification", "Court Order")  # a line giving the ground for listing, not a place
PREFIXES = ("City of ", "Town of ")  # "City of Boise", "Town of Vail": the city itself
SUFFIXES = (" City", " Village", " Township")  # "Las Vegas City", "Oak Park Village": tried without the word too


@dataclass(frozen=True)
class Match:
    status: str  # matched, ambiguous, unmatched, repaired, heading_differs, ground
    level: str | None  # state, county or city as matched (may differ from the heading)
    name: str | None  # the matched place's name
    state_code: str
    county_fips: tuple[str, ...]
    note: str = ""


@cache
def fixes() -> dict[tuple[str, str, str, str], dict[str, str]]:
    with (HERE / "fixes.csv").open(newline="", encoding="utf-8") as fh:
        return {(r["designation_list_id"], r["state_code"], r["heading"], r["listed_name"]): r for r in csv.DictReader(fh)}


def match_entry(list_id: str, state_code: str, state_name: str, heading: str, text: str, on: dt.date) -> Match:
    """The place an entry names, or why none is given."""
    if text.startswith(GROUNDS):
        return Match("ground", "state", state_name, state_code, (), f"the ground for listing the state itself: {text!r}")
    fix = fixes().get((list_id, state_code, heading, text))
    level, name = (fix["read_level"], fix["read_name"]) if fix else (heading, text)
    found = _candidates(name, state_name, level, on)
    if not found and not fix:
        other = "city" if level == "county" else "county"
        moved = _candidates(name, state_name, other, on)
        if len(moved) == 1:
            p = moved[0]
            return Match("heading_differs", other, p.name, state_code, p.county_fips,
                         f"listed under {heading!r} but names a {other}, {p.name}: no listed rule reads it, so it is reported")
    if not found:
        return Match("unmatched", None, None, state_code, (), f"no {level} of {state_name} is called {name!r} in the registries"
                     + (" (the city gazetteer, data/geo/places.csv, holds only the cities it lists)" if level == "city" else ""))
    if len(found) > 1:
        return Match("ambiguous", level, None, state_code, tuple(sorted({f for p in found for f in p.county_fips})),
                     "several places: " + "; ".join(f"{p.kind} {p.name}" for p in found))
    p = found[0]
    if fix:
        return Match("repaired", level, p.name, state_code, p.county_fips, f"read as the {level} {p.name}: {fix['reason']}")
    return Match("matched", level, p.name, state_code, p.county_fips)


def _candidates(name: str, state_name: str, level: str, on: dt.date) -> list:
    """Places of the level named, trying the name as printed, then without a leading "City of" or a trailing "City"."""
    tries = [name] + [name[len(p):] for p in PREFIXES if name.startswith(p)] + [name[: -len(s)] for s in SUFFIXES if name.endswith(s)]
    for t in tries:
        res = resolve_place(f"{t}, {state_name}", on=on)
        kept = [p for p in res.candidates if _level_of(p) == level]
        if kept:
            return kept
    return []


def _level_of(place) -> str:
    """A resolver candidate's level: an independent city (Virginia's, Baltimore, St. Louis) is a city here."""
    if place.kind == "county" and place.name.endswith(" city"):
        return "city"
    return {"district": "state"}.get(place.kind, place.kind)
