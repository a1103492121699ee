"""The ledger commands as a user runs them: synth → ingest → status → validate → describe → quarantine."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def cli(home, *args, ok=True):
    env = {**os.environ, "ICELEDGER_HOME": str(home.home), "COLUMNS": "120"}
    out = subprocess.run([sys.executable, "-m", "iceledger", *args], env=env, capture_output=True, text=True)
    if ok:
        assert out.returncode == 0, out.stderr + out.stdout
    return out


def test_cli_round_trip(home, tmp_path):
    out_dir = tmp_path / "syn"
    synth = json.loads(cli(home, "synth", str(out_dir), "--era", "L2", "--table", "detainers", "--rows", "400",
                           "--seed", "3", "--json").stdout)
    assert synth["ok"] and synth["data"]["synthetic"] is True
    truth = synth["data"]["synthetic_truth"]

    ingest = json.loads(cli(home, "ingest", "--manifest", str(out_dir / "manifest.json"), "--json").stdout)
    run = ingest["data"]
    assert run["balanced"] and run["rows_read"] == 400 and run["rows_quarantined"] == truth["bad_event_rows"]

    status = json.loads(cli(home, "status", "--json").stdout)["data"]
    det = next(t for t in status["tables"] if t["table"] == "core_detainers")
    assert det["rows"] == det["synthetic_rows"] == 400 - truth["bad_event_rows"] and det["real_rows"] == 0
    assert status["releases"][0]["is_synthetic"] is True

    text = cli(home, "status").stdout
    assert "SYNTHETIC" in text and "core_detainers" in text

    report = json.loads(cli(home, "validate", "--json").stdout)["data"]
    assert report["ok"] is True
    assert any(f["code"] == "synthetic_rows" for f in report["findings"])

    described = json.loads(cli(home, "describe", "detainers", "--json").stdout)["data"]
    names = [c["name"] for c in described["columns"]]
    assert "detainer_prepare_datetime" in names and "source_row" in names
    assert {w["name"] for w in described["withheld"]} >= {"birth_date", "alien_file_number", "eid_dta_id"}

    q = json.loads(cli(home, "quarantine", "--table", "detainers", "--json").stdout)
    assert q["meta"]["total"] >= truth["bad_event_rows"]


def test_cli_errors_are_clear_and_json_enveloped(home, tmp_path):
    bad = tmp_path / "ERO Admin Arrests.xlsx"
    bad.write_text("not a workbook")
    out = cli(home, "ingest", str(bad), "--release", "x", ok=False)
    assert out.returncode == 2
    # Its content decides how it is read (text, whatever the name), and the error says what was tried.
    assert "no_header" in out.stderr and "Fix:" in out.stderr and "ERO Admin Arrests.xlsx" in out.stderr
    assert "delimited text" in out.stderr and "--delimiter" in out.stderr
    out = cli(home, "ingest", str(bad), "--release", "x", "--json", ok=False)
    env = json.loads(out.stdout)
    assert env["ok"] is False and env["error"]["code"] == "no_header" and env["error"]["location"]["file"] == bad.name
    out = cli(home, "status", ok=False)
    assert out.returncode == 2 and "no_ledger" in out.stderr
    out = cli(home, "describe", "nonsense", "--json", ok=False)
    assert json.loads(out.stdout)["error"]["code"] == "unknown_table"
