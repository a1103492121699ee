"""Counts on a hand-made ledger with answers worked out by hand (see measures_ledger.enforcement_ledger).

Latest-release rule on arrests: ice-l2 (12 arrests after its one duplicate) + ice-l1's two arrests
dated before ice-l2's coverage (2024-10-05..2025-10-01); ice-l2-old is superseded, ice-l1's two
arrests inside the coverage are left out as overlap, synth-l2 is synthetic and left out.
"""

from __future__ import annotations

import datetime as dt

import pytest
from measures_ledger import add_test_registries, enforcement_ledger

from iceledger.errors import InputError, NotFoundError
from iceledger.measures import MeasureSpec, NotAvailable, measure
from iceledger.settings import load_settings

D = dt.date


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    settings = load_settings(tmp_path_factory.mktemp("measures") / "home").ensure()
    enforcement_ledger(settings.ledger_path)
    return settings.home


@pytest.fixture(scope="module")
def home_with_registries(tmp_path_factory):
    settings = load_settings(tmp_path_factory.mktemp("measures-reg") / "home").ensure()
    enforcement_ledger(settings.ledger_path)
    add_test_registries(settings.ledger_path)
    return settings.home


def count(home, **spec):
    return measure(MeasureSpec(**spec), home=home)


def by(result, dim, col="n"):
    return {r[dim]: r[col] for r in result.rows}


def test_total_follows_the_latest_release_rule(home):
    r = count(home, count="arrests")
    assert r.rows == [{"n": 14}]
    sel = r.provenance["selection"][0]
    assert sel["releases"] == ["ice-l1", "ice-l2"]
    assert {s["release_id"] for s in sel["set_aside"]} == {"ice-l2-old", "synth-l2"}
    assert sel["overlaps_left_out"] == [{"release_id": "ice-l1", "from": D(2024, 10, 5), "to": D(2024, 11, 30),
                                         "covered_by": "ice-l2"}]
    q = r.provenance["quality"]
    assert q["rows_left_out_as_overlap"] == 2
    assert q["duplicates_left_out"] == 1 and q["duplicates_flagged"] == 2 and q["duplicates_counted"] is False
    assert q["rows_without_aor"] == 1 and q["share_without_aor"] == round(1 / 14, 4)
    assert q["synthetic_rows_counted"] == 0 and q["synthetic_included"] is False


def test_by_aor(home):
    assert by(count(home, count="arrests", by="aor_code"), "aor_code") == {"NYC": 4, "SEA": 9, None: 1}


def test_flagged_duplicates_counted_on_request(home):
    r = count(home, count="arrests", count_duplicates=True)
    assert r.value() == 15
    assert r.provenance["quality"]["duplicates_counted"] is True


def test_pinned_release(home):
    r = count(home, count="arrests", releases=["ice-l2-old"], by="aor_code")
    assert by(r, "aor_code") == {"NYC": 1, "SEA": 2}
    assert r.provenance["selection"][0]["releases"] == ["ice-l2-old"]
    with pytest.raises(NotFoundError) as exc:
        count(home, count="arrests", releases=["nope"])
    assert exc.value.code == "unknown_release" and "ice-l2" in exc.value.fix


def test_two_pinned_releases_of_one_era_are_not_double_counted(home):
    r = count(home, count="arrests", releases=["ice-l2", "ice-l2-old"])
    # ice-l2-old spans 2024-10-05..2025-05-05, wholly inside ice-l2's coverage: all 3 rows left out
    assert r.value() == 12 and r.provenance["quality"]["rows_left_out_as_overlap"] == 3


def test_synthetic_options(home):
    r = count(home, count="arrests", synthetic="only")
    assert r.value() == 2 and r.is_synthetic
    assert r.notes[0].startswith("SYNTHETIC: 2 of the rows counted")
    r = count(home, count="arrests", synthetic="include")
    assert r.value() == 16 and r.provenance["quality"]["synthetic_rows_counted"] == 2
    assert count(home, count="arrests", synthetic="exclude").value() == 14


def test_fiscal_year_boundaries(home):
    assert by(count(home, count="arrests", by="fy"), "fy") == {2024: 2, 2025: 11, 2026: 1}
    assert by(count(home, count="arrests", by="year", namespace="L2"), "year") == {2024: 2, 2025: 10}


def test_month_and_week(home):
    months = by(count(home, count="arrests", by="month", namespace="L2"), "month")
    assert months[D(2025, 1, 1)] == 7 and months[D(2024, 10, 1)] == 1
    weeks = by(count(home, count="arrests", by="week", namespace="L2", date_from="2025-01-06", date_to="2025-01-26"), "week")
    assert weeks == {D(2025, 1, 6): 3, D(2025, 1, 13): 2, D(2025, 1, 20): 2}


def test_method_groups_and_share(home):
    r = count(home, count="arrests", by="method_group", namespace="L2", share=True)
    assert by(r, "method_group") == {"287g": 1, "at_large": 9, "custodial": 2}
    assert by(r, "method_group", "share") == {"287g": round(1 / 12, 4), "at_large": 0.75, "custodial": round(2 / 12, 4)}
    assert r.provenance["method_grouping"]["sha256"]


