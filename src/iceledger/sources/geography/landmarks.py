"""Landmarks: the place text ICE's records carry ("VENTURA COUNTY JAIL, VENTURA CA", "CAP - WEST TENNESSEE
DETENTION FACILITY (MASON) TN STATE") → one county, or none with the candidates.

A landmark is read four ways, each giving a set of counties or nothing:

- ``county-name``: a county written as a county ("GWINNETT COUNTY JAIL", "FRANKLIN CO. JAIL", "ORLEANS
  PARISH", "BALTIMORE CITY" for an independent city), within the state the text names, else among every
  county of that name in the country;
- ``facility``: the text (or its first part, or without a leading program word such as "CAP -", a
  parenthesis or a trailing state) is exactly the name of detention facilities in the facility registry,
  which records their county; with no state written it confirms a county name but never picks among the
  states that share it (a jail of that name may stand outside the registry);
- ``city``: a part of the text is exactly a city of the gazetteer (ref_places) in the state the text names;
- ``state``: the state the text names: a trailing USPS code or state name ("…, TX", "VENTURA CA", "TN
  STATE", "(SC)"), a code after "DIST" ("N DIST TX …"), the state of an ORI code ("TX0150000"), or a state
  name followed by an agency word ("TEXAS DEPT OF CRIMINAL JUSTICE"). It narrows the other readings.

The landmark resolves to a county only when the county readings all hold it and nothing else. Several
counties (a name shared by counties of several states, with no state written) leave it unresolved with
the candidates; readings that exclude each other (a facility ICE lists in another county than the one its
name says, two counties named) leave it unresolved as a conflict. The record's own AOR is never used:
the landmark's county is what the AOR is checked against (pipeline/aor_check.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from iceledger.sources.geography.bundled_geo import Geography
from iceledger.sources.geography.normalize import WORD_FORMS, fold, key

COUNTY_WORDS = {"county": None, "co": None, "cnty": None, "cty": None, "parish": ("parish",),
                "borough": ("borough", "city and borough"), "city": ("independent city",)}
NOT_COUNTY_KINDS = ("independent city",)
MAX_NAME_WORDS = 4  # words of a county name before its county word: "st john the baptist parish"
TRAILING_NOISE = {"state", "doc", "287g", "287", "g", "usa", "us"}
AGENCY_WORDS = {"state", "dept", "department", "doc", "prison", "probation", "parole", "correctional",
                "corrections", "highway", "police"}
PROGRAM_PREFIX = re.compile(r"^\s*(?:[A-Z]{2,5}(?:-[A-Z]{2,5})?\s*[-:]\s*|C\s*-\s*)", re.I)  # "CAP - ", "ORL - ", "DOC CAP: "
PARENS = re.compile(r"\([^()]*\)")  # "(MASON)": a city written after the facility
PAREN_CODE = re.compile(r"\(\s*([A-Za-z]{2})\s*\)")
ORI = re.compile(r"^([a-z]{2})\d{7}$")
BASES = ("county-name", "facility", "city")


@dataclass(frozen=True)
class FacilityName:
    """A facility of the registry, as the landmark reader needs it."""

    code: str
    name: str
    state_code: str | None
    county_fips: str | None


@dataclass(frozen=True)
class LandmarkPlace:
    text: str
    county_fips: str | None  # set only when every county reading agrees on one county
    state_code: str | None  # the county's state, else the one state the text names
    candidates: tuple[str, ...] = ()  # counties the text may name, when not exactly one
    basis: tuple[str, ...] = ()  # the readings that hold the county (county-name, facility, city)
    facility_codes: tuple[str, ...] = ()  # registry facilities the text names exactly
    outcome: str = "no-place"  # resolved, ambiguous, conflict, state-only, no-place
    note: str = ""


@dataclass
class LandmarkIndex:
    """Lookup tables over the geography and the facility registry, built once per ingest."""

    geo: Geography
    facilities: list[FacilityName] = field(default_factory=list)

    def __post_init__(self):
        self.state_codes = {s.code.casefold(): s.code for s in self.geo.states.values()}
        self.state_names = {key(s.name): s.code for s in self.geo.states.values()}
        self.code_of_fips = {s.fips: s.code for s in self.geo.states.values()}
        self.counties: dict[str, list] = {}
        for c in self.geo.counties.values():
            self.counties.setdefault(_squeeze(key(c.name)), []).append(c)
        self.cities: dict[tuple[str, str], tuple[str, ...]] = {}
        for p in self.geo.places:
            for n in {key(p.name), *map(key, p.aliases)}:
                self.cities[(n, p.state_code)] = p.county_fips
        self.facility_names: dict[str, list[FacilityName]] = {}
        for f in self.facilities:
            if f.name:
                self.facility_names.setdefault(_words(f.name), []).append(f)


def _squeeze(text: str) -> str:
    return text.replace(" ", "")


def _words(text: str) -> str:
    """Folded words, commas dropped: the exact-match key of a facility name and of a landmark."""
    return " ".join(fold(text).replace(",", " ").split())


def _segments(text: str) -> list[list[str]]:
    return [s.split() for s in fold(text).split(",") if s.strip()]


def _strip_noise(tokens: list[str]) -> list[str]:
    out = list(tokens)
    while out and (out[-1] in TRAILING_NOISE or out[-1].isdigit() or ORI.match(out[-1])):
        out.pop()
    return out


def read_states(text: str, idx: LandmarkIndex) -> set[str]:
    """Every state the text names (USPS codes), by the rules in the module's docstring."""
    found: set[str] = set()
    for m in PAREN_CODE.finditer(text):
        code = idx.state_codes.get(m.group(1).casefold())
        if code:
            found.add(code)
    segments = _segments(text)
    for i, seg in enumerate(segments):
        for tok in seg:
            ori = ORI.match(tok)
            if ori and ori.group(1) in idx.state_codes:
                found.add(idx.state_codes[ori.group(1)])
        for j, tok in enumerate(seg[:-1]):
            if tok in ("dist", "district") and seg[j + 1] in idx.state_codes:
                found.add(idx.state_codes[seg[j + 1]])
        core = _strip_noise(seg)
        if not core:
            continue
        last = core[-1]
        # a trailing code: "…, TX", "VENTURA CA"; "CO" only after a comma ("FRANKLIN CO" is a county)
        if last in idx.state_codes and (last != "co" or (len(core) == 1 and i > 0)):
            if len(core) > 1 or i > 0:
                found.add(idx.state_codes[last])
        found.update(_state_names(core, idx))
    return found


