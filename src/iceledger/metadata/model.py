"""Every field and table declared once, in YAML under fields/ and tables/, loaded into typed records.

DDL, the data dictionary, API schemas and dashboard labels all come from these records.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

METADATA_DIR = Path(__file__).resolve().parent
REDACTION_RULES = {
    "nullable": "A redaction marker becomes NULL with reason 'redacted'.",
    "withhold": "Read to check, never stored: a direct identifier.",
    "none": "Not a source value; never redacted.",
}
PROVENANCE_COLUMNS = {
    "lesa": ["release_id", "source_file", "source_sheet", "source_row", "run_id", "is_synthetic",
             "id_namespace", "null_reasons", "origin_file", "origin_sheet", "origin_row"],
    "registry": ["source_id", "source_detail"],
    "none": [],
}
TABLE_KINDS = {"core", "ledger", "registry", "public"}
# libyaml's loader when PyYAML was built with it: the same documents, read about 80 times faster (the pure-Python
# loader took about a second of every command that touches the metadata)
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    codes: str | None = None
    values_from: str | None = None  # REGISTRY.column whose values this field takes (when no code list fits)
    redaction: str = "nullable"
    derived_from: str | None = None
    unit: str | None = None
    range: tuple | None = None
    pattern: str | None = None  # a regular expression every value matches (identifiers)
    declared_in: str = ""

    @property
    def is_temporal(self) -> bool:
        return self.type in ("DATE", "TIMESTAMP")

    def bounds(self) -> tuple | None:
        """Inclusive numeric bounds, with ``current_year`` resolved."""
        if self.range is None:
            return None
        year = dt.date.today().year
        return tuple(year if v == "current_year" else v for v in self.range)


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    grain: str
    kind: str
    key: tuple[str, ...]
    fields: tuple[str, ...]
    provenance: str | None = None
    withheld: tuple[str, ...] = ()
    event: str | None = None
    count_date: str | None = None  # the date ICE counts the table's records by
    aor_field: str | None = None  # AOR text that aor_code is normalised from
    state_field: str | None = None  # state text that state_code is resolved from
    county_field: str | None = None  # county text that county_fips is resolved from (within state_code)
    public: bool = False  # a registry that publish copies and the public server serves (the allow-list)
    landmark_field: str | None = None  # place text (jail, office, city) read to a county (record_landmarks)
    declared_in: str = ""

    @property
    def columns(self) -> tuple[str, ...]:
        """All columns in order: declared fields, then provenance columns."""
        extra = PROVENANCE_COLUMNS.get(self.provenance or "", [])
        return self.fields + tuple(c for c in extra if c not in self.fields)

    @property
    def source_fields(self) -> tuple[str, ...]:
        """Fields read from source files (not derived, not bookkeeping), withheld ones included."""
        out = []
        for name in self.fields + self.withheld:
            f = field_(name)
            if f.derived_from is None and f.redaction != "none":
                out.append(name)
        return tuple(out)


@dataclass(frozen=True)
class CodeList:
    name: str
    values: tuple[str, ...]
    descriptions: dict = field(default_factory=dict, hash=False, compare=False)
    match: str = "exact"  # or "prefix"
    labels: dict = field(default_factory=dict, hash=False, compare=False)  # a `label` column: words shown to people

    def knows(self, value: str) -> bool:
        if self.match == "prefix":
            return any(value.startswith(v) for v in self.values)
        return value in self.values


def _load_yaml_dir(sub: str) -> dict[str, tuple[str, dict]]:
    out: dict[str, tuple[str, dict]] = {}
    for path in sorted((METADATA_DIR / sub).glob("*.yaml")):
        data = yaml.load(path.read_text(), Loader=LOADER) or {}
        for name, attrs in data.items():
            if name in out:
                raise ValueError(f"{sub}/{path.name}: {name!r} is declared twice (also in {out[name][0]})")
            out[name] = (path.name, attrs or {})
    return out


@cache
def fields() -> dict[str, Field]:
    out = {}
    for name, (origin, attrs) in _load_yaml_dir("fields").items():
        rng = attrs.get("range")
        out[name] = Field(
            name=name,
            type=attrs["type"],
            description=str(attrs["description"]).strip(),
            codes=attrs.get("codes"),
            values_from=attrs.get("values_from"),
            redaction=attrs.get("redaction", "nullable"),
            derived_from=attrs.get("derived_from"),
            unit=attrs.get("unit"),
            range=tuple(rng) if rng else None,
            pattern=attrs.get("pattern"),
            declared_in=origin,
        )
        if out[name].redaction not in REDACTION_RULES:
            raise ValueError(f"fields/{origin}: {name}: unknown redaction rule {out[name].redaction!r}")
    return out


def field_(name: str) -> Field:
    try:
        return fields()[name]
    except KeyError:
        raise KeyError(f"field {name!r} is not declared in metadata/fields/*.yaml") from None


@cache
def tables() -> dict[str, Table]:
    out = {}
    for name, (origin, attrs) in _load_yaml_dir("tables").items():
        t = Table(
            name=name,
            description=str(attrs["description"]).strip(),
            grain=str(attrs.get("grain", "")).strip(),
            kind=attrs["kind"],
            key=tuple(attrs.get("key", ())),
            fields=tuple(attrs["fields"]),
            provenance=attrs.get("provenance"),
            withheld=tuple(attrs.get("withheld", ())),
            event=attrs.get("event"),
            count_date=attrs.get("count_date"),
            aor_field=attrs.get("aor_field"),
            state_field=attrs.get("state_field"),
            county_field=attrs.get("county_field"),
            public=bool(attrs.get("public", False)),
            landmark_field=attrs.get("landmark_field"),
            declared_in=origin,
        )
        if t.kind not in TABLE_KINDS:
            raise ValueError(f"tables/{origin}: {name}: kind must be one of {sorted(TABLE_KINDS)}")
        if t.public and t.kind != "registry":
            raise ValueError(f"tables/{origin}: {name}: only a registry is declared public (out_ tables are public by kind)")
        if t.kind == "registry" and "public" not in attrs:
            raise ValueError(f"tables/{origin}: {name}: say whether this registry is published: public: true (publish "
                             "copies it with its declared columns) or public: false (it stays in the ledger)")
        for col in t.columns + t.withheld:
            field_(col)  # every column must be declared
        out[name] = t
    return out


def table(name: str) -> Table:
    try:
        return tables()[name]
    except KeyError:
        known = ", ".join(sorted(tables()))
        from iceledger.errors import NotFoundError

        raise NotFoundError("unknown_table", f"no table named {name!r}", fix=f"use one of: {known}") from None


def core_tables() -> list[Table]:
    return [t for t in tables().values() if t.kind == "core"]


def public_tables() -> dict[str, Table]:
    """The allow-list: every table a publication may hold (the out_ tables, and the registries declared
    ``public: true``), each with its declared columns only."""
    return {n: t for n, t in tables().items() if t.kind == "public" or (t.kind == "registry" and t.public)}


@cache
def code_lists() -> dict[str, CodeList]:
    out = {}
    for path in sorted((METADATA_DIR / "codes").glob("*.csv")):
        with path.open(newline="") as fh:
            rows = list(csv.DictReader(fh))
        match = "prefix" if rows and "prefix" in rows[0] else "exact"
        key = "prefix" if match == "prefix" else ("value" if rows and "value" in rows[0] else "code")
        values = tuple(r[key] for r in rows)
        out[path.stem] = CodeList(path.stem, values, {r[key]: r.get("description") or r.get("name", "") for r in rows}, match,
                                  {r[key]: r["label"] for r in rows if r.get("label")})
    return out


def code_list(name: str) -> CodeList:
    return code_lists()[name]


def listing(names, last: str = "or") -> str:
    """Names as a sentence lists them: "a, b or c". Help texts list declared names with it, never by hand."""
    names = list(names)
    return ", ".join(names[:-1]) + f" {last} " + names[-1] if len(names) > 1 else "".join(names)
