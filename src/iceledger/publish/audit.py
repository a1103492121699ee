"""`iceledger audit`: attack a publication as a hostile reader would, with nothing but the file.

From ``public.duckdb`` alone, the audit rebuilds every linear relation between the published tables
(a fiscal year is the sum of its months; a nation of its AORs or states; an AOR of its facilities; a
state of its counties; a table without a category of the same table by that category; an operation
window's total of its weeks and of its AORs; a county's records in the AOR check, of the AORs ICE
recorded), adds what anyone knows of a withheld count (a whole number, at least 1: zeros are shown),
and for every withheld count solves two integer programs (SciPy's HiGHS): the smallest and the largest
value that fit everything published. A count whose smallest and largest values are equal is **pinned**: the publication gives it away.

The linear system splits into independent pieces (withheld counts linked by relations); each piece is
solved on its own, the pieces shared between two worker processes. Different measures and fiscal
years share no relation, and neither do claims (single numbers checked against press releases).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from iceledger.errors import BuildError, NotFoundError
from iceledger.pipeline.ledger import connect
from iceledger.publish.lattice import NATIONAL, load_lattice

WORKERS = 2
Key = tuple  # (measure, fy, grain, period, level, code, parent, cats)


@dataclass
class Interval:
    key: Key
    low: float
    high: float  # math.inf when nothing bounds it above

    @property
    def width(self) -> float:
        return self.high - self.low

    @property
    def pinned(self) -> bool:
        return self.low == self.high

    def describe(self) -> str:
        measure, fy, grain, period, level, code, parent, cats = self.key
        where = code if level == NATIONAL else f"{level} {code}" + (f" (in {parent})" if parent else "")
        when = f"FY{fy}" if grain == "fy" else (period.strftime("%Y-%m") if isinstance(period, dt.date) else str(period))
        by = ", ".join(f"{c}={v}" for c, v in sorted(cats))
        high = "no upper bound" if math.isinf(self.high) else f"{self.high:g}"
        return f"{measure} {when} {where}{' ' + by if by else ''}: from {self.low:g} to {high}"


@dataclass
class AuditResult:
    path: str
    intervals: list[Interval] = field(default_factory=list)
    inconsistent: list[str] = field(default_factory=list)  # relations between published counts that do not add up
    relations: int = 0
    pieces: int = 0

    @property
    def pinned(self) -> list[Interval]:
        return [i for i in self.intervals if i.pinned]

    @property
    def narrowest(self) -> Interval | None:
        return min(self.intervals, key=lambda i: (i.width, i.key.__repr__()), default=None)

    @property
    def ok(self) -> bool:
        return not self.pinned and not self.inconsistent

    def summary(self) -> dict:
        n = self.narrowest
        return {"path": self.path, "withheld_cells": len(self.intervals), "pinned_cells": len(self.pinned),
                "narrowest_width": None if n is None else n.width, "narrowest": None if n is None else n.describe(),
                "relations": self.relations, "pieces": self.pieces, "inconsistent_relations": len(self.inconsistent)}


def _cells(con) -> dict[Key, int | None]:
    """Every published cell (None when withheld), keyed by where it sits."""
    out: dict[Key, int | None] = {}
    for r in con.execute("SELECT measure_name, cell_fy, time_grain, period_date, cell_place_level, place_code, "
                         "place_parent_code, category_1, category_1_value, category_2, category_2_value, event_count, "
                         "is_suppressed FROM out_tabulations").fetchall():
        cats = frozenset((c, v) for c, v in ((r[7], r[8]), (r[9], r[10])) if c)
        key = (r[0], r[1], r[2], r[3] if r[2] == "month" else None, r[4], r[5], r[6], cats)
        out[key] = None if r[12] else r[11]
    if _has(con, "out_operation_windows"):
        for slug, week, aor, n, hidden in con.execute("SELECT operation_slug, week_offset, aor_code, event_count, "
                                                      "is_suppressed FROM out_operation_windows").fetchall():
            key = ("window " + slug, 0, "month" if week is not None else "fy", week, "aor" if aor else NATIONAL,
                   aor or "US", None, frozenset())
            out[key] = None if hidden else n
    if _has(con, "out_aor_evidence"):  # a county's records in a release and table = the sum over the AORs ICE recorded
        for release, tname, county, aor, n, hidden in con.execute(
                "SELECT release_id, table_name, county_fips, aor_code, records_count, is_suppressed FROM out_aor_evidence").fetchall():
            key = (f"aor evidence {release} {tname}", 0, "month" if aor is not None else "fy", aor, "county", county,
                   None, frozenset())
            out[key] = None if hidden else n
    return out


def _has(con, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()[0][0])


def _child_levels() -> dict[str, list[tuple[str, bool]]]:
    """Place level -> the levels one step finer, and whether a child names its parent (a facility its AOR)."""
    out: dict[str, list[tuple[str, bool]]] = {NATIONAL: []}
    for p in load_lattice().places.values():
        out[NATIONAL].append((p.levels[0], False))
        for a, b in zip(p.levels, p.levels[1:]):
            out.setdefault(a, []).append((b, True))
    return out


def relations(cells: dict[Key, int | None]) -> list[tuple[Key, list[Key]]]:
    """Every one-step relation ``parent = sum(children)`` between the published tables."""
    tables: dict[tuple, list[Key]] = defaultdict(list)
    for k in cells:
        measure, fy, grain, period, level, code, parent, cats = k
        tables[(measure, fy, grain, level, frozenset(c for c, _ in cats))].append(k)
    index: dict[tuple, dict[tuple, list[Key]]] = {}

    def children(table: tuple, match) -> dict[tuple, list[Key]]:
        if (table, match) not in index:
            groups: dict[tuple, list[Key]] = defaultdict(list)
            for k in tables.get(table, []):
                groups[match(k)].append(k)
            index[(table, match)] = groups
        return index[(table, match)]

    levels = _child_levels()
    out = []
    for (measure, fy, grain, level, names), keys in tables.items():
        finer = []
        if grain == "fy":
            finer.append(((measure, fy, "month", level, names), _by_time))
        for child, names_parent in levels.get(level, []):
            finer.append(((measure, fy, grain, child, names), _by_parent if names_parent else _by_nation))
        for cat in {c for t in tables if t[:4] == (measure, fy, grain, level) for c in t[4]} - names:
            finer.append(((measure, fy, grain, level, names | {cat}), _by_category(cat)))
        for table, match in finer:
            if table not in tables:
                continue
            groups = children(table, match)
            for k in keys:
                kids = groups.get(_parent_of(k, match), [])
                out.append((k, kids))
    return out


def _by_time(k: Key) -> tuple:
    return (k[4], k[5], k[6], k[7])


def _by_nation(k: Key) -> tuple:
    return (k[3], k[7])


def _by_parent(k: Key) -> tuple:
    return (k[3], k[6], k[7])


class _by_category:  # noqa: N801 - used like the functions above, hashable by its category
    def __init__(self, cat: str):
        self.cat = cat

    def __call__(self, k: Key) -> tuple:
        return (k[3], k[4], k[5], k[6], frozenset((c, v) for c, v in k[7] if c != self.cat))

    def __eq__(self, other) -> bool:
        return isinstance(other, _by_category) and other.cat == self.cat

    def __hash__(self) -> int:
        return hash(("category", self.cat))


def _parent_of(k: Key, match) -> tuple:
    """The group of children ``k`` is the sum of, in the terms ``match`` groups them by."""
    measure, fy, grain, period, level, code, parent, cats = k
    if match is _by_time:
        return (level, code, parent, cats)
    if match is _by_nation:
        return (period, cats)
    if match is _by_parent:
        return (period, code, cats)
    return (period, level, code, parent, cats)


def _solve_piece(piece: tuple[list[Key], list[tuple[dict[int, int], int]]]) -> list[tuple[Key, float, float]]:
    """Smallest and largest whole value of every withheld count of one piece."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    keys, rows = piece
    if not rows:  # linked to nothing: any whole number from 1 up fits
        return [(k, 1.0, math.inf) for k in keys]
    n = len(keys)
    a = lil_matrix((len(rows), n))
    b = np.zeros(len(rows))
    for i, (coefs, rhs) in enumerate(rows):
        for j, c in coefs.items():
            a[i, j] = c
        b[i] = rhs
    cons = [LinearConstraint(a.tocsr(), b, b)] if rows else []
    bounds, integral = Bounds(np.ones(n), np.full(n, np.inf)), np.ones(n)
    out = []
    for j, key in enumerate(keys):
        ends = []
        for sign in (1, -1):
            objective = np.zeros(n)
            objective[j] = sign
            res = milp(objective, constraints=cons, integrality=integral, bounds=bounds)
            if res.status == 3 or (sign == -1 and res.status != 0 and "unbounded" in str(res.message).lower()):
                ends.append(math.inf if sign == -1 else 1.0)
            elif res.status != 0:
                raise BuildError("audit_unsolved", f"the integer program for {key} ended with: {res.message}",
                                 fix="report this with the publication file")
            else:
                ends.append(round(res.x[j]))
        out.append((key, float(ends[0]), float(ends[1])))
    return out


