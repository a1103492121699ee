"""`iceledger serve`: the read-only API (and the dashboard, when present).

`--public` serves public.duckdb only and refuses a ledger. Plain `serve` is the local analyst mode:
exact figures from the ledger, bound to 127.0.0.1 only, and every response says so.
"""

from __future__ import annotations

from pathlib import Path

import typer

from iceledger.cli.common import HomeOption, console, handles_errors, settings_for
from iceledger.errors import InputError
from iceledger.settings import Settings

LOOPBACK = "127.0.0.1"


def serve_ledger(settings: Settings, port: int = 8000, public: bool = False, host: str = LOOPBACK) -> None:
    """Serve the API on ``host:port`` until interrupted (the analyst mode only ever on 127.0.0.1)."""
    import uvicorn

    from iceledger.server import create_app

    if not public and host != LOOPBACK:
        raise InputError("analyst_mode_loopback", f"the local analyst mode shows exact figures and binds to {LOOPBACK} only, "
                         f"not {host}", fix="drop --host, or serve the gated publication with --public")
    if not public:
        console.print("local analyst mode: computing exact figures from the ledger (once per ledger build)...")
    app = create_app(settings, public)
    what = "public.duckdb (gated)" if public else "exact figures from the ledger (local analyst mode, never share them)"
    console.print(f"serving {what} at http://{host}:{port}/api/v1/  (docs at /api/docs)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


@handles_errors(None)
def serve(
    home: Path | None = HomeOption,
    public: bool = typer.Option(False, "--public", help="Serve public.duckdb only, read-only (refuses a ledger)."),
    host: str = typer.Option(LOOPBACK, "--host", help="Address to bind; other than 127.0.0.1 only with --public."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
):
    """Serve the read-only HTTP API (OpenAPI docs at /api/docs)."""

    settings = settings_for(home)
    if public:
        from iceledger.publish.query import PublicData

        PublicData.open(settings.public_path, public=True).close()  # refuse before binding anything
    serve_ledger(settings, port=port, public=public, host=host)


def register(app: typer.Typer) -> None:
    app.command()(serve)
