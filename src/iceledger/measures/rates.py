"""Rates per 100,000 residents, only where the population registry knows the place's population.

A row gets a rate when its place (the aor_code, state or county dimension, a single-valued filter
on one of them, or the nation when there is neither) has a population for the row's year (the
calendar or fiscal year of its period, else the year the window ends); otherwise the nearest
earlier year is used, then the nearest later one, and ``population_year`` says which.
"""

from __future__ import annotations

import ibis

from iceledger.measures.ref_tables import registry_table

PLACE_DIMENSIONS = ("aor_code", "state", "county")
POPULATION_LEVEL = {"aor_code": "aor"}  # the population registry's level of a place dimension (else the same name)
PER = 100_000


def _row_year(row: dict, dims: list[str], spec) -> int | None:
    for d in ("fy", "year"):
        if d in dims and row.get(d) is not None:
            return int(row[d])
    for d in ("day", "week", "month"):
        if d in dims and row.get(d) is not None:
            return row[d].year
    return spec.date_to.year if spec.date_to else None


def _pick(years: dict[int, tuple], want: int | None):
    if not years:
        return None
    if want is None:
        return max(years.items())
    earlier = [y for y in years if y <= want]
    y = max(earlier) if earlier else min(years)
    return y, years[y]


def add_rates(eng, rows: list[dict], dims: list[str], spec, notes: list[str]) -> list[str]:
    places = [d for d in dims if d in PLACE_DIMENSIONS]
    fixed = {d: v for d, v in spec.where.items() if d in PLACE_DIMENSIONS and not isinstance(v, list)}
    if len(places) > 1:
        notes.append(f"rates not computed: rows have more than one place ({', '.join(places)}); use one")
        return []
    pop = registry_table(eng, "population", required=False)
    if pop is None:
        notes.append("rates not computed: no resident population is loaded in this ledger (population registry absent or empty)")
        return []
    level = places[0] if places else (next(iter(fixed)) if len(fixed) == 1 else "nation")
    table: dict[str, dict[int, tuple]] = {}
    # a figure the source lists wins over one summed from its parts; then the first source by id
    for r in eng.rows(pop.filter(pop.place_level == POPULATION_LEVEL.get(level, level))
                      .order_by([ibis.desc(pop.basis == "given"), pop.source_id])):
        table.setdefault(str(r["place_code"]), {}).setdefault(int(r["year"]), (r["population"], r["source_id"]))
    missing = set()
    for r in rows:
        code = r.get(level) if places else (fixed.get(level) if level != "nation" else "US")
        got = _pick(table.get(str(code), {}), _row_year(r, dims, spec))
        if got is None:
            missing.add(str(code))
            r.update(population=None, population_year=None, population_source=None, rate_per_100k=None)
            continue
        year, (population, source) = got
        n = r.get("n")
        r.update(population=population, population_year=year, population_source=source,
                 rate_per_100k=round(n * PER / population, 2) if population and n is not None else None)
    if missing:
        shown = sorted(missing)[:10]
        notes.append(f"no resident population known for {level} {', '.join(shown)}"
                     + (f" and {len(missing) - 10} more" if len(missing) > 10 else "") + ": no rate for those rows")
    return ["population", "population_year", "population_source", "rate_per_100k"]
