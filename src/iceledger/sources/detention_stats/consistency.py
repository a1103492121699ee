"""Checks of ICE's detention statistics against themselves; disagreements become findings, never errors.

- totals: a published total equals the sum of its parts (the parts a layout declares per dimension);
  a fiscal-year column equals the sum of the months (counts) or their day-weighted mean (ADP);
- partitions: a facility's ADP split three ways (classification level, criminality and gender,
  threat level) adds up to the same population each way;
- cross checks: two blocks that publish the same figure agree;
- order checks: a plausibility rule (adult facilities hold more people than family centres) whose
  failure means swapped labels.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from iceledger.errors import BuildError, Location
from iceledger.metadata.model import METADATA_DIR
from iceledger.sources.detention_stats.extract import BlockData, Cell, days_covered
from iceledger.sources.detention_stats.layout import Layout
from iceledger.sources.detention_stats.parse import label_key
from iceledger.validation import Finding
from iceledger.validation.report import examples

MIN_TOLERANCE = 0.001  # published copies of the same average may differ in rounding only


@cache
def measures() -> dict[str, dict]:
    with (METADATA_DIR / "codes" / "detstats_measure.csv").open(newline="") as fh:
        return {r["value"]: {**r, "tolerance": float(r["tolerance"])} for r in csv.DictReader(fh)}


@dataclass
class Tally:
    """How many comparisons a kind of check made, and the ones that failed."""

    made: int = 0
    failed: list[dict] = field(default_factory=list)

    def compare(self, found: float, expected: float, tolerance: float, **info) -> None:
        self.made += 1
        if abs(found - expected) > max(tolerance, MIN_TOLERANCE):
            self.failed.append({**info, "found": _num(found), "expected": _num(expected)})


def _num(x: float) -> float | int:
    x = round(x, 5)
    return int(x) if x == int(x) else x


def _key(cell: Cell, drop: str | None = None) -> tuple:
    dims = {d: v for d, v in cell.dims.items() if d != drop}
    return cell.measure, cell.facility_row, tuple(sorted(dims.items()))


def _where(cell: Cell) -> str:
    return f"{cell.ref} {cell.row_label} / {cell.column_label}"


def check_totals(layout: Layout, data: BlockData, tally: Tally) -> None:
    """Each published total (or subtotal, or fiscal-year column) against its parts."""
    index = defaultdict(list)
    for dim in data.block.dimensions():
        for c in data.cells:
            if dim in c.dims:
                index[(dim, _key(c, dim))].append(c)
    for dim, parents in data.block.parents().items():
        children: dict[str, set[str]] = defaultdict(set)
        for value, parent in parents.items():
            if parent:
                children[parent].add(value)
        for c in data.cells:
            kids = children.get(c.dims.get(dim, ""))
            rule = measures()[c.measure]["fy_rule" if dim == "month" else "sum_rule"]
            if not kids or rule == "none" or c.value is None:
                continue
            parts = [p for p in index[(dim, _key(c, dim))] if p.dims[dim] in kids]
            values = [p.value for p in parts if p.value is not None]
            if not parts or len(values) < len(parts):
                continue
            if rule == "day_weighted_mean":
                weights = [days_covered(layout, int(p.dims["month"])) for p in parts]
                expected = sum(v * w for v, w in zip(values, weights)) / sum(weights)
            else:
                expected = sum(values)
            tally.compare(c.value, expected, measures()[c.measure]["tolerance"], block=data.block.code, cell=_where(c),
                          rule=f"{rule} of {len(parts)} {dim} parts", parts=[p.ref for p in parts])


def check_partitions(data: BlockData, tally: Tally) -> None:
    """Per facility, the ADP columns of each partition add up to the same total."""
    partition_of = {label_key(it.label): it.partition for it in data.block.columns if it.partition}
    rows: dict[int, dict[str, list[Cell]]] = defaultdict(lambda: defaultdict(list))
    for c in data.cells:
        part = partition_of.get(label_key(c.column_label))
        if part and c.facility_row is not None:  # partitions are columns of the facility list
            rows[c.facility_row][part].append(c)
    for row, parts in rows.items():
        if any(p.value is None for cells in parts.values() for p in cells):
            continue
        sums = {name: sum(p.value or 0 for p in cells) for name, cells in parts.items()}  # none is None here
        first, base = next(iter(sums.items()))
        for name, total in list(sums.items())[1:]:
            tally.compare(total, base, measures()["adp"]["tolerance"], block=data.block.code,
                          cell=f"row {row} {parts[name][0].row_label}", rule=f"ADP by {name} = ADP by {first}")


def _select(layout: Layout, blocks: dict[str, BlockData], sel: dict) -> dict[tuple, Cell]:
    data = blocks[sel["block"]]
    want = {k: str(v) for k, v in sel.items() if k not in ("block", "measure")}
    out = {}
    for c in data.cells:
        if all(c.dims.get(k) == v for k, v in want.items()) and sel.get("measure", c.measure) == c.measure:
            # paired with the other block's cells on the measure and the dimensions left open (e.g. month)
            out[(c.measure, tuple(sorted((d, v) for d, v in c.dims.items() if d not in want)))] = c
    if not out:
        raise BuildError("detstats_layout_invalid", f"cross check selector {sel} matches no cell",
                         fix="check the block name and the dimension values (canonical values, e.g. Total)",
                         location=Location(file=layout.path))
    return out


def check_cross(layout: Layout, blocks: dict[str, BlockData], tally: Tally) -> None:
    for check in layout.cross_checks:
        first, *others = [_select(layout, blocks, s) for s in check["cells"]]
        for other in others:
            if not set(first) & set(other):
                raise BuildError("detstats_layout_invalid", f"cross check {check['what']!r} pairs no cells: the selectors "
                                 "leave different dimensions open", fix="fix every dimension except the ones both blocks share",
                                 location=Location(file=layout.path))
            for key in sorted(set(first) & set(other)):
                a, b = first[key], other[key]
                if a.value is None or b.value is None:
                    continue
                tally.compare(b.value, a.value, measures()[a.measure]["tolerance"], block=check["what"],
                              cell=f"{check['cells'][0]['block']} {a.ref} vs {b.ref}", rule="same figure in two blocks")


def check_order(layout: Layout, blocks: dict[str, BlockData]) -> list[Finding]:
    out = []
    for rule in layout.order_checks:
        data, dim = blocks[rule["block"]], rule["dimension"]
        larger = {_key(c, dim): c for c in data.cells if c.dims.get(dim) == rule["larger"] and c.value is not None}
        pairs = [(larger[_key(c, dim)], c) for c in data.cells
                 if c.dims.get(dim) == rule["smaller"] and c.value is not None and _key(c, dim) in larger]
        bad = [(big, small) for big, small in pairs if (small.value or 0) > (big.value or 0)]  # none is None here
        if not bad:
            continue
        fixed = any(f["block"] == rule["block"] for f in layout.corrections)
        big, small = bad[0]
        out.append(Finding(
            "warning", "detstats_labels_swapped",
            f"FY{layout.fiscal_year} {rule['block']}: {rule['smaller']} exceeds {rule['larger']} in {len(bad)} of {len(pairs)} "
            f"cells (e.g. {small.ref} {small.row_label} {small.value:,.0f} > {big.ref} {big.row_label} {big.value:,.0f}): "
            f"the {dim} labels look swapped in ICE's workbook",
            "values are kept as published; the layout's corrections put the right labels in detstats_corrected_row_label "
            "and the dimension columns" if fixed else
            f"check the workbook; if the swap is certain, add a corrections entry to {layout.path}",
            detail={"file": layout.file.split("/")[-1], "sheet": data.sheet, "block": rule["block"], "correction_declared": fixed,
                    **examples([f"{s.ref} {s.row_label} {s.value:,.0f} > {b.ref} {b.row_label} {b.value:,.0f}" for b, s in bad])},
            count=len(bad)))
    return out


def run_checks(layout: Layout, blocks: list[BlockData]) -> tuple[list[Finding], dict[str, int]]:
    """All checks of one workbook: findings for what disagrees, and how many comparisons each kind made."""
    by_code = {b.block.code: b for b in blocks}
    tallies = {"totals": Tally(), "partitions": Tally(), "cross": Tally()}
    for data in blocks:
        check_totals(layout, data, tallies["totals"])
        if data.block.kind == "facilities":
            check_partitions(data, tallies["partitions"])
    check_cross(layout, by_code, tallies["cross"])
    findings = check_order(layout, by_code)
    what = {"totals": "totals differ from the sum (or day-weighted mean) of their parts",
            "partitions": "facilities' ADP splits do not add up to the same population",
            "cross": "figures published twice differ between blocks"}
    for kind, tally in tallies.items():
        by_block = defaultdict(list)
        for f in tally.failed:
            by_block[f["block"]].append(f)
        for block, failed in by_block.items():
            sheet = by_code[block].sheet if block in by_code else None
            out = [f"{f['cell']}: published {f['found']:,}, {f['rule']} gives {f['expected']:,}" for f in failed]
            findings.append(Finding(
                "warning", f"detstats_{kind}_mismatch", f"FY{layout.fiscal_year} {block}: {len(failed)} {what[kind]}",
                "nothing to fix in iceledger: the values are kept as ICE published them; cite the block with care",
                detail={"file": layout.file.split("/")[-1], "sheet": sheet, "block": block, **examples(out)}, count=len(failed)))
    return findings, {k: t.made for k, t in tallies.items()} | {f"{k}_failed": len(t.failed) for k, t in tallies.items()}
