"""The detainer funnel, detention population and length of stay, and operation windows, on the
hand-made ledger of measures_ledger.enforcement_ledger, with answers worked out by hand."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from measures_ledger import SEA, HandLedger, add_test_registries, enforcement_ledger

from iceledger.errors import InputError
from iceledger.measures import (
    FunnelSpec,
    NotAvailable,
    PopulationSpec,
    WindowSpec,
    detention_population,
    funnel,
    operation_window,
)
from iceledger.settings import load_settings

D = dt.date


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    settings = load_settings(tmp_path_factory.mktemp("funnel") / "home").ensure()
    enforcement_ledger(settings.ledger_path)
    return settings.home


def test_funnel_by_aor(home):
    """SEA: p1 (booked, arrested 4 days later), p2 (declined, arrested 13 days later), p3 (no lift
    reason, booked in 14 days later, removed 2025-02-20). NYC: p7 (other, never in custody), one
    detainer without a person (missing), p4 (declined, arrested 9 days later)."""
    r = funnel(FunnelSpec(by="aor_code", within_days=30), home=home)
    rows = {x["aor_code"]: x for x in r.rows}
    assert rows["SEA"] == {"aor_code": "SEA", "lodged": 3, "declined": 1, "booked_into_detention": 1, "lift_other": 0,
                           "lift_missing": 1, "in_custody": 3, "custody_share": 1.0, "median_days_to_custody": 13.0,
                           "removed": 1, "removed_share": round(1 / 3, 4)}
    assert rows["NYC"] == {"aor_code": "NYC", "lodged": 3, "declined": 1, "booked_into_detention": 0, "lift_other": 1,
                           "lift_missing": 1, "in_custody": 1, "custody_share": round(1 / 3, 4),
                           "median_days_to_custody": 9.0, "removed": 0, "removed_share": 0.0}
    assert r.provenance["within_days"] == 30
    assert {s["table"] for s in r.provenance["selection"]} == {"core_detainers", "core_arrests",
                                                                "core_detention_stints", "core_removals"}
    assert "custody" in r.provenance["rules"]


def test_funnel_window_and_totals(home):
    r = funnel(FunnelSpec(within_days=10), home=home)  # only p1 (4 days) and p4 (9 days) are in custody within 10
    assert r.value("lodged") == 6 and r.value("in_custody") == 2 and r.value("median_days_to_custody") == 6.5
    assert r.value("removed") == 0  # p1's removal (2024-09-01) was before the detainer
    r = funnel(FunnelSpec(date_from="2024-10-15", date_to="2024-12-31", within_days=60), home=home)
    assert (r.value("lodged"), r.value("in_custody"), r.value("removed")) == (2, 2, 1)


def test_funnel_by_facility_and_month(home):
    r = funnel(FunnelSpec(by="facility,month"), home=home)
    got = {(x["facility"], x["month"]): x["lodged"] for x in r.rows}
    assert got == {("KINGJWA", D(2024, 10, 1)): 2, ("KINGJWA", D(2024, 12, 1)): 1, ("NYCDOCNY", D(2025, 1, 1)): 3}


def test_funnel_stages_unknown_when_not_loaded(tmp_path):
    """Detainers with no arrests, stints or removals loaded: custody is unknown, never zero."""
    settings = load_settings(tmp_path / "home").ensure()
    L = HandLedger(settings.ledger_path).release("only-detainers", era="L1")
    L.add("core_detainers", "only-detainers", [dict(detainer_prepare_datetime="2025-01-01 00:00:00", facility_aor=SEA,
                                                     person_id="p1", detainer_lift_reason="Booked into Detention")])
    L.close()
    r = funnel(FunnelSpec(), home=settings.home)
    assert r.value("lodged") == 1 and r.value("booked_into_detention") == 1
    assert r.value("in_custody") is None and r.value("removed") is None and r.value("custody_share") is None
    assert any("arrests" in n and "no release" in n for n in r.notes)


def test_funnel_one_query_with_the_rules_counts(tmp_path):
    """p1's two detainers of 2025-01-02 are a likely duplicate (the first kept, the second, at another facility,
    left out); p2's stands alone. The funnel runs one query: run by hand it gives the same figures, the rules'
    counts beside them (_q_ columns), and the facility whose only detainer was left out with lodged 0, which
    the result leaves out."""
    settings = load_settings(tmp_path / "home").ensure()
    L = HandLedger(settings.ledger_path).release("dups", era="L2")
    L.add("core_detainers", "dups", [
        dict(detainer_prepare_datetime="2025-01-02 08:00:00", facility_aor=SEA, detention_facility_code="KINGJWA",
             person_id="p1", detainer_lift_reason="Booked into Detention"),
        dict(detainer_prepare_datetime="2025-01-02 09:00:00", facility_aor=SEA, detention_facility_code="TACOMA",
             person_id="p1", detainer_lift_reason="Booked into Detention"),
        dict(detainer_prepare_datetime="2025-01-09 00:00:00", facility_aor=SEA, detention_facility_code="KINGJWA",
             person_id="p2", detainer_lift_reason="Released")])
    L.add("core_arrests", "dups", [dict(apprehension_datetime="2025-01-05 00:00:00", apprehension_aor=SEA, person_id="p1",
                                        apprehension_method="Custodial Arrest")])
    L.close()
    r = funnel(FunnelSpec(by="facility", within_days=30), home=settings.home)
    assert [(x["facility"], x["lodged"], x["booked_into_detention"], x["lift_other"], x["in_custody"],
             x["median_days_to_custody"]) for x in r.rows] == [("KINGJWA", 2, 1, 1, 1, 3.0)]
    q = r.provenance["quality"]
    assert (q["rows_counted"], q["duplicates_flagged"], q["duplicates_left_out"], q["rows_left_out_as_overlap"]) == (2, 2, 1, 0)
    assert [s["purpose"] for s in r.provenance["sql"]] == ["funnel"]
    con = duckdb.connect(str(settings.ledger_path), read_only=True)
    try:
        cur = con.execute(r.provenance["sql"][0]["sql"])
        names = [d[0] for d in cur.description]
        again = {row[names.index("facility")]: dict(zip(names, row)) for row in cur.fetchall()}
    finally:
        con.close()
    assert {k: v["lodged"] for k, v in again.items()} == {"KINGJWA": 2, "TACOMA": 0}
    assert sum(v["_q_duplicates_left_out"] for v in again.values()) == 1 and again["TACOMA"]["_q_rows_read"] == 1
    total = funnel(FunnelSpec(within_days=30), home=settings.home)
    assert (total.value("lodged"), total.value("in_custody"), total.provenance["quality"]["duplicates_left_out"]) == (2, 1, 1)


def test_detention_population_by_month(home):
    """Jan 2025: p3's second stint 31 days, p8 (open) 22, p9 1, the stint without a person 2 = 56;
    Feb 2025 is cut at the records' horizon (2025-02-20): p3 19 days, p8 20 = 39 over 20 days."""
    r = detention_population(PopulationSpec(by="month", date_from="2025-01-01", date_to="2025-02-28"), home=home)
    rows = {x["month"]: x for x in r.rows}
    assert rows[D(2025, 1, 1)] == {"month": D(2025, 1, 1), "days": 31, "person_days": 56, "adp": round(56 / 31, 2),
                                   "book_ins": 2, "book_outs": 0, "alos_days": None, "median_los_days": None}
    assert rows[D(2025, 2, 1)] == {"month": D(2025, 2, 1), "days": 20, "person_days": 39, "adp": 1.95,
                                   "book_ins": 0, "book_outs": 2, "alos_days": 34.0, "median_los_days": 34.0}
    assert r.provenance["horizon"] == D(2025, 2, 20) and r.provenance["source"] == "records"
    assert any("end on 2025-02-20" in n for n in r.notes)


