"""An exact attacker for the property tests: integer programming over the cube's finest atoms.

The attacker knows every published cell, that every published cell is the sum of the records
under it, that counts are whole and non-negative, and that a withheld cell holds at least 1
(zeros are always shown). For a withheld cell it computes the smallest and largest values that
fit all of that; the cell is recovered when the two are equal.

The atoms are the cross-classification of every dimension's finest nodes, so tables of different
families are linked through cells no family shows: this checks the guarantee across the lattice,
not only within one table.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from iceledger.publish.cube import Cube


def leaves(cube: Cube, j: int) -> list:
    kids = cube.children[j]
    nodes = {c[j] for c in cube.values}
    found = set()
    for n in nodes:
        for k in range(len(n) + 1):
            found.add(n[:k])
    return sorted((n for n in found if n not in kids), key=repr)


def atom_model(cube: Cube):
    axes = [leaves(cube, j) for j in range(len(cube.dims))]
    atoms = list(itertools.product(*axes))
    index = {a: i for i, a in enumerate(atoms)}
    return atoms, index


def _under(cell, atom) -> bool:
    return all(a[:len(n)] == n for n, a in zip(cell, atom))


def feasible_range(cube: Cube, withheld: set, target) -> tuple[float, float]:
    """(min, max) of ``target`` over every integer table consistent with the publication."""
    atoms, _ = atom_model(cube)
    cells = list(cube.values)
    rows = lil_matrix((len(cells), len(atoms)))
    for r, cell in enumerate(cells):
        for i, a in enumerate(atoms):
            if _under(cell, a):
                rows[r, i] = 1
    lo = np.array([1.0 if c in withheld else cube.values[c] for c in cells])
    hi = np.array([np.inf if c in withheld else cube.values[c] for c in cells])
    cons = LinearConstraint(rows.tocsr(), lo, hi)
    obj = np.array([1.0 if _under(target, a) else 0.0 for a in atoms])
    integrality = np.ones(len(atoms))
    bounds = Bounds(0, np.inf)
    low = milp(obj, constraints=[cons], integrality=integrality, bounds=bounds)
    high = milp(-obj, constraints=[cons], integrality=integrality, bounds=bounds)
    assert low.status == 0, low.message
    if high.status != 0 and "unbounded" not in str(high.message).lower():
        raise AssertionError(f"max of {target}: {high.status} {high.message}")
    top = np.inf if high.status != 0 else -high.fun
    return round(low.fun), top
