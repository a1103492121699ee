"""Ingest a release: read every file and sheet as text, load canonical rows, quarantine the rest,
record the run, and check that every row read is either loaded or quarantined.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from iceledger.errors import BuildError, InputError, Location
from iceledger.metadata import Table, table as table_meta
from iceledger.pipeline import dedupe
from iceledger.pipeline.ledger import atomic_ledger, build_lock, code_version, connect
from iceledger.pipeline.places import resolve_record_places
from iceledger.pipeline.releases import Manifest, ReleaseStore, check_immutable, hash_files
from iceledger.settings import Settings
from iceledger.sources.lesa import extract
from iceledger.sources.lesa.headers import rank_tables, table_from_file_name
from iceledger.sources.lesa.transform import ChunkResult, LoadContext, load_chunk
from iceledger.validation import Finding

Progress = Callable[..., None]
WRONG_TABLE_RATIO = 1.5
SLICE_ROWS = 131_072  # rows loaded per DuckDB statement: bounds the ledger's working memory
# DuckDB's memory while chunks are loaded (it spills beyond): loads stream, and without a cap
# DuckDB keeps about 300 MiB of written data per 500,000 rows, next to the sheet parser's gigabyte.
LOAD_MEMORY_LIMIT = "256MB"


def new_run_id(prefix: str = "run") -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{prefix}-{stamp}-{secrets.token_hex(3)}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@dataclass
class TableTotals:
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    values_quarantined: int = 0

    def add(self, r: ChunkResult) -> None:
        self.rows_read += r.rows_read
        self.rows_loaded += r.rows_loaded
        self.rows_quarantined += r.rows_quarantined
        self.values_quarantined += r.values_quarantined

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined


@dataclass
class RunSummary:
    run_id: str
    release_id: str
    status: str
    tables: dict[str, TableTotals] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def totals(self) -> TableTotals:
        t = TableTotals()
        for v in self.tables.values():
            t.rows_read += v.rows_read
            t.rows_loaded += v.rows_loaded
            t.rows_quarantined += v.rows_quarantined
            t.values_quarantined += v.values_quarantined
        return t

    def to_dict(self) -> dict:
        tot = self.totals
        return {
            "run_id": self.run_id, "release_id": self.release_id, "status": self.status,
            "rows_read": tot.rows_read, "rows_loaded": tot.rows_loaded, "rows_quarantined": tot.rows_quarantined,
            "values_quarantined": tot.values_quarantined, "balanced": tot.balanced,
            "tables": {k: {**vars(v), "balanced": v.balanced} for k, v in self.tables.items()},
            "findings": [f.to_dict() for f in self.findings],
        }


def _noop(*_a, **_k) -> None:
    return None


def _chunks_of(path: Path, file_name: str, fmt: str, con, encoding: str, findings: list[Finding], low_memory: bool):
    if fmt == "xlsx":
        skipped, loaded = [], 0
        for item in extract.iter_xlsx(path, file_name=file_name, ahead=0 if low_memory else 1):
            if isinstance(item, extract.SkippedSheet):
                skipped.append(item)
                continue
            loaded += 1
            yield from extract.slice_chunk(item, SLICE_ROWS)
            del item
        if not loaded:
            reasons = "; ".join(f"sheet {s.sheet!r}: {s.reason}" for s in skipped) or "it has no sheets"
            codes = {s.reason_code for s in skipped}
            code = {"empty_sheet": "empty_workbook", "too_many_columns": "too_many_columns"}.get(
                codes.pop() if len(codes) == 1 else "", "no_header")
            raise InputError(code, f"no sheet holds a LESA table ({reasons})",
                             fix="check that this is an ICE ERO-LESA workbook with its header row within the first 60 rows",
                             location=Location(file=file_name))
        for s in skipped:
            findings.append(Finding("warning", s.reason_code, f"sheet {s.sheet!r} skipped: {s.reason}",
                                    "nothing to do if the sheet holds notes; otherwise check its header row",
                                    detail={"file": file_name, "sheet": s.sheet}))
    elif fmt == "parquet":
        yield extract.read_parquet_chunk(con, path, file_name=file_name)
    else:
        yield from extract.iter_csv(path, file_name=file_name, encoding=encoding)


def _check_table(chunk: extract.RawChunk, table: Table) -> None:
    """Refuse a sheet that is plainly another table (a detainers file passed as arrests)."""
    ranks = rank_tables(chunk.headers)
    share = {t: s for t, _, s in ranks}
    best_table, _, best_share = ranks[0]
    loc = Location(file=chunk.file_name, sheet=chunk.sheet, row=chunk.header_row)
    if best_table != table.name and best_share > WRONG_TABLE_RATIO * share.get(table.name, 0.0):
        raise InputError("wrong_table",
                         f"the headers look like {best_table.removeprefix('core_')} "
                         f"({best_share:.0%} layout match), not {table.name.removeprefix('core_')} ({share.get(table.name, 0):.0%})",
                         fix=f"pass --table {best_table.removeprefix('core_')} (or correct the table in the manifest)", location=loc)


def _check_event_column(chunk, table: Table, result_plans) -> None:
    if not any(p.field == table.event and p.status == "loaded" for p in result_plans):
        raise InputError("missing_event_column",
                         f"no column gives {table.event} ({table.name} needs it to place each record in time)",
                         fix="check that the file is the table you said it is; if ICE renamed the column, add the new header to aliases.csv",
                         location=Location(file=chunk.file_name, sheet=chunk.sheet, row=chunk.header_row))


def load_release(con, manifest: Manifest, run_id: str, *, encoding: str = "utf-8",
                 progress: Progress = _noop, low_memory: bool = False) -> RunSummary:
    """Load every file of a release into the ledger open on ``con`` (inside an atomic build).
    ``low_memory`` parses one sheet at a time instead of reading the next sheet of a workbook while
    this one loads: a lower peak on large workbooks, for a longer load (bench/RESULTS.md)."""
    from iceledger.sources.lesa.transform import plan_columns

    summary = RunSummary(run_id, manifest.release_id, "succeeded")
    started = _now()
    dedupe.ensure_aor_lookup(con)
    profiles: list[dict] = []
    used_tables: dict[str, Table] = {}
    era = manifest.era
    con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")
    for f in manifest.files:
        path = Path(f.path or f.name)
        fmt = extract.sniff_format(path)
        progress("file", name=f.name, size=f.size_bytes)
        for chunk in _chunks_of(path, f.name, fmt, con, encoding, summary.findings, low_memory):
            table = table_meta(f.table or table_from_file_name(f.name) or chunk.guess.table)
            f.table = table.name
            era = era or chunk.guess.era
            _check_table(chunk, table)
            _check_event_column(chunk, table, plan_columns(chunk.headers, table, era))
            used_tables[table.name] = table
            ctx = LoadContext(con, manifest.release_id, run_id, era, manifest.id_namespace or era, manifest.synthetic)
            res = load_chunk(ctx, chunk, table)
            summary.tables.setdefault(table.name, TableTotals()).add(res)
            profiles.extend(res.profiles)
            summary.findings.extend(res.findings)
            progress("chunk", name=f.name, sheet=chunk.sheet, rows=res.rows_read)
            del chunk  # a slice holds its whole sheet: let it go before the next sheet is parsed
    con.execute("RESET memory_limit")
    manifest.era = era
    for table in used_tables.values():
        dedupe.finalize_release(con, table, manifest.release_id)
        summary.findings.extend(resolve_record_places(con, table, manifest.release_id))
    _record_release(con, manifest)
    _record_run(con, summary, manifest, started, profiles)
    for name, tot in summary.tables.items():
        if not tot.balanced:
            raise BuildError("unbalanced_run",
                             f"{name}: rows read {tot.rows_read} ≠ loaded {tot.rows_loaded} + quarantined {tot.rows_quarantined}",
                             fix="this is a bug in iceledger: please report it with the file; the ledger was left as it was")
    return summary


def _record_release(con, m: Manifest) -> None:
    con.execute("INSERT INTO releases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [m.release_id, m.agency, m.foia_request, m.received_date, m.era, m.namespace(), m.licence,
                 m.description, m.synthetic, m.sha256(), _now()])
    for f in m.files:
        fmt = Path(f.path or f.name).suffix.lstrip(".").lower() or None
        con.execute("INSERT INTO release_files VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [m.release_id, f.name, f.table, fmt, f.sha256, f.size_bytes, f.path])


def _record_run(con, s: RunSummary, m: Manifest, started: dt.datetime, profiles: list[dict]) -> None:
    tot = s.totals
    con.execute("INSERT INTO ingest_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [s.run_id, m.release_id, started, _now(), code_version(), s.status,
                 [f.sha256 for f in m.files], tot.rows_read, tot.rows_loaded, tot.rows_quarantined,
                 tot.values_quarantined, tot.balanced])
    for name, t in s.tables.items():
        con.execute("INSERT INTO ingest_run_tables VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [s.run_id, m.release_id, name, t.rows_read, t.rows_loaded, t.rows_quarantined,
                     t.values_quarantined, t.balanced])
    merged: dict[tuple, dict] = {}
    counters = ("n_values", "n_blank", "n_redacted", "n_not_available", "n_unparseable", "n_unredacted_withheld")
    for p in profiles:
        key = (p["source_file"], p["source_sheet"], p["column_position"])
        if key in merged:
            for c in counters:
                merged[key][c] += p[c]
        else:
            merged[key] = dict(p)
    cols = ["run_id", "release_id", "table_name", "source_file", "source_sheet", "column_position", "column_name",
            "field_name", "column_status", *counters]
    con.executemany(f"INSERT INTO source_columns ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    [[p[c] for c in cols] for p in merged.values()])
    for fnd in s.findings:
        con.execute("INSERT INTO build_findings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [s.run_id, "ingest", fnd.severity, fnd.code, fnd.message, fnd.fix,
                     json.dumps(fnd.detail, default=str), fnd.count])


def ingest(settings: Settings, manifest: Manifest, *, encoding: str = "utf-8", progress: Progress = _noop,
           low_memory: bool = False) -> RunSummary:
    """Ingest a release atomically. The same files again change nothing; changed files are refused."""
    progress("hashing", files=len(manifest.files))
    hash_files(manifest)
    store = ReleaseStore(settings.ensure())
    existing = store.get(manifest.release_id)
    if existing is None and settings.ledger_path.exists():
        con = connect(settings.ledger_path, read_only=True)
        try:
            known = con.execute("SELECT count(*) FROM releases WHERE release_id = ?", [manifest.release_id]).fetchall()[0][0]
        finally:
            con.close()
        if known:
            raise BuildError("release_without_manifest",
                             f"release {manifest.release_id} is in the ledger but its manifest is missing from {store.root}",
                             fix="run `iceledger build` to rebuild the ledger from the release store")
    if existing is not None and check_immutable(existing, manifest):
        return _record_unchanged(settings, manifest)
    run_id = new_run_id()
    with atomic_ledger(settings, fresh=False) as con:
        summary = load_release(con, manifest, run_id, encoding=encoding, progress=progress, low_memory=low_memory)
        store.save(manifest)
    return summary


def _record_unchanged(settings: Settings, manifest: Manifest) -> RunSummary:
    """Record a run that found the release already ingested. Data are not touched, so the run row
    is appended in place (one DuckDB transaction) instead of copying the whole ledger."""
    run_id = new_run_id()
    with build_lock(settings):
        con = connect(settings.ledger_path)
        try:
            now = _now()
            con.execute("INSERT INTO ingest_runs VALUES (?, ?, ?, ?, ?, 'unchanged', ?, 0, 0, 0, 0, TRUE)",
                        [run_id, manifest.release_id, now, now, code_version(), [f.sha256 for f in manifest.files]])
        finally:
            con.close()
    return RunSummary(run_id, manifest.release_id, "unchanged")