def test_detention_population_by_facility(home):
    r = detention_population(PopulationSpec(by="facility", date_from="2025-01-01", date_to="2025-01-31"), home=home)
    got = {x["facility"]: x["person_days"] for x in r.rows}
    assert got == {"ALXNDLA": 33, "TACOMWA": 23}  # p3 31 + no-person 2; p8 22 + p9 1


def test_published_statistics_seam(tmp_path):
    settings = load_settings(tmp_path / "home").ensure()
    L = HandLedger(settings.ledger_path).release("arrests-only", era="L2")
    L.add("core_arrests", "arrests-only", [dict(apprehension_datetime="2025-01-01 00:00:00", apprehension_aor=SEA)])
    L.close()
    spec = PopulationSpec(by="fy", date_from="2018-10-01", date_to="2020-09-30")
    with pytest.raises(NotAvailable) as exc:
        detention_population(spec, home=settings.home)
    assert exc.value.code == "detention_not_available" and "published detention statistics" in exc.value.message
    con = duckdb.connect(str(settings.ledger_path))  # test-only figures in the registry's real table
    for fy, block, measure, crim, period, value in [
            (2019, "adp_by_agency_month_criminality", "adp", "Total", "fiscal_year", 111.0),
            (2019, "alos_by_agency_month_criminality", "alos_days", "Total", "fiscal_year", 22.5),
            (2019, "adp_by_agency_month_criminality", "adp", "Convicted Criminal", "fiscal_year", 60.0),
            (2020, "adp_by_agency_month_criminality", "adp", "Total", "fiscal_year_to_date", 99.0)]:
        con.execute("INSERT INTO ref_detstats_values (detstats_fy, detstats_block, detstats_cell, detstats_measure, "
                    "detstats_agency, detstats_criminality, detstats_period, detstats_value, source_id) "
                    "VALUES (?, ?, 'X1', ?, 'Total', ?, ?, ?, 'test-fixture')", [fy, block, measure, crim, period, value])
    con.close()
    r = detention_population(spec, home=settings.home)
    assert r.provenance["source"] == "published"
    assert r.rows == [{"fy": 2019, "adp": 111.0, "alos_days": 22.5, "published_period": "fiscal_year", "source_id": "test-fixture"},
                      {"fy": 2020, "adp": 99.0, "alos_days": None, "published_period": "fiscal_year_to_date",
                       "source_id": "test-fixture"}]
    assert "not counts from records" in r.notes[0] and "year-to-date" in r.notes[1]
    r = detention_population(PopulationSpec(by="fy,criminality", date_from="2018-10-01", date_to="2019-09-30"), home=settings.home)
    assert r.rows == [{"fy": 2019, "criminality": "Convicted Criminal", "adp": 60.0, "alos_days": None,
                       "published_period": "fiscal_year", "source_id": "test-fixture"}]
    with pytest.raises(NotAvailable) as exc:
        detention_population(PopulationSpec(by="facility", date_from="2018-10-01", date_to="2019-09-30"), home=settings.home)
    assert exc.value.code == "published_grain"


