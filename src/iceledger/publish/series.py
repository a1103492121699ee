"""Series: a measure's counts from one origin, ICE's records or a synthetic sample, never both in one
fiscal year, and each year with the releases it was counted from.

A publication counts every measure once per origin its table holds (``synthetic: exclude``, then
``only``), so real and synthetic rows never meet in one count, one cube or one suppression. A fiscal
year is published from one origin: ICE's records wherever a real release has rows in it, the
synthetic sample only in years no real release reaches (its rows in the other years are left out,
and the publication says so). Every published cell carries its origin (``is_synthetic``), and
``out_series`` says, per measure and fiscal year, which releases the counts come from.

A year counted only from releases of one AOR (the Seattle UW v. DHS production, for the years
before the national release) holds that AOR's counts alone: its national, state and county totals
would pass one AOR off as the country, so only the AOR's own cells (and its facilities') are
published for that year (``series_aor_codes`` names it).
"""

from __future__ import annotations

from dataclasses import dataclass

from iceledger.errors import IceledgerError
from iceledger.measures import MeasureSpec, measure
from iceledger.measures.spec import Synthetic
from iceledger.publish.lattice import Lattice, MeasureLattice
from iceledger.validation import Finding

AOR_PLACE = "aor"  # the lattice's place tree rooted at the AOR (lattice.yaml)
ORIGINS: dict[bool, Synthetic] = {False: "exclude", True: "only"}  # is_synthetic → the measures layer's synthetic option


@dataclass(frozen=True)
class SeriesYear:
    """One measure's fiscal year as published: its origin and the releases its counts come from."""

    measure_name: str
    fy: int
    is_synthetic: bool
    release_ids: tuple[str, ...]
    aor_codes: tuple[str, ...] = ()  # when every release counted this year is of one AOR: those AORs; () for the country

    def row(self) -> dict:
        return {"measure_name": self.measure_name, "cell_fy": self.fy, "is_synthetic": self.is_synthetic,
                "release_ids": list(self.release_ids), "series_aor_codes": list(self.aor_codes) or None}


def _years(engine, m: MeasureLattice, synthetic: bool, aors: dict[str, str | None]) -> dict[int, SeriesYear]:
    """The fiscal years one origin of ``m`` has rows in, each with the releases counted (none when the
    table holds no release of that origin)."""
    try:
        res = measure(MeasureSpec(count=m.subject, by=["fy", "release_id"], synthetic=ORIGINS[synthetic]), engine=engine)
    except IceledgerError:  # no release of this origin holds the table
        return {}
    found: dict[int, set[str]] = {}
    for r in res.rows:
        if r["fy"] is not None and r["n"]:
            found.setdefault(int(r["fy"]), set()).add(r["release_id"])
    out = {}
    for fy, ids in sorted(found.items()):
        scopes = {aors.get(i) for i in ids}
        out[fy] = SeriesYear(m.name, fy, synthetic, tuple(sorted(ids)), () if None in scopes else tuple(sorted(s for s in scopes if s is not None)))
    return out


def plan_series(engine, m: MeasureLattice) -> tuple[dict[bool, dict[int, SeriesYear]], list[Finding]]:
    """Per origin (real first), the fiscal years ``m`` publishes from it; and what was left out."""
    aors = {r["release_id"]: r.get("release_aor_code") for r in engine.small("releases")}
    real, synthetic = _years(engine, m, False, aors), _years(engine, m, True, aors)
    findings = []
    if not real and not synthetic:
        findings.append(Finding("warning", "measure_not_tabulated", f"{m.name}: no release in this ledger holds records "
                                f"to count as {m.subject}; not tabulated",
                                fix="ingest a release holding this table (`iceledger ingest`)"))
    overlap = sorted(set(real) & set(synthetic))
    if overlap:
        findings.append(Finding("info", "synthetic_years_left_out",
                                f"{m.name}: the synthetic rows of fiscal years {_span(overlap)} are not published, "
                                "since ICE's records cover those years (a year is published from one origin)"))
        synthetic = {fy: s for fy, s in synthetic.items() if fy not in real}
    for kind in (real, synthetic):
        scoped = [fy for fy, s in kind.items() if s.aor_codes]
        if scoped:
            aors_ = ", ".join(sorted({a for fy in scoped for a in kind[fy].aor_codes}))
            findings.append(Finding("info", "one_aor_years",
                                    f"{m.name}: in fiscal years {_span(scoped)} only releases of one AOR ({aors_}) hold "
                                    "records, so only those AORs' counts are published for those years, not national, "
                                    "state or county totals"))
    return {k: v for k, v in ((False, real), (True, synthetic)) if v}, findings


def synthetic_note(series: list[dict]) -> str:
    """The publication's note on its synthetic series (which measures and fiscal years)."""
    years: dict[str, list[int]] = {}
    for r in series:
        if r["is_synthetic"]:
            years.setdefault(r["measure_name"], []).append(r["cell_fy"])
    parts = [f"{name} (fiscal years {_span(sorted(fys))})" for name, fys in years.items()]
    return ("SYNTHETIC: these series come from synthetic releases generated by iceledger, not from ICE records: "
            + "; ".join(parts) + ". Every other count is from ICE's records; each cell says which (is_synthetic)")


def _span(years: list[int]) -> str:
    return f"{years[0]}" if len(years) == 1 else f"{years[0]} to {years[-1]}" if years == list(range(years[0], years[-1] + 1)) \
        else ", ".join(map(str, years))


def in_scope(lat: Lattice, row: dict, aors: tuple[str, ...]) -> bool:
    """Whether a cell may be published for a year counted from releases of the AORs ``aors`` only (every cell
    when ``aors`` is empty): the AORs' own cells and their facilities'."""
    if not aors:
        return True
    levels = lat.places[AOR_PLACE].levels
    if row["cell_place_level"] == levels[0]:
        return row["place_code"] in aors
    return row["cell_place_level"] in levels[1:] and row["place_parent_code"] in aors
