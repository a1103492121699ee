"""Claim results pass the gate: run the real claims checker on a ledger whose records hold small
counts (a hand-made, non-synthetic test release), and check that nothing small reaches the public form."""

from __future__ import annotations

import json
import re

import pytest

from iceledger.claims import check_claims
from iceledger.measures.engine import duckdb_engine
from iceledger.pipeline.ledger import open_ledger
from iceledger.publish.claim_gate import gate_claims, gate_result

THRESHOLD = 10


@pytest.fixture(scope="module")
def gated(with_records):
    con = open_ledger(with_records)
    try:
        with duckdb_engine(con) as engine:
            raw = {r.claim_id: r.to_dict() for r in check_claims(engine=engine)}
            rows, note, _ = gate_claims(engine, THRESHOLD)
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
    assert check["value"] is None and check["rows"] is None and "not shown" in check["explanation"]
    assert "quality" not in check and "notes" not in check
    text = json.dumps(check)
    # no count from the records survives in the words either (dates and the query aside)
    words = check["explanation"] + " " + (check.get("value_text") or "")
    assert not re.search(r"\b([1-9]|10) arrests\b", words)
    assert "hold 4" not in text and "hold 7" not in text
    # the published-figure side is untouched: ICE's figures are public
    assert data["official_value"] == raw[claim_id]["official_value"]
    # the records check decides, so its verdict would tell the count apart from others: neither is shown
    assert check["verdict"] == "not_shown" and data["verdict"] == "not_shown"
    assert public[claim_id]["claim_verdict"] == "not_shown" and public[claim_id]["is_suppressed"]
    assert not re.search(r"\b([1-9]|10) arrests\b", data["explanation"]) and "fewer than 11" in data["explanation"]


def test_large_counts_pass(gated):
    raw, _, _ = gated
    data = dict(raw["safe-city-2017-nearly-500"])
    big = dict(records_check(data), value=498, rows=[{"aor_code": "SEA", "window_n": 120}])
    data["checks"] = [big if c["kind"] == "records" else c for c in data["checks"]]
    public, hidden, _ = gate_result(data, THRESHOLD)
    assert not hidden and records_check(public)["value"] == 498 and records_check(public)["rows"][0]["window_n"] == 120


# Records-only claims and a verdict that would reveal a withheld count (issue 11).
CLAIMS = """
claims:
  - id: window-equals-four
    statement: The records hold exactly four arrests in Safe City's areas and days.
    source: {url: https://example.invalid/a, publisher: test, date: 2024, kind: news_report}
    measure:
      records:
        window: {operation: safe-city-2017, weeks: 4}
        value: window_n
    comparison: equals
    expected: 4
  - id: window-equals-five
    statement: The records hold exactly five arrests in Safe City's areas and days.
    source: {url: https://example.invalid/b, publisher: test, date: 2024, kind: news_report}
    measure:
      records:
        window: {operation: safe-city-2017, weeks: 4}
        value: window_n
    comparison: equals
    expected: 5
  - id: count-records-only
    statement: ICE arrested at least one person in 2017 before October.
    source: {url: https://example.invalid/c, publisher: test, date: 2024, kind: news_report}
    measure:
      records:
        spec: {count: arrests, date_from: 2017-01-20, date_to: 2017-09-30}
    comparison: at_least
    expected: 1
  - id: official-contradicts-anyway
    statement: ICE's Operation Safe City arrested exactly 400 people.
    source: {url: https://example.invalid/d, publisher: test, date: 2024, kind: news_report}
    measure:
      official: {figure: ice-2017-safe-city-arrests}
      records:
        window: {operation: safe-city-2017, weeks: 4}
        value: window_n
        comparison: at_least
        expected: 1
    comparison: equals
    expected: 400
"""


@pytest.fixture(scope="module")
def custom(with_records, tmp_path_factory):
    path = tmp_path_factory.mktemp("claims") / "edge.yaml"
    path.write_text(CLAIMS)
    con = open_ledger(with_records)
    try:
        with duckdb_engine(con) as engine:
            raw = {r.claim_id: r.to_dict() for r in check_claims([path], engine=engine)}
            rows, _, _ = gate_claims(engine, THRESHOLD, [path])
    finally:
        con.close()
    return raw, {r["claim_id"]: r for r in rows}


