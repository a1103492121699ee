"""Ledger commands: ingest, build, status, validate, describe, releases, quarantine."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from iceledger.cli.common import HomeOption, JsonOption, ask_ledger, console, emit_json, handles_errors, settings_for
from iceledger.errors import NotFoundError, ReleaseError
from iceledger.metadata import core_tables, field_, table as table_meta, tables
from iceledger.pipeline.ledger import open_ledger

CORE_NAMES = ", ".join(t.name.removeprefix("core_") for t in core_tables())  # the tables a release holds


def _progress_bar():
    """A Rich progress display and the callback the pipeline reports to."""
    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,} rows"),
                   TimeElapsedColumn(), console=console, transient=True)
    task = bar.add_task("starting", total=None)

    def report(kind: str, **info):
        if kind == "file":
            bar.update(task, description=f"reading {info['name']}")
        elif kind == "chunk":
            bar.advance(task, info.get("rows", 0))
            bar.update(task, description=f"{info['name']} · {info.get('sheet') or ''}")
        elif kind in ("step", "release", "synth"):
            bar.update(task, description=f"{kind} {info['name']}")
        elif kind == "hashing":
            bar.update(task, description=f"hashing {info['files']} files")

    return bar, report


def _pairs(values: list[str] | None, option: str, what: str) -> dict[str, str]:
    """NAME=VALUE options into a dict; the name may itself hold '=' only before the last one."""
    out = {}
    for v in values or []:
        name, sep, value = v.rpartition("=")
        if not sep or not name or not value:
            raise ReleaseError("bad_option", f"{option} {v!r} is not NAME=VALUE", fix=f"write e.g. {option} '{what}'")
        out[name] = value
    return out


@handles_errors()
def ingest(
    paths: list[Path] = typer.Argument(None, help="Files of one release (workbooks, delimited text plain/gzip/zip, Parquet)."),
    release: str | None = typer.Option(None, "--release", help="Release id, e.g. ice-2026-03."),
    manifest: Path | None = typer.Option(None, "--manifest", help="A release manifest (YAML or JSON) instead of PATHs."),
    era: str | None = typer.Option(None, "--era", help="Release era (see `iceledger describe releases`); detected from headers when omitted."),
    table: str | None = typer.Option(None, "--table", help=f"Every file and sheet is this table ({CORE_NAMES}); each sheet's header "
                                                            "decides when omitted."),
    sheet_table: list[str] | None = typer.Option(None, "--sheet-table", help="SHEET=TABLE: read this sheet as this table (repeatable)."),
    exclude_sheet: list[str] | None = typer.Option(None, "--exclude-sheet", help="SHEET=REASON: do not read this sheet as records, for this reason "
                                                                                 "(repeatable)."),
    column: list[str] | None = typer.Option(None, "--column", help="HEADER=FIELD: the source column HEADER is FIELD (repeatable), e.g. "
                                                                   "'date=detainer_prepare_datetime'."),
    aor: str | None = typer.Option(None, "--aor", help="The AOR code of every row, for a release of one AOR without an AOR column (e.g. SEA)."),
    coverage: str | None = typer.Option(None, "--coverage", help="FROM:TO, the period the release covers (e.g. 2012-01-01:2019-07-06)."),
    synthetic: bool = typer.Option(False, "--synthetic", help="Mark the release as synthetic (generated, not ICE data)."),
    foia_request: str | None = typer.Option(None, "--foia-request"),
    delimiter: str | None = typer.Option(None, "--delimiter", help="Delimited text: comma, pipe, tab, semicolon (or the character); detected when omitted."),
    encoding: str | None = typer.Option(None, "--encoding", help="Delimited text: the encoding (utf-8, cp1252, latin-1, utf-16); detected when omitted."),
    low_memory: bool = typer.Option(False, "--low-memory", help="Parse one sheet at a time, not the next while one loads "
                                    "(large workbooks on small machines): never two parsed sheets in memory at once; slower."),
    home: Path | None = HomeOption,
    as_json: bool = JsonOption,
):
    """Load a release into the ledger. The same files again change nothing; changed files are refused."""
    from iceledger.pipeline.ingest import ingest as run_ingest
    from iceledger.pipeline.release_store import load_manifest, manifest_from_paths

    if manifest:
        m = load_manifest(manifest)
    elif paths and release:
        sheets = {k: {"table": v} for k, v in _pairs(sheet_table, "--sheet-table", "Book Ins=detention_stints").items()}
        sheets.update({k: {"exclude": v} for k, v in _pairs(exclude_sheet, "--exclude-sheet", "Notes=footnotes").items()})
        options = {k: v for k, v in (("sheets", sheets), ("columns", _pairs(column, "--column", "date=detainer_prepare_datetime")),
                                      ("delimiter", delimiter), ("encoding", encoding)) if v}
        span = None
        if coverage:
            lo, sep, hi = coverage.partition(":")
            if not sep:
                raise ReleaseError("bad_option", f"--coverage {coverage!r} is not FROM:TO", fix="write e.g. --coverage 2012-01-01:2019-07-06")
            span = {"from": lo, "to": hi}
        m = manifest_from_paths(list(paths), release, era=era, table=table, synthetic=synthetic, foia_request=foia_request,
                                file_options=options, aor=aor, coverage=span)
    else:
        raise ReleaseError("nothing_to_ingest", "give the release's files and --release ID, or --manifest FILE",
                           fix="e.g. `iceledger ingest arrests.xlsx --release ice-2026-03`")
    settings = settings_for(home)
    if as_json:
        summary = run_ingest(settings, m, low_memory=low_memory)
        emit_json(summary.to_dict())
        return
    bar, report = _progress_bar()
    with bar:
        summary = run_ingest(settings, m, progress=report, low_memory=low_memory)
    d = summary.to_dict()
    if summary.status == "unchanged":
        console.print(f"release {m.release_id}: already in the ledger with the same files; nothing changed (run {d['run_id']})")
        return
    label = " [SYNTHETIC]" if m.synthetic else ""
    console.print(f"release {m.release_id}{label}: run {d['run_id']}")
    for name, t in d["tables"].items():
        mark = "balanced" if t["balanced"] else "NOT BALANCED"
        console.print(f"  {name}: read {t['rows_read']:,} = loaded {t['rows_loaded']:,} + quarantined "
                      f"{t['rows_quarantined']:,} ({mark}); {t['values_quarantined']:,} values quarantined")
    for sh in d["sheets"]:
        where = f"{sh['file']}" + (f" · {sh['sheet']}" if sh["sheet"] else "")
        if sh["kind"] == "records":
            console.print(f"    {where}: {sh['table']}, read {sh['rows_read']:,} = loaded {sh['rows_loaded']:,} + "
                          f"quarantined {sh['rows_quarantined']:,}", highlight=False, markup=False)
        else:
            console.print(f"    {where}: {sh['kind']} ({sh['rows_read']:,} rows with values; {sh['note']})",
                          highlight=False, markup=False)
    for f in summary.findings:
        console.print("  " + f.line(), highlight=False, markup=False)


@handles_errors()
def build(home: Path | None = HomeOption, as_json: bool = JsonOption):
    """Rebuild the whole ledger from bundled registries and every stored release, atomically."""
    from iceledger.pipeline.build import build as run_build

    settings = settings_for(home)
    if as_json:
        emit_json(run_build(settings).to_dict())
        return
    bar, report = _progress_bar()
    with bar:
        rep = run_build(settings, progress=report)
    console.print(rep.to_text(), highlight=False, markup=False)


@handles_errors()
def status(home: Path | None = HomeOption, as_json: bool = JsonOption):
    """Releases, recent runs, rows per table (synthetic apart) and the quarantine summary."""
    from iceledger.pipeline.status import ledger_status

    st = ask_ledger(home, ledger_status)
    if as_json:
        emit_json(st)
        return
    t = RichTable(title="Releases")
    for c in ("release", "era", "FOIA request", "received", "synthetic", "files"):
        t.add_column(c)
    for r in st["releases"]:
        t.add_row(r["release_id"], r["era"] or "", r["foia_request"] or "", str(r["received_date"] or ""),
                  "SYNTHETIC" if r["is_synthetic"] else "real", str(r["files"]))
    console.print(t)
    t = RichTable(title="Rows per table")
    for c in ("table", "rows", "real", "synthetic", "releases"):
        t.add_column(c, justify="right" if c != "table" else "left")
    for r in st["tables"]:
        t.add_row(r["table"], f"{r['rows']:,}", f"{r['real_rows']:,}", f"{r['synthetic_rows']:,}", str(r["releases"]))
    console.print(t)
    t = RichTable(title="Recent runs")
    for c in ("run", "release", "status", "read", "loaded", "quarantined", "balanced"):
        t.add_column(c)
    for r in st["runs"]:
        t.add_row(r["run_id"], r["release_id"], r["run_status"], f"{r['rows_read']:,}", f"{r['rows_loaded']:,}",
                  f"{r['rows_quarantined']:,}", "yes" if r["is_balanced"] else "NO")
    console.print(t)
    t = RichTable(title="Quarantine")
    for c in ("table", "scope", "reason", "count"):
        t.add_column(c)
    for q in st["quarantine"]:
        t.add_row(q["table_name"], q["scope"], q["reason_code"], f"{q['rows']:,}")
    console.print(t)


@handles_errors()
def validate(home: Path | None = HomeOption, as_json: bool = JsonOption):
    """Check the ledger: row balance, keys, unknown codes and AORs, unloaded columns, quarantine. Exit 1 on errors."""
    from iceledger.validation.checks import validate as run_validate

    rep = ask_ledger(home, run_validate)
    if as_json:
        emit_json(rep.to_dict())
    else:
        console.print(rep.to_text(), highlight=False, markup=False)
    if not rep.ok:
        raise typer.Exit(1)


@handles_errors()
def describe(name: str = typer.Argument(..., help="A table name, e.g. core_arrests (or arrests)."), as_json: bool = JsonOption):
    """Describe a table: grain, key, and every column with type, description, code list and redaction rule."""

    known = tables()
    tname = name if name in known else f"core_{name}" if f"core_{name}" in known else name
    t = table_meta(tname)
    cols = [{"name": c, "type": field_(c).type, "description": field_(c).description, "codes": field_(c).codes,
             "redaction": field_(c).redaction} for c in t.columns]
    withheld = [{"name": c, "description": field_(c).description} for c in t.withheld]
    if as_json:
        emit_json({"table": t.name, "description": t.description, "grain": t.grain, "key": list(t.key),
                   "columns": cols, "withheld": withheld})
        return
    console.print(f"[bold]{t.name}[/] — {t.description}\ngrain: {t.grain}\nkey: {', '.join(t.key)}")
    rt = RichTable()
    for c in ("column", "type", "codes", "description"):
        rt.add_column(c)
    for c in cols:
        rt.add_row(c["name"], c["type"], c["codes"] or "", c["description"])
    console.print(rt)
    if withheld:
        console.print("read but never stored: " + ", ".join(w["name"] for w in withheld))


releases_app = typer.Typer(help="Releases in the store.", no_args_is_help=True)


@releases_app.command("list")
def releases_list(home: Path | None = HomeOption, as_json: bool = JsonOption):
    """Releases in the release store, with their files."""
    from iceledger.pipeline.release_store import ReleaseStore

    ms = ReleaseStore(settings_for(home).ensure()).all()
    data = [m.model_dump(mode="json") for m in ms]
    if as_json:
        emit_json(data)
        return
    for m in ms:
        console.print(f"{m.release_id}  era {m.era}  {'SYNTHETIC' if m.synthetic else 'real'}  {len(m.files)} files")
        for f in m.files:
            console.print(f"   {f.name}  {f.table}  sha256 {f.sha256}")


@releases_app.command("remove")
@handles_errors(None)
def releases_remove(release_id: str, home: Path | None = HomeOption):
    """Remove a release from the store and rebuild the ledger without it."""
    from iceledger.pipeline.build import build as run_build
    from iceledger.pipeline.release_store import ReleaseStore

    settings = settings_for(home)
    store = ReleaseStore(settings.ensure())
    if store.get(release_id) is None:
        raise NotFoundError("unknown_release", f"no release {release_id!r} in the store",
                            fix="see `iceledger releases list`")
    backup = store.get(release_id)
    store.remove(release_id)
    try:
        run_build(settings)
    except BaseException:
        store.save(backup)
        raise
    console.print(f"release {release_id} removed; ledger rebuilt")


def where_table(name: str) -> str:
    return name if name.startswith("core_") else f"core_{name}"


@handles_errors()
def quarantine(
    table: str | None = typer.Option(None, "--table"),
    reason: str | None = typer.Option(None, "--reason", help="A reason code, e.g. bad_event_unparseable."),
    limit: int = typer.Option(20, "--limit"),
    home: Path | None = HomeOption,
    as_json: bool = JsonOption,
):
    """Show quarantined rows and values with their reasons and raw text, and how many values fall outside
    their code lists (local ledger only, never published)."""
    from iceledger.validation.checks import outside_code_lists

    with open_ledger(settings_for(home)) as con:
        where, params = [], []
        if table:
            where.append("table_name = ?")
            params.append(where_table(table))
        if reason:
            where.append("reason_code = ?")
            params.append(reason)
        cond = ("WHERE " + " AND ".join(where)) if where else ""
        total = con.execute(f"SELECT count(*) FROM quarantine {cond}", params).fetchall()[0][0]
        cur = con.execute(f"SELECT table_name, source_file, source_sheet, source_row, scope, column_name, reason_code, "
                          f"reason, raw_value FROM quarantine {cond} ORDER BY 1, 2, 3, 4 LIMIT ?", params + [limit])
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
        outside = [o for o in outside_code_lists(con) if not table or o["table"] == where_table(table)]
    outside = [{"table_name": o["table"], "field_name": o["field"], "declared_list": o["list"],
                "values": len(o["values"]), "rows": o["rows"]} for o in outside]
    if as_json:
        emit_json(rows, total=total, shown=len(rows), outside_code_lists=outside)
        return
    for r in rows:
        console.print(f"{r['table_name']} {r['source_file']} sheet {r['source_sheet']} row {r['source_row']} "
                      f"[{r['scope']}] {r['reason']}", highlight=False, markup=False)
    console.print(f"showing {len(rows)} of {total}" + (" (use --limit for more)" if total > len(rows) else ""))
    for o in outside:
        console.print(f"{o['table_name']}.{o['field_name']}: {o['values']:,} values outside {o['declared_list']} "
                      f"({o['rows']:,} rows), kept as ICE wrote them and published as other or not recorded "
                      "(`iceledger validate` lists them)", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(build)
    app.command()(status)
    app.command()(validate)
    app.command()(describe)
    app.command()(quarantine)
    app.add_typer(releases_app, name="releases")
