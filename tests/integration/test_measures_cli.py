"""`iceledger measure`, `funnel`, `window`, `detention` and `export-parquet` from the command line."""

from __future__ import annotations

import json

import pytest
from measures_ledger import enforcement_ledger
from typer.testing import CliRunner

from iceledger.cli import app
from iceledger.settings import load_settings

runner = CliRunner()


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    settings = load_settings(tmp_path_factory.mktemp("cli") / "home").ensure()
    enforcement_ledger(settings.ledger_path)
    return str(settings.home)


def run(*args):
    return runner.invoke(app, [*args], catch_exceptions=False)


def test_measure_text_shows_rows_and_provenance(home):
    res = run("measure", "arrests", "--by", "aor_code", "--home", home)
    assert res.exit_code == 0, res.output
    out = res.output
    assert "SEA" in out and "NYC" in out
    assert "release ice-l2 · era L2 · runs run-ice-l2" in out
    assert "set aside ice-l2-old" in out and "left out" in out


def test_measure_json_envelope(home):
    res = run("measure", "arrests", "--by", "month,aor_code", "--where", "aor_code=SEA", "--from", "2025-01-01",
              "--to", "2025-01-31", "--json", "--home", home)
    assert res.exit_code == 0, res.output
    env = json.loads(res.output)
    assert env["ok"] is True
    assert env["data"]["rows"] == [{"month": "2025-01-01", "aor_code": "SEA", "n": 6}]
    assert env["data"]["provenance"]["sql"][0]["purpose"] == "measure"
    assert env["data"]["spec"]["where"] == {"aor_code": "SEA"}


def test_measure_compare_and_people(home):
    res = run("measure", "arrests", "--compare", "2025-01-20", "--from", "2024-10-01", "--to", "2025-01-31", "--json", "--home", home)
    rows = {r["period"]: r for r in json.loads(res.output)["data"]["rows"]}
    assert rows["after"]["change_pct"] == 164.3
    res = run("measure", "arrests", "--people", "--namespace", "L2", "--json", "--home", home)
    assert json.loads(res.output)["data"]["rows"] == [{"n": 10}]


def test_refusals_exit_2_with_the_fix(home):
    res = run("measure", "arrests", "--people", "--home", home)
    assert res.exit_code == 2
    res = run("measure", "arrests", "--people", "--json", "--home", home)
    env = json.loads(res.output)
    assert env["ok"] is False and env["error"]["code"] == "people_across_namespaces" and env["error"]["fix"]
    res = run("measure", "arrests", "--by", "facility", "--json", "--home", home)
    assert json.loads(res.output)["error"]["code"] == "dimension_not_recorded"
    res = run("measure", "arrests", "--where", "aor_code", "--json", "--home", home)
    assert json.loads(res.output)["error"]["code"] == "bad_filter"


def test_funnel_window_detention(home):
    res = run("funnel", "--by", "aor_code", "--within-days", "30", "--json", "--home", home)
    rows = {r["aor_code"]: r for r in json.loads(res.output)["data"]["rows"]}
    assert rows["SEA"]["in_custody"] == 3
    res = run("window", "--from", "2025-01-19", "--to", "2025-01-21", "--weeks", "2", "--home", home)
    assert res.exit_code == 0 and "SEA" in res.output and "2 1" in res.output
    res = run("detention", "--from", "2025-01-01", "--to", "2025-01-31", "--json", "--home", home)
    assert json.loads(res.output)["data"]["rows"][0]["person_days"] == 56


def test_sql_flag_prints_the_query(home):
    res = run("measure", "removals", "--sql", "--home", home)
    assert res.exit_code == 0 and "-- measure" in res.output and "core_removals" in res.output


def test_export_parquet(home, tmp_path):
    res = run("export-parquet", str(tmp_path / "pq"), "--json", "--home", home)
    env = json.loads(res.output)
    assert env["data"]["tables"]["core_arrests"] == 22
    assert (tmp_path / "pq" / "core_arrests.parquet").exists() and (tmp_path / "pq" / "export.json").exists()
    again = json.loads(run("export-parquet", str(tmp_path / "pq"), "--json", "--home", home).output)
    assert again["data"]["exported_at"] == env["data"]["exported_at"]  # up to date: not written again
