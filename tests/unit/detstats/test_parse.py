"""Cell parsers of the detention statistics reader: properties over any input, and ICE's real quirks."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, strategies as st

from iceledger.sources.detention_stats.parse import (
    label_key,
    normalise_label,
    parse_date,
    parse_int,
    parse_number,
    parse_text,
    parse_zip,
)

cell_values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(),
                        st.dates(), st.datetimes())


@given(cell_values)
def test_parse_number_returns_a_value_or_a_reason(value):
    number, reason = parse_number(value)
    assert (number is None) != (reason is None)
    assert reason in (None, "blank", "not_available", "unparseable")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_written_as_text_read_back(x):
    assert parse_number(repr(x)) == (x, None)
    assert parse_number(x) == (x, None)


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_thousands_separators_are_read(n):
    assert parse_number(f"{n:,}") == (float(n), None)
    assert parse_int(f"{n:,}") == (n, None)


def test_excel_errors_and_blanks_are_reasons_not_zeros():
    assert parse_number("#N/A") == (None, "not_available")
    assert parse_number(" ") == (None, "blank")
    assert parse_number(None) == (None, "blank")
    assert parse_number("New Facility") == (None, "unparseable")
    assert parse_int(2.5) == (None, "unparseable")


@given(st.text())
def test_normalise_label_is_idempotent_and_trimmed(text):
    once = normalise_label(text)
    assert normalise_label(once) == once
    assert once == once.strip()
    assert "  " not in once


def test_labels_compare_without_case_or_extra_spaces():
    assert normalise_label("ICE Average\xa0 ") == "ICE Average"
    assert label_key("Order of supervision") == label_key("Order of  Supervision")


@given(st.integers(min_value=1, max_value=99999))
def test_numeric_zip_codes_get_their_leading_zeros_back(n):
    z, reason = parse_zip(n)
    assert reason is None and len(z) == 5 and int(z) == n
    assert parse_zip(z) == (z, None)


def test_zip_examples():
    assert parse_zip(7105) == ("07105", None)  # Essex County Correctional Facility, Newark NJ, in the FY19 sheet
    assert parse_zip("98421-1615") == ("98421", None)
    assert parse_zip("ABCDE") == (None, "unparseable")


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_dates_in_every_form_excel_writes_them(d):
    serial = (d - dt.date(1899, 12, 30)).days
    assert parse_date(serial) == (d, None)
    assert parse_date(f"{d.month}/{d.day}/{d.year:04d}") == (d, None)
    assert parse_date(dt.datetime(d.year, d.month, d.day)) == (d, None)
    assert parse_date(d.isoformat()) == (d, None)


def test_date_examples_from_the_workbooks():
    assert parse_date("5/9/2019") == (dt.date(2019, 5, 9), None)
    assert parse_date(43908) == (dt.date(2020, 3, 18), None)  # FY21 sheet stores some dates as serial numbers
    assert parse_date("New Facility") == (None, "unparseable")
    assert parse_date("13/45/2019") == (None, "unparseable")
    assert parse_date("N/A") == (None, "not_available")


@given(cell_values)
def test_parse_text_never_returns_empty_text(value):
    text, reason = parse_text(value)
    assert text is None or text.strip() == text != ""
    assert (text is None) == (reason == "blank")
