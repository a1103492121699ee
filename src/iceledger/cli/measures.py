"""Measure commands: measure, funnel, window, detention, export-parquet. Each prints a table and the
provenance of its figures (releases, data-quality flags, notes; the SQL with --sql), or with --json
one envelope holding rows and provenance."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table as RichTable

from iceledger.cli.common import HomeOption, JsonOption, console, emit_json, handles_errors, settings_for
from iceledger.errors import InputError
from iceledger.measures.catalog import subjects
from iceledger.metadata import listing

EngineOption = typer.Option("duckdb", "--engine", help="duckdb (default) or spark (local mode over a Parquet export).")
ParquetOption = typer.Option(None, "--parquet", help="Parquet export to run Spark on (default <home>/parquet, refreshed when stale).")
WhereOption = typer.Option(None, "--where", help="Filter DIM=VALUE or DIM=V1,V2 (repeatable), e.g. --where aor_code=SEA.")
ByOption = typer.Option("", "--by", help="Up to three dimensions, comma-separated, e.g. month,aor_code.")
FromOption = typer.Option(None, "--from", help="First day (YYYY-MM-DD), inclusive.")
ToOption = typer.Option(None, "--to", help="Last day (YYYY-MM-DD), inclusive.")
ReleaseOption = typer.Option(None, "--release", help="Pin to these releases (repeatable); default: the latest per table and era.")
SyntheticOption = typer.Option("auto", "--synthetic", help="auto (real rows when any, else synthetic), include, exclude or only.")
DuplicatesOption = typer.Option(False, "--duplicates", help="Count rows flagged as likely duplicates too.")
NamespaceOption = typer.Option(None, "--namespace", help="Only this identifier namespace (release era), e.g. L2.")
SqlOption = typer.Option(False, "--sql", help="Also print the SQL that ran.")


def parse_where(items: list[str] | None) -> dict[str, str | list[str]]:
    """``["aor_code=SEA,NYC", "gender=Male"]`` → ``{"aor_code": ["SEA", "NYC"], "gender": "Male"}``."""
    out: dict[str, str | list[str]] = {}
    for item in items or []:
        dim, sep, value = item.partition("=")
        dim = dim.strip()
        values = [v.strip() for v in value.split(",") if v.strip()]
        if not sep or not dim or not values:
            raise InputError("bad_filter", f"--where {item!r} is not DIM=VALUE",
                             fix="write e.g. --where aor_code=SEA or --where aor_code=SEA,NYC")
        if dim in out:
            raise InputError("bad_filter", f"--where gives {dim} twice", fix=f"list the values once: --where {dim}=A,B")
        out[dim] = values if len(values) > 1 else values[0]
    return out


def _common(where, date_from, date_to, release, synthetic, duplicates, namespace) -> dict:
    return {"where": parse_where(where), "date_from": date_from, "date_to": date_to,
            "releases": list(release) if release else "latest", "synthetic": synthetic,
            "count_duplicates": duplicates, "namespace": namespace}


PLAIN = ("fy", "year", "population_year", "baseline_weeks")


def _cell(v, column: str = "") -> str:
    if v is None:
        return "—"
    if column in PLAIN or column.endswith("_id"):
        return " ".join(str(x) for x in v) if isinstance(v, list) else str(v)
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1 else f"{v:,.2f}".rstrip("0").rstrip(".")
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    if isinstance(v, list):
        return " ".join(_cell(x) for x in v)
    return str(v)


def render(result, *, show_sql: bool = False) -> None:
    """Rows as a table, then where they came from."""
    prov = result.provenance
    title = f"{result.kind}: {result.spec.get('count') or ''}".rstrip(": ")
    if result.is_synthetic:
        title += "  [SYNTHETIC DATA]"
    t = RichTable(title=title)
    for c in result.columns:
        t.add_column(c, justify="left" if c in result.spec.get("by", []) or c == "period" else "right", overflow="fold")
    for r in result.rows:
        t.add_row(*[_cell(r.get(c), c) for c in result.columns])
    console.print(t)
    for rel in prov.get("releases", []):
        files = ", ".join(f"{f['file_name']} ({(f['sha256'] or '')[:12]})" for f in rel["files"])
        label = " SYNTHETIC" if rel["is_synthetic"] else ""
        console.print(f"release {rel['release_id']}{label} · era {rel['era']} · runs "
                      f"{', '.join(r['run_id'] for r in rel['runs']) or '—'} · {files}", highlight=False, markup=False)
        if rel.get("citation"):
            console.print(f"  source: {rel['citation']}", highlight=False, markup=False)
    if result.kind == "window":
        _render_window(prov)
    d = prov.get("date")
    if d:
        by = d.get("rows_by_basis")
        split = f" ({', '.join(f'{n:,} rows by {k}' for k, n in by.items())})" if by else ""
        console.print(f"dated by {d['basis']} [{d['column']}]{split}", highlight=False, markup=False)
    q = prov.get("quality") or {}
    if q:
        console.print(f"rows counted {q['rows_counted']:,}; without AOR {q['rows_without_aor']:,} ({_cell(q['share_without_aor'])}); "
                      f"duplicates {'counted' if q['duplicates_counted'] else 'left out'} "
                      f"({_cell(q['duplicates_left_out'])} left out of {_cell(q['duplicates_flagged'])} flagged); "
                      f"left out as overlap {_cell(q['rows_left_out_as_overlap'])}; "
                      f"synthetic rows counted {q['synthetic_rows_counted']:,}", highlight=False, markup=False)
    for sel in prov.get("selection", []):
        for s in sel["set_aside"]:
            console.print(f"{sel['table']}: set aside {s['release_id']} ({s['reason']})", highlight=False, markup=False)
        for o in sel["overlaps_left_out"]:
            where = f" in AOR {o['aor_code']}" if o.get("aor_code") else ""
            console.print(f"{sel['table']}: rows of {o['release_id']}{where} dated {o['from']}..{o['to']} left out "
                          f"(covered by {o['covered_by']})", highlight=False, markup=False)
    for n in prov.get("notes", []):
        console.print(f"note: {n}", highlight=False, markup=False)
    if show_sql:
        for s in prov.get("sql", []):
            console.print(f"-- {s['purpose']}\n{s['sql']};", highlight=False, markup=False)


def _render_window(prov: dict) -> None:
    """The window's overall line, beside the announced total when the window is an operation's."""
    o, w = prov["overall"], prov["window"]
    line = (f"all areas: {_cell(o['window_n'])} on {w['from']}..{w['to']} against a mean of {_cell(o['baseline_mean'])} on the "
            f"same weekdays of the {w['weeks']} weeks before ({_cell(o['baseline_weeks'])}, oldest first); excess "
            f"{_cell(o['excess'])}")
    a = prov.get("announced")
    if a and a.get("total") is not None:
        line += f"; announced for operation {a['operation']}: {_cell(a['total'])}" + (f" (figure {a['figure_id']})" if a.get("figure_id") else "")
    console.print(line, highlight=False, markup=False)


def _run(settings, engine: str, parquet: Path | None, fn, spec):
    from iceledger.measures.engine import open_engine

    with open_engine(settings, engine, parquet_dir=parquet) as eng:
        return fn(spec, engine=eng)


def _emit(result, as_json: bool, show_sql: bool) -> None:
    if as_json:
        emit_json(result.to_dict())
    else:
        render(result, show_sql=show_sql)


def register(app: typer.Typer) -> None:
    @app.command("measure")
    @handles_errors()
    def measure_cmd(
        count: str = typer.Argument(..., help=listing(subjects()) + "."),
        by: str = ByOption, where: list[str] | None = WhereOption,
        date_from: dt.datetime | None = FromOption, date_to: dt.datetime | None = ToOption,
        people: bool = typer.Option(False, "--people", help="Count distinct people (one identifier namespace only)."),
        share: bool = typer.Option(False, "--share", help="Add each row's share of its group."),
        compare: str | None = typer.Option(None, "--compare", help="'year' (same period a year earlier) or a DATE (before/after it; needs --from and --to)."),
        rate: bool = typer.Option(False, "--rate", help="Add rates per 100,000 residents where population is known."),
        policy: str | None = typer.Option(None, "--policy", help="Policy id for the policy_period dimension."),
        release: list[str] | None = ReleaseOption, synthetic: str = SyntheticOption, duplicates: bool = DuplicatesOption,
        namespace: str | None = NamespaceOption, engine: str = EngineOption, parquet: Path | None = ParquetOption,
        sql: bool = SqlOption, home: Path | None = HomeOption, as_json: bool = JsonOption,
    ):
        """Count events or distinct people by up to three dimensions, with provenance."""
        from iceledger.measures import MeasureSpec, measure

        data = {"count": count, "by": by, "unit": "people" if people else "events", "share": share, "rate": rate,
                "policy": policy, **_common(where, date_from and date_from.date(), date_to and date_to.date(),
                                            release, synthetic, duplicates, namespace)}
        if compare:
            if compare == "year":
                data["compare"] = "year_earlier"
            else:
                data.update(compare="before_after", compare_date=compare)
        _emit(_run(settings_for(home), engine, parquet, measure, MeasureSpec.parse(data)), as_json, sql)

    @app.command("funnel")
    @handles_errors()
    def funnel_cmd(
        by: str = ByOption, within_days: int = typer.Option(30, "--within-days", help="Days after the detainer for ICE custody to count."),
        where: list[str] | None = WhereOption, date_from: dt.datetime | None = FromOption, date_to: dt.datetime | None = ToOption,
        release: list[str] | None = ReleaseOption, synthetic: str = SyntheticOption, duplicates: bool = DuplicatesOption,
        namespace: str | None = NamespaceOption, engine: str = EngineOption, parquet: Path | None = ParquetOption,
        sql: bool = SqlOption, home: Path | None = HomeOption, as_json: bool = JsonOption,
    ):
        """The detainer funnel: lodged → lift reason → ICE custody within N days → removal."""
        from iceledger.measures import FunnelSpec, funnel

        spec = FunnelSpec.parse({"by": by, "within_days": within_days, **_common(
            where, date_from and date_from.date(), date_to and date_to.date(), release, synthetic, duplicates, namespace)})
        _emit(_run(settings_for(home), engine, parquet, funnel, spec), as_json, sql)

    @app.command("window")
    @handles_errors()
    def window_cmd(
        count: str = typer.Option("arrests", "--count", help="What is counted."), by: str = typer.Option("aor_code", "--by"),
        operation: str | None = typer.Option(None, "--operation", help="Operation slug (operations registry) giving window and areas."),
        weeks: int = typer.Option(4, "--weeks", help="Earlier weeks in the baseline."),
        where: list[str] | None = WhereOption, date_from: dt.datetime | None = FromOption, date_to: dt.datetime | None = ToOption,
        release: list[str] | None = ReleaseOption, synthetic: str = SyntheticOption, duplicates: bool = DuplicatesOption,
        namespace: str | None = NamespaceOption, engine: str = EngineOption, parquet: Path | None = ParquetOption,
        sql: bool = SqlOption, home: Path | None = HomeOption, as_json: bool = JsonOption,
    ):
        """Counts in an operation window (at most 7 days) against the same weekdays in the weeks before."""
        from iceledger.measures import WindowSpec, operation_window

        spec = WindowSpec.parse({"count": count, "by": by, "operation": operation, "weeks": weeks, **_common(
            where, date_from and date_from.date(), date_to and date_to.date(), release, synthetic, duplicates, namespace)})
        _emit(_run(settings_for(home), engine, parquet, operation_window, spec), as_json, sql)

    @app.command("detention")
    @handles_errors()
    def detention_cmd(
        date_from: dt.datetime = typer.Option(..., "--from"), date_to: dt.datetime = typer.Option(..., "--to"),
        by: str = ByOption, where: list[str] | None = WhereOption,
        release: list[str] | None = ReleaseOption, synthetic: str = SyntheticOption, duplicates: bool = DuplicatesOption,
        namespace: str | None = NamespaceOption, engine: str = EngineOption, parquet: Path | None = ParquetOption,
        sql: bool = SqlOption, home: Path | None = HomeOption, as_json: bool = JsonOption,
    ):
        """Detention population (average daily population), book-ins and length of stay."""
        from iceledger.measures import PopulationSpec, detention_population

        spec = PopulationSpec.parse({"by": by, **_common(where, date_from.date(), date_to.date(), release, synthetic,
                                                         duplicates, namespace)})
        _emit(_run(settings_for(home), engine, parquet, detention_population, spec), as_json, sql)

    @app.command("export-parquet")
    @handles_errors()
    def export_cmd(out: Path | None = typer.Argument(None, help="Folder (default <home>/parquet)."),
                   home: Path | None = HomeOption, as_json: bool = JsonOption):
        """Export the ledger's canonical, bookkeeping and registry tables to Parquet (for Spark). Record-level: keep private."""
        from iceledger.measures.export import ensure_export

        settings = settings_for(home)
        target = out or settings.home / "parquet"
        index = ensure_export(settings, target)
        if as_json:
            emit_json({"folder": str(target), **index})
            return
        for name, n in index["tables"].items():
            console.print(f"{target / (name + '.parquet')}: {n:,} rows", highlight=False, markup=False)
