"""The lattice of public tabulations (lattice.yaml) and the suppression policy (policy.yaml), loaded
once into typed records, with the names the public tables and the API use.

A *table* of the lattice is one (measure, time grain, place level, categories) combination; its
key reads ``arrests/month/aor/criminality+method_group`` (``national`` when no place, no suffix
when no category). Every table is a margin of one or more families of its measure.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from iceledger.errors import InputError
from iceledger.publish.cube import check_junction_tree

HERE = Path(__file__).resolve().parent
GRAINS = ("month", "fy")
NATIONAL = "national"
TIME = "time"


@dataclass(frozen=True)
class Policy:
    threshold: int
    label_en: str
    label_es: str


@cache
def load_policy() -> Policy:
    data = yaml.safe_load((HERE / "policy.yaml").read_text())
    return Policy(int(data["threshold"]), data["label_en"], data["label_es"])


@dataclass(frozen=True)
class Place:
    name: str
    levels: tuple[str, ...]
    dimensions: tuple[str, ...]


@dataclass(frozen=True)
class Family:
    place: str | None
    depth: int
    categories: tuple[str, ...]
    source: str  # count | funnel
    by_month: bool = True  # False: by fiscal year only (a family coarsened for thin data)

    def depths(self) -> dict[str, int]:
        out = {TIME: 1} if self.by_month else {}
        if self.place:
            out[self.place] = self.depth
        out.update({c: 1 for c in self.categories})
        return out


@dataclass(frozen=True)
class TableSpec:
    measure: str
    grain: str
    place_level: str
    categories: tuple[str, ...]

    @property
    def key(self) -> str:
        return table_key(self.measure, self.grain, self.place_level, self.categories)


@dataclass(frozen=True)
class MeasureLattice:
    name: str
    subject: str
    families: tuple[Family, ...]
    dims: tuple[str, ...]  # cube order: time, places, categories

    def tables(self) -> list[TableSpec]:
        """Every table of the lattice this measure's families hold (their margins included)."""
        seen: dict[str, TableSpec] = {}
        for fam in self.families:
            levels = [NATIONAL] + (list(place(fam.place).levels[:fam.depth]) if fam.place else [])
            cats = [c for c in self.dims if c in fam.categories]
            for grain, level in itertools.product(GRAINS, levels):
                for r in range(len(cats) + 1):
                    for subset in itertools.combinations(cats, r):
                        spec = TableSpec(self.name, grain, level, subset)
                        seen.setdefault(spec.key, spec)
        return sorted(seen.values(), key=lambda s: s.key)


def table_key(measure: str, grain: str, place_level: str, categories: tuple[str, ...] | list[str]) -> str:
    key = f"{measure}/{grain}/{place_level}"
    return key + ("/" + "+".join(categories) if categories else "")


@dataclass(frozen=True)
class Lattice:
    places: dict[str, Place]
    categories: dict[str, str]
    measures: dict[str, MeasureLattice]
    within_days: int
    other_label: str
    sha256: str
    max_small_share: float = 0.5

    def measure(self, name: str) -> MeasureLattice:
        if name not in self.measures:
            raise InputError("unknown_measure", f"measure={name!r} is not in the lattice",
                             fix=f"use one of: {', '.join(self.measures)}")
        return self.measures[name]

    def place_levels(self) -> list[str]:
        return [NATIONAL] + [lv for p in self.places.values() for lv in p.levels]

    def tables(self) -> list[TableSpec]:
        return [t for m in self.measures.values() for t in m.tables()]

    def place_of_level(self, level: str) -> tuple[str, int] | None:
        for p in self.places.values():
            if level in p.levels:
                return p.name, p.levels.index(level) + 1
        return None


def place(name: str) -> Place:
    return load_lattice().places[name]


@cache
def load_lattice(path: Path | None = None) -> Lattice:
    path = path or HERE / "lattice.yaml"
    raw = path.read_bytes()
    data = yaml.safe_load(raw)
    places = {n: Place(n, tuple(p["levels"]), tuple(p["dimensions"])) for n, p in data["places"].items()}
    categories = dict(data["categories"])
    measures = {}
    for name, m in data["measures"].items():
        fams = []
        for f in m["families"]:
            where = f"lattice.yaml: {name}: family {f}"
            if f.get("place") and f["place"] not in places:
                raise ValueError(f"{where}: unknown place {f['place']!r}; places: {', '.join(places)}")
            cats = tuple(f.get("categories", ()))
            unknown = [c for c in cats if c not in categories]
            if unknown or len(cats) > 2:
                raise ValueError(f"{where}: at most two categories, each declared under categories: {unknown or cats}")
            depth = int(f.get("depth", 1)) if f.get("place") else 0
            if f.get("place") and not 1 <= depth <= len(places[f["place"]].levels):
                raise ValueError(f"{where}: depth must be 1..{len(places[f['place']].levels)}")
            fams.append(Family(f.get("place"), depth, cats, f.get("source", "count")))
        if not check_junction_tree([fam.depths() for fam in fams]):
            raise ValueError(f"lattice.yaml: {name}: the families do not form a junction tree, so tables could be "
                             "linked through cells no family shows; fold the cycle into one family or drop a table")
        used_places = [p for p in places if any(f.place == p for f in fams)]
        used_cats = [c for c in categories if any(c in f.categories for f in fams)]
        measures[name] = MeasureLattice(name, m["subject"], tuple(fams), (TIME, *used_places, *used_cats))
    return Lattice(places, categories, measures, int(data["within_days"]), data["other_label"],
                   hashlib.sha256(raw).hexdigest(), float(data.get("max_small_share", 0.5)))
