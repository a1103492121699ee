"""Damaged copies of a real workbook (edited with openpyxl in tmp_path) stop with an error that says where and what."""

from __future__ import annotations

import openpyxl
import pytest

from iceledger.errors import InputError
from iceledger.sources.bundled import bundled_path
from iceledger.sources.detention_stats.consistency import run_checks
from iceledger.sources.detention_stats.extract import extract_workbook
from iceledger.sources.detention_stats.layout import load_layouts

FY19 = "official/FY19-detentionstats.xlsx"


@pytest.fixture(scope="module")
def layout():
    return load_layouts()[0]


def damaged(tmp_path, edit) -> str:
    wb = openpyxl.load_workbook(bundled_path(FY19))
    edit(wb)
    path = tmp_path / "FY19-detentionstats.xlsx"
    wb.save(path)
    return path


def fails(layout, path) -> InputError:
    with pytest.raises(InputError) as err:
        extract_workbook(layout, path)
    return err.value


def test_renamed_block_title(tmp_path, layout):
    path = damaged(tmp_path, lambda wb: wb["Detention FY19"].cell(18, 9, "ICE Initial Book-Ins by Agency and Month: FY2019"))
    err = fails(layout, path)
    assert err.code == "detstats_block_not_found"
    assert (err.location.file, err.location.sheet) == ("FY19-detentionstats.xlsx", "Detention FY19")
    assert "book_ins_by_agency_month" in err.message and "ICE Initial Book-Ins by Arresting Agency and Month" in err.message
    assert "anchor" in err.fix


def test_changed_column_header(tmp_path, layout):
    err = fails(layout, damaged(tmp_path, lambda wb: wb["Detention FY19"].cell(19, 10, "October")))
    assert err.code == "detstats_header_mismatch"
    assert (err.location.sheet, err.location.row, err.location.column) == ("Detention FY19", 19, "J")
    assert "expected the column header 'Oct', found 'October'" in err.message
    assert "sheet 'Detention FY19', row 19, column 'J'" in str(err)


def test_changed_row_label(tmp_path, layout):
    err = fails(layout, damaged(tmp_path, lambda wb: wb["Detention FY19"].cell(22, 1, "Pending Charges")))
    assert err.code == "detstats_row_mismatch"
    assert (err.location.row, err.location.column) == (22, "A")
    assert "expected the row label 'Pending Criminal Charges', found 'Pending Charges'" in err.message


def test_missing_member_row_in_a_group(tmp_path, layout):
    err = fails(layout, damaged(tmp_path, lambda wb: wb["ATD FY19"].cell(29, 1, "GSP")))  # Boston's GPS row
    assert err.code == "detstats_row_mismatch" and "atd_by_aor_technology" in err.message
    assert (err.location.sheet, err.location.row) == ("ATD FY19", 29)


def test_extra_row_after_a_block(tmp_path, layout):
    def edit(wb):
        ws = wb["Detention FY19"]
        ws.cell(23, 9, "HSI")
        ws.cell(23, 10, 12)
    err = fails(layout, damaged(tmp_path, edit))
    assert err.code == "detstats_unexpected_row"
    assert (err.location.row, err.location.column) == (23, "I") and "'HSI'" in err.message


def test_renamed_sheet(tmp_path, layout):
    def edit(wb):
        wb["ATD FY19"].title = "ATD"
    err = fails(layout, damaged(tmp_path, edit))
    assert err.code == "detstats_sheet_missing" and err.location.sheet == "ATD FY19"
    assert "fy2019.yaml" in err.fix


def test_title_found_twice(tmp_path, layout):
    err = fails(layout, damaged(tmp_path, lambda wb: wb["Detention FY19"].cell(100, 1, "ICE Removals: again")))
    assert err.code == "detstats_anchor_ambiguous" and "N27" in err.message and "A100" in err.message


def test_not_a_workbook(tmp_path, layout):
    path = tmp_path / "FY19-detentionstats.xlsx"
    path.write_text("not a spreadsheet")
    assert fails(layout, path).code == "detstats_unreadable"


def test_an_edited_value_breaks_its_totals(tmp_path, layout):
    path = damaged(tmp_path, lambda wb: wb["Detention FY19"].cell(21, 10, 11992))  # ICE book-ins, October: 11892 + 100
    findings, stats = run_checks(layout, extract_workbook(layout, path))
    bad = next(f for f in findings if f.code == "detstats_totals_mismatch" and f.detail["block"] == "book_ins_by_agency_month")
    assert bad.count == 2 and stats["totals_failed"] == 2
    assert bad.detail["examples"] == [
        "J20 Total / Oct: published 40,551, sum of 2 agency parts gives 40,651",
        "V21 ICE / Total: published 137,084, sum of 12 month parts gives 137,184"]


def test_blank_row_inside_the_facility_list(tmp_path, layout):
    def edit(wb):
        for c in range(1, 32):
            wb["Facilities FY19"].cell(50, c).value = None
    err = fails(layout, damaged(tmp_path, edit))
    assert err.code == "detstats_unexpected_row" and err.location.row == 51 and "blank row 50" in err.message


def test_numbers_after_a_year_to_date_cutoff_are_kept_and_reported(tmp_path):
    fy21 = load_layouts()[2]
    wb = openpyxl.load_workbook(bundled_path(fy21.file))
    wb["Detention FY21 YTD"].cell(20, 17, 777)  # May 2021 book-ins, a placeholder 0 in ICE's copy
    path = tmp_path / "FY21.xlsx"
    wb.save(path)
    blocks = extract_workbook(fy21, path)
    book_ins = next(b for b in blocks if b.block.code == "book_ins_by_agency_month")
    assert book_ins.late == ["Q20"] and any(c.ref == "Q20" and c.value == 777 for c in book_ins.cells)
