"""A claim's records count must not repeat a sum of withheld cells (issue 11, one gate): a count of whole
months whose filters are a published table's dimensions is the sum of that table's cells."""

from __future__ import annotations

import datetime as dt

from iceledger.measures.spec import MeasureSpec
from iceledger.publish.claim_gate import PublishedCells, repeats_withheld_cells


def cell(month, level, code, hidden, cats=None):
    cats = list((cats or {}).items())
    row = {"measure_name": "arrests", "time_grain": "month", "period_date": dt.date.fromisoformat(month),
           "cell_place_level": level, "place_code": code, "is_suppressed": hidden}
    for i in (1, 2):
        row[f"category_{i}"], row[f"category_{i}_value"] = cats[i - 1] if len(cats) >= i else (None, None)
    return row


CELLS = PublishedCells([
    cell("2019-05-01", "aor", "SEA", True), cell("2019-06-01", "aor", "SEA", False),
    cell("2019-05-01", "aor", "NYC", False), cell("2019-05-01", "national", "US", False),
    cell("2019-05-01", "national", "US", True, {"gender": "Female"}), cell("2019-05-01", "national", "US", False, {"gender": "Male"}),
    cell("2019-05-01", "aor", "SEA", False, {"gender": "Female"}),
    cell("2019-05-01", "aor", "SEA", True, {"criminality": "1 Convicted Criminal"}),
])


def spec(lo, hi, **kw):
    return MeasureSpec(count="arrests", date_from=dt.date.fromisoformat(lo), date_to=dt.date.fromisoformat(hi), **kw)


def test_whole_months_over_a_withheld_cell_are_refused():
    assert repeats_withheld_cells(spec("2019-05-01", "2019-06-30", where={"aor_code": "SEA"}), [], CELLS)
    assert repeats_withheld_cells(spec("2019-05-01", "2019-05-31", where={"gender": "Female"}), [], CELLS)
    assert repeats_withheld_cells(spec("2019-04-01", "2019-05-31", where={"aor_code": ["NYC", "SEA"]}), [], CELLS)


def test_rows_by_a_dimension_are_checked_one_by_one():
    s = spec("2019-05-01", "2019-05-31", by=["aor_code"])
    assert not repeats_withheld_cells(s, [{"aor_code": "NYC", "n": 40}], CELLS)
    assert repeats_withheld_cells(s, [{"aor_code": "NYC", "n": 40}, {"aor_code": "SEA", "n": 30}], CELLS)
    by_month = spec("2019-05-01", "2019-06-30", by=["month"], where={"aor_code": "SEA"})
    assert repeats_withheld_cells(by_month, [{"month": "2019-05-01", "n": 30}], CELLS)
    assert not repeats_withheld_cells(by_month, [{"month": "2019-06-01", "n": 30}], CELLS)


def test_counts_no_table_repeats_are_allowed():
    assert not repeats_withheld_cells(spec("2019-06-01", "2019-06-30", where={"aor_code": "SEA"}), [], CELLS)
    assert not repeats_withheld_cells(spec("2019-05-02", "2019-05-31", where={"aor_code": "SEA"}), [], CELLS)  # part of a month
    assert not repeats_withheld_cells(spec("2019-05-01", "2019-05-31", where={"case_status": "ACTIVE"}), [], CELLS)
    assert not repeats_withheld_cells(spec("2019-05-01", "2019-05-31"), [], CELLS)  # the national month is shown
    assert not repeats_withheld_cells(spec("2019-05-01", "2019-05-31", where={"aor_code": "SEA", "gender": "Male"}), [], CELLS)
