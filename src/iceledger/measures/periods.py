"""Calendar periods of a time dimension within a window, clipped to the window."""

from __future__ import annotations

import datetime as dt

ONE_DAY = dt.timedelta(days=1)


def period_of(time: str | None, d: dt.date):
    """(value, first day, day after the last day) of the period of ``time`` holding ``d``."""
    if time == "day":
        return d, d, d + ONE_DAY
    if time == "week":
        start = d - dt.timedelta(days=d.weekday())
        return start, start, start + dt.timedelta(days=7)
    if time == "month":
        start = d.replace(day=1)
        nxt = (start + dt.timedelta(days=32)).replace(day=1)
        return start, start, nxt
    if time == "year":
        return d.year, dt.date(d.year, 1, 1), dt.date(d.year + 1, 1, 1)
    if time == "fy":
        fy = d.year + (1 if d.month >= 10 else 0)
        return fy, dt.date(fy - 1, 10, 1), dt.date(fy, 10, 1)
    raise ValueError(f"not a time dimension: {time!r}")


def periods_between(time: str | None, lo: dt.date, hi: dt.date) -> list[tuple]:
    """Periods from ``lo`` to ``hi`` (inclusive), each as (value, start, end exclusive), clipped to
    the window. Without a time dimension, the window is one period whose value is None."""
    end = hi + ONE_DAY
    if time is None:
        return [(None, lo, end)]
    out = []
    d = lo
    while d < end:
        value, start, nxt = period_of(time, d)
        out.append((value, max(start, lo), min(nxt, end)))
        d = nxt
    return out
