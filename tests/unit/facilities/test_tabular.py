"""Registry spreadsheet reading: cells as text, header detection, the block ends at the first blank row."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from iceledger.errors import InputError
from iceledger.sources.facilities.extract import FULL_ADDRESS, expand_value, normalize_name, normalize_value
from iceledger.sources.tabular import banner_count, cell_text, read_table

words = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" .,-'#/&()"), min_size=1, max_size=30)
filled = words.filter(str.strip)  # a cell with something in it: a blank one ends the data


def rows_of(lines):
    return [(i, cells) for i, cells in enumerate(lines, start=1)]


def test_cell_text_types():
    assert cell_text(dt.datetime(2017, 11, 4)) == "2017-11-04"
    assert cell_text(dt.datetime(2017, 11, 4, 13, 5)) == "2017-11-04 13:05:00"
    assert cell_text(98520) == "98520"
    assert cell_text(6357.0) == "6357"
    assert cell_text(41.65479444991797) == "41.65479444991797"
    assert cell_text(None) is None and cell_text(True) == "TRUE"


@given(st.lists(st.lists(st.one_of(st.none(), words), max_size=4), max_size=8), st.lists(words, min_size=1, max_size=20))
def test_header_found_below_any_banner(banner, codes):
    banner = [[c for c in row if c is None or c.strip().upper() != "DETLOC"] for row in banner]
    lines = banner + [["DETLOC", "Name"]] + [[c, f"name {i}"] for i, c in enumerate(codes)]
    t = read_table(rows_of(lines), "DETLOC", file="f.xlsx", sheet="s")
    assert t.header_row == len(banner) + 1
    assert [r.row for r in t.rows] == list(range(len(banner) + 2, len(banner) + 2 + len(codes)))
    assert [r.cells["DETLOC"] for r in t.rows] == [c.replace("\xa0", " ").strip() or None for c in codes]


@given(st.lists(filled, min_size=1, max_size=5), st.lists(filled, min_size=1, max_size=5))
def test_rows_after_blank_row_are_trailing_not_data(data, notes):
    lines = [["DETLOC"]] + [[d] for d in data] + [[None]] + [[n] for n in notes]
    t = read_table(rows_of(lines), "DETLOC", file="f.xlsx", sheet="s")
    assert len(t.rows) == len(data) and len(t.trailing) == len(notes)


def test_missing_header_names_file_and_sheet_and_fix():
    with pytest.raises(InputError) as e:
        read_table(rows_of([["a", "b"], ["1", "2"]]), "DETLOC", file="list.xlsx", sheet="Main")
    assert e.value.location.file == "list.xlsx" and e.value.location.sheet == "Main" and e.value.fix


def test_values_beyond_the_last_header_are_kept():
    t = read_table(rows_of([["DETLOC", "Name"], ["AAAAAAA", "X", "stray"]]), "DETLOC", file="f", sheet="s")
    assert t.rows[0].cells["(beyond the last header)"] == "stray"


def test_surrounding_spaces_are_trimmed_and_counted():
    t = read_table(rows_of([["DETLOC", "County"], ["ABRDNWA", "GRAYS HARBOR "], ["B", "\xa0X"]]), "DETLOC", file="f", sheet="s")
    assert [r.cells["County"] for r in t.rows] == ["GRAYS HARBOR", "X"] and t.trimmed["County"] == 2


def test_banner_count():
    t = read_table(rows_of([["1685 Facilities, Source: ICE IIDS"], ["DETLOC"], ["A"]]), "DETLOC", file="f", sheet="s")
    assert banner_count(t) == 1685
    t = read_table(rows_of([["215 Authorized Facilities as of 11/06/2017"], ["DETLOC"], ["A"]]), "DETLOC", file="f", sheet="s")
    assert banner_count(t) == 215


@given(st.integers(min_value=0, max_value=99999))
def test_zip_codes_are_padded_to_five_digits(n):
    z = normalize_value("zip", str(n))
    assert len(z) == 5 and int(z) == n


@given(words, words, st.sampled_from(["MA", "TX", "VA"]), st.from_regex(r"\d{5}", fullmatch=True))
def test_full_address_splits_street_and_zip(street, city, state, zip_code):
    street, city = street.strip(" ,") or "1 Main St", city.replace(",", " ").strip() or "Town"
    parts = dict((a, v) for a, v, _ in expand_value("full_address", f"{street}, {city}, {state} {zip_code}", None))
    if FULL_ADDRESS.match(f"{street}, {city}, {state} {zip_code}"):
        assert parts["zip"] == zip_code and parts["address"].strip()
    assert "address" in parts


def test_full_address_real_example():
    assert expand_value("full_address", "42 Patton Rd, Ayer, MA 01432", None) == [("address", "42 Patton Rd", None), ("zip", "01432", None)]
    assert expand_value("full_address", "somewhere odd", None) == [("address", "somewhere odd", None)]


def test_normalize_name_ignores_punctuation_and_case():
    assert normalize_name("Broward Transitional Center.") == normalize_name("BROWARD TRANSITIONAL  CENTER")
