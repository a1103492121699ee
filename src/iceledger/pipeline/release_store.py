"""Releases: a manifest per FOIA production (who, what, when, files with sha256, synthetic or not),
kept in the release store so a build can re-read every release. Releases are immutable.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from iceledger.errors import ReleaseError
from iceledger.metadata import code_list, field_, tables
from iceledger.settings import Settings
from iceledger.sources.step import sha256_of

RELEASE_ID_PATTERN = field_("release_id").pattern  # declared in metadata/fields/provenance.yaml
DELIMITER_NAMES = {"comma": ",", "pipe": "|", "tab": "\t", "semicolon": ";", "\\t": "\t"}


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def canonical_table(name: str) -> str:
    """'arrests' or 'core_arrests' → 'core_arrests'."""
    full = name if name.startswith("core_") else f"core_{name}"
    if full not in tables() or tables()[full].kind != "core":
        known = ", ".join(t.removeprefix("core_") for t, m in tables().items() if m.kind == "core")
        raise ReleaseError("unknown_table", f"{name!r} is not a LESA table", fix=f"use one of: {known}")
    return full


TableName = Annotated[str | None, AfterValidator(lambda v: canonical_table(v) if v else v)]  # 'arrests' → core_arrests


class SheetChoice(BaseModel):
    """What to do with one sheet of a workbook, where its header alone does not say."""

    model_config = ConfigDict(extra="forbid")
    table: TableName = None  # read the sheet as this table
    exclude: str | None = None  # do not read it as records, for this reason (notes, a pivot table, ...)

    @model_validator(mode="after")
    def _one(self):
        if self.table and self.exclude:
            raise ValueError("a sheet is either read as a table or excluded, not both")
        if self.exclude is not None and not self.exclude.strip():
            raise ValueError("excluding a sheet needs a reason")
        return self


class ManifestFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    table: TableName = None  # every sheet (or the CSV) is this table; detected from each header when omitted
    sha256: str | None = None
    size_bytes: int | None = None
    path: str | None = None  # where to read it; relative paths are relative to the manifest
    sheets: dict[str, SheetChoice] = Field(default_factory=dict)  # sheet name → its table, or why it is excluded
    columns: dict[str, str] = Field(default_factory=dict)  # source header → field, before the alias table
    delimiter: str | None = None  # delimited text: detected from the content when omitted
    encoding: str | None = None  # delimited text: detected from the content when omitted


    @field_validator("delimiter")
    @classmethod
    def _delimiter(cls, v: str | None) -> str | None:
        if v is None:
            return v
        v = DELIMITER_NAMES.get(v.lower(), v)
        if len(v) != 1:
            raise ValueError(f"a delimiter is one character (or one of {', '.join(DELIMITER_NAMES)}), not {v!r}")
        return v

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, v: str | None) -> str | None:
        if v is None:
            return v
        try:
            return codecs.lookup(v).name
        except LookupError:
            raise ValueError(f"unknown text encoding {v!r} (e.g. utf-8, cp1252, latin-1, utf-16)") from None

    def choices(self) -> dict:
        """What the manifest decided for this file, beyond its name and hash (recorded with the release)."""
        return self.model_dump(include={"table", "sheets", "columns", "delimiter", "encoding"}, exclude_defaults=True)


class Coverage(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")

    @model_validator(mode="after")
    def _order(self):
        if self.date_to < self.date_from:
            raise ValueError(f"coverage ends ({self.date_to}) before it starts ({self.date_from})")
        return self


class Manifest(BaseModel):
    release_id: str = Field(pattern=RELEASE_ID_PATTERN)
    agency: str = "ICE"
    foia_request: str | None = None
    received_date: dt.date | None = None
    era: str | None = None
    id_namespace: str | None = None
    licence: str | None = None
    description: str | None = None
    synthetic: bool
    aor: str | None = None  # the AOR of every row, for a release of one AOR without an AOR column
    coverage: Coverage | None = None  # the period the release says it covers
    citation: str | None = None  # how to cite the release wherever its counts are shown
    files: list[ManifestFile]
    synthetic_truth: dict | None = None  # for synthetic releases: what the generator planted (tests compare)
    registered_at: dt.datetime | None = None  # set by the store when the release is first ingested; not part of its hash

    @field_validator("era")
    @classmethod
    def _era(cls, v: str | None) -> str | None:
        if v is not None and v not in code_list("era").values:
            raise ValueError(f"unknown era {v!r}; use one of {', '.join(code_list('era').values)}")
        return v

    @field_validator("aor")
    @classmethod
    def _aor(cls, v: str | None) -> str | None:
        if v is not None and v.upper() not in code_list("aor").values:
            raise ValueError(f"unknown AOR code {v!r}; use one of {', '.join(code_list('aor').values)}")
        return v.upper() if v else v

    def namespace(self) -> str:
        return self.id_namespace or self.era or "unknown"

    def fingerprint(self) -> dict[str, str]:
        return {f.name: f.sha256 or "" for f in self.files}

    def choices(self) -> dict:
        """Everything the manifest decided about how to read the files (compared like the files' hashes)."""
        out: dict[str, object] = {f.name: f.choices() for f in self.files if f.choices()}
        if self.aor:
            out["(release) aor"] = self.aor
        if self.coverage:
            out["(release) coverage"] = [str(self.coverage.date_from), str(self.coverage.date_to)]
        return out

    def sha256(self) -> str:
        exclude: dict[str, Any] = {"registered_at": True, "files": {"__all__": {"path"}}}
        return hashlib.sha256(self.model_dump_json(exclude=exclude).encode()).hexdigest()


def load_manifest(path: Path) -> Manifest:
    try:
        raw = path.read_text()
    except OSError as exc:
        raise ReleaseError("manifest_unreadable", f"cannot read manifest {path} ({exc.strerror})", fix="check the path") from exc
    import yaml

    try:
        data = yaml.safe_load(raw)  # YAML, or JSON (which YAML reads too), whatever the file is called
        m = Manifest.model_validate(data)
    except (ValueError, ValidationError, yaml.YAMLError) as exc:
        raise ReleaseError("bad_manifest", f"manifest {path.name} is not valid: {exc}",
                           fix="see docs/releases.md for the manifest fields") from exc
    for f in m.files:
        p = Path(f.path or f.name)
        f.path = str(p if p.is_absolute() else (path.parent / p).absolute())
    return m


def manifest_from_paths(paths: list[Path], release_id: str, *, era: str | None, table: str | None,
                        synthetic: bool, file_options: dict | None = None, **meta) -> Manifest:
    """A manifest for files named on the command line. Each file keeps the name it was given (a link is
    not replaced by its target's name); ``file_options`` (sheets, columns, delimiter, encoding) apply to every file."""
    try:
        return Manifest(
            release_id=release_id, era=era, synthetic=synthetic, **{k: v for k, v in meta.items() if v is not None},
            files=[ManifestFile(name=p.name, table=table, path=str(p.absolute()), **(file_options or {})) for p in paths],
        )
    except ValidationError as exc:
        raise ReleaseError("bad_release", f"cannot describe the release: {exc}",
                           fix="release ids use letters, digits, '.', '_' and '-'; eras are listed by `iceledger describe releases`") from exc


def hash_files(m: Manifest) -> None:
    """Fill or verify each file's sha256 and size. A file that differs from its manifest is refused."""
    names = [f.name for f in m.files]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ReleaseError("duplicate_file_name", f"two files of release {m.release_id} share the name {sorted(dupes)[0]!r}",
                           fix="rename one of them; file names identify files inside a release")
    for f in m.files:
        p = Path(f.path or f.name)
        if not p.exists():
            raise ReleaseError("missing_file", f"file {f.name} of release {m.release_id} is not at {p}",
                               fix="put the file there or correct its path in the manifest")
        digest = sha256_of(p)
        if f.sha256 and f.sha256 != digest:
            raise ReleaseError("hash_mismatch", f"file {f.name} has sha256 {digest[:12]}…, but the manifest says {f.sha256[:12]}…",
                               fix="the file changed since the manifest was written: re-download it, or write a new manifest under a new release id")
        f.sha256 = digest
        f.size_bytes = p.stat().st_size


class ReleaseStore:
    """Manifests of ingested releases, one folder per release id under the ledger home, each with the
    time it was first ingested, so that a rebuild registers them in the same order (the release
    ingested last stays the newer one; docs/measures.md)."""

    def __init__(self, settings: Settings):
        self.root = settings.releases_dir

    def path(self, release_id: str) -> Path:
        return self.root / release_id / "manifest.json"

    def get(self, release_id: str) -> Manifest | None:
        p = self.path(release_id)
        return Manifest.model_validate_json(p.read_text()) if p.exists() else None

    def all(self) -> list[Manifest]:
        """Every stored manifest, in the order the releases were first ingested (then by id)."""
        out = [Manifest.model_validate_json(p.read_text()) for p in self.root.glob("*/manifest.json")]
        return sorted(out, key=lambda m: (m.registered_at or dt.datetime.min, m.release_id))

    def save(self, m: Manifest) -> None:
        m.registered_at = m.registered_at or now_utc()
        p = self.path(m.release_id)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(".json.tmp")
        tmp.write_text(m.model_dump_json(indent=2))
        tmp.replace(p)

    def remove(self, release_id: str) -> None:
        p = self.path(release_id)
        p.unlink(missing_ok=True)
        try:
            p.parent.rmdir()
        except OSError:
            pass


def check_immutable(existing: Manifest, new: Manifest) -> bool:
    """True when ``new`` is the same release as ``existing``; raises when it would change it (other files,
    or other choices about how to read them: a sheet's table, an exclusion, a column map, the AOR)."""
    if existing.fingerprint() == new.fingerprint() and existing.choices() == new.choices():
        return True
    old, cur = existing.fingerprint(), new.fingerprint()
    changed = sorted(n for n in old.keys() & cur.keys() if old[n] != cur[n])
    added, missing = sorted(cur.keys() - old.keys()), sorted(old.keys() - cur.keys())
    what = (f"file {changed[0]} changed (sha256 {old[changed[0]][:12]}… → {cur[changed[0]][:12]}…)" if changed
            else f"files added: {', '.join(added)}" if added else f"files missing: {', '.join(missing)}" if missing
            else f"the manifest's choices changed ({existing.choices()} → {new.choices()})")
    raise ReleaseError(
        "release_changed", f"release {new.release_id} is already in the ledger and differs: {what}",
        fix=f"releases are immutable: ingest these files under a new id (e.g. --release {new.release_id}-v2), "
            f"or remove the old one first with `iceledger releases remove {new.release_id}`")
