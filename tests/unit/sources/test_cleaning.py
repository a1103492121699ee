"""Cell cleaning rules, run in DuckDB exactly as the loader runs them, plus property tests."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from hypothesis import given, settings, strategies as st

from iceledger.metadata import field_
from iceledger.sources.lesa import cleaning as C


def classify(value: str | None, field: str):
    f = field_(field)
    con = duckdb.connect()
    t = C.trimmed("c")
    sql = (f"WITH s AS (SELECT CAST(? AS VARCHAR) AS c), a AS (SELECT {t} AS t FROM s), b AS (SELECT t, {C.parsed('t', f)} AS p FROM a), "
           f"c AS (SELECT p, {C.reason_case('t', 'p', f)} AS r FROM b) SELECT CASE WHEN r IS NULL THEN p END, r FROM c")
    return tuple(con.execute(sql, [value]).fetchall()[0])


@pytest.mark.parametrize("marker", ["b(6), b(7)c", "b(6), b(7)C", "B(6), B(7)C", "(b)(6)", "(B)(3)", " b(6) "])
def test_redaction_markers_become_null_with_reason(marker):
    assert classify(marker, "gender")[1] == "redacted"
    assert classify(marker, "apprehension_datetime") == (None, "redacted")


def test_literal_na_is_not_available():
    assert classify("NA", "case_threat_level")[1] == "not_available"


@pytest.mark.parametrize("text,expected", [
    ("2024-03-05 13:10:00", dt.datetime(2024, 3, 5, 13, 10)),
    ("03/05/2024 13:10", dt.datetime(2024, 3, 5, 13, 10)),
    ("03/05/2024 01:10 PM", dt.datetime(2024, 3, 5, 13, 10)),
    ("03/05/2024", dt.datetime(2024, 3, 5)),
    ("45356", dt.datetime(2024, 3, 5)),
])
def test_datetime_formats(text, expected):
    assert classify(text, "apprehension_datetime") == (expected, None)


def test_implausible_and_unparseable_dates():
    assert classify("06/14/0002 03:10 PM", "apprehension_datetime")[1] == "out_of_range"
    assert classify("not a date", "apprehension_datetime")[1] == "unparseable"


def test_blank_is_null_without_reason():
    assert classify("   ", "gender") == (None, None)
    assert classify(None, "birth_year") == (None, None)


def test_birth_year_range_and_integrality():
    assert classify("1985", "birth_year") == (1985, None)
    assert classify("1985.0", "birth_year") == (1985, None)
    assert classify("1985.5", "birth_year")[1] == "unparseable"
    assert classify("1850", "birth_year")[1] == "out_of_range"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_any_text_gets_a_value_or_a_reason(text):
    """Whatever is in a cell, it becomes a typed value, or NULL with a reason, or a blank."""
    value, reason = classify(text, "apprehension_datetime")
    blank = text.strip(" \t\r\n\u00a0") == ""
    assert (value is None) == (reason is not None or blank)
    assert reason in (None, "redacted", "not_available", "unparseable", "out_of_range")


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2026, 12, 31)).map(lambda d: d.replace(microsecond=0)))
def test_datetimes_round_trip_through_text(d):
    assert classify(d.strftime("%m/%d/%Y %I:%M:%S %p"), "apprehension_datetime") == (d, None)
    assert classify(d.isoformat(sep=" "), "apprehension_datetime") == (d, None)