def _pieces(cells: dict[Key, int | None], rels) -> tuple[list, list[str]]:
    """The linear system cut into independent pieces, and the relations between shown counts that fail."""
    withheld = [k for k, v in cells.items() if v is None]
    parent = {k: k for k in withheld}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    eqs, bad = [], []
    for top, kids in rels:
        coefs: dict[Key, int] = defaultdict(int)
        rhs = 0
        for k, c in [(top, 1)] + [(k, -1) for k in kids]:
            value = cells[k]
            if value is None:
                coefs[k] += c
            else:
                rhs -= c * value
        live = [k for k, c in coefs.items() if c]
        if not live:
            if rhs != 0:
                bad.append(f"{top} is not the sum of its {len(kids)} parts")
            continue
        for k in live[1:]:
            parent[find(k)] = find(live[0])
        eqs.append(({k: coefs[k] for k in live}, rhs))
    groups: dict[Key, list[Key]] = defaultdict(list)
    for k in withheld:
        groups[find(k)].append(k)
    rows_of: dict[Key, list] = defaultdict(list)
    for coefs, rhs in eqs:
        rows_of[find(next(iter(coefs)))].append((coefs, rhs))
    pieces = []
    for root, keys in groups.items():
        pos = {k: i for i, k in enumerate(keys)}
        pieces.append((keys, [({pos[k]: c for k, c in coefs.items()}, rhs) for coefs, rhs in rows_of[root]]))
    pieces.sort(key=lambda p: -len(p[0]))
    return pieces, bad


