"""Hand-written claims against a real registry build: one of each verdict, a percent change between two
figures, an operation's status; and checks against records on hand-made test releases (rows made up for
the test, not ICE's): a deciding records check, a disagreement with the published figure, a period the
records do not cover, a change against a year earlier, and synthetic rows that never decide."""

from __future__ import annotations

import textwrap

import pytest
from measures_ledger import HandLedger
from tests.conftest import copy_home
from tests.integration.conftest import arrest

from iceledger.claims import check_claims
from iceledger.errors import InputError
from iceledger.measures.engine import duckdb_engine
from iceledger.pipeline.ledger import open_ledger

HEAD = """\
claims:
"""
SOURCE = """\
    source: {url: https://example.org/test, publisher: Test, date: 2024-01-01, kind: news_report}
"""


def claim(cid: str, body: str) -> str:
    return f"  - id: {cid}\n    statement: A test claim written for this test.\n" + SOURCE + textwrap.indent(textwrap.dedent(body), "    ")


def claims_file(tmp_path, *claims: str):
    p = tmp_path / "test-claims.yaml"
    p.write_text(HEAD + "".join(claims))
    return p


@pytest.fixture(scope="module")
def registries(registry_build):
    """The session's fresh `iceledger build`, read-only."""
    return registry_build[0]


@pytest.fixture(scope="module")
def with_synthetic(tmp_path_factory, registry_build):
    settings = copy_home(registry_build[0], tmp_path_factory.mktemp("claims-synth") / "home")
    L = HandLedger(settings.ledger_path).release("synth-claims", era="L1", synthetic=True)
    L.add("core_arrests", "synth-claims", [arrest("2017-09-24", "SEA", "s1"), arrest("2017-09-26", "SEA", "s2"),
                                           arrest("2017-08-01", "SEA", "s3"), arrest("2017-10-20", "SEA", "s4")])
    L.close()
    return settings


def by_id(results):
    return {r.claim_id: r for r in results}


def test_one_claim_of_each_verdict(tmp_path, registries):
    path = claims_file(tmp_path,
                       claim("exact", "measure: {official: {figure: ice-fy2017-arrests}}\ncomparison: equals\nexpected: 143470\n"),
                       claim("too-high", "measure: {official: {figure: ice-fy2017-arrests}}\ncomparison: at_least\nexpected: 150000\n"),
                       claim("records-only", "measure:\n  records:\n    spec: {count: arrests, date_from: 2017-09-24, date_to: 2017-09-27}\n"
                                             "comparison: at_least\nexpected: 1\n"))
    r = by_id(check_claims([path], home=registries.home))
    assert r["exact"].verdict == "supported" and r["exact"].to_dict()["value"] == 143470
    assert r["too-high"].verdict == "contradicted" and "143,470 is less than 150,000" in r["too-high"].explanation
    nt = r["records-only"]
    assert nt.verdict == "not_testable" and nt.to_dict()["value"] is None
    assert "arrests dated 2017-09-24 to 2017-09-27" in nt.checks[0].testable_when


def test_percent_change_between_two_figures_and_an_operation_status(tmp_path, registries):
    path = claims_file(tmp_path,
                       claim("fy2017-up-30", "measure: {official: {figure: ice-fy2017-arrests, change_from: ice-fy2016-arrests}}\n"
                                             "comparison: approximately\nexpected: 30\ntolerance: 0.5\n"),
                       claim("mega-cancelled", "measure: {official: {operation: mega-2017, fact: status}}\n"
                                               "comparison: equals\nexpected: cancelled\n"))
    r = by_id(check_claims([path], home=registries.home))
    up = r["fy2017-up-30"]
    assert up.verdict == "supported" and float(up.checks[0].value) == 30.3
    assert "against 110,104" in up.explanation and "a change of 30.3%" in up.explanation
    mega = r["mega-cancelled"]
    assert mega.verdict == "contradicted" and mega.checks[0].value == "reported_unconfirmed"


def test_an_unknown_figure_names_the_claim_line_and_field(tmp_path, registries):
    path = claims_file(tmp_path, claim("typo", "measure: {official: {figure: ice-fy2017-arests}}\ncomparison: equals\nexpected: 1\n"))
    with pytest.raises(InputError) as info:
        check_claims([path], home=registries.home)
    err = info.value
    assert err.code == "unknown_figure" and "claim typo" in err.message and "ice-fy2017-arests" in err.message
    assert err.location.file.endswith("test-claims.yaml") and err.location.row == 5
    assert err.location.column == "measure.official.figure" and "iceledger figures list" in err.fix


