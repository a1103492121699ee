"""Counting the lattice's families through the measures layer: the only module of publish/ that
calls ``iceledger.measures`` (its API is young, so its use is kept here).

Each family is one measure call: counts by month, the place levels and the categories (the
detainer funnel's outcome comes from ``funnel``). The rows become the finest cells of the family,
split by fiscal year into one cube per year; every margin is summed from them in cube.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from iceledger.errors import IceledgerError
from iceledger.measures import FunnelSpec, MeasureSpec, catalog, funnel, measure
from iceledger.measures.spec import MAX_DIMENSIONS
from iceledger.publish.cube import Cube, Node, build_cube
from iceledger.publish.lattice import TIME, Family, Lattice, MeasureLattice, place
from iceledger.validation import Finding

OUTCOME = "funnel_outcome"
# The funnel's outcome as a partition of the detainers lodged, by what the loaded records can tell.
OUTCOMES = ("not_in_custody", "in_custody_not_removed", "in_custody_removed", "in_custody_removal_unknown",
            "custody_unknown")


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
    by = ["month"]
    if fam.place:
        by += list(place(fam.place).dimensions[:fam.depth])
    return by + [c for c in fam.categories if c != OUTCOME]


def _spec(subject: str, by: list[str]) -> MeasureSpec:
    if len(by) <= MAX_DIMENSIONS:
        return MeasureSpec(count=subject, by=by)
    # The lattice's widest families (month, place, two categories) have four dimensions; the measures
    # layer checks three for interactive use. Each dimension is still checked against its catalog.
    for d in by:
        catalog.dimension(d, subject)
    return MeasureSpec.model_construct(count=subject, by=by)


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


def count_family(engine, lat: Lattice, m: MeasureLattice, fam: Family) -> tuple[list[tuple[dict, int]], dict, bool]:
    """(rows as (dimension values, count), provenance, is_synthetic) for one family."""
    by = _family_by(fam)
    if fam.source == "funnel":
        res = funnel(FunnelSpec(by=by, within_days=lat.within_days), engine=engine)
        rows = [({**{d: r[d] for d in by}, OUTCOME: o}, n) for r in res.rows for o, n in _outcome_rows(r) if n]
    else:
        res = measure(_spec(m.subject, by), engine=engine)
        rows = [({d: r[d] for d in by}, r["n"]) for r in res.rows if r["n"]]
    return rows, res.provenance, res.is_synthetic


def _coords(lat: Lattice, fam: Family, values: dict) -> dict[str, Node]:
    miss = lat.missing_label
    coords: dict[str, Node] = {TIME: (values["month"],)}
    if fam.place:
        dims = place(fam.place).dimensions[:fam.depth]
        coords[fam.place] = tuple(miss if values[d] is None else str(values[d]) for d in dims)
    for c in fam.categories:
        v = values.get(c)
        coords[c] = (miss if v is None else str(v),)
    return coords


def count_measure(engine, lat: Lattice, m: MeasureLattice, progress: Callable = lambda *a, **k: None) -> MeasureCounts:
    """Every family of ``m`` counted, checked for agreement, and cut into fiscal-year cubes."""
    out = MeasureCounts(m.name)
    per_year: dict[int, list[list]] = {}
    kept: list[Family] = []
    for fam in m.families:
        progress("step", name=f"publish: count {m.name} by {fam.place or 'national'} {'+'.join(fam.categories)}")
        try:
            rows, prov, synthetic = count_family(engine, lat, m, fam)
        except IceledgerError as exc:
            out.findings.append(Finding("warning", "family_not_tabulated",
                                        f"{m.name} by {', '.join(_family_by(fam))} was not tabulated: {exc.message}",
                                        fix=exc.fix))
            continue
        out.provenance.append(prov)
        out.is_synthetic |= synthetic
        undated = sum(n for v, n in rows if v["month"] is None)
        if undated:
            out.findings.append(Finding("info", "undated_events", f"{m.name}: {undated:,} events without a date are not "
                                        "in the monthly or fiscal-year tables", count=undated))
        i = len(kept)
        kept.append(fam)
        for values, n in rows:
            if values["month"] is None:
                continue
            fy = fiscal_year(values["month"])
            per_year.setdefault(fy, [[] for _ in m.families])[i].append((_coords(lat, fam, values), n))
    out.families = kept
    for fy, fam_rows in sorted(per_year.items()):
        try:
            out.cubes[fy] = build_cube(m.dims, [f.depths() for f in kept], fam_rows[:len(kept)])
        except ValueError as exc:
            raise _disagreement(m.name, fy, exc) from None
    return out


def _disagreement(name: str, fy: int, exc: ValueError) -> IceledgerError:
    from iceledger.errors import BuildError

    return BuildError("measures_disagree", f"{name}, FY{fy}: two families of the lattice count the same total "
                      f"differently ({exc})", fix="the measures behind them must use the same release and duplicate "
                      "rules; report this as a bug with the two family definitions from lattice.yaml")
