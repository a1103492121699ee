"""The Seattle AOR's own production (UW v. DHS) against the national release (FOIA 2019-ICFO-53623)
for the arrests and removals both hold: SEA, 2015-10-01 (the national coverage) to 2019-07-06 (Seattle's).

Both releases hold the same SEA arrests for FY2016-FY2018, row for row on the six fields both record;
in FY2019 the national release holds 3 more (4 of its rows pair with none of Seattle's, 1 of Seattle's
with none of its, that one differing only in citizenship). Removals dated by departure agree for
FY2016-FY2017 and drift apart in 2018-2019 (the national release holds more of the latest months).
"""

from __future__ import annotations

import datetime as dt

from tests.integration.conftest import NATIONAL, SEATTLE

from iceledger.measures.compare import compare_releases
from iceledger.measures.engine import open_duckdb
from iceledger.publish.comparisons import comparison_rows


def by_fy(result) -> dict:
    return {r["fy"]: (r["count_a"], r["count_b"], r["difference"], r["matched"]) for r in result.rows}


def test_seattle_and_national_arrests_side_by_side(real):
    r = compare_releases({"a": NATIONAL, "b": SEATTLE, "count": "arrests", "by": "fy"}, home=real[0].home)
    assert by_fy(r) == {2016: (2698, 2698, 0, 2698), 2017: (3376, 3376, 0, 3376), 2018: (3067, 3067, 0, 3067),
                        2019: (1934, 1931, -3, 1930)}
    c = r.provenance["comparison"]
    assert (c["from"], c["to"], c["aor_code"]) == (dt.date(2015, 10, 1), dt.date(2019, 7, 6), "SEA")
    assert c["total"] == {"count_a": 11075, "count_b": 11072, "difference": -3, "matched": 11071, "only_a": 4, "only_b": 1}
    assert c["fields"]["matched_on"] == ["apprehension_date", "aor_code", "apprehension_landmark", "apprehension_method",
                                         "citizenship_country", "gender"]
    assert c["fields"]["only_in"] == {NATIONAL: ["processing_disposition"], SEATTLE: ["most_serious_conviction"]}
    assert c["fields"]["matched_without"]["citizenship_country"] == 11072  # one pair differs only in citizenship
    months = compare_releases({"a": NATIONAL, "b": SEATTLE, "by": "month"}, home=real[0].home, detail=False)
    differ = {row["month"]: row["difference"] for row in months.rows if row["difference"]}
    assert differ == {dt.date(2018, 12, 1): -1, dt.date(2019, 6, 1): -1, dt.date(2019, 7, 1): -1}


def test_seattle_and_national_removals_by_departure(real):
    dated = compare_releases({"a": NATIONAL, "b": SEATTLE, "count": "removals", "by": "fy"}, home=real[0].home, detail=False)
    assert any("date removals differently" in n for n in dated.provenance["notes"])
    r = compare_releases({"a": NATIONAL, "b": SEATTLE, "count": "removals_by_departure", "by": "fy"}, home=real[0].home,
                         detail=False)
    got = by_fy(r)
    assert got[2016] == (2108, 2108, 0, 2108) and got[2017] == (3980, 3980, 0, 3980)
    assert got[2018] == (4116, 4110, -6, 4110) and got[2019] == (3354, 3137, -217, 3137)


def test_the_public_comparison_of_the_real_releases(real):
    """Published with the threshold of 10: FY2016-FY2018 shown as equal; FY2019's difference of 3 is withheld,
    by withholding Seattle's side (the national release is the newer, so the lattice shows its SEA counts)."""
    eng = open_duckdb(real[0])
    try:
        summaries, cells, _ = comparison_rows(eng, 10)
    finally:
        eng.close()
    assert [(s["measure_name"], s["comparison_categories"]) for s in summaries] == [
        ("arrests", ["method_group", "gender"]), ("removals_by_departure", ["gender"])]
    fy = {c["cell_fy"]: (c["release_a_count"], c["release_b_count"], c["count_difference"], c["matched_count"])
          for c in cells if c["measure_name"] == "arrests" and c["time_grain"] == "fy" and c["category_1"] is None}
    assert fy == {2016: (2698, 2698, 0, 2698), 2017: (3376, 3376, 0, 3376), 2018: (3067, 3067, 0, 3067),
                  2019: (1934, None, None, None)}
    months = {c["period_date"]: c["count_difference"] for c in cells
              if c["measure_name"] == "arrests" and c["time_grain"] == "month"}
    assert len(months) == 46 and all(months[m] is None for m in (dt.date(2018, 12, 1), dt.date(2019, 6, 1), dt.date(2019, 7, 1)))
    assert all(d in (None, 0) for d in months.values())
