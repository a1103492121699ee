"""A measure's answer: rows plus provenance (the SQL it ran, the releases, files and runs behind it,
and the data-quality flags that bear on it), serialisable to JSON."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from iceledger.errors import InputError
from iceledger.measures.events import Frame


@dataclass
class MeasureResult:
    kind: str  # count | funnel | population | window
    spec: dict
    columns: list[str]
    rows: list[dict]
    provenance: dict = field(default_factory=dict)

    @property
    def notes(self) -> list[str]:
        return self.provenance.get("notes", [])

    @property
    def is_synthetic(self) -> bool:
        return bool(self.provenance.get("quality", {}).get("synthetic_rows_counted"))

    def value(self, column: str = "n", **dims: Any):
        """The value of ``column`` in the one row matching ``dims`` (all rows when none are given)."""
        hits = [r for r in self.rows if all(str(r.get(k)) == str(v) for k, v in dims.items())]
        if len(hits) != 1:
            raise InputError("not_one_row", f"{len(hits)} rows match {dims or 'the result'}, not one",
                             fix="name every dimension of the result (or measure without dimensions)")
        return hits[0][column]

    def total(self, column: str = "n"):
        return sum(r[column] or 0 for r in self.rows)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "spec": self.spec, "columns": self.columns, "rows": self.rows,
                "provenance": self.provenance}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, default=str)


def _releases_detail(engine, frames: list[Frame]) -> list[dict]:
    ids = sorted({rid for f in frames for rid in f.selection.release_ids})
    tables = sorted({f.subject.table for f in frames})
    if not ids:
        return []
    files: dict[str, list] = {i: [] for i in ids}
    runs: dict[str, list] = {i: [] for i in ids}
    for r in sorted(engine.small("release_files"), key=lambda r: (r["release_id"], r["file_name"])):
        held = set((r["table_name"] or "").split(", "))  # a workbook of several tables lists them all
        if r["release_id"] in files and (held & set(tables) or r["table_name"] is None):
            files[r["release_id"]].append({"file_name": r["file_name"], "table": r["table_name"], "sha256": r["sha256"]})
    for r in sorted(engine.small("ingest_runs"), key=lambda r: r["run_id"]):
        if r["release_id"] in runs and (r["rows_loaded"] or 0) > 0:
            runs[r["release_id"]].append({"run_id": r["run_id"], "code_version": r["code_version"]})
    info = {r.release_id: r for f in frames for r in f.selection.chosen}
    cites = {r["release_id"]: r.get("release_citation") for r in engine.small("releases")}
    out = []
    for rid in ids:
        r = info[rid]
        out.append({"release_id": rid, "era": r.era, "namespace": r.namespace, "is_synthetic": r.is_synthetic,
                    "received_date": r.received_date, "citation": cites.get(rid), "files": files[rid], "runs": runs[rid]})
    return out


def quality_aggregates(t) -> dict:
    """The quality counts of a flagged frame (``Frame.flagged``, possibly narrowed), as named Ibis aggregates."""
    return {"rows_read": t.count(), "duplicates_flagged": t.count(where=t.is_duplicate_likely.fill_null(False)),
            "duplicates_left_out": t.count(where=t._dup), "overlap_left_out": t.count(where=t._overlap)}


def event_aggregates(t, frame: Frame, dims: list[str], *, rows: bool = True, people: bool = False, where=None) -> dict:
    """The quality counts a measure computes in its own pass, only those its rows do not already give:
    rows (unless the measure's count is the row count), rows without an AOR (unless aor_code is a
    dimension), synthetic rows (only when real and synthetic releases are mixed), rows without a
    person identifier (when counting people). ``where``: only the rows it holds true for are counted."""
    def count(cond=None):
        both = cond if where is None else (where if cond is None else where & cond)
        return t.count() if both is None else t.count(where=both)

    out = {}
    if rows:
        out["_rows"] = count()
    if "aor_code" not in dims:
        out["_no_aor"] = count(t.aor_code.isnull())
    if len({r.is_synthetic for r in frame.selection.chosen}) > 1:
        out["_synthetic"] = count(t.is_synthetic.fill_null(False))
    if people:
        out["_no_person"] = count(t.person_id.isnull())
    return out


def summarise_quality(rows: list[dict], qual: dict, frame: Frame, dims: list[str], count_duplicates: bool,
                      synthetic_mode: str, *, rows_column: str = "n", sums: dict | None = None) -> dict:
    """``sums``: event counts already summed over ``rows`` (and not in them), by key; ``_counted`` among them
    is the rows counted (else each row's ``_rows``, or its ``rows_column``, summed here)."""
    def take(key):
        if sums is not None and key in sums:
            return sums[key] if rows else None
        return sum(r.pop(key) or 0 for r in rows) if rows and key in rows[0] else None

    if sums is not None and "_counted" in sums:
        counts = None
        counted = sums["_counted"]
    else:
        counts = [r.get("_rows", r.get(rows_column)) or 0 for r in rows]
        counted = sum(counts)
    take("_rows")
    no_aor = take("_no_aor")
    if no_aor is None:
        no_aor = sum(n for n, r in zip(counts or [], rows) if r.get("aor_code", "?") is None) if "aor_code" in dims else 0
    synth = take("_synthetic")
    if synth is None:
        synth = counted if frame.selection.is_synthetic else 0
    return {
        "rows_counted": counted,
        "rows_without_aor": no_aor,
        "share_without_aor": round(no_aor / counted, 4) if counted else None,
        "rows_without_person_id": take("_no_person"),
        "duplicates_counted": count_duplicates,
        "duplicate_rule": frame.subject.duplicate_rule,
        "duplicates_flagged": qual.get("duplicates_flagged"),
        "duplicates_left_out": qual.get("duplicates_left_out"),
        "rows_left_out_as_overlap": qual.get("overlap_left_out"),
        "synthetic_option": synthetic_mode,
        "synthetic_included": frame.selection.is_synthetic,
        "synthetic_rows_counted": synth,
    }


def date_basis(engine, frame: Frame, t) -> dict:
    """Which date the count uses, in words, and (for removals) how many counted rows are dated by which date."""
    subject = frame.subject
    out: dict[str, object] = {"column": subject.date_column, "basis": subject.date_basis}
    if subject.basis_column:
        col = subject.basis_column
        rows = engine.rows(t.group_by(col).aggregate(n=t.count()))
        out["rows_by_basis"] = {r[col] or "no date": r["n"] for r in sorted(rows, key=lambda r: str(r[col]))}
    return out


def build_provenance(engine, frames: list[Frame], sql: list[dict], quality: dict, notes: list[str], extra: dict | None = None) -> dict:
    from iceledger.measures.catalog import file_sha256
    from iceledger.pipeline.ledger import code_version

    used = sorted({u for f in frames for u in f.registries})
    out = {
        "engine": engine.name,
        "sql": sql,
        "selection": [f.selection.to_dict() for f in frames],
        "releases": _releases_detail(engine, frames),
        "quality": quality,
        "registries_used": used,
        "notes": list(dict.fromkeys([*notes, *(n for f in frames for n in f.notes)])),
        "code_version": code_version(),
        "computed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if any("method_group" in f.dims or "method_group" in f.events.columns for f in frames):
        out["method_grouping"] = {"file": "src/iceledger/measures/methods.csv", "sha256": file_sha256("methods.csv")}
    if quality.get("synthetic_rows_counted"):
        out["notes"].insert(0, f"SYNTHETIC: {quality['synthetic_rows_counted']:,} of the rows counted come from synthetic "
                               "releases, not from ICE")
    out.update(extra or {})
    return out
