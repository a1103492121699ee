"""ref_official_figures built from the bundled CSV: counts, ids, sources, key values, and quotes that are really government wording."""

from __future__ import annotations

import csv
import re

import pytest

from iceledger.sources.bundled import bundled_path, sources

FIGURE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")


def bundled_texts() -> dict[str, str]:
    """Address (first line) → whitespace-normalised text of every bundled government text."""
    out = {}
    for s in sources().values():
        for f in s.files:
            if f.path.startswith("texts/"):
                text = bundled_path(f.path).read_text(encoding="utf-8")
                out[text.splitlines()[0].strip()] = " ".join(text.split())
    return out


def test_every_figure_loads_with_a_source(con, built):
    assert built[1]["figures"].tables == {"ref_official_figures": 99}
    assert con.execute("SELECT count(*) FROM ref_official_figures WHERE coalesce(source_url, retrieved_via) IS NULL OR source_id IS NULL "
                       "OR source_detail IS NULL OR publisher_name IS NULL OR figure_kind IS NULL OR source_confidence IS NULL "
                       "OR source_title IS NULL").fetchall()[0][0] == 0


def test_figures_are_typed_by_kind_and_confidence(con):
    kinds = dict(con.execute("SELECT figure_kind, count(*) FROM ref_official_figures GROUP BY 1").fetchall())
    assert kinds == {"official_publication": 77, "official_statement": 4, "data_given_to_newspaper": 4, "news_estimate": 2,
                     "third_party_count": 8, "derived": 4}
    kind = dict(con.execute("SELECT figure_id, figure_kind FROM ref_official_figures").fetchall())
    assert kind["nbc-2017-mega-planned-targets"] == "news_estimate"  # ICE declined to confirm it
    assert kind["ice-2017-arrests-jan22-sep02-change-pct"] == "data_given_to_newspaper"  # the 43% given to the Post
    assert kind["ice-2017-safe-city-santa-clara-county"] == "official_statement"  # a spokeswoman's breakdown
    assert kind["trac-fy2017-detainers"] == "third_party_count"
    assert kind["ice-fy2024-detainers"] == kind["doj-2025-08-05-listed-cities"] == "derived"
    confidence = dict(con.execute("SELECT source_confidence, count(*) FROM ref_official_figures GROUP BY 1").fetchall())
    assert confidence == {"high": 28, "medium": 22, "low": 49}


def test_no_figure_cites_a_copy_when_the_primary_is_known(con):
    copies = ("myattorneyusa", "conservativenewsbriefing", "acenewstoday", "informedconservative", "esrcheck", "immpolicytracking",
              "cis.org", "splinter.com", "mil-osi")
    for fid, url in con.execute("SELECT figure_id, source_url FROM ref_official_figures WHERE source_url IS NOT NULL").fetchall():
        assert not any(c in url for c in copies), (fid, url)
    # a copy read is kept as retrieved_via, beside the primary
    r = con.execute("SELECT source_url, retrieved_via, source_confidence FROM ref_official_figures "
                    "WHERE figure_id = 'doj-2025-08-05-listed-states'").fetchall()[0]
    assert r == ("https://www.justice.gov/opa/pr/justice-department-publishes-list-sanctuary-jurisdictions",
                 "https://security.mil-osi.com/page/304", "medium")
    # read in the primary: nothing retrieved via a copy
    assert con.execute("SELECT count(*) FROM ref_official_figures WHERE source_confidence = 'high' AND retrieved_via IS NOT NULL "
                       "AND citation_kind NOT IN ('ice_spreadsheet', 'ice_report')").fetchall()[0][0] == 0


def test_ice_disagreeing_with_itself_is_two_figures(con):
    rows = con.execute("SELECT figure_id, figure_value, figure_kind FROM ref_official_figures WHERE metric_code = 'administrative_arrests' "
                       "AND period_fy = 2017 ORDER BY 1").fetchall()
    assert rows == [("ice-fy2017-arrests", 143470, "official_publication"), ("ice-fy2017-arrests-impact", 143473, "official_publication")]


def test_figures_the_citations_found(con):
    v = dict(con.execute("SELECT figure_id, figure_value FROM ref_official_figures").fetchall())
    assert v["ice-fy2018-removals"] == 256085
    assert v["ice-fy2019-average-daily-population"] == 50165.43836
    assert v["ice-2012-cross-check-convictions"] == 2834 and v["ice-2012-cross-check-fugitives"] == 698


def test_figure_ids_are_stable_slugs():
    ids = [r[0] for r in csv.reader(bundled_path("figures/official-figures.csv").open(newline=""))][1:]
    assert len(ids) == len(set(ids)) == 99
    assert all(FIGURE_ID.match(i) for i in ids), [i for i in ids if not FIGURE_ID.match(i)]


def test_ice_annual_totals(con):
    arrests = dict(con.execute("SELECT period_fy, figure_value FROM ref_official_figures WHERE metric_code = 'administrative_arrests' "
                               "AND figure_id = 'ice-fy' || period_fy || '-arrests'").fetchall())
    assert sorted(arrests) == list(range(2013, 2025))
    assert arrests[2017] == 143470 and arrests[2020] == 103603 and arrests[2024] == 113431
    removals = dict(con.execute("SELECT period_fy, figure_value FROM ref_official_figures "
                                "WHERE figure_id = 'ice-fy' || period_fy || '-removals'").fetchall())
    assert sorted(removals) == list(range(2012, 2025))
    assert removals[2012] == 409849 and removals[2023] == 142580 and removals[2024] == 271484
    detainers = dict(con.execute("SELECT period_fy, figure_value FROM ref_official_figures WHERE metric_code = 'detainers' "
                                 "AND period_fy IS NOT NULL").fetchall())
    assert sorted(detainers) == [2012, 2013, 2014, 2015, 2016, 2017, 2024]


