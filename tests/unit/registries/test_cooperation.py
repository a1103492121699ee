"""Cooperation over time: DHS's 2025 list read from its PDF and matched, the timeline table, and a county's status on a day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from iceledger.errors import NotFoundError
from iceledger.sources.cooperation.english import describe
from iceledger.sources.cooperation.place_status import county_for_text, county_status, place_status
from iceledger.sources.designations.dhs_pdf import read_entries
from iceledger.sources.geography.bundled_geo import geography

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
    s = describe(county_status(con, "48201", dt.date(2025, 6, 1)))
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
    later = describe(county_status(con, "13067", dt.date(2022, 6, 1)))["g287"]
    assert later["answer"] == "no" and "last listed 2021-01-13" in later["text"]


def test_state_law_binds_every_county_and_city_policies_show_in_their_county(con):
    for fips in ("06075", "06001", "06105"):  # San Francisco, Alameda, Trinity
        s = describe(county_status(con, fips, dt.date(2019, 1, 1)))
        assert s["detainers"]["answer"] == "limits_detainers" and "Senate Bill 54" in s["detainers"]["text"]
    assert describe(county_status(con, "06075", dt.date(2017, 12, 31)))["detainers"]["text"].count("Senate Bill 54") == 0
    ithaca = describe(county_status(con, "36109", dt.date(2017, 6, 1)))  # Tompkins County, NY: the city of Ithaca's policy
    assert ithaca["detainers"]["answer"] == "limits_detainers" and ithaca["detainers"]["facts"][0]["place_level"] == "city"
    assert "Ithaca (a city in it), Municipal Code Change: Will only honor" in ithaca["detainers"]["text"]


@pytest.mark.parametrize("text,fips", [("Harris County, TX", "48201"), ("Brooklyn", "36047"), ("48201", "48201"),
                                       ("Washington, D.C.", "11001"), ("Doña Ana", "35013")])
def test_place_text_to_one_county(text, fips):
    assert county_for_text(text)[0] == fips


def test_place_text_naming_several_counties_is_refused_with_the_candidates():
    with pytest.raises(NotFoundError) as exc:
        county_for_text("St. Louis")
    assert exc.value.code == "not_one_county" and "St. Louis County, MN" in exc.value.message


def test_the_status_itself_is_language_free(con):
    """Codes, dates, counts and the sources' own words only: the sentences are english.describe's, added after."""
    def keys(x):
        if isinstance(x, dict):
            return set(x) | {k for v in x.values() for k in keys(v)}
        return {k for v in x for k in keys(v)} if isinstance(x, list) else set()

    for level, code in (("county", "48201"), ("state", "TX"), ("aor", "CHI")):
        s = place_status(con, level, code, dt.date(2025, 6, 1))
        assert keys(s) & {"text", "label", "note", "scope", "cooperation_summary", "date_note"} == set()
        assert {"text", "label"} <= keys(describe(s))


def test_a_287g_agreement_first_listed_in_2025_changes_the_answer(con):
    """Carroll County, MD: its sheriff's office first appears on ICE's list of 2025-05-16."""
    before = county_status(con, "24013", dt.date(2025, 5, 1))["g287"]
    after = county_status(con, "24013", dt.date(2025, 6, 1))["g287"]
    assert (before["answer"], before["lists"]["list_on_day"]) == ("no", "2025-02-19")
    assert (after["answer"], after["lists"]["list_on_day"]) == ("yes", "2025-05-29")
    agency = [f for f in after["facts"] if f["place_level"] != "state"]
    assert [(f["party_name"], f["cooperation_code"], f["from_date"]) for f in agency] == [
        ("Carroll County Sheriff’s Office", "WSO", "2025-05-16")]
    assert [f["party_name"] for f in before["earlier_or_later"]] == ["Carroll County Sheriff’s Office"]  # later, not yet


def test_a_state_answers_for_itself_and_counts_its_counties_answers(con):
    on = dt.date(2025, 6, 1)
    tx = place_status(con, "state", "TX", on)
    assert (tx["name"], len(tx["counties"])) == ("Texas", 254)
    assert tx["detainers"]["answer"] == "must_honour_detainers"
    assert tx["detainers"]["counties"] == {"must_honour_detainers": 253, "limits_detainers": 1}  # Travis County's own policy
    with_agency = {r[0] for r in con.execute(
        "SELECT DISTINCT county_fips FROM ref_place_cooperation WHERE cooperation_kind = 'g287_agreement' AND state_code = 'TX' "
        "AND county_fips IS NOT NULL AND from_date <= ? AND (until_date IS NULL OR ? < until_date)", [on, on]).fetchall()}
    assert tx["g287"]["answer"] == "yes" and tx["g287"]["counties"] == {"yes": len(with_agency), "no": 254 - len(with_agency)}
    assert {c["county_fips"] for c in tx["counties"] if c["g287"] == "yes"} == with_agency
    harris = next(c for c in tx["counties"] if c["county_fips"] == "48201")
    alone = county_status(con, "48201", on)
    assert {p: harris[p] for p in ("detainers", "g287", "designations")} == {p: alone[p]["answer"] for p in ("detainers", "g287", "designations")}
    ca = place_status(con, "state", "CA", dt.date(2025, 6, 15))  # DHS's list names California until June 2025 ends
    assert ca["detainers"]["answer"] == "limits_detainers" and ca["detainers"]["counties"] == {"limits_detainers": 58}
    assert ca["designations"]["answer"] == "listed" and ca["designations"]["counties"] == {"listed": 58}
    assert place_status(con, "state", "CA", dt.date(2025, 7, 15))["designations"]["answer"] == "listed_then_withdrawn"


def test_an_aor_counts_the_counties_it_has_on_the_day(con):
    chi = place_status(con, "aor", "CHI", dt.date(2025, 6, 1))
    assert chi["states"] == ["IL", "IN", "KS", "KY", "MO", "WI"] and chi["detainers"]["answer"] is None
    illinois = sum(c["state_code"] == "IL" for c in chi["counties"])
    assert illinois == 102 and chi["detainers"]["counties"]["limits_detainers"] == illinois  # the Illinois TRUST Act
    assert sum(chi["g287"]["counties"].values()) == len(chi["counties"])
    assert place_status(con, "aor", "HAR", dt.date(2019, 6, 1))["counties"] == []  # before the Harlingen office
    assert len(place_status(con, "aor", "HAR", dt.date(2023, 6, 1))["counties"]) == 15
    with pytest.raises(NotFoundError):
        place_status(con, "aor", "XYZ", dt.date(2025, 6, 1))
