"""Ingest a release: read every file and sheet as text, load canonical rows, quarantine the rest,
record the run, and check that every row read is either loaded or quarantined.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from iceledger.errors import BuildError, InputError, Location
from iceledger.metadata import Table, insert_sql, table as table_meta
from iceledger.pipeline import dedupe, release_values
from iceledger.pipeline.ledger import atomic_ledger, build_lock, code_version, connect, insert_rows
from iceledger.pipeline.record_places import resolve_record_places
from iceledger.pipeline.release_store import Manifest, ManifestFile, ReleaseStore, check_immutable, hash_files, now_utc
from iceledger.pipeline.summaries import RecordsSheet, check_summary
from iceledger.settings import Settings
from iceledger.sources.lesa import extract
from iceledger.sources.lesa.extract import ReadHints
from iceledger.sources.lesa.headers import score_headers
from iceledger.sources.lesa.transform import LoadContext, RowCounts, column_findings, load_chunk, plan_columns
from iceledger.sources.step import Progress, no_progress
from iceledger.validation import Finding

WRONG_TABLE_RATIO = 1.5
# DuckDB's memory while files and sheets are loaded (it spills beyond): each is one streaming INSERT, and without
# a cap DuckDB keeps about 300 MiB of written data per 500,000 rows, next to the sheet parser's gigabyte.
LOAD_MEMORY_LIMIT = "256MB"
# Between two chunks, DuckDB's cache of what it wrote (about 110 MiB after a 500,000-row sheet) is handed back by
# lowering its cap to this for a moment: the next sheet of a workbook is being parsed meanwhile (bench/RESULTS.md).
IDLE_MEMORY_LIMIT = "32MB"


def new_run_id(prefix: str = "run") -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{prefix}-{stamp}-{secrets.token_hex(3)}"


@dataclass
class SheetTotals(RowCounts):
    """One sheet (or text file) of a run: what it was read as, and its balance when it held records."""

    file_name: str = ""
    sheet: str | None = None
    kind: str = "records"
    table: str | None = None
    header_row: int | None = None
    note: str = ""

    @property
    def balanced(self) -> bool:
        """Records balance (read = loaded + quarantined); summary, notes, excluded and empty sheets hold no
        records, by their classification; an unclassified sheet never balances."""
        if self.kind == "records":
            return super().balanced
        return self.kind != "unclassified"

    def to_dict(self) -> dict:
        return {"file": self.file_name, "sheet": self.sheet, "kind": self.kind, "table": self.table,
                "header_row": self.header_row, "rows_read": self.rows_read, "rows_loaded": self.rows_loaded,
                "rows_quarantined": self.rows_quarantined, "balanced": self.balanced, "note": self.note}


@dataclass
class RunSummary:
    run_id: str
    release_id: str
    status: str
    tables: dict[str, RowCounts] = field(default_factory=dict)
    sheets: list[SheetTotals] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def totals(self) -> RowCounts:
        t = RowCounts()
        for v in self.tables.values():
            t.add(v)
        return t

    def to_dict(self) -> dict:
        tot = self.totals
        return {
            "run_id": self.run_id, "release_id": self.release_id, "status": self.status,
            "rows_read": tot.rows_read, "rows_loaded": tot.rows_loaded, "rows_quarantined": tot.rows_quarantined,
            "values_quarantined": tot.values_quarantined, "balanced": tot.balanced,
            "tables": {k: {**vars(v), "balanced": v.balanced} for k, v in self.tables.items()},
            "sheets": [s.to_dict() for s in self.sheets],
            "findings": [f.to_dict() for f in self.findings],
        }



def hints_of(f: ManifestFile) -> ReadHints:
    """What the manifest says about a file, for the reader (which knows nothing of manifests)."""
    return ReadHints(table=f.table, sheet_tables={k: v.table for k, v in f.sheets.items() if v.table},
                     excluded={k: v.exclude for k, v in f.sheets.items() if v.exclude}, columns=dict(f.columns),
                     delimiter=f.delimiter, encoding=f.encoding)


def _check_table(chunk: extract.RawChunk, table: Table, columns: dict[str, str]) -> None:
    """Refuse a sheet that is plainly another table than the one named (a detainers file passed as arrests):
    another table's layout knows 1.5 times as many of its headers (the manifest's mapped ones count for the
    table named)."""
    known: dict[str, int] = {}
    for (name, _era), n in score_headers(chunk.headers).items():
        known[name] = max(known.get(name, 0), n)
    mine = max((n for (_t, _e), n in score_headers(chunk.headers, table.name, columns).items()), default=0)
    best_table = max(known, key=lambda t: known[t])
    loc = Location(file=chunk.file_name, sheet=chunk.sheet, row=chunk.header_row)
    if best_table != table.name and known[best_table] > WRONG_TABLE_RATIO * mine:
        raise InputError("wrong_table",
                         f"the headers look like {best_table.removeprefix('core_')} ({known[best_table]} known headers), "
                         f"not {table.name.removeprefix('core_')} ({mine})",
                         fix=f"pass --table {best_table.removeprefix('core_')} (or correct the table in the manifest)", location=loc)


def _check_event_column(chunk, table: Table, result_plans) -> None:
    if not any(p.field == table.event and p.status == "loaded" for p in result_plans):
        raise InputError("missing_event_column",
                         f"no column gives {table.event} ({table.name} needs it to place each record in time)",
                         fix="check that the file is the table you said it is; if ICE renamed the column, add the new header "
                             "to aliases.csv or map it in the release manifest (files: columns)",
                         location=Location(file=chunk.file_name, sheet=chunk.sheet, row=chunk.header_row))


def _check_file(name: str, sheets: list[SheetTotals]) -> None:
    """A file's sheets must all be placed: data nobody could classify fails the run, and a file must hold records."""
    lost = [s for s in sheets if s.kind == "unclassified"]
    if lost:
        what = "; ".join(f"sheet {s.sheet!r} ({s.rows_read:,} rows with values): {s.note}" if s.sheet
                         else f"{s.rows_read:,} rows: {s.note}" for s in lost)
        raise InputError("unclassified_sheet",
                         f"the run would not balance: rows were read that are neither loaded nor quarantined ({what})",
                         fix="set the sheet's table in the release manifest (files: sheets: NAME: {table: arrests}) or "
                             "exclude it with a reason (files: sheets: NAME: {exclude: why}); on the command line "
                             "--sheet-table 'NAME=arrests' or --exclude-sheet 'NAME=why'",
                         location=Location(file=name, sheet=lost[0].sheet))
    if not any(s.kind == "records" for s in sheets):
        reasons = "; ".join(f"sheet {s.sheet!r}: {s.kind} ({s.note})" for s in sheets) or "it has no sheets"
        code = "empty_workbook" if all(s.kind == "empty" for s in sheets) else "no_header"
        raise InputError(code, f"no sheet holds a LESA table ({reasons})",
                         fix="check that this is an ICE ERO-LESA workbook with its header row within the first 60 rows",
                         location=Location(file=name))


