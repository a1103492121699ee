"""Places from ICE's own records, on the bundled real releases (the session's ``real`` home): landmarks read to
counties, the county → AOR registry checked against them (iceledger places check-aors), the registry's rows
taken from that evidence, and the evidence through the disclosure gate.

UWCHR's county crosswalk (../shared/data/testonly, GPL, never bundled) is the second source the registry's
fixes cite: it is checked here, and those tests skip when the folder is absent.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re

import pytest
from typer.testing import CliRunner

from iceledger.cli import app
from iceledger.pipeline.aor_check import check_aors, county_summary
from iceledger.pipeline.ledger import connect
from iceledger.publish.aor_evidence import aor_evidence_rows
from iceledger.sources.geography.bundled_geo import geography

NATIONAL = "uwchr-2019-icfo-53623"
SEATTLE = "uwchr-seattle-uw-v-dhs"
runner = CliRunner()


@pytest.fixture(scope="module")
def con(real):
    c = connect(real[0].ledger_path, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def evidence(con):
    return check_aors(con)


def test_landmarks_read_share(con):
    """What share of the national arrests' landmarks, and of the rows, name one county (docs/geography.md)."""
    rows = dict(((o, (n, r)) for o, n, r in con.execute(
        "SELECT landmark_outcome, count(*), sum(records_count) FROM record_landmarks WHERE release_id = ? "
        "AND table_name = 'core_arrests' GROUP BY 1", [NATIONAL]).fetchall()))
    assert sum(n for n, _ in rows.values()) == 7312 and sum(r for _, r in rows.values()) == 529216
    assert rows["resolved"] == (3034, 172732)
    assert set(rows) == {"resolved", "ambiguous", "conflict", "state-only", "no-place"}
    placed = con.execute("SELECT place_basis, count(*), count(county_fips), count(state_code) FROM core_arrests "
                         "WHERE release_id = ? GROUP BY 1 ORDER BY 1 NULLS LAST", [NATIONAL]).fetchall()
    landmark = next(r for r in placed if r[0] == "landmark")
    assert landmark[2] == 172732 and landmark[3] == landmark[1]  # every row placed by a landmark has its state
    assert [r[0] for r in placed] == ["landmark", None]  # the national release has no state or county field


def test_the_ingest_reports_landmarks_and_the_check(real):
    found = {(f.code, f.detail.get("table")): f for f in real[1][NATIONAL].findings}
    read = found[("landmarks_read", "core_arrests")]
    assert read.count == 172732 and read.detail["rows_placed"] == 242276 and read.detail["rows_placed_in_a_county"] == 172732
    outside = found[("records_outside_registry_aor", "core_encounters")]
    assert outside.severity == "warning" and outside.detail["examples"][0].startswith("Malheur County, OR (SLC 48;")
    assert found[("records_outside_registry_aor", "core_arrests")].severity == "info"  # none with 10 or more arrests


def test_ambiguous_landmarks_stay_unplaced(con):
    rows = con.execute("""SELECT l.landmark_outcome, l.county_candidates, x.county_fips, x.state_code
        FROM record_landmarks l JOIN core_arrests x ON x.release_id = l.release_id AND x.apprehension_landmark = l.landmark_text
        WHERE l.release_id = ? AND l.table_name = 'core_arrests' AND l.landmark_text = 'FRANKLIN CO. JAIL' LIMIT 1""",
                       [SEATTLE]).fetchall()
    outcome, candidates, fips, state = rows[0]
    assert outcome == "ambiguous" and len(candidates) > 20 and fips is None and state is None


