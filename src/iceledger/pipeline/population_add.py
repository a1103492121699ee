"""`iceledger population add`: check a population file, keep it in the home's store and load it into
the ledger in one atomic step. Reading the file is sources/population.py's; this is the pipeline's part.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import yaml

from iceledger.errors import InputError, Location
from iceledger.pipeline.ledger import atomic_ledger
from iceledger.settings import Settings
from iceledger.sources.population import (
    PopulationRow,
    PopulationSource,
    insert_source,
    read_population_file,
    store_dir,
)
from iceledger.sources.step import sha256_of
from iceledger.validation import Finding


def add_population(settings: Settings, path: Path, *, source_id: str, title: str, origin: str, licence: str,
                   retrieved: dt.date | None = None) -> tuple[PopulationSource, list[PopulationRow], list[Finding]]:
    """Check a population file, keep it in the store and load it into the ledger (atomically)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", source_id):
        raise InputError("bad_source_id", f"source id {source_id!r} is not a plain identifier",
                         fix="use lower-case letters, digits, dots and dashes, e.g. census-co-est2023")
    path = Path(path)
    rows, findings = read_population_file(path)
    if not rows:
        raise InputError("no_population_rows", "the file has no population rows", fix="check that it is the right file",
                         location=Location(file=path.name))
    src = PopulationSource(source_id, title, origin, licence, retrieved, path.name, sha256_of(path))
    folder = store_dir(settings.ensure()) / source_id
    with atomic_ledger(settings, fresh=False) as con:
        insert_source(con, src, rows)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        shutil.copyfile(path, folder / path.name)
        (folder / "source.yaml").write_text(yaml.safe_dump(src.to_yaml(), sort_keys=False))
    return src, rows, findings
