"""Where iceledger keeps its files. One place, overridable by ``ICELEDGER_HOME`` or ``--home``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
# Bundled, cited reference data (data/sources/*.yaml). The package reaches it through its `data`
# link to the project's data/ folder, which a wheel ships as files, so installed copies find it too.
DATA_DIR = Path(os.environ.get("ICELEDGER_DATA", PACKAGE_DIR / "data"))
# The team's shared real data, present on developer and CI machines only.
SHARED_DATA_DIR = Path(os.environ.get("ICELEDGER_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data"))


@dataclass(frozen=True)
class Settings:
    """Paths of one iceledger home: the ledger, the public database, the release store."""

    home: Path

    @property
    def ledger_path(self) -> Path:
        return self.home / "ledger.duckdb"

    @property
    def public_path(self) -> Path:
        return self.home / "public.duckdb"

    @property
    def releases_dir(self) -> Path:
        return self.home / "releases"

    @property
    def lock_path(self) -> Path:
        return self.home / ".build.lock"

    def ensure(self) -> Settings:
        self.home.mkdir(parents=True, exist_ok=True)
        self.releases_dir.mkdir(parents=True, exist_ok=True)
        return self


def load_settings(home: str | Path | None = None) -> Settings:
    """Settings for ``home``, else ``$ICELEDGER_HOME``, else ``./var``."""
    chosen = home or os.environ.get("ICELEDGER_HOME") or Path.cwd() / "var"
    return Settings(home=Path(chosen).resolve())
