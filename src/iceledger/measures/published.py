"""The fallback to ICE's published detention statistics when no detention records cover a window.

ICE publishes fiscal-year figures (average daily population, average length of stay) in its
detention statistics workbooks; the registries load them into the table named under
``detention_statistics`` in registries.yaml. This seam answers a detention population request
from them when the request can be answered at their grain (national, by fiscal year, optionally
by criminality as ICE's category), and otherwise says what is missing.
"""

from __future__ import annotations

from iceledger.measures.catalog import registries
from iceledger.measures.periods import period_of
from iceledger.measures.registry import NotAvailable, registry_table
from iceledger.measures.result import MeasureResult
from iceledger.measures.spec import PopulationSpec

COLUMNS = ["adp", "alos_days", "source_id"]
TOTAL = (None, "", "total", "Total", "TOTAL")


def published_population(eng, spec: PopulationSpec, *, because: str) -> MeasureResult:
    stats = registry_table(eng, "detention_statistics", required=False)
    if stats is None:
        raise NotAvailable("detention_not_available",
                           f"{because}; ICE's published detention statistics are not loaded in this ledger either",
                           fix="ingest a release of detention stints covering the window, or build the ledger with the "
                               "detention statistics registry")
    extra = [d for d in spec.by if d not in ("fy", "criminality")]
    if extra or spec.where:
        raise NotAvailable("published_grain", f"{because}; ICE's published statistics give fiscal-year national figures "
                                              f"(by criminality at most), not by {', '.join(extra or list(spec.where))}",
                           fix="measure by fy (and criminality) without filters to use the published figures")
    metrics = registries()["detention_statistics"]["metrics"]
    first, last = period_of("fy", spec.date_from)[0], period_of("fy", spec.date_to)[0]
    q = stats.filter(stats.fiscal_year.between(first, last) & stats.metric.isin(list(metrics.values())))
    found: dict[tuple, dict] = {}
    by_crim = "criminality" in spec.by
    for r in eng.rows(q):
        total = r["category"] in TOTAL
        if by_crim == total:
            continue
        key = (r["fiscal_year"], r["category"] if by_crim else None)
        row = found.setdefault(key, {"fy": r["fiscal_year"], "criminality": key[1], "adp": None, "alos_days": None,
                                     "source_id": r["source_id"]})
        name = next(k for k, v in metrics.items() if v == r["metric"])
        row["adp" if name == "adp" else "alos_days"] = r["value"]
    if not found:
        raise NotAvailable("published_missing", f"{because}; ICE's published statistics loaded here have no figures for "
                                                f"fiscal years {first}–{last}", fix="load the statistics workbooks of those years")
    by = [d for d in ("fy", "criminality") if d in spec.by] or ["fy"]
    rows = [{k: r[k] for k in [*by, *COLUMNS]} for _, r in sorted(found.items(), key=lambda kv: (kv[0][0], str(kv[0][1])))]
    prov = {"engine": eng.name, "source": "published", "sql": [{"purpose": "published_statistics", "sql": eng.sql(q)}],
            "notes": [f"{because}: these are ICE's published fiscal-year figures, not counts from records",
                      "published figures are for whole fiscal years, whatever the window's days"],
            "registries_used": ["detention_statistics"], "releases": [], "quality": {}}
    return MeasureResult("population", spec.model_dump(mode="json"), [*by, *COLUMNS], rows, prov)
