"""`iceledger synth`: write a SYNTHETIC release in a real LESA layout."""

from __future__ import annotations

from pathlib import Path

import typer

from iceledger.cli.common import JsonOption, console, emit_json, handles_errors
from iceledger.metadata import core_tables, listing


@handles_errors()
def synth(
    out: Path = typer.Argument(..., help="Folder to write the workbooks and manifest.json into."),
    era: str = typer.Option(..., "--era", help="H-ACLU, H-UWCHR-ENF, H-UWCHR-DET, L1, L2 or L3."),
    table: str = typer.Option(..., "--table", help=listing(t.name.removeprefix("core_") for t in core_tables()) + "."),
    rows: int = typer.Option(10_000, "--rows", min=1),
    seed: int = typer.Option(1, "--seed"),
    sheet_rows: int = typer.Option(1_048_576, "--sheet-rows", help="Split sheets at this many data rows (Excel's limit by default)."),
    fmt: str = typer.Option("xlsx", "--format", help="xlsx, or csv (UWCHR-style exports with banner lines)."),
    banner_rows: int | None = typer.Option(None, "--banner-rows", help="Banner rows above the header (the era's count by default)."),
    release: str | None = typer.Option(None, "--release", help="Release id for the manifest."),
    as_json: bool = JsonOption,
):
    """Write SYNTHETIC workbooks in an era's real layout, plus a manifest that says they are synthetic."""
    from iceledger.synth import synthesize

    m = synthesize(era, table, rows, seed, out, sheet_rows=sheet_rows, fmt=fmt, banner_rows=banner_rows, release_id=release)
    if as_json:
        emit_json(m.model_dump(mode="json"))
        return
    console.print(f"SYNTHETIC release {m.release_id}: {rows:,} {table} rows in the {era} layout, seed {seed}")
    for f in m.files:
        console.print(f"  {out / f.name}  sha256 {f.sha256[:16]}…")
    console.print(f"  manifest: {out / 'manifest.json'}  (ingest with: iceledger ingest --manifest {out / 'manifest.json'})")


def register(app: typer.Typer) -> None:
    app.command()(synth)
