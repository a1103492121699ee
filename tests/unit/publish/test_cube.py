"""Cubes, lattices and the rows they become: hand-made tables with known answers."""

from __future__ import annotations

import datetime as dt

import pytest

from iceledger.publish.cells import describe_cell
from iceledger.publish.cube import build_cube, check_junction_tree
from iceledger.publish.lattice import load_lattice
from iceledger.publish.suppress import suppress


def _cube():
    # two months x two AORs, one with two facilities; a second family by AOR and sex
    fam_place = {"time": 1, "aor": 2}
    fam_sex = {"time": 1, "aor": 1, "sex": 1}
    rows_place = [({"time": (1,), "aor": ("SEA", "F1")}, 30), ({"time": (1,), "aor": ("SEA", "F2")}, 3),
                  ({"time": (2,), "aor": ("SEA", "F1")}, 25), ({"time": (1,), "aor": ("NYC", "F9")}, 40),
                  ({"time": (2,), "aor": ("NYC", "F9")}, 44)]
    rows_sex = [({"time": (1,), "aor": ("SEA",), "sex": ("F",)}, 4), ({"time": (1,), "aor": ("SEA",), "sex": ("M",)}, 29),
                ({"time": (2,), "aor": ("SEA",), "sex": ("M",)}, 25), ({"time": (1,), "aor": ("NYC",), "sex": ("M",)}, 40),
                ({"time": (2,), "aor": ("NYC",), "sex": ("F",)}, 12), ({"time": (2,), "aor": ("NYC",), "sex": ("M",)}, 32)]
    return build_cube(("time", "aor", "sex"), [fam_place, fam_sex], [rows_place, rows_sex])


def test_margins_are_sums_of_the_finest_cells():
    c = _cube()
    assert c.values[((), (), ())] == 142
    assert c.values[((1,), ("SEA",), ())] == 33
    assert c.values[((), ("SEA", "F1"), ())] == 55
    assert c.values[((), (), ("F",))] == 16
    assert c.values[((2,), ("SEA",), ("F",))] == 0  # zeros are cells too
    assert ((1,), ("SEA", "F1"), ("F",)) not in c.values  # no family crosses facility and sex


def test_families_that_disagree_are_refused():
    with pytest.raises(ValueError, match="disagree"):
        build_cube(("time", "aor"), [{"time": 1, "aor": 1}, {"time": 1}],
                   [[({"time": (1,), "aor": ("SEA",)}, 5)], [({"time": (1,)}, 6)]])


def test_small_cells_and_their_protectors_are_withheld():
    c = _cube()
    out = suppress(c, 10)
    assert out.primary == {cell for cell, v in c.values.items() if 1 <= v <= 10}
    assert ((1,), ("SEA", "F2"), ()) in out.primary and ((1,), ("SEA",), ("F",)) in out.primary
    # a lone small cell in a line is never left alone: its facility line and its sex line hold another
    assert any(cell in out.withheld for cell in [((1,), ("SEA", "F1"), ()), ((2,), ("SEA", "F2"), ())])
    assert ((1,), ("SEA",), ("M",)) in out.withheld or ((2,), ("SEA",), ("F",)) in out.withheld
    assert not out.fallback and all(c.values[x] > 0 for x in out.withheld)


def test_the_shipped_lattice_is_a_junction_tree_with_at_most_two_categories():
    lat = load_lattice()
    for m in lat.measures.values():
        assert check_junction_tree([f.depths() for f in m.families])
        for t in m.tables():
            assert len(t.categories) <= 2 and t.grain in ("month", "fy")
    keys = {t.key for t in lat.tables()}
    assert "arrests/month/national" in keys and "detainers/fy/facility" in keys
    assert "detainers/month/aor/lift_reason+funnel_outcome" in keys


def test_a_cell_becomes_a_described_row():
    lat = load_lattice()
    m = lat.measures["detainers"]
    cell = tuple({"time": (dt.date(2024, 3, 1),), "aor": ("SEA", "F1")}.get(d, ()) for d in m.dims)
    row = describe_cell(lat, m, 2024, cell)
    assert row["tabulation_key"] == "detainers/month/facility"
    assert (row["place_code"], row["place_parent_code"], row["period_date"]) == ("F1", "SEA", dt.date(2024, 3, 1))
    fy = describe_cell(lat, m, 2024, tuple(() for _ in m.dims))
    assert fy["tabulation_key"] == "detainers/fy/national" and fy["period_date"] == dt.date(2023, 10, 1)


def test_thin_families_coarsen_place_first_then_categories_then_time_then_levels():
    from iceledger.publish.lattice import Family
    from iceledger.publish.tabulate import coarsen, small_share

    lat = load_lattice()
    fam = Family("aor", 2, ("criminality", "gender"), "count")
    rows = [({"month": dt.date(2024, 1, 1), "aor_code": "SEA", "facility": "F1", "criminality": "a", "gender": "M"}, 3),
            ({"month": dt.date(2024, 1, 1), "aor_code": "SEA", "facility": "F2", "criminality": "a", "gender": "M"}, 9),
            ({"month": dt.date(2024, 1, 1), "aor_code": "NYC", "facility": "F3", "criminality": "b", "gender": "F"}, 40)]
    assert small_share(rows, 10) == 2 / 3 and small_share(rows, 0) == 0
    fam2, rows2 = coarsen(lat, fam, rows)
    assert fam2.place is None and fam2.categories == ("criminality", "gender")
    assert sorted(n for _, n in rows2) == [12, 40] and small_share(rows2, 10) == 0
    fam3, rows3 = coarsen(lat, fam2, rows2)
    assert fam3.categories == ("criminality",) and sum(n for _, n in rows3) == 52
    flat = Family("aor", 2, (), "count")
    later = ({"month": dt.date(2024, 9, 1), "aor_code": "SEA", "facility": "F1"}, 5)  # same fiscal year (FY2024)
    fam4, rows4 = coarsen(lat, flat, [({k: v for k, v in r.items() if k in ("month", "aor_code", "facility")}, n)
                                      for r, n in rows] + [later])
    assert (fam4.depth, fam4.by_month) == (2, False)  # a place tree goes to fiscal years before it loses a level
    assert sorted((r["fy"], r["facility"], n) for r, n in rows4) == [(2024, "F1", 8), (2024, "F2", 9), (2024, "F3", 40)]
    assert fam4.depths() == {"aor": 2}
    fam5, rows5 = coarsen(lat, fam4, rows4)
    assert (fam5.depth, fam5.by_month) == (1, False) and sorted(n for _, n in rows5) == [17, 40]
    assert coarsen(lat, fam5, rows5) is None  # AOR is never given up (month by AOR stays as the backbone)
