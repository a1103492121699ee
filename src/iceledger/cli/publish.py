"""`iceledger publish`: write public.duckdb through the disclosure gate."""

from __future__ import annotations

from pathlib import Path

import typer

from iceledger.cli.common import HomeOption, JsonOption, console, emit_json, handles_errors, settings_for


@handles_errors()
def publish(
    home: Path | None = HomeOption,
    threshold: int | None = typer.Option(None, "--threshold", min=1, max=1000,
                                            help="Withhold counts from 1 to this (default: publish/policy.yaml, 10)."),
    as_json: bool = JsonOption,
):
    """Write <home>/public.duckdb: the lattice's tabulations after suppression, the registries, release
    metadata, claim results and the suppression audit. Atomic: a reader never sees half of it."""

    from iceledger.cli.ledger import _progress_bar
    from iceledger.publish.publication import publish as run

    settings = settings_for(home)
    bar, report = _progress_bar()
    if as_json:
        rep = run(settings, threshold=threshold)
        emit_json(rep.summary, findings=[f.to_dict() for f in rep.findings])
        return
    with bar:
        rep = run(settings, threshold=threshold, progress=report)
    s = rep.summary
    console.print(f"published {s['path']} (threshold {s['threshold']}): {s['cells'].get('published', 0):,} cells shown, "
                  f"{s['cells'].get('withheld_small', 0):,} withheld as small, "
                  f"{s['cells'].get('withheld_changed', 0):,} as changed by little since shown, "
                  f"{s['cells'].get('withheld_complementary', 0):,} withheld to protect them")
    console.print(f"  registries: {', '.join(s['registries']) or 'none'}; claims: {s['claims']}")
    for note in s["notes"]:
        console.print(f"  note: {note}")
    for f in rep.findings:
        console.print(f"  {f.line()}")


def register(app: typer.Typer) -> None:
    app.command()(publish)
