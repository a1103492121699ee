"""The comparison vocabulary: worked examples, and properties that must hold for any numbers
(tolerance boundaries are inclusive and exact; a step past them flips the result)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from iceledger.claims.vocabulary import COMPARISONS, check_expected, compare, compare_sets, format_number, tolerance_amount

# Decimals with two places, passed on as floats: the comparison reads a float as the decimal it prints as.
amounts = st.decimals(min_value=-10**6, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
tolerances = st.decimals(min_value=0, max_value=10**4, places=2, allow_nan=False, allow_infinity=False)
step = st.decimals(min_value=Decimal("0.01"), max_value=10**3, places=2)


@pytest.mark.parametrize("comparison,value,expected,tolerance,holds", [
    ("nearly", 498, 500, "5%", True),
    ("nearly", 475, 500, "5%", True),
    ("nearly", 474.99, 500, "5%", False),
    ("nearly", 501, 500, "5%", False),
    ("approximately", 42, 43, 1, True),
    ("approximately", 41, 43, 1, False),
    ("approximately", 30.3, 30, 0.5, True),
    ("equals", 143470, 143470, None, True),
    ("equals", 143473, 143470, None, False),
    ("at_least", 8400, 8000, None, True),
    ("at_least", 7999, 8000, None, False),
    ("at_most", 8000, 8000, None, True),
    ("more_than", 8000, 8000, None, False),
    ("date_equals", dt.date(2017, 9, 27), dt.date(2017, 9, 24), None, False),
    ("date_equals", "2017-09-27", dt.date(2017, 9, 27), None, True),
    ("equals", "reported_unconfirmed", "cancelled", None, False),
])
def test_worked_examples(comparison, value, expected, tolerance, holds):
    assert compare(comparison, value, expected, tolerance).holds is holds


def test_details_say_why():
    assert compare("nearly", 498, 500, "5%").detail == "498 is within 25 (5% of 500) below 500"
    assert compare("nearly", 510, 500, "5%").detail == "510 is above 500"
    assert compare("date_equals", dt.date(2017, 9, 27), dt.date(2017, 9, 24)).detail == \
        "2017-09-27 (Wednesday) is not 2017-09-24 (Sunday)"
    assert compare("at_least", 110568, 120000).detail == "110,568 is less than 120,000"


@given(amounts, tolerances)
def test_approximately_boundary_is_inclusive(e, t):
    for v in (e + t, e - t):
        assert compare("approximately", float(v), float(e), float(t)).holds


@given(amounts, tolerances, step)
def test_approximately_one_step_past_the_boundary_fails(e, t, d):
    for v in (e + t + d, e - t - d):
        assert not compare("approximately", float(v), float(e), float(t)).holds


@given(amounts, amounts, tolerances)
def test_approximately_is_symmetric_with_an_absolute_tolerance(a, b, t):
    assert compare("approximately", float(a), float(b), float(t)).holds == compare("approximately", float(b), float(a), float(t)).holds


@given(st.integers(min_value=1, max_value=10**7), st.integers(min_value=0, max_value=100))
def test_relative_tolerance_is_a_share_of_the_expected_value(e, pct):
    t = tolerance_amount(f"{pct}%", e)
    assert t == Decimal(e) * pct / 100
    assert compare("approximately", float(Decimal(e) + t), e, f"{pct}%").holds
    assert not compare("approximately", float(Decimal(e) + t + Decimal("0.01")), e, f"{pct}%").holds


@given(amounts, tolerances, step)
def test_nearly_is_the_band_just_below(e, t, d):
    assert compare("nearly", float(e), float(e), float(t)).holds
    assert compare("nearly", float(e - t), float(e), float(t)).holds
    assert not compare("nearly", float(e - t - d), float(e), float(t)).holds
    assert not compare("nearly", float(e + d), float(e), float(t)).holds


@given(amounts, amounts)
def test_order_comparisons_agree_with_each_other(v, e):
    v, e = float(v), float(e)
    at_least, at_most, more = (compare(c, v, e).holds for c in ("at_least", "at_most", "more_than"))
    assert at_least == (not compare("at_most", v, e).holds or v == e)
    assert more == (at_least and not at_most)
    assert compare("equals", v, e).holds == (at_least and at_most)


@given(st.dates(), st.dates())
def test_date_equals_is_same_day(a, b):
    assert compare("date_equals", a, b).holds == (a == b)


@given(st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=4), unique=True, max_size=8), st.randoms())
def test_sets_ignore_order_and_notice_an_extra_name(names, rnd):
    shuffled = names[:]
    rnd.shuffle(shuffled)
    same = lambda a, b: a == b  # noqa: E731
    assert compare_sets(names, shuffled, same).holds
    out = compare_sets(names + ["zzz"], shuffled, same)
    assert not out.holds and out.claimed_only == [len(names)]


def test_set_matching_finds_the_pairing_a_greedy_pass_would_miss():
    # "A" could match either listed item; "B" only the first. A greedy pass would give "A" the first.
    matches = lambda name, item: (name, item) in {("A", 1), ("A", 2), ("B", 1)}  # noqa: E731
    out = compare_sets(["A", "B"], [1, 2], matches)
    assert out.holds and out.pairs == [(0, 1), (1, 0)]


@pytest.mark.parametrize("comparison,expected,tolerance,text", [
    ("approximately", 43, None, "needs a tolerance"),
    ("at_least", 8000, 5, "takes no tolerance"),
    ("nearly", 500, "five percent", "neither a number nor a percentage"),
    ("approximately", 500, -1, "negative"),
    ("date_equals", "Sunday", None, "not a date"),
    ("set_equals", ["Denver", "denver"], None, "twice"),
    ("set_equals", "Denver", None, "non-empty list"),
    ("at_most", "many", None, "not a number"),
    ("about", 1, None, "unknown comparison"),
])
def test_expected_values_are_checked(comparison, expected, tolerance, text):
    with pytest.raises(ValueError, match=text):
        check_expected(comparison, expected, tolerance)


def test_every_comparison_is_described():
    assert all(w.description for w in COMPARISONS.values())
    assert format_number(110568) == "110,568" and format_number(30.3) == "30.3" and format_number(42.0) == "42"