def test_mclennan_is_listed_with_its_evidence(evidence):
    mine = [e for e in evidence if e.county_fips == "48309"]
    arrests = [e for e in mine if e.table_name == "core_arrests"]
    assert [(e.aor_code, e.records_count, e.landmarks_count, e.release_id) for e in arrests] == [("SNA", 434, 1, NATIONAL)]
    e = arrests[0]
    assert e.registry_aor_codes == ("SNA",) and e.listed_aor_codes == ("HOU",) and e.status == "dated"
    assert (e.first_date, e.last_date) == (dt.date(2015, 10, 6), dt.date(2019, 8, 23))
    summary = next(c for c in county_summary(evidence) if c["county_fips"] == "48309")
    assert summary["is_mostly_elsewhere"] and not summary["is_mostly_outside_registry"]


def test_cli_check_aors_and_resolve(real):
    home = str(real[0].home)
    out = runner.invoke(app, ["places", "check-aors", "--county", "McLennan County, TX", "--home", home, "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)["data"]
    assert [c["county_fips"] for c in data["counties"]] == ["48309"]
    assert data["counties"][0]["records_by_table"] == {"core_arrests": {"SNA": 434}, "core_encounters": {"SNA": 697}}
    text = runner.invoke(app, ["places", "check-aors", "--home", home, "--min-records", "100"])
    assert text.exit_code == 0 and "48309 McLennan County, TX" in text.output
    res = json.loads(runner.invoke(app, ["places", "resolve", "McLennan County, TX", "--on", "2018-01-01", "--json"]).output)
    place = res["data"]["candidates"][0]
    assert place["aor_codes"] == ["SNA"] and place["is_aor_established"]
    assert [(ev["aor_period"], ev["aor_basis"]) for ev in place["aor_evidence"]] == [("central-texas-records", "arrest-records")]
    assert "434 arrests at MCLENNAN COUNTY JAIL" in place["aor_evidence"][0]["source_detail"]


def _arrests_by_aor(evidence, release=None) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for e in evidence:
        if e.table_name == "core_arrests" and (release is None or e.release_id == release):
            out.setdefault(e.county_fips, {})
            out[e.county_fips][e.aor_code] = out[e.county_fips].get(e.aor_code, 0) + e.records_count
    return out


def test_no_strong_evidence_is_left_outside_the_registry(evidence):
    """After the fixes, no county has 10 or more arrests, most of its arrests, in an AOR outside the registry's for
    their dates: every such finding became a dated row (or a pair of candidates) in data/geo/aor-history.csv."""
    outside: dict[str, dict[str, int]] = {}
    for e in evidence:
        if e.table_name == "core_arrests" and e.aor_code not in e.registry_aor_codes:
            outside.setdefault(e.county_fips, {})
            outside[e.county_fips][e.aor_code] = outside[e.county_fips].get(e.aor_code, 0) + e.records_count
    by = _arrests_by_aor(evidence)
    strong = {f: a for f, other in outside.items() for a, n in other.items() if n >= 10 and n * 2 > sum(by[f].values())}
    assert strong == {}


def test_every_fix_cites_counts_the_records_hold(evidence):
    """Each registry row taken from ICE's arrest records cites the number of arrests the ledger counts for it."""
    geo = geography()
    national = _arrests_by_aor(evidence, NATIONAL)
    fixed = [r for r in geo.county_aor if r.basis == "arrest-records"]
    assert len(fixed) == 13
    for r in fixed:
        cited = int(re.search(r"(\d[\d,]*) arrests", r.source_detail).group(1).replace(",", ""))
        assert national[r.county_fips][r.aor_code] == cited, r.county_fips
        assert cited >= 10 and cited * 2 > sum(national[r.county_fips].values())
    kept = {r.county_fips: r.candidates for r in geo.county_aor if r.basis == "sources-disagree"}
    assert kept == {"12033": ("MIA", "NOL"), "12091": ("MIA", "NOL"), "12113": ("MIA", "NOL"), "12131": ("MIA", "NOL"),
                    "16055": ("SEA", "SLC")}


def _uwchr(testonly) -> dict[str, str]:
    with (testonly / "uwchr-county_aor.csv").open(newline="") as fh:
        return {r["geoid"]: r["aor"] for r in csv.DictReader(fh)}


def test_uwchr_crosswalk_agrees_with_every_fix(testonly):
    """The registry is fixed from the records only where an independent crosswalk agrees: UWCHR's (the variant
    without Harlingen, as the FY2016-2019 records are)."""
    theirs = _uwchr(testonly)
    geo = geography()
    fixed = {r.county_fips: r.aor_code for r in geo.county_aor if r.basis == "arrest-records"}
    assert fixed and {f: theirs[f] for f in fixed} == fixed


def test_uwchr_crosswalk_disagrees_where_both_are_kept(testonly, evidence):
    """Where both AORs are kept, UWCHR follows today's list and the records say the other AOR."""
    theirs = _uwchr(testonly)
    geo = geography()
    by = _arrests_by_aor(evidence)
    for r in (r for r in geo.county_aor if r.basis == "sources-disagree"):
        listed = geo.aors_for_county(r.county_fips)[0]
        records = max(by[r.county_fips], key=by[r.county_fips].get)
        assert (theirs[r.county_fips],) == listed and records != theirs[r.county_fips]
        assert set(r.candidates) == {records, theirs[r.county_fips]}


def test_evidence_passes_the_gate(con):
    rows = aor_evidence_rows(con, 10)
    assert rows and {k for r in rows for k in r} == {
        "release_id", "table_name", "county_fips", "state_code", "aor_code", "records_count", "is_suppressed",
        "landmarks_count", "registry_aor_codes", "listed_aor_codes", "aor_check_status", "is_synthetic"}
    for r in rows:
        if r["records_count"] is not None:
            assert r["records_count"] == 0 or r["records_count"] > 10
        else:
            assert r["is_suppressed"] and r["landmarks_count"] is None
    mclennan = {(r["table_name"], r["aor_code"]): r["records_count"] for r in rows if r["county_fips"] == "48309"}
    assert mclennan == {("core_arrests", "SNA"): 434, ("core_arrests", None): 434,
                        ("core_encounters", "SNA"): 697, ("core_encounters", None): 697}
    malheur = [r for r in rows if r["county_fips"] == "41045" and r["table_name"] == "core_arrests"]
    assert malheur and all(r["is_suppressed"] for r in malheur)  # 10 or fewer arrests: withheld, total too


@pytest.fixture(scope="module")
def client(real, tmp_path_factory):
    """The public API and pages over a publication of a copy of the real home."""
    from fastapi.testclient import TestClient
    from tests.conftest import copy_home

    from iceledger.publish.publication import publish
    from iceledger.server import create_app

    settings = copy_home(real[0], tmp_path_factory.mktemp("aor-evidence") / "home")
    publish(settings)
    return TestClient(create_app(settings, True))


def test_api_serves_the_counts(client):
    r = client.get("/api/v1/places/aor-evidence", params={"county_fips": "48309", "table_name": "core_arrests"})
    assert r.status_code == 200
    rows = r.json()["data"]
    assert {(x["aor_code"], x["records_count"], x["aor_check_status"]) for x in rows} == {("SNA", 434, "dated"), (None, 434, "dated")}
    assert all(x["registry_aor_codes"] == ["SNA"] and x["listed_aor_codes"] == ["HOU"] for x in rows)
    bad = client.get("/api/v1/places/aor-evidence", params={"landmark_text": "x"})
    assert bad.status_code == 400  # no such column: landmark text is never published


def test_places_page_says_where_records_disagree(client):
    en = client.get("/areas").text
    assert "Where ICE's records disagree with the county → AOR list" in en.replace("&#39;", "'")
    section = en[en.index('id="table-aor-evidence"'):]
    assert "McLennan County, TX" in section and "Escambia County, FL" in section
    assert "MIA or NOL" in section  # both AORs kept where the sources disagree
    es = client.get("/areas", params={"lang": "es"}).text
    assert "Donde los registros de ICE no coinciden con la lista condado → AOR" in es and "MIA o NOL" in es
