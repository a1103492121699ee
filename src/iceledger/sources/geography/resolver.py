"""The place resolver: text as press releases write it → typed places → ICE areas of responsibility.

`resolve_place("Portland, Ore.")` returns a `Resolution` with every candidate place (kind, name, state,
county FIPS codes, AOR codes). It never picks between candidates: "New York" is both the state and the
city, and the resolution says so (`ambiguous=True`). It is a pure function of the bundled registries,
usable without a built ledger. Cities come from the small gazetteer (ref_places); a city it does not
hold resolves to nothing, with a note, rather than to a guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from iceledger.sources.geography.aors import aor_code_for_name
from iceledger.sources.geography.bundled_geo import County, Geography, PlaceEntry, State, geography
from iceledger.sources.geography.normalize import key, normalize_name

COUNTY_WORDS = {  # trailing words of a county segment → the county kinds they name
    "city and borough": ("city and borough",), "census area": ("census area",), "planning region": ("planning region",),
    "county": None, "parish": ("parish",), "borough": ("borough",), "municipality": ("municipality",),
    "municipio": ("municipio",), "district": ("district",), "island": ("island",),
}


@dataclass(frozen=True)
class Place:
    kind: str  # city, county, state, district
    name: str
    state_code: str
    county_fips: tuple[str, ...]
    aor_codes: tuple[str, ...]
    is_aor_established: bool  # False when a county's AOR on the day is not settled by the record
    note: str = ""
    aor_evidence: tuple[dict, ...] = ()  # for a single county: the registry rows that give its AORs on the day

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Resolution:
    text: str
    candidates: list[Place] = field(default_factory=list)
    stated_aor: str | None = None  # an AOR named in the text itself, e.g. "(Buffalo)" in ICE's DDOR tables
    notes: list[str] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1

    @property
    def aor_codes(self) -> tuple[str, ...]:
        return tuple(sorted({a for p in self.candidates for a in p.aor_codes}))

    def to_dict(self) -> dict:
        return {"text": self.text, "ambiguous": self.ambiguous, "aor_codes": list(self.aor_codes),
                "stated_aor": self.stated_aor, "candidates": [p.to_dict() for p in self.candidates], "notes": self.notes}


@dataclass(frozen=True)
class _Index:
    state_names: dict[str, State]  # names, USPS codes, AP abbreviations
    state_aliases: dict[str, list[State]]
    cities: dict[str, list[PlaceEntry]]
    counties: dict[str, list[County]]  # bare county name, spaces removed ("De Baca" = "DeBaca") → counties (every state)


def _squeeze(name_key: str) -> str:
    """A county key without spaces: "De Baca" and "DeBaca", "La Salle" and "LaSalle" are written both ways."""
    return name_key.replace(" ", "")


def _index(geo: Geography) -> _Index:
    """Lookup tables over a Geography, built once and kept on it."""
    cached = getattr(geo, "_resolver_index", None)
    if cached is not None:
        return cached
    names: dict[str, State] = {}
    aliases: dict[str, list[State]] = {}
    cities: dict[str, list[PlaceEntry]] = {}
    counties: dict[str, list[County]] = {}
    for s in geo.states.values():
        for n in (s.name, s.code, s.ap_abbreviation):
            if n:
                names[key(n)] = s
        for a in s.aliases:
            aliases.setdefault(key(a), []).append(s)
    for p in geo.places:
        for n in {key(p.name), *map(key, p.aliases)}:
            cities.setdefault(n, []).append(p)
    for c in geo.counties.values():
        counties.setdefault(_squeeze(key(c.name)), []).append(c)
    geo._resolver_index = _Index(names, aliases, cities, counties)
    return geo._resolver_index


def resolve_place(text: str, *, on: dt.date | None = None, kind: str | None = None,
                  geo: Geography | None = None) -> Resolution:
    """Every place the text may name, with its AORs on the day `on` (today when None).

    `kind` ("state", "city", "county", "district") keeps only candidates of that kind, for lists whose
    heading says what they hold (the DOJ list's STATES, COUNTIES, CITIES)."""
    geo = geo or geography()
    idx = _index(geo)
    norm = normalize_name(text)
    res = Resolution(text)
    if norm.parenthetical:
        res.stated_aor = aor_code_for_name(norm.parenthetical)
        if res.stated_aor is None:
            res.notes.append(f"ignored the parenthetical ({norm.parenthetical}): not an AOR name")
    if norm.dropped_area_word:
        res.notes.append("area words dropped: resolved to the place itself, not a metropolitan area")
    hint = kind or norm.kind_hint
    places = _candidates(norm.segments, idx, geo, res.notes, hint)
    if hint:
        kept = [p for p in places if _kind_of(p) == hint]
        if not kept and hint == "state":  # "District of Columbia" under a STATES heading
            kept = [p for p in places if _kind_of(p) == "district"]
        if len(kept) < len(places):
            res.notes.append(f"kept only {hint} candidates, as the text or the caller says")
        places = kept
    seen = set()
    for p in places:
        placed = _place(p, geo, on)
        if (placed.kind, placed.name, placed.state_code) not in seen:
            seen.add((placed.kind, placed.name, placed.state_code))
            res.candidates.append(placed)
    if not res.candidates:
        res.notes.append("no place found: write it as 'City, State', 'Name County, State' or a state name; "
                         "the city gazetteer holds only the cities in ref_places")
    elif res.stated_aor and res.stated_aor not in res.aor_codes:
        res.notes.append(f"the text names the {res.stated_aor} AOR but the place lies in {', '.join(res.aor_codes)}")
    for c in res.candidates:
        if not c.aor_codes:
            res.notes.append(f"no ICE area of responsibility is known for {c.name}: no public source found names its field office")
    return res


def _kind_of(p: tuple) -> str:
    return "district" if p[0] == "state" and p[1].kind == "district" else p[0]


def _candidates(segments: tuple[str, ...], idx: _Index, geo: Geography, notes: list[str], hint: str | None) -> list[tuple]:
    """Raw candidates as (kind, object) pairs: ("state", State), ("city", PlaceEntry), ("county", County)."""
    if not segments:
        return []
    if len(segments) == 1:
        local, state = _peel_state(segments[0], idx)  # "Cook County Illinois", "Portland Oregon"
        if state is not None:
            return _local(local, state, idx, hint)
        states = [("state", s) for s in _states_named(segments[0], idx)]
        found = _local(segments[0], None, idx, hint)
        if hint in ("city", "state") or _county_word(segments[0])[0]:
            return states + found
        bare = _bare_counties(segments[0], [s for _, s in states], idx, notes)  # "Richmond", "St. Louis", "Miami-Dade"
        return states + found + [c for c in bare if not _same_government(c[1], found)]
    named = _states_named(" ".join(segments), idx)  # "Washington, D.C."
    if named:
        return [("state", s) for s in named]
    state = _state_segment(segments[-1], idx)
    if state is None:
        notes.append(f"{segments[-1]!r} is not a state: resolved {segments[0]!r} alone")
        return _candidates(segments[:1], idx, geo, notes, hint)
    parts = segments[:-1]
    if len(parts) == 1:
        return _local(parts[0], state, idx, hint)
    cities = _local(parts[0], state, idx, "city")  # "Iowa City, Johnson County, Iowa"
    counties = _local(parts[1], state, idx, "county")
    inside = [c for c in cities if {k[1].fips for k in counties} & set(c[1].county_fips)]
    if inside:
        return inside
    notes.append(f"{parts[0]!r} is not a gazetteer city inside {parts[1]!r}: resolved the county named")
    return counties


def _local(segment: str, state: State | None, idx: _Index, hint: str | None) -> list[tuple]:
    """Cities and counties a local segment names, inside the state when one is known."""
    out: list[tuple] = []
    word, kinds, bare = _county_word(segment)
    if word:
        named = [c for c in idx.counties.get(_squeeze(bare), []) if state is None or c.state_fips == state.fips]
        out = [("county", c) for c in named if c.kind in (kinds or ("county",))]
        if not out and kinds is None:  # "Orleans County, La.": the county-equivalent whatever its kind
            out = [("county", c) for c in named]
        if out:
            return out
    for p in idx.cities.get(key(segment), []):
        if state is None or p.state_code == state.code:
            out.append(("city", p))
    if not out and state is not None and hint != "city":  # "Richmond, Va.": an independent city is its own county
        out += [("county", c) for c in idx.counties.get(_squeeze(key(segment)), [])
                if c.state_fips == state.fips and c.kind == "independent city"]
    if not out and state is not None and hint != "city":  # "Miami-Dade, Fla.", "Orleans, La.": the county-equivalent so named
        out += [("county", c) for c in idx.counties.get(_squeeze(key(segment)), []) if c.state_fips == state.fips]
    return out


def _bare_counties(segment: str, named_states: list[State], idx: _Index, notes: list[str]) -> list[tuple]:
    """Counties a bare name names, unless it names a state: "Washington" is the state (and DC), with a note on the
    counties named Washington elsewhere; a territory that is one county-equivalent (Guam) is the territory alone."""
    found = [c for c in idx.counties.get(_squeeze(key(segment)), []) if c.state_fips not in {s.fips for s in named_states}]
    if named_states and found:
        notes.append(f"{len(found)} counties are also named {segment!r}: write '{segment} County' (and its state) for them")
        return []
    return [("county", c) for c in found]


def _same_government(county: County, found: list[tuple]) -> bool:
    """A county that is one government with a city already found: an independent city, or a consolidated city-county
    the gazetteer says is one (Denver, San Francisco), not a county that merely shares a city's name (Los Angeles)."""
    return any(kind == "city" and p.county_fips == (county.fips,) and key(p.name) == key(county.name)
               and (county.kind == "independent city" or "onsolidated" in p.notes or "oextensive" in p.notes)
               for kind, p in found)


def _county_word(segment: str) -> tuple[str | None, tuple | None, str]:
    for word, kinds in COUNTY_WORDS.items():
        if segment.endswith(" " + word):
            return word, kinds, key(segment[: -len(word) - 1])
    if segment.endswith(" city") and len(segment.split()) > 1:  # "Baltimore City": the independent city
        return "city", ("independent city",), key(segment[:-5])
    return None, None, segment


def _state_segment(segment: str, idx: _Index) -> State | None:
    """A trailing segment as a state: names, USPS codes and AP abbreviations first, then aliases."""
    k = key(segment)
    if k in idx.state_names:
        return idx.state_names[k]
    found = idx.state_aliases.get(k, [])
    return found[0] if len(found) == 1 else None


def _states_named(text: str, idx: _Index) -> list[State]:
    """States a whole text names by full name or alias (never by a bare two-letter code)."""
    k = key(text)
    named = [s for n, s in idx.state_names.items() if n == k and len(k) > 2 and k == key(s.name)]
    return list(dict.fromkeys(named + idx.state_aliases.get(k, [])))


def _peel_state(segment: str, idx: _Index) -> tuple[str, State | None]:
    """"Portland Oregon" → ("portland", Oregon): a trailing full state name without a comma."""
    words = segment.split()
    for i in range(1, len(words)):
        tail = " ".join(words[i:])
        s = idx.state_names.get(tail)
        if s is not None and tail == key(s.name):
            return " ".join(words[:i]), s
    return segment, None


def _place(p: tuple, geo: Geography, on: dt.date | None) -> Place:
    kind, obj = p
    if kind == "state":
        counties = tuple(c.fips for c in geo.counties_of_state(obj.fips, on))
        kind = "district" if obj.kind == "district" else "state"
        return _with_aors(kind, obj.name, obj.code, counties, geo, on)
    if kind == "city":
        return _with_aors("city", obj.name, obj.state_code, obj.county_fips, geo, on, obj.notes)
    state = geo.states[obj.state_fips]
    note = ""
    if not obj.is_valid_on(on):
        note = f"{obj.full_name} ({obj.fips}) is a county-equivalent valid " + _span(obj)
    return _with_aors("county", obj.full_name, state.code, (obj.fips,), geo, on, note)


def _span(c: County) -> str:
    return f"from {c.valid_from or 'before FY2012'} to {c.valid_to or 'today'}"


def _with_aors(kind: str, name: str, state_code: str, counties: tuple[str, ...], geo: Geography,
               on: dt.date | None, note: str = "") -> Place:
    codes: set[str] = set()
    established = True
    for fips in counties:
        found, ok = geo.aors_for_county(fips, on)
        codes.update(found)
        established = established and (ok or not found)
    evidence: tuple[dict, ...] = ()
    if len(counties) == 1:
        evidence = tuple({"aor_period": r.period, "aor_code": r.aor_code, "aor_candidates": list(r.candidates),
                          "aor_basis": r.basis, "source_id": r.source_id, "source_detail": r.source_detail}
                         for r in geo.aor_rows_on(counties[0], on))
    return Place(kind, name, state_code, counties, tuple(sorted(codes)), established, note, evidence)
