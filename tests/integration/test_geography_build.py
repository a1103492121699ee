"""`iceledger build` loads the geography registries, every row naming its source; `iceledger places` answers."""

from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

from iceledger.cli import app
from iceledger.pipeline.build import build
from iceledger.pipeline.steps import REGISTRY_STEPS


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    from iceledger.settings import load_settings

    settings = load_settings(tmp_path_factory.mktemp("geo") / "home").ensure()
    report = build(settings, steps=[s for s in REGISTRY_STEPS if s[0] in ("sources", "geography")])
    con = duckdb.connect(str(settings.ledger_path), read_only=True)
    yield con, report
    con.close()


def test_rows_per_registry(ledger):
    _, report = ledger
    assert report.summary["rows"]["geography"] == {"ref_states": 56, "ref_counties": 3245, "ref_aors": 26,
                                                  "ref_aor_periods": 9, "ref_county_aor": 3272, "ref_places": 249}
    assert {f.code for f in report.findings} == {"county_without_aor", "aor_not_established",
                                                 "aor_county_count_differs", "aor_period_date_unknown"}


def test_every_row_names_a_known_source(ledger):
    con, _ = ledger
    for t in ("ref_states", "ref_counties", "ref_aors", "ref_aor_periods", "ref_county_aor", "ref_places"):
        bad = con.execute(f"SELECT count(*) FROM {t} WHERE source_detail IS NULL OR source_id NOT IN "
                          "(SELECT source_id FROM ref_sources)").fetchall()[0][0]
        assert bad == 0, t


def test_crosswalk_queries(ledger):
    con, _ = ledger
    rows = con.execute("SELECT c.county_full_name, s.state_code, x.aor_code FROM ref_county_aor x "
                       "JOIN ref_counties c USING (county_fips) JOIN ref_states s USING (state_fips) "
                       "WHERE x.is_current AND x.county_fips IN ('48201', '06073', '36119', '36029', '48141', '06037') "
                       "ORDER BY x.county_fips").fetchall()
    assert rows == [("Los Angeles County", "CA", "LOS"), ("San Diego County", "CA", "SND"),
                    ("Erie County", "NY", "BUF"), ("Westchester County", "NY", "NYC"),
                    ("El Paso County", "TX", "ELP"), ("Harris County", "TX", "HOU")]
    per_period = con.execute("SELECT aor_period, count(*), count(aor_code) FROM ref_county_aor "
                             "GROUP BY 1 ORDER BY 1").fetchall()
    assert per_period == [("before-harlingen", 15, 9), ("central-texas-list", 10, 10), ("central-texas-records", 10, 9),
                          ("florida-panhandle-list", 4, 4), ("florida-panhandle-records", 4, 0), ("north-idaho-list", 1, 1),
                          ("north-idaho-records", 1, 0), ("since-harlingen", 15, 15), ("stable", 3212, 3212)]
    current = con.execute("SELECT aor_period, bool_and(is_current) FROM ref_county_aor GROUP BY 1 ORDER BY 1").fetchall()
    assert [p for p, c in current if c] == ["central-texas-list", "florida-panhandle-list", "north-idaho-list",
                                            "since-harlingen", "stable"]


def test_build_is_deterministic(tmp_path):
    from iceledger.settings import load_settings

    dumps = []
    for i in range(2):
        s = load_settings(tmp_path / f"h{i}").ensure()
        build(s, steps=[st for st in REGISTRY_STEPS if st[0] in ("sources", "geography")])
        con = duckdb.connect(str(s.ledger_path), read_only=True)
        dumps.append(con.execute("SELECT * FROM ref_county_aor ORDER BY county_fips, aor_period").fetchall())
        con.close()
    assert dumps[0] == dumps[1]


runner = CliRunner()


def test_cli_resolve_json_envelope():
    out = runner.invoke(app, ["places", "resolve", "New York", "--json"])
    assert out.exit_code == 0, out.output
    env = json.loads(out.output)
    assert env["ok"] and env["data"]["ambiguous"] is True and env["data"]["aor_codes"] == ["BUF", "NYC"]
    assert [c["kind"] for c in env["data"]["candidates"]] == ["state", "city"]


def test_cli_resolve_text_and_not_found():
    out = runner.invoke(app, ["places", "resolve", "Portland, Ore."])
    assert out.exit_code == 0 and "Portland, OR" in out.output and "SEA" in out.output
    miss = runner.invoke(app, ["places", "resolve", "Springfield, Illinois", "--json"])
    assert miss.exit_code == 2 and json.loads(miss.output)["error"]["code"] == "place_not_found"
    bad = runner.invoke(app, ["places", "resolve", "Seattle", "--on", "yesterday"])
    assert bad.exit_code == 2


def test_cli_aors_and_counties():
    out = runner.invoke(app, ["places", "aors", "--json"])
    rows = {r["aor_code"]: r for r in json.loads(out.output)["data"]}
    assert rows["HAR"]["counties"] == 15 and rows["HQ"]["field_office"] is None
    har = json.loads(runner.invoke(app, ["places", "counties", "HAR", "--json"]).output)["data"]
    assert len(har) == 15 and all(r["is_aor_established"] for r in har)
    before = json.loads(runner.invoke(app, ["places", "counties", "SNA", "--on", "2019-01-01", "--json"]).output)["data"]
    cameron = next(r for r in before if r["county_fips"] == "48061")
    assert cameron["is_aor_established"] and sum(not r["is_aor_established"] for r in before) == 7  # 6 + Hamilton
    mclennan = next(r for r in before if r["county_fips"] == "48309")
    assert mclennan["is_aor_established"]
