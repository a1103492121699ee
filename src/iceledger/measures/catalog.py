"""What can be counted and by what, read from the CSV and YAML files next to this module.

- ``subjects.csv``: each countable subject (arrests, detainers, book-ins, stays...), its table, the
  date that places it in time and the duplicate rule that applies to it;
- ``dimensions.csv``: each dimension and, per subject, the column (or registry) it comes from;
- ``methods.csv``: the versioned apprehension-method grouping;
- ``lift_reasons.csv``: the detainer lift-reason grouping;
- ``registries.yaml``: the registry tables and columns measures read.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from iceledger.errors import InputError, NotFoundError
from iceledger.metadata import code_list

HERE = Path(__file__).resolve().parent
TIME_DIMENSIONS = ("day", "week", "month", "fy", "year")
METHOD_GROUPS = code_list("method_group").values  # metadata/codes/method_group.csv
LIFT_GROUPS = code_list("lift_group").values  # metadata/codes/lift_group.csv


@dataclass(frozen=True)
class Subject:
    name: str
    table: str
    date_column: str
    duplicate_rule: str  # episode | same_day | stay
    duplicate_date: str
    coverage_date: tuple[str, ...]
    description: str
    date_basis: str = ""  # the date counted, in words
    basis_column: str | None = None  # a column saying, per row, which date it is (removals)


@dataclass(frozen=True)
class Dimension:
    name: str
    kind: str  # time | column | registry | method_group | lift_group | policy
    column: str
    description: str


@dataclass(frozen=True)
class MethodRule:
    method: str
    group: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    source: str
    notes: str


def _read_csv(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def file_sha256(name: str) -> str:
    return hashlib.sha256((HERE / name).read_bytes()).hexdigest()


@cache
def subjects() -> dict[str, Subject]:
    return {r["subject"]: Subject(r["subject"], r["table"], r["date_column"], r["duplicate_rule"], r["duplicate_date"],
                                  tuple(r["coverage_date"].split("|")), r["description"], r["date_basis"],
                                  r["basis_column"] or None)
            for r in _read_csv("subjects.csv")}


def subject(name: str) -> Subject:
    try:
        return subjects()[name]
    except KeyError:
        raise NotFoundError("unknown_subject", f"cannot count {name!r}",
                            fix=f"count one of: {', '.join(subjects())}") from None


@cache
def _dimension_rows() -> dict[tuple[str, str], Dimension]:
    out: dict[tuple[str, str], Dimension] = {}
    for r in _read_csv("dimensions.csv"):
        names = list(subjects()) if r["subjects"] == "*" else r["subjects"].split()
        for s in names:
            if s not in subjects():
                raise ValueError(f"dimensions.csv: {r['dimension']}: unknown subject {s!r}")
            if (r["dimension"], s) in out:
                raise ValueError(f"dimensions.csv: {r['dimension']} is declared twice for {s}")
            out[(r["dimension"], s)] = Dimension(r["dimension"], r["kind"], r["column"], r["description"])
    return out


def dimension_names() -> list[str]:
    seen: dict[str, None] = {}
    for name, _ in _dimension_rows():
        seen.setdefault(name)
    return list(seen)


def dimensions_for(party_name: str) -> list[str]:
    return [d for d, s in _dimension_rows() if s == party_name]


def dimension(name: str, party_name: str) -> Dimension:
    """The dimension ``name`` for ``party_name``; a clear error when unknown or not recorded for it."""
    rows = _dimension_rows()
    if (name, party_name) in rows:
        return rows[(name, party_name)]
    if name not in dimension_names():
        raise NotFoundError("unknown_dimension", f"there is no dimension {name!r}",
                            fix=f"use one of: {', '.join(dimension_names())}")
    has_it = sorted({s for d, s in rows if d == name})
    raise InputError("dimension_not_recorded", f"{party_name} do not record {name}",
                     fix=f"{name} is available for {', '.join(has_it)}; for {party_name} use one of: "
                         f"{', '.join(dimensions_for(party_name))}")


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@cache
def method_rules() -> tuple[MethodRule, ...]:
    return tuple(MethodRule(r["method"], r["method_group"], _date(r["valid_from"]), _date(r["valid_to"]),
                            r["source"], r["notes"]) for r in _read_csv("methods.csv"))


def group_method(method: str | None, on: dt.date | None) -> str | None:
    """The group of ``method`` on date ``on`` (None for a missing method; 'other' for an unlisted one)."""
    if method is None:
        return None
    for rule in method_rules():
        if rule.method != method:
            continue
        if on is None or ((rule.valid_from is None or on >= rule.valid_from) and (rule.valid_to is None or on <= rule.valid_to)):
            return rule.group
    return "other"


@cache
def lift_groups() -> dict[str, str]:
    """Lower-cased lift reason → group; anything else non-missing is 'other'."""
    return {r["lift_reason"].strip().lower(): r["lift_group"] for r in _read_csv("lift_reasons.csv")}


@cache
def registries() -> dict[str, dict]:
    return yaml.safe_load((HERE / "registries.yaml").read_text())
