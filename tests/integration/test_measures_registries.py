"""Measures against the real registries `iceledger build` loads from the bundled data (facilities,
geography, policies, designations, operations, ICE's detention statistics), with a small SYNTHETIC
release for the record-level side."""

from __future__ import annotations

import pytest
from measures_ledger import HandLedger
from tests.conftest import copy_home

from iceledger.measures import (
    MeasureSpec,
    NotAvailable,
    PopulationSpec,
    WindowSpec,
    detention_population,
    measure,
    operation_window,
)

SAFE_CITY_AORS = ["BAL", "BOS", "CHI", "DEN", "LOS", "NYC", "PHI", "SEA", "SFR", "WAS"]


@pytest.fixture(scope="module")
def home(tmp_path_factory, registry_build):
    settings = copy_home(registry_build[0], tmp_path_factory.mktemp("registries") / "home")
    L = HandLedger(settings.ledger_path).release("synth-registries", era="L1", synthetic=True)
    arrest = lambda when, aor, pid, **kw: dict(apprehension_datetime=when, apprehension_aor=aor, person_id=pid,  # noqa: E731
                                               apprehension_method="Located", **kw)
    L.add("core_arrests", "synth-registries", [
        arrest("2017-09-24 10:00:00", "SEA", "a1"), arrest("2017-09-26 10:00:00", "SEA", "a2"),
        arrest("2017-09-25 10:00:00", "BAL", "a3"),
        arrest("2017-09-18 10:00:00", "SEA", "a4"),  # Monday of the week before: in the baseline
        arrest("2017-09-21 10:00:00", "SEA", "a5"),  # Thursday: not one of the window's weekdays
        arrest("2017-09-12 10:00:00", "BAL", "a6"),  # Tuesday two weeks before
        # placed in Travis County by the county ICE wrote (resolved against the registries)
        arrest("2016-12-20 10:00:00", "SNA", "t1", apprehension_state="TEXAS", apprehension_county="TRAVIS"),
        arrest("2017-02-10 10:00:00", "SNA", "t2", apprehension_state="TX", apprehension_county="Travis County")])
    L.add("core_detainers", "synth-registries", [
        dict(detainer_prepare_datetime=when, detention_facility_code="TRAVITX", facility_state="TEXAS", person_id=pid)
        for when, pid in [("2016-12-15 00:00:00", "d1"), ("2017-01-15 00:00:00", "d2"), ("2017-02-10 00:00:00", "d3")]])
    L.close()
    return settings.home


def test_published_detention_statistics_when_records_are_absent(home):
    r = detention_population(PopulationSpec(by="fy", date_from="2018-10-01", date_to="2021-09-30"), home=home)
    assert r.provenance["source"] == "published"
    rows = {x["fy"]: x for x in r.rows}
    assert round(rows[2019]["adp"], 2) == 50165.44 and round(rows[2019]["alos_days"], 2) == 34.34  # ICE's FY19 workbook
    assert rows[2019]["source_id"] == "ice-detention-stats-fy2019"
    assert rows[2021]["published_period"] == "fiscal_year_to_date"


def test_published_statistics_by_month(home):
    r = detention_population(PopulationSpec(by="month", date_from="2019-10-01", date_to="2019-12-31"), home=home)
    assert [x["month"].isoformat() for x in r.rows] == ["2019-10-01", "2019-11-01", "2019-12-01"]
    assert all(x["adp"] and x["alos_days"] for x in r.rows)


def test_safe_city_window_by_its_areas(home):
    r = operation_window(WindowSpec(operation="safe-city-2017", weeks=2), home=home)
    assert [x["aor_code"] for x in r.rows] == SAFE_CITY_AORS
    rows = {x["aor_code"]: x for x in r.rows}
    assert rows["SEA"]["window_n"] == 2 and rows["SEA"]["baseline_weeks"] == [0, 1]
    assert rows["BAL"]["window_n"] == 1 and rows["BAL"]["baseline_weeks"] == [1, 0]
    assert rows["DEN"]["window_n"] == 0
    assert r.provenance["window"]["from"].isoformat() == "2017-09-24" and r.provenance["window"]["to"].isoformat() == "2017-09-27"
    assert r.is_synthetic and r.notes[0].startswith("SYNTHETIC")


def test_county_policy_on_detainers_at_a_facility_in_that_county(home):
    r = measure(MeasureSpec(count="detainers", by="policy_period", policy="tx-travis-county-2017-01-court-order"), home=home)
    assert {x["policy_period"]: x["n"] for x in r.rows} == {"before": 1, "in_effect": 2}
    assert any("Travis County" in n and "judicial_warrant_required" in n for n in r.notes)
    r = measure(MeasureSpec(count="detainers", by="county"), home=home)
    assert {x["county"]: x["n"] for x in r.rows} == {"48453": 3}


def test_places_the_records_cannot_hold_are_refused(home):
    with pytest.raises(NotAvailable) as exc:
        measure(MeasureSpec(count="detainers", by="policy_period", policy="ny-ithaca-2017-02-listed-offences"), home=home)
    assert exc.value.code == "policy_place_unknown" and "city" in exc.value.message
    r = measure(MeasureSpec(count="arrests", by="policy_period", policy="tx-travis-county-2017-01-court-order"), home=home)
    assert {x["policy_period"]: x["n"] for x in r.rows} == {"before": 1, "in_effect": 1}
    r = measure(MeasureSpec(count="arrests", by="county"), home=home)
    assert {x["county"]: x["n"] for x in r.rows if x["county"]} == {"48453": 2}
    r = measure(MeasureSpec(count="arrests", rate=True), home=home)
    assert any("no resident population" in n for n in r.notes)