def test_fiscal_year_is_derived_only_for_whole_fiscal_years(con):
    fy = dict(con.execute("SELECT figure_id, period_fy FROM ref_official_figures").fetchall())
    assert fy["ice-fy2017-arrests"] == 2017
    assert fy["ice-fy2017-arrests-jan20-sep30"] is None
    assert fy["ice-2017-safe-city-arrests"] is None


def test_2017_arrest_growth_figures(con):
    v = dict(con.execute("SELECT figure_id, figure_value FROM ref_official_figures WHERE figure_topic = 'Arrest growth 2017'").fetchall())
    assert v["ice-fy2017-arrests-jan20-sep30"] == 110568
    assert v["ice-fy2017-arrests-jan20-sep30-change-pct"] == 42
    assert v["ice-2017-arrests-jan22-apr29"] == 41318 and v["ice-2016-arrests-jan24-apr30"] == 30028
    assert round((41318 / 30028 - 1) * 100, 1) == v["ice-2017-arrests-jan22-apr29-change-pct"] == 37.6
    assert v["ice-2017-arrests-jan22-sep02-change-pct"] == 43
    assert v["ice-2017-noncriminal-arrests-jan22-sep02"] == 28000


def test_geography_is_filled_from_the_jurisdiction(con, fetch):
    r = fetch("SELECT place_level, state_code, aor_code FROM ref_official_figures WHERE figure_id = 'ice-ddor-2017-w1-declined-travis'")
    assert r == [{"place_level": "county", "state_code": "TX", "aor_code": "SNA"}]
    assert con.execute("SELECT count(*) FROM ref_official_figures WHERE jurisdiction_id = 'us' AND place_level <> 'nation'").fetchall()[0][0] == 0


def test_quotes_of_bundled_government_texts_are_verbatim(con):
    texts = bundled_texts()
    checked = 0
    for fid, primary, copy, quote in con.execute("SELECT figure_id, source_url, retrieved_via, quoted_wording FROM ref_official_figures "
                                                 "WHERE quoted_wording IS NOT NULL").fetchall():
        read = copy or primary  # the text the quote was read in
        if read in texts:
            assert " ".join(quote.split()) in texts[read], fid
            checked += 1
    assert checked >= 7


def test_news_wording_is_never_quoted(con):
    # Quotes are government wording only: from figures the agency published (or an official said), by ICE, DHS or DOJ,
    # even when read in a copy. News organisations' own figures carry no quote.
    assert con.execute("SELECT count(*) FROM ref_official_figures WHERE quoted_wording IS NOT NULL "
                       "AND (publisher_name NOT IN ('ICE', 'DHS', 'DOJ', 'ICE and the State of Florida') OR figure_kind NOT IN "
                       "('official_publication', 'derived'))").fetchall()[0][0] == 0
    quoted = {r[0] for r in con.execute("SELECT figure_id FROM ref_official_figures WHERE quoted_wording IS NOT NULL").fetchall()}
    assert "ice-2017-arrests-jan22-sep02-change-pct" not in quoted and "ice-2012-cross-check-arrests" in quoted


def test_disagreements_between_sources_are_reported_not_hidden(built):
    found = {f.code: f for f in built[1]["figures"].findings if f.code == "figures_disagree"}
    assert found, "expected the 143,470 vs 143,473 disagreement to be reported"
    messages = " ".join(f.message for f in built[1]["figures"].findings if f.code == "figures_disagree")
    assert "143,470" in messages and "143,473" in messages


def test_missing_annual_figures_are_reported(built):
    gaps = {f.detail["metric"]: f.detail["missing_fy"] for f in built[1]["figures"].findings if f.code == "annual_series_gap"}
    assert gaps["administrative_arrests"] == [2012]
    assert "removals" not in gaps


@pytest.mark.parametrize("figure_id,fy,block", [("ice-fy2019-removals-detstats", 2019, "removals"),
                                                ("ice-fy2020-removals-detstats", 2020, "removals"),
                                                ("ice-fy2019-initial-book-ins", 2019, "book_ins_by_agency_month"),
                                                ("ice-fy2020-initial-book-ins", 2020, "book_ins_by_agency_month")])
def test_workbook_figures_match_the_parsed_workbooks(con, figure_id, fy, block):
    figure = con.execute("SELECT figure_value FROM ref_official_figures WHERE figure_id = ?", [figure_id]).fetchall()[0][0]
    grand_total = con.execute("SELECT max(detstats_value) FROM ref_detstats_values WHERE detstats_fy = ? AND detstats_block = ? "
                              "AND detstats_is_total", [fy, block]).fetchall()[0][0]
    assert figure == grand_total


def test_average_daily_population_matches_the_parsed_workbook(con):
    figure = con.execute("SELECT figure_value FROM ref_official_figures WHERE figure_id = 'ice-fy2019-average-daily-population'").fetchall()[0][0]
    cell = con.execute("SELECT detstats_value FROM ref_detstats_values WHERE detstats_fy = 2019 AND detstats_block = "
                       "'adp_by_agency_month_criminality' AND detstats_cell = 'N59'").fetchall()[0][0]
    assert figure == cell
