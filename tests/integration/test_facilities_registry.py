"""The facilities build step on the bundled real lists, the CLI over it, and comparisons with UWCHR's tables."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from iceledger.cli import app
from iceledger.pipeline.ledger import open_ledger

runner = CliRunner()


@pytest.fixture(scope="module")
def built(registry_build):
    return registry_build


@pytest.fixture(scope="module")
def con(built):
    c = open_ledger(built[0])
    yield c
    c.close()


def query(con, sql, params=()):
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def test_row_counts(built):
    rows = built[1].summary["rows"]["facilities"]
    assert rows["ref_facilities"] == 1517
    assert rows["ref_facility_types"] == 15
    assert rows["ref_facility_attributes"] > 35000 and rows["ref_facility_adp"] > 15000


def test_known_facilities(con):
    f = {r["detention_facility_code"]: r for r in query(con, "SELECT * FROM ref_facilities WHERE detention_facility_code "
                                                             "IN ('ADLNTCA', 'CSCNWWA', 'STWRTGA', 'ABTHOLD', 'HAMILTN', 'UCCHIIL')")}
    a = f["ADLNTCA"]
    assert (a["facility_address"], a["facility_city"], a["facility_state_code"], a["facility_zip_code"]) == \
        ("10250 RANCHO ROAD", "ADELANTO", "CA", "92301")
    assert (a["aor_code"], a["facility_type"], a["facility_type_detailed"], a["facility_county_name"]) == ("LOS", "IGSA", "DIGSA", "SAN BERNARDINO")
    assert a["facility_first_use_date"] == dt.date(2011, 8, 29) and a["facility_last_use_fy"] == 2019
    assert a["source_id"] == "ice-facility-lists-2019"  # the newest list names it
    assert f["CSCNWWA"]["detention_facility"] == "TACOMA ICE PROCESSING CENTER (NORTHWEST DET CTR)"
    assert (f["CSCNWWA"]["facility_city"], f["CSCNWWA"]["aor_code"]) == ("TACOMA", "SEA")
    assert f["STWRTGA"]["facility_address"] == "146 CCA ROAD" and f["STWRTGA"]["aor_code"] == "ATL"
    assert f["ABTHOLD"]["is_hold_room"] and not f["ADLNTCA"]["is_hold_room"]
    assert f["HAMILTN"]["facility_state_code"] == "TN" and f["HAMILTN"]["facility_latitude"] is None  # geocoded in Ohio: not used
    assert f["UCCHIIL"]["facility_latitude"] == pytest.approx(41.78877397) and f["UCCHIIL"]["source_id"] == "ddp-facility-locations-2025"


def test_county_fips_resolved_against_the_geography_registry(con, built):
    fips = dict(con.execute("SELECT detention_facility_code, facility_county_fips FROM ref_facilities").fetchall())
    assert (fips["ADLNTCA"], fips["CSCNWWA"], fips["ABRDNWA"]) == ("06071", "53053", "53027")
    assert fips["UMIAHFL"] == "12086"  # ICE writes DADE: read as Miami-Dade by a listed fix
    assert fips["BALHOLD"] is None  # BALTIMORE: the county or the city? not guessed
    assert sum(1 for v in fips.values() if v) == 1422
    f = {x.code: x for x in built[1].findings if x.step == "facilities"}
    assert f["county_name_repaired"].count == 7 and f["county_unresolved"].count == 56
    assert {"state": "MD", "county": "BALTIMORE", "rows": 1, "examples": ["BALHOLD"], "candidates": ["24005", "24510"]} in \
        f["county_unresolved"].detail["examples"]


def test_facilities_named_after_another_county_are_reported_not_changed(con, built):
    f = next(x for x in built[1].findings if x.code == "facility_named_for_another_county")
    assert f.count == 43 and f.severity == "info"
    listed = {e["code"]: e["listed_county"] for e in f.detail["examples"]}
    assert listed.get("BOWCOTX") == "HARRIS"  # ICE's 2017 list: BOWIE COUNTY JAIL (Texarkana), county HARRIS
    assert "ADLNTCA" not in listed
    assert con.execute("SELECT facility_county_fips FROM ref_facilities WHERE detention_facility_code = 'BOWCOTX'").fetchall() == [("48201",)]


def test_every_row_names_its_source(con):
    for t in ("ref_facilities", "ref_facility_attributes", "ref_facility_adp", "ref_facility_types"):
        n = con.execute(f"SELECT count(*) FROM {t} t LEFT JOIN ref_sources s USING (source_id) "
                        f"WHERE s.source_id IS NULL OR t.source_detail IS NULL").fetchall()[0][0]
        assert n == 0, t


def test_one_chosen_value_per_attribute(con):
    n = con.execute("""SELECT count(*) FROM (SELECT detention_facility_code, facility_attribute FROM ref_facility_attributes
        WHERE is_chosen_value AND facility_attribute <> 'listing' GROUP BY ALL HAVING count(*) > 1)""").fetchall()[0][0]
    assert n == 0


def test_build_findings(built):
    codes = Counter(f.code for f in built[1].findings)
    assert codes["facility_without_code"] == 1 and codes["facility_location_conflict"] == 1
    assert not [f for f in built[1].findings if f.severity == "error"]


def test_cli_show_json(built):
    r = runner.invoke(app, ["facilities", "show", "adlntca", "--json", "--home", str(built[0].home)])
    assert r.exit_code == 0, r.output
    env = json.loads(r.output)
    assert env["ok"] and env["data"]["facility"]["aor_code"] == "LOS"
    county = [a for a in env["data"]["attributes"] if a["attribute"] == "county"]
    assert county == [{"attribute": "county", "value": "SAN BERNARDINO", "chosen": True, "rank": 4,
                       "source_id": "ice-facility-list-2017", "source_detail": "sheet 'Facility List - Main', row 19"}]
    assert {s["source_id"] for s in env["data"]["sources"]} >= {"ice-facility-list-2017", "ice-facility-lists-2019"}


def test_cli_show_text_and_unknown_code(built):
    r = runner.invoke(app, ["facilities", "show", "HAMILTN", "--home", str(built[0].home)])
    assert r.exit_code == 0 and "not used: 39.23382548" in r.output
    r = runner.invoke(app, ["facilities", "show", "ADLNTC", "--json", "--home", str(built[0].home)])
    assert r.exit_code == 2
    err = json.loads(r.output)["error"]
    assert err["code"] == "unknown_facility" and "ADLNTCA" in err["fix"]


def test_cli_list_filters(built):
    r = runner.invoke(app, ["facilities", "list", "--state", "wa", "--type", "HOLD", "--json", "--home", str(built[0].home)])
    assert r.exit_code == 0
    assert [x["detention_facility_code"] for x in json.loads(r.output)["data"]] == ["BLHHOLD", "SEAHOLD", "YAKHOLD"]
    r = runner.invoke(app, ["facilities", "list", "--aor", "SEA", "--json", "--home", str(built[0].home)])
    assert json.loads(r.output)["meta"]["count"] == 74


# --- oracles: UWCHR's facility tables (test-only data, licence does not allow bundling) -----------------------

def us_date(text):
    if text in ("", "NA"):
        return None
    m, d, y = text.split("/")
    return dt.date(int(y), int(m), int(d))


def test_compare_with_uwchr_facilities(con, testonly):
    theirs = {r["detloc"]: r for r in csv.DictReader((testonly / "uwchr-facilities.psv").open(), delimiter="|")}
    ours = {r["detention_facility_code"]: r for r in query(con, "SELECT * FROM ref_facilities")}
    assert len(theirs) == 1532
    only_ours = set(ours) - set(theirs)
    assert len(only_ours) == 28 and {ours[c]["source_id"] for c in only_ours} == {"ddp-facility-locations-2025"}
    assert len(set(theirs) - set(ours)) == 43  # codes UWCHR took from lists not bundled here
    diffs: dict[str, list] = {}
    for code in sorted(set(ours) & set(theirs)):
        o, t = ours[code], theirs[code]
        pairs = {"aor": (o["aor_code"], t["aor"]), "first_use": (o["facility_first_use_date"], us_date(t["date_of_first_use"])),
                 "last_use": (o["facility_last_use_date"], us_date(t["date_of_last_use"])),
                 "county": (o["facility_county_name"], t["county"].strip() or None), "state": (o["facility_state_code"], t["state"]),
                 "type_detailed": (o["facility_type_detailed"], t["type_detailed"].upper())}
        for name, (ov, tv) in pairs.items():
            if tv in ("NA",):
                tv = None
            if ov != tv:
                diffs.setdefault(name, []).append((code, ov, tv))
    print("disagreements with uwchr-facilities.psv:", json.dumps(diffs, default=str, indent=1))
    # Dates of use and counties come from the same 2017 list: they agree wherever we have a value.
    assert "first_use" not in diffs and "last_use" not in diffs
    assert all(ov is None for _, ov, _ in diffs["county"])  # codes not on the 2017 list; UWCHR had other sources
    # ICE's 2019 non-dedicated list puts San Luis (AZ) under San Diego; the 2017 list (and UWCHR) under Phoenix.
    assert diffs["aor"] == [("SLRDCAZ", "SND", "PHO"), ("TNGLPOE", None, "ELP")]
    assert len(diffs["type_detailed"]) == 13  # newer ICE lists re-typed facilities (e.g. RONKEVA IGSA -> USMS IGA)


def test_compare_with_uwchr_detloc_aor(con, testonly):
    names = {r["name"]: r["code"] for r in csv.DictReader(open(__import__("iceledger").metadata.model.METADATA_DIR / "codes" / "aor.csv"))}
    ours = dict(con.execute("SELECT detention_facility_code, aor_code FROM ref_facilities").fetchall())
    kinds, other = Counter(), []
    for r in csv.DictReader((testonly / "uwchr-detloc_aor.csv").open()):
        code, text = r["detention_facility_code"], r["area_of_responsibility"]
        theirs = None if text == "NA" else names[text.removesuffix(" Area of Responsibility")]
        if code not in ours:
            kinds["code not in our sources"] += 1
        elif theirs is None:
            kinds["no AOR in UWCHR"] += 1
        elif ours[code] == theirs:
            kinds["agree"] += 1
        elif theirs == "HAR":
            kinds["Harlingen (created after our lists)"] += 1
        elif (ours[code], theirs) == ("BUF", "NYC"):
            kinds["upstate NY: Buffalo in ICE's lists, New York City in UWCHR"] += 1
        else:
            other.append((code, ours[code], theirs))
    print("detloc_aor comparison:", dict(kinds), other)
    assert kinds["agree"] == 680 and kinds["code not in our sources"] == 317
    # Facilities ICE's 2017/2019 lists assign to a different office than UWCHR's later table:
    assert other == [("BARRECA", "SND", "LOS"), ("BELCOTX", "SNA", "HOU"), ("CONCOCA", "SFR", "LOS"), ("FREESTX", "SNA", "HOU"),
                     ("HOUGTTX", None, "HOU"), ("JHRWLTX", "SNA", "HOU"), ("LIMESTX", "SNA", "HOU"), ("MCCLETX", "SNA", "HOU"),
                     ("MONMONJ", "NYC", "NEW"), ("RIVERCA", "LOS", "SFR"), ("STCROWI", "SPM", "CHI"), ("STK", "SFR", "SND"),
                     ("SUSSENJ", "NYC", "NEW"), ("VICTOTX", "HOU", "SNA"), ("WCTHOLD", "SNA", "HOU")]