def _state_names(tokens: list[str], idx: LandmarkIndex) -> set[str]:
    """State names in a segment: at its end, or followed by an agency word ("TEXAS DEPT", "INDIANA STATE
    PRISON"); never followed by a county or city word ("WASHINGTON COUNTY", "KANSAS CITY")."""
    out, i = set(), 0
    while i < len(tokens):
        hit = None
        for n in (3, 2, 1):  # longest first: "west virginia" before "virginia"
            name = " ".join(tokens[i:i + n])
            if len(tokens[i:i + n]) == n and name in idx.state_names and len(name) > 2:
                hit = (name, n)
                break
        if hit is None:
            i += 1
            continue
        name, n = hit
        after = tokens[i + n] if i + n < len(tokens) else None
        if after is None or after in AGENCY_WORDS:
            out.add(idx.state_names[name])
        i += n
    return out


def read_county_names(text: str, idx: LandmarkIndex, states: set[str]) -> list[tuple[str, set[str]]]:
    """Each county written as a county: (the words read, the counties they may be, within ``states`` if any)."""
    out = []
    for seg in _segments(text):
        for i, tok in enumerate(seg):
            if tok not in COUNTY_WORDS or i == 0:
                continue
            kinds = COUNTY_WORDS[tok]
            for n in range(min(MAX_NAME_WORDS, i), 0, -1):  # longest first: "salt lake" before "lake"
                words = " ".join(WORD_FORMS.get(w, w) for w in seg[i - n:i])
                named = [c for c in idx.counties.get(_squeeze(words), [])
                         if (c.kind in kinds if kinds else c.kind not in NOT_COUNTY_KINDS)]
                if not named:
                    continue
                if states:
                    named = [c for c in named if idx.code_of_fips[c.state_fips] in states]
                out.append((f"{words} {tok}", {c.fips for c in named}))
                break
    return out


