"""A cube with integer codes, for the suppression search (suppress.py, patterns.py).

Each dimension's nodes get small integer ids (the root is 0) and a cell becomes one integer, the sum
of ``id * stride`` over its dimensions, so a cell on the line of ``p`` along dimension ``j`` is
``context + id * stride`` where ``context`` is ``p``'s code without its ``j`` part. Look-ups are
then dictionary reads of integers instead of building tuples of tuples.

What the search asks of a line (the nodes ranked as candidate partners, the leaf a node descends to)
depends on the line and not on the small cell that asks, so it is cached per line: the many small
cells of one line (every small county of one month) pay for it once. Orders and ties follow the
cube's own orders (``Cube.children`` for children, nodes sorted by ``repr`` within a level), so the
search is a function of the counts alone.
"""

from __future__ import annotations

import itertools

from iceledger.publish.cube import ROOT, Cell, Cube


class DimIndex:
    """The nodes of one dimension: ids, depths, parents, children, one-dimensional totals."""

    def __init__(self, cube: Cube, j: int, marginals: dict):
        seen = {ROOT}
        for cell in cube.values:
            node = cell[j]
            for k in range(len(node) + 1):
                seen.add(node[:k])
        kids_of = cube.children.get(j, {})
        self.nodes = [ROOT] + sorted((n for n in seen if n), key=lambda n: (len(n), repr(n)))
        self.ids = {n: i for i, n in enumerate(self.nodes)}
        self.depth = [len(n) for n in self.nodes]
        self.parent = [self.ids[n[:-1]] if n else -1 for n in self.nodes]
        self.kids = [[self.ids[k] for k in kids_of.get(n, ())] for n in self.nodes]
        self.path = [tuple(self.ids[n[:k]] for k in range(len(n) + 1)) for n in self.nodes]  # root .. node
        self.marg = [marginals.get((j, n), 0) for n in self.nodes]
        self.levels: dict[int, list[int]] = {}
        for i, n in enumerate(self.nodes):  # within a level, ids follow repr order
            self.levels.setdefault(len(n), []).append(i)
        self.pos = [0] * len(self.nodes)
        for ids in self.levels.values():
            for k, i in enumerate(ids):
                self.pos[i] = k
        # the child a descent takes when the line holds none of the children (first of the biggest totals)
        self.by_marg = [max(ks, key=lambda k: self.marg[k]) if ks else -1 for ks in self.kids]
        self.roots_by_marg = sorted(self.kids[0], key=lambda k: -self.marg[k])  # stable: children order
        self.stride = 1


class CubeIndex:
    def __init__(self, cube: Cube):
        self.cube = cube
        self.ndim = len(cube.dims)
        marginals = {}
        for cell, v in cube.values.items():
            live = [i for i, n in enumerate(cell) if n]
            if len(live) == 1:
                marginals[(live[0], cell[live[0]])] = v
        self.dims = [DimIndex(cube, j, marginals) for j in range(self.ndim)]
        stride = 1
        for d in self.dims:
            d.stride = stride
            stride *= len(d.nodes)
        self.values = {self.encode(c): v for c, v in cube.values.items()}
        self.families = [tuple(r) for r in cube.depth_rows]
        self.shapes = {tuple(len(n) for n in c) for c in cube.values}  # the depth vectors cells have
        self.depth_base = 1 + max((max(d.depth) for d in self.dims), default=0)
        self.owned = owned_depths(self.families, self.depth_base)
        self._line_depths: dict = {}
        self._ranked: dict = {}
        self._leaf: dict = {}
        self.moves: dict = {}  # patterns.py's moves, built once per cube

    def encode(self, cell: Cell) -> int:
        return sum(d.ids[n] * d.stride for d, n in zip(self.dims, cell))

    def decode(self, code: int) -> Cell:
        out = []
        for d in self.dims:
            out.append(d.nodes[(code // d.stride) % len(d.nodes)])
        return tuple(out)

    def ids(self, cell: Cell) -> list[int]:
        return [d.ids[n] for d, n in zip(self.dims, cell)]

    def line_depths(self, j: int, shape: tuple) -> frozenset:
        """Depths of dimension ``j`` at which the line through a cell of ``shape`` holds cells."""
        key = (j, shape[:j] + shape[j + 1:])
        if key not in self._line_depths:
            self._line_depths[key] = frozenset(d for d in self.dims[j].levels
                                               if shape[:j] + (d,) + shape[j + 1:] in self.shapes)
        return self._line_depths[key]

    def on_line(self, ctx: int, j: int, node: int) -> int:
        return self.values.get(ctx + node * self.dims[j].stride, -1)

    def ranked(self, j: int, ctx: int, depth: int) -> tuple[list[int], dict[int, list[int]]]:
        """The nodes at ``depth`` with a count above zero on the line, biggest first (then the biggest
        one-dimensional total, then level order): all of them, and grouped by parent."""
        key = (j, ctx, depth)
        hit = self._ranked.get(key)
        if hit is None:
            d, values = self.dims[j], self.values
            found = []
            for n in d.levels[depth]:
                v = values.get(ctx + n * d.stride, 0)
                if v > 0:
                    found.append((-v, -d.marg[n], d.pos[n], n))
            found.sort()
            every = [n for *_, n in found]
            by_parent: dict[int, list[int]] = {}
            for n in every:
                by_parent.setdefault(d.parent[n], []).append(n)
            hit = self._ranked[key] = (every, by_parent)
        return hit

    def descend(self, j: int, ctx: int, node: int, depths: frozenset) -> int:
        """A leaf under ``node``: at each level the child whose cell on the line is biggest (then the
        biggest one-dimensional total, then the first in children order)."""
        key = (j, ctx, node)
        leaf = self._leaf.get(key)
        if leaf is None:
            d, values = self.dims[j], self.values
            leaf = node
            while d.kids[leaf]:
                if d.depth[leaf] + 1 in depths:
                    leaf = max(d.kids[leaf], key=lambda k: (values.get(ctx + k * d.stride, -1), d.marg[k]))
                else:
                    leaf = d.by_marg[leaf]
            self._leaf[key] = leaf
        return leaf


def owned_depths(families: list[tuple], base: int) -> list[dict[int, int]]:
    """Per family, the depth vectors (as ``sum(depth * base ** j)``) of the cells it is the first
    family to hold, each with its weight: 4 to the number of dimensions at their root."""
    out = []
    for i, fam in enumerate(families):
        owned = {}
        for dv in itertools.product(*(range(t + 1) for t in fam)):
            if any(all(a <= b for a, b in zip(dv, g)) for g in families[:i]):
                continue
            owned[sum(x * base ** j for j, x in enumerate(dv))] = 1 << (2 * sum(1 for x in dv if x == 0))
        out.append(owned)
    return out
