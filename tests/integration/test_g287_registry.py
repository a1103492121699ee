"""The g287 build step on the bundled lists, the agreements over time, and the CLI (list, snapshots, diff)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from iceledger.cli import app
from iceledger.pipeline.ledger import open_ledger

runner = CliRunner()


@pytest.fixture(scope="module")
def built(registry_build):
    return registry_build


@pytest.fixture(scope="module")
def con(built):
    c = open_ledger(built[0])
    yield c
    c.close()


def cli(built, *args):
    r = runner.invoke(app, ["g287", *args, "--json", "--home", str(built[0].home)])
    return r.exit_code, json.loads(r.output)


def agreement(con, state, key, model):
    cur = con.execute("SELECT * FROM ref_287g_agreements WHERE agency_state_name = ? AND agency_key = ? AND g287_model_code = ?",
                      [state, key, model])
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1
    return dict(zip(names, rows[0]))


def test_row_counts(built):
    rows = built[1].summary["rows"]["g287"]
    assert rows == {"ref_287g_listings": 13535, "ref_287g_agreements": 884, "ref_287g_snapshots": 26, "ref_287g_moas": 1681}


def test_statuses(con):
    assert dict(con.execute("SELECT g287_status, count(*) FROM ref_287g_agreements GROUP BY 1").fetchall()) == \
        {"participating": 832, "pending": 25, "not in latest list": 27}


def test_known_agreements(con):
    a = agreement(con, "ALABAMA", "colbert county sheriff", "JEM")
    assert (a["agency_name"], a["agency_ori"], a["g287_signed_date"]) == ("Colbert County Sheriff's Office", "AL0200000", dt.date(2025, 5, 8))
    assert (a["g287_first_seen_date"], a["g287_last_seen_date"], a["g287_snapshot_count"]) == (dt.date(2025, 5, 16), dt.date(2025, 7, 18), 18)
    t = agreement(con, "UTAH", "tooele county sheriff", "WSO")
    assert t["g287_signed_date"] == dt.date(2025, 7, 7) and t["g287_first_seen_date"] == dt.date(2025, 7, 18)
    e = agreement(con, "ALABAMA", "etowah county sheriff", "JEM")
    assert e["g287_signed_date"] == dt.date(2020, 6, 9)
    gone = agreement(con, "FLORIDA", "florida fish and wildlife conservation commission", "TFM")
    assert gone["g287_status"] == "not in latest list" and gone["g287_last_seen_date"] == dt.date(2025, 7, 3)
    renamed = agreement(con, "FLORIDA", "palm beach police", "TFM")  # listed as "Town of Palm Beach Police Department" until 2025-07-01
    assert renamed["g287_first_seen_date"] == dt.date(2025, 5, 16) and renamed["agency_name"] == "Palm Beach Police Department"


def test_places_resolved_against_the_geography_registry(con, built):
    a = agreement(con, "ALABAMA", "colbert county sheriff", "JEM")
    assert (a["agency_state_code"], a["agency_county_fips"], a["aor_code"]) == ("AL", "01033", "NOL")
    t = agreement(con, "UTAH", "tooele county sheriff", "WSO")
    assert (t["agency_county_fips"], t["aor_code"], t["g287_moa_count"], t["g287_moa_first_date"]) == ("49045", "SLC", 1, dt.date(2025, 6, 25))
    lampasas = agreement(con, "TEXAS", "lampass county sheriff", "WSO")  # ICE writes "Lampass County": a listed fix
    assert lampasas["agency_county_fips"] == "48281"
    counts = con.execute("SELECT count(*), count(agency_state_code), count(agency_county_name), count(agency_county_fips) "
                         "FROM ref_287g_agreements").fetchall()[0]
    assert counts == (884, 884, 647, 644)  # 15 counties read from agencies' names on the 2021-2025 lists
    cobb = agreement(con, "GEORGIA", "cobb county sheriff", "JEM")  # ended in 2021: only on the January 2021 list
    assert (cobb["agency_county_fips"], cobb["agency_county_basis"], cobb["g287_first_seen_date"], cobb["g287_last_seen_date"]) == \
        ("13067", "agency_name", dt.date(2021, 1, 13), dt.date(2021, 1, 13))
    f = {x.code: x for x in built[1].findings if x.step == "g287"}
    assert {e["county"] for e in f["county_unresolved"].detail["examples"]} == {"Bowie County", "German Coast County", "Albemarle County"}


def test_every_row_names_its_source(con):
    for t in ("ref_287g_listings", "ref_287g_agreements", "ref_287g_snapshots", "ref_287g_moas"):
        n = con.execute(f"SELECT count(*) FROM {t} t LEFT JOIN ref_sources s USING (source_id) "
                        f"WHERE s.source_id IS NULL OR t.source_detail IS NULL").fetchall()[0][0]
        assert n == 0, t


def test_findings_list_repairs(built):
    f = {x.code: x for x in built[1].findings if x.step == "g287"}
    assert f["g287_signed_repaired"].count == 4 and "g287_signed_quarantined" not in f
    assert "g287_sources_disagree" not in f
    assert f["g287_listed_twice"].detail["examples"][0][3] == "st cloud police"


def test_diff_last_compiled_snapshot_to_ice_list(built):
    code, env = cli(built, "diff", "2025-07-03 pm", "2025-07-18pm")
    assert code == 0
    d = env["data"]
    assert (d["from"], d["to"], d["agreements_before"], d["agreements_after"]) == ("2025-07-03 pm", "2025-07-18 pm", 752, 832)
    assert (len(d["agencies_added"]), len(d["agencies_removed"]), len(d["model_changes"])) == (72, 5, 11)
    assert {r["agency_key"] for r in d["agencies_removed"]} == {
        "florida fish and wildlife conservation commission", "okaloosa county of corrections", "louisiana state patrol",
        "southside place police", "walworth county sheriff"}
    rockwall = next(r for r in d["model_changes"] if r["agency_key"] == "rockwall county sheriff")
    assert rockwall["models_added"] == ["TFM", "WSO"] and rockwall["models_removed"] == [] and rockwall["models_before"] == ["JEM"]
    escambia = next(r for r in d["model_changes"] if r["agency_key"] == "escambia county sheriff")
    assert escambia["models_removed"] == ["WSO"]


def test_diff_errors(built):
    code, env = cli(built, "diff", "2025-05-19", "2025-07-18 pm")
    assert code == 2 and env["error"]["code"] == "ambiguous_snapshot"
    code, env = cli(built, "diff", "2025-01-01", "2025-07-18 pm")
    assert code == 2 and env["error"]["code"] == "unknown_snapshot" and "2025-05-16 am" in env["error"]["fix"]


def test_list_and_snapshots(built):
    code, env = cli(built, "list", "--state", "UTAH", "--model", "wso")
    assert code == 0 and "Tooele County Sheriff's Office" in {r["agency_name"] for r in env["data"]}
    code, env2 = cli(built, "list", "--state", "ut", "--model", "WSO")
    assert env2["data"] == env["data"]
    code, env = cli(built, "snapshots")
    assert env["meta"]["count"] == 25 and env["data"][0]["snapshot"] == "2021-01-13 am"
    may16 = next(r for r in env["data"] if r["snapshot"] == "2025-05-16 am")
    assert may16["sources"] == ["ice-287g-participating-2025-05-16", "tracking-287g-snapshots-2025"]
