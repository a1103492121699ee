"""Block layouts of ICE's detention statistics workbooks, one YAML file per edition (layouts/fy*.yaml).

A layout names the workbook, its sheets and every block: the anchor text that finds the block's
title, the header row, the row and column labels expected and what each means (dimension values,
measure, which rows are parts of which totals). The label map (labels.csv) turns published labels
into canonical dimension values. Mistakes in a layout stop the build with the file and block named.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from iceledger.errors import BuildError, Location
from iceledger.metadata import code_list, table
from iceledger.sources.detention_stats.parse import label_key, normalise_label

HERE = Path(__file__).resolve().parent
LAYOUT_DIR = HERE / "layouts"
TOTAL = "Total"
NOT_SUMMED = "none"  # part_of: none marks a subset that is not a part of the total (e.g. removals with an FRC detention)
# Dimensions a layout may use, each stored in the column detstats_<dimension> of ref_detstats_values;
# aor also fills aor_code, month fills detstats_period and detstats_month_date.
DIMENSIONS = ("month", "agency", "criminality", "facility_type", "disposition", "release_reason", "atd_status",
              "technology", "aor", "classification_level", "threat_level", "gender")
ITEM_KEYS = {"label", "measure", "part_of", "attribute", "parse", "partition"}
BLOCK_KEYS = {"block", "kind", "sheet", "anchor", "description", "measure", "period", "header_offset", "row_header",
              "rows", "columns", "notes"}
LAYOUT_KEYS = {"edition", "fiscal_year", "file", "source_id", "data_through", "sheets", "blocks", "cross_checks",
               "order_checks", "corrections"}
PARSERS = {"zip", "aor", "text", "int", "date"}


def dimension_column(dim: str) -> str:
    return "detstats_aor_name" if dim == "aor" else "detstats_period" if dim == "month" else f"detstats_{dim}"


@cache
def label_map() -> dict[tuple[str, str], str]:
    """(dimension, label key) → canonical value, from labels.csv."""
    with (HERE / "labels.csv").open(newline="") as fh:
        return {(r["dimension"], label_key(r["label"])): r["value"] for r in csv.DictReader(fh)}


def canonical(dim: str, label: str) -> str:
    return label_map().get((dim, label_key(label)), normalise_label(label))


@dataclass(frozen=True)
class Item:
    """One expected row or column: its published label and what it means."""

    label: str
    dims: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    dimension: str | None = None  # the dimension this item's label sets (for totals and parts)
    measure: str | None = None
    part_of: str | None = None  # canonical value of the parent in `dimension`; NOT_SUMMED; None = the Total
    attribute: str | None = None
    parse: str | None = None
    partition: str | None = None

    @property
    def parent(self) -> str | None:
        """The value this item is a part of, or None (it is a total itself, or not summed)."""
        if self.dimension is None or self.part_of == NOT_SUMMED:
            return None
        value = self.dims[self.dimension]
        if self.part_of:
            return self.part_of
        return None if value == TOTAL else TOTAL


@dataclass(frozen=True)
class Rows:
    items: tuple[Item, ...] = ()  # fixed rows, in sheet order
    groups: tuple[Item, ...] = ()  # grouped rows: a group row followed by its member rows
    members: tuple[Item, ...] = ()
    label_columns: int = 1  # 2 when member labels sit in the column right of the group labels

    @property
    def grouped(self) -> bool:
        return bool(self.groups)

    def all_items(self) -> tuple[Item, ...]:
        return self.items + self.groups + self.members


@dataclass(frozen=True)
class Block:
    code: str
    sheet: str  # the layout's sheet key (atd, detention, facilities)
    anchor: str
    description: str
    kind: str = "table"  # or "facilities"
    measure: str | None = None
    period: str = "month"
    header_offset: int = 1
    row_header: tuple[str | None, ...] = (None,)
    rows: Rows = field(default_factory=Rows)
    columns: tuple[Item, ...] = ()
    notes: tuple[str, ...] = ()

    def items(self) -> tuple[Item, ...]:
        return self.rows.all_items() + self.columns

    def dimensions(self) -> list[str]:
        used = {d for it in self.items() for d in it.dims}
        return [d for d in DIMENSIONS if d in used]

    def measures(self) -> list[str]:
        found = [it.measure for it in self.items() if it.measure] + ([self.measure] if self.measure else [])
        return sorted(set(found))

    def parents(self) -> dict[str, dict[str, str | None]]:
        """For each dimension, each value's parent value (None for totals and subsets that are not summed)."""
        out: dict[str, dict[str, str | None]] = {}
        for it in self.items():
            if it.dimension:
                out.setdefault(it.dimension, {})[it.dims[it.dimension]] = it.parent
        return out


