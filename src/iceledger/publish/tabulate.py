"""Counting the lattice's families through the measures layer: the only module of publish/ that
calls ``iceledger.measures`` (its API is young, so its use is kept here).

Each family is one measure call: counts by month, the place levels and the categories (the
detainer funnel's outcome comes from ``funnel``). The rows become the finest cells of the family,
split by fiscal year into one cube per year; every margin is summed from them in cube.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from iceledger.errors import IceledgerError
from iceledger.measures import FunnelSpec, MeasureSpec, catalog, funnel, measure
from iceledger.measures.spec import MAX_DIMENSIONS, Synthetic
from iceledger.metadata import code_list
from iceledger.publish.codes import OTHER, OUTCOME, ValueLists
from iceledger.publish.cube import Cube, Node, build_cube, check_junction_tree
from iceledger.publish.lattice import TIME, Family, Lattice, MeasureLattice, place
from iceledger.validation import Finding

# The funnel's outcome as a partition of the detainers lodged, by what the loaded records can tell.
OUTCOMES = code_list("funnel_outcome").values  # metadata/codes/funnel_outcome.csv


@dataclass
class MeasureCounts:
    """A measure's counts: one cube per fiscal year, what they were computed from, what was found."""

    name: str
    cubes: dict[int, Cube] = field(default_factory=dict)
    is_synthetic: bool = False
    provenance: list[dict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    families: list[Family] = field(default_factory=list)


def fiscal_year(d: dt.date) -> int:
    return d.year + (1 if d.month >= 10 else 0)


def _family_by(fam: Family) -> list[str]:
    by = ["month" if fam.by_month else "fy"]
    if fam.place:
        by += list(place(fam.place).dimensions[:fam.depth])
    return by + [c for c in fam.categories if c != OUTCOME]


def _spec(subject: str, by: list[str], synthetic: Synthetic) -> MeasureSpec:
    if len(by) <= MAX_DIMENSIONS:
        return MeasureSpec(count=subject, by=by, synthetic=synthetic)
    # The lattice's widest families (month, place, two categories) have four dimensions; the measures
    # layer checks three for interactive use. Each dimension is still checked against its catalog.
    for d in by:
        catalog.dimension(d, subject)
    return MeasureSpec.model_construct(count=subject, by=by, synthetic=synthetic)


def _outcome_rows(row: dict) -> list[tuple[str, int]]:
    lodged, custody, removed = row["lodged"] or 0, row["in_custody"], row["removed"]
    if custody is None:
        return [("custody_unknown", lodged)]
    out = [("not_in_custody", lodged - custody)]
    if removed is None:
        out.append(("in_custody_removal_unknown", custody))
    else:
        out += [("in_custody_not_removed", custody - removed), ("in_custody_removed", removed)]
    return out


def count_family(engine, lat: Lattice, m: MeasureLattice, fam: Family,
                 synthetic: Synthetic = "auto") -> tuple[list[tuple[dict, int]], dict, bool]:
    """(rows as (dimension values, count), provenance, is_synthetic) for one family; ``synthetic`` is the
    measures layer's option (publish counts real and synthetic rows apart: series.py)."""
    by = _family_by(fam)
    if fam.source == "funnel":
        res = funnel(FunnelSpec(by=by, within_days=lat.within_days, synthetic=synthetic), engine=engine)
        rows = [({**{d: r[d] for d in by}, OUTCOME: o}, n) for r in res.rows for o, n in _outcome_rows(r) if n]
    else:
        res = measure(_spec(m.subject, by, synthetic), engine=engine)
        rows = [(r, n) for r in res.rows if (n := r.pop("n"))]  # a count's rows hold its dimensions and n
    return rows, res.provenance, res.is_synthetic


def fold_rows(lists: ValueLists, subject: str, rows: list[tuple[dict, int]]) -> tuple[list[tuple[dict, int]], dict[str, int]]:
    """Rows with every category and place value taken from its declared list (codes.py): a value outside
    it, or blank, becomes OTHER, and rows that become alike are summed. Also: events folded per dimension
    (blanks apart), for the analyst's report."""
    folded: dict[str, int] = {}
    out = []
    for values, n in rows:
        new = {}
        for d, v in values.items():
            new[d] = lists.fold(d, v, subject if d != OUTCOME else None)
            if v is not None and new[d] != v:
                folded[d] = folded.get(d, 0) + n
        out.append((new, n))
    return _summed(out, lambda k: True), folded


def _coords(fam: Family, values: dict) -> dict[str, Node]:
    coords: dict[str, Node] = {TIME: (values["month"],)} if fam.by_month else {}
    if fam.place:
        coords[fam.place] = tuple(str(values[d]) for d in place(fam.place).dimensions[:fam.depth])
    for c in fam.categories:
        coords[c] = (str(values[c]),)
    return coords


def small_share(rows: list[tuple[dict, int]], threshold: int) -> float:
    """Share of a family's non-zero finest cells (month by month, or year by year) that the gate would withhold as small."""
    cells = [n for _, n in rows if n]
    return sum(1 for n in cells if n <= threshold) / len(cells) if cells and threshold > 0 else 0.0


def _summed(rows: list[tuple[dict, int]], keep, *, to_fy: bool = False) -> list[tuple[dict, int]]:
    """Rows summed over the dimensions ``keep`` rejects (and over the months of a fiscal year with ``to_fy``)."""
    if not rows:
        return []
    names = sorted(k for k in rows[0][0] if keep(k) and not (to_fy and k == "month"))  # a family's rows share their keys
    by_fy = to_fy and "month" in rows[0][0]
    acc: dict[tuple, int] = {}
    for values, n in rows:
        key = tuple(values[k] for k in names)
        if by_fy:
            key += (fiscal_year(values["month"]),)
        acc[key] = acc.get(key, 0) + n
    names += ["fy"] if by_fy else []
    return [(dict(zip(names, k)), n) for k, n in acc.items()]


def row_fy(values: dict) -> int:
    return values["fy"] if "fy" in values else fiscal_year(values["month"])


def coarsen(lat: Lattice, fam: Family, rows: list[tuple[dict, int]]) -> tuple[Family, list[tuple[dict, int]]] | None:
    """The family one step coarser, with its rows summed to match: a family with categories is first
    taken to the national level (its place tables come from the month-by-place backbone), then loses
    its last category; a family without categories is first taken from months to fiscal years (a
    county's year is often publishable where its months are not), then loses its deepest place level,
    never its first. None when nothing coarser is left."""
    if fam.categories and fam.place:
        dims = set(place(fam.place).dimensions)
        return replace(fam, place=None, depth=0), _summed(rows, lambda k: k not in dims)
    if fam.categories:
        drop = fam.categories[-1]
        return replace(fam, categories=fam.categories[:-1]), _summed(rows, lambda k: k != drop)
    if fam.place and fam.depth > 1 and fam.by_month:
        return replace(fam, by_month=False), _summed(rows, lambda k: True, to_fy=True)
    if fam.place and fam.depth > 1:
        drop = place(fam.place).dimensions[fam.depth - 1]
        return replace(fam, depth=fam.depth - 1), _summed(rows, lambda k: k != drop)
    return None


def _supported(lat: Lattice, m: MeasureLattice, fam: Family, rows, threshold: int, limit: float, findings: list[Finding]):
    """The family as the data support it: coarsened while more than ``limit`` of its cells are small."""
    start, share = fam, small_share(rows, threshold)
    while share > limit:
        step = coarsen(lat, fam, rows)
        if step is None:
            break
        fam, rows = step
        share = small_share(rows, threshold)
    if fam != start:
        findings.append(Finding("info", "family_coarsened",  # its message is a publication note: no computed figure
                                f"{m.name} by {', '.join(_family_by(start))} has too many small cells to publish usefully "
                                f"(more than {limit:.0%}); published by {', '.join(_family_by(fam))} instead",
                                fix=f"{share:.0%} of the cells published are small; the limit is lattice.yaml's "
                                    "max_small_share"))
    return fam, rows


def _with_backbone(counted: list[tuple[Family, list]], declared: list[tuple[Family, list]]) -> list[tuple[Family, list]]:
    """Month by the first level of every place the declared families had, kept when coarsening took it away."""
    out = list(counted)
    for p in dict.fromkeys(f.place for f, _ in declared if f.place):
        if any(f.place == p and f.by_month for f, _ in out):
            continue
        fam, rows = next((f, r) for f, r in declared if f.place == p)
        first = place(p).dimensions[0]
        out.append((Family(p, 1, (), fam.source), _summed(rows, lambda k, first=first: k in ("month", first))))
    return out


def count_measure(engine, lat: Lattice, m: MeasureLattice, progress: Callable = lambda *a, **k: None,
                  threshold: int = 0, max_small_share: float | None = None, synthetic: Synthetic = "auto",
                  years: set[int] | None = None) -> MeasureCounts:
    """Every family of ``m`` counted (with the measures layer's ``synthetic`` option, in the fiscal ``years``
    given, else all), coarsened where the data are too thin (``threshold`` > 0), checked for agreement, and
    cut into fiscal-year cubes."""
    out = MeasureCounts(m.name)
    counted: list[tuple[Family, list]] = []
    lists = ValueLists(engine)
    folded: dict[str, int] = {}
    for fam in m.families:
        progress("step", name=f"publish: count {m.name} by {fam.place or 'national'} {'+'.join(fam.categories)}")
        try:
            rows, prov, is_synthetic = count_family(engine, lat, m, fam, synthetic)
        except IceledgerError as exc:
            out.findings.append(Finding("warning", "family_not_tabulated",
                                        f"{m.name} by {', '.join(_family_by(fam))} was not tabulated: {exc.message}",
                                        fix=exc.fix))
            continue
        rows, outside = fold_rows(lists, m.subject, rows)
        for d, n in outside.items():
            folded[d] = max(folded.get(d, 0), n)
        out.provenance.append(prov)
        out.is_synthetic |= is_synthetic
        undated = sum(n for v, n in rows if v["month"] is None)
        if undated:
            out.findings.append(Finding("info", "undated_events", f"{m.name}: {undated:,} events without a date are not "
                                        "in the monthly or fiscal-year tables", count=undated))
        counted.append((fam, [(v, n) for v, n in rows if v["month"] is not None
                              and (years is None or row_fy(v) in years)]))
    for d, n in sorted(folded.items()):  # the analyst's report only: the publication notes never carry it
        out.findings.append(Finding("info", "values_outside_code_lists", f"{m.name}: {n:,} events whose {d} is outside "
                                    f"its declared list are published as {OTHER!r}", count=n,
                                    fix="`iceledger validate` lists the values; if they are real ICE values, add them "
                                        "to the code list (src/iceledger/metadata/codes/)"))
    if threshold > 0:
        supported: list = []
        notes: list[Finding] = []
        for fam, rows in counted:
            limit = lat.max_small_share if max_small_share is None else max_small_share
            supported.append(_supported(lat, m, fam, rows, threshold, limit, notes))
        supported = _with_backbone(supported, counted)
        if check_junction_tree([f.depths() for f, _ in supported]):
            counted = supported
            out.findings += notes
        else:
            out.findings.append(Finding("warning", "coarsening_refused", f"{m.name}: coarsening thin families would link "
                                        "tables through cells no family shows; the declared families are published"))
    out.families = [f for f, _ in counted]
    per_year: dict[int, list[list]] = {}
    for i, (fam, rows) in enumerate(counted):
        for values, n in rows:
            fy = row_fy(values)
            per_year.setdefault(fy, [[] for _ in counted])[i].append((_coords(fam, values), n))
    for fy, fam_rows in sorted(per_year.items()):
        try:
            out.cubes[fy] = build_cube(m.dims, [f.depths() for f in out.families], fam_rows)
        except ValueError as exc:
            raise _disagreement(m.name, fy, exc) from None
    return out


def _disagreement(name: str, fy: int, exc: ValueError) -> IceledgerError:
    from iceledger.errors import BuildError

    return BuildError("measures_disagree", f"{name}, FY{fy}: two families of the lattice count the same total "
                      f"differently ({exc})", fix="the measures behind them must use the same release and duplicate "
                      "rules; report this as a bug with the two family definitions from lattice.yaml")
