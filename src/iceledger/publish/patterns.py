"""The pattern search of the hypercube method (suppress.py says what a pattern is and why it protects).

A **move** is one dimension's vector ``e_j`` (node, sign) pairs: a *lift* (+1 on a leaf and every node
above it) or a *swap* (+1 on one leaf and -1 on another, up to the node where they meet). A pattern is
one move per dimension; its **corners** are the cells where the product of the moves is non-zero.

Corners are counted family by family: a family's corners are the product of each move cut to the
depth the family shows, and a cell that several families hold is counted by the first of them (its
depth vector fits that family's), so the sums below count each corner once. The coordinate search
changes one dimension at a time, so the options of a dimension are scored against the other
dimensions' part expanded once, node by node of the option (options share nodes).

The search, its orders and its tie-breaks are those of the first implementation (tuple cells, one
pattern at a time): the same small cells get the same patterns.
"""

from __future__ import annotations

from iceledger.publish.cube_index import CubeIndex

PARTNERS = 12  # candidate partner nodes tried per dimension
WIDE_PARTNERS = 40  # tried when no usable pattern was found among the first PARTNERS
PASSES = 2


class Move:
    """One dimension's vector: ``pairs`` of (node id, sign); per family, its nodes as (code part, sign,
    depth part), or None where the family stops at the root (the move then acts by its root sign)."""

    __slots__ = ("pairs", "root_sign", "axes", "_hash")

    def __init__(self, index: CubeIndex, j: int, pairs: tuple):
        d = index.dims[j]
        self.pairs = pairs
        self.root_sign = dict(pairs).get(0, 0)
        self.axes = []
        for fam in index.families:
            top = fam[j]
            self.axes.append(None if top == 0 else
                             [(n * d.stride, s, d.depth[n] * index.depth_base ** j) for n, s in pairs if d.depth[n] <= top])
        self._hash = hash(pairs)

    def __eq__(self, other) -> bool:
        return isinstance(other, Move) and self.pairs == other.pairs

    def __hash__(self) -> int:
        return self._hash


def lift(index: CubeIndex, j: int, leaf: int) -> Move:
    """+1 on every node from ``leaf`` up to the root."""
    key = (j, leaf)
    move = index.moves.get(key)
    if move is None:
        move = index.moves[key] = Move(index, j, tuple((n, 1) for n in reversed(index.dims[j].path[leaf])))
    return move


def swap(index: CubeIndex, j: int, leaf: int, other: int) -> Move:
    """+1 from ``leaf`` and -1 from ``other`` up to (not including) the node where they meet."""
    key = (j, leaf, other)
    move = index.moves.get(key)
    if move is None:
        a, b = index.dims[j].path[leaf], index.dims[j].path[other]
        meet = 0
        while meet < min(len(a), len(b)) - 1 and a[meet + 1] == b[meet + 1]:
            meet += 1
        pairs = tuple([(n, 1) for n in reversed(a[meet + 1:])] + [(n, -1) for n in reversed(b[meet + 1:])])
        move = index.moves[key] = Move(index, j, pairs)
    return move


class Options:
    """The candidate moves of one dimension for a small cell ``p``: lifts from the biggest branches when
    ``p`` is at the root; else swaps with the biggest non-zero nodes of the same level on ``p``'s line
    (siblings first), then the lift of ``p``. Built lazily: the search often settles before it tries
    the later dimensions, and the first move alone needs one descent instead of one per partner."""

    def __init__(self, index: CubeIndex, p: list[int], code: int, shape: tuple, j: int, partners: int = PARTNERS):
        d = self.dim = index.dims[j]
        self.index, self.j = index, j
        node = p[j]
        self.ctx = code - node * d.stride
        self.depths = index.line_depths(j, shape)
        self._all: list[Move] | None = None
        if node == 0:
            self.mine = None
            if 1 in self.depths:
                values, ctx, stride = index.values, self.ctx, d.stride
                self.nodes = sorted(d.kids[0], key=lambda k: (-values.get(ctx + k * stride, -1), -d.marg[k]))[:partners]
            else:
                self.nodes = d.roots_by_marg[:partners]
            return
        every, by_parent = index.ranked(j, self.ctx, d.depth[node])
        parent = d.parent[node]
        picked = [n for n in by_parent.get(parent, ()) if n != node][:partners]
        siblings = len(d.kids[parent]) - 1
        if siblings < partners:
            picked += [n for n in every if d.parent[n] != parent][:partners - siblings]
        self.nodes = picked
        self.mine = index.descend(j, self.ctx, node, self.depths)

    def __bool__(self) -> bool:
        return bool(self.nodes) or self.mine is not None

    def _move(self, k: int | None) -> Move:
        index, j = self.index, self.j
        if self.mine is None:
            assert k is not None  # with no cell of its own on the line, a move names a node
            return lift(index, j, index.descend(j, self.ctx, k, self.depths))
        if k is None:
            return lift(index, j, self.mine)
        return swap(index, j, self.mine, index.descend(j, self.ctx, k, self.depths))

    def first(self) -> Move:
        return self._move(self.nodes[0] if self.nodes else None)

    def all(self) -> list[Move]:
        if self._all is None:
            self._all = [self._move(k) for k in self.nodes] + ([self._move(None)] if self.mine is not None else [])
        return self._all


