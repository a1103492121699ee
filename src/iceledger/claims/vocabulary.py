"""The comparison vocabulary: how a claimed value is held against the value the ledger finds.

Pure functions, no ledger. Numbers are compared as decimals written the way they were given (0.1 is
0.1, not the nearest binary fraction), so a tolerance boundary is exact and inclusive.

| word | expected | holds when |
|---|---|---|
| equals | number or text | value == expected |
| approximately | number, with tolerance | |value - expected| <= tolerance |
| nearly | number, with tolerance | expected - tolerance <= value <= expected |
| at_least | number | value >= expected |
| at_most | number | value <= expected |
| more_than | number | value > expected |
| date_equals | date | the same day |
| set_equals | list of names | every claimed name matches one listed item and every item one name |

A tolerance is a number in the claim's unit (percentage points for a percentage) or a share of the
expected value written "5%".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

SUPPORTED, CONTRADICTED, NOT_TESTABLE = "supported", "contradicted", "not_testable"
VERDICTS = (SUPPORTED, CONTRADICTED, NOT_TESTABLE)


@dataclass(frozen=True)
class Word:
    kind: str  # number | date | set | number_or_text
    needs_tolerance: bool
    description: str


COMPARISONS: dict[str, Word] = {
    "equals": Word("number_or_text", False, "exactly the expected number or text"),
    "approximately": Word("number", True, "within the tolerance either side of the expected number"),
    "nearly": Word("number", True, "at most the expected number and no more than the tolerance below it ('nearly 500')"),
    "at_least": Word("number", False, "the expected number or more"),
    "at_most": Word("number", False, "the expected number or less"),
    "more_than": Word("number", False, "more than the expected number"),
    "date_equals": Word("date", False, "the same day"),
    "set_equals": Word("set", False, "the same items: each claimed name matches one listed item, and each item one name"),
}
PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


@dataclass(frozen=True)
class Outcome:
    holds: bool
    detail: str


def as_decimal(x: Any) -> Decimal:
    """A number as the decimal it was written as; refuses booleans, text and non-finite values."""
    if isinstance(x, bool) or not isinstance(x, (int, float, Decimal)):
        raise ValueError(f"{x!r} is not a number")
    d = x if isinstance(x, Decimal) else Decimal(x) if isinstance(x, int) else Decimal(repr(x))
    if not d.is_finite():
        raise ValueError(f"{x!r} is not a finite number")
    return d


def tolerance_amount(tolerance: Any, expected: Any) -> Decimal:
    """The tolerance in the claim's unit: a number as given, or "N%" of the expected value."""
    if isinstance(tolerance, str):
        m = PERCENT.match(tolerance)
        if not m:
            raise ValueError(f"tolerance {tolerance!r} is neither a number nor a percentage such as '5%'")
        return abs(as_decimal(expected)) * Decimal(m.group(1)) / 100
    t = as_decimal(tolerance)
    if t < 0:
        raise ValueError(f"tolerance {tolerance!r} is negative")
    return t


def as_date(x: Any) -> dt.date:
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    if isinstance(x, str):
        try:
            return dt.date.fromisoformat(x.strip())
        except ValueError:
            pass
    raise ValueError(f"{x!r} is not a date (write YYYY-MM-DD)")


def check_expected(comparison: str, expected: Any, tolerance: Any) -> Any:
    """``expected`` in the form the comparison needs; ValueError saying what is wrong otherwise."""
    if comparison not in COMPARISONS:
        raise ValueError(f"unknown comparison {comparison!r}: use one of {', '.join(COMPARISONS)}")
    word = COMPARISONS[comparison]
    if word.needs_tolerance and tolerance is None:
        raise ValueError(f"{comparison} needs a tolerance (a number, or a share such as '5%')")
    if not word.needs_tolerance and tolerance is not None:
        raise ValueError(f"{comparison} takes no tolerance; use approximately or nearly for a tolerance")
    if word.kind == "date":
        return as_date(expected)
    if word.kind == "set":
        if not isinstance(expected, list) or not expected or not all(isinstance(e, str) and e.strip() for e in expected):
            raise ValueError("set_equals needs a non-empty list of names")
        if len({e.strip().casefold() for e in expected}) != len(expected):
            raise ValueError("set_equals lists a name twice")
        return [e.strip() for e in expected]
    if word.kind == "number_or_text" and isinstance(expected, str):
        return expected
    as_decimal(expected)
    if tolerance is not None:
        tolerance_amount(tolerance, expected)
    return expected


