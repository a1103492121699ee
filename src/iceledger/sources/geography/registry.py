"""The geography registries as typed records, read from the bundled files alone (no ledger needed).

`geography()` returns one cached `Geography`: states, counties (us-atlas plus the county-equivalents
created or retired since FY2012), ICE areas of responsibility with their field offices, AOR periods,
the county → AOR crosswalk and the city gazetteer. The build step and the place resolver both use it.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import cache

from iceledger.errors import BuildError, InputError, Location
from iceledger.metadata import code_list
from iceledger.sources.bundled import bundled_path
from iceledger.sources.geography.aors import AOR_LIST, OFFICE_LIST, FieldOffice, read_aor_list, read_field_offices
from iceledger.sources.geography.atlas import ATLAS_COUNTIES, COUNTIES_CSV

STATES_CSV = "geo/states.csv"
COUNTY_CHANGES_CSV = "geo/county-changes.csv"
PLACES_CSV = "geo/places.csv"
AOR_PERIODS_CSV = "geo/aor-periods.csv"
AOR_HISTORY_CSV = "geo/aor-history.csv"
HARLINGEN = "HAR"


@dataclass(frozen=True)
class State:
    fips: str
    code: str
    name: str
    kind: str
    ap_abbreviation: str
    aliases: tuple[str, ...]
    row: int


@dataclass(frozen=True)
class County:
    fips: str
    state_fips: str
    name: str
    kind: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    successors: tuple[str, ...]
    has_map_shape: bool
    source_id: str
    source_detail: str

    @property
    def full_name(self) -> str:
        suffix = _suffixes()[self.kind]
        if self.name.casefold().endswith(suffix.casefold()) or self.kind == "district" and "District" in self.name \
                or self.fips == "66010":
            return self.name
        return f"{self.name} {suffix}"

    def is_valid_on(self, day: dt.date | None) -> bool:
        """Valid on that day; with no day, valid today."""
        if day is None:
            return self.valid_to is None
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class Aor:
    code: str
    name: str
    is_geographic: bool
    office: FieldOffice | None


@dataclass(frozen=True)
class AorPeriod:
    code: str
    description: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    is_date_established: bool
    evidence_first: dt.date | None
    evidence_last: dt.date | None
    notes: str
    source_id: str
    source_detail: str


@dataclass(frozen=True)
class CountyAor:
    county_fips: str
    aor_code: str | None
    candidates: tuple[str, ...]
    period: str
    basis: str
    source_id: str
    source_detail: str

    @property
    def is_current(self) -> bool:
        return self.period in ("stable", "since-harlingen")


@dataclass(frozen=True)
class PlaceEntry:
    name: str
    state_code: str
    county_fips: tuple[str, ...]
    aliases: tuple[str, ...]
    notes: str
    row: int


@dataclass
class Geography:
    states: dict[str, State]  # by FIPS
    counties: dict[str, County]  # by FIPS
    aors: dict[str, Aor]
    periods: dict[str, AorPeriod]
    county_aor: list[CountyAor]
    places: list[PlaceEntry]
    unmapped_counties: list[str] = field(default_factory=list)  # county FIPS with no AOR at all

    def state_by_code(self, code: str) -> State:
        return next(s for s in self.states.values() if s.code == code)

    def counties_of_state(self, state_fips: str, day: dt.date | None = None) -> list[County]:
        return [c for c in self.counties.values() if c.state_fips == state_fips and c.is_valid_on(day)]

    def aor_rows(self, county_fips: str) -> list[CountyAor]:
        return [r for r in self.county_aor if r.county_fips == county_fips]

    def aors_for_county(self, county_fips: str, day: dt.date | None = None) -> tuple[tuple[str, ...], bool]:
        """(AOR codes, established) for a county on a day (today when None). Several codes when the day
        falls where the record does not settle it (an unknown change date, an unestablished county)."""
        codes: set[str] = set()
        established = True
        for r in self.aor_rows(county_fips):
            if self._period_applies(r.period, day):
                codes.update(r.candidates)
                established = established and r.aor_code is not None
        if len({*codes}) > 1:
            established = False
        return tuple(sorted(codes)), established and bool(codes)

    def _period_applies(self, period: str, day: dt.date | None) -> bool:
        if period == "stable":
            return True
        p = self.periods[period]
        if day is None:
            return period == "since-harlingen"
        if p.is_date_established:
            return (p.valid_from is None or p.valid_from <= day) and (p.valid_to is None or day < p.valid_to)
        if period == "before-harlingen":  # holds unless the later arrangement is attested by then
            return not (self.periods["since-harlingen"].evidence_first and day >= self.periods["since-harlingen"].evidence_first)
        return not (self.periods["before-harlingen"].evidence_last and day <= self.periods["before-harlingen"].evidence_last)


@cache
def _suffixes() -> dict[str, str]:
    from iceledger.metadata.model import METADATA_DIR

    with (METADATA_DIR / "codes" / "county_kind.csv").open(newline="") as fh:
        return {r["code"]: r["suffix"] for r in csv.DictReader(fh)}


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(";") if v.strip())


def _date(value: str | None, where: Location) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError("bad_date", f"{value!r} is not a date (YYYY-MM-DD)", fix="write the date as YYYY-MM-DD",
                         location=where) from None


def _rows(rel: str) -> list[tuple[int, dict[str, str]]]:
    with bundled_path(rel).open(newline="", encoding="utf-8") as fh:
        return list(enumerate(csv.DictReader(fh), start=2))


def read_states() -> dict[str, State]:
    return {r["state_fips"]: State(r["state_fips"], r["state_code"], r["state_name"], r["state_kind"],
                                   r["ap_abbreviation"], _split(r["state_aliases"]), line)
            for line, r in _rows(STATES_CSV)}


def read_counties() -> dict[str, County]:
    """us-atlas counties, with validity dates and the extra county-equivalents from the changes list."""
    out = {r["county_fips"]: County(r["county_fips"], r["state_fips"], r["county_name"], r["county_kind"], None, None, (),
                                    True, "us-atlas", f"{ATLAS_COUNTIES} id {r['county_fips']}")
           for _, r in _rows(COUNTIES_CSV)}
    for line, r in _rows(COUNTY_CHANGES_CSV):
        where = Location(file=COUNTY_CHANGES_CSV, row=line)
        fips = r["county_fips"]
        base = out.get(fips)
        if base and (base.name, base.kind) != (r["county_name"], r["county_kind"]):
            raise InputError("county_change_mismatch", f"{fips} is {base.name} ({base.kind}) in the map, "
                             f"{r['county_name']} ({r['county_kind']}) in the changes list",
                             fix="make the changes list agree with the map for codes the map has", location=where)
        out[fips] = County(fips, fips[:2], r["county_name"], r["county_kind"], _date(r["valid_from"], where),
                           _date(r["valid_to"], where), _split(r["successor_fips"]), base is not None,
                           "census-county-facts", f"{COUNTY_CHANGES_CSV} row {line}: {r['change_note']}")
    return dict(sorted(out.items()))


def read_aors() -> dict[str, Aor]:
    offices = {o.aor_code: o for o in read_field_offices(bundled_path(OFFICE_LIST))}
    codes = code_list("aor")
    out = {}
    for code in codes.values:
        geographic = code != "HQ"
        if geographic and code not in offices:
            raise BuildError("aor_without_office", f"AOR {code} has no ERO field office in {OFFICE_LIST}",
                             fix="map its office name in OFFICE_NAME_FOR (sources/geography/aors.py)")
        out[code] = Aor(code, codes.descriptions[code], geographic, offices.get(code))
    return out


def read_periods() -> dict[str, AorPeriod]:
    out = {}
    for line, r in _rows(AOR_PERIODS_CSV):
        w = Location(file=AOR_PERIODS_CSV, row=line)
        out[r["aor_period"]] = AorPeriod(r["aor_period"], r["period_description"], _date(r["valid_from"], w),
                                         _date(r["valid_to"], w), r["is_date_established"] == "true",
                                         _date(r["evidence_first_date"], w), _date(r["evidence_last_date"], w),
                                         r["period_notes"], r["source_id"], r["source_detail"])
    return out


def read_places() -> list[PlaceEntry]:
    return [PlaceEntry(r["place_name"], r["state_code"], _split(r["county_fips_codes"]), _split(r["place_aliases"]),
                       r["place_notes"], line) for line, r in _rows(PLACES_CSV)]


def build_county_aor(states: dict[str, State], counties: dict[str, County]) -> tuple[list[CountyAor], list[str]]:
    """County → AOR rows for every period, and the counties no office covers. A county listed by name
    overrides its state listed whole; the same state or county listed twice is an error."""
    by_name = {s.name: s for s in states.values()}
    whole: dict[str, CountyAor] = {}
    named: dict[str, CountyAor] = {}
    for r in read_aor_list(bundled_path(AOR_LIST)):
        where = Location(file=AOR_LIST, row=r.row)
        state = by_name.get(r.state_name)
        if state is None:
            raise InputError("unknown_state", f"state {r.state_name!r} is not in {STATES_CSV}",
                             fix="add the state or fix its name", location=where)
        in_state = [c for c in counties.values() if c.state_fips == state.fips]
        targets = [c for c in in_state if c.name.casefold() == r.county_name.casefold()] if r.county_name else in_state
        if not targets:
            raise InputError("unknown_county", f"no county {r.county_name!r} in {state.name}",
                             fix="fix the county name in the bundled copy and note the fix in its manifest", location=where)
        into = named if r.county_name else whole
        period = "since-harlingen" if r.aor_code == HARLINGEN else "stable"
        detail = f"{AOR_LIST} line {r.row}: {r.state_name}" + (f", {r.county_name}" if r.county_name else " (whole state)")
        for c in targets:
            if c.fips in into:
                raise InputError("county_twice", f"{c.full_name}, {state.name} is listed under {into[c.fips].aor_code} "
                                 f"and {r.aor_code}", fix="keep one office per county", location=where)
            into[c.fips] = CountyAor(c.fips, r.aor_code, (r.aor_code,), period,
                                     "county-listed" if r.county_name else "state-whole", "ddp-ice-offices", detail)
    assigned = whole | named
    rows = list(assigned.values())
    harlingen = {r.county_fips for r in rows if r.period == "since-harlingen"}
    history = {}
    for line, h in _rows(AOR_HISTORY_CSV):
        history[h["county_fips"]] = CountyAor(h["county_fips"], h["aor_code"] or None, _split(h["aor_candidates"]),
                                              h["aor_period"], h["aor_basis"], "geo-aor-history",
                                              f"{AOR_HISTORY_CSV} row {line}: {h['evidence']}")
    if set(history) != harlingen:
        raise BuildError("harlingen_history", f"counties under Harlingen {sorted(harlingen)} differ from those with a "
                         f"before-Harlingen row {sorted(history)}", fix=f"edit data/{AOR_HISTORY_CSV} to match")
    rows += history.values()
    unmapped = sorted(set(counties) - set(assigned))
    return sorted(rows, key=lambda r: (r.county_fips, r.period)), unmapped


@cache
def geography() -> Geography:
    states = read_states()
    counties = read_counties()
    county_aor, unmapped = build_county_aor(states, counties)
    return Geography(states, counties, read_aors(), read_periods(), county_aor, read_places(), unmapped)
