"""The three real workbooks parse completely, with values read by hand from the sheets (openpyxl) as oracles."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from iceledger.sources.detention_stats.layout import load_layouts
from iceledger.sources.detention_stats.load import facility_rows, read_workbook, value_rows


def cell(wb, block: str, ref: str):
    data = next(b for b in wb.blocks if b.block.code == block)
    return next(c for c in data.cells if c.ref == ref)


def codes(wb) -> list[str]:
    return [f.code for f in wb.findings]


def test_row_counts(workbooks):
    counts = {fy: (len(wb.blocks), len(value_rows(wb)), len(facility_rows(wb))) for fy, wb in workbooks.items()}
    assert counts == {2019: (14, 3660, 213), 2020: (16, 3103, 170), 2021: (16, 2714, 142)}


# (fiscal year, block, cell, value read by hand with openpyxl, dimensions the value must carry)
SPOT = [
    (2019, "detained_by_disposition", "D10", 50922, {"disposition": "Total", "facility_type": "Total"}),
    (2019, "detained_by_criminality_agency", "B21", 12543, {"criminality": "Convicted Criminal", "agency": "ICE"}),
    (2019, "detained_by_criminality_agency", "C21", 0.7781017369727047, {"agency": "ICE"}),
    (2019, "book_ins_by_agency_month", "V21", 137084, {"agency": "ICE", "month": "Total"}),
    (2019, "book_ins_by_agency_month", "J22", 28659, {"agency": "CBP", "month": "10"}),
    (2019, "book_ins_by_facility_type_criminality", "E31", 472948, {"facility_type": "Adult", "criminality": "Total"}),
    (2019, "removals", "P29", 267258, {"facility_type": "Total"}),
    (2019, "removals", "P30", 1069, {"facility_type": "FRC"}),
    (2019, "releases_by_reason_criminality", "E42", 176902, {"release_reason": "Order of Recognizance"}),
    (2019, "releases_by_reason_criminality", "E43", 13766, {"release_reason": "Order of Supervision"}),
    (2019, "adp_by_agency_month_criminality", "N59", 50165.43836, {"agency": "Total", "criminality": "Total"}),
    (2019, "adp_by_agency_month_criminality", "B55", 18608.548387096773, {"agency": "CBP", "criminality": "Non-Criminal"}),
    (2019, "alos_by_agency_month_criminality", "B69", 37.58087, {"agency": "CBP", "criminality": "Pending Criminal Charges"}),
    (2019, "atd_by_aor_technology", "B64", 13173, {"aor": "Miami", "technology": "Total"}),
    (2019, "atd_by_aor_technology", "B115", 1308, {"aor": "WashingtonDC", "technology": "VoiceID"}),
    (2019, "atd_by_status", "B11", 83186, {"atd_status": "Total"}),
    (2019, "facilities", "J8", 1150.150684931497, {"classification_level": "A"}),
    (2019, "facilities", "T8", 369.027397260274, {"threat_level": "3"}),
    (2020, "fear_release_days", "K10", 133.68, {"facility_type": "Total"}),
    (2020, "fear_detained_by_facility_type", "O10", 2387, {"facility_type": "Total"}),
    (2020, "detained_by_criminality_agency", "C20", 0.6740612544577302, {"agency": "ICE", "criminality": "Total"}),
    (2020, "releases_by_reason_criminality", "B39", 6892, {"release_reason": "Bonded Out", "criminality": "Convicted Criminal"}),
    (2020, "book_ins_by_agency_month", "V21", 83095, {"agency": "CBP"}),
    (2020, "book_ins_by_agency_month", "V22", 99774, {"agency": "ICE"}),
    (2020, "atd_by_aor_technology", "B22", 1664, {"aor": "Atlanta", "technology": "TR"}),
    (2021, "book_ins_by_agency_month", "V20", 58964, {"agency": "Total", "month": "Total"}),
    (2021, "book_ins_by_agency_month", "P20", 5612, {"month": "4"}),
    (2021, "releases_by_reason_criminality", "O38", 33660, {"release_reason": "Total", "criminality": "Total"}),
    (2021, "releases_by_reason_criminality", "C44", 60, {"release_reason": "Bond Set by ICE", "criminality": "Convicted Criminal"}),
    (2021, "adp_by_agency_month_criminality", "N76", 15821.33333, {"agency": "Total", "criminality": "Total"}),
]


@pytest.mark.parametrize("fy, block, ref, value, dims", SPOT)
def test_spot_values_read_by_hand(workbooks, fy, block, ref, value, dims):
    c = cell(workbooks[fy], block, ref)
    assert c.value == pytest.approx(value, rel=1e-12)
    assert {k: c.dims.get(k) for k in dims} == dims


def test_formula_cells_keep_excels_stored_result(workbooks):
    share = cell(workbooks[2020], "detained_by_criminality_agency", "C20")  # =B20/F20 in ICE's sheet
    assert share.is_formula and share.value == pytest.approx(12853 / 19068)
    assert not cell(workbooks[2020], "detained_by_criminality_agency", "B20").is_formula
    assert cell(workbooks[2019], "atd_by_status", "B11").is_formula  # =SUM(B7:B10)


def test_rows_name_their_source_cells(workbooks):
    rows = value_rows(workbooks[2019])
    stewart = next(r for r in rows if r["detstats_block"] == "facilities" and r["detstats_cell"] == "J8")
    assert stewart["source_id"] == "ice-detention-stats-fy2019"
    assert stewart["source_detail"] == "FY19-detentionstats.xlsx!'Facilities FY19'!J8"
    assert stewart["detstats_facility_row"] == 8 and stewart["detstats_period"] == "fiscal_year"
    assert all(r["source_detail"] and r["detstats_unit"] for r in rows)
    atd = next(r for r in rows if r["detstats_cell"] == "B115" and r["detstats_block"] == "atd_by_aor_technology")
    assert atd["aor_code"] == "WAS" and atd["detstats_aor_name"] == "WashingtonDC" and not atd["detstats_is_total"]
    total = next(r for r in rows if r["detstats_cell"] == "B64" and r["detstats_block"] == "atd_by_aor_technology")
    assert total["aor_code"] == "MIA" and total["detstats_is_total"]  # an AOR's row sums its technologies


def test_facility_attributes(workbooks):
    fac = {f["detstats_facility_row"]: f for f in facility_rows(workbooks[2019])}
    stewart = fac[8]
    assert (stewart["detention_facility"], stewart["detstats_city"], stewart["detstats_state"], stewart["aor_code"]) == \
        ("STEWART DETENTION CENTER", "LUMPKIN", "GA", "ATL")
    assert stewart["detstats_guaranteed_minimum"] == 1600
    assert stewart["detstats_last_inspection_date"] == dt.date(2019, 5, 9)  # text '5/9/2019'
    assert stewart["detstats_prior_inspection_date"] == dt.date(2018, 5, 3)  # an Excel date
    assert fac[28]["detstats_zip"] == "07105"  # Essex County, stored as the number 7105
    assert fac[11]["detstats_guaranteed_minimum"] is None  # Eloy: blank in the sheet
    fy21 = {f["detstats_facility_row"]: f for f in facility_rows(workbooks[2021])}
    assert fy21[145]["detstats_prior_inspection_date"] == dt.date(2020, 3, 18)  # serial number 43908


def test_not_available_cells_are_null_with_a_reason(workbooks):
    folkston = cell(workbooks[2019], "facilities", "J30")  # '#N/A' in the sheet
    assert folkston.value is None and folkston.null_reason == "not_available"


def test_consistency_checks_where_ice_is_consistent(workbooks):
    assert workbooks[2019].stats == {"totals": 180, "partitions": 422, "cross": 31,
                                     "totals_failed": 0, "partitions_failed": 0, "cross_failed": 0}
    assert workbooks[2020].stats == {"totals": 197, "partitions": 340, "cross": 31,
                                     "totals_failed": 0, "partitions_failed": 0, "cross_failed": 0}
    assert "detstats_totals_mismatch" not in codes(workbooks[2019]) + codes(workbooks[2020])


def test_fy20_swapped_labels_are_a_finding_and_a_corrected_column(workbooks):
    wb = workbooks[2020]
    swapped = [f for f in wb.findings if f.code == "detstats_labels_swapped"]
    assert len(swapped) == 1
    f = swapped[0]
    assert f.severity == "warning" and f.count == 4
    assert f.detail["block"] == "book_ins_by_facility_type_criminality" and f.detail["sheet"] == "Detention EOFY2020"
    assert "E31 FRC 181,039 > E30 Adult 1,830" in f.detail["examples"]
    published_adult = cell(wb, "book_ins_by_facility_type_criminality", "E30")
    assert published_adult.row_label == "Adult" and published_adult.value == 1830
    assert published_adult.dims["facility_type"] == "FRC"  # dimension follows the corrected label
    row = next(r for r in value_rows(wb) if r["detstats_block"] == "book_ins_by_facility_type_criminality" and r["detstats_cell"] == "E30")
    assert (row["detstats_row_label"], row["detstats_corrected_row_label"], row["detstats_value"]) == ("Adult", "FRC", 1830)
    assert not any(f.code == "detstats_labels_swapped" for fy in (2019, 2021) for f in workbooks[fy].findings)


def test_swap_is_reported_even_without_a_declared_correction():
    fy20 = dataclasses.replace(load_layouts()[1], corrections=())
    wb = read_workbook(fy20)
    f = next(f for f in wb.findings if f.code == "detstats_labels_swapped")
    assert "add a corrections entry" in f.fix and not f.detail["correction_declared"]
    assert not wb.corrected


def test_fy21_release_totals_disagree_with_their_parts(workbooks):
    wb = workbooks[2021]
    assert wb.stats["totals_failed"] == 13 and wb.stats["cross_failed"] == 0
    bad = [f for f in wb.findings if f.code == "detstats_totals_mismatch"]
    assert [f.detail["block"] for f in bad] == ["releases_by_reason_criminality"]
    assert "C38 Total / Oct: published 2,535, sum of 4 release_reason parts gives 2,539" in bad[0].detail["examples"]


def test_year_to_date_months_after_the_cutoff_are_not_loaded(workbooks):
    wb = workbooks[2021]
    skipped = next(f for f in wb.findings if f.code == "detstats_placeholders_skipped")
    assert skipped.count == 290
    months = {r["detstats_month_date"] for r in value_rows(wb) if r["detstats_month_date"]}
    assert max(months) == dt.date(2021, 4, 1) and min(months) == dt.date(2020, 10, 1)
    assert {r["detstats_period"] for r in value_rows(wb)} == {"month", "fiscal_year_to_date", "snapshot"}


def test_fiscal_year_adp_check_can_fail():
    """With April counted as a full month, ICE's FY21 ADP (a mean over 1 Oct-10 Apr) no longer matches."""
    wrong = dataclasses.replace(load_layouts()[2], data_through=dt.date(2021, 4, 30))
    wb = read_workbook(wrong)
    blocks = {f.detail["block"] for f in wb.findings if f.code == "detstats_totals_mismatch"}
    assert {"adp_by_agency_month_criminality", "adp_by_facility_type_month"} <= blocks
