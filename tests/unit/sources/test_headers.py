"""Header detection and alias matching, including property tests over banners and spellings."""

from __future__ import annotations

import re

import duckdb
from hypothesis import given, settings, strategies as st

from iceledger.metadata import field_
from iceledger.sources.lesa import cleaning as C
from iceledger.sources.lesa.headers import detect_header, era_layout, map_columns, normalize_header, score_headers

L2_ARRESTS = [a.header for a in era_layout("core_arrests", "L2")]


@settings(max_examples=200, deadline=None)
@given(banner=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40), min_size=0, max_size=12))
def test_header_found_below_any_banner(banner):
    rows = [[line] for line in banner] + [L2_ARRESTS] + [["2025-01-01 10:00:00", "Targeted"]]
    guess = detect_header(rows)
    assert guess is not None and guess.row_index == len(banner)
    assert guess.table == "core_arrests" and guess.era == "L2"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(L2_ARRESTS), st.sampled_from([str.upper, str.lower, str.title, lambda s: s.replace(" ", "_"),
                                                     lambda s: "  " + s + " ", lambda s: s.replace(" ", "  ")]))
def test_header_spelling_variants_map_the_same(header, variant):
    assert normalize_header(variant(header)) == normalize_header(header)
    assert map_columns([variant(header)], "core_arrests", "L2")[0].field == map_columns([header], "core_arrests", "L2")[0].field


def test_no_header_in_notes():
    assert detect_header([["Notes"], ["this workbook"], ["has no table"]]) is None


def test_a_layout_is_found_as_its_own_table():
    for table, era in (("core_detainers", "L2"), ("core_arrests", "H-UWCHR-2019"), ("core_removals", "H-UW-SEA")):
        headers = [a.header for a in era_layout(table, era)]
        guess = detect_header([["a banner line"], headers])
        assert (guess.row_index, guess.table, guess.era) == (1, table, era)
        assert max(score_headers(headers).items(), key=lambda kv: kv[1])[0] == (table, era)


REFERENCE = re.compile(r"\([bB]\)|(^|[^A-Za-z])[bB]\([0-9]")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="bB()0123456789 ,cCxa7", max_size=16))
def test_redaction_rule_matches_its_reference(text):
    """The SQL rule (cheap prefilter + regular expression) agrees with the documented pattern."""
    con = duckdb.connect()
    t = C.trimmed("c")
    got = con.execute(f"WITH s AS (SELECT CAST(? AS VARCHAR) AS c), a AS (SELECT {t} AS t FROM s) "
                      f"SELECT {C.reason_case('t', 't', field_('gender'))} FROM a",
                      [text]).fetchall()[0][0]
    stripped = text.strip(" \t\r\n\u00a0")
    expected = "redacted" if stripped and REFERENCE.search(stripped) else ("not_available" if stripped.upper() in C.NOT_AVAILABLE else None)
    assert got == expected
