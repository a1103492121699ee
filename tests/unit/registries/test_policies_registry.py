"""Jurisdictions, policies and designations: the DOJ list's counts, designations kept apart from policies, AOR codes checked."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from iceledger.metadata import code_list
from iceledger.sources.geography.aors import aor_code_for_name
from iceledger.sources.place_check import PlaceText, check_place_texts
from iceledger.sources.policies import query_policies


def test_doj_2025_list_has_13_state_level_entries_4_counties_and_18_cities(con):
    counts = dict(con.execute("SELECT listed_level, count(*) FROM ref_policy_designations "
                              "WHERE designation_list_id = 'doj-2025-08-05-sanctuary-list' GROUP BY 1").fetchall())
    assert counts == {"state": 13, "county": 4, "city": 18}
    figures = dict(con.execute("SELECT figure_id, figure_value FROM ref_official_figures WHERE figure_id LIKE 'doj-2025-08-05-listed-%'").fetchall())
    assert figures == {"doj-2025-08-05-listed-states": 13, "doj-2025-08-05-listed-counties": 4, "doj-2025-08-05-listed-cities": 18}


def test_san_francisco_is_listed_twice_but_is_one_jurisdiction(fetch):
    sf = fetch("SELECT listed_name, listed_level, jurisdiction_id FROM ref_policy_designations "
                   "WHERE designation_list_id = 'doj-2025-08-05-sanctuary-list' AND listed_name LIKE 'San Francisco%' ORDER BY 1")
    assert [(r["listed_name"], r["listed_level"]) for r in sf] == [("San Francisco City, CA", "city"), ("San Francisco County, CA", "county")]
    assert {r["jurisdiction_id"] for r in sf} == {"ca-san-francisco"}


def test_every_row_names_its_source(con):
    for table in ("ref_jurisdictions", "ref_policies", "ref_designation_lists", "ref_policy_designations"):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE source_id IS NULL OR source_detail IS NULL").fetchall()[0][0] == 0
    for table in ("ref_policies", "ref_designation_lists", "ref_policy_designations"):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE source_url IS NULL").fetchall()[0][0] == 0


def test_designations_are_not_turned_into_policies(con):
    # Every policy row comes from a description of the policy (ICE's DDOR table, a state's statute), never from a listing.
    listings = {r[0] for r in con.execute("SELECT DISTINCT source_url FROM ref_policy_designations").fetchall()}
    policies = {r[0] for r in con.execute("SELECT DISTINCT source_url FROM ref_policies").fetchall()}
    assert policies & listings == {"http://nationalpoliceassociation.com/enforcement.php"}  # the DDOR table describes policies too
    assert con.execute("SELECT count(*) FROM ref_policies WHERE source_url IN (SELECT source_url FROM ref_designation_lists "
                       "WHERE designation_kind = 'sanctuary_list')").fetchall()[0][0] == 0
    berkeley = [j for j in query_policies(con, state="CA") if j["jurisdiction_id"] == "ca-berkeley"][0]
    assert berkeley["policies"] == [] and berkeley["policy_known"] is False
    assert "unknown" in berkeley["policy_note"]
    assert [d["designated_by"] for d in berkeley["designations"]] == ["DOJ"]


def test_ddor_section_iii_policies(con, fetch):
    kinds = {(r["jurisdiction_id"], r["policy_kind"]) for r in fetch("SELECT jurisdiction_id, policy_kind FROM ref_policies "
                                                                      "WHERE source_url LIKE '%nationalpoliceassociation%'")}
    assert kinds == {("ny-ithaca", "listed_offences_only"), ("tx-travis-county", "judicial_warrant_required"),
                     ("tx-travis-county", "listed_offences_only"), ("ia-iowa-city", "notification_only"), ("co-boulder-county", "unknown")}
    assert con.execute("SELECT DISTINCT effective_from_precision FROM ref_policies WHERE source_url LIKE '%nationalpoliceassociation%'"
                       ).fetchall() == [("month",)]


def test_state_laws_cite_the_statute_with_its_effective_date(fetch):
    laws = {r["policy_id"]: r for r in fetch("SELECT * FROM ref_policies WHERE policy_kind IN ('state_law', 'state_directive', "
                                             "'anti_sanctuary_mandate')")}
    assert sorted(laws) == ["ca-2014-01-01-trust-act", "ca-2018-01-01-values-act", "co-2019-05-28-hb19-1124", "fl-2019-07-01-sb168",
                            "il-2017-08-28-trust-act", "nj-2019-03-15-immigrant-trust-directive", "or-1987-ors-181a-820",
                            "tx-2017-09-01-sb4", "wa-2019-05-21-keep-washington-working"]
    assert laws["ca-2018-01-01-values-act"]["effective_from_date"] == dt.date(2018, 1, 1)
    assert "Senate Bill 54" in laws["ca-2018-01-01-values-act"]["policy_instrument"]
    assert laws["or-1987-ors-181a-820"]["effective_from_precision"] == "year"  # only the year of enactment is recorded
    assert all(r["citation_kind"] == "state_statute" and r["source_url"].startswith("https://") for r in laws.values())
    assert {r["jurisdiction_id"] for r in laws.values()} == {"ca", "co", "fl", "il", "nj", "or", "tx", "wa"}


def test_safe_city_designations_are_the_operations_places(con):
    designated = {r[0] for r in con.execute("SELECT jurisdiction_id FROM ref_policy_designations "
                                            "WHERE designation_list_id = 'ice-2017-09-28-safe-city'").fetchall()}
    places = {r[0] for r in con.execute("SELECT jurisdiction_id FROM ref_operation_places WHERE operation_slug = 'safe-city-2017'").fetchall()}
    assert designated == places and len(designated) == 10


def test_every_aor_code_is_in_the_aor_code_list(con):
    known = set(code_list("aor").values) - {"HQ"}
    for table in ("ref_jurisdictions", "ref_official_figures", "ref_operation_places"):
        used = {r[0] for r in con.execute(f"SELECT DISTINCT aor_code FROM {table} WHERE aor_code IS NOT NULL").fetchall()}
        assert used <= known, (table, used - known)


def test_aor_given_in_the_ddor_listing_agrees(con, built):
    assert not [f for f in built[1]["policies"].findings if f.code == "listed_aor_differs"]
    for listed, ours in con.execute("SELECT d.listed_name, j.aor_code FROM ref_policy_designations d JOIN ref_jurisdictions j "
                                    "USING (jurisdiction_id) WHERE designation_list_id LIKE 'ice-ddor%'").fetchall():
        assert aor_code_for_name(listed.rsplit("(", 1)[1].rstrip(")")) == ours


# Real data oracles: the CC0 AOR-by-state list (bundleable) and UWCHR's county crosswalk (tests only).
OFFICE_CODE = {"St Paul": "SPM"}

COUNTY_OF = {  # jurisdiction → a county it lies in (FIPS), for checking AOR codes against the county crosswalk
    "md-baltimore-county": "24005", "il-cook-county": "17031", "ca-san-diego-county": "06073", "ca-santa-clara-county": "06085",
    "tx-travis-county": "48453", "co-boulder-county": "08013", "ca-san-francisco": "06075", "co-denver": "08031",
    "pa-philadelphia": "42101", "la-new-orleans": "22071", "nm-albuquerque": "35001", "ca-berkeley": "06001", "ma-boston": "25025",
    "il-chicago": "17031", "mi-east-lansing": "26065", "nj-hoboken": "34017", "nj-jersey-city": "34017", "ca-los-angeles": "06037",
    "ny-new-york-city": "36061", "nj-newark": "34013", "nj-paterson": "34031", "or-portland": "41051", "ny-rochester": "36055",
    "wa-seattle": "53033", "ny-ithaca": "36109", "ia-iowa-city": "19103", "md-baltimore-area": "24510",
    "ca-los-angeles-area": "06037", "ny-new-york-area": "36061", "dc": "11001",
}


def test_state_aor_codes_match_the_cc0_aor_list(con, shared_data):
    offices: dict[str, set] = {}
    with (shared_data / "reference" / "ice-areas-of-responsibility.csv").open(newline="") as fh:
        for row in csv.DictReader(fh, skipinitialspace=True):
            offices.setdefault(row["state_name"], set()).add(aor_code_for_name(row["office_name"]) or OFFICE_CODE[row["office_name"]])
    for jid, state, aor in con.execute("SELECT j.jurisdiction_id, s.state_name, j.aor_code FROM ref_jurisdictions j "
                                       "JOIN ref_states s USING (state_code) WHERE j.place_level = 'state'").fetchall():
        expected = offices[state]
        assert (aor is None) == (len(expected) > 1), jid
        if aor:
            assert {aor} == expected, jid


def test_county_and_city_aor_codes_match_the_uwchr_county_crosswalk(con, testonly):
    with (testonly / "uwchr-county_aor.csv").open(newline="") as fh:
        crosswalk = {r["geoid"]: r["aor"] for r in csv.DictReader(fh)}
    ours = dict(con.execute("SELECT jurisdiction_id, aor_code FROM ref_jurisdictions").fetchall())
    assert set(COUNTY_OF) <= set(ours)
    disagreements = {jid: (ours[jid], crosswalk[fips]) for jid, fips in COUNTY_OF.items() if ours[jid] != crosswalk[fips]}
    assert disagreements == {}
    # Every county- and city-level jurisdiction is covered by the check above.
    assert {j for j, in con.execute("SELECT jurisdiction_id FROM ref_jurisdictions WHERE place_level IN ('county', 'city')").fetchall()} <= set(COUNTY_OF)


@pytest.mark.parametrize("name,code", [("Buffalo", "BUF"), ("San Antonio", "SNA"), ("Saint Paul", "SPM"), ("Denver", "DEN"), ("Nowhere", None)])
def test_aor_names_as_ice_writes_them(name, code):
    assert aor_code_for_name(name) == code


def test_hand_written_aor_codes_agree_with_the_place_resolver(built):
    findings = built[1]["policies"].findings + built[1]["operations"].findings
    assert not [f for f in findings if f.code in ("resolver_aor_differs", "listed_aor_differs")]
    designations = [f.detail for f in built[1]["policies"].findings if f.code == "place_texts_checked"][0]
    places = [f.detail for f in built[1]["operations"].findings if f.code == "place_texts_checked"][0]
    assert designations["agree"] >= 45 and designations["not_resolved"] == []
    assert places["agree"] >= 20 and places["not_resolved"] == ["Twin Cities"]


def test_a_wrong_hand_written_aor_code_is_reported():
    found = check_place_texts([PlaceText("a", "Cook County, Illinois", "LOS", dt.date(2017, 9, 27)),
                               PlaceText("b", "Ithaca, New York (Buffalo)", "NYC", dt.date(2017, 3, 20)),
                               PlaceText("c", "Portland, Ore.", "SEA", dt.date(2017, 9, 27))])
    assert [f.code for f in found] == ["resolver_aor_differs", "listed_aor_differs", "place_texts_checked"]
    assert found[-1].detail["agree"] == 1
