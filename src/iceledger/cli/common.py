"""Shared CLI pieces: the --home option, asking the ledger, JSON/text output, and turning errors into clear messages."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from iceledger.envelope import failure, success
from iceledger.errors import IceledgerError
from iceledger.settings import Settings, load_settings

T = TypeVar("T")
console = Console()
err_console = Console(stderr=True)

HomeOption = typer.Option(None, "--home", envvar="ICELEDGER_HOME",
                          help="Folder holding ledger.duckdb, public.duckdb and the release store (default ./var).")
JsonOption = typer.Option(False, "--json", help="Print one JSON envelope instead of text.")
AorOption = typer.Option(None, "--aor", help="AOR code, e.g. SEA.")


def settings_for(home: Path | None) -> Settings:
    return load_settings(home)


def ask_ledger(home: Path | None, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(con, *args, **kwargs)`` on the ledger of ``home``, opened read-only and closed once it answers."""
    from iceledger.pipeline.ledger import open_ledger

    with open_ledger(settings_for(home)) as con:
        return fn(con, *args, **kwargs)


def emit_json(data: Any, **meta: Any) -> None:
    sys.stdout.write(json.dumps(success(data, **meta), indent=2, default=str) + "\n")


def handles_errors(json_flag: str | None = "as_json"):
    """Decorator: an IceledgerError becomes a message (or a JSON failure envelope) and exit status 2."""

    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except IceledgerError as exc:
                if json_flag and kwargs.get(json_flag):
                    sys.stdout.write(json.dumps(failure(exc), indent=2, default=str) + "\n")
                else:
                    err_console.print(Text.assemble(("error ", "bold red"), f"[{exc.code}] {exc}"))
                raise typer.Exit(2) from None

        return inner

    return wrap
