"""Read ICE's 287(g) agency lists (lists.csv, columns.csv), the 2025 snapshots and the MOA list into
listing rows and MOA rows, with findings for every value repaired or set aside."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from iceledger.errors import BuildError
from iceledger.sources.bundled import bundled_path
from iceledger.sources.g287.parse import HERE, agency_key, moa_file_date, model_code, parse_signed
from iceledger.sources.tabular import read_table, read_workbook, sheet_rows
from iceledger.validation import Finding
from iceledger.validation.report import examples

MISSING = {"", "NA", "-1"}  # how the snapshot compilers write an unknown value
EXCEL_ERRORS = {"#N/A", "#NA", "N/A", "#REF!", "#VALUE!", "#NAME?"}  # a failed formula (or "N/A") in ICE's spreadsheet
MOA_SOURCE = "287g-watch-moas"
MOA_PATH = "reference/287g-moa-agreements.json"
LISTING_COLUMNS = ("g287_snapshot_id", "g287_snapshot_date", "g287_list_status", "agency_state_name", "agency_name",
                   "agency_key", "agency_jurisdiction_type", "agency_county_name", "agency_ori", "g287_support_type",
                   "g287_model_code", "g287_signed_raw", "g287_signed_date", "g287_signed_rule", "g287_moa_link",
                   "g287_addendum_link", "source_id", "source_detail")
MOA_COLUMNS = ("agency_state_code", "agency_name", "agency_key", "g287_model_code", "g287_moa_file", "g287_moa_url",
               "g287_moa_date", "g287_moa_seen_date", "source_id", "source_detail")


@dataclass
class Extracted:
    listings: list[dict] = field(default_factory=list)
    moas: list[dict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    repaired: list[dict] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)


@cache
def lists() -> tuple[dict[str, str], ...]:
    with (HERE / "lists.csv").open(newline="") as fh:
        return tuple(csv.DictReader(fh))


@cache
def columns(fmt: str) -> dict[str, str]:
    """Raw header -> column, for one list format."""
    with (HERE / "columns.csv").open(newline="") as fh:
        return {r["header"]: r["column"] for r in csv.DictReader(fh) if r["format"] == fmt}


def snapshot_date(snapshot_id: str) -> dt.date:
    """'2025-05-16 am' -> 2025-05-16."""
    return dt.date.fromisoformat(snapshot_id.split()[0])


def clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.replace("\xa0", " ").split())
    return None if value in MISSING or value in EXCEL_ERRORS else value


def listing(values: dict[str, str | None], snapshot_id: str, status: str, source_id: str, detail: str) -> dict:
    state = (clean(values.get("state")) or "").upper() or None
    name = clean(values.get("agency"))
    support = clean(values.get("support_type"))
    return {"g287_snapshot_id": snapshot_id, "g287_snapshot_date": snapshot_date(snapshot_id), "g287_list_status": status,
            "agency_state_name": state, "agency_name": name, "agency_key": agency_key(name, state),
            "agency_jurisdiction_type": clean(values.get("jurisdiction_type")), "agency_county_name": clean(values.get("county")),
            "agency_ori": clean(values.get("ori")), "g287_support_type": support, "g287_model_code": model_code(support),
            "g287_signed_raw": clean(values.get("signed")), "g287_signed_date": None, "g287_signed_rule": None,
            "g287_moa_link": clean(values.get("moa")), "g287_addendum_link": clean(values.get("addendum")),
            "source_id": source_id, "source_detail": detail}


def read_ice_list(spec: dict[str, str], out: Extracted) -> None:
    path = bundled_path(spec["path"])
    table = read_table(sheet_rows(read_workbook(path), None, file=path.name), spec["key_header"], file=path.name, sheet=None)
    mapping = columns("ice_xlsx")
    present = [h for h in mapping if h in table.headers]
    if spec["list_status"] == "participating" and "SIGNED" not in present or "LAW ENFORCEMENT AGENCY" not in present:
        raise BuildError("g287_layout_changed", f"{spec['path']}: headers {table.headers} lack SIGNED or LAW ENFORCEMENT AGENCY",
                         fix="update src/iceledger/sources/g287/columns.csv to the list's headers")
    unmapped = Counter(h for r in table.rows for h, v in r.cells.items() if v and h not in mapping)
    if unmapped:
        out.findings.append(Finding("info", "g287_column_not_read", f"{spec['path']}: columns not read: {dict(unmapped)}",
                                    detail={"file": spec["path"], "columns": dict(unmapped)}, count=sum(unmapped.values())))
    listed_on = snapshot_date(spec["snapshot_id"])
    errors = [r.row for r in table.rows if any(v in EXCEL_ERRORS for v in r.cells.values())]
    if errors:
        out.findings.append(Finding("info", "g287_excel_error_value", f"{spec['path']}: {len(errors)} rows with cells holding a spreadsheet error "
                                    f"or N/A ({', '.join(sorted(EXCEL_ERRORS))}) are read as empty",
                                    detail={"file": spec["path"], **examples(errors)}, count=len(errors)))
    for r in table.rows:
        values = {mapping[h]: r.cells.get(h) for h in present}
        row = listing(values, spec["snapshot_id"], spec["list_status"], spec["source_id"], f"row {r.row}")
        if "signed" in values:
            apply_signed(row, values.get("signed"), listed_on, spec, r.row, out)
        out.listings.append(row)


def apply_signed(row: dict, raw: str | None, listed_on: dt.date, spec: dict, row_number: int, out: Extracted) -> None:
    signed = parse_signed(raw, listed_on)
    row["g287_signed_date"], row["g287_signed_rule"] = signed.value, signed.rule
    where = {"file": spec["path"], "sheet": None, "row": row_number, "column": "SIGNED", "raw": raw,
             "agency": row["agency_name"], "state": row["agency_state_name"], "model": row["g287_model_code"]}
    if signed.rule and signed.value is not None:  # a rule repairs a date into one
        out.repaired.append(where | {"fixed": signed.value.isoformat(), "reason": signed.rule})
    elif signed.problem:
        out.quarantined.append(where | {"reason": signed.problem})


def read_snapshots(spec: dict[str, str], out: Extracted) -> None:
    mapping = columns("snapshots_csv")
    path = bundled_path(spec["path"])
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [h for h in mapping if h not in (reader.fieldnames or [])]
        if missing:
            raise BuildError("g287_layout_changed", f"{spec['path']}: missing columns {missing}",
                             fix="update src/iceledger/sources/g287/columns.csv to the file's header")
        for line, r in enumerate(reader, start=2):
            values = {col: r[h] for h, col in mapping.items()}
            out.listings.append(listing(values, values["snapshot"], spec["list_status"], spec["source_id"], f"line {line}"))


def read_moas(out: Extracted) -> None:
    """One row per MOA document: the state and agency of its key, the model, and the date in its file name."""
    data = json.loads(bundled_path(MOA_PATH).read_text(encoding="utf-8"))
    unread = []
    for key, docs in data.items():
        state, _, name = key.partition("|")
        for i, doc in enumerate(docs, start=1):
            seen = doc.get("snapshot") or ""
            seen_date = dt.datetime.strptime(seen.split("_")[1], "%Y%m%d").date() if seen.count("_") >= 2 else None
            moa_date = moa_file_date(doc["filename"])
            if moa_date is None:
                unread.append(doc["filename"])
            out.moas.append({"agency_state_code": state, "agency_name": name, "agency_key": agency_key(name, state),
                             "g287_model_code": model_code(doc.get("model")), "g287_moa_file": doc["filename"],
                             "g287_moa_url": doc.get("pdf_url"), "g287_moa_date": moa_date, "g287_moa_seen_date": seen_date,
                             "source_id": MOA_SOURCE, "source_detail": f"key {key!r}, document {i}"})
    if unread:
        out.findings.append(Finding("info", "g287_moa_date_unread", f"{len(unread)} MOA file names carry no date iceledger can read; their date is NULL",
                                    fix="add a pattern to src/iceledger/sources/g287/moa_date_patterns.csv if one is common",
                                    detail=examples(sorted(unread), limit=20), count=len(unread)))


def check_models(out: Extracted) -> None:
    unknown = Counter((r["source_id"], r["g287_support_type"]) for r in out.listings if r["g287_model_code"] is None)
    if unknown:
        out.findings.append(Finding("warning", "g287_support_type_unknown", "support types that are not a known 287(g) model",
                                    fix="add the spelling to src/iceledger/metadata/codes/g287_model.csv",
                                    detail={f"{s}: {t}": n for (s, t), n in sorted(unknown.items(), key=str)},
                                    count=sum(unknown.values())))


def extract_g287() -> Extracted:
    out = Extracted()
    for spec in lists():
        if spec["format"] == "ice_xlsx":
            read_ice_list(spec, out)
        elif spec["format"] == "snapshots_csv":
            read_snapshots(spec, out)
        else:
            raise BuildError("g287_layout_invalid", f"lists.csv: unknown format {spec['format']!r}", fix="use ice_xlsx or snapshots_csv")
    read_moas(out)
    check_models(out)
    if out.repaired:
        out.findings.append(Finding("info", "g287_signed_repaired", f"{len(out.repaired)} SIGNED values repaired by the listed fix rules (signed_fixes.csv)",
                                    detail={"values": out.repaired}, count=len(out.repaired)))
    if out.quarantined:
        out.findings.append(Finding("warning", "g287_signed_quarantined", f"{len(out.quarantined)} SIGNED values no rule could read; the signed date is NULL",
                                    fix="add a rule to src/iceledger/sources/g287/signed_fixes.csv with the evidence for the repair",
                                    detail={"values": out.quarantined}, count=len(out.quarantined)))
    return out
