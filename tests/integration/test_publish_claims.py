"""Claim results pass the gate: run the real claims checker on a ledger whose records hold small
counts (a hand-made, non-synthetic test release), and check that nothing small reaches the public form."""

from __future__ import annotations

import json
import re

import pytest

from iceledger.claims import check_claims
from iceledger.measures.engine import duckdb_engine
from iceledger.pipeline.ledger import open_ledger
from iceledger.publish.claims import gate_claims, gate_result

THRESHOLD = 10


@pytest.fixture(scope="module")
def gated(with_records):
    con = open_ledger(with_records)
    try:
        with duckdb_engine(con) as engine:
            raw = {r.claim_id: r.to_dict() for r in check_claims(engine=engine)}
            rows, note = gate_claims(engine, THRESHOLD)
    finally:
        con.close()
    return raw, {r["claim_id"]: r for r in rows}, note


def records_check(data: dict) -> dict:
    return next(c for c in data["checks"] if c["kind"] == "records")


def test_the_ledger_really_holds_small_counts(gated):
    raw, _, _ = gated
    assert records_check(raw["safe-city-2017-nearly-500"])["value"] == 4
    assert "7 arrests" in records_check(raw["arrests-2017-up-43-percent"])["explanation"]


@pytest.mark.parametrize("claim_id", ["safe-city-2017-nearly-500", "arrests-2017-up-43-percent"])
def test_small_counts_never_reach_the_public_form(gated, claim_id):
    raw, public, note = gated
    assert note is None
    data = json.loads(public[claim_id]["claim_result_json"])
    check = records_check(data)
    assert check["value"] is None and check["rows"] is None and "withheld" in check["explanation"]
    assert "quality" not in check and "notes" not in check
    text = json.dumps(check)
    # no count from the records survives in the words either (dates and the query aside)
    words = check["explanation"] + " " + (check.get("value_text") or "")
    assert not re.search(r"\b([1-9]|10) arrests\b", words)
    assert "hold 4" not in text and "hold 7" not in text
    # the published-figure side is untouched: ICE's figures are public
    assert data["official_value"] == raw[claim_id]["official_value"]
    assert data["verdict"] == raw[claim_id]["verdict"]


def test_large_counts_pass(gated):
    raw, _, _ = gated
    data = dict(raw["safe-city-2017-nearly-500"])
    big = dict(records_check(data), value=498, rows=[{"aor_code": "SEA", "window_n": 120}])
    data["checks"] = [big if c["kind"] == "records" else c for c in data["checks"]]
    public, hidden = gate_result(data, THRESHOLD)
    assert not hidden and records_check(public)["value"] == 498 and records_check(public)["rows"][0]["window_n"] == 120
