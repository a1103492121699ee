"""The demo published from ICE's real records (the session's ``real_published``: both bundled releases,
the demo's synthetic sample only for FY2023 on), read through the public database, the API and the CLI:
which figures are real and which synthetic, per series, and Operation Safe City's window on real arrests.
"""

from __future__ import annotations

import io
import json
import re

import openpyxl
from typer.testing import CliRunner

from iceledger.cli import app
from iceledger.pipeline.ledger import connect

NATIONAL = "uwchr-2019-icfo-53623"
SEATTLE = "uwchr-seattle-uw-v-dhs"
CITATION = "ICE ERO-LESA, FOIA 2019-ICFO-53623, via UWCHR/ice-enforce"
SAFE_CITY_AORS = ["BAL", "BOS", "CHI", "DEN", "LOS", "NYC", "PHI", "SEA", "SFR", "WAS"]


def public(settings, sql, params=None):
    con = connect(settings.public_path, read_only=True)
    try:
        res = con.execute(sql, params or [])
        cols = [d[0] for d in res.description]
        return [dict(zip(cols, r)) for r in res.fetchall()]
    finally:
        con.close()


def test_each_fiscal_year_of_a_measure_is_published_from_one_origin(real_published):
    series = {(r["measure_name"], r["cell_fy"]): r for r in public(real_published, "SELECT * FROM out_series")}
    for fy in (2016, 2017, 2018, 2019):
        s = series[("arrests", fy)]
        assert (s["is_synthetic"], s["release_ids"], s["series_aor_codes"]) == (False, [NATIONAL], None)
    for fy in (2012, 2013, 2014, 2015):  # only the Seattle production reaches these years
        assert series[("arrests", fy)]["release_ids"] == [SEATTLE] and series[("arrests", fy)]["series_aor_codes"] == ["SEA"]
    assert series[("arrests", 2024)]["is_synthetic"] is True and series[("arrests", 2024)]["release_ids"] == ["synth-demo-l2"]
    assert {fy for m, fy in series if m == "encounters" and not series[(m, fy)]["is_synthetic"]} == {2016, 2017, 2019}
    assert all(s["is_synthetic"] for (m, _), s in series.items() if m == "detainers")  # no real release holds detainers
    assert not [k for k, s in series.items() if s["is_synthetic"] and k[1] <= 2019]
    assert not [k for k, s in series.items() if not s["is_synthetic"] and k[1] >= 2020]
    # every cell carries its year's origin
    mixed = public(real_published, "SELECT t.measure_name, t.cell_fy FROM out_tabulations t JOIN out_series s "
                                   "USING (measure_name, cell_fy) WHERE t.is_synthetic <> s.is_synthetic LIMIT 5")
    assert mixed == []


def test_national_figures_are_ices_own_and_real(real_published):
    rows = public(real_published, "SELECT measure_name, cell_fy, event_count, is_synthetic FROM out_tabulations "
                                  "WHERE time_grain = 'fy' AND cell_place_level = 'national' AND category_1 IS NULL "
                                  "AND NOT is_synthetic ORDER BY 1, 2")
    got = {(r["measure_name"], r["cell_fy"]): r["event_count"] for r in rows}
    assert {fy: got[("arrests", fy)] for fy in (2016, 2017, 2018)} == {2016: 110_104, 2017: 143_470, 2018: 158_581}
    assert {fy: got[("removals", fy)] for fy in (2016, 2017, 2018)} == {2016: 240_255, 2017: 226_119, 2018: 256_085}
    assert ("arrests", 2013) not in got and ("book_ins", 2017) not in got  # one AOR is not the nation
    sea = public(real_published, "SELECT event_count, is_synthetic FROM out_tabulations WHERE tabulation_key = "
                                 "'arrests/fy/aor' AND cell_fy = 2013 AND place_code = 'SEA'")
    assert sea == [{"event_count": 7_165, "is_synthetic": False}]  # ICE's own Seattle summary for FY2013
    levels = public(real_published, "SELECT DISTINCT cell_place_level, place_code, place_parent_code FROM out_tabulations "
                                    "WHERE measure_name = 'book_ins' AND NOT is_synthetic")
    assert levels and all(r["place_code"] == "SEA" or r["place_parent_code"] == "SEA" for r in levels)
    cites = {r["release_id"]: r["release_citation"] for r in public(real_published, "SELECT * FROM out_releases")}
    assert cites[NATIONAL] == CITATION and cites["synth-demo-l2"].startswith("SYNTHETIC")
    notes = public(real_published, "SELECT publication_notes FROM out_publication")[0]["publication_notes"]
    assert notes[0].startswith("SYNTHETIC") and "detainers (fiscal years 2023 to 2026)" in notes[0]


