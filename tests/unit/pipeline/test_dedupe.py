"""The ddp_episode_24h rule on hand-made arrests with known answers."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from hypothesis import given, settings, strategies as st

from iceledger.metadata import create_all_sql, table
from iceledger.pipeline import dedupe

T0 = dt.datetime(2025, 3, 1, 8, 0)


def flags(rows: list[tuple]) -> list[tuple]:
    """rows: (source_row, person_id, hours after T0 or None, method) → (source_row, episode, dup, first)."""
    con = duckdb.connect()
    for sql in create_all_sql(("core",)):
        con.execute(sql)
    for src_row, pid, hours, method in rows:
        when = None if hours is None else T0 + dt.timedelta(hours=hours)
        con.execute("INSERT INTO core_arrests (release_id, source_file, source_sheet, source_row, person_id, apprehension_datetime, "
                    "apprehension_method) VALUES ('r', 'f.xlsx', 'S', ?, ?, ?, ?)", [src_row, pid, when, method])
    dedupe.ensure_aor_lookup(con)
    dedupe.finalize_release(con, table("core_arrests"), "r")
    return con.execute("SELECT source_row, episode_id, is_duplicate_likely, is_episode_first, duplicate_rule "
                       "FROM core_arrests ORDER BY source_row").fetchall()


def test_rows_less_than_24h_apart_share_an_episode():
    out = flags([(1, "A", 0, "Located"), (2, "A", 23.99, "Located"), (3, "A", 48, "Located")])
    ep = [r[1] for r in out]
    assert ep[0] == ep[1] != ep[2]
    assert [r[2] for r in out] == [True, True, False]
    assert [r[3] for r in out] == [True, False, True]
    assert {r[4] for r in out} == {"ddp_episode_24h"}


def test_exactly_24_hours_starts_a_new_episode():
    out = flags([(1, "A", 0, "Located"), (2, "A", 24, "Located")])
    assert out[0][1] != out[1][1] and not out[0][2] and not out[1][2]


def test_gaps_chain_within_an_episode():
    out = flags([(1, "A", 0, "Located"), (2, "A", 20, "Located"), (3, "A", 40, "Located")])
    assert len({r[1] for r in out}) == 1 and [r[3] for r in out] == [True, False, False]


def test_reprocessed_arrests_sort_last_at_the_same_time():
    out = flags([(1, "A", 5, "ERO Reprocessed Arrest"), (2, "A", 5, "Located")])
    firsts = {r[0]: r[3] for r in out}
    assert firsts == {1: False, 2: True}


@pytest.mark.parametrize("pid,hours", [(None, 0), ("A", None)])
def test_rows_without_person_or_time_are_their_own_episode(pid, hours):
    out = flags([(1, pid, hours, "Located"), (2, pid, hours, "Located")])
    assert out[0][1] != out[1][1]
    assert not any(r[2] for r in out) and all(r[3] for r in out)


def test_different_people_never_share_an_episode():
    out = flags([(1, "A", 0, "Located"), (2, "B", 0, "Located")])
    assert out[0][1] != out[1][1] and not out[0][2]


# The rule as it was computed before rows were loaded with their defaults (a window over every row of the release):
# the oracle of the rewrite, which windows only the rows of people seen more than once.
OLD_EPISODES = """
WITH base AS (
  SELECT source_row, coalesce(person_id, '~row:' || source_file || ':' || coalesce(source_sheet, '') || ':' ||
         CAST(source_row AS VARCHAR)) AS pkey, apprehension_datetime AS t,
         coalesce(apprehension_method = 'ERO Reprocessed Arrest', FALSE) AS is_reprocessed, source_file, source_sheet
  FROM core_arrests),
ordered AS (SELECT *, lag(t) OVER w AS prev_t, row_number() OVER w AS seq FROM base
  WINDOW w AS (PARTITION BY pkey ORDER BY t NULLS LAST, is_reprocessed, source_file, source_sheet NULLS FIRST, source_row)),
episodes AS (SELECT *, sum(CASE WHEN seq = 1 OR t IS NULL OR prev_t IS NULL OR t - prev_t >= INTERVAL 24 HOURS THEN 1 ELSE 0 END)
  OVER (PARTITION BY pkey ORDER BY seq ROWS UNBOUNDED PRECEDING) AS ep_no FROM ordered)
SELECT source_row, dense_rank() OVER (ORDER BY pkey, ep_no), count(*) OVER (PARTITION BY pkey, ep_no) > 1,
       row_number() OVER (PARTITION BY pkey, ep_no ORDER BY seq) = 1
FROM episodes ORDER BY source_row"""


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from([None, "A", "B", "C"]), st.one_of(st.none(), st.integers(0, 96)),
                               st.sampled_from(["Located", "ERO Reprocessed Arrest"])), min_size=1, max_size=30),
       with_defaults=st.booleans())
def test_the_rule_on_repeated_people_only_gives_the_old_flags(rows, with_defaults):
    con = duckdb.connect()
    for sql in create_all_sql(("core",)):
        con.execute(sql)
    defaults = dedupe.load_defaults(table("core_arrests"), 0) if with_defaults else {}
    cols = "".join(f", {c}" for c in defaults)
    vals = "".join(f", {v}" for v in defaults.values())
    for i, (pid, hours, method) in enumerate(rows, start=1):
        when = None if hours is None else T0 + dt.timedelta(hours=hours)
        con.execute(f"INSERT INTO core_arrests (release_id, source_file, source_sheet, source_row, person_id, "
                    f"apprehension_datetime, apprehension_method{cols}) SELECT 'r', 'f.csv', NULL, ?, ?, ?, ?{vals} "
                    f"FROM (SELECT ? AS source_row)", [i, pid, when, method, i])
    old = con.execute(OLD_EPISODES).fetchall()
    dedupe.ensure_aor_lookup(con)
    dedupe.finalize_release(con, table("core_arrests"), "r")
    new = con.execute("SELECT source_row, episode_id, is_duplicate_likely, is_episode_first FROM core_arrests "
                      "ORDER BY source_row").fetchall()
    assert [r[2:] for r in new] == [r[2:] for r in old]
    # the same episodes (numbered otherwise: by the row that opens each)
    same_old = {(a[0], b[0]) for a in old for b in old if a[1] == b[1]}
    same_new = {(a[0], b[0]) for a in new for b in new if a[1] == b[1]}
    assert same_new == same_old
    assert all(r[1] is not None for r in new)