def test_records_check_decides_on_real_records(tmp_path, with_records):
    path = claims_file(tmp_path, claim("sea", "measure:\n  records:\n    spec: {count: arrests, date_from: 2017-09-24, "
                                              "date_to: 2017-09-27, where: {aor_code: SEA}}\ncomparison: at_least\nexpected: 3\n"))
    [r] = check_claims([path], home=with_records.home)
    c = r.checks[0]
    assert r.verdict == "supported" and c.decides and not c.is_synthetic and c.value == 3
    assert "ICE's records hold 3 arrests from 2017-09-24 to 2017-09-27" in c.explanation
    assert [x["release_id"] for x in c.releases] == ["test-records"] and "core_arrests" in c.query
    d = r.to_dict()
    assert d["value_source"] == "records" and d["computed_value"] == 3 and d["releases"] == ["test-records"]


def test_published_figure_and_records_disagree(tmp_path, with_records):
    path = claims_file(tmp_path, claim("sea-33", """\
        measure:
          official: {figure: ice-2017-safe-city-arrests-sea}
          records:
            window: {operation: safe-city-2017}
            row: {aor_code: SEA}
            value: window_n
            comparison: at_least
        comparison: equals
        expected: 33
        """))
    [r] = check_claims([path], home=with_records.home)
    official, records = r.checks
    assert official.verdict == "supported" and records.verdict == "contradicted" and records.value == 3
    assert r.verdict == "contradicted" and "The checks disagree" in r.explanation
    assert r.deciding is records


def test_records_that_do_not_cover_the_period_are_not_testable(tmp_path, with_records):
    path = claims_file(tmp_path, claim("2019", "measure:\n  records:\n    spec: {count: arrests, date_from: 2019-01-01, "
                                               "date_to: 2019-01-31}\ncomparison: at_least\nexpected: 1\n"))
    [r] = check_claims([path], home=with_records.home)
    c = r.checks[0]
    assert r.verdict == "not_testable" and "do not cover" in c.explanation and "2016-01-10 to 2017-10-05" in c.explanation
    assert "2019-01-01 to 2019-01-31" in c.testable_when


def test_change_against_a_year_earlier(tmp_path, with_records):
    path = claims_file(tmp_path, claim("up", """\
        measure:
          records:
            spec: {count: arrests, date_from: 2017-01-20, date_to: 2017-09-30, compare: year_earlier}
            value: change_pct
        comparison: approximately
        expected: 250
        tolerance: 1
        """))
    [r] = check_claims([path], home=with_records.home)
    assert r.verdict == "supported" and r.checks[0].value == 250
    assert "hold 7 arrests from 2017-01-20 to 2017-09-30 against 2 a year earlier" in r.checks[0].explanation


def test_synthetic_records_never_decide(tmp_path, with_synthetic):
    path = claims_file(tmp_path, claim("synth", "measure:\n  records:\n    spec: {count: arrests, date_from: 2017-09-24, "
                                                "date_to: 2017-09-27}\ncomparison: at_least\nexpected: 2\n"))
    [r] = check_claims([path], home=with_synthetic.home)
    c = r.checks[0]
    assert c.verdict == "supported" and c.value == 2 and c.is_synthetic and not c.decides
    assert r.verdict == "not_testable" and "SYNTHETIC" in r.explanation and r.to_dict()["computed_value"] is None
    assert c.notes[0].startswith("SYNTHETIC") and "the SYNTHETIC records hold 2 arrests" in c.explanation


def test_the_publish_layer_calls_check_claims_with_an_engine(registries):
    con = open_ledger(registries)
    try:
        results = check_claims(engine=duckdb_engine(con))
    finally:
        con.close()
    rows = [r.to_dict() for r in results]
    assert len(rows) == 6
    for d in rows:
        assert {"claim_id", "statement", "verdict", "computed_value", "official_value", "is_synthetic", "query",
                "releases", "source_url", "figure_id", "explanation", "checks"} <= set(d)
        assert d["computed_value"] is None or isinstance(d["computed_value"], (int, float))
