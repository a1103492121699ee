"""`iceledger build` loads the three detention statistics workbooks; the CLI answers from the ledger."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from iceledger.cli import app
from iceledger.pipeline.build import build
from iceledger.pipeline.ledger import open_ledger

STEPS = [("sources", "iceledger.sources.bundled:load_sources"),
         ("detstats", "iceledger.sources.detention_stats.load:load_detstats")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from iceledger.settings import load_settings

    settings = load_settings(tmp_path_factory.mktemp("home")).ensure()
    report = build(settings, steps=STEPS)
    return settings, report


def q(settings, sql, params=()):
    con = open_ledger(settings)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def cli(settings, *args):
    result = CliRunner().invoke(app, [*args, "--home", str(settings.home)])
    return result.exit_code, result.stdout


def test_build_report_counts_rows_and_findings(built):
    _, report = built
    assert report.ok
    assert report.summary["rows"]["detstats"] == {"ref_detstats_blocks": 46, "ref_detstats_values": 9477,
                                                  "ref_detstats_facilities": 525}
    warnings = sorted((f.code, f.detail.get("block")) for f in report.findings if f.severity == "warning")
    assert warnings == [("detstats_labels_swapped", "book_ins_by_facility_type_criminality"),
                        ("detstats_totals_mismatch", "releases_by_reason_criminality")]
    assert all(f.step == "detstats" for f in report.findings if f.code.startswith("detstats"))


def test_every_row_names_a_known_source(built):
    settings, _ = built
    for t in ("ref_detstats_blocks", "ref_detstats_values", "ref_detstats_facilities"):
        orphans = q(settings, f"SELECT count(*) FROM {t} WHERE source_detail IS NULL OR source_id NOT IN (SELECT source_id FROM ref_sources)")
        assert orphans == [(0,)], t


def test_keys_are_unique(built):
    settings, _ = built
    assert q(settings, "SELECT count(*) FROM (SELECT detstats_fy, detstats_block, detstats_cell FROM ref_detstats_values "
                       "GROUP BY ALL HAVING count(*) > 1)") == [(0,)]
    assert q(settings, "SELECT count(*) FROM (SELECT detstats_fy, detstats_facility_row FROM ref_detstats_facilities "
                       "GROUP BY ALL HAVING count(*) > 1)") == [(0,)]


def test_the_three_years_are_queryable_side_by_side(built):
    settings, _ = built
    rows = q(settings, """SELECT detstats_fy, detstats_period, detstats_value FROM ref_detstats_values
                          WHERE detstats_block = 'book_ins_by_agency_month' AND detstats_agency = 'Total'
                            AND detstats_period LIKE 'fiscal_year%' ORDER BY 1""")
    assert rows == [(2019, "fiscal_year", 510854.0), (2020, "fiscal_year", 182869.0), (2021, "fiscal_year_to_date", 58964.0)]
    frc = q(settings, """SELECT detstats_fy, detstats_value FROM ref_detstats_values
                         WHERE detstats_block = 'book_ins_by_facility_type_criminality' AND detstats_facility_type = 'FRC'
                           AND detstats_criminality = 'Total' ORDER BY 1""")
    assert frc == [(2019, 37906.0), (2020, 1830.0), (2021, 2107.0)]  # FY20 through the corrected label


def test_facility_values_join_their_attributes(built):
    settings, _ = built
    rows = q(settings, """SELECT f.detention_facility, round(sum(v.detstats_value), 2)
                          FROM ref_detstats_facilities f JOIN ref_detstats_values v USING (detstats_fy, detstats_facility_row)
                          WHERE f.detstats_fy = 2019 AND f.detstats_facility_row = 8 AND v.detstats_classification_level IS NOT NULL
                          GROUP BY 1""")
    assert rows == [("STEWART DETENTION CENTER", 1910.54)]


def test_cli_list_and_show(built):
    settings, _ = built
    code, out = cli(settings, "detstats", "list", "--fy", "2020", "--json")
    env = json.loads(out)
    assert code == 0 and env["ok"] and env["meta"]["count"] == 16
    assert {b["detstats_block"] for b in env["data"]} >= {"fear_release_days", "atd_by_aor_technology", "facilities"}
    code, out = cli(settings, "detstats", "show", "book_ins_by_facility_type_criminality", "--fy", "2020", "--json")
    data = json.loads(out)["data"]
    assert data["rows"] == ["Total", "Adult", "FRC"]
    corrected = {v["detstats_cell"]: v["detstats_corrected_row_label"] for v in data["values"]}
    assert corrected["E30"] == "FRC" and corrected["E31"] == "Adult" and corrected["E29"] is None
    assert [f["finding_code"] for f in data["findings"]] == ["detstats_label_corrected", "detstats_labels_swapped"]
    code, out = cli(settings, "detstats", "show", "removals", "--fy", "2019")
    assert code == 0 and "267,258" in out and "1,069" in out


def test_cli_facilities_and_errors(built):
    settings, _ = built
    code, out = cli(settings, "detstats", "facilities", "--fy", "2019", "--state", "ga", "--json")
    rows = json.loads(out)["data"]
    assert code == 0 and rows[0]["detention_facility"] == "STEWART DETENTION CENTER"
    assert {r["detstats_state"] for r in rows} == {"GA"}
    code, out = cli(settings, "detstats", "show", "arrests", "--json")
    err = json.loads(out)["error"]
    assert code == 2 and err["code"] == "unknown_detstats_block" and "book_ins_by_agency_month" in err["fix"]
    code, out = cli(settings, "detstats", "show", "removals", "--fy", "2018", "--json")
    assert code == 2 and json.loads(out)["error"]["fix"] == "it is published for FY 2019, 2020, 2021"