@dataclass(frozen=True)
class Layout:
    edition: str
    fiscal_year: int
    file: str  # bundled path under data/
    source_id: str
    data_through: dt.date
    sheets: dict[str, str] = field(hash=False)
    blocks: tuple[Block, ...] = ()
    cross_checks: tuple[dict, ...] = ()
    order_checks: tuple[dict, ...] = ()
    corrections: tuple[dict, ...] = ()
    path: str = ""

    @property
    def is_year_to_date(self) -> bool:
        return self.data_through < dt.date(self.fiscal_year, 9, 30)

    def block(self, code: str | None) -> Block:
        for b in self.blocks:
            if b.code == code:
                return b
        raise _error(self.path, f"no block {code!r} in this layout", "use one of: " + ", ".join(b.code for b in self.blocks))


def _error(path: str, message: str, fix: str) -> BuildError:
    return BuildError("detstats_layout_invalid", message, fix=fix, location=Location(file=path))


def _item(raw, dimension: str | None, where: str, path: str) -> Item:
    if isinstance(raw, (str, int, float)):
        raw = {"label": raw}
    if not isinstance(raw, dict) or "label" not in raw:
        raise _error(path, f"{where}: {raw!r} is neither a label nor a mapping with a label", "write `- Label` or `- {label: Label, ...}`")
    label = normalise_label(raw["label"])
    dims = {}
    for key, value in raw.items():
        if key in ITEM_KEYS:
            continue
        if key not in DIMENSIONS:
            raise _error(path, f"{where}: unknown key {key!r} in the item {label!r}",
                         f"use a dimension ({', '.join(DIMENSIONS)}) or one of {sorted(ITEM_KEYS)}")
        dims[key] = normalise_label(value)
    if dimension:
        dims.setdefault(dimension, canonical(dimension, label))
    part_of = raw.get("part_of")
    if part_of and part_of != NOT_SUMMED:
        part_of = canonical(dimension, part_of) if dimension else part_of
    item = Item(label, dims, dimension, raw.get("measure"), part_of, raw.get("attribute"), raw.get("parse"), raw.get("partition"))
    if item.measure and item.measure not in code_list("detstats_measure").values:
        raise _error(path, f"{where}: unknown measure {item.measure!r}", "add it to src/iceledger/metadata/codes/detstats_measure.csv")
    if item.attribute and item.attribute not in table("ref_detstats_facilities").columns:
        raise _error(path, f"{where}: {item.attribute!r} is not a column of ref_detstats_facilities",
                     "declare it in src/iceledger/metadata/tables/detstats.yaml")
    if item.parse and item.parse not in PARSERS:
        raise _error(path, f"{where}: unknown parser {item.parse!r}", f"use one of {sorted(PARSERS)}")
    return item


def _items(spec, where: str, path: str) -> tuple[Item, ...]:
    """`[items...]` or `{dimension: D, labels: [items...]}`."""
    if isinstance(spec, dict):
        dim = spec.get("dimension")
        if dim not in DIMENSIONS:
            raise _error(path, f"{where}: unknown dimension {dim!r}", f"use one of {', '.join(DIMENSIONS)}")
        return tuple(_item(x, dim, where, path) for x in spec.get("labels") or ())
    if isinstance(spec, list):
        return tuple(_item(x, None, where, path) for x in spec)
    raise _error(path, f"{where}: expected a list of items or a mapping with dimension and labels", "see docs/detention-stats.md")


