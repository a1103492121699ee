"""The geography registries as typed records, read from the bundled files alone (no ledger needed).

`geography()` returns one cached `Geography`: states, counties (us-atlas plus the county-equivalents
created or retired since FY2012), ICE areas of responsibility with their field offices, AOR periods,
the county → AOR crosswalk and the city gazetteer. The build step and the place resolver both use it.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

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
    replaced_by: str | None  # the period that followed this one (NULL for today's arrangement)
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
    is_current: bool = True  # the row of today's arrangement (its period was replaced by none)


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
    _resolver_index: Any = field(default=None, init=False, repr=False, compare=False)  # resolver.py's lookups, built once

    def state_by_code(self, code: str) -> State:
        return next(s for s in self.states.values() if s.code == code)

    def counties_of_state(self, state_fips: str, day: dt.date | None = None) -> list[County]:
        return [c for c in self.counties.values() if c.state_fips == state_fips and c.is_valid_on(day)]

    def aor_rows(self, county_fips: str) -> list[CountyAor]:
        by = self.__dict__.get("_aor_rows_by_county")
        if by is None:
            by = self.__dict__["_aor_rows_by_county"] = {}
            for r in self.county_aor:
                by.setdefault(r.county_fips, []).append(r)
        return list(by.get(county_fips, ()))

    def aors_for_county(self, county_fips: str, day: dt.date | None = None) -> tuple[tuple[str, ...], bool]:
        """(AOR codes, established) for a county on a day (today when None). Several codes when the day
        falls where the record does not settle it (an unknown change date, an unestablished county)."""
        codes: set[str] = set()
        established = True
        for r in self.aor_rows_on(county_fips, day):
            codes.update(r.candidates)
            established = established and r.aor_code is not None
        if len({*codes}) > 1:
            established = False
        return tuple(sorted(codes)), established and bool(codes)

    def aor_rows_on(self, county_fips: str, day: dt.date | None = None) -> list[CountyAor]:
        """The county's rows whose period holds on the day (today when None): the registry's evidence for it."""
        return [r for r in self.aor_rows(county_fips) if self._period_applies(r.period, day)]

    def _period_applies(self, period: str, day: dt.date | None) -> bool:
        """Whether a period's rows hold on a day. A period whose dates are not established holds unless the
        record shows the arrangement on either side of it by then: an earlier period holds until the day its
        successor is first attested; a later one from the day after its predecessor was last attested. So a
        day between the two attestations gets both arrangements' AORs, never one guessed."""
        p = self.periods[period]
        if day is None:
            return p.replaced_by is None
        if p.is_date_established:
            return (p.valid_from is None or p.valid_from <= day) and (p.valid_to is None or day < p.valid_to)
        if p.replaced_by:
            after = self.periods[p.replaced_by].evidence_first
            return not (after and day >= after)
        before = [q.evidence_last for q in self.periods.values() if q.replaced_by == period]
        return not (before and before[0] and day <= before[0])

    def change_days(self) -> list[dt.date]:
        """Every day on which some period may start or stop holding, in order: between two of them every
        county's answer from ``aors_for_county`` is the same."""
        days: set[dt.date] = set()
        for p in self.periods.values():
            days.update(d for d in (p.valid_from, p.valid_to) if d)
            if p.replaced_by and (first := self.periods[p.replaced_by].evidence_first):
                days.add(first)
            if p.replaced_by and p.evidence_last:
                days.add(p.evidence_last + dt.timedelta(days=1))
        return sorted(days)

    def aor_timeline(self, county_fips: str) -> list[tuple[dt.date | None, dt.date | None, tuple[str, ...], bool]]:
        """The county's AORs over time as (first day or None, day after the last or None, codes, established)
        spans, adjacent spans with the same answer merged."""
        bounds = [None, *self.change_days()]
        out: list = []
        for i, start in enumerate(bounds):
            end = bounds[i + 1] if i + 1 < len(bounds) else None
            codes, settled = self.aors_for_county(county_fips, start or dt.date.min)
            if out and out[-1][2:] == (codes, settled):
                out[-1] = (out[-1][0], end, codes, settled)
            else:
                out.append((start, end, codes, settled))
        return out


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
                                         r["replaced_by_period"] or None, r["period_notes"], r["source_id"], r["source_detail"])
    for code, p in out.items():
        if p.replaced_by and p.replaced_by not in out:
            raise InputError("unknown_period", f"period {code} is replaced by {p.replaced_by!r}, which is not a period",
                             fix=f"add it to data/{AOR_PERIODS_CSV} or fix the name")
    return out