def load_release(con, manifest: Manifest, run_id: str, *, progress: Progress = no_progress, low_memory: bool = False) -> RunSummary:
    """Load every file of a release into the ledger open on ``con`` (inside an atomic build).
    ``low_memory`` parses one sheet at a time instead of reading the next sheet of a workbook while
    this one loads: a lower peak on large workbooks, for a longer load (bench/RESULTS.md)."""
    summary = RunSummary(run_id, manifest.release_id, "succeeded")
    started = now_utc()
    dedupe.ensure_aor_lookup(con)
    profiles: list[dict] = []
    used_tables: dict[str, Table] = {}
    file_tables: dict[str, set[str]] = {}
    summaries: list[tuple[extract.SheetOutcome, list[RecordsSheet]]] = []
    era = manifest.era
    con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")
    next_base: dict[str, int] = {}  # per table: the release row number after its sheets so far (dedupe.load_defaults)
    sheet_bases: dict[tuple[str, str | None], int] = {}
    for f in manifest.files:
        path = Path(f.path or f.name)
        hints = hints_of(f)
        progress("file", name=f.name, size=f.size_bytes)
        sheets: dict[str | None, SheetTotals] = {}
        records: list[RecordsSheet] = []
        outcomes = []
        for item in extract.read_file(path, f.name, hints, summary.findings, con=con, ahead=0 if low_memory else 1):
            if isinstance(item, extract.SheetOutcome):
                sheets[item.sheet] = SheetTotals(rows_read=item.rows, file_name=f.name, sheet=item.sheet, kind=item.kind,
                                                 note=item.reason)
                outcomes.append(item)
                continue
            forced = (hints.sheet_tables.get(item.sheet) if item.sheet is not None else None) or hints.table
            table = table_meta(forced or item.guess.table)
            era = era or item.guess.era
            if forced:
                _check_table(item, table, hints.columns)
            _check_event_column(item, table, plan_columns(item.headers, table, era, hints.columns))
            # the sheet's rows are numbered after the rows of the table's earlier sheets (source_row - header_row is the
            # row's place in the sheet, whichever of its chunks it comes in): the sheet's base is fixed at its first chunk
            base = sheet_bases.get((f.name, item.sheet), next_base.get(table.name, 0))
            ctx = LoadContext(con, manifest.release_id, run_id, era, manifest.id_namespace or era, manifest.synthetic,
                              hints.columns, dedupe.load_defaults(table, base - item.header_row))
            res = load_chunk(ctx, item, table)
            if res is None:  # DuckDB refused a record before writing anything: the reader's careful chunks follow
                continue
            sheet_bases.setdefault((f.name, item.sheet), base)
            used_tables[table.name] = table
            file_tables.setdefault(f.name, set()).add(table.name)
            sheet = sheets.setdefault(item.sheet, SheetTotals(file_name=f.name, sheet=item.sheet, table=table.name,
                                                              header_row=item.header_row, note=f"{table.name} under the header on row {item.header_row}"))
            records.append(RecordsSheet(f.name, item.sheet, table.name, tuple(item.banner)))
            next_base[table.name] = max(next_base.get(table.name, 0), base + res.last_row - item.header_row)
            summary.tables.setdefault(table.name, RowCounts()).add(res)
            sheet.add(res)
            profiles.extend(res.profiles)
            progress("chunk", name=f.name, sheet=item.sheet, rows=res.rows_read)
            del item  # the sheet's cells are freed before the next sheet is parsed
            _drop_cache(con)
        _check_file(f.name, list(sheets.values()))
        summary.sheets.extend(sheets.values())
        summaries += [(o, records) for o in outcomes if o.kind == "summary"]
    manifest.era = era
    summary.findings.extend(column_findings(profiles, era or ""))
    for table in used_tables.values():
        dedupe.finalize_release(con, table, manifest.release_id)
        summary.findings.extend(_release_values(con, table, manifest))
        summary.findings.extend(resolve_record_places(con, table, manifest.release_id))
    # the cap holds through the release-wide updates too (duplicate flags, AOR codes, places): without it they took a
    # 10M-row file's peak from 0.41 to 1.70 GiB (bench/RESULTS.md)
    con.execute("RESET memory_limit")
    checks = []
    for outcome, records in summaries:
        rows, found = check_summary(con, run_id, manifest.release_id, outcome, records)
        checks += rows
        summary.findings.extend(found)
    _record_release(con, manifest, file_tables)
    _record_run(con, summary, manifest, started, profiles, checks)
    for s in summary.sheets:
        if not s.balanced:
            raise BuildError("unbalanced_run", f"{s.file_name} {s.sheet or ''}: rows read {s.rows_read} ≠ loaded "
                             f"{s.rows_loaded} + quarantined {s.rows_quarantined}",
                             fix="this is a bug in iceledger: please report it with the file; the ledger was left as it was")
    return summary