def audit_publication(path: Path, *, workers: int = WORKERS, progress=lambda *a, **k: None) -> AuditResult:
    """Every withheld count of the publication at ``path`` with the narrowest interval it can be proven to lie in."""
    path = Path(path)
    if not path.exists():
        raise NotFoundError("no_publication", f"there is no database at {path}", fix="give the path of a public.duckdb")
    con = connect(path, read_only=True)
    try:
        if not _has(con, "out_tabulations"):
            raise BuildError("not_a_publication", f"{path} has no out_tabulations table",
                             fix="give the path of a public.duckdb written by `iceledger publish`")
        cells = _cells(con)
    finally:
        con.close()
    progress("step", name="audit: relations between published tables")
    rels = relations(cells)
    pieces, bad = _pieces(cells, rels)
    result = AuditResult(str(path), inconsistent=bad, relations=len(rels), pieces=len(pieces))
    progress("step", name=f"audit: {sum(len(p[0]) for p in pieces):,} withheld counts in {len(pieces):,} pieces")
    if workers > 1 and len(pieces) > 1:
        from iceledger.publish.publication import worker_pool

        with worker_pool(workers) as pool:
            solved = list(pool.map(_solve_piece, pieces, chunksize=max(1, len(pieces) // (workers * 8))))
    else:
        solved = [_solve_piece(p) for p in pieces]
    result.intervals = [Interval(k, lo, hi) for part in solved for k, lo, hi in part]
    return result