def read_places() -> list[PlaceEntry]:
    return [PlaceEntry(r["place_name"], r["state_code"], _split(r["county_fips_codes"]), _split(r["place_aliases"]),
                       r["place_notes"], line) for line, r in _rows(PLACES_CSV)]


def build_county_aor(states: dict[str, State], counties: dict[str, County],
                     periods: dict[str, AorPeriod] | None = None) -> tuple[list[CountyAor], list[str]]:
    """County → AOR rows for every period, and the counties no office covers. A county listed by name
    overrides its state listed whole; the same state or county listed twice is an error. The office list
    gives today's arrangement; a county with a row in the history (aor-history.csv) had another before it,
    in a period the history names, and its office-list row belongs to the period that replaced that one."""
    periods = periods if periods is not None else read_periods()
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
        detail = f"{AOR_LIST} line {r.row}: {r.state_name}" + (f", {r.county_name}" if r.county_name else " (whole state)")
        for c in targets:
            if c.fips in into:
                raise InputError("county_twice", f"{c.full_name}, {state.name} is listed under {into[c.fips].aor_code} "
                                 f"and {r.aor_code}", fix="keep one office per county", location=where)
            into[c.fips] = CountyAor(c.fips, r.aor_code, (r.aor_code,), "stable",
                                     "county-listed" if r.county_name else "state-whole", "ddp-ice-offices", detail)
    assigned = whole | named
    history = read_history(periods, assigned)
    for fips, h in history.items():
        current = periods[h.period].replaced_by
        assert current is not None  # read_history takes only periods that were replaced
        assigned[fips] = replace(assigned[fips], period=current, is_current=True)
    harlingen = {f for f, r in assigned.items() if r.aor_code == HARLINGEN}
    before = {f for f, h in history.items() if periods[h.period].replaced_by == "since-harlingen"}
    if before != harlingen:
        raise BuildError("harlingen_history", f"counties under Harlingen {sorted(harlingen)} differ from those with a "
                         f"before-Harlingen row {sorted(before)}", fix=f"edit data/{AOR_HISTORY_CSV} to match")
    rows = list(assigned.values()) + list(history.values())
    unmapped = sorted(set(counties) - set(assigned))
    return sorted(rows, key=lambda r: (r.county_fips, r.period)), unmapped


def read_history(periods: dict[str, AorPeriod], listed: dict[str, CountyAor]) -> dict[str, CountyAor]:
    """The earlier arrangements of aor-history.csv, one row per county, each in a period that was replaced."""
    out: dict[str, CountyAor] = {}
    for line, h in _rows(AOR_HISTORY_CSV):
        where = Location(file=AOR_HISTORY_CSV, row=line)
        fips, period = h["county_fips"], h["aor_period"]
        if period not in periods or not periods[period].replaced_by:
            raise InputError("history_period", f"{fips}: period {period!r} is not an earlier arrangement in {AOR_PERIODS_CSV}",
                             fix="name a period that has replaced_by_period set", location=where)
        if fips in out or fips not in listed:
            raise InputError("history_county", f"{fips} is " + ("listed twice" if fips in out else "in no office's list"),
                             fix="one history row per county of the office list", location=where)
        candidates = _split(h["aor_candidates"])
        if (h["aor_code"] or None) not in (None, *candidates) or (h["aor_code"] and len(candidates) != 1):
            raise InputError("history_candidates", f"{fips}: aor_code {h['aor_code']!r} and candidates {candidates} disagree",
                             fix="an established row has its code as the only candidate; an open one no code", location=where)
        out[fips] = CountyAor(fips, h["aor_code"] or None, candidates, period, h["aor_basis"], "geo-aor-history",
                              f"{AOR_HISTORY_CSV} row {line}: {h['evidence']}", is_current=False)
    return out


@cache
def geography() -> Geography:
    states = read_states()
    counties = read_counties()
    periods = read_periods()
    county_aor, unmapped = build_county_aor(states, counties, periods)
    return Geography(states, counties, read_aors(), periods, county_aor, read_places(), unmapped)
