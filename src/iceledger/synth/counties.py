"""Counties of synthetic people: a real county of their state that ICE's current county list puts
in their AOR, written as ICE's county columns write it.

A few counties take most of an office's arrests, as in ICE's records: the AOR city's county comes
first, then the office's other counties in a fixed order; at most ``KEPT`` counties per office and
state, weighted 1/rank^1.5 (about 61%, 22%, 12% and 8%).
"""

from __future__ import annotations

import zlib
from functools import cache

import numpy as np

from iceledger.synth.world import profile, stream

KEPT = 4
# How the county is written: the bare name in capitals ("HARRIS"), the full name ("Harris County"),
# or, now and then, the city instead of the county (which then resolves to no county, or to another).
STYLES = {"bare": 0.85, "full": 0.13, "city": 0.02}


@cache
def county_pool(aor: str, state_code: str) -> tuple[tuple[str, ...], np.ndarray]:
    """(county FIPS codes, probabilities) for people of ``aor`` living in ``state_code``."""
    from iceledger.sources.geography.bundled_geo import geography

    geo = geography()
    state = geo.state_by_code(state_code)
    current = {r.county_fips: r.aor_code for r in geo.county_aor if r.is_current}
    counties = [c.fips for c in geo.counties_of_state(state.fips)]
    inside = [f for f in counties if current.get(f) == aor] or counties
    city = profile()["cities"].get(aor, "")
    first = [f for p in geo.places if p.state_code == state_code and city in (p.name, *p.aliases)
             for f in p.county_fips if f in inside]
    ordered = list(dict.fromkeys(first + sorted(inside, key=lambda f: zlib.crc32(f.encode()))))[:KEPT]
    weights = 1 / np.arange(1, len(ordered) + 1) ** 1.5
    return tuple(ordered), weights / weights.sum()


def person_counties(seed: int, aor: np.ndarray, state: np.ndarray) -> np.ndarray:
    """One county FIPS code per person."""
    draw = stream(seed, "county").random(len(aor))
    out = np.empty(len(aor), dtype=object)
    pairs = np.char.add(np.char.add(aor.astype(str), "|"), state.astype(str))
    for pair in np.unique(pairs):
        m = pairs == pair
        codes, p = county_pool(*pair.split("|"))
        pick = np.minimum(np.searchsorted(np.cumsum(p), draw[m]), len(codes) - 1)
        out[m] = np.array(codes, dtype=object)[pick]
    return out


def county_text(seed: int, fips: np.ndarray, aor: np.ndarray) -> np.ndarray:
    """The county column as ICE might write it, one style per person (see STYLES)."""
    from iceledger.sources.geography.bundled_geo import geography

    counties, cities = geography().counties, profile()["cities"]
    styles = np.array(list(STYLES), dtype=object)[
        stream(seed, "county_style").choice(len(STYLES), size=len(fips), p=list(STYLES.values()))]
    write = {"bare": lambda f, a: counties[f].name.upper(), "full": lambda f, a: counties[f].full_name,
             "city": lambda f, a: cities[a].upper()}
    return np.array([write[s](f, a) for f, a, s in zip(fips, aor, styles)], dtype=object)