def test_filters_and_window(home):
    r = count(home, count="arrests", where={"aor_code": ["SEA", "NYC"], "method_group": "at_large"},
              date_from="2025-01-01", date_to="2025-03-31")
    assert r.value() == 6  # 01-06, 01-07, 01-08, 01-13, 01-25 (SEA) and 02-02 (NYC); Atlantis has no AOR
    assert count(home, count="arrests", where={"fy": 2026}).value() == 1


def test_distinct_people_within_one_namespace_only(home):
    with pytest.raises(InputError) as exc:
        count(home, count="arrests", unit="people")
    assert exc.value.code == "people_across_namespaces"
    assert "L1" in exc.value.message and "L2" in exc.value.message and "--namespace" in exc.value.fix
    r = count(home, count="arrests", unit="people", namespace="L2")
    assert r.value() == 10  # p1, p2, p3, p4, p5, p6, p10-p13; one arrest has no identifier
    assert r.provenance["quality"]["rows_without_person_id"] == 1
    assert count(home, count="arrests", unit="people", releases=["ice-l1"]).value() == 4


def test_year_earlier_with_a_window(home):
    r = count(home, count="arrests", by="aor_code", compare="year_earlier", date_from="2025-10-01", date_to="2025-10-31")
    got = {x["aor_code"]: (x["n"], x["prior_n"], x["change_pct"]) for x in r.rows}
    assert got == {"NYC": (1, 0, None), "SEA": (0, 1, -100.0)}
    assert r.columns == ["aor_code", "n", "prior_n", "change", "change_pct"]
    q = r.provenance["quality"]  # the rows of both windows (Oct 2025, Oct 2024), not the year between them
    assert (q["rows_counted"], q["duplicates_left_out"], q["rows_left_out_as_overlap"]) == (2, 1, 1)


def test_year_earlier_by_month(home):
    r = count(home, count="arrests", by="month", compare="year_earlier")
    got = {x["month"]: (x["n"], x["prior_n"]) for x in r.rows}
    assert got[D(2025, 10, 1)] == (1, 1)
    assert got[D(2025, 1, 1)] == (7, None)  # nothing loaded as early as January 2024: unknown, not zero
    assert got[D(2025, 9, 1)] if D(2025, 9, 1) in got else True


def test_before_after(home):
    r = count(home, count="arrests", compare="before_after", compare_date="2025-01-20",
              date_from="2024-10-01", date_to="2025-01-31")
    rows = {x["period"]: x for x in r.rows}
    assert (rows["before"]["n"], rows["before"]["days"]) == (7, 111)
    assert (rows["after"]["n"], rows["after"]["days"]) == (2, 12)
    assert rows["after"]["change_pct"] == round(100 * ((2 / 12) / (7 / 111) - 1), 1) == 164.3


def test_rates_only_where_population_is_known(home, home_with_registries):
    r = count(home, count="arrests", by="aor_code", rate=True)
    assert "population" not in r.columns
    assert any("no resident population is loaded" in n for n in r.notes)
    r = count(home_with_registries, count="arrests", by="aor_code", rate=True, date_from="2024-10-01", date_to="2025-09-30")
    rows = {x["aor_code"]: x for x in r.rows}
    assert rows["SEA"]["n"] == 8 and rows["SEA"]["population"] == 1_000_000 and rows["SEA"]["rate_per_100k"] == 0.8
    assert rows["SEA"]["population_year"] == 2025 and rows["SEA"]["population_source"] == "test-fixture"
    assert rows["NYC"]["rate_per_100k"] is None
    assert any("NYC" in n for n in r.notes)


def test_policy_period_needs_the_registry(home, home_with_registries):
    with pytest.raises(NotAvailable) as exc:
        count(home, count="arrests", by="policy_period", policy="test-state")
    assert exc.value.code == "registry_empty" and "not available in this ledger" in exc.value.message
    r = count(home_with_registries, count="arrests", by="policy_period", policy="test-state")
    assert by(r, "policy_period") == {"before": 2, "in_effect": 2}  # arrests recorded in WASHINGTON
    assert any(n.startswith("policy_period: test-state (Washington") for n in r.notes)
    assert "policies" in r.provenance["registries_used"]
    r = count(home_with_registries, count="detainers", by="policy_period", policy="test-county")
    assert by(r, "policy_period") == {"before": 1, "in_effect": 1, "after": 1}  # KINGJWA: 10-01, 10-20, 12-01
    r = count(home_with_registries, count="arrests", by="policy_period", policy="test-county")
    assert by(r, "policy_period") == {"in_effect": 1, "after": 1}  # arrests placed in King County: 11-02, 01-21
    with pytest.raises(NotAvailable):
        count(home_with_registries, count="detainers", by="policy_period", policy="test-city")
    with pytest.raises(NotFoundError):
        count(home_with_registries, count="detainers", by="policy_period", policy="nope")


