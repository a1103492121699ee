"""The fallback to ICE's published detention statistics when no detention records cover a window.

ICE's detention statistics workbooks publish average daily population (ADP) and average length of
stay (ALOS) by fiscal year and by month, overall and by criminality. The registries load every
published cell into the table named under ``detention_statistics`` in registries.yaml; this seam
answers a detention population request from it when the request fits that grain (by fy or month,
optionally by criminality, no other dimension or filter), and otherwise says what is missing. The
figures are all-agency totals (ICE and CBP arrests) as ICE publishes them; year-to-date editions
are marked.
"""

from __future__ import annotations

from iceledger.measures.catalog import registries
from iceledger.measures.periods import period_of
from iceledger.measures.ref_tables import NotAvailable, registry_table
from iceledger.measures.result import MeasureResult
from iceledger.measures.spec import PopulationSpec

COLUMNS = ["adp", "alos_days", "published_period", "source_id"]
PERIODS = {"fy": ("fiscal_year", "fiscal_year_to_date"), "month": ("month",)}


def published_population(eng, spec: PopulationSpec, *, because: str) -> MeasureResult:
    stats = registry_table(eng, "detention_statistics", required=False)
    if stats is None:
        raise NotAvailable("detention_not_available",
                           f"{because}; ICE's published detention statistics are not loaded in this ledger either",
                           fix="ingest a release of detention stints covering the window, or build the ledger with the "
                               "detention statistics registry")
    conf = registries()["detention_statistics"]
    time = next((d for d in spec.by if d in PERIODS), "fy")
    extra = [d for d in spec.by if d not in ("fy", "month", "criminality")]
    if extra or spec.where:
        raise NotAvailable("published_grain", f"{because}; ICE's published statistics give national figures by fiscal year "
                                              f"or month (by criminality at most), not by {', '.join(extra or list(spec.where))}",
                           fix="measure by fy or month (and criminality) without filters to use the published figures")
    by_crim = "criminality" in spec.by
    assert spec.date_from is not None and spec.date_to is not None  # resolved from the spec's window or years
    first, last = period_of("fy", spec.date_from)[0], period_of("fy", spec.date_to)[0]
    total = conf["total"]
    q = stats.filter(stats.block.isin(list(conf["blocks"].values())) & (stats.agency == total)
                     & stats.fiscal_year.between(first, last) & stats.period.isin(list(PERIODS[time])))
    q = q.filter(stats.category != total) if by_crim else q.filter(stats.category == total)
    measure_of = {block: name for name, block in conf["blocks"].items()}
    found: dict[tuple, dict] = {}
    for r in eng.rows(q):
        when = r["fiscal_year"] if time == "fy" else r["month"]
        if time == "month" and (when is None or not spec.date_from.replace(day=1) <= when <= spec.date_to):
            continue
        key = (when, r["category"] if by_crim else None)
        row = found.setdefault(key, {time: when, "criminality": key[1], "adp": None, "alos_days": None,
                                     "published_period": r["period"], "source_id": r["source_id"]})
        row[measure_of[r["block"]]] = r["value"]
    if not found:
        raise NotAvailable("published_missing", f"{because}; the published statistics loaded here have no {time} figures "
                                                f"for fiscal years {first}-{last}", fix="load the statistics workbooks of those years")
    by = [time, *(["criminality"] if by_crim else [])]
    rows = [{k: r[k] for k in [*by, *COLUMNS]} for _, r in sorted(found.items(), key=lambda kv: (kv[0][0], str(kv[0][1])))]
    notes = [f"{because}: these are ICE's published figures (all arresting agencies), not counts from records"]
    if any(r["published_period"] == "fiscal_year_to_date" for r in rows):
        notes.append("rows marked fiscal_year_to_date come from a year-to-date edition of the workbook")
    prov = {"engine": eng.name, "source": "published", "sql": [{"purpose": "published_statistics", "sql": eng.sql(q)}],
            "notes": notes, "registries_used": ["detention_statistics"], "releases": [], "quality": {},
            "sources": sorted({r["source_id"] for r in rows})}
    return MeasureResult("population", spec.model_dump(mode="json"), [*by, *COLUMNS], rows, prov)
