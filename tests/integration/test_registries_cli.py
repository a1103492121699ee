"""`iceledger build` into a fresh home, then the operations, figures and policies commands, text and JSON."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from iceledger.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def built_home(registry_build):
    settings, report = registry_build
    assert report.ok, report.to_text()
    return settings, report


def run(settings, *args) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--home", str(settings.home)])
    return result.exit_code, result.stdout


def run_json(settings, *args) -> dict:
    code, out = run(settings, *args, "--json")
    assert code == 0, out
    envelope = json.loads(out)
    assert envelope["ok"] is True and set(envelope) == {"ok", "data", "meta"}
    return envelope


def test_build_reports_rows_per_registry(built_home):
    _, report = built_home
    rows = report.summary["rows"]
    assert rows["figures"] == {"ref_official_figures": 99}
    assert rows["operations"] == {"ref_operations": 13, "ref_operation_places": 21}
    assert rows["policies"] == {"ref_policies": 14, "ref_designation_lists": 4, "ref_policy_designations": 654}  # 49 + DHS 605
    assert rows["cooperation"]["ref_place_cooperation"] > 1000
    assert rows["jurisdictions"] == {"ref_jurisdictions": 50}
    assert report.counts()["error"] == 0


def test_operations_show_safe_city_json(built_home):
    data = run_json(built_home[0], "operations", "show", "safe-city-2017")["data"]
    op = data["operation"]
    assert (op["operation_slug"], op["announced_count"], op["metric_code"]) == ("safe-city-2017", 498, "operation_arrests")
    assert (op["operation_start_date"], op["operation_end_date"], op["date_basis"]) == ("2017-09-24", "2017-09-27", "derived")
    places = data["places"]
    assert len(places) == 10 and sum(p["announced_count"] for p in places) == 498
    assert data["places_sum"] == 498 and data["places_sum_matches_total"] is True
    assert {p["place_text"]: p["aor_code"] for p in places} == {
        "Baltimore": "BAL", "Cook County, Illinois": "CHI", "Denver": "DEN", "Los Angeles": "LOS", "New York": "NYC",
        "Philadelphia": "PHI", "Seattle": "SEA", "Santa Clara County, California": "SFR", "Washington DC": "WAS", "Massachusetts": "BOS"}
    assert data["aor_codes"] == sorted(["BAL", "CHI", "DEN", "LOS", "NYC", "PHI", "SEA", "SFR", "WAS", "BOS"])
    seattle = [p for p in places if p["place_text"] == "Seattle"][0]
    assert seattle["alt_place_names"] == ["Portland, Ore."]
    breakdown = {f["metric_code"]: f["figure_value"] for f in data["figures"] if f["geography_text"] == "ten areas named in the release"}
    assert breakdown["arrests_with_convictions"] == 317 and breakdown["gang_affiliated"] == 18
    assert len(data["designations"]) == 10


def test_operations_list_text_and_json(built_home):
    settings, _ = built_home
    env = run_json(settings, "operations", "list")
    assert env["meta"]["count"] == 13
    assert [o["operation_slug"] for o in env["data"]][0] == "cross-check-2011-05"
    code, out = run(settings, "operations", "list")
    assert code == 0 and "safe-city-2017" in out and "mega-2017" in out and "8,400" in out


def test_unknown_operation_is_a_clear_error(built_home):
    code, out = run(built_home[0], "operations", "show", "no-such-op", "--json")
    assert code == 2
    env = json.loads(out)
    assert env["ok"] is False and env["error"]["code"] == "unknown_operation" and "safe-city-2017" in env["error"]["fix"]


def test_figures_list_by_metric_and_show(built_home):
    settings, _ = built_home
    env = run_json(settings, "figures", "list", "--metric", "administrative_arrests", "--fy", "2017")
    assert {f["figure_id"]: f["figure_value"] for f in env["data"]} == {"ice-fy2017-arrests": 143470, "ice-fy2017-arrests-impact": 143473}
    one = run_json(settings, "figures", "show", "ice-fy2017-arrests-jan20-sep30")["data"]
    assert one["figure_value"] == 110568 and one["source_url"].startswith("https://")
    assert (one["figure_kind"], one["source_confidence"]) == ("official_publication", "medium") and one["retrieved_via"]
    code, out = run(settings, "figures", "list", "--metric", "arrests", "--json")
    assert code == 2 and json.loads(out)["error"]["code"] == "unknown_metric"
    every = run_json(settings, "figures", "list")["data"]
    assert all(f["figure_kind"] and f["source_confidence"] and f["source_title"] for f in every)
    estimates = run_json(settings, "figures", "list", "--kind", "news_estimate")["data"]
    assert {f["figure_id"] for f in estimates} == {"nbc-2017-mega-planned-targets", "ice-2019-07-family-op-planned-targets"}


def test_policies_list_by_state(built_home):
    settings, _ = built_home
    env = run_json(settings, "policies", "list", "--state", "ca")
    assert env["meta"]["filters"]["state"] == "CA"
    assert env["data"] and {j["state_code"] for j in env["data"]} == {"CA"}
    names = {j["jurisdiction_id"] for j in env["data"]}
    assert {"ca", "ca-san-diego-county", "ca-san-francisco", "ca-santa-clara-county", "ca-berkeley", "ca-los-angeles"} <= names
    assert all(j["policy_known"] is (j["jurisdiction_id"] == "ca") for j in env["data"])  # only the state's own laws are known
    texas = {j["jurisdiction_id"]: j for j in run_json(settings, "policies", "list", "--state", "TX")["data"]}
    assert set(texas) == {"tx", "tx-travis-county"}
    assert {p["policy_kind"] for p in texas["tx-travis-county"]["policies"]} == {"judicial_warrant_required", "listed_offences_only"}
    assert [p["policy_kind"] for p in texas["tx"]["policies"]] == ["anti_sanctuary_mandate"]
    code, out = run(settings, "policies", "list", "--state", "CA")
    assert code == 0 and "7 jurisdictions in CA" in out and "unknown" in out


def test_places_status_text_and_json(built_home):
    settings, _ = built_home
    code, out = run(settings, "places", "status", "Harris County, TX", "--on", "2025-06-01")
    out = " ".join(out.split())  # the console wraps long lines
    assert code == 0 and "Harris County, Texas (48201) on 2025-06-01" in out
    assert "must honour detainers" in out and "Senate Bill 4" in out and "287(g): no" in out
    env = run_json(settings, "places", "status", "Brooklyn", "--on", "2025-06-01")
    d = env["data"]
    assert d["county_fips"] == "36047" and d["designations"]["answer"] == "listed"  # New York City, on DHS's list
    assert any("Brooklyn is a city" in n for n in d["resolution_notes"])
    code, out = run(settings, "places", "status", "St. Louis", "--json")
    assert code == 2 and json.loads(out)["error"]["code"] == "not_one_county"
    code, out = run(settings, "places", "status", "texas", "--level", "state", "--on", "2025-06-01")
    out = " ".join(out.split())
    assert code == 0 and "Texas (state TX, 254 counties) on 2025-06-01" in out and "must honour detainers" in out
    code, out = run(settings, "places", "status", "Houston", "--level", "aor", "--on", "2025-06-01")
    out = " ".join(out.split())
    assert code == 0 and "Houston (aor HOU," in out and "ICE detainers: counted by county" in out
    code, out = run(settings, "places", "status", "Narnia", "--level", "state", "--json")
    assert code != 0 and json.loads(out)["error"]["code"] == "unknown_state"


def test_places_resolve_accepts_home(built_home):
    settings, _ = built_home
    env = run_json(settings, "places", "resolve", "Carson City")
    assert [c["county_fips"] for c in env["data"]["candidates"]] == [["32510"]]