def _drop_cache(con) -> None:
    """Hand back the memory DuckDB keeps of the blocks it wrote (they are in the file): lowering the cap evicts them,
    and the cap is then set back. Where DuckDB cannot evict that much (blocks in use), the cache stays as it is."""
    try:
        con.execute(f"SET memory_limit = '{IDLE_MEMORY_LIMIT}'")
    except duckdb.OutOfMemoryException:
        pass
    finally:
        con.execute(f"SET memory_limit = '{LOAD_MEMORY_LIMIT}'")


def _release_values(con, table: Table, m: Manifest) -> list[Finding]:
    out = []
    if table.name == release_values.REMOVALS:
        release_values.set_removal_dates(con, m.release_id)
        found = release_values.removal_basis_finding(con, m.release_id)
        out += [found] if found else []
    if m.aor:
        out += release_values.apply_release_aor(con, table, m.release_id, m.aor)
    if m.coverage:
        out += release_values.check_coverage(con, table, m.release_id, m.coverage.date_from, m.coverage.date_to)
    return out


def _insert(con, table: str, rows: list[list]) -> None:
    """Rows into a ledger table, by its declared column order."""
    if rows:
        cols = table_meta(table).columns
        con.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)


def _record_release(con, m: Manifest, file_tables: dict[str, set[str]]) -> None:
    cov = m.coverage
    _insert(con, "releases", [[m.release_id, m.agency, m.foia_request, m.received_date, m.era, m.namespace(), m.licence,
                               m.description, m.synthetic, m.sha256(), m.registered_at or now_utc(), m.aor,
                               cov.date_from if cov else None, cov.date_to if cov else None, m.citation]])
    rows = []
    for f in m.files:
        path = Path(f.path or f.name)
        fmt = extract.sniff_format(path, f.name)
        kind = fmt.kind + (f"+{fmt.compression}" if fmt.compression else "")
        rows.append([m.release_id, f.name, ", ".join(sorted(file_tables.get(f.name, ()))) or None, kind, f.sha256,
                     f.size_bytes, f.path])
    _insert(con, "release_files", rows)
    _insert(con, "release_choices", release_choices(m))