def test_designation_period(home_with_registries):
    """A government listing of Washington on 2025-01-20 (test data): WASHINGTON arrests before and since."""
    r = count(home_with_registries, count="arrests", by="policy_period", policy="test-list:wa")
    assert by(r, "policy_period") == {"before": 2, "in_effect": 2}  # 2024-10-05, 2024-11-02 | 2025-01-21, 2025-01-25
    assert any("designated by TEST" in n for n in r.notes)


def test_registry_dimensions(home, home_with_registries):
    assert by(count(home_with_registries, count="detainers", by="county"), "county") == {"36061": 3, "53033": 3}
    with pytest.raises(NotAvailable):
        count(home, count="detainers", by="county")


def test_stays_and_book_ins(home):
    assert count(home, count="book_ins").value() == 5
    r = count(home, count="stays", by="facility")
    assert by(r, "facility") == {"TACOMWA": 3}  # each stay by its first stint; the stint without a person is no stay
    assert count(home, count="stays", unit="people").value() == 3


def test_other_tables(home):
    assert by(count(home, count="detainers", by="lift_reason"), "lift_reason") == {
        "booked_into_detention": 1, "declined": 2, "missing": 2, "other": 1}
    assert count(home, count="removals").value() == 2
    with pytest.raises(NotAvailable) as exc:
        count(home, count="encounters")
    assert exc.value.code == "no_releases"


def test_provenance(home):
    r = count(home, count="arrests", by="month,aor_code")
    p = r.provenance
    assert p["engine"] == "duckdb"
    assert "core_arrests" in p["sql"][0]["sql"] and "GROUP BY" in p["sql"][0]["sql"]
    rel = {x["release_id"]: x for x in p["releases"]}
    assert set(rel) == {"ice-l1", "ice-l2"}
    assert rel["ice-l2"]["files"] == [{"file_name": "arrests.xlsx", "table": "core_arrests",
                                        "sha256": __import__("hashlib").sha256(b"ice-l2/arrests.xlsx").hexdigest()}]
    assert rel["ice-l2"]["runs"][0]["run_id"] == "run-ice-l2"
    assert rel["ice-l1"]["era"] == "L1" and rel["ice-l1"]["is_synthetic"] is False
    data = r.to_dict()
    assert data["columns"] == ["month", "aor_code", "n"]
    import json

    assert json.loads(r.to_json())["provenance"]["quality"]["rows_counted"] == 14


def test_sql_in_provenance_runs_again(home):
    """The SQL recorded is the query that ran: run by hand it gives the same counts. It also counts, per group,
    the rows the release and duplicate rules left out, so a group all of whose rows were left out comes back
    with n = 0: the result leaves such groups out."""
    import duckdb

    from iceledger.settings import load_settings as ls

    r = count(home, count="arrests", by="method_group", namespace="L2")
    con = duckdb.connect(str(ls(home).ledger_path), read_only=True)
    try:
        cur = con.execute(r.provenance["sql"][0]["sql"])
        names = [d[0] for d in cur.description]
        again = {row[names.index("method_group")]: row[names.index("n")] for row in cur.fetchall()}
    finally:
        con.close()
    assert {k: n for k, n in again.items() if n} == by(r, "method_group")
    assert "_q_duplicates_left_out" in names and len(r.provenance["sql"]) == 1


def test_a_release_of_one_aor_overlaps_only_that_aor(tmp_path):
    """A newer release of one AOR (the Seattle production beside a national one) stands in for the older
    release's rows in that AOR only, over the days it covers; the other AORs keep the older release's rows."""
    from measures_ledger import HandLedger

    settings = load_settings(tmp_path / "home").ensure()
    L = HandLedger(settings.ledger_path)
    L.release("national", era="H-UWCHR-2019", received="2019-09-01")
    L.add("core_arrests", "national", [dict(apprehension_datetime=f"2017-0{m}-10 10:00:00", apprehension_aor=aor)
                                       for m in (1, 2, 3) for aor in ("Seattle Area of Responsibility", "NEW YORK CITY")])
    L.release("seattle", era="H-UW-SEA", received="2019-09-10")
    L.sql("UPDATE releases SET release_aor_code = 'SEA' WHERE release_id = 'seattle'")
    L.add("core_arrests", "seattle", [dict(apprehension_datetime=f"2017-0{m}-11 10:00:00", aor_code="SEA") for m in (2, 3, 4, 5)])
    L.close()
    r = count(settings.home, count="arrests", by=["aor_code"])
    # national's SEA arrests of 10 January and 10 February come before Seattle's first (11 February): they stay
    assert by(r, "aor_code") == {"NYC": 3, "SEA": 2 + 4}
    (left,) = r.provenance["selection"][0]["overlaps_left_out"]
    assert left == {"release_id": "national", "from": D(2017, 2, 11), "to": D(2017, 3, 10), "covered_by": "seattle",
                    "aor_code": "SEA"}
    assert r.provenance["quality"]["rows_left_out_as_overlap"] == 1