def test_operation_window_against_baseline(home):
    """Window Sun 2025-01-19 .. Tue 01-21; baseline Sun-Tue of the two weeks before.
    SEA: window p3 (01-21); baseline 01-05..07: 01-06, 01-07 = 2; 01-12..14: 01-13 = 1 (01-08 is a Wednesday).
    NYC: window p4 (01-19); no baseline arrests."""
    r = operation_window(WindowSpec(date_from="2025-01-19", date_to="2025-01-21", weeks=2), home=home)
    rows = {x["aor_code"]: x for x in r.rows}
    assert rows["SEA"] == {"aor_code": "SEA", "window_n": 1, "baseline_mean": 1.5, "baseline_min": 1, "baseline_max": 2,
                           "excess": -0.5, "ratio": 0.67, "baseline_weeks": [2, 1]}
    assert rows["NYC"]["window_n"] == 1 and rows["NYC"]["baseline_weeks"] == [0, 0] and rows["NYC"]["ratio"] is None
    assert r.provenance["overall"]["window_n"] == 2 and r.provenance["overall"]["baseline_mean"] == 1.5
    assert r.provenance["window"]["baseline_from"] == D(2025, 1, 5)


def test_operation_window_lists_every_targeted_area(home):
    r = operation_window(WindowSpec(date_from="2025-01-19", date_to="2025-01-21", weeks=1,
                                    where={"aor_code": ["SEA", "BAL"]}), home=home)
    assert {x["aor_code"]: x["window_n"] for x in r.rows} == {"BAL": 0, "SEA": 1}


def test_operation_from_the_registry(home, tmp_path):
    with pytest.raises(NotAvailable) as exc:
        operation_window(WindowSpec(operation="safe-city-2017"), home=home)
    assert exc.value.code == "registry_empty"
    settings = load_settings(tmp_path / "home").ensure()
    enforcement_ledger(settings.ledger_path)
    add_test_registries(settings.ledger_path)
    r = operation_window(WindowSpec(operation="test-op", weeks=2), home=settings.home)
    assert {x["aor_code"]: x["window_n"] for x in r.rows} == {"BAL": 0, "SEA": 1}
    assert {x["aor_code"]: x["announced"] for x in r.rows} == {"BAL": 28, "SEA": 33} and r.columns[-1] == "announced"
    assert r.provenance["announced"] == {"operation": "test-op", "total": 61, "figure_id": "test-op-total",
                                         "by_aor": {"SEA": 33, "BAL": 28}}
    assert r.provenance["window"]["from"] == D(2025, 1, 19) and any("test-op" in n for n in r.notes)
    with pytest.raises(InputError):
        WindowSpec.parse({"date_from": "2025-01-01", "date_to": "2025-01-10"})