def test_a_verdict_on_a_withheld_count_is_not_shown(custom):
    raw, public = custom
    # the ledger: 4 arrests in the window, so "equals 4" is supported and "equals 5" contradicted...
    assert raw["window-equals-four"]["verdict"] == "supported" and raw["window-equals-five"]["verdict"] == "contradicted"
    # ...and the publication cannot tell them apart
    for claim_id in ("window-equals-four", "window-equals-five", "count-records-only"):
        row = public[claim_id]
        data = json.loads(row["claim_result_json"])
        assert row["claim_verdict"] == "not_shown" and row["computed_value"] is None and row["is_suppressed"]
        assert [c["verdict"] for c in data["checks"]] == ["not_shown"]
        text = json.dumps(data)
        assert "supported" not in text and "contradicted" not in text, claim_id
        assert "fewer than 11" in data["explanation"] and "fewer than 11" in data["value_text"]
    words = [json.loads(public[c]["claim_result_json"])["explanation"] for c in ("window-equals-four", "window-equals-five")]
    assert words[0] == words[1]


def test_records_only_explanations_carry_no_withheld_count(custom):
    raw, public = custom
    assert "hold 7 arrests" in raw["count-records-only"]["explanation"]  # what the checker says, on this machine
    data = json.loads(public["count-records-only"]["claim_result_json"])
    assert not re.search(r"\bhold [0-9]", json.dumps(data))
    assert data["value"] is None and data["value_source"] is None


def test_a_verdict_the_withheld_check_cannot_change_is_shown(custom):
    _, public = custom
    row = public["official-contradicts-anyway"]
    data = json.loads(row["claim_result_json"])
    assert row["claim_verdict"] == "contradicted" and row["official_value"] == 498
    official, records = data["checks"]
    assert official["verdict"] == "contradicted" and records["verdict"] == "not_shown"
    assert "498" in data["explanation"] and "ICE's records: not shown" in data["explanation"]
    assert not re.search(r"\bhold [0-9]", data["explanation"])


@pytest.fixture(scope="module")
def records_publication(with_records, tmp_path_factory):
    """The hand-made ledger (small counts) published with the seed claims, served by the real app."""
    from fastapi.testclient import TestClient
    from tests.conftest import copy_home

    from iceledger.publish.publication import publish
    from iceledger.server import create_app

    home = copy_home(with_records, tmp_path_factory.mktemp("claims-published") / "home")
    publish(home)
    return home, TestClient(create_app(home, True))


@pytest.mark.parametrize("lang, words, verdicts", [
    ("en", "Not shown: rests on fewer than 11", ("Supported", "Contradicted")),
    ("es", "No se muestra: se basa en menos de 11", ("Respaldada", "Contradicha")),
])
def test_the_dashboard_says_a_withheld_verdict_is_not_shown(records_publication, lang, words, verdicts):
    """A claim whose verdict the gate withheld reads "not shown: rests on fewer than 11" on its page and in the
    list, in both languages, and nowhere says supported or contradicted."""
    import duckdb

    home, client = records_publication
    con = duckdb.connect(str(home.public_path), read_only=True)
    try:
        hidden = [r[0] for r in con.execute("SELECT claim_id FROM out_claim_results WHERE claim_verdict = 'not_shown' "
                                            "ORDER BY 1").fetchall()]
    finally:
        con.close()
    assert hidden, "the seed claims over 11 arrests rest on small counts"
    listing = client.get("/claims", params={"lang": lang}).text
    for claim_id in hidden:
        page = client.get(f"/claim/{claim_id}", params={"lang": lang})
        assert page.status_code == 200, claim_id
        verdict = re.search(r'<p class="verdict-big v-not_shown">(.*?)</p>', page.text, re.S)
        assert verdict and words in verdict.group(1), claim_id
        reconcile = re.search(r'<p class="reconcile" id="reconcile">(.*?)</p>', page.text, re.S).group(1)
        assert words.lower() in reconcile.lower()
        assert not any(v.lower() in reconcile.lower() for v in verdicts), reconcile
        row = re.search(rf'<a href="[^"]*/claim/{re.escape(claim_id)}[^"]*"[^>]*>.*?</tr>', listing, re.S)
        assert row and words in row.group(0) and not any(v in row.group(0) for v in verdicts), claim_id
    api = client.get(f"/api/v1/claims/{hidden[0]}").json()["data"]
    api = api[0] if isinstance(api, list) else api
    assert api["claim_verdict"] == "not_shown" and api["computed_value"] is None
