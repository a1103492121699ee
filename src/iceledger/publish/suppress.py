"""Small-cell suppression, and the complementary suppression that keeps it from being undone.

**Primary suppression.** Every cell whose count is from 1 to the threshold is withheld; 0 is shown.

**Complementary suppression (hypercube method).** A withheld cell ``p`` is safe when the published
numbers fit more than one value of ``p``. We make sure of it by withholding, with ``p``, the corners
of a *pattern*: for each dimension a small vector ``e_j`` that adds up to zero along every total of
that dimension (a swap ``+1`` at ``p``'s node, ``-1`` at another node of the same level, carried down
to the finest level a family shows and up to where the two branches meet; or a lift ``+1`` from a
leaf under ``p`` up to the root). Their product ``δ = ⊗ e_j`` leaves every total of every table in
the cube unchanged, so the true counts plus ``δ`` (or minus it) are another table consistent with
everything published. The pattern is accepted only when all its corners are non-zero (a zero is
shown, so it cannot hide anything) and every corner that the move would lower holds at least 2
(withheld cells are known to be at least 1). Then ``p`` has at least two feasible values.

**Across the tables of a measure.** All tables of one measure and fiscal year are margins of the
families of one cube, and the patterns are built on the whole cube: a move that changes a total
shared by two families changes it consistently in both. Because the families form a junction tree
(cube.check_junction_tree), any set of family tables that agree on their shared margins can be
completed into one table of records (an integer transportation problem per shared cell), so the
guarantee holds against every published table of the measure together, not one at a time.

**Search.** For each primary cell, coarsest first, a coordinate search over a few candidate
partners per dimension picks the pattern that withholds the least new count (then the fewest new
cells, preferring patterns that can move both ways). Cells already withheld cost nothing, so
patterns are shared. Withholding only grows, so a pattern stays valid to the end. When no pattern
is found, every non-zero cell of the cube is withheld (``fallback``): with nothing but zeros shown,
doubling every count is consistent with the publication, so nothing can be recovered.

It is a heuristic: the number of cells withheld is small, not proven minimal (that problem is
NP-hard). The guarantee is exact and is checked by integer programming in tests/unit/publish.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from iceledger.publish.cube import ROOT, Cell, Cube, Node

PARTNERS = 12  # candidate partner nodes tried per dimension
PASSES = 2


@dataclass
class Suppression:
    """What the gate withheld in one cube: primary (small) cells, complementary cells, fallback."""

    primary: set[Cell] = field(default_factory=set)
    complementary: set[Cell] = field(default_factory=set)
    fallback: bool = False

    @property
    def withheld(self) -> set[Cell]:
        return self.primary | self.complementary


Move = tuple[tuple[Node, int], ...]  # (node, sign) pairs of one dimension's vector e_j


def suppress(cube: Cube, threshold: int, also: set[Cell] = frozenset()) -> Suppression:
    """Withhold the cells of ``cube`` from 1 to ``threshold`` and enough others to protect them.
    ``also``: cells to withhold and protect as if they were small (those holding 0 are shown), e.g. a
    count whose difference from another publication's is small (publish/comparisons.py)."""
    primary = {c for c, v in cube.values.items() if 1 <= v <= threshold or (v and c in also)}
    out = Suppression(primary=set(primary))
    if not primary:
        return out
    hidden = set(primary)
    order = sorted(primary, key=lambda c: (sum(len(n) for n in c), cube.values[c], repr(c)))
    for p in order:
        corners = find_pattern(cube, p, hidden)
        if corners is None:
            out.fallback = True
            hidden = cube.nonzero()
            break
        hidden.update(corners)
    out.complementary = hidden - primary
    return out


def _descend(cube: Cube, j: int, node: Node, line: Cell) -> Node:
    """A leaf under ``node``: at each level the child whose cell on ``line`` is biggest."""
    kids = cube.children[j]
    while node in kids:
        node = max(kids[node], key=lambda k: (_on_line(cube, line, j, k), cube.marginal(j, k)))
    return node


def _on_line(cube: Cube, p: Cell, j: int, node: Node) -> int:
    return cube.values.get(p[:j] + (node,) + p[j + 1:], -1)


def lift(leaf: Node) -> Move:
    """+1 on every node from ``leaf`` up to the root."""
    return tuple((leaf[:k], 1) for k in range(len(leaf), -1, -1))


def swap(leaf: Node, other: Node) -> Move:
    """+1 from ``leaf`` and -1 from ``other`` up to (not including) the node where they meet."""
    meet = 0
    while meet < min(len(leaf), len(other)) and leaf[meet] == other[meet]:
        meet += 1
    return tuple([(leaf[:k], 1) for k in range(len(leaf), meet, -1)]
                 + [(other[:k], -1) for k in range(len(other), meet, -1)])


