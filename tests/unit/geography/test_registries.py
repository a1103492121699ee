"""The bundled geography files parse with the expected row counts and real values."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from iceledger.errors import InputError
from iceledger.settings import DATA_DIR
from iceledger.sources.geography.aors import aor_code_for_name, read_aor_list, read_county_statements, read_field_offices
from iceledger.sources.geography.atlas import COUNTIES_CSV, derive_counties, read_topology
from iceledger.sources.geography.bundled_geo import geography


@pytest.fixture(scope="module")
def geo():
    return geography()


def test_counties_csv_is_a_fresh_derivation_of_the_vendored_map():
    with (DATA_DIR / COUNTIES_CSV).open(newline="") as fh:
        assert list(csv.DictReader(fh)) == derive_counties(DATA_DIR)


def test_us_atlas_layers():
    counties = read_topology(DATA_DIR / "vendor/us-atlas/counties-10m.json", "counties")
    states = read_topology(DATA_DIR / "vendor/us-atlas/states-10m.json", "states")
    assert len(counties) == 3231 and len(states) == 56
    assert {u.fips: u.name for u in counties}["17031"] == "Cook"


def test_bad_topojson_names_the_file(tmp_path: Path):
    bad = tmp_path / "c.json"
    bad.write_text('{"objects": {"counties": {"geometries": [{"id": "1703", "properties": {"name": "Cook"}}]}}}')
    with pytest.raises(InputError) as e:
        read_topology(bad, "counties")
    assert e.value.code == "bad_topojson_unit" and e.value.location.file == str(bad) and e.value.location.row == 0


def test_states_and_counties(geo):
    assert len(geo.states) == 56
    assert geo.state_by_code("OR").ap_abbreviation == "Ore."
    assert len(geo.counties) == 3231 + 14  # map + county-equivalents created or retired since FY2012
    names = {f: geo.counties[f].full_name for f in ("17031", "22071", "24510", "24005", "02020", "51760", "09110", "11001")}
    assert names == {"17031": "Cook County", "22071": "Orleans Parish", "24510": "Baltimore city",
                     "24005": "Baltimore County", "02020": "Anchorage Municipality", "51760": "Richmond city",
                     "09110": "Capitol Planning Region", "11001": "District of Columbia"}
    assert len(geo.counties_of_state("09")) == 9  # planning regions today
    assert len(geo.counties_of_state("09", dt.date(2020, 1, 1))) == 8  # legacy counties then
    assert geo.counties["02261"].successors == ("02063", "02066") and not geo.counties["02063"].has_map_shape


def test_aor_list_quirky_quoting_parses():
    rows = read_aor_list(DATA_DIR / "reference/ice-areas-of-responsibility.csv")
    assert len(rows) == 426
    assert rows[0].aor_code == "ATL" and rows[0].state_name == "Georgia" and rows[0].county_name == ""
    assert {r.aor_code for r in rows} == {c for c in geography().aors if c != "HQ"}


def test_unknown_office_name_is_an_error_naming_the_line(tmp_path: Path):
    p = tmp_path / "aors.csv"
    p.write_text('"office_name", "state_name", "county_name", "notes"\n"Atlanta", "Georgia", "", ""\n"Gotham", "New York", "", ""\n')
    with pytest.raises(InputError) as e:
        read_aor_list(p)
    assert e.value.code == "unknown_aor_name" and e.value.location.row == 3 and "aor.csv" in e.value.fix


@pytest.mark.parametrize("name,code", [("St Paul", "SPM"), ("St. Paul", "SPM"), ("New York City", "NYC"),
                                       ("Harlingen Field Office", "HAR"), ("San Antonio", "SNA"), ("Gotham", None)])
def test_office_names_map_to_ledger_codes(name, code):
    assert aor_code_for_name(name) == code


def test_field_offices(geo):
    offices = read_field_offices(DATA_DIR / "reference/ice-offices.xlsx")
    assert len(offices) == 25
    har = geo.aors["HAR"].office
    assert (har.address, har.city, har.zip) == ("1717 Zoy Street", "Harlingen", "78552")
    assert har.latitude == pytest.approx(26.1776479) and har.longitude == pytest.approx(-97.714091)
    assert geo.aors["MIA"].office.city == "Miramar"  # ice.gov's Miami ERO address, listed as the Miramar office
    assert geo.aors["HQ"].office is None and not geo.aors["HQ"].is_geographic


@pytest.mark.parametrize("fips,aor", [("48201", "HOU"), ("06073", "SND"), ("06037", "LOS"), ("36119", "NYC"),
                                      ("36029", "BUF"), ("48141", "ELP"), ("48061", "HAR"), ("17031", "CHI"),
                                      ("06085", "SFR"), ("11001", "WAS"), ("72127", "MIA"), ("66010", "SFR"),
                                      ("09003", "BOS"), ("09110", "BOS"), ("46113", "SPM"), ("02063", "SEA")])
def test_county_aor_today(geo, fips, aor):
    assert geo.aors_for_county(fips) == ((aor,), True)


def test_every_county_has_one_current_row_except_american_samoa(geo):
    current = {}
    for r in geo.county_aor:
        if r.is_current:
            assert r.county_fips not in current, r
            current[r.county_fips] = r
    assert set(geo.counties) - set(current) == {"60010", "60020", "60050"} == set(geo.unmapped_counties)


def test_harlingen_periods(geo):
    har = sorted(r.county_fips for r in geo.county_aor if r.aor_code == "HAR")
    assert len(har) == 15
    before = {r.county_fips: r for r in geo.county_aor if r.period == "before-harlingen"}
    assert sorted(before) == har
    assert before["48061"].aor_code == "SNA" and before["48355"].aor_code == "HOU"
    # settled by ICE's arrest records (Brooks against ICE's facility list, which said SNA)
    assert {f: before[f].aor_code for f in ("48047", "48007", "48409", "48427")} == {
        "48047": "HOU", "48007": "HOU", "48409": "HOU", "48427": "SNA"}
    assert sum(1 for r in before.values() if r.aor_code is None) == 6
    assert not geo.periods["since-harlingen"].is_date_established
    assert geo.periods["before-harlingen"].replaced_by == "since-harlingen"
    # before the last evidence of the old arrangement, after the first of the new, and the unknown gap between
    assert geo.aors_for_county("48061", dt.date(2021, 4, 1)) == (("SNA",), True)
    assert geo.aors_for_county("48061", dt.date(2022, 10, 20)) == (("HAR",), True)
    assert geo.aors_for_county("48061", dt.date(2022, 1, 1)) == (("HAR", "SNA"), False)
    assert geo.aors_for_county("48131", dt.date(2019, 1, 1)) == (("HOU", "SNA"), False)


def test_periods_from_records(geo):
    """A period known from ICE's records holds until its successor is attested, which for today's undated list
    is never: after the records' last day both arrangements' AORs are given, and today the list's."""
    mclennan = {r.period: r for r in geo.aor_rows("48309")}
    assert set(mclennan) == {"central-texas-records", "central-texas-list"}
    assert mclennan["central-texas-records"].basis == "arrest-records" and not mclennan["central-texas-records"].is_current
    assert mclennan["central-texas-list"].is_current and mclennan["central-texas-list"].aor_code == "HOU"
    assert geo.aors_for_county("48309", dt.date(2018, 1, 1)) == (("SNA",), True)
    assert geo.aors_for_county("48309", dt.date(2019, 8, 31)) == (("SNA",), True)
    assert geo.aors_for_county("48309", dt.date(2019, 9, 1)) == (("HOU", "SNA"), False)
    assert geo.aors_for_county("48309") == (("HOU",), True)
    assert geo.aors_for_county("48193", dt.date(2018, 1, 1)) == (("HOU", "SNA"), False)  # Hamilton: too few records
    assert geo.aors_for_county("12033", dt.date(2018, 1, 1)) == (("MIA", "NOL"), False)  # records and list disagree
    assert geo.aors_for_county("12033") == (("MIA",), True)
    assert geo.aor_timeline("48309") == [(None, dt.date(2019, 9, 1), ("SNA",), True),
                                         (dt.date(2019, 9, 1), None, ("HOU", "SNA"), False)]
    assert geo.aor_timeline("53033") == [(None, None, ("SEA",), True)]


def test_ice_county_statements_read():
    st = {s.aor_code: s.county_count for s in read_county_statements(DATA_DIR / "reference/ice-offices.xlsx")}
    assert st == {"HAR": 15, "HOU": 54, "SNA": 36}


def test_places(geo):
    assert len(geo.places) == 249
    nyc = next(p for p in geo.places if p.name == "New York City")
    assert nyc.county_fips == ("36005", "36047", "36061", "36081", "36085")
    for p in geo.places:
        for f in p.county_fips:
            assert geo.counties[f].state_fips == geo.state_by_code(p.state_code).fips, (p.name, f)
