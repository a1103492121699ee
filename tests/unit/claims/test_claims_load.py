"""Claim files: the seed claims are valid and shipped with the package; a bad file is refused with the
file, the line, the claim id, the field and the fix."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iceledger.claims import load_claim_file, load_claims, seed_paths
from iceledger.cli import app
from iceledger.errors import IceledgerError
from iceledger.settings import PROJECT_DIR

GOOD = """\
claims:
  - id: fy2017-arrests
    statement: ICE made 143,470 administrative arrests in fiscal year 2017.
    source:
      url: https://example.org/report
      publisher: Example
      date: 2017-12-13
      kind: news_report
    measure:
      official: {figure: ice-fy2017-arrests}
    comparison: equals
    expected: 143470
"""


def write(tmp_path: Path, text: str, name: str = "claims.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return p


def refused(path: Path) -> IceledgerError:
    with pytest.raises(IceledgerError) as info:
        load_claims([path])
    return info.value


def test_seed_claims_are_valid_and_shipped_as_package_data():
    paths = seed_paths()
    assert [p.name for p in paths] == ["seed-2017.yaml"]
    assert paths[0].read_bytes() == (PROJECT_DIR / "claims" / "seed-2017.yaml").read_bytes()
    ids = [lc.claim.id for lc in load_claims()]
    assert ids == ["safe-city-2017-nearly-500", "safe-city-2017-four-days", "safe-city-2017-ended-sep-24",
                   "arrests-2017-up-43-percent", "safe-city-2017-ten-areas", "mega-2017-at-least-8000"]


def test_every_seed_claim_cites_its_source():
    for lc in load_claims():
        src = lc.claim.source
        assert src.url or (src.note and "address of that article is not recorded" in src.note), lc.claim.id
        assert lc.claim.statement and lc.line() is not None


def test_a_good_file_keeps_lines(tmp_path):
    [lc] = load_claim_file(write(tmp_path, GOOD))
    assert lc.claim.expected == 143470 and lc.line() == 2 and lc.line("measure", "official", "figure") == 10
    assert lc.file.endswith("claims.yaml")


@pytest.mark.parametrize("old,new,code,line,field,text", [
    ("    statement:", "    statment:", "bad_claim", 3, "statment", "did you mean 'statement'?"),
    ("comparison: equals", "comparison: roughly", "bad_claim", 11, "comparison", "Input should be"),
    ("comparison: equals", "comparison: approximately", "bad_claim", 2, None, "needs a tolerance"),
    ("url: https://example.org/report", "url: example.org/report", "bad_claim", 5, "source.url", "not a web address"),
    ("kind: news_report", "kind: tweet", "bad_claim", 8, "source.kind", "unknown kind 'tweet'"),
    ("date: 2017-12-13", "date: Dec 2017", "bad_claim", 7, "source.date", "not YYYY-MM-DD"),
    ("{figure: ice-fy2017-arrests}", "{figure: ice-fy2017-arrests, operation: safe-city-2017}", "bad_claim", 10,
     "measure.official", "exactly one of figure"),
    ("{figure: ice-fy2017-arrests}", "{operation: safe-city-2017, fact: places}", "bad_claim", 2, None, "use set_equals"),
    ("{figure: ice-fy2017-arrests}", "{figure: ICE FY2017}", "bad_claim", 10, "measure.official.figure", "should match pattern"),
    ("expected: 143470", "expected: lots", "bad_claim", 2, None, "expected must be a number"),
    ("  - id: fy2017-arrests", "  - id: FY 2017", "bad_claim", 2, "id", "should match pattern"),
])
def test_bad_claims_name_file_line_claim_and_field(tmp_path, old, new, code, line, field, text):
    assert old in GOOD
    err = refused(write(tmp_path, GOOD.replace(old, new)))
    assert err.code == code and text in err.message
    assert err.location.file.endswith("claims.yaml") and err.location.row == line and err.location.column == field
    assert "claim " in err.message and err.fix


def test_records_spec_problems_point_at_the_records_block(tmp_path):
    text = GOOD.replace("      official: {figure: ice-fy2017-arrests}",
                        "      records:\n        spec: {count: raids, date_from: 2017-01-01, date_to: 2017-12-31}")
    err = refused(write(tmp_path, text))
    assert "cannot count 'raids'" in err.message and "arrests" in err.fix
    assert err.location.column == "measure.records" and err.location.row == 10
    undated = GOOD.replace("      official: {figure: ice-fy2017-arrests}", "      records:\n        spec: {count: arrests}")
    err = refused(write(tmp_path, undated))
    assert "date_from and date_to" in err.message and err.location.column == "measure.records"
    where = undated.replace("{count: arrests}", "{count: arrests, date_from: 2017-01-01, date_to: 2017-01-31, where: {colour: red}}")
    err = refused(write(tmp_path, where))
    assert "no dimension 'colour'" in err.message


def test_yaml_problems_give_the_line(tmp_path):
    err = refused(write(tmp_path, GOOD.replace("    comparison: equals", "    comparison: [equals")))
    assert err.code == "bad_yaml" and err.location.row is not None
    err = refused(write(tmp_path, GOOD + "    expected: 143473\n"))
    assert err.code == "duplicate_key" and err.location.row == 13 and err.location.column == "claims.0.expected"
    err = refused(write(tmp_path, "- id: x\n"))
    assert err.code == "bad_claims_file" and "claims:" in err.fix


def test_duplicate_ids_within_and_across_files(tmp_path):
    two = GOOD + GOOD.split("claims:\n", 1)[1]
    err = refused(write(tmp_path, two))
    assert err.code == "duplicate_claim_id" and err.location.row == 13 and "first at line 2" in err.message
    a, b = write(tmp_path, GOOD, "a.yaml"), write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(IceledgerError) as info:
        load_claims([a, b])
    assert info.value.location.file.endswith("b.yaml") and "a.yaml" in info.value.message


def test_a_source_without_an_address_must_say_why(tmp_path):
    err = refused(write(tmp_path, GOOD.replace("      url: https://example.org/report\n", "")))
    assert "needs a note" in err.message and err.location.column == "source"


def test_missing_file(tmp_path):
    err = refused(tmp_path / "nope.yaml")
    assert err.code == "claims_file_missing"


def test_cli_validate_reports_the_location(tmp_path):
    bad = write(tmp_path, GOOD.replace("comparison: equals", "comparison: roughly"))
    runner = CliRunner()
    out = runner.invoke(app, ["claims", "validate", str(bad)])
    text = " ".join(out.output.split())
    assert out.exit_code == 2 and "row 11, column 'comparison'" in text and "claims.yaml" in text
    out = runner.invoke(app, ["claims", "validate", str(bad), "--json"])
    env = json.loads(out.stdout)
    assert env["ok"] is False and env["error"]["location"]["row"] == 11 and env["error"]["location"]["column"] == "comparison"
    out = runner.invoke(app, ["claims", "validate", "--json"])
    assert out.exit_code == 0 and json.loads(out.stdout)["meta"]["count"] == 6