def test_api_answers_say_which_of_their_figures_are_real(real_client):
    r = real_client.get("/api/v1/tabulations", params={"measure": "arrests", "grain": "fy"}).json()
    series = r["meta"]["series"]
    assert [(s["origin"], s["fy_from"], s["fy_to"], s["citations"]) for s in series] == [
        ("real", 2016, 2019, [CITATION]), ("synthetic", 2023, 2026, [series[1]["citations"][0]])]
    assert series[1]["citations"][0].startswith("SYNTHETIC") and r["meta"]["synthetic_notice"].startswith("SYNTHETIC")
    assert {x["cell_fy"]: x["event_count"] for x in r["data"] if not x["is_synthetic"]}[2017] == 143_470
    real_only = real_client.get("/api/v1/tabulations", params={"measure": "arrests", "grain": "fy", "to": "FY2019"}).json()
    assert "synthetic_notice" not in real_only["meta"] and [s["origin"] for s in real_only["meta"]["series"]] == ["real"]
    csv = real_client.get("/api/v1/tabulations", params={"measure": "arrests", "grain": "fy", "format": "csv"}).text
    lines = [x.split(",") for x in csv.splitlines()]
    assert {(x[1], x[-1]) for x in lines[1:]} >= {("2017", "False"), ("2024", "True")}  # is_synthetic, row by row
    xlsx = real_client.get("/api/v1/tabulations", params={"measure": "arrests", "grain": "fy", "format": "xlsx"}).content
    about = [c.value for c in openpyxl.load_workbook(io.BytesIO(xlsx))["about"]["A"]]
    assert about[0].startswith("SYNTHETIC") and f"arrests FY2016-FY2019: ICE records; source: {CITATION}" in about
    assert any(a.startswith("arrests FY2023-FY2026: SYNTHETIC (not ICE records); source: SYNTHETIC") for a in about)
    detainers = real_client.get("/api/v1/series", params={"measure": "detainers"}).json()["data"]
    assert [s["origin"] for s in detainers] == ["synthetic"]


def test_safe_city_window_on_real_arrests_through_the_api(real_client):
    w = real_client.get("/api/v1/operations/safe-city-2017/window").json()
    data = w["data"]
    assert data["is_synthetic"] is False and "synthetic_notice" not in w["meta"]
    assert (data["date_from"], data["date_to"], data["announced_count"], data["weeks"]) == ("2017-09-24", "2017-09-27", 498, 4)
    total = data["total"]
    assert total["window"] == {"count": 1_073, "withheld": False}
    assert [b["count"] for b in total["baseline_weeks"]] == [552, 370, 646, 658] and total["baseline_mean"] == 556.5
    areas = {a["aor_code"]: a for a in data["areas"]}
    assert sorted(areas) == SAFE_CITY_AORS and sum(a["announced_count"] for a in areas.values()) == 498
    assert (areas["LOS"]["window"]["count"], areas["LOS"]["announced_count"]) == (260, 101)
    assert areas["SEA"]["places"] == ["Seattle"] and areas["SEA"]["window"]["count"] == 66
    assert data["source"]["release_ids"] == [NATIONAL] and data["source"]["citations"] == [CITATION]
    assert any("core_arrests" in q for q in data["source"]["sql"])


