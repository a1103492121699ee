"""Landmarks as ICE writes them, read to one county only when unambiguous. The texts are ICE's kind of text;
the two facilities are made up for the test (codes TESTxxx), standing for registry rows."""

from __future__ import annotations

import pytest

from iceledger.sources.geography.bundled_geo import geography
from iceledger.sources.geography.landmarks import FacilityName, LandmarkIndex, resolve_landmark

FACILITIES = [
    FacilityName("TESTWTN", "WEST TENNESSEE DETENTION FACILITY", "TN", "47167"),  # Tipton County
    FacilityName("TESTPIE", "PIERCE COUNTY JAIL", "NE", "31139"),  # a Pierce County jail in Nebraska only
    FacilityName("TESTBOW", "BOWIE COUNTY JAIL", "TX", "48201"),  # listed in Harris County, as ICE's list has it
]


@pytest.fixture(scope="module")
def idx():
    return LandmarkIndex(geography(), FACILITIES)


# (landmark, outcome, county FIPS or None, state or None)
CASES = [
    ("VENTURA COUNTY JAIL, VENTURA CA", "resolved", "06111", "CA"),
    ("CAP - WEST TENNESSEE DETENTION FACILITY (MASON) TN STATE", "resolved", "47167", "TN"),  # the facility
    ("HARRIS COUNTY JAIL, HOUSTON, TX", "resolved", "48201", "TX"),  # county name and city agree
    ("MCLENNAN COUNTY JAIL, WACO, TEXAS", "resolved", "48309", "TX"),
    ("TEXAS DEPT OF CRIMINAL JUSTICE, WALKER CO", "resolved", "48471", "TX"),  # a state name before an agency word
    ("N DIST TX DALLAS DIV ELLIS CO P&P AT LARGE", "resolved", "48139", "TX"),  # the state after DIST
    ("BEXAR COUNTY JAIL - TX0150000", "resolved", "48029", "TX"),
    ("HIDALGO COUNTY JAIL - NM0230000", "resolved", "35023", "NM"),  # Hidalgo of NM, by the ORI code's state
    ("YORK COUNTY (SC) JAIL 287G", "resolved", "45091", "SC"),
    ("WASHINGTON COUNTY SHERIFFS OFFICE KANSAS", "resolved", "20201", "KS"),  # Washington the county, Kansas the state
    ("BALTIMORE CITY MD", "resolved", "24510", "MD"),  # the independent city
    ("ORLEANS PARISH, LA", "resolved", "22071", "LA"),
    ("SALT LAKE COUNTY ADULT DETENTION CENTER - UT", "resolved", "49035", "UT"),  # longest name first, not Lake
    ("GWINNETT COUNTY JAIL - 287(G)", "resolved", "13135", "GA"),  # a county name only one state has
    ("DETROIT, MI", "resolved", "26163", "MI"),  # a gazetteer city in one county
    ("FRANKLIN CO. JAIL", "ambiguous", None, None),  # Franklin County: 24 states, none written
    ("DALLAS COUNTY GENERAL AREA", "ambiguous", None, None),
    ("PIERCE COUNTY JAIL", "ambiguous", None, None),  # the registry's Nebraska jail does not pick among five states
    ("ATLANTA, GA", "ambiguous", None, "GA"),  # a city in two counties
    ("BOWIE COUNTY JAIL", "conflict", None, None),  # the name says Bowie, the registry says Harris
    ("US HWY 281 WEST TO BROOKS CO LINE AND JIM HOGG CO LINE", "conflict", None, None),  # two counties
    ("WASHINGTON, COUNTY JAIL, BRENHAM, TX", "conflict", None, None),  # two states read
    ("CAP - GREEN COUNTY JAIL, AL STATE", "conflict", None, "AL"),  # no Green County in Alabama (Greene)
    ("FUGITIVE OPERATIONS NY STATE", "state-only", None, "NY"),
    ("WACO, TEXAS", "state-only", None, "TX"),  # Waco is not in the gazetteer: no guess
    ("HLG GENERAL AREA, NON-SPECIFIC", "no-place", None, None),  # an office code
    ("FRANKLIN CO", "ambiguous", None, None),  # CO after a name is County, not Colorado
    ("DENVER, CO", "resolved", "08031", "CO"),  # after a comma it is Colorado
    ("", "no-place", None, None),
]


@pytest.mark.parametrize("text,outcome,fips,state", CASES)
def test_landmarks(idx, text, outcome, fips, state):
    p = resolve_landmark(text, idx)
    assert (p.outcome, p.county_fips, p.state_code) == (outcome, fips, state), p


def test_ambiguity_lists_every_candidate(idx):
    p = resolve_landmark("HALL COUNTY JAIL - 287(G)", idx)
    assert p.outcome == "ambiguous" and p.candidates == ("13139", "31079", "48191")  # Georgia, Nebraska, Texas
    assert "no state written" in p.note
    pierce = resolve_landmark("PIERCE COUNTY JAIL", idx)
    assert len(pierce.candidates) == 5 and pierce.facility_codes == ("TESTPIE",)


def test_basis_names_every_reading_that_holds_the_county(idx):
    assert resolve_landmark("VENTURA COUNTY JAIL, VENTURA CA", idx).basis == ("county-name", "city")
    p = resolve_landmark("CAP - WEST TENNESSEE DETENTION FACILITY (MASON) TN STATE", idx)
    assert p.basis == ("facility",) and p.facility_codes == ("TESTWTN",)
    assert "readings disagree" in resolve_landmark("BOWIE COUNTY JAIL", idx).note


def test_a_state_written_lets_a_facility_narrow(idx):
    # the same jail name with its state written: the registry's facility and the county agree
    p = resolve_landmark("PIERCE COUNTY JAIL, NE", idx)
    assert p.outcome == "resolved" and p.county_fips == "31139" and p.basis == ("county-name", "facility")
