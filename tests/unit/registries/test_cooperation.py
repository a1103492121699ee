"""Cooperation over time: DHS's 2025 list read from its PDF and matched, the timeline table, and a county's status on a day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from iceledger.errors import NotFoundError
from iceledger.sources.cooperation.status import county_for_text, county_status
from iceledger.sources.designations.dhs_pdf import read_entries
from iceledger.sources.geography.registry import geography

DHS = "dhs-2025-05-29-sanctuary-list"


def test_dhs_list_entries_and_how_each_matched(con):
    by = dict(con.execute("SELECT match_status, count(*) FROM ref_policy_designations WHERE designation_list_id = ? GROUP BY 1",
                          [DHS]).fetchall())
    assert by == {"ground": 15, "matched": 585, "repaired": 4, "unmatched": 1}
    levels = dict(con.execute("SELECT listed_level, count(*) FROM ref_policy_designations WHERE designation_list_id = ? "
                              "AND match_status <> 'ground' GROUP BY 1", [DHS]).fetchall())
    assert levels == {"county": 391, "city": 199}
    states = {r[0] for r in con.execute("SELECT state_code FROM ref_policy_designations WHERE designation_list_id = ? "
                                        "AND match_status = 'ground'", [DHS]).fetchall()}
    assert states == {"CA", "CO", "CT", "DE", "DC", "IL", "MD", "MA", "MN", "NJ", "NY", "OR", "RI", "VT", "WA"}


def test_kansas_swapped_headings_are_read_through_listed_rules_and_reported(con, built):
    rows = {r[0]: r[1:] for r in con.execute("""SELECT listed_name, listed_level, matched_level, county_fips_codes, match_status
        FROM ref_policy_designations WHERE designation_list_id = ? AND state_code = 'KS'""", [DHS]).fetchall()}
    assert rows == {"Lawrence": ("county", "city", ["20045"], "repaired"), "Douglas County": ("city", "county", ["20045"], "repaired")}
    f = {x.code: x for x in built[1]["policies"].findings}
    assert {e["entry"] for e in f["dhs_entry_repaired"].detail["examples"]} == {
        "Lawrence", "Douglas County", "Athens-Clarke County", "New Orleans/Orleans (Parish)"}
    assert [e["entry"] for e in f["dhs_entry_unmatched"].detail["examples"]] == ["Represa"]
    assert f["dhs_entry_repeated"].detail["examples"][0]["entry"] == "Nicollet County"  # the page break prints it twice


DATA_DIR = Path(__file__).resolve().parents[3] / "data"


def test_pdf_reading_keeps_ligatures_in_order(data_dir=DATA_DIR):
    names = {s.name for s in geography().states.values()}
    entries = read_entries(data_dir / "policies/dhs/dhs-sanctuary-jurisdictions-2025-05-29.pdf", "x", names)
    texts = {(e.state_name, e.text) for e in entries}
    assert ("Colorado", "Chaffee County") in texts and ("Washington", "Jefferson County") in texts  # "ff" drawn as one glyph
    assert [e.text for e in entries if e.state_name == "Minnesota" and e.heading == "county"].count("Nicollet County") == 2


def test_dhs_list_records_its_withdrawal(fetch):
    lst = fetch("SELECT designation_date, designation_withdrawn_date, designation_withdrawn_precision, designated_by "
                "FROM ref_designation_lists WHERE designation_list_id = ?", [DHS])[0]
    assert lst == {"designation_date": dt.date(2025, 5, 29), "designation_withdrawn_date": dt.date(2025, 6, 1),
                   "designation_withdrawn_precision": "month", "designated_by": "DHS"}


def test_timeline_kinds_and_287g_runs(con):
    kinds = dict(con.execute("SELECT cooperation_kind, count(*) FROM ref_place_cooperation GROUP BY 1").fetchall())
    assert set(kinds) == {"designation", "g287_agreement", "local_policy", "state_law"}
    assert kinds["state_law"] == 9 and kinds["local_policy"] == 5
    cobb = con.execute("SELECT county_fips, from_date, to_date, until_date FROM ref_place_cooperation WHERE cooperation_kind = "
                       "'g287_agreement' AND party_name = 'Cobb County Sheriff''s Office'").fetchall()
    assert cobb == [("13067", dt.date(2021, 1, 13), dt.date(2021, 1, 13), dt.date(2022, 1, 4))]  # gone by the January 2022 list
    assert con.execute("SELECT count(*) FROM ref_place_cooperation WHERE from_date IS NULL OR source_url IS NULL").fetchall()[0][0] == 0
    # a state-wide fact has no county; every other fact has one
    assert con.execute("SELECT count(*) FROM ref_place_cooperation WHERE (county_fips IS NULL) <> (place_level = 'state')"
                       ).fetchall()[0][0] == 0


def test_harris_county_texas_on_2025_06_01(con):
    s = county_status(con, "48201", dt.date(2025, 6, 1))
    assert s["county_name"] == "Harris County" and s["state_code"] == "TX"
    assert s["detainers"]["answer"] == "must_honour_detainers" and "Senate Bill 4" in s["detainers"]["text"]
    assert s["g287"]["answer"] == "no" and s["g287"]["lists"]["list_on_day"] == dt.date(2025, 5, 29).isoformat()
    assert s["designations"]["answer"] == "not_listed"


def test_a_county_with_nothing_recorded_says_no_recorded_policy(con):
    s = county_status(con, "01001", dt.date(2019, 6, 1))  # Autauga County, Alabama, before ICE's lists held here
    assert s["detainers"]["answer"] == "no_recorded_policy" and s["g287"]["answer"] == "unknown"
    assert s["designations"]["answer"] == "not_listed" and s["timeline"] == []


def test_287g_agreement_on_and_off_the_lists(con):
    assert county_status(con, "13067", dt.date(2021, 6, 1))["g287"]["answer"] == "yes"  # Cobb County, GA
    later = county_status(con, "13067", dt.date(2022, 6, 1))["g287"]
    assert later["answer"] == "no" and "last listed 2021-01-13" in later["text"]


def test_state_law_binds_every_county_and_city_policies_show_in_their_county(con):
    for fips in ("06075", "06001", "06105"):  # San Francisco, Alameda, Trinity
        s = county_status(con, fips, dt.date(2019, 1, 1))
        assert s["detainers"]["answer"] == "limits_detainers" and "Senate Bill 54" in s["detainers"]["text"]
    assert county_status(con, "06075", dt.date(2017, 12, 31))["detainers"]["text"].count("Senate Bill 54") == 0
    ithaca = county_status(con, "36109", dt.date(2017, 6, 1))  # Tompkins County, NY: the city of Ithaca's policy
    assert ithaca["detainers"]["answer"] == "limits_detainers" and ithaca["detainers"]["facts"][0]["scope"] == "a city in it"


@pytest.mark.parametrize("text,fips", [("Harris County, TX", "48201"), ("Brooklyn", "36047"), ("48201", "48201"),
                                       ("Washington, D.C.", "11001"), ("Doña Ana", "35013")])
def test_place_text_to_one_county(text, fips):
    assert county_for_text(text)[0] == fips


def test_place_text_naming_several_counties_is_refused_with_the_candidates():
    with pytest.raises(NotFoundError) as exc:
        county_for_text("St. Louis")
    assert exc.value.code == "not_one_county" and "St. Louis County, MN" in exc.value.message