def test_safe_city_window_from_the_cli(real):
    home = str(real[0].home)
    out = CliRunner().invoke(app, ["window", "--operation", "safe-city-2017", "--home", home])
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    assert "all areas: 1,073 on 2017-09-24..2017-09-27 against a mean of 556.5" in text
    assert "announced for operation safe-city-2017: 498 (figure ice-2017-safe-city-arrests)" in text
    assert f"source: {CITATION}" in text and "SYNTHETIC" not in text
    out = CliRunner().invoke(app, ["window", "--operation", "safe-city-2017", "--home", home, "--json"])
    data = json.loads(out.output)["data"]
    rows = {r["aor_code"]: r for r in data["rows"]}
    assert (rows["LOS"]["window_n"], rows["LOS"]["announced"]) == (260, 101) and rows["BAL"]["baseline_weeks"] == [13, 14, 24, 13]
    assert data["provenance"]["releases"][0]["citation"] == CITATION


def test_seed_claims_are_checked_against_real_records(real_published):
    claims = {r["claim_id"]: r for r in public(real_published, "SELECT * FROM out_claim_results")}
    nearly = json.loads(claims["safe-city-2017-nearly-500"]["claim_result_json"])
    (rec,) = [c for c in nearly["checks"] if c["kind"] == "records"]
    assert (rec["value"], rec["verdict"], rec["is_synthetic"]) == (1_073, "supported", False)
    assert NATIONAL in {x["release_id"] for x in rec["releases"]} and not any(x["is_synthetic"] for x in rec["releases"])
    up = json.loads(claims["arrests-2017-up-43-percent"]["claim_result_json"])
    (rec,) = [c for c in up["checks"] if c["kind"] == "records"]
    assert (rec["value"], rec["verdict"], rec["decides"]) == (42.1, "supported", True)
    assert claims["arrests-2017-up-43-percent"]["claim_verdict"] == "supported" and not claims["arrests-2017-up-43-percent"]["is_synthetic"]


def _between(html: str, start: str, end: str) -> str:
    i = html.index(start)
    return html[i:html.index(end, i)]


def test_home_page_coverage_names_the_one_aor_series(real_client):
    rows = [" ".join(r.replace("</td><td>", " | ").split()) for r in
            _between(real_client.get("/").text, 'id="table-coverage"', "</table>").split("<tr><td>")[1:]]
    # the Seattle production's years are in no national count: the table gives them apart, for their AOR
    assert "Detention book-ins | January 2012 | July 2019 | ICE records (SEA AOR only)</td></tr>" in rows
    assert "Arrests | January 2012 | September 2015 | ICE records (SEA AOR only)</td></tr>" in rows
    assert "Arrests | October 2015 | September 2019 | ICE records</td></tr>" in rows
    es = _between(real_client.get("/?lang=es").text, 'id="table-coverage"', "</table>")
    assert "Registros de ICE (solo el AOR SEA)" in es


def test_place_pages_and_the_map_open_on_the_last_year_of_ices_records(real_client):
    # FY2019, not the synthetic sample's last year (FY2026): ICE's records first, as on the home page
    for path in ("/", "/area/aor/SEA", "/map", "/map?level=county&measure=removals"):
        page = real_client.get(path).text
        assert '<option value="2019" selected>' in page and '<option value="2026" selected>' not in page, path
    detainers = real_client.get("/map?measure=detainers").text  # no real release holds them: a year of the sample
    assert 2023 <= int(re.search(r'<option value="(\d+)" selected>', detainers).group(1)) <= 2026
    sea = _between(real_client.get("/area/aor/SEA").text, 'id="fig-breakdown-arrests-criminality"', "</figure>")
    assert "fiscal year 2019" in sea and "FY2019: ICE ERO-LESA, FOIA 2019-ICFO-53623" in sea
    assert "Arrests by place, fiscal year 2019" in real_client.get("/area/state/WA").text
