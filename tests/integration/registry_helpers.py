"""One ledger with the facilities and 287(g) registries (and the geography they resolve against), built once per
test session from the bundled real data and shared by the registry test modules."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from iceledger.pipeline.build import build
from iceledger.settings import load_settings

STEPS = [("sources", "iceledger.sources.bundled:load_sources"), ("geography", "iceledger.sources.geography.load:load_geography"),
         ("facilities", "iceledger.sources.facilities.load:load_facilities"), ("g287", "iceledger.sources.g287.load:load_g287")]


@cache
def registry_ledger():
    """(settings, build report) of the shared ledger; removed when the session ends."""
    folder = Path(tempfile.mkdtemp(prefix="iceledger-registries-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    settings = load_settings(folder / "home").ensure()
    return settings, build(settings, steps=STEPS)
