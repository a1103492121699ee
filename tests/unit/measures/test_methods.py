"""The apprehension-method grouping: every method ICE uses has a pinned group, on both sides of
the mid-2025 recoding, and the versioned table is well formed."""

from __future__ import annotations

import datetime as dt

import duckdb
import ibis
import pytest

from iceledger.measures import catalog
from iceledger.measures.events import method_group_expr
from iceledger.metadata import code_list

PINNED = {
    "Located": "at_large", "Non-Custodial Arrest": "at_large", "Probation and Parole": "at_large",
    "Worksite Enforcement": "at_large",
    "Custodial Arrest": "custodial", "Criminal Alien Program": "custodial", "CAP Local Incarceration": "custodial",
    "CAP State Incarceration": "custodial", "CAP Federal Incarceration": "custodial",
    "287(g) Program": "287g",
    "ERO Reprocessed Arrest": "other", "Law Enforcement Agency Response Unit": "other",
    "Organized Crime Drug Enforcement Task Force": "other", "Other Agency (turned over to INS)": "other",
    "Other Task Force": "other", "Anti-Smuggling": "other", "Patrol Border": "other", "Patrol Interior": "other",
    "Boat Patrol": "other", "Crewman/Stowaway": "other", "Inspections": "other", "Other efforts": "other",
    "Traffic Check": "other", "Transportation Check Aircraft": "other", "Transportation Check Bus": "other",
    "Transportation Check Freight Train": "other", "Transportation Check Passenger Train": "other",
}
BEFORE, AFTER = dt.date(2025, 3, 1), dt.date(2025, 9, 1)


def test_every_code_list_value_is_pinned():
    assert sorted(code_list("apprehension_method").values) == sorted(PINNED)


@pytest.mark.parametrize("method", sorted(PINNED))
def test_group_of_each_method_on_both_sides_of_the_recoding(method):
    assert catalog.group_method(method, BEFORE) == PINNED[method]
    assert catalog.group_method(method, AFTER) == PINNED[method]
    assert catalog.group_method(method, None) == PINNED[method]


def test_custodial_arrest_is_versioned_at_the_recoding():
    rules = [r for r in catalog.method_rules() if r.method == "Custodial Arrest"]
    assert [(r.valid_from, r.valid_to) for r in rules] == [(None, dt.date(2025, 7, 24)), (dt.date(2025, 7, 25), None)]
    assert all(r.source for r in rules)


def test_table_is_well_formed():
    rules = catalog.method_rules()
    assert {r.group for r in rules} <= set(catalog.METHOD_GROUPS)
    by_method: dict[str, list] = {}
    for r in rules:
        assert r.source, r.method
        assert r.valid_from is None or r.valid_to is None or r.valid_from <= r.valid_to
        by_method.setdefault(r.method, []).append(r)
    for method, rs in by_method.items():  # validity periods of one method never overlap
        spans = sorted((r.valid_from or dt.date.min, r.valid_to or dt.date.max) for r in rs)
        for (_a0, a1), (b0, _b1) in zip(spans, spans[1:]):
            assert a1 < b0, method


def test_unlisted_and_missing_methods():
    assert catalog.group_method("Something New", BEFORE) == "other"
    assert catalog.group_method(None, BEFORE) is None


def test_sql_grouping_agrees_with_the_table():
    """The CASE expression measures run gives every method the group of the table, in DuckDB."""
    con = duckdb.connect()
    rows = [(m, d) for m in [*PINNED, "Something New", None] for d in (BEFORE, dt.date(2025, 7, 24), dt.date(2025, 7, 25), AFTER)]
    con.execute("CREATE TABLE t (m VARCHAR, d DATE)")
    con.executemany("INSERT INTO t VALUES (?, ?)", rows)
    t = ibis.duckdb.from_connection(con).table("t")
    got = t.select(t.m, t.d, g=method_group_expr(t.m, t.d)).to_pyarrow().to_pylist()
    assert len(got) == len(rows)
    for r in got:
        assert r["g"] == catalog.group_method(r["m"], r["d"]), r