def lift_all(index: CubeIndex, p: list[int]) -> list[Move] | None:
    """Lifts in every dimension from leaves chosen so that every corner is non-zero: the pattern
    of one more record under ``p``. Always usable when it exists (every corner only goes up)."""
    nodes = list(p)
    fams = index.families
    for j, d in enumerate(index.dims):
        mine = [f for f in fams if f[j] > 0]
        reach = max((f[j] for f in mine), default=0)

        def worst(k, j=j, d=d, mine=mine):  # bound: called in this iteration only
            trial = nodes[:j] + [k] + nodes[j + 1:]
            return min((index.values.get(_family_code(index, f, trial), 0) for f in mine if d.depth[k] <= f[j]), default=1)

        while d.kids[nodes[j]] and d.depth[nodes[j]] < reach:
            node = max(d.kids[nodes[j]], key=worst)
            if worst(node) == 0:
                return None
            nodes[j] = node
    return [lift(index, j, n) for j, n in enumerate(nodes)]


def _family_code(index: CubeIndex, fam: tuple, nodes: list[int]) -> int:
    code = 0
    for d, top, n in zip(index.dims, fam, nodes):
        path = d.path[n]
        code += path[min(top, len(path) - 1)] * d.stride
    return code


class Search:
    """The score and corners of patterns for one small cell, given what is already withheld."""

    def __init__(self, index: CubeIndex, hidden: set[int]):
        self.index = index
        self.hidden = hidden

    def _expand(self, f: int, choice: list[Move], skip: int = -1) -> list[tuple]:
        """Family ``f``'s corners of ``choice`` as (code, sign, depth vector), leaving dimension ``skip`` out."""
        acc = [(0, 1, 0)]
        for j, m in enumerate(choice):
            if j == skip:
                continue
            ax = m.axes[f]
            if ax is None:
                if not m.root_sign:
                    return []
            else:
                acc = [(c + a, s * b, g + h) for c, s, g in acc for a, b, h in ax]
        return acc

    def _tally(self, f: int, corners: list[tuple], shift: tuple = (0, 1, 0)) -> tuple:
        """(zeros, low going up, low going down, new count, new cells) over the corners family ``f`` holds first,
        each moved by ``shift`` (a node of one more dimension: code part, sign, depth part)."""
        owned, values, hidden = self.index.owned[f], self.index.values, self.hidden
        a, b, h = shift
        zeros = up = down = new_value = new_cells = 0
        for c, s, g in corners:
            w = owned.get(g + h)
            if w is None:  # an earlier family holds this cell
                continue
            c += a
            v = values.get(c, 0)
            if v == 0:
                zeros += 1
            elif v < 2:
                if s * b > 0:
                    down += 1
                else:
                    up += 1
            if c not in hidden:
                new_value += v * w
                new_cells += 1
        return (zeros, up, down, new_value, new_cells)

    def score(self, choice: list[Move]) -> tuple:
        parts = [self._tally(f, self._expand(f, choice)) for f in range(len(self.index.families))]
        return _score(parts)

    def corners(self, choice: list[Move]) -> set[int]:
        out: set[int] = set()
        for f, owned in enumerate(self.index.owned):
            out.update(c for c, _, g in self._expand(f, choice) if g in owned)
        return out

    def _options_scored(self, choice: list[Move], j: int, opts: list[Move], current: Move):
        """Each option of dimension ``j`` with the score of ``choice`` with it. The other dimensions' part of
        each family is expanded once; a family that does not show ``j`` only sees the option's root sign;
        and a family that does is tallied node by node of the option (options share nodes: every swap
        starts from the small cell's own branch)."""
        fams = self.index.families
        fixed = [0, 0, 0, 0, 0]
        open_: list[tuple[int, list, dict]] = []
        for f, fam in enumerate(fams):
            rest = self._expand(f, choice, skip=j)
            if not rest:
                continue
            if fam[j] == 0:
                fixed = [a + b for a, b in zip(fixed, self._tally(f, rest))]
            else:
                open_.append((f, rest, {}))
        if not open_:  # only the root sign matters: the first option that changes it stands for all
            first = next((m for m in opts if m.root_sign != current.root_sign), None)
            if first is None:
                return
            opts = [first]
        for m in opts:
            zeros, up, down, new_value, new_cells = fixed if m.root_sign else (0, 0, 0, 0, 0)
            for f, rest, tallies in open_:
                for node in m.axes[f] or ():  # open families show j, so their axis is never None
                    t = tallies.get(node)
                    if t is None:
                        t = tallies[node] = self._tally(f, rest, node)
                    zeros, up, down, new_value, new_cells = (zeros + t[0], up + t[1], down + t[2], new_value + t[3],
                                                             new_cells + t[4])
            yield m, (zeros + min(up, down), new_value, new_cells, 0 if not (up or down) else 1)

    def descent(self, options: list, choice: list[Move]) -> tuple[tuple, list[Move]]:
        """Coordinate search from ``choice``: each dimension's options in turn, kept when the score drops."""
        best = self.score(choice)
        if best[:3] == (0, 0, 0):
            return best, choice
        seen: dict[int, list[Move]] = {}  # per dimension, the choice its options were last scored against
        for _ in range(PASSES):
            improved = False
            for j, opts in enumerate(options):
                current = choice[j]
                others = choice[:j] + choice[j + 1:]
                if seen.get(j) == others:  # the same scores as last time, none of which beat a best no lower
                    continue
                seen[j] = others
                opts = opts.all() if isinstance(opts, Options) else opts
                for m, s in self._options_scored(choice, j, [m for m in opts if m != current], current):
                    if s < best:
                        choice, best, improved = choice[:j] + [m] + choice[j + 1:], s, True
                        if s[:3] == (0, 0, 0):
                            return best, choice
            if not improved:
                break
        return best, choice