def candidate_moves(cube: Cube, p: Cell, j: int, partners: int = PARTNERS) -> list[Move]:
    node = p[j]
    kids = cube.children[j]
    if node == ROOT:
        tops = sorted(kids.get(ROOT, []), key=lambda k: (-_on_line(cube, p, j, k), -cube.marginal(j, k)))[:partners]
        return [lift(_descend(cube, j, k, p)) for k in tops]
    parent = node[:-1]
    same_level = [n for n in cube.level(j, len(node)) if n != node]
    ranked = sorted(same_level, key=lambda n: (-_shared(n, parent), -_on_line(cube, p, j, n), -cube.marginal(j, n)))
    mine = _descend(cube, j, node, p)
    moves = [swap(mine, _descend(cube, j, n, p)) for n in ranked[:partners] if _on_line(cube, p, j, n) > 0]
    moves.append(lift(mine))
    return moves


def _shared(n: Node, parent: Node) -> int:
    return int(n[:len(parent)] == parent)


def corners(cube: Cube, moves: list[Move]) -> dict[Cell, int]:
    """The published cells a pattern changes, with the sign of the change."""
    out: dict[Cell, int] = {}
    root_sign = [dict(m).get(ROOT, 0) for m in moves]
    for depths in cube.depth_rows:
        sign0 = 1
        axes = []
        for m, depth, rs in zip(moves, depths, root_sign):
            if depth == 0:
                sign0 *= rs
                if not sign0:
                    break
                axes.append(_ROOT_AXIS)
            else:
                axes.append([(n, s) for n, s in m if len(n) <= depth])
        if sign0 == 0:
            continue
        for combo in itertools.product(*axes):
            sign = sign0
            for _, s in combo:
                sign *= s
            out[tuple(n for n, _ in combo)] = sign
    return out


_ROOT_AXIS = [(ROOT, 1)]


def score(cube: Cube, pattern: dict[Cell, int], hidden: set[Cell]) -> tuple:
    """(violations, new count withheld, new cells, one-way): usable when violations is 0.

    A violation is a zero corner, or a corner too small for the move (the cheaper direction)."""
    low_up = low_down = zeros = 0
    new_value = new_cells = 0
    values = cube.values
    for cell, sign in pattern.items():
        v = values.get(cell, 0)
        if v == 0:
            zeros += 1
        elif v < 2:
            if sign > 0:
                low_down += 1
            else:
                low_up += 1
        if cell not in hidden:
            new_value += v * _weight(cell)
            new_cells += 1
    return (zeros + min(low_up, low_down), new_value, new_cells, 0 if not (low_up or low_down) else 1)


def _weight(cell: Cell) -> int:
    """Coarser cells carry more information: a total with every dimension at its root weighs most."""
    return 1 << (2 * sum(1 for n in cell if not n))


def _family_cell(cube: Cube, fam, nodes) -> Cell:
    return tuple(n[:cube.depth(fam, j)] for j, n in enumerate(nodes))


def lift_all(cube: Cube, p: Cell) -> list[Move] | None:
    """Lifts in every dimension from leaves chosen so that every corner is non-zero: the pattern
    of one more record under ``p``. Always usable when it exists (every corner only goes up)."""
    nodes = list(p)
    fams = cube.families
    for j in range(len(cube.dims)):
        kids = cube.children[j]
        mine = [f for f in fams if cube.depth(f, j) > 0]
        node = nodes[j]
        while node in kids and len(node) < max((cube.depth(f, j) for f in mine), default=0):
            def worst(k):
                trial = nodes[:j] + [k] + nodes[j + 1:]
                return min((cube.values.get(_family_cell(cube, f, trial), 0) for f in mine
                            if len(k) <= cube.depth(f, j)), default=1)
            node = max(kids[node], key=worst)
            if worst(node) == 0:
                return None
            nodes[j] = node
    return [lift(n) for n in nodes]


def _descent(cube: Cube, p: Cell, hidden: set[Cell], options: list[list[Move]], choice: list[Move]):
    best_pattern = corners(cube, choice)
    best = score(cube, best_pattern, hidden)
    if best[:3] == (0, 0, 0):
        return best, best_pattern
    for _ in range(PASSES):
        improved = False
        for j, opts in enumerate(options):
            for m in opts:
                if m == choice[j]:
                    continue
                trial = choice[:j] + [m] + choice[j + 1:]
                pat = corners(cube, trial)
                s = score(cube, pat, hidden)
                if s < best:
                    choice, best, best_pattern, improved = trial, s, pat, True
                    if s[:3] == (0, 0, 0):
                        return best, best_pattern
        if not improved:
            break
    return best, best_pattern


def find_pattern(cube: Cube, p: Cell, hidden: set[Cell]) -> set[Cell] | None:
    """The corners of the cheapest usable pattern found for ``p``, or None when none is found."""
    options = [candidate_moves(cube, p, j) for j in range(len(cube.dims))]
    if all(options):
        best, pattern = _descent(cube, p, hidden, options, [o[0] for o in options])
        if best[0] == 0:
            return set(pattern)
        wide = [candidate_moves(cube, p, j, partners=40) for j in range(len(cube.dims))]
        best, pattern = _descent(cube, p, hidden, wide, [o[0] for o in wide])
        if best[0] == 0:
            return set(pattern)
    start = lift_all(cube, p)
    if start is None:
        return None
    options = [([m] + o) if m not in o else o for m, o in zip(start, options)]
    best, pattern = _descent(cube, p, hidden, options, start)
    return set(pattern) if best[0] == 0 else None
