"""`iceledger demo`: the README's main job."""

from __future__ import annotations

from pathlib import Path

import typer

from iceledger.cli.common import HomeOption, console, handles_errors, settings_for


@handles_errors(None)
def demo(
    home: Path | None = HomeOption,
    scale: float = typer.Option(1.0, "--scale", help="Scale the synthetic sample's row counts."),
    synthetic_only: bool = typer.Option(False, "--synthetic-only",
                                        help="Leave out ICE's bundled real releases: a small, all-SYNTHETIC demo."),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the dashboard when the build is done."),
    port: int = typer.Option(8000, "--port"),
):
    """Build the ledger from ICE's bundled real releases and registries, plus a labelled SYNTHETIC sample where
    no real release reaches (detainers, FY2023 on), publish it through the disclosure gate, then serve the
    dashboard and API from the public database."""
    from iceledger.cli.ledger import _progress_bar
    from iceledger.demo import run_demo
    from iceledger.pipeline.ledger import open_ledger
    from iceledger.pipeline.status import ledger_status

    settings = settings_for(home)
    bar, report = _progress_bar()
    with bar:
        result = run_demo(settings, scale=scale, real=not synthetic_only, progress=report)
    rep = result["build"]
    console.print(f"ledger built at {settings.ledger_path} ({rep.counts()['warning']} warnings, {rep.counts()['error']} errors)")
    con = open_ledger(settings)
    try:
        st = ledger_status(con)
    finally:
        con.close()
    for r in st["releases"]:
        console.print(f"  release {r['release_id']} ({r['era']}) {'SYNTHETIC' if r['is_synthetic'] else 'real'}: {r['files']} files")
    for t in st["tables"]:
        console.print(f"  {t['table']}: {t['rows']:,} rows ({t['synthetic_rows']:,} SYNTHETIC)")
    pub = result.get("publish")
    if pub is not None:
        cells = pub.summary["cells"]
        console.print(f"published {settings.public_path}: {cells.get('published', 0):,} cells shown, "
                      f"{sum(n for k, n in cells.items() if k.startswith('withheld')):,} withheld by the gate")
    if serve:
        from iceledger.cli.serve import serve_ledger

        console.print(f"the dashboard: http://127.0.0.1:{port}/  (Spanish: http://127.0.0.1:{port}/?lang=es)")
        serve_ledger(settings, port=port, public=True)


def register(app: typer.Typer) -> None:
    app.command()(demo)