def _score(parts: list[tuple]) -> tuple:
    """(violations, new count withheld, new cells, one-way): usable when violations is 0. A violation is
    a zero corner, or a corner too small for the move (counted in the cheaper direction). Coarser cells
    weigh more: a total with every dimension at its root weighs most."""
    zeros = up = down = new_value = new_cells = 0
    for z, u, d, nv, nc in parts:
        zeros, up, down, new_value, new_cells = zeros + z, up + u, down + d, new_value + nv, new_cells + nc
    return (zeros + min(up, down), new_value, new_cells, 0 if not (up or down) else 1)


def find_pattern(index: CubeIndex, cell, hidden: set[int]) -> set[int] | None:
    """The corners (codes) of the cheapest usable pattern found for ``cell``, or None when none is found."""
    p = index.ids(cell)
    code = index.encode(cell)
    shape = tuple(len(n) for n in cell)
    search = Search(index, hidden)
    options = [Options(index, p, code, shape, j) for j in range(index.ndim)]
    if all(options):
        best, choice = search.descent(options, [o.first() for o in options])
        if best[0] == 0:
            return search.corners(choice)
        wide = [Options(index, p, code, shape, j, WIDE_PARTNERS) for j in range(index.ndim)]
        best, choice = search.descent(wide, [o.first() for o in wide])
        if best[0] == 0:
            return search.corners(choice)
    start = lift_all(index, p)
    if start is None:
        return None
    narrow = [o.all() for o in options]
    best, choice = search.descent([([m] + o) if m not in o else o for m, o in zip(start, narrow)], start)
    return search.corners(choice) if best[0] == 0 else None
