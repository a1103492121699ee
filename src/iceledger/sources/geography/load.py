"""Build step: load the geography registries (ref_states, ref_counties, ref_aors, ref_aor_periods,
ref_county_aor, ref_places) from the bundled files, every row naming its source."""

from __future__ import annotations

from iceledger.metadata import table
from iceledger.sources.bundled import bundled_path
from iceledger.sources.geography.aors import read_county_statements
from iceledger.sources.geography.bundled_geo import OFFICE_LIST, PLACES_CSV, STATES_CSV, Geography, geography
from iceledger.sources.rows import insert_records
from iceledger.sources.step import StepResult
from iceledger.validation import Finding


def rows_states(geo: Geography) -> list[list]:
    return [[s.fips, s.code, s.name, s.kind, s.ap_abbreviation or None, list(s.aliases),
             "census-county-facts", f"{STATES_CSV} row {s.row}"] for s in geo.states.values()]


def rows_counties(geo: Geography) -> list[list]:
    return [[c.fips, c.state_fips, c.name, c.full_name, c.kind, c.valid_from, c.valid_to, list(c.successors),
             c.has_map_shape, c.source_id, c.source_detail] for c in geo.counties.values()]


def rows_aors(geo: Geography) -> list[list]:
    out = []
    for a in geo.aors.values():
        o = a.office
        if o is None:
            out.append([a.code, a.name, a.is_geographic, None, None, None, None, None, None, None, None,
                        "ice-gov-offices", "not an office in this list: ERO headquarters, a code ICE records use"])
        else:
            out.append([a.code, a.name, a.is_geographic, o.name, o.address, o.city, o.state_code, o.zip, o.latitude,
                        o.longitude, o.area_served, "ice-gov-offices", f"{OFFICE_LIST} Sheet1 row {o.row}"])
    return out


def rows_periods(geo: Geography) -> list[list]:
    return [[p.code, p.description, p.valid_from, p.valid_to, p.is_date_established, p.evidence_first,
             p.evidence_last, p.replaced_by, p.notes, p.source_id, p.source_detail] for p in geo.periods.values()]


def rows_county_aor(geo: Geography) -> list[list]:
    return [[r.county_fips, r.aor_code, list(r.candidates), r.period, r.is_current, r.basis, r.source_id, r.source_detail]
            for r in geo.county_aor]


def rows_places(geo: Geography) -> list[list]:
    return [[p.name, p.state_code, "city", list(p.county_fips), list(p.aliases), p.notes or None,
             "census-places", f"{PLACES_CSV} row {p.row}"] for p in geo.places]


ROWS = {"ref_states": rows_states, "ref_counties": rows_counties, "ref_aors": rows_aors,
        "ref_aor_periods": rows_periods, "ref_county_aor": rows_county_aor, "ref_places": rows_places}


def check_geography(geo: Geography) -> list[Finding]:
    """What the registries leave open, as findings for the build report."""
    out = []
    if geo.unmapped_counties:
        names = [f"{geo.counties[f].full_name} ({f})" for f in geo.unmapped_counties]
        out.append(Finding("warning", "county_without_aor", f"{len(names)} county-equivalents belong to no ICE field "
                           "office in the bundled list: " + ", ".join(names),
                           fix="add their state to data/reference/ice-areas-of-responsibility.csv if a public source "
                               "names its office", detail={"county_fips": geo.unmapped_counties}, count=len(names)))
    open_rows = [r for r in geo.county_aor if r.aor_code is None]
    if open_rows:
        said = "; ".join(f"{r.county_fips} in {r.period}: {' or '.join(r.candidates)}" for r in open_rows)
        out.append(Finding("info", "aor_not_established", f"{len(open_rows)} counties have no established AOR in an "
                           f"earlier period (aor_code NULL, aor_candidates lists the possibilities): {said}",
                           fix="cite a public record in data/geo/aor-history.csv to settle one",
                           detail={"county_fips": [r.county_fips for r in open_rows]}, count=len(open_rows)))
    out += check_county_statements(geo)
    unknown = [p.code for p in geo.periods.values() if not p.is_date_established]
    if unknown:
        out.append(Finding("info", "aor_period_date_unknown", "the days these arrangements of ICE's areas of "
                           f"responsibility began or ended are not established; only bounds are known (see ref_aor_periods): "
                           f"{', '.join(unknown)}", detail={"periods": unknown}))
    return out


def check_county_statements(geo: Geography) -> list[Finding]:
    """Compare ICE's own county counts per Texas field office (ice.gov office list) with the crosswalk."""
    out = []
    for st in read_county_statements(bundled_path(OFFICE_LIST)):
        ours = sum(1 for r in geo.county_aor if r.is_current and r.aor_code == st.aor_code)
        if ours != st.county_count:
            out.append(Finding("warning", "aor_county_count_differs",
                               f"ice.gov says the {st.aor_code} field office covers {st.county_count} counties "
                               f"({st.area!r}); the bundled county list gives it {ours}",
                               fix="find which counties differ in a public source and correct the bundled list, "
                                   "recording the fix in its manifest",
                               detail={"file": OFFICE_LIST, "sheet": "Sheet1", "row": st.row, "aor_code": st.aor_code,
                                       "stated": st.county_count, "listed": ours}))
    return out


def load_geography(con, ctx):
    """Build step: every geography registry, with findings for what the sources leave open."""
    geo = geography()
    written = {}
    for name, make in ROWS.items():
        cols = table(name).columns
        written[name] = insert_records(con, name, [dict(zip(cols, r)) for r in make(geo)], cols)
    return StepResult(written, check_geography(geo))
