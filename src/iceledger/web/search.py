"""Find a place in one step: states (English and Spanish names), ICE field offices, counties, cities
(each leading to its counties) and detention facilities, matched without regard to case or accents
("dona ana" finds Doña Ana County) and word by word ("harris tx" finds Harris County, Texas).

The index is built once per publication from its registries (``ref_states``, ``ref_aors``,
``ref_counties``, ``ref_places``, ``ref_facilities``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from iceledger.web.data import WebData
from iceledger.web.i18n import Formatter

KINDS = ("state", "aor", "county", "city", "facility")
MAX_RESULTS = 60


def fold(text: str) -> str:
    """Lower case, accents off, punctuation to spaces: "Doña Ana County, N.M." -> "dona ana county n m"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain.casefold()).split())


@dataclass
class Entry:
    kind: str
    name: str  # as shown
    href: str
    context: str  # shown after the name (state, code, city)
    keys: tuple[str, ...]  # folded names the entry answers to
    words: frozenset  # every folded word of its names and context

    def score(self, q: str, tokens: list[str]) -> int | None:
        if q in self.keys:
            return 0
        if any(k.startswith(q) for k in self.keys):
            return 1
        if all(any(w.startswith(t) for w in self.words) for t in tokens):
            return 2
        return None


def entry(kind: str, name: str, href: str, context: str, names: list[str]) -> Entry:
    keys = tuple(dict.fromkeys(fold(n) for n in [name, *names] if n))
    words = frozenset(w for k in keys + (fold(context),) for w in k.split())
    return Entry(kind, name, href, context, keys, words)


def build_index(data: WebData, es: Formatter) -> list[Entry]:
    """Every findable place of the publication, with the Spanish names of states from the catalogue."""
    out: list[Entry] = []
    states = {s["state_code"]: s for s in data.states()}
    for s in states.values():
        out.append(entry("state", s["state_name"], f"/area/state/{s['state_code']}", s["state_code"],
                         [es.gettext(s["state_name"]), s["state_code"], *(s["state_aliases"] or [])]))
    for a in data.aors():
        if a["aor_code"] != "HQ":
            out.append(entry("aor", a["aor_name"], f"/area/aor/{a['aor_code']}", a["aor_code"],
                             [a["field_office_name"] or "", a["aor_code"]]))
    county_names = data.place_names("county")
    for fips, name in county_names.items():
        state = states.get(name.rsplit(", ", 1)[-1])
        short = name.rsplit(", ", 1)[0]
        out.append(entry("county", short, f"/area/county/{fips}",
                         state["state_name"] if state else "", [name, short.rsplit(" ", 1)[0]]))
    for p in data.rows("SELECT place_name, state_code, county_fips_codes, place_aliases FROM ref_places "
                       "WHERE place_kind = 'city'"):
        for fips in p["county_fips_codes"] or []:
            if fips in county_names:
                out.append(entry("city", p["place_name"], f"/area/county/{fips}",
                                 f"{county_names[fips]}", [*(p["place_aliases"] or [])]))
    for fac in data.rows("SELECT detention_facility_code AS code, detention_facility AS name, facility_city AS city, "
                         "facility_state_code AS state FROM ref_facilities"):
        out.append(entry("facility", fac["name"], f"/facility/{fac['code']}",
                         ", ".join(x for x in (fac["city"], fac["state"]) if x), [fac["code"]]))
    return out


def search(index: list[Entry], query: str) -> list[Entry]:
    """Entries matching ``query``, best first: the whole name, then the start of a name, then every word."""
    q = fold(query)
    if not q:
        return []
    tokens = q.split()
    scored = [(s, KINDS.index(e.kind), e.name, e) for e in index if (s := e.score(q, tokens)) is not None]
    scored.sort(key=lambda x: x[:3])
    return [e for *_, e in scored[:MAX_RESULTS]]


def one_step(results: list[Entry], query: str) -> Entry | None:
    """The single place a query names outright, if any: the only place whose own name it is ("Texas",
    not Texas County), else the only place with that name among its other names, else the only result."""
    q = fold(query)
    for exact in ([e for e in results if e.keys[0] == q], [e for e in results if q in e.keys], results):
        if len({e.href for e in exact}) == 1:
            return exact[0]
        if exact:
            return None
    return None
