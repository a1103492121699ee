"""Our county → AOR crosswalk and field offices against UWCHR's (GPL, test-only oracles).

Every disagreement is pinned here with its reason; a new one fails the test. docs/geography.md
explains each reason. The UWCHR files are read from ../shared/data/testonly and skipped when absent.
"""

from __future__ import annotations

import csv
import datetime as dt
import math

import pytest

from iceledger.sources.geography.bundled_geo import geography

LEGACY = "legacy-code: a county-equivalent retired before UWCHR's 2022+ vintage; we keep it (valid_to set) since older records and releases use it"
TERRITORY = ("territory: ICE's list maps Guam and the Northern Mariana Islands (SFR) and the US Virgin Islands (MIA); UWCHR "
             "covers the states, DC and Puerto Rico only")
CENTRAL_TX = ("central-texas: today's office list (CC0, from ice.gov) puts the Waco-area counties in Houston; UWCHR keeps "
              "them in San Antonio, where ICE's records of FY2016-2019 place them (our central-texas-records period)")
HAMILTON = "hamilton: too few of ICE's records name Hamilton County, TX to settle it in FY2016-2019; we keep HOU and SNA as candidates, UWCHR says SNA"
OPEN = ("not-established: no bundled public record settles this county's AOR before Harlingen; we keep aor_code NULL "
        "with candidates HOU and SNA where UWCHR picks one")
DISAGREE = ("sources-disagree: ICE's records of FY2016-2019 place the county under another AOR than the office list; we "
            "keep both as candidates, UWCHR follows the list")

_LEGACY = ["02270", "09001", "09003", "09005", "09007", "09009", "09011", "09013", "09015", "46113", "51515"]
_TERRITORIES = ["66010", "69085", "69100", "69110", "69120", "78010", "78020", "78030"]
_CENTRAL_TX = ["48027", "48035", "48099", "48145", "48161", "48193", "48217", "48293", "48309", "48425"]
_OPEN = ["48131", "48247", "48249", "48261", "48273", "48505"]
_DISAGREE = ["12033", "12091", "12113", "12131", "16055"]

COMMON = {**{f: LEGACY for f in _LEGACY}, **{f: TERRITORY for f in _TERRITORIES}}
EXPECTED = {
    "uwchr-county_aor_har.csv": {**COMMON, **{f: CENTRAL_TX for f in _CENTRAL_TX}},  # with our arrangement today
    # with ours on a day of the FY2016-2019 records, before Harlingen
    "uwchr-county_aor.csv": {**COMMON, "48193": HAMILTON, **{f: OPEN for f in _OPEN}, **{f: DISAGREE for f in _DISAGREE}},
}
DAY = {"uwchr-county_aor_har.csv": None, "uwchr-county_aor.csv": dt.date(2018, 1, 1)}


def disagreements(path, day: dt.date | None) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """Counties where UWCHR's AOR is not the one AOR our registry settles on the day (today when None)."""
    geo = geography()
    with path.open(newline="") as fh:
        theirs = {r["geoid"]: r["aor"] for r in csv.DictReader(fh)}
    out = {}
    for fips in sorted(set(theirs) | set(geo.counties)):
        ours, settled = geo.aors_for_county(fips, day) if fips in geo.counties else ((), False)
        if theirs.get(fips) is None and not ours:
            continue  # neither maps it (American Samoa)
        if not (settled and ours == (theirs.get(fips),)):
            out[fips] = (theirs.get(fips), ours)
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_disagreement_is_known_and_explained(testonly, name):
    found = disagreements(testonly / name, DAY[name])
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
