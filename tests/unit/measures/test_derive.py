"""Shares, year-earlier change, before/after rates and calendar periods, on known rows."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, strategies as st

from iceledger.measures import derive
from iceledger.measures.periods import period_of, periods_between

D = dt.date


def test_shares_within_all_but_the_last_dimension():
    rows = [{"month": D(2025, 1, 1), "g": "a", "n": 3}, {"month": D(2025, 1, 1), "g": "b", "n": 1},
            {"month": D(2025, 2, 1), "g": "a", "n": 0}, {"month": D(2025, 2, 1), "g": "b", "n": 0}]
    assert derive.shares(rows, ["month", "g"]) == ["share"]
    assert [r["share"] for r in rows] == [0.75, 0.25, None, None]


@given(st.lists(st.tuples(st.sampled_from("xyz"), st.integers(0, 1000)), min_size=1, max_size=30))
def test_shares_sum_to_one(pairs):
    rows = [{"k": k, "n": n} for k, n in pairs]
    derive.shares(rows, ["k"])
    total = sum(n for _, n in pairs)
    if total:
        assert abs(sum(r["share"] for r in rows) - 1) < 1e-3
    else:
        assert all(r["share"] is None for r in rows)


def test_year_earlier_by_month_without_a_window():
    rows = [{"month": D(2024, 1, 1), "n": 10}, {"month": D(2025, 1, 1), "n": 15}, {"month": D(2025, 2, 1), "n": 4}]
    notes: list[str] = []
    out, cols = derive.year_earlier(rows, ["month"], False, notes)
    assert cols == ["prior_n", "change", "change_pct"]
    got = {r["month"]: (r["prior_n"], r["change"], r["change_pct"]) for r in out}
    assert got[D(2025, 1, 1)] == (10, 5, 50.0)
    assert got[D(2025, 2, 1)] == (0, 4, None)  # the records reach back a year: no arrests that month
    assert got[D(2024, 1, 1)] == (None, None, None)  # nothing loaded a year before
    assert notes


def test_year_earlier_with_labelled_windows_adds_zero_rows():
    rows = [{"aor_code": "SEA", "_window": "current", "n": 143}, {"aor_code": "SEA", "_window": "prior", "n": 100},
            {"aor_code": "NYC", "_window": "prior", "n": 7}]
    out, _ = derive.year_earlier(rows, ["aor_code"], True, [])
    got = {r["aor_code"]: (r["n"], r["prior_n"], r["change_pct"]) for r in out}
    assert got == {"SEA": (143, 100, 43.0), "NYC": (0, 7, -100.0)}


def test_before_after_per_day_rates():
    rows = [{"period": "before", "n": 100}, {"period": "after", "n": 300}]
    out, cols = derive.before_after(rows, ["period"], D(2025, 1, 1), D(2025, 1, 11), D(2025, 1, 30))
    by = {r["period"]: r for r in out}
    assert by["before"]["days"] == 10 and by["after"]["days"] == 20
    assert by["before"]["per_day"] == 10.0 and by["after"]["per_day"] == 15.0
    assert by["after"]["change_pct"] == 50.0 and by["before"]["change_pct"] is None
    assert [r["period"] for r in out] == ["before", "after"]


def test_minus_year_and_period_shift():
    assert derive.minus_year(D(2024, 2, 29)) == D(2023, 2, 28)
    assert derive.plus_period_year("week", D(2024, 1, 1)) == D(2024, 12, 30)
    assert derive.plus_period_year("fy", 2024) == 2025
    assert derive.plus_period_year("day", D(2024, 2, 29)) is None


def test_fiscal_year_periods():
    assert period_of("fy", D(2017, 9, 30)) == (2017, D(2016, 10, 1), D(2017, 10, 1))
    assert period_of("fy", D(2017, 10, 1)) == (2018, D(2017, 10, 1), D(2018, 10, 1))
    assert period_of("week", D(2017, 9, 24)) == (D(2017, 9, 18), D(2017, 9, 18), D(2017, 9, 25))


@given(st.dates(D(2000, 1, 1), D(2030, 12, 31)), st.integers(0, 800), st.sampled_from(["day", "week", "month", "year", "fy", None]))
def test_periods_tile_the_window(lo, length, time):
    hi = lo + dt.timedelta(days=length)
    ps = periods_between(time, lo, hi)
    assert ps[0][1] == lo and ps[-1][2] == hi + dt.timedelta(days=1)
    for (_, _, end), (_, start, _) in zip(ps, ps[1:]):
        assert end == start
    assert sum((e - s).days for _, s, e in ps) == length + 1
