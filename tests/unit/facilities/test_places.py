"""County and state resolution against the geography registry's tables (here a handful of real counties)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from iceledger.sources.place_codes import resolve_county_fips, resolve_state_codes

STATES = [("53", "WA", "Washington"), ("24", "MD", "Maryland"), ("22", "LA", "Louisiana"), ("35", "NM", "New Mexico"),
          ("29", "MO", "Missouri"), ("46", "SD", "South Dakota")]
COUNTIES = [  # county_fips, state_fips, county_name, county_full_name, valid_from, valid_to (Census facts)
    ("53053", "53", "Pierce", "Pierce County", None, None), ("53027", "53", "Grays Harbor", "Grays Harbor County", None, None),
    ("24005", "24", "Baltimore", "Baltimore County", None, None), ("24510", "24", "Baltimore", "Baltimore city", None, None),
    ("22071", "22", "Orleans", "Orleans Parish", None, None), ("35013", "35", "Doña Ana", "Doña Ana County", None, None),
    ("29189", "29", "St. Louis", "St. Louis County", None, None), ("29510", "29", "St. Louis", "St. Louis city", None, None),
    ("46113", "46", "Shannon", "Shannon County", None, dt.date(2015, 5, 1)),
    ("46102", "46", "Oglala Lakota", "Oglala Lakota County", dt.date(2015, 5, 1), None)]


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute("CREATE TABLE ref_states (state_fips VARCHAR, state_code VARCHAR, state_name VARCHAR)")
    c.execute("CREATE TABLE ref_counties (county_fips VARCHAR, state_fips VARCHAR, county_name VARCHAR, county_full_name VARCHAR, "
              "valid_from DATE, valid_to DATE)")
    c.executemany("INSERT INTO ref_states VALUES (?, ?, ?)", STATES)
    c.executemany("INSERT INTO ref_counties VALUES (?, ?, ?, ?, ?, ?)", COUNTIES)
    c.execute("CREATE TABLE t (k VARCHAR, state_name VARCHAR, st VARCHAR, county VARCHAR, fips VARCHAR)")
    return c


def resolve(con, rows, as_of=dt.date(2017, 11, 6)):
    con.executemany("INSERT INTO t VALUES (?, NULL, ?, ?, NULL)", rows)
    findings = resolve_county_fips(con, "t", key="k", state="st", county="county", fips="fips", as_of=as_of)
    return dict(con.execute("SELECT k, fips FROM t").fetchall()), findings


def test_names_as_sources_write_them(con):
    got, findings = resolve(con, [("a", "WA", "PIERCE"), ("b", "WA", "Grays Harbor County"), ("c", "MD", "Baltimore City"),
                                  ("d", "MD", "BALTIMORE COUNTY"), ("e", "LA", "ORLEANS"), ("f", "LA", "Orleans Parish"),
                                  ("g", "NM", "DONA ANA"), ("h", "MO", "Saint Louis County")])
    assert got == {"a": "53053", "b": "53027", "c": "24510", "d": "24005", "e": "22071", "f": "22071", "g": "35013", "h": "29189"}
    assert findings == []


def test_ambiguous_and_unknown_names_are_reported_not_guessed(con):
    got, findings = resolve(con, [("a", "MD", "BALTIMORE"), ("b", "MO", "ST. LOUIS"), ("c", "WA", "ABILENE"), ("d", "WA", None)])
    assert got == {"a": None, "b": None, "c": None, "d": None}
    (f,) = findings
    assert f.code == "county_unresolved" and f.count == 3
    assert {(e["county"], tuple(e["candidates"])) for e in f.detail["examples"]} == {
        ("BALTIMORE", ("24005", "24510")), ("ST. LOUIS", ("29189", "29510")), ("ABILENE", ())}


def test_counties_valid_on_the_sources_date(con):
    got, _ = resolve(con, [("a", "SD", "SHANNON"), ("b", "SD", "OGLALA LAKOTA")], as_of=dt.date(2010, 1, 1))
    assert got == {"a": "46113", "b": None}
    con.execute("DELETE FROM t")
    got, _ = resolve(con, [("a", "SD", "SHANNON"), ("b", "SD", "OGLALA LAKOTA")], as_of=dt.date(2017, 11, 6))
    assert got == {"a": None, "b": "46102"}


def test_state_names(con):
    con.executemany("INSERT INTO t VALUES (?, ?, NULL, NULL, NULL)", [("a", "WASHINGTON"), ("b", "NEW MEXICO"), ("c", "ATLANTIS")])
    findings = resolve_state_codes(con, "t", name="state_name", code="st")
    assert dict(con.execute("SELECT k, st FROM t").fetchall()) == {"a": "WA", "b": "NM", "c": None}
    assert findings[0].code == "state_unresolved" and findings[0].count == 1


def test_without_the_registry_a_finding_says_so():
    c = duckdb.connect()
    c.execute("CREATE TABLE t (k VARCHAR, st VARCHAR, county VARCHAR, fips VARCHAR)")
    (f,) = resolve_county_fips(c, "t", key="k", state="st", county="county", fips="fips", as_of=dt.date(2017, 1, 1))
    assert f.code == "geography_absent"
