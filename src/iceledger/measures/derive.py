"""Arithmetic on a measure's aggregated rows: shares, change against a year earlier, before/after.

These run on the few rows a measure returns, after the engine has counted, so DuckDB and Spark
give the same derived figures from the same counts. Percentages are rounded to 0.1, shares to 4 places.
"""

from __future__ import annotations

import datetime as dt

WINDOW_LABEL = "_window"


def minus_year(d: dt.date) -> dt.date:
    """The same day a year earlier (29 February becomes 28 February)."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def plus_period_year(dim: str, value):
    """The period one year after ``value`` of time dimension ``dim`` (None when there is none)."""
    if value is None:
        return None
    if dim in ("fy", "year"):
        return value + 1
    if dim == "week":
        return value + dt.timedelta(days=364)
    try:
        return value.replace(year=value.year + 1)
    except ValueError:
        return None


def _sort_key(v):
    return (v is None, str(type(v)), v if v is not None else 0)


def sort_rows(rows: list[dict], dims: list[str]) -> list[dict]:
    return sorted(rows, key=lambda r: tuple(_sort_key(r.get(d)) for d in dims))


def pct(new, old):
    if new is None or old in (None, 0):
        return None
    return round(100.0 * (new - old) / old, 1)


def year_earlier(rows: list[dict], dims: list[str], labelled: bool, notes: list[str]) -> tuple[list[dict], list[str]]:
    """Add prior_n, change and change_pct: the same period (and other dimensions) a year earlier."""
    from iceledger.measures.catalog import TIME_DIMENSIONS

    time = next((d for d in dims if d in TIME_DIMENSIONS), None)
    others = [d for d in dims if d != time]
    if labelled:
        current = [r for r in rows if r[WINDOW_LABEL] == "current"]
        prior_rows = [r for r in rows if r[WINDOW_LABEL] == "prior"]
        for r in rows:
            del r[WINDOW_LABEL]
    else:
        current, prior_rows = rows, rows
    prior = {}
    for r in prior_rows:
        when = plus_period_year(time, r[time]) if time else None
        prior[(when, *(r[d] for d in others))] = r["n"]
    out = []
    for r in current:
        key = (r[time] if time else None, *(r[d] for d in others))
        before = prior.get(key, 0 if labelled or _has_prior_period(time, r, rows) else None)
        out.append({**r, "prior_n": before, "change": None if before is None else r["n"] - before,
                    "change_pct": pct(r["n"], before)})
    if labelled:  # a group seen only in the prior window had no events in the current one
        seen = {(r[time] if time else None, *(r[d] for d in others)) for r in current}
        for key, before in prior.items():
            if key not in seen and (time is None or key[0] is not None):
                row = {**({time: key[0]} if time else {}), **dict(zip(others, key[1:])), "n": 0}
                out.append({**row, "prior_n": before, "change": -before, "change_pct": pct(0, before)})
        out = sort_rows(out, dims)
    if any(r["prior_n"] is None for r in out):
        notes.append("prior_n is empty where the loaded records do not reach back a year before the period")
    return out, ["prior_n", "change", "change_pct"]


def _has_prior_period(time: str | None, row: dict, rows: list[dict]) -> bool:
    """True when some row lies a year or more before ``row`` (so a missing prior means zero, not unknown)."""
    if time is None:
        return False
    mine = row[time]
    return any(r[time] is not None and plus_period_year(time, r[time]) is not None
               and plus_period_year(time, r[time]) <= mine for r in rows)


def before_after(rows: list[dict], dims: list[str], lo: dt.date, split: dt.date, hi: dt.date) -> tuple[list[dict], list[str]]:
    """Per-day rates before and after ``split`` and, on 'after' rows, the change in the per-day rate."""
    days = {"before": (split - lo).days, "after": (hi - split).days + 1}
    others = [d for d in dims if d != "period"]
    for r in rows:
        r["days"] = days[r["period"]]
        r["per_day"] = round(r["n"] / r["days"], 4)
    before = {tuple(r[d] for d in others): r for r in rows if r["period"] == "before"}
    after_keys = {tuple(r[d] for d in others) for r in rows if r["period"] == "after"}
    for key in before:  # a group seen only before the split had zero events after it
        if key not in after_keys:
            rows.append({**{d: v for d, v in zip(others, key)}, "period": "after", "n": 0, "days": days["after"], "per_day": 0.0})
    for r in rows:
        if r["period"] == "after":
            b = before.get(tuple(r[d] for d in others))
            r["before_per_day"] = b["per_day"] if b else 0.0
            r["change_pct"] = pct(r["n"] / r["days"], b["n"] / b["days"]) if b else None
        else:
            r["before_per_day"] = None
            r["change_pct"] = None
    rows.sort(key=lambda r: (tuple(_sort_key(r.get(d)) for d in others), r["period"] != "before"))
    return rows, ["days", "per_day", "before_per_day", "change_pct"]


def shares(rows: list[dict], dims: list[str]) -> list[str]:
    """share = n / total n of the rows that agree on every dimension but the last."""
    group = dims[:-1]
    totals: dict[tuple, float] = {}
    for r in rows:
        k = tuple(r[d] for d in group)
        totals[k] = totals.get(k, 0) + (r["n"] or 0)
    for r in rows:
        tot = totals[tuple(r[d] for d in group)]
        r["share"] = round(r["n"] / tot, 4) if tot else None
    return ["share"]
