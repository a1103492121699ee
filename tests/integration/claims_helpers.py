"""A ledger built by `iceledger build` (the registries from the bundled data), once per test session,
copied into each test's home so tests can add hand-made releases without touching the others."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from iceledger.pipeline.build import build
from iceledger.settings import Settings, load_settings


@cache
def built_registries() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="iceledger-claims-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    settings = load_settings(folder / "home").ensure()
    build(settings)
    return settings.ledger_path


def registry_home(folder: Path) -> Settings:
    """A home in ``folder`` holding a copy of the registry ledger."""
    settings = load_settings(folder / "home").ensure()
    shutil.copyfile(built_registries(), settings.ledger_path)
    return settings
