"""Releases the tests make, through `ingest`: a workbook of several tables with its own summary counts,
a sheet nobody can classify (the run fails, the ledger stays as it was) and the same sheet excluded by
the manifest with a reason, a column the manifest maps, a one-AOR release. Rows are made up, not ICE's."""

from __future__ import annotations

import hashlib

import pytest
import yaml
from tests.integration.lesa_helpers import query
from tests.unit.sources.made_files import delimited, national_arrests, sheet_xml, write_text, write_xlsx

from iceledger.errors import IceledgerError
from iceledger.pipeline.ingest import ingest
from iceledger.pipeline.release_store import load_manifest, manifest_from_paths

ARRESTS = [["Arrest Date", "Date of Birth", "Gender", "Country of Citizenship", "Event Number", "Apprehension Landmark",
            "Arrest Method", "Most Serious Conviction"]]
REMOVALS = [["Departed Date", "Date of Birth", "Gender", "Country of Citizenship", "Event Number", "Most Serious Conviction",
             "Case Category"]]
TITLE = "Made-up arrests for the test AOR (not ICE's records)"


def workbook(path, *, pivot: bool = False, arrests_total_2017: int = 3):
    arrests = [[TITLE], *ARRESTS] + [[f"2017-0{m}-02 00:00:00", "(b)(6),(b)(7)c)", "Male", "MEXICO", "(b)(7)e)", "MADE-UP JAIL",
                                       "Located", None] for m in (1, 2, 3)] + [["2017-11-02 00:00:00", "(b)(6),(b)(7)c)", "Female",
                                                                               "PERU", "(b)(7)e)", None, "Located", "Assault"]]
    removals = [["Made-up expedited removals"], *REMOVALS, ["2017-05-05 00:00:00", None, "Male", "FRANCE", None, None, "[8F] Expedited Removal"]]
    summary = [["banner"], [TITLE], ["Fiscal Year", "Total"], ["FY2017", str(arrests_total_2017)], ["FY2018 YTD", "1"], [],
               ["Made-up removals"], ["Fiscal Year", "Expedited Removals", "Total"], ["FY2017", "1", "1"]]
    sheets = {"Summary": sheet_xml(summary), "Arrests": sheet_xml(arrests), "Expedited Removals": sheet_xml(removals),
              "Footnotes": sheet_xml([["made-up footnote"]])}
    if pivot:
        sheets["Pivot"] = sheet_xml([["AOR", "FY2017", "FY2018"], ["SEA", "3", "1"], ["NYC", "0", "0"]])
    return write_xlsx(path, sheets)


