"""Every ingest failure answers with the error envelope: a code that says what happened, where, and
the fix, as one JSON envelope under --json (issue 11: a CSV field over 131,072 characters, a DuckDB
lock held by another process, and a 16,384-column sheet ended in a traceback or a misleading code)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
import xlsxwriter
from tests.integration.test_api_server import ENV

WIDE = 16_384  # Excel's last column


def _ingest(tmp_path, path, *extra):
    out = subprocess.run([sys.executable, "-m", "iceledger", "ingest", str(path), "--release", "edge", "--table", "arrests",
                          "--home", str(tmp_path / "home"), "--json", *extra],
                         capture_output=True, text=True, env=ENV, timeout=600)
    return out


def _envelope(out) -> dict:
    assert out.returncode != 0
    body = json.loads(out.stdout)  # the whole of stdout is one JSON document
    assert body["ok"] is False and set(body["error"]) == {"code", "message", "fix", "location"}
    assert body["error"]["fix"]
    assert "Traceback" not in out.stderr
    return body["error"]


def test_a_csv_field_longer_than_the_csv_limit(tmp_path):
    """A row of another width sends the reader down its careful path (Python's csv), whose field limit is
    131,072 characters."""
    path = tmp_path / "long.csv"
    path.write_text("Apprehension Date,Apprehension AOR,Gender\n2019-01-01,Seattle,Male\n2019-01-03,Seattle,Male,extra\n"
                    "2019-01-02,Seattle," + "x" * 140_000 + "\n")
    err = _envelope(_ingest(tmp_path, path))
    assert err["code"] == "csv_field_too_long"
    assert err["location"]["file"] == "long.csv" and err["location"]["row"] == 4


def test_a_csv_as_wide_as_a_sheet_can_be(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(["Apprehension Date", "Apprehension AOR"] + [f"c{i}" for i in range(WIDE - 2)]) + "\n"
                    + ",".join(["2019-01-01", "Seattle"] + ["a"] * (WIDE - 2)) + "\n")
    err = _envelope(_ingest(tmp_path, path))
    assert err["code"] == "too_many_columns" and err["location"]["file"] == "wide.csv"
    assert f"{WIDE:,}" in err["message"]


def test_a_sheet_of_16384_columns(tmp_path):
    path = tmp_path / "wide.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Arrests")
    ws.write_row(0, 0, ["Apprehension Date", "Apprehension AOR"] + [f"c{i}" for i in range(WIDE - 2)])
    ws.write_row(1, 0, ["2019-01-01", "Seattle"] + ["a"] * (WIDE - 2))
    wb.close()
    err = _envelope(_ingest(tmp_path, path))
    assert err["code"] == "too_many_columns" and err["location"]["file"] == "wide.xlsx"
    assert err["location"]["sheet"] == "Arrests" and f"{WIDE:,}" in err["message"]


@pytest.fixture
def locked_ledger(home):
    """A ledger held open for writing by another process (a long-running script, a notebook...)."""
    from iceledger.pipeline.ledger import connect, ensure_schema

    con = connect(home.ledger_path)
    ensure_schema(con)
    con.close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               f"con = duckdb.connect({str(home.ledger_path)!r})\nprint('ready', flush=True)\ntime.sleep(120)"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ready"
    yield home
    holder.kill()
    holder.wait()


@pytest.mark.parametrize("command", [["status"], ["validate"], ["publish"]])
def test_a_ledger_locked_by_another_process(locked_ledger, command):
    start = time.time()
    out = subprocess.run([sys.executable, "-m", "iceledger", *command, "--home", str(locked_ledger.home), "--json"],
                         capture_output=True, text=True, env=ENV, timeout=300)
    err = _envelope(out)
    assert err["code"] == "database_locked", err
    assert "ledger.duckdb" in err["message"] and "PID" in err["message"]
    assert time.time() - start < 120
