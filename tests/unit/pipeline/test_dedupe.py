"""The ddp_episode_24h rule on hand-made arrests with known answers."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

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