def _rows(spec, where: str, path: str) -> Rows:
    if isinstance(spec, dict) and "groups" in spec:
        return Rows(groups=_items(spec["groups"], where + " groups", path), members=_items(spec.get("members") or [], where + " members", path),
                    label_columns=int(spec.get("label_columns", 1)))
    return Rows(items=_items(spec, where, path))


def _block(raw: dict, path: str, sheets: dict[str, str]) -> Block:
    code = raw.get("block")
    where = f"block {code!r}"
    unknown = set(raw) - BLOCK_KEYS
    if not code or unknown:
        raise _error(path, f"{where}: unknown keys {sorted(unknown)}" if unknown else "a block has no `block:` name",
                     f"a block has the keys {sorted(BLOCK_KEYS)}")
    if raw.get("sheet") not in sheets:
        raise _error(path, f"{where}: sheet {raw.get('sheet')!r} is not listed under sheets:", f"use one of {sorted(sheets)}")
    header = raw.get("row_header")
    period = raw.get("period", "month")
    if period not in code_list("detstats_period").values:
        raise _error(path, f"{where}: unknown period {period!r}", "use snapshot, month or fiscal_year")
    block = Block(
        code=code, sheet=raw["sheet"], anchor=normalise_label(raw.get("anchor")), description=normalise_label(raw.get("description")),
        kind=raw.get("kind", "table"), measure=raw.get("measure"), period=period,
        header_offset=int(raw.get("header_offset", 1)),
        row_header=tuple(header) if isinstance(header, list) else () if raw.get("kind") == "facilities" else (header,),
        rows=_rows(raw.get("rows") or [], where + " rows", path) if raw.get("kind") != "facilities" else Rows(),
        columns=_items(raw.get("columns") or [], where + " columns", path), notes=tuple(raw.get("notes") or ()),
    )
    if not block.anchor or not block.columns:
        raise _error(path, f"{where}: an anchor and columns are required", "see docs/detention-stats.md")
    if block.kind == "table" and not block.rows.all_items():
        raise _error(path, f"{where}: no rows declared", "declare rows: with dimension and labels, or groups and members")
    if block.measure is None and any(c.measure is None and c.attribute is None for c in block.columns):
        raise _error(path, f"{where}: a column has no measure and the block none", "add measure: to the block or the column")
    return block


def load_layout(path: Path) -> Layout:
    rel = path.name
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise _error(rel, f"not valid YAML: {exc}", "fix the YAML syntax") from None
    unknown = set(raw) - LAYOUT_KEYS
    if unknown:
        raise _error(rel, f"unknown keys {sorted(unknown)}", f"a layout has the keys {sorted(LAYOUT_KEYS)}")
    sheets = dict(raw.get("sheets") or {})
    blocks = tuple(_block(b, rel, sheets) for b in raw.get("blocks") or ())
    codes = [b.code for b in blocks]
    if len(set(codes)) != len(codes):
        raise _error(rel, "a block name is used twice", "give every block its own name")
    layout = Layout(edition=str(raw["edition"]), fiscal_year=int(raw["fiscal_year"]), file=raw["file"], source_id=raw["source_id"],
                    data_through=raw["data_through"], sheets=sheets, blocks=blocks,
                    cross_checks=tuple(raw.get("cross_checks") or ()), order_checks=tuple(raw.get("order_checks") or ()),
                    corrections=tuple(raw.get("corrections") or ()), path=rel)
    for check in layout.cross_checks:
        for sel in check.get("cells") or ():
            layout.block(sel.get("block"))
    for check in layout.order_checks + layout.corrections:
        layout.block(check.get("block"))
    return layout


def layout_paths() -> list[Path]:
    return sorted(LAYOUT_DIR.glob("fy*.yaml"))


def load_layouts() -> list[Layout]:
    return [load_layout(p) for p in layout_paths()]
