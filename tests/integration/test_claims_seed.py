"""The seed claims of 2017, checked in CI: their verdicts on a fresh registry build, and with the
SYNTHETIC demo sample loaded (the records checks appear, labelled, and no verdict changes)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from iceledger.claims import VERDICTS, check_claims
from iceledger.claims.claim_report import render_markdown
from iceledger.cli import app
from iceledger.demo import run_demo
from iceledger.settings import PROJECT_DIR, load_settings

EXPECTED = {
    "safe-city-2017-nearly-500": ("supported", 498),
    "safe-city-2017-four-days": ("supported", 4),
    "safe-city-2017-ended-sep-24": ("contradicted", "2017-09-27"),
    "arrests-2017-up-43-percent": ("supported", 42),
    "safe-city-2017-ten-areas": ("contradicted", None),
    "mega-2017-at-least-8000": ("not_testable", None),
}
SAFE_CITY_AORS = "BAL, BOS, CHI, DEN, LOS, NYC, PHI, SEA, SFR, WAS"


@pytest.fixture(scope="module")
def fresh(registry_build):
    """The session's fresh `iceledger build` (registries only), read-only."""
    return registry_build[0]


@pytest.fixture(scope="module")
def results(fresh):
    return {r.claim_id: r for r in check_claims(home=fresh.home)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    settings = load_settings(tmp_path_factory.mktemp("claims-demo") / "home").ensure()
    run_demo(settings, scale=0.1, real=False)
    return settings


def test_seed_verdicts_on_a_fresh_build(results):
    assert {k: r.verdict for k, r in results.items()} == {k: v for k, (v, _) in EXPECTED.items()}
    for cid, (_, value) in EXPECTED.items():
        d = results[cid].to_dict()
        if value is not None:
            assert d["value"] == value and d["value_source"] == "official", cid
        assert d["query"].strip() and "FROM ref_" in d["query"], cid
        assert d["source_url"] or d["source"]["note"], cid
        assert d["is_synthetic"] is False and d["releases"] == []


def test_nearly_500_against_ice_figure_and_what_the_records_would_need(results):
    r = results["safe-city-2017-nearly-500"]
    d = r.to_dict()
    assert d["official_value"] == 498 and d["figure_id"] == "ice-2017-safe-city-arrests"
    # ICE's release is the primary (its address was not found); the copy it was read in is named beside it
    assert d["official"]["source_url"] is None and d["official"]["figure_kind"] == "official_publication"
    assert d["official"]["retrieved_via"].startswith("https://www.the-chesapeake.com/") and d["official"]["source_confidence"] == "low"
    assert "498 is within 25 (5% of 500) below 500" in r.explanation
    records = r.checks[1]
    assert records.kind == "records" and records.verdict == "not_testable"
    assert "2017-09-24 to 2017-09-27" in records.testable_when and SAFE_CITY_AORS in records.testable_when


def test_end_date_is_contradicted_by_ice_release(results):
    c = results["safe-city-2017-ended-sep-24"].checks[0]
    assert c.verdict == "contradicted" and c.official["operation_slug"] == "safe-city-2017"
    assert "2017-09-27 (Wednesday) is not 2017-09-24 (Sunday)" in c.explanation
    assert "FROM ref_operations" in c.query and "'safe-city-2017'" in c.query


def test_43_percent_is_judged_against_the_year_end_42(results):
    r = results["arrests-2017-up-43-percent"]
    official = r.checks[0]
    assert official.value == 42 and "42 is within 1 of 43" in official.explanation
    related = {f["figure_id"]: f["value"] for f in official.related}
    assert related == {"ice-fy2017-arrests-jan20-sep30": 110568, "ice-2017-arrests-jan22-sep02-change-pct": 43}
    assert "same days a year earlier" in r.checks[1].testable_when


def test_ten_areas_contradicted_at_place_level_supported_at_aor_level(results):
    r = results["safe-city-2017-ten-areas"]
    place, aor = r.checks
    assert (place.level, place.verdict, place.decides) == ("place", "contradicted", True)
    assert (aor.level, aor.verdict, aor.decides) == ("aor", "supported", False)
    assert place.detail["claimed_only"] == ["Portland, Oregon (city Portland, OR; AOR SEA)"]
    assert place.detail["listed_only"] == ["Seattle (AOR SEA)"]
    assert len(place.detail["matched"]) == 9 and len(aor.detail["matched"]) == 10
    assert aor.value == SAFE_CITY_AORS.split(", ")
    assert "AOR level: supported" in r.explanation


def test_mega_is_not_testable_and_says_why(results):
    r = results["mega-2017-at-least-8000"]
    c = r.checks[0]
    assert c.verdict == "not_testable" and "reported_unconfirmed" in c.explanation and "8,400" in c.explanation
    assert "publishes figures about Operation Mega" in c.testable_when
    d = r.to_dict()
    assert d["official_value"] is None and d["official"]["value"] == 8400 and d["computed_value"] is None


def test_cli_json_gives_each_claim_verdict_value_official_source_and_query(fresh):
    out = CliRunner().invoke(app, ["claims", "check", str(PROJECT_DIR / "claims" / "seed-2017.yaml"), "--json",
                                   "--home", str(fresh.home)])
    assert out.exit_code == 0, out.output
    env = json.loads(out.stdout)
    assert env["ok"] and env["meta"]["count"] == 6
    assert env["meta"]["verdicts"] == {"supported": 3, "contradicted": 2, "not_testable": 1}
    for c in env["data"]:
        assert c["verdict"] in VERDICTS and c["query"] and c["official"] and (c["source_url"] or c["source"]["note"])
        assert c["value"] is not None or c["verdict"] == "not_testable"
        assert c["checks"] and all(k["explanation"] for k in c["checks"])


def test_text_and_markdown(fresh, results):
    out = CliRunner().invoke(app, ["claims", "check", "--home", str(fresh.home)])
    assert out.exit_code == 0 and "safe-city-2017-ended-sep-24" in out.output and "contradicted" in out.output
    md = render_markdown(list(results.values()))
    assert md.startswith("# Claim checks") and "| Claim | Verdict |" in md and "```sql" in md
    assert "SYNTHETIC" not in md


def test_with_the_synthetic_demo_sample_records_checks_are_labelled_and_decide_nothing(demo, results):
    again = {r.claim_id: r for r in check_claims(home=demo.home)}
    assert {k: r.verdict for k, r in again.items()} == {k: r.verdict for k, r in results.items()}
    for cid in ("safe-city-2017-nearly-500", "arrests-2017-up-43-percent"):
        r = again[cid]
        records = [c for c in r.checks if c.kind == "records"]
        assert len(records) == 1, cid
        rec = records[0]
        assert rec.is_synthetic and not rec.decides and rec.label.startswith("SYNTHETIC")
        assert rec.verdict in VERDICTS and rec.name == "SYNTHETIC records (not ICE's)"
        assert "synth-demo-h-uwchr-enf" in {x["release_id"] for x in rec.releases}
        assert rec.notes[0].startswith("SYNTHETIC")
        d = r.to_dict()
        assert d["is_synthetic"] is True and d["value_source"] == "official"
        assert "SYNTHETIC records (a demonstration, not ICE's data)" in r.explanation
    md = render_markdown(list(again.values()))
    assert "Checks marked SYNTHETIC" in md and "SYNTHETIC demo:" in md
    out = CliRunner().invoke(app, ["claims", "check", "--home", str(demo.home)])
    assert "SYNTHETIC" in out.output