def digest(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_a_workbook_of_several_tables_loads_each_and_checks_its_summary(home, tmp_path):
    path = workbook(tmp_path / "production.xlsx")
    run = ingest(home, manifest_from_paths([path], "made-sea", era=None, table=None, synthetic=True, aor="SEA"))
    assert {(s.sheet, s.kind, s.table, s.rows_read, s.rows_loaded) for s in run.sheets} == {
        ("Summary", "summary", None, 8, 0), ("Arrests", "records", "core_arrests", 4, 4),
        ("Expedited Removals", "records", "core_removals", 1, 1), ("Footnotes", "notes", None, 1, 0)}
    assert query(home, "SELECT era FROM releases") == [("H-UW-SEA",)]
    checks = query(home, "SELECT column_name, period_label, published_count, loaded_count, is_match FROM summary_checks "
                         "ORDER BY block_title, column_name, fiscal_year")
    assert checks == [("Total", "FY2017", 3, 3, True), ("Total", "FY2018 YTD", 1, 1, True),
                      ("Expedited Removals", "FY2017", 1, 1, True), ("Total", "FY2017", 1, 1, True)]
    assert query(home, "SELECT DISTINCT aor_code FROM core_arrests") == [("SEA",)]
    assert query(home, "SELECT removal_count_date, removal_date_basis FROM core_removals")[0][1] == "departed_date"


def test_a_summary_that_disagrees_is_a_finding(home, tmp_path):
    path = workbook(tmp_path / "production.xlsx", arrests_total_2017=5)
    run = ingest(home, manifest_from_paths([path], "made-off", era=None, table=None, synthetic=True))
    (bad,) = [f for f in run.findings if f.code == "summary_mismatch"]
    assert "FY2017 3 loaded vs 5" in bad.message and bad.severity == "warning"
    assert query(home, "SELECT count(*) FROM summary_checks WHERE NOT is_match") == [(1,)]


def test_an_unclassifiable_sheet_fails_the_run_until_the_manifest_excludes_it(home, tmp_path):
    path = workbook(tmp_path / "production.xlsx", pivot=True)
    ingest(home, manifest_from_paths([workbook(tmp_path / "first.xlsx")], "first", era=None, table=None, synthetic=True))
    before = digest(home.ledger_path)
    with pytest.raises(IceledgerError) as exc:
        ingest(home, manifest_from_paths([path], "with-pivot", era=None, table=None, synthetic=True))
    err = exc.value
    assert err.code == "unclassified_sheet" and err.location.sheet == "Pivot" and "3 rows" in err.message
    assert "not balance" in err.message and "exclude" in err.fix
    assert digest(home.ledger_path) == before
    manifest = tmp_path / "release.yaml"
    manifest.write_text(yaml.safe_dump({
        "release_id": "with-pivot", "synthetic": True,
        "files": [{"name": "production.xlsx", "sheets": {"Pivot": {"exclude": "ICE's pivot of the arrests by AOR; not records"}}}]}))
    run = ingest(home, load_manifest(manifest))
    pivot = next(s for s in run.sheets if s.sheet == "Pivot")
    assert (pivot.kind, pivot.rows_read, pivot.balanced) == ("excluded", 3, True)
    assert query(home, "SELECT sheet_kind, sheet_note FROM ingest_sheets WHERE source_sheet = 'Pivot'") == [
        ("excluded", "ICE's pivot of the arrests by AOR; not records")]
    assert query(home, "SELECT choice, reason FROM release_choices WHERE release_id = 'with-pivot'") == [
        ("exclude", "ICE's pivot of the arrests by AOR; not records")]


def test_the_manifest_maps_a_column_and_sets_a_sheets_table(home, tmp_path):
    """A detainers sheet whose date column is called just `date`: the manifest says what it is."""
    rows = [["date", "Detention Facility", "Detainer Lift Reason"], ["2024-02-01", "MADE-UP JAIL", "Detainer Declined by LEA"],
            ["2024-02-03", "MADE-UP JAIL", None]]
    path = write_xlsx(tmp_path / "holds.xlsx", {"Sheet1": sheet_xml(rows)})
    with pytest.raises(IceledgerError) as exc:
        ingest(home, manifest_from_paths([path], "holds", era="L2", table=None, synthetic=True))
    assert exc.value.code == "missing_event_column" and "files: columns" in exc.value.fix
    options = {"sheets": {"Sheet1": {"table": "detainers"}}, "columns": {"date": "detainer_prepare_datetime"}}
    run = ingest(home, manifest_from_paths([path], "holds", era="L2", table=None, synthetic=True, file_options=options))
    assert run.tables["core_detainers"].rows_loaded == 2
    assert query(home, "SELECT min(detainer_prepare_date)::VARCHAR FROM core_detainers") == [("2024-02-01",)]
    assert sorted(query(home, "SELECT choice, choice_value FROM release_choices")) == [
        ("column", "date -> detainer_prepare_datetime"), ("table", "core_detainers")]
    wrong = {"columns": {"date": "no_such_field"}, "sheets": {"Sheet1": {"table": "detainers"}}}
    with pytest.raises(IceledgerError) as exc:
        ingest(home, manifest_from_paths([path], "holds-2", era="L2", table=None, synthetic=True, file_options=wrong))
    assert exc.value.code == "bad_column_map" and "no_such_field" in exc.value.message


def test_changed_choices_under_the_same_release_are_refused(home, tmp_path):
    path = workbook(tmp_path / "production.xlsx")
    ingest(home, manifest_from_paths([path], "made", era=None, table=None, synthetic=True))
    again = ingest(home, manifest_from_paths([path], "made", era=None, table=None, synthetic=True))
    assert again.status == "unchanged"
    with pytest.raises(IceledgerError) as exc:
        ingest(home, manifest_from_paths([path], "made", era=None, table=None, synthetic=True, aor="SEA"))
    assert exc.value.code == "release_changed" and "choices" in exc.value.message


def test_an_unknown_header_is_reported_once_per_file_and_a_link_keeps_its_name(home, tmp_path, monkeypatch):
    from iceledger.sources.lesa import delimited as delimited_module

    # a blank line at the end sends the file to pyarrow's reader (DuckDB's would skip the line), in blocks of 256 bytes
    # here: seven rows and the blank line load in several chunks
    monkeypatch.setattr(delimited_module, "BLOCK_BYTES", 256)
    rows = national_arrests(7)
    for r in rows[5:]:
        r.append("Mystery" if r is not rows[5] else "Mystery Column")
    target = write_text(tmp_path / "target.csv.gz", delimited(rows, "|") + "\n", compression="gzip")
    link = tmp_path / "as-given.txt"
    link.symlink_to(target)
    chunks = []
    run = ingest(home, manifest_from_paths([link], "linked", era=None, table=None, synthetic=True),
                 progress=lambda what, **kw: chunks.append(kw["rows"]) if what == "chunk" else None)
    assert len(chunks) > 2 and sum(chunks) == 8
    unknown = [f for f in run.findings if f.code == "unknown_column"]
    assert len(unknown) == 1 and unknown[0].count == 7 and "Mystery Column" in unknown[0].message
    assert query(home, "SELECT DISTINCT source_file FROM core_arrests") == [("as-given.txt",)]
    assert query(home, "SELECT file_name, file_format FROM release_files") == [("as-given.txt", "text+gzip")]
    assert query(home, "SELECT count(*), min(source_row), max(source_row) FROM core_arrests") == [(7, 7, 13)]
    assert query(home, "SELECT source_row, reason_code FROM quarantine") == [(14, "empty_row")]
