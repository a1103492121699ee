"""The local analyst database: the lattice's tables computed exactly (no suppression) from the
ledger, for `iceledger serve` on 127.0.0.1. Marked ``is_exact``; the public server refuses it.
Rebuilt when the ledger is newer than it."""

from __future__ import annotations

from pathlib import Path

from iceledger.errors import NotFoundError
from iceledger.publish.publication import publish
from iceledger.settings import Settings


def analyst_path(settings: Settings) -> Path:
    return settings.home / "analyst.duckdb"


def ensure_analyst_db(settings: Settings, progress=lambda *a, **k: None) -> Path:
    path = analyst_path(settings)
    if not settings.ledger_path.exists():
        raise NotFoundError("no_ledger", f"there is no ledger at {settings.ledger_path}",
                            fix="run `iceledger build` or `iceledger demo` first, or pass --home")
    if not path.exists() or path.stat().st_mtime < settings.ledger_path.stat().st_mtime:
        publish(settings, exact=True, out=path, progress=progress)
    return path
