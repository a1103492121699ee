"""Bundled reference data and its sources manifest (data/sources/*.yaml, one file per source).

Each manifest names the source (title, kind, origin, licence, retrieved date) and the files
copied or derived from it under data/, with their sha256. `check_bundled()` verifies every file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from iceledger.errors import BuildError
from iceledger.settings import DATA_DIR
from iceledger.sources.step import StepResult, sha256_of


@dataclass(frozen=True)
class BundledFile:
    path: str  # relative to data/
    sha256: str
    derived_from: str | None = None


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    kind: str
    origin: str
    licence: str
    retrieved: dt.date | None
    files: tuple[BundledFile, ...] = ()
    notes: str = ""
    manifest: str = field(default="", compare=False)
    foia_request: str | None = None
    rights: str | None = None  # what may be done with the files (record-level sources: private ledger only)
    release_manifest: str | None = None  # record-level sources: the release manifest `iceledger ingest --manifest` takes


@cache
def sources(data_dir: Path = DATA_DIR) -> dict[str, Source]:
    out = {}
    for p in sorted((data_dir / "sources").glob("*.yaml")):
        d = yaml.safe_load(p.read_text())
        sid = d["id"]
        if sid in out:
            raise BuildError("duplicate_source", f"source id {sid!r} is declared twice ({p.name})", fix="rename one")
        out[sid] = Source(
            id=sid, title=d["title"], kind=d["kind"], origin=d["origin"], licence=d["licence"],
            retrieved=d.get("retrieved"), notes=(d.get("notes") or "").strip(), manifest=p.name,
            foia_request=d.get("foia_request"), rights=(d.get("rights") or "").strip() or None,
            release_manifest=d.get("release_manifest"),
            files=tuple(BundledFile(f["path"], f["sha256"], f.get("derived_from")) for f in d.get("files") or ()),
        )
    return out


def source(source_id: str) -> Source:
    try:
        return sources()[source_id]
    except KeyError:
        raise BuildError("unknown_source", f"no bundled source {source_id!r}", fix="add data/sources/<id>.yaml") from None


def bundled_path(rel: str, data_dir: Path = DATA_DIR) -> Path:
    """Path of a bundled file, which must be listed in some source manifest."""
    listed = {f.path for s in sources(data_dir).values() for f in s.files}
    if rel not in listed:
        raise BuildError("unlisted_file", f"data/{rel} is not listed in any data/sources/*.yaml manifest",
                         fix="list it with its sha256 in the manifest of the source it comes from")
    return data_dir / rel


def check_bundled(data_dir: Path = DATA_DIR) -> list[str]:
    """Problems with the bundled files: missing, changed, or present but unlisted. Empty when all is well."""
    problems = []
    listed = set()
    for s in sources(data_dir).values():
        if s.release_manifest:
            listed.add(s.release_manifest)
            if not (data_dir / s.release_manifest).exists():
                problems.append(f"{s.manifest}: data/{s.release_manifest} (its release manifest) is missing")
        for f in s.files:
            listed.add(f.path)
            p = data_dir / f.path
            if not p.exists():
                problems.append(f"{s.manifest}: data/{f.path} is missing")
            elif sha256_of(p) != f.sha256:
                problems.append(f"{s.manifest}: data/{f.path} has changed (sha256 differs from the manifest)")
    for p in sorted(data_dir.rglob("*")):
        rel = p.relative_to(data_dir).as_posix()
        if p.is_file() and not rel.startswith("sources/") and rel not in listed and p.name != "README.md":
            problems.append(f"data/{rel} is not listed in any source manifest")
    return problems


def load_sources(con, ctx):
    """Build step: the ref_sources registry."""
    problems = check_bundled()
    if problems:
        raise BuildError("bundled_data_changed", "; ".join(problems[:5]),
                         fix="restore the files from git, or update the manifest with the new sha256 and say why")
    rows = [[s.id, s.title, s.kind, s.origin, s.licence, s.retrieved, [f"{f.path}:{f.sha256}" for f in s.files], s.notes,
             s.foia_request, s.rights] for s in sources().values()]
    if rows:
        con.executemany("INSERT INTO ref_sources (source_id, source_title, source_kind, source_origin, source_licence, "
                        "retrieved_date, bundled_files, source_notes, source_foia_request, source_rights) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return StepResult({"ref_sources": len(rows)})
