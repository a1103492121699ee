"""The registry CSV reader: typed cells, code lists, keys, and errors that name file, line, column and fix."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from iceledger.errors import InputError
from iceledger.metadata import code_list
from iceledger.sources.registry_csv import (
    CellError,
    expected_columns,
    parse_cell,
    parse_date,
    parse_integer,
    parse_list,
    parse_number,
    read_registry_csv,
)


@given(st.dates(min_value=dt.date(1, 1, 1)))
def test_iso_dates_round_trip(d):
    assert parse_date(d.isoformat()) == d


@pytest.mark.parametrize("text", ["9/27/2017", "2017-9-27", "2017-02-30", "27 Sept 2017", "2017-09", "5025-07-07x"])
def test_non_iso_or_impossible_dates_are_refused(text):
    with pytest.raises(CellError):
        parse_date(text)


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_integers_round_trip_with_or_without_thousands_separators(n):
    assert parse_integer(str(n)) == n
    assert parse_integer(f"{n:,}") == n
    assert parse_number(f"{n:,}") == float(n)


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False))
def test_decimals_round_trip(x):
    assert parse_number(str(x)) == pytest.approx(float(x))


@pytest.mark.parametrize("text", ["1,23", "12,3456", "1.2.3", "about 800", "", "4,000+", "37.6%"])
def test_malformed_numbers_are_refused(text):
    with pytest.raises(CellError):
        parse_number(text)


@given(st.lists(st.text(st.characters(blacklist_characters=";", blacklist_categories=("Cs",)), min_size=1).map(str.strip)
                .filter(bool), min_size=1, max_size=6))
def test_lists_round_trip(items):
    assert parse_list("; ".join(items)) == items


def test_blank_list_is_null():
    assert parse_list(" ; ;") is None


def test_codes_are_checked_against_their_code_list():
    assert parse_cell("policy_kind", "notification_only") == "notification_only"
    with pytest.raises(CellError, match="policy_kind"):
        parse_cell("policy_kind", "sanctuary")


def make_data_dir(tmp_path: Path, name: str, text: str) -> Path:
    """A data folder holding one registry CSV and a manifest listing it, like the project's data/."""
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    (data / "policies").mkdir()
    path = data / "policies" / name
    path.write_text(text, encoding="utf-8")
    manifest = {"id": "test-source", "title": "test", "kind": "hand-compiled facts", "origin": "a test", "licence": "CC0-1.0",
                "files": [{"path": f"policies/{name}", "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}]}
    (data / "sources" / "test-source.yaml").write_text(yaml.safe_dump(manifest))
    return data


HEADER = ",".join(expected_columns("ref_jurisdictions"))


def test_bad_cells_are_reported_with_file_line_column_and_fix(tmp_path):
    text = HEADER + "\nxx-one,One,parish,IL,CHI,\nxx-two,Two,borough,IL,CHI,\n"
    data = make_data_dir(tmp_path, "bad.csv", text)
    with pytest.raises(InputError) as info:
        read_registry_csv("policies/bad.csv", "ref_jurisdictions", data_dir=data)
    err = info.value
    assert err.code == "bad_registry_csv"
    assert err.location.file == "data/policies/bad.csv"
    assert (err.location.row, err.location.column) == (2, "place_level")
    assert "2 problem(s)" in err.message and "line 3, column 'place_level': 'borough'" in err.message
    assert "codes/place_level.csv" in err.fix


def test_duplicate_keys_and_ragged_rows_are_reported(tmp_path):
    text = HEADER + "\nxx-one,One,county,IL,CHI,\nxx-one,Again,county,IL,CHI,\nxx-three,Three,county,IL,CHI,,extra\n"
    data = make_data_dir(tmp_path, "dup.csv", text)
    with pytest.raises(InputError) as info:
        read_registry_csv("policies/dup.csv", "ref_jurisdictions", data_dir=data)
    assert "repeats line 2" in info.value.message
    assert "line 4: 7 cells where the header has 6" in info.value.message


def test_a_wrong_header_names_the_missing_and_unexpected_columns(tmp_path):
    data = make_data_dir(tmp_path, "hdr.csv", "jurisdiction_id,name\nxx,One\n")
    with pytest.raises(InputError) as info:
        read_registry_csv("policies/hdr.csv", "ref_jurisdictions", data_dir=data)
    assert info.value.code == "registry_header"
    assert info.value.location.row == 1
    assert "'name'" in info.value.message and "jurisdiction_name" in info.value.fix


def test_quoted_cells_with_commas_and_newlines_keep_their_line_numbers(tmp_path):
    text = HEADER + '\nxx-one,"One, the first",county,IL,CHI,"two\nlines"\nxx-two,Two,city,IL,CHI,\n'
    data = make_data_dir(tmp_path, "multi.csv", text)
    rows = read_registry_csv("policies/multi.csv", "ref_jurisdictions", data_dir=data)
    assert [(r.line, r["jurisdiction_name"]) for r in rows] == [(2, "One, the first"), (4, "Two")]
    assert rows[0]["jurisdiction_notes"] == "two\nlines"


slugs = st.from_regex(r"[a-z]{2}-[a-z]{1,12}", fullmatch=True)
names = st.text(st.characters(min_codepoint=32, max_codepoint=0x24F, blacklist_categories=("Cs",)), min_size=1, max_size=30).map(str.strip).filter(bool)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(slugs, names, st.sampled_from(code_list("place_level").values),
                          st.from_regex(r"[A-Z]{2}", fullmatch=True),
                          st.sampled_from(code_list("aor").values), st.one_of(st.just(""), names)),
                min_size=1, max_size=8, unique_by=lambda r: r[0]))
def test_registry_rows_round_trip_through_csv(tmp_path_factory, records):
    tmp = tmp_path_factory.mktemp("rt")
    out = tmp / "rows.csv"
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(expected_columns("ref_jurisdictions"))
        w.writerows(records)
    data = make_data_dir(tmp, "rows.csv", out.read_text(encoding="utf-8"))
    rows = read_registry_csv("policies/rows.csv", "ref_jurisdictions", data_dir=data)
    assert [(r["jurisdiction_id"], r["jurisdiction_name"], r["place_level"], r["state_code"], r["aor_code"],
             r["jurisdiction_notes"] or "") for r in rows] == list(records)
