"""Read ICE's facility lists as the layout files describe them (sheets.csv, columns.csv).

Each listed sheet becomes attribute rows ``(code, attribute, value, source_id, source_detail,
rank)``, ADP rows by fiscal year, and facility-type definitions. Rows whose code ICE redacted,
rows without a code that cannot be linked to one, and rows below a sheet's data block are
reported as findings, never dropped silently.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from iceledger.errors import BuildError
from iceledger.sources.bundled import bundled_path
from iceledger.sources.tabular import TextTable, banner_count, read_table, read_text_rows, read_workbook, sheet_rows
from iceledger.validation import Finding
from iceledger.validation.report import examples

HERE = Path(__file__).resolve().parent
CODE_PATTERN = re.compile(r"^[A-Z0-9]{3,8}$")
REDACTED = "redacted"
UPPER_ATTRIBUTES = {"state", "aor", "type", "type_detailed"}
FULL_ADDRESS = re.compile(r"^(?P<street>.+?),\s*(?P<city>[^,]+),\s*(?P<state>[A-Z]{2})\s+(?P<zip>\d{5})(?:-\d{4})?$")


@dataclass(frozen=True)
class Sheet:
    source_id: str
    path: str
    sheet: str
    key_header: str
    use: str
    rank: int | None
    data_through: str | None
    listing: str
    note: str

    @property
    def label(self) -> str:
        return f"sheet {self.sheet!r}" if self.sheet else self.path.rsplit("/", 1)[-1]


@dataclass
class Extracted:
    attributes: list[tuple] = field(default_factory=list)  # code, attribute, value, source_id, detail, rank
    adp: list[tuple] = field(default_factory=list)  # code, fy, value text, through date, source_id, detail
    types: list[tuple] = field(default_factory=list)  # type, type_detailed, definition, source_id, detail
    findings: list[Finding] = field(default_factory=list)
    trimmed: dict[str, int] = field(default_factory=dict)  # "file, sheet, column" -> cells trimmed
    trailing: dict[str, dict] = field(default_factory=dict)  # "file, sheet" -> rows below the data block


def _read_csv(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def sheets() -> tuple[Sheet, ...]:
    return tuple(Sheet(r["source_id"], r["path"], r["sheet"], r["key_header"], r["use"], int(r["rank"]) if r["rank"] else None,
                       r["data_through"] or None, r["listing"], r["note"]) for r in _read_csv("sheets.csv"))


@cache
def column_map() -> dict[tuple[str, str], list[tuple[str, str, int | None]]]:
    """(source_id, sheet) -> [(raw header, attribute, fiscal year)]."""
    out: dict[tuple[str, str], list] = defaultdict(list)
    for r in _read_csv("columns.csv"):
        out[(r["source_id"], r["sheet"])].append((r["header"], r["attribute"], int(r["fy"]) if r["fy"] else None))
    return dict(out)


@cache
def attribute_names() -> dict[str, dict[str, str]]:
    return {r["attribute"]: r for r in _read_csv("attributes.csv")}


def read_sheet(s: Sheet, books: dict) -> TextTable:
    path = bundled_path(s.path)
    if s.path.endswith(".tsv"):
        return read_table(read_text_rows(path, "\t"), s.key_header, file=path.name, sheet=None)
    if s.path not in books:
        wanted = {x.sheet for x in sheets() if x.path == s.path and x.use != "skip"}
        books[s.path] = read_workbook(path, wanted)
    return read_table(sheet_rows(books[s.path], s.sheet, file=path.name), s.key_header, file=path.name, sheet=s.sheet)


def check_sheets_described(books: dict, out: Extracted) -> None:
    """Every sheet of every workbook read is described in sheets.csv (read or skipped, with a reason)."""
    described = {(s.path, s.sheet) for s in sheets()}
    for path, book in books.items():
        unknown = [name for name in book if (path, name) not in described]
        if unknown:
            out.findings.append(Finding("warning", "facility_sheet_undescribed", f"{path}: sheets not described in the layout: {unknown}",
                                        fix="add a row for each to src/iceledger/sources/facilities/sheets.csv (use 'skip' with a note if not needed)",
                                        detail={"file": path, "sheets": unknown}))


def normalize_value(attribute: str, value: str | None) -> str | None:
    """The few normalisations applied to every source: codes upper-cased, ZIP codes padded to five digits."""
    if value is None:
        return None
    if attribute in UPPER_ATTRIBUTES:
        return value.upper()
    if attribute == "zip" and value.isdigit() and len(value) < 5:
        return value.zfill(5)
    return value


def normalize_name(text: str | None) -> str:
    return re.sub(r"[^A-Z0-9]+", " ", (text or "").upper()).strip()


def check_headers(s: Sheet, table: TextTable, mapping: list) -> None:
    missing = [h for h, _, _ in mapping if h not in table.headers]
    if missing:
        raise BuildError("facility_layout_changed", f"{s.label} of {s.path} lacks the headers {missing}",
                         fix="update src/iceledger/sources/facilities/columns.csv to the sheet's headers")


def extract_sheet(s: Sheet, out: Extracted, pending: list, books: dict) -> None:
    """Attribute, ADP and type rows of one sheet; rows without a code column go to ``pending`` for linking."""
    table = read_sheet(s, books)
    mapping = column_map().get((s.source_id, s.sheet), [])
    check_headers(s, table, mapping)
    detail = lambda row: f"{s.label}, row {row}" if s.sheet else f"line {row}"  # noqa: E731
    where = f"{s.path}, {s.label}"
    for header, n in table.trimmed.items():
        out.trimmed[f"{where}, column {header!r}"] = n
    if table.trailing:
        out.trailing[where] = {"rows": [r.row for r in table.trailing][:10], "count": len(table.trailing), "what": s.note or "notes"}
    announced = banner_count(table)
    if announced is not None and announced != len(table.rows):
        out.findings.append(Finding("warning", "facility_count_mismatch",
                                    f"{s.path} {s.label} announces {announced} facilities but lists {len(table.rows)}",
                                    detail={"file": s.path, "sheet": s.sheet}))
    if s.use == "types":
        for r in table.rows:
            vals = {a: r.cells.get(h) for h, a, _ in mapping}
            out.types.append((normalize_value("type", vals["type"]), normalize_value("type_detailed", vals["type_detailed"]),
                              vals["definition"], s.source_id, detail(r.row)))
        return
    code_header = next((h for h, a, _ in mapping if a == "code"), None)
    redacted, malformed = [], []
    for r in table.rows:
        values = []
        for header, attribute, fy in mapping:
            if attribute != "code":
                values.extend(expand_value(attribute, r.cells.get(header), fy))
        if code_header is None:
            pending.append((s, r, values))
            continue
        code = (r.cells.get(code_header) or "").upper()
        if code.lower() == REDACTED:
            redacted.append(r)
            continue
        if not CODE_PATTERN.match(code):
            malformed.append((r.row, r.cells.get(code_header)))
            continue
        add_values(out, s, code, values, detail(r.row))
    if redacted:
        by = Counter((r.cells.get("AOR"), r.cells.get("Type Detailed") or r.cells.get("Type")) for r in redacted)
        out.findings.append(Finding("info", "facility_code_redacted",
                                    f"{s.path} {s.label}: {len(redacted)} rows have their code and location written 'Redacted' by ICE; "
                                    "with no code they cannot be facilities in the registry",
                                    detail={"file": s.path, "sheet": s.sheet, "by_aor_and_type": {f"{a}/{t}": n for (a, t), n in sorted(by.items(), key=str)}},
                                    count=len(redacted)))
    if malformed:
        out.findings.append(Finding("warning", "facility_code_malformed", f"{s.path} {s.label}: codes that are not 3-8 letters or digits",
                                    fix="check the rows; correct the layout if the code column moved",
                                    detail={"file": s.path, "sheet": s.sheet, **examples(malformed)}, count=len(malformed)))


def expand_value(attribute: str, raw: str | None, fy: int | None) -> list[tuple[str, str | None, int | None]]:
    """One cell as (attribute, value, fiscal year) triples; a 'street, city, ST zip' cell becomes address and zip."""
    if attribute == "full_address":
        m = FULL_ADDRESS.match(raw or "")
        if m:
            return [("address", m["street"], None), ("zip", m["zip"], None)]
        return [("address", raw, None)]
    return [(attribute, normalize_value(attribute, raw), fy)]


def add_values(out: Extracted, s: Sheet, code: str, values: list, detail: str) -> None:
    out.attributes.append((code, "listing", s.listing, s.source_id, detail, s.rank))
    for attribute, value, fy in values:
        if value is None:
            continue
        if attribute == "adp":
            out.adp.append((code, fy, value, s.data_through, s.source_id, detail))
        else:
            out.attributes.append((code, attribute, value, s.source_id, detail, s.rank))


def link_pending(out: Extracted, pending: list) -> None:
    """Give code-less rows (the 2019 lists) a code: same name and state, then same street address, city and state."""
    by_name: dict[tuple, set] = defaultdict(set)
    by_address: dict[tuple, set] = defaultdict(set)
    found: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for code, attribute, value, *_ in out.attributes:
        found[code][attribute].add(value)
    for code, attrs in found.items():
        for state in attrs.get("state", ()):
            for name in attrs.get("name", ()):
                by_name[(normalize_name(name), state)].add(code)
            for address in attrs.get("address", ()):
                for city in attrs.get("city", ()):
                    by_address[(normalize_name(address), normalize_name(city), state)].add(code)
    unlinked = []
    for s, r, values in pending:
        v = {a: val for a, val, _ in values if a in ("name", "address", "city", "state")}
        address_key = (normalize_name(v.get("address")), normalize_name(v.get("city")), v.get("state"))
        codes = by_name.get((normalize_name(v.get("name")), v.get("state")), set())
        how = "name and state"
        if len(codes) > 1:
            codes, how = codes & by_address.get(address_key, set()), "name, state and street address"
        elif not codes:
            codes, how = by_address.get(address_key, set()), "street address, city and state"
        if len(codes) == 1:
            add_values(out, s, next(iter(codes)), values, f"{s.label}, row {r.row}; code linked by {how}")
        else:
            unlinked.append({"sheet": s.sheet, "row": r.row, "name": v.get("name"), "city": v.get("city"),
                             "state": v.get("state"), "candidates": sorted(codes)})
    if unlinked:
        out.findings.append(Finding("warning", "facility_without_code",
                                    f"{len(unlinked)} facilities on a list without codes match no coded facility by name or address; they are not in "
                                    "ref_facilities",
                                    fix="if a public ICE record gives the code, add the facility's row to a bundled source",
                                    detail=examples(unlinked, limit=20), count=len(unlinked)))


def extract_facilities() -> Extracted:
    """Every sheet of every facility source, in layout order; code-less lists linked last."""
    out, pending, books = Extracted(), [], {}  # type: tuple[Extracted, list, dict]
    for s in sheets():
        if s.use == "skip":
            continue
        if s.use not in ("attributes", "types"):
            raise BuildError("facility_layout_invalid", f"sheets.csv: unknown use {s.use!r} for {s.label}",
                             fix="use one of attributes, types, skip")
        extract_sheet(s, out, pending, books)
    check_sheets_described(books, out)
    link_pending(out, pending)
    if out.trimmed:
        out.findings.append(Finding("info", "facility_cells_trimmed", f"spaces around {sum(out.trimmed.values())} values removed (by file, sheet and column)",
                                    detail=out.trimmed, count=sum(out.trimmed.values())))
    if out.trailing:
        out.findings.append(Finding("info", "facility_rows_after_block",
                                    f"{sum(v['count'] for v in out.trailing.values())} rows below a list's first blank row (notes, totals) are not read "
                                    "as facilities",
                                    detail=out.trailing, count=sum(v["count"] for v in out.trailing.values())))
    return out