def read_cities(text: str, idx: LandmarkIndex, states: set[str]) -> set[str] | None:
    """Counties of a gazetteer city the text names as a whole part ("DETROIT, MI", "VENTURA CA"), within the
    one state it names; None when it names none."""
    if len(states) != 1:
        return None
    (state,) = states
    found: set[str] = set()
    for seg in _segments(text):
        counties = idx.cities.get((" ".join(_drop_state(seg, state, idx)), state))
        if counties:
            found.update(counties)
    return found or None


def _drop_state(tokens: list[str], state: str, idx: LandmarkIndex) -> list[str]:
    """A segment without its trailing noise and the state it ends with ("ventura ca" → "ventura")."""
    core = _strip_noise(tokens)
    for n in (2, 1):  # "SOUTH DAKOTA" before "DAKOTA"
        tail = " ".join(core[-n:])
        if len(core) > n and (idx.state_names.get(tail) == state or (n == 1 and idx.state_codes.get(tail) == state)):
            return core[:-n]
    return core


def read_facilities(text: str, idx: LandmarkIndex, states: set[str]) -> list[FacilityName]:
    """Registry facilities whose name is exactly the text, its first part, or the text without a program
    prefix ("CAP - "), a parenthesis or a trailing state; within the states named, if any."""
    variants = {_words(text)}
    first = text.split(",")[0]
    bare = PROGRAM_PREFIX.sub("", text, count=1)
    variants |= {_words(first), _words(bare), _words(bare.split(",")[0]), _words(PARENS.sub(" ", bare))}
    for v in list(variants):
        core = _strip_noise(v.split())
        if core and core[-1] in idx.state_codes:
            variants.add(" ".join(core[:-1]))
    found = [f for v in variants if v for f in idx.facility_names.get(v, [])]
    if states:
        found = [f for f in found if f.state_code in states]
    return list({f.code: f for f in found}.values())


def resolve_landmark(text: str | None, idx: LandmarkIndex) -> LandmarkPlace:
    """One county for a landmark when its readings agree on exactly one; otherwise none, with why."""
    if not text or not text.strip():
        return LandmarkPlace(text or "", None, None, outcome="no-place", note="blank")
    states = read_states(text, idx)
    if len(states) > 1:
        return LandmarkPlace(text, None, None, outcome="conflict", note=f"names several states: {', '.join(sorted(states))}")
    readings: list[tuple[str, set[str], str]] = [("county-name", c, w) for w, c in read_county_names(text, idx, states)]
    facilities = read_facilities(text, idx, states)
    placed = [f for f in facilities if f.county_fips]
    if placed:
        readings.append(("facility", {f.county_fips for f in placed if f.county_fips}, ", ".join(sorted(f.code for f in placed))))
    cities = read_cities(text, idx, states)
    if cities:
        readings.append(("city", cities, "gazetteer city"))
    state = next(iter(states)) if states else None
    codes = tuple(sorted(f.code for f in facilities))
    if not states and placed and len(readings) > 1:
        # With no state written, a facility of the same name may stand in another state outside the registry
        # ("PIERCE COUNTY JAIL": the registry's is in Nebraska): the facility confirms, it never narrows.
        named = set.intersection(*(r[1] for r in readings if r[0] != "facility"))
        if len(named) > 1:
            readings = [r for r in readings if r[0] != "facility"]
    if not readings:
        outcome = "state-only" if state else "no-place"
        return LandmarkPlace(text, None, state, facility_codes=codes, outcome=outcome)
    common = set.intersection(*(r[1] for r in readings))
    basis = tuple(b for b in BASES if any(r[0] == b for r in readings))
    if len(common) == 1:
        fips = next(iter(common))
        return LandmarkPlace(text, fips, idx.code_of_fips[fips[:2]], (), basis, codes, "resolved")
    if not common:
        said = "; ".join(f"{b} {w!r}: {', '.join(sorted(c)) or 'no county in the state named'}" for b, c, w in readings)
        return LandmarkPlace(text, None, state, tuple(sorted(set().union(*(r[1] for r in readings)))), basis, codes,
                             "conflict", f"readings disagree ({said})")
    return LandmarkPlace(text, None, state, tuple(sorted(common)), basis, codes, "ambiguous",
                         f"{len(common)} counties fit" + ("" if state else "; no state written"))
