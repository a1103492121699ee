"""The us-atlas TopoJSON (Census 2017 cartographic boundaries) as rows: every county and state with its FIPS.

`data/geo/counties.csv` is derived from the vendored `counties-10m.json` by `derive_counties()`; a test
checks the bundled CSV equals a fresh derivation, so the two cannot drift. Run
`python -m iceledger.sources.geography.atlas` to rewrite it after updating the vendored map.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from iceledger.errors import InputError, Location

ATLAS_COUNTIES = "vendor/us-atlas/counties-10m.json"
COUNTY_KINDS = "geo/county-kinds.csv"
COUNTIES_CSV = "geo/counties.csv"
COUNTY_COLUMNS = ["county_fips", "state_fips", "county_name", "county_kind"]


@dataclass(frozen=True)
class AtlasUnit:
    fips: str
    name: str


def read_topology(path: Path, layer: str) -> list[AtlasUnit]:
    """The (id, name) of every geometry in one layer of a TopoJSON file, checked."""
    try:
        topo = json.loads(path.read_text())
        geoms = topo["objects"][layer]["geometries"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError("bad_topojson", f"cannot read layer {layer!r}: {exc}",
                         fix="restore the vendored us-atlas file from git (npm pack us-atlas@3)",
                         location=Location(file=str(path))) from None
    units = []
    width = 5 if layer == "counties" else 2
    for i, g in enumerate(geoms):
        fips, name = str(g.get("id", "")), (g.get("properties") or {}).get("name")
        if len(fips) != width or not fips.isdigit() or not name:
            raise InputError("bad_topojson_unit", f"geometry {i} of layer {layer!r} has id {fips!r} and name {name!r}",
                             fix=f"every {layer} geometry needs a {width}-digit FIPS id and a name",
                             location=Location(file=str(path), row=i))
        units.append(AtlasUnit(fips, name))
    return units


def read_kind_rules(path: Path) -> list[tuple[str, str]]:
    """(FIPS prefix, county kind) rules, longest prefix first; every other county-equivalent is a county."""
    with path.open(newline="") as fh:
        rules = [(r["fips_prefix"], r["county_kind"]) for r in csv.DictReader(fh)]
    return sorted(rules, key=lambda r: -len(r[0]))


def kind_for(fips: str, rules: list[tuple[str, str]]) -> str:
    for prefix, kind in rules:
        if fips.startswith(prefix):
            return kind
    return "county"


def derive_counties(data_dir: Path) -> list[dict[str, str]]:
    """Rows of data/geo/counties.csv, sorted by FIPS."""
    rules = read_kind_rules(data_dir / COUNTY_KINDS)
    units = read_topology(data_dir / ATLAS_COUNTIES, "counties")
    seen: set[str] = set()
    rows = []
    for u in sorted(units, key=lambda u: u.fips):
        if u.fips in seen:
            raise InputError("duplicate_county", f"county FIPS {u.fips} appears twice",
                             fix="the vendored map is damaged: restore it", location=Location(file=ATLAS_COUNTIES))
        seen.add(u.fips)
        rows.append({"county_fips": u.fips, "state_fips": u.fips[:2], "county_name": u.name,
                     "county_kind": kind_for(u.fips, rules)})
    return rows


def write_counties_csv(data_dir: Path) -> Path:
    path = data_dir / COUNTIES_CSV
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, COUNTY_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(derive_counties(data_dir))
    return path


if __name__ == "__main__":
    from iceledger.settings import DATA_DIR

    print(f"wrote {write_counties_csv(DATA_DIR)}")
