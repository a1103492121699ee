"""Property tests of the gate: random count tables, suppressed, then attacked exactly.

1. No published cell holds a count from 1 to the threshold.
2. No withheld cell can be recovered: an integer program over the finest records, knowing every
   published cell of every table of the cube (cells and all their margins, across families),
   finds at least two feasible values for each withheld small cell.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings, strategies as st
from tests.unit.publish.exact import feasible_range

from iceledger.publish.cube import build_cube, check_junction_tree
from iceledger.publish.suppress import suppress

# Lattices of families over time (months), a place tree (area > site), and two categories.
FAMILY_SETS = [
    [{"time": 1, "place": 1}],
    [{"time": 1, "cat": 1}],
    [{"time": 1, "place": 1, "cat": 1}],
    [{"time": 1, "place": 2}],
    [{"time": 1, "place": 2}, {"time": 1, "place": 1, "cat": 1}],
    [{"time": 1, "place": 1, "cat": 1}, {"time": 1, "place": 1, "kind": 1}],
    [{"time": 1, "place": 1, "cat": 1, "kind": 1}],
    [{"time": 1, "place": 1, "cat": 1}, {"time": 1, "kind": 1}],
]
DIMS = ("time", "place", "cat", "kind")


@st.composite
def lattices(draw, max_cells: int = 90):
    families = draw(st.sampled_from(FAMILY_SETS))
    months = draw(st.integers(2, 4))
    areas = draw(st.integers(2, 3))
    sites = [draw(st.integers(1, 3)) for _ in range(areas)]
    cats = draw(st.integers(2, 3))
    kinds = draw(st.integers(2, 3))
    used = {d for f in families for d in f}
    deep = max(f.get("place", 0) for f in families)
    axes = {
        "time": [(m,) for m in range(months)],
        "place": [(f"A{a}", f"S{s}") for a in range(areas) for s in range(sites[a])] if deep == 2
        else [(f"A{a}",) for a in range(areas)],
        "cat": [(f"c{c}",) for c in range(cats)],
        "kind": [(f"k{k}",) for k in range(kinds)],
    }
    live = [d for d in DIMS if d in used]
    atoms = list(itertools.product(*(axes[d] for d in live)))
    if len(atoms) > max_cells:
        atoms = atoms[:max_cells]
    sparse = draw(st.floats(0.0, 0.7))
    counts = []
    for _ in atoms:
        zero = draw(st.floats(0, 1)) < sparse
        counts.append(0 if zero else draw(st.integers(1, 25)))
    rows = []
    for fam in families:
        acc: dict = {}
        for atom, n in zip(atoms, counts):
            coords = {d: node[:fam.get(d, 0)] for d, node in zip(live, atom) if fam.get(d, 0)}
            key = tuple(sorted(coords.items()))
            acc[key] = acc.get(key, 0) + n
        rows.append([(dict(k), n) for k, n in acc.items() if n])
    return build_cube(tuple(live), families, rows)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cube=lattices(), threshold=st.integers(1, 10))
def test_no_published_cell_is_small(cube, threshold):
    out = suppress(cube, threshold)
    for cell, v in cube.values.items():
        if cell not in out.withheld:
            assert v == 0 or v > threshold, (cell, v)
        else:
            assert v > 0, "a zero was withheld: zeros are always shown"


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cube=lattices(max_cells=60), threshold=st.integers(1, 10))
def test_no_withheld_cell_is_recoverable(cube, threshold):
    out = suppress(cube, threshold)
    for p in sorted(out.primary, key=repr):
        lo, hi = feasible_range(cube, out.withheld, p)
        assert lo <= cube.values[p] <= hi
        assert hi > lo, f"withheld cell {p} (count {cube.values[p]}) is recoverable: only {lo} fits"


def test_family_sets_are_junction_trees():
    for fams in FAMILY_SETS:
        assert check_junction_tree(fams)
    # three categories pairwise linked without a table holding all three: cyclic, refused
    assert not check_junction_tree([{"a": 1, "b": 1}, {"b": 1, "c": 1}, {"a": 1, "c": 1}])
    # AOR and state tables that both cross two categories: a four-cycle
    assert not check_junction_tree([{"aor": 1, "crim": 1}, {"aor": 1, "sex": 1}, {"state": 1, "crim": 1},
                                    {"state": 1, "sex": 1}])
