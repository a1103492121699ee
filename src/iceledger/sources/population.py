"""Resident population (ref_population), from files people add with `iceledger population add`.

iceledger ships no population figures (none here may be redistributed with it), so rates per
100,000 residents need one added. Two layouts are read:

- iceledger's CSV: ``place_level`` (nation, state, county, aor), ``place_code`` (US, a USPS state
  code, a five-digit county FIPS code, an AOR code), ``year``, ``population``;
- the Census Bureau's county population estimates (``co-estYYYY-alldata.csv``: ``SUMLEV``,
  ``STATE``, ``COUNTY`` and one ``POPESTIMATEYYYY`` column per year): its state rows (SUMLEV 040)
  and county rows (050). From them the nation is summed from the 50 states and DC, and each AOR
  from its counties in today's county list, for the years the file has every one of them; an AOR
  it cannot complete (Puerto Rico's municipios are not in that file) is reported, never estimated.

An added file is kept with its source in the home's ``population/<source_id>/`` folder, so
`iceledger build` loads it again; its source becomes a row of ref_sources.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from iceledger.errors import InputError, Location
from iceledger.settings import Settings
from iceledger.sources.step import StepResult, sha256_of
from iceledger.validation import Finding

LEVELS = ("nation", "state", "county", "aor")
OWN_COLUMNS = ("place_level", "place_code", "year", "population")
CENSUS_YEAR = re.compile(r"POPESTIMATE(\d{4})")
NATION_STATES = 51  # the 50 states and the District of Columbia
STORE = "population"


@dataclass(frozen=True)
class PopulationRow:
    level: str
    code: str
    year: int
    population: int
    basis: str  # given | summed
    detail: str


@dataclass(frozen=True)
class PopulationSource:
    source_id: str
    title: str
    origin: str
    licence: str
    retrieved: dt.date | None
    file_name: str
    sha256: str

    def to_yaml(self) -> dict:
        return {"id": self.source_id, "title": self.title, "kind": "population", "origin": self.origin,
                "licence": self.licence, "retrieved": self.retrieved, "file": self.file_name, "sha256": self.sha256}


def _error(code: str, message: str, fix: str, path: Path, row: int | None = None, column: str | None = None) -> InputError:
    return InputError(code, message, fix=fix, location=Location(file=path.name, row=row, column=column))


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    for encoding in ("utf-8-sig", "latin-1"):  # the Census Bureau's files are Latin-1
        try:
            with path.open(newline="", encoding=encoding) as fh:
                reader = csv.DictReader(fh)
                rows = [(i, r) for i, r in enumerate(reader, start=2)]
                return [h.strip() for h in reader.fieldnames or []], rows
        except UnicodeDecodeError:
            continue
    raise _error("bad_encoding", "the file is neither UTF-8 nor Latin-1 text", "save it as UTF-8 CSV", path)


def _count(path: Path, line: int, column: str, text: str | None) -> int:
    value = (text or "").strip().replace(",", "")
    if not value.isdigit():
        raise _error("bad_population", f"{column} is {text!r}, not a whole number of residents",
                     "correct the cell (digits only) or remove the row", path, line, column)
    return int(value)


def read_population_file(path: Path) -> tuple[list[PopulationRow], list[Finding]]:
    """The rows of a population file in either layout, with what was summed and what could not be."""
    if not path.is_file():
        raise _error("not_found", "there is no such file", "check the path", path)
    headers, rows = _read_csv(path)
    if all(h in headers for h in OWN_COLUMNS):
        return _own_rows(path, rows), []
    if {"SUMLEV", "STATE", "COUNTY"} <= set(headers) and any(CENSUS_YEAR.fullmatch(h) for h in headers):
        return _census_rows(path, headers, rows)
    raise _error("unknown_layout", f"the header ({', '.join(headers[:8])}…) is neither iceledger's population layout nor the "
                 "Census Bureau's county estimates", f"give the columns {', '.join(OWN_COLUMNS)}, or pass the Census "
                 "Bureau's co-estYYYY-alldata.csv as published", path, 1)


def _known_codes() -> dict[str, set[str]]:
    from iceledger.metadata import code_lists
    from iceledger.sources.geography.bundled_geo import geography

    return {"nation": {"US"}, "state": {s.code for s in geography().states.values()},
            "aor": set(code_lists()["aor"].values)}


def _own_rows(path: Path, rows) -> list[PopulationRow]:
    known = _known_codes()
    out: list[PopulationRow] = []
    seen: dict[tuple, int] = {}
    for line, r in rows:
        level = (r["place_level"] or "").strip().lower()
        code = (r["place_code"] or "").strip()
        if level not in LEVELS:
            raise _error("bad_place_level", f"place_level is {r['place_level']!r}", f"use one of: {', '.join(LEVELS)}",
                         path, line, "place_level")
        code = code.upper() if level != "county" else code.zfill(5)
        if level == "county" and not re.fullmatch(r"\d{5}", code) or level != "county" and code not in known[level]:
            raise _error("bad_place_code", f"place_code {r['place_code']!r} is not a {level} code",
                         {"county": "write the five-digit county FIPS code, e.g. 17031", "nation": "write US",
                          "state": "write the two-letter USPS code, e.g. TX", "aor": "write the three-letter AOR code, e.g. SEA"}[level],
                         path, line, "place_code")
        year_text = (r["year"] or "").strip()
        if not (year_text.isdigit() and 1900 <= int(year_text) <= 2100):
            raise _error("bad_year", f"year is {r['year']!r}", "write the year as four digits, e.g. 2023", path, line, "year")
        key = (level, code, int(year_text))
        if key in seen:
            raise _error("duplicate_row", f"{level} {code} in {year_text} is given twice (rows {seen[key]} and {line})",
                         "keep one row per place and year", path, line)
        seen[key] = line
        out.append(PopulationRow(level, code, int(year_text), _count(path, line, "population", r["population"]), "given",
                                 f"{path.name} row {line}"))
    return out


def _census_rows(path: Path, headers: list[str], rows) -> tuple[list[PopulationRow], list[Finding]]:
    from iceledger.sources.geography.bundled_geo import geography

    geo = geography()
    state_code = {s.fips: s.code for s in geo.states.values()}
    years = [(h, int(m.group(1))) for h in headers if (m := CENSUS_YEAR.fullmatch(h))]
    given: list[PopulationRow] = []
    for line, r in rows:
        level = {"040": "state", "050": "county"}.get((r["SUMLEV"] or "").strip().zfill(3))
        if level is None:
            continue  # other summary levels (the nation's own row in some vintages) are not read
        st, co = (r["STATE"] or "").strip().zfill(2), (r["COUNTY"] or "").strip().zfill(3)
        if level == "state" and st not in state_code:
            raise _error("bad_place_code", f"STATE {r['STATE']!r} is not a state FIPS code", "check the row", path, line, "STATE")
        code = state_code[st] if level == "state" else st + co
        given += [PopulationRow(level, code, year, _count(path, line, column, r[column]), "given", f"{path.name} row {line}")
                  for column, year in years]
    summed, findings = _sums(path, given, [y for _, y in years], geo)
    unknown = sorted({r.code for r in given if r.level == "county"} - set(geo.counties))
    if unknown:
        findings.append(Finding("info", "population_counties_unlisted",
                                f"{path.name}: {len(unknown)} counties are not in the county registry (kept; no AOR is summed from them)",
                                "nothing to do when they are newer county-equivalents (e.g. Connecticut's planning regions)",
                                detail={"examples": unknown[:10]}, count=len(unknown)))
    return given + summed, findings


def _sums(path: Path, given: list[PopulationRow], years: list[int], geo) -> tuple[list[PopulationRow], list[Finding]]:
    value = {(r.level, r.code, r.year): r.population for r in given}
    states = [s.code for s in geo.states.values() if s.kind in ("state", "district")]
    aor_counties: dict[str, list[str]] = {}
    for r in geo.county_aor:
        if r.is_current and r.aor_code:
            aor_counties.setdefault(r.aor_code, []).append(r.county_fips)
    out: list[PopulationRow] = []
    incomplete: dict = {}
    for year in years:
        if len(states) == NATION_STATES and all(("state", s, year) in value for s in states):
            out.append(PopulationRow("nation", "US", year, sum(value[("state", s, year)] for s in states), "summed",
                                     f"sum of the 50 states and DC in {path.name}"))
        for aor, counties in sorted(aor_counties.items()):
            missing = [c for c in counties if ("county", c, year) not in value]
            if missing:
                incomplete.setdefault(aor, missing)
                continue
            out.append(PopulationRow("aor", aor, year, sum(value[("county", c, year)] for c in counties), "summed",
                                     f"sum of {len(counties)} counties in {path.name} (today's county list of the AOR)"))
    findings = []
    if incomplete:
        findings.append(Finding("info", "population_aor_incomplete",
                                f"{path.name}: {len(incomplete)} AORs have counties the file does not give, so no AOR total is summed for them",
                                "add a file that gives those counties (or the AOR itself) to get their rates",
                                detail={"aors": {a: {"missing": len(m), "examples": m[:5]} for a, m in incomplete.items()}},
                                count=len(incomplete)))
    return out, findings


# --- the store and the registry ----------------------------------------------------------------

def store_dir(settings: Settings) -> Path:
    return settings.home / STORE


def stored_sources(settings: Settings) -> list[tuple[PopulationSource, Path]]:
    out = []
    for meta in sorted(store_dir(settings).glob("*/source.yaml")):
        d = yaml.safe_load(meta.read_text())
        src = PopulationSource(d["id"], d["title"], d["origin"], d["licence"], d.get("retrieved"), d["file"], d["sha256"])
        path = meta.parent / src.file_name
        if not path.is_file() or sha256_of(path) != src.sha256:
            raise _error("population_file_changed", f"the stored population file of {src.source_id} is missing or changed",
                         f"add it again with `iceledger population add` (or remove {meta.parent})", path)
        out.append((src, path))
    return out


def insert_source(con, src: PopulationSource, rows: list[PopulationRow]) -> int:
    con.execute("DELETE FROM ref_population WHERE source_id = ?", [src.source_id])
    con.execute("DELETE FROM ref_sources WHERE source_id = ?", [src.source_id])
    con.execute("INSERT INTO ref_sources (source_id, source_title, source_kind, source_origin, source_licence, retrieved_date, "
                "bundled_files, source_notes) VALUES (?, ?, 'population', ?, ?, ?, ?, ?)",
                [src.source_id, src.title, src.origin, src.licence, src.retrieved,
                 [f"{STORE}/{src.source_id}/{src.file_name}:{src.sha256}"], "added with `iceledger population add`"])
    con.executemany("INSERT INTO ref_population (population_place_level, population_place_code, population_year, "
                    "resident_population, population_basis, source_id, source_detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [[r.level, r.code, r.year, r.population, r.basis, src.source_id, r.detail] for r in rows])
    return len(rows)


def load_population(con, ctx):
    """Build step: every population file in the home's store, into ref_population (none is bundled)."""
    n, findings = 0, []
    for src, path in stored_sources(ctx.settings):
        rows, found = read_population_file(path)
        n += insert_source(con, src, rows)
        findings += found
    return StepResult({"ref_population": n}, findings)

