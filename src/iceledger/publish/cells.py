"""Cube cells as rows of the public tables: one row per cell, the audit, the lattice, the sources.

A withheld cell becomes a row with a NULL count and ``is_suppressed`` true: its value never
leaves this module. The audit counts cells per table and status, never which cells.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from iceledger.publish.cube import ROOT, Cube
from iceledger.publish.lattice import NATIONAL, TIME, Lattice, MeasureLattice, table_key
from iceledger.publish.suppress import Suppression

NATIONAL_CODE = "US"
# Provenance keys that are plain counts of rows are left out of the public database.
QUALITY_KEPT = ("share_without_aor", "duplicates_counted", "duplicate_rule", "synthetic_option", "synthetic_included")


def fy_start(fy: int) -> dt.date:
    return dt.date(fy - 1, 10, 1)


def describe_cell(lat: Lattice, m: MeasureLattice, fy: int, cell: tuple) -> dict:
    """The public columns that say where a cell sits (its table, period, place and categories)."""
    return _describer(lat, m, fy)(cell)


def _describer(lat: Lattice, m: MeasureLattice, fy: int):
    """``describe_cell`` for the cells of one cube: what each dimension is, and each table's key, worked out once."""
    roles: list[tuple[str, Any]] = [(TIME, None) if d == TIME else ("place", lat.places[d].levels) if d in lat.places else ("category", d)
             for d in m.dims]
    start = fy_start(fy)
    keys: dict = {}

    def describe(cell: tuple) -> dict:
        out: dict = {"measure_name": m.name, "cell_fy": fy, "cell_place_level": NATIONAL, "place_code": NATIONAL_CODE,
                     "place_parent_code": None}
        cats: list[tuple[str, str]] = []
        for (role, arg), node in zip(roles, cell):
            if role == TIME:
                out["time_grain"] = "month" if node else "fy"
                out["period_date"] = node[0] if node else start
            elif role == "place":
                if node:
                    out["cell_place_level"] = arg[len(node) - 1]
                    out["place_code"] = node[-1]
                    out["place_parent_code"] = node[0] if len(node) > 1 else None
            elif node != ROOT:
                cats.append((arg, node[0]))
        for i in (1, 2):
            name, value = cats[i - 1] if len(cats) >= i else (None, None)
            out[f"category_{i}"], out[f"category_{i}_value"] = name, value
        k = (out["time_grain"], out["cell_place_level"], tuple(c for c, _ in cats))
        if k not in keys:
            keys[k] = table_key(m.name, *k)
        out["tabulation_key"] = keys[k]
        return out

    return describe


def rows_for_cube(lat: Lattice, m: MeasureLattice, fy: int, cube: Cube, outcome: Suppression, synthetic: bool) -> list[dict]:
    withheld, primary = outcome.withheld, outcome.primary
    describe = _describer(lat, m, fy)
    rows = []
    for cell, value in cube.values.items():
        row = describe(cell)
        hidden = cell in withheld
        row["event_count"] = None if hidden else value
        row["is_suppressed"] = hidden
        row["is_synthetic"] = synthetic
        row["_status"] = ("withheld_small" if cell in primary else "withheld_complementary") if hidden else "published"
        rows.append(row)
    return rows


def audit_rows(measure: str, rows: list[dict], outcome: dict, cubes: dict) -> list[dict]:
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r["tabulation_key"], r.pop("_status"))
        counts[key] = counts.get(key, 0) + 1
    return [{"tabulation_key": k, "measure_name": measure, "cell_status": s, "cells_count": n}
            for (k, s), n in sorted(counts.items())]


def lattice_rows(m: MeasureLattice, rows: list[dict], synthetic: bool) -> list[dict]:
    seen: dict[str, dict] = {}
    for r in rows:
        entry = seen.setdefault(r["tabulation_key"], {
            "tabulation_key": r["tabulation_key"], "measure_name": m.name, "time_grain": r["time_grain"],
            "cell_place_level": r["cell_place_level"], "category_1": r["category_1"], "category_2": r["category_2"],
            "cells_count": 0, "is_synthetic": synthetic})
        entry["cells_count"] += 1
    return [seen[k] for k in sorted(seen)]


def source_row(measure: str, counts) -> dict:
    releases: set[str] = set()
    runs: set[str] = set()
    clean: list = []
    for prov in counts.provenance:
        for rel in prov.get("releases", []):
            releases.add(rel["release_id"])
            runs.update(r["run_id"] for r in rel.get("runs", []))
        clean.append({"engine": prov.get("engine"), "sql": prov.get("sql"), "selection": prov.get("selection"),
                      "quality": {k: v for k, v in prov.get("quality", {}).items() if k in QUALITY_KEPT},
                      "notes": [n for n in prov.get("notes", []) if not n[:1].isdigit()],
                      "code_version": prov.get("code_version"), "computed_at": prov.get("computed_at")})
    return {"measure_name": measure, "release_ids": sorted(releases), "run_ids": sorted(runs),
            "is_synthetic": counts.is_synthetic, "provenance_json": json.dumps(clean, default=str)}
