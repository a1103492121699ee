"""Our county → AOR crosswalk and field offices against UWCHR's (GPL, test-only oracles).

Every disagreement is pinned here with its reason; a new one fails the test. docs/geography.md
explains each reason. The UWCHR files are read from ../shared/data/testonly and skipped when absent.
"""

from __future__ import annotations

import csv
import math

import pytest

from iceledger.sources.geography.registry import geography

LEGACY = "legacy-code: a county-equivalent retired before UWCHR's 2022+ vintage; we keep it (valid_to set) since older records and releases use it"
TERRITORY = "territory: ICE's list maps Guam and the Northern Mariana Islands (SFR) and the US Virgin Islands (MIA); UWCHR covers the states, DC and Puerto Rico only"
CENTRAL_TX = "central-texas: the CC0 list (ice.gov today) puts the Waco-area counties in Houston; UWCHR puts them in San Antonio, as ICE's facility records of 2017-2021 do for McLennan and Limestone; ice.gov's own count (San Antonio 36 counties) matches the CC0 list"
BROOKS = "brooks: ICE's facility records (2017 list, FY19 workbook) put the Brooks County Detention Center under SNA; UWCHR says HOU"
OPEN = "not-established: no bundled public record settles this county's AOR before Harlingen; we keep aor_code NULL with candidates HOU and SNA where UWCHR picks one"

_LEGACY = ["02270", "09001", "09003", "09005", "09007", "09009", "09011", "09013", "09015", "46113", "51515"]
_TERRITORIES = ["66010", "69085", "69100", "69110", "69120", "78010", "78020", "78030"]
_CENTRAL_TX = ["48027", "48035", "48099", "48145", "48161", "48193", "48217", "48293", "48309", "48425"]
_OPEN = ["48007", "48131", "48247", "48249", "48261", "48273", "48409", "48427", "48505"]

COMMON = {**{f: LEGACY for f in _LEGACY}, **{f: TERRITORY for f in _TERRITORIES}, **{f: CENTRAL_TX for f in _CENTRAL_TX}}
EXPECTED = {
    "uwchr-county_aor_har.csv": COMMON,  # compared with our current arrangement (since Harlingen)
    "uwchr-county_aor.csv": {**COMMON, "48047": BROOKS, **{f: OPEN for f in _OPEN}},  # with ours before Harlingen
}
PERIOD = {"uwchr-county_aor_har.csv": "since-harlingen", "uwchr-county_aor.csv": "before-harlingen"}


def disagreements(path, period: str) -> dict[str, tuple[str | None, str | None]]:
    geo = geography()
    with path.open(newline="") as fh:
        theirs = {r["geoid"]: r["aor"] for r in csv.DictReader(fh)}
    out = {}
    for fips in sorted(set(theirs) | set(geo.counties)):
        rows = [r for r in geo.aor_rows(fips) if r.period in ("stable", period)]
        assert len(rows) <= 1, fips
        ours = rows[0].aor_code if rows else None
        if theirs.get(fips) != ours:
            out[fips] = (theirs.get(fips), ours)
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_disagreement_is_known_and_explained(testonly, name):
    found = disagreements(testonly / name, PERIOD[name])
    unexplained = {f: v for f, v in found.items() if f not in EXPECTED[name]}
    gone = sorted(set(EXPECTED[name]) - set(found))
    assert not unexplained, f"new disagreements with {name}: {unexplained}"
    assert not gone, f"pinned disagreements no longer occur (remove them): {gone}"


def test_uwchr_files_cover_the_same_counties_we_map(testonly):
    with (testonly / "uwchr-county_aor_har.csv").open(newline="") as fh:
        theirs = {r["geoid"] for r in csv.DictReader(fh)}
    assert len(theirs) == 3223
    geo = geography()
    ours_today = {f for f, c in geo.counties.items() if c.is_valid_on(None)}
    # UWCHR keeps Valdez-Cordova (02261) beside its successors; we do too, with valid_to set
    assert theirs - ours_today == {"02261"}


def _km(a, b):
    (la1, lo1), (la2, lo2) = map(lambda p: (math.radians(p[0]), math.radians(p[1])), (a, b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


MOVED = {"DET": "ice.gov lists 985 Michigan Avenue; UWCHR 333 Mt. Elliott St",
         "MIA": "ice.gov lists the Miramar office (2805 SW 145th Ave); UWCHR the Plantation office",
         "NOL": "ice.gov lists 181 James Drive W, St. Rose; UWCHR 1250 Poydras, New Orleans"}


def test_field_offices_against_uwchr(testonly):
    geo = geography()
    moved = {}
    with (testonly / "uwchr-aor_ero_field_office.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 26
    for r in rows:
        code = {"HAL": "HAR"}.get(r["aor"], r["aor"])  # UWCHR writes Harlingen as HAL in this file
        office = geo.aors[code].office
        if office is None:
            assert code == "HQ"
            continue
        if _km((float(r["lat"]), float(r["long"])), (office.latitude, office.longitude)) > 1:
            moved[code] = r["field_office_addr"]
    assert set(moved) == set(MOVED), moved
