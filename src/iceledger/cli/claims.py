"""`iceledger claims check|validate`: published claims checked against ICE's published figures and,
when loaded, ICE's records."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer

from iceledger.cli.common import HomeOption, JsonOption, console, emit_json, handles_errors, settings_for

claims_app = typer.Typer(help="Published claims checked against ICE's figures and records (docs/claims.md).",
                         no_args_is_help=True)
FilesArgument = typer.Argument(None, help="Claim files (YAML). Default: the seed claims shipped with iceledger.")


@claims_app.command("check")
@handles_errors()
def claims_check(
    files: list[Path] | None = FilesArgument,
    markdown: bool = typer.Option(False, "--markdown", help="Print a Markdown report a reporter can paste."),
    home: Path | None = HomeOption,
    as_json: bool = JsonOption,
):
    """Give each claim a verdict (supported, contradicted, not testable) with the value, the official
    figure, the source, and the query and releases behind it."""
    from iceledger.claims import check_claims
    from iceledger.claims.claim_report import render_markdown, render_text
    from iceledger.errors import InputError

    if as_json and markdown:
        raise InputError("bad_option", "--json and --markdown both asked for", fix="choose one output")
    settings = settings_for(home)
    results = check_claims(files, home=settings.home)
    if as_json:
        emit_json([r.to_dict() for r in results], count=len(results),
                  verdicts=dict(Counter(r.verdict for r in results)),
                  files=list(dict.fromkeys(r.file for r in results)), ledger=str(settings.ledger_path))
    elif markdown:
        console.file.write(render_markdown(results, ledger=str(settings.ledger_path)))
    else:
        render_text(results, console)


@claims_app.command("validate")
@handles_errors()
def claims_validate(files: list[Path] | None = FilesArgument, as_json: bool = JsonOption):
    """Read and validate claim files without a ledger: every problem names the file, line, claim and field."""
    from iceledger.claims import load_claims

    loaded = load_claims(files)
    counts = Counter(lc.file for lc in loaded)
    if as_json:
        emit_json([{"claim_id": lc.claim.id, "file": lc.file, "line": lc.line()} for lc in loaded],
                  count=len(loaded), files=dict(counts))
        return
    for f, n in counts.items():
        console.print(f"{f}: {n} claim{'s' if n != 1 else ''}, valid", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(claims_app, name="claims")
