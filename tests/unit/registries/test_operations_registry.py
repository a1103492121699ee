"""ref_operations and ref_operation_places: Safe City's ten areas, AORs and sums, and every seeded operation."""

from __future__ import annotations

import datetime as dt

import pytest

from iceledger.metadata import code_list

SAFE_CITY_AORS = {"Baltimore": "BAL", "Cook County, Illinois": "CHI", "Denver": "DEN", "Los Angeles": "LOS", "New York": "NYC",
                  "Philadelphia": "PHI", "Seattle": "SEA", "Santa Clara County, California": "SFR", "Washington DC": "WAS",
                  "Massachusetts": "BOS"}


def test_every_operation_and_place_has_a_source(con, built):
    assert built[1]["operations"].tables == {"ref_operations": 13, "ref_operation_places": 21}
    for table in ("ref_operations", "ref_operation_places"):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE source_url IS NULL OR source_id IS NULL").fetchall()[0][0] == 0


def test_safe_city_ten_areas_sum_to_498_in_the_right_aors(fetch):
    op = fetch("SELECT * FROM ref_operations WHERE operation_slug = 'safe-city-2017'")[0]
    assert (op["announced_count"], op["operation_start_date"].isoformat(), op["operation_end_date"].isoformat()) == (498, "2017-09-24", "2017-09-27")
    places = fetch("SELECT * FROM ref_operation_places WHERE operation_slug = 'safe-city-2017' ORDER BY place_seq")
    assert len(places) == 10
    assert sum(p["announced_count"] for p in places) == 498
    assert {p["place_text"]: p["aor_code"] for p in places} == SAFE_CITY_AORS
    counts = {p["place_text"]: p["announced_count"] for p in places}
    assert counts == {"Baltimore": 28, "Cook County, Illinois": 30, "Denver": 63, "Los Angeles": 101, "New York": 45,
                      "Philadelphia": 107, "Seattle": 33, "Santa Clara County, California": 27, "Washington DC": 14,
                      "Massachusetts": 50}


def test_seattle_and_portland_are_one_entry_in_the_seattle_aor(con, fetch):
    sea = fetch("SELECT * FROM ref_operation_places WHERE operation_slug = 'safe-city-2017' "
                    "AND (place_text LIKE '%Portland%' OR list_contains(alt_place_names, 'Portland, Ore.'))")
    assert len(sea) == 1
    assert (sea[0]["place_text"], sea[0]["aor_code"], sea[0]["announced_count"], sea[0]["state_code"]) == ("Seattle", "SEA", 33, None)


def test_place_sums_are_reported(built):
    info = [f for f in built[1]["operations"].findings if f.code == "places_sum_to_total"]
    assert [f.detail["operation_slug"] for f in info] == ["safe-city-2017"]
    assert not [f for f in built[1]["operations"].findings if f.code == "places_do_not_sum_to_total"]


def test_seeded_operations_and_statuses(con):
    ops = dict(con.execute("SELECT operation_slug, operation_status FROM ref_operations").fetchall())
    assert ops["mega-2017"] == "reported_unconfirmed"
    assert {s for s in ops if s.startswith("cross-check-")} == {"cross-check-2011-05", "cross-check-2011-09", "cross-check-2012-03",
                                                              "cross-check-2015-03"}
    assert {"los-angeles-2018-02", "family-op-2019-07", "mississippi-worksite-2019", "tidal-wave-2025", "patriot-2025",
            "midway-blitz-2025", "metro-surge-2025"} <= set(ops)
    assert all(status in code_list("operation_status").values for status in ops.values())


@pytest.mark.parametrize("slug,count,metric", [("mega-2017", 8400, "operation_planned_targets"), ("tidal-wave-2025", 1120, "operation_arrests"),
                                               ("cross-check-2012-03", 3168, "operation_arrests"), ("patriot-2025", 1461, "operation_arrests")])
def test_announced_counts_come_from_the_figures(con, slug, count, metric):
    assert con.execute("SELECT announced_count, metric_code FROM ref_operations WHERE operation_slug = ?", [slug]).fetchall() == [(count, metric)]


def test_every_operation_figure_names_a_known_operation(con):
    assert con.execute("SELECT count(*) FROM ref_official_figures WHERE operation_slug IS NOT NULL AND operation_slug NOT IN "
                       "(SELECT operation_slug FROM ref_operations)").fetchall()[0][0] == 0
    safe_city_figures = dict(con.execute("SELECT metric_code, figure_value FROM ref_official_figures "
                                         "WHERE operation_slug = 'safe-city-2017' AND jurisdiction_id IS NULL").fetchall())
    assert safe_city_figures == {"operation_arrests": 498, "countries_of_citizenship": 42, "arrests_with_convictions": 317,
                                 "fugitives": 68, "previously_removed": 104, "gang_affiliated": 18, "dui_convictions": 86}


def test_dates_are_consistent_with_their_basis(con):
    for slug, start, end, basis, days in con.execute("SELECT operation_slug, operation_start_date, operation_end_date, date_basis, "
                                                     "duration_days FROM ref_operations").fetchall():
        if basis in ("published", "derived", "planned") and days:
            assert (end - start).days + 1 == days, slug
        if basis == "announcement":
            assert start is None and end is not None, slug
        if basis == "month":
            assert start.day == 1 and (end + dt.timedelta(days=1)).month != end.month, slug
