"""Cube cells as rows of the public tables: one row per cell, the audit, the lattice, the sources.

A withheld cell becomes a row with a NULL count and ``is_suppressed`` true: its value never
leaves this module. The audit counts cells per table and status, never which cells.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from iceledger.publish.cube import ROOT, Cube
from iceledger.publish.history import cell_key
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


def row_key(row: dict) -> str:
    """The name of a cell's count across publications (history.py)."""
    return cell_key("cell", row["measure_name"], row["tabulation_key"], row["cell_fy"], row["period_date"], row["place_code"],
                    row["place_parent_code"], row["category_1_value"], row["category_2_value"])


def describe_cube(lat: Lattice, m: MeasureLattice, fy: int, cube: Cube) -> dict:
    """``describe_cell`` of every cell of ``cube``, in the cube's order: worked out once per publication, for the
    cells' keys (``cell_keys``) and then their rows (``rows_for_cube``)."""
    describe = _describer(lat, m, fy)
    return {cell: describe(cell) for cell in cube.values}


def cell_keys(lat: Lattice, m: MeasureLattice, fy: int, cube: Cube, described: dict | None = None) -> dict:
    described = describe_cube(lat, m, fy, cube) if described is None else described
    return {cell: row_key(d) for cell, d in described.items()}


def rows_for_cube(lat: Lattice, m: MeasureLattice, fy: int, cube: Cube, outcome: Suppression, synthetic: bool,
                  threshold: int = 0, described: dict | None = None) -> list[dict]:
    """One row per cell of ``cube`` (the true counts), in the cube's order. A primary cell of ``outcome`` that is
    not itself small was withheld because it changed by little since it was last shown (history.py):
    ``withheld_changed``. ``described``: ``describe_cube``'s output, used as the rows (so not to be used again)."""
    withheld, primary = outcome.withheld, outcome.primary
    describe = _describer(lat, m, fy) if described is None else described.__getitem__
    rows = []
    for cell, value in cube.values.items():
        row = describe(cell)
        hidden = cell in withheld
        row["event_count"] = None if hidden else value
        row["is_suppressed"] = hidden
        row["is_synthetic"] = synthetic
        if not hidden:
            row["_status"] = "published"
        elif cell not in primary:
            row["_status"] = "withheld_complementary"
        else:
            row["_status"] = "withheld_small" if not threshold or value <= threshold else "withheld_changed"
        rows.append(row)
    return rows


def audit_rows(measure: str, rows: list[dict]) -> list[dict]:
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


def clean_provenance(prov: dict) -> dict:
    """A result's provenance as the publication may carry it: the query, the releases chosen and why, the
    rules applied, notes; no row counts."""
    return {"engine": prov.get("engine"), "sql": prov.get("sql"), "selection": prov.get("selection"),
            "quality": {k: v for k, v in prov.get("quality", {}).items() if k in QUALITY_KEPT},
            "notes": public_notes(prov.get("notes", [])),
            "code_version": prov.get("code_version"), "computed_at": prov.get("computed_at")}


# A number standing alone in a text: not part of a date (2019-10-01), a release id (uwchr-2019-icfo-53623) or a code (L2).
STANDALONE_NUMBER = re.compile(r"(?<![\w.-])\d[\d,]*(?:\.\d+)?%?(?![\w-])")


def mentions_a_count(text: str, allowed: tuple[int, ...] = ()) -> bool:
    """Whether ``text`` states a number that may be a computed count: any number standing alone, other than the
    declared parameters in ``allowed`` (the threshold, the funnel's window of days). Dates, release ids and codes
    hold digits but state no count."""
    for m in STANDALONE_NUMBER.finditer(text):
        token = m.group(0).rstrip("%").replace(",", "")
        if not (token.isdigit() and int(token) in allowed and "," not in m.group(0) and not m.group(0).endswith("%")):
            return True
    return False


def public_notes(notes: list[str], allowed: tuple[int, ...] | None = None) -> list[str]:
    """Notes as the publication may carry them: none that states a count (``mentions_a_count``: such a note is
    left out); the synthetic share is said without its number."""
    allowed = declared_numbers() if allowed is None else allowed
    out = []
    for n in notes:
        if n.startswith("SYNTHETIC:"):
            out.append("SYNTHETIC: some or all of the rows counted come from synthetic releases, not from ICE")
        elif not mentions_a_count(n, allowed):
            out.append(n)
    return out


def declared_numbers() -> tuple[int, ...]:
    """Numbers a note may state because they are declared, not computed: the threshold (and threshold + 1,
    "fewer than 11") and the detainer funnel's window of days."""
    from iceledger.publish.lattice import load_lattice, load_policy

    t = load_policy().threshold
    return (t, t + 1, load_lattice().within_days)


def source_row(measure: str, counts) -> dict:
    releases: set[str] = set()
    runs: set[str] = set()
    for prov in counts.provenance:
        for rel in prov.get("releases", []):
            releases.add(rel["release_id"])
            runs.update(r["run_id"] for r in rel.get("runs", []))
    return {"measure_name": measure, "release_ids": sorted(releases), "run_ids": sorted(runs),
            "is_synthetic": counts.is_synthetic,
            "provenance_json": json.dumps([clean_provenance(p) for p in counts.provenance], default=str)}
