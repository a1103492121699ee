"""The cells a publication shows for one measure and one fiscal year, as one cube.

Vocabulary (docs/disclosure.md explains it in plain words):

- a **dimension** is a tree: a node is the tuple of values on the path from the root, and the root
  ``()`` is the total (for time, the fiscal year; for a place, the nation; for a category, all);
- a **family** is one table with all its margins: for each dimension, how deep it breaks down
  (``{"time": 1, "aor": 2}`` is month × AOR × facility with every total);
- a **cell** holds one node per cube dimension, in cube order; the cube's ``values`` hold every
  cell of every family, zeros included. A cell shared by two families is one cell.

Families of one cube must form a junction tree (``check_junction_tree``): then two families share
no more than the margins they both hold, which is what makes the guarantee in suppress.py hold for
all the tables of the lattice together, not only table by table.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

Node = tuple
Cell = tuple
ROOT: Node = ()


@dataclass
class Cube:
    dims: tuple[str, ...]
    families: tuple[Mapping[str, int], ...]
    values: dict[Cell, int]
    children: dict[int, dict[Node, list[Node]]] = field(default_factory=dict)
    _marginals: dict = field(default_factory=dict, repr=False)
    _levels: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.depth_rows = [tuple(f.get(d, 0) for d in self.dims) for f in self.families]
        for j in range(len(self.dims)):
            kids: dict[Node, set[Node]] = {}
            for cell in self.values:
                node = cell[j]
                for k in range(len(node)):
                    kids.setdefault(node[:k], set()).add(node[:k + 1])
            self.children[j] = {n: sorted(c, key=_sort_key) for n, c in kids.items()}

    def depth(self, family: Mapping[str, int], j: int) -> int:
        return family.get(self.dims[j], 0)

    def marginal(self, j: int, node: Node) -> int:
        """The one-dimensional total of ``node`` (every other dimension at its root)."""
        if not self._marginals:
            for cell, v in self.values.items():
                live = [i for i, n in enumerate(cell) if n]
                if len(live) == 1:
                    self._marginals[(live[0], cell[live[0]])] = v
        return self._marginals.get((j, node), 0)

    def level(self, j: int, depth: int) -> list[Node]:
        """The nodes of dimension ``j`` at ``depth``, in a fixed order."""
        if (j, depth) not in self._levels:
            self._levels[(j, depth)] = sorted({c[j] for c in self.values if len(c[j]) == depth}, key=repr)
        return self._levels[(j, depth)]

    def nonzero(self) -> set[Cell]:
        return {c for c, v in self.values.items() if v}


def _sort_key(node: Node):
    return tuple((0, v) if isinstance(v, (int, float)) else (1, str(v)) for v in node)


def check_junction_tree(families: Iterable[Mapping[str, int]]) -> bool:
    """True when the families' variable sets form an acyclic hypergraph (GYO reduction).

    A dimension broken down to depth d contributes the variables (dim, 1) ... (dim, d), so a
    family holding facilities within AORs shares the AOR variable with a family holding AORs."""
    edges = [frozenset((d, level) for d, depth in f.items() for level in range(1, depth + 1)) for f in families]
    edges = [e for e in edges if e]
    changed = True
    while changed and edges:
        changed = False
        counts: dict = {}
        for e in edges:
            for v in e:
                counts[v] = counts.get(v, 0) + 1
        lonely = {v for v, n in counts.items() if n == 1}
        if lonely:
            edges = [e - lonely for e in edges]
            changed = True
        kept = []
        for i, e in enumerate(edges):
            inside = not e or any(i != k and e <= o and (e != o or k < i) for k, o in enumerate(edges))
            if inside:
                changed = True
            else:
                kept.append(e)
        edges = kept
    return not edges


def build_cube(dims: tuple[str, ...], families: Sequence[Mapping[str, int]],
               rows: Sequence[Sequence[tuple[Mapping[str, Node], int]]]) -> Cube:
    """The cube of ``families`` from each family's finest cells.

    ``rows[i]`` lists family i's finest cells: a node per dimension of the family (at its depth)
    and a count. Every margin is the sum of the finest cells under it, so the coarser tables are
    derived from the same cells the finer ones show; a cell two families share must get the same
    value from both (else ``ValueError`` names it: the measures disagree)."""
    nodes: dict[str, set[Node]] = {d: {ROOT} for d in dims}
    sums: list[dict[Cell, int]] = []
    for fam, fam_rows in zip(families, rows):
        depths = [fam.get(d, 0) for d in dims]
        acc: dict[Cell, int] = {}
        for coords, n in fam_rows:
            cell = tuple(tuple(coords.get(d, ROOT)) for d in dims)
            acc[cell] = acc.get(cell, 0) + n
        for cell in acc:
            for j, node in enumerate(cell):
                if len(node) != depths[j]:
                    raise ValueError(f"a finest cell of family {dict(fam)} has {dims[j]} at depth {len(node)}")
        for j, d in enumerate(dims):  # roll each dimension up, a level at a time: every margin of the family
            leaves = {cell[j] for cell in acc}
            for node in leaves:
                nodes[d].update(node[:k] for k in range(len(node)))
            nodes[d].update(leaves)
            for depth in range(depths[j], 0, -1):
                up: dict[Cell, int] = {}
                for cell, v in acc.items():
                    if len(cell[j]) == depth:
                        key = cell[:j] + (cell[j][:-1],) + cell[j + 1:]
                        up[key] = up.get(key, 0) + v
                acc.update(up)
        sums.append(acc)
    values: dict[Cell, int] = {}
    for fam, acc in zip(families, sums):
        levels = [sorted((n for n in nodes[d] if len(n) <= fam.get(d, 0)), key=_sort_key) for d in dims]
        for cell in itertools.product(*levels):
            v = acc.get(cell, 0)
            if values.setdefault(cell, v) != v:
                raise ValueError(f"families disagree on cell {cell}: {values[cell]} against {v}")
    return Cube(tuple(dims), tuple(families), values)