def release_choices(m: Manifest) -> list[list]:
    """The manifest's decisions about how to read the release, as rows of release_choices."""
    rows = []
    for f in m.files:
        if f.table:
            rows.append([m.release_id, f.name, None, "table", f.table, None])
        for sheet, c in f.sheets.items():
            rows.append([m.release_id, f.name, sheet, "table" if c.table else "exclude", c.table, c.exclude])
        rows += [[m.release_id, f.name, None, "column", f"{h} -> {fld}", None] for h, fld in f.columns.items()]
        rows += [[m.release_id, f.name, None, k, v, None] for k, v in (("delimiter", f.delimiter), ("encoding", f.encoding)) if v]
    if m.aor:
        rows.append([m.release_id, None, None, "aor", m.aor, "every row of the release is in this AOR"])
    if m.coverage:
        rows.append([m.release_id, None, None, "coverage", f"{m.coverage.date_from}/{m.coverage.date_to}", None])
    return rows


def _record_run(con, s: RunSummary, m: Manifest, started: dt.datetime, profiles: list[dict], checks: list[list]) -> None:
    tot = s.totals
    _insert(con, "ingest_runs", [[s.run_id, m.release_id, started, now_utc(), code_version(), s.status,
                                  [f.sha256 for f in m.files], tot.rows_read, tot.rows_loaded, tot.rows_quarantined,
                                  tot.values_quarantined, tot.balanced]])
    _insert(con, "ingest_run_tables", [[s.run_id, m.release_id, name, t.rows_read, t.rows_loaded, t.rows_quarantined,
                                        t.values_quarantined, t.balanced] for name, t in s.tables.items()])
    _insert(con, "ingest_sheets", [[s.run_id, m.release_id, x.file_name, x.sheet, x.kind, x.table, x.header_row,
                                    x.rows_read, x.rows_loaded, x.rows_quarantined, x.balanced, x.note] for x in s.sheets])
    _insert(con, "summary_checks", checks)
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
    insert_rows(con, "source_columns", cols, [[p[c] for c in cols] for p in merged.values()])
    _insert(con, "build_findings", [[s.run_id, "ingest", fnd.severity, fnd.code, fnd.message, fnd.fix,
                                     json.dumps(fnd.detail, default=str), fnd.count] for fnd in s.findings])


def ingest(settings: Settings, manifest: Manifest, *, encoding: str | None = None, progress: Progress = no_progress,
           low_memory: bool = False) -> RunSummary:
    """Ingest a release atomically. The same files again change nothing; changed files are refused."""
    progress("hashing", files=len(manifest.files))
    for f in manifest.files:  # an encoding given for the run is the files' own, kept with the release
        f.encoding = f.encoding or (ManifestFile(name=f.name, encoding=encoding).encoding if encoding else None)
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
    manifest.registered_at = now_utc()  # the ledger and the store keep the same time (ReleaseStore.all)
    with atomic_ledger(settings, fresh=False) as con:
        summary = load_release(con, manifest, run_id, progress=progress, low_memory=low_memory)
        store.save(manifest)
    return summary


def _record_unchanged(settings: Settings, manifest: Manifest) -> RunSummary:
    """Record a run that found the release already ingested. Data are not touched, so the run row
    is appended in place (one DuckDB transaction) instead of copying the whole ledger."""
    run_id = new_run_id()
    with build_lock(settings):
        con = connect(settings.ledger_path)
        try:
            now = now_utc()
            con.execute(insert_sql("ingest_runs", run_status="'unchanged'", rows_read="0", rows_loaded="0",
                                   rows_quarantined="0", values_quarantined="0", is_balanced="TRUE"),
                        [run_id, manifest.release_id, now, now, code_version(), [f.sha256 for f in manifest.files]])
        finally:
            con.close()
    return RunSummary(run_id, manifest.release_id, "unchanged")
