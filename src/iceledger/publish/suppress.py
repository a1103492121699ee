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

from dataclasses import dataclass, field

from iceledger.publish.cube import Cell, Cube
from iceledger.publish.cube_index import CubeIndex
from iceledger.publish.patterns import find_pattern


@dataclass
class Suppression:
    """What the gate withheld in one cube: primary (small) cells, complementary cells, fallback."""

    primary: set[Cell] = field(default_factory=set)
    complementary: set[Cell] = field(default_factory=set)
    fallback: bool = False

    @property
    def withheld(self) -> set[Cell]:
        return self.primary | self.complementary


def suppress(cube: Cube, threshold: int, also: set[Cell] | frozenset[Cell] = frozenset()) -> Suppression:
    """Withhold the cells of ``cube`` from 1 to ``threshold`` and enough others to protect them.
    ``also``: cells to withhold and protect as if they were small (those holding 0 are shown), e.g. a
    count whose difference from another publication's is small (publish/comparisons.py)."""
    primary = {c for c, v in cube.values.items() if 1 <= v <= threshold or (v and c in also)}
    out = Suppression(primary=set(primary))
    if not primary:
        return out
    index = CubeIndex(cube)
    hidden = {index.encode(c) for c in primary}
    order = sorted(primary, key=lambda c: (sum(len(n) for n in c), cube.values[c], repr(c)))
    for p in order:
        corners = find_pattern(index, p, hidden)
        if corners is None:
            out.fallback = True
            out.complementary = cube.nonzero() - primary
            return out
        hidden.update(corners)
    out.complementary = {index.decode(c) for c in hidden} - primary
    return out