def format_number(x: Any) -> str:
    d = as_decimal(x)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


def format_date(d: dt.date) -> str:
    return f"{d.isoformat()} ({d.strftime('%A')})"


def format_any(v: Any) -> str:
    """A value for people: numbers with separators, dates with their weekday, lists joined; None is a dash."""
    if v is None:
        return "—"
    if isinstance(v, list):
        return "; ".join(map(str, v))
    if isinstance(v, (dt.date, dt.datetime)):
        return format_date(as_date(v))
    if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
        return format_number(v)
    return str(v)


def compare(comparison: str, value: Any, expected: Any, tolerance: Any = None) -> Outcome:
    """Whether ``value`` bears out ``expected`` under ``comparison`` (set_equals: use ``compare_sets``)."""
    word = COMPARISONS[comparison]
    if word.kind == "date":
        v, e = as_date(value), as_date(expected)
        return Outcome(v == e, f"{format_date(v)} {'is' if v == e else 'is not'} {format_date(e)}")
    if word.kind == "set":
        raise ValueError("set_equals compares lists: use compare_sets")
    if isinstance(expected, str) or isinstance(value, str):
        same = str(value).strip() == str(expected).strip()
        return Outcome(same, f"{value!r} {'is' if same else 'is not'} {expected!r}")
    v, e = as_decimal(value), as_decimal(expected)
    fv, fe = format_number(v), format_number(e)
    if comparison == "equals":
        return Outcome(v == e, f"{fv} {'equals' if v == e else 'does not equal'} {fe}")
    if comparison == "at_least":
        return Outcome(v >= e, f"{fv} is {'at least' if v >= e else 'less than'} {fe}")
    if comparison == "at_most":
        return Outcome(v <= e, f"{fv} is {'at most' if v <= e else 'more than'} {fe}")
    if comparison == "more_than":
        return Outcome(v > e, f"{fv} is {'more than' if v > e else 'not more than'} {fe}")
    t = tolerance_amount(tolerance, e)
    band = f"{format_number(t)}" + (f" ({tolerance.strip()} of {fe})" if isinstance(tolerance, str) else "")
    if comparison == "approximately":
        ok = abs(v - e) <= t
        return Outcome(ok, f"{fv} is {'within' if ok else 'more than'} {band} of {fe}")
    if comparison == "nearly":
        if v > e:
            return Outcome(False, f"{fv} is above {fe}")
        ok = e - v <= t
        return Outcome(ok, f"{fv} is {'within' if ok else 'more than'} {band} below {fe}")
    raise ValueError(f"unknown comparison {comparison!r}")


@dataclass
class SetOutcome:
    holds: bool
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (claimed index, listed index)
    claimed_only: list[int] = field(default_factory=list)
    listed_only: list[int] = field(default_factory=list)


def compare_sets(claimed: list, listed: list, matches: Callable[[Any, Any], bool]) -> SetOutcome:
    """Pair claimed names with listed items so that as many as possible match (a maximum bipartite
    matching, so one loose name cannot take the item another name needs); the sets are equal when
    every name and every item is paired."""
    edges = [[j for j, item in enumerate(listed) if matches(name, item)] for name in claimed]
    owner: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or place(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(claimed)):
        place(i, set())
    pairs = sorted((i, j) for j, i in owner.items())
    paired_claims = {i for i, _ in pairs}
    out = SetOutcome(False, pairs, [i for i in range(len(claimed)) if i not in paired_claims],
                     [j for j in range(len(listed)) if j not in owner])
    out.holds = not out.claimed_only and not out.listed_only
    return out
