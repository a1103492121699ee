"""One small published home per test session, built with the real pipeline: the demo's registries
and a SYNTHETIC sample (scale 0.1), some hostile values planted in the ledger, then published.

Planted values (test-only edits of the ledger before publishing): a registry row named like a
script and like a spreadsheet formula, which the API and the downloads must render inert, and
arrests whose criminality reads like a formula, which is outside the criminality code list and so
must never be published at all.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from iceledger.demo import run_demo
from iceledger.publish.publication import publish
from iceledger.settings import Settings, load_settings

SCRIPT = "<script>alert('x')</script>"
FORMULA = "=HYPERLINK(\"http://example.invalid\",\"x\")"
FORMULA_CATEGORY = "@SUM(1+1)"
_BUILT: dict[str, Path] = {}


def plant_hostile_values(settings: Settings) -> None:
    con = duckdb.connect(str(settings.ledger_path))
    try:
        con.execute("UPDATE ref_aors SET aor_name = ? WHERE aor_code = 'SEA'", [SCRIPT])
        con.execute("UPDATE ref_aors SET field_office_name = ? WHERE aor_code = 'NYC'", [FORMULA])
        con.execute("UPDATE core_arrests SET apprehension_criminality = ? WHERE aor_code = 'HOU' "
                    "AND apprehension_criminality IS NOT NULL", [FORMULA_CATEGORY])
        con.execute("CHECKPOINT")
    finally:
        con.close()


def published_home(base: Path) -> Settings:
    """A home with ledger.duckdb and public.duckdb, built once per session and copied per caller."""
    if "home" not in _BUILT:
        settings = load_settings(base / "published-home").ensure()
        run_demo(settings, scale=0.1, real=False, publish=False)
        plant_hostile_values(settings)
        publish(settings, max_small_share=1.0)  # every declared family, however thin: the whole lattice is exercised
        _BUILT["home"] = settings.home
    return load_settings(_BUILT["home"])


def copy_home(src: Settings, dest: Path) -> Settings:
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("ledger.duckdb", "public.duckdb"):
        shutil.copyfile(src.home / name, dest / name)
    return load_settings(dest)
