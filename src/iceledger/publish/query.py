"""Reading a public database: the only way the API and the web dashboard get data.

``PublicData.open`` refuses anything that is not a publication: a database holding record-level
or ledger tables (the ledger itself, by mistake), one without its ``out_publication`` row, or, for
the public server, an exact analyst database. Every filter is checked against the lattice and
the values present, and every query is parameterised; a bad request raises ``InputError`` naming
the parameter and what it allows.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from iceledger.errors import BuildError, InputError, Location, NotFoundError
from iceledger.metadata import public_tables, tables as declared_tables
from iceledger.metadata.model import code_list
from iceledger.pipeline.ledger import connect
from iceledger.publish.lattice import GRAINS, load_lattice, table_key

PUBLIC_PREFIXES = ("out_", "ref_")
OTHER = load_lattice().other_label  # a category or place outside its declared list, or blank (codes.py)
NOT_SHOWN = "not_shown"  # a claim verdict the gate withholds because it rests on a small count (claim_gate.py)
MAX_LIMIT = 10_000
MAX_OFFSET = 1_000_000_000  # far beyond any table; keeps the number inside the database's 64-bit integers
DEFAULT_LIMIT = 1_000
TABULATION_COLUMNS = ["period_date", "cell_fy", "time_grain", "cell_place_level", "place_code", "place_parent_code",
                      "category_1", "category_1_value", "category_2", "category_2_value", "event_count", "is_suppressed",
                      "is_synthetic"]


REAL, SYNTHETIC = "real", "synthetic"


def series_text(s: dict) -> str:
    """One series in words, as downloads and notices print it (English)."""
    years = f"FY{s['fy_from']}" if s["fy_from"] == s["fy_to"] else f"FY{s['fy_from']}-FY{s['fy_to']}"
    where = f", {', '.join(s['aor_codes'])} AOR only" if s["aor_codes"] else ""
    what = "SYNTHETIC (not ICE records)" if s["is_synthetic"] else "ICE records"
    return f"{s['measure']} {years}{where}: {what}; source: {'; '.join(s['citations'])}"


def _shown(cell: dict | None) -> dict:
    """A published window cell as {count, withheld}; a cell the publication lacks is unknown (None), never 0."""
    if cell is None:
        return {"count": None, "withheld": False}
    return {"count": cell["event_count"], "withheld": bool(cell["is_suppressed"])}


def bad(param: str, message: str, allowed: list | str) -> InputError:
    allowed_text = allowed if isinstance(allowed, str) else ", ".join(map(str, allowed)) or "(none)"
    return InputError("bad_parameter", f"{param}: {message}", fix=f"allowed for {param}: {allowed_text}",
                      location=Location(column=param))


def check_public_tables(columns: dict[str, list[str]]) -> list[str]:
    """What must never be served, from a database's tables and their columns: any table outside the
    allow-list (record-level, ledger bookkeeping, a registry not declared public, anything unknown) and
    any column a table does not declare (as ``table.column``)."""
    allowed = public_tables()
    refused = []
    for n, cols in sorted(columns.items()):
        if n not in allowed:
            refused.append(n)
        else:
            refused += [f"{n}.{c}" for c in cols if c not in allowed[n].columns]
    return refused


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise bad("limit", f"{limit} is out of range", f"1 to {MAX_LIMIT}")
    if not 0 <= offset <= MAX_OFFSET:
        raise bad("offset", f"{str(offset)[:24]} is out of range", f"0 to {MAX_OFFSET:,}")


@dataclass
class Page:
    rows: list[dict]
    total: int
    limit: int
    offset: int


class PublicData:
    """A read-only publication: tabulations, registries, releases, claims, audit, dictionary."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, publication: dict, table_names: list[str]):
        self.path = path
        self.con = con
        self.publication = publication
        self.table_names = table_names
        self.lattice = load_lattice()
        self._values = self._distinct_values()

    @classmethod
    def open(cls, path: Path, *, public: bool) -> PublicData:
        if not Path(path).exists():
            raise NotFoundError("no_publication", f"there is no database at {path}",
                                fix="run `iceledger publish` first (or pass --home)")
        con = connect(path, read_only=True)
        try:
            columns: dict[str, list[str]] = {}
            for t, c in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                    "ORDER BY table_name, ordinal_position").fetchall():
                columns.setdefault(t, []).append(c)
            names = sorted(columns)
            refused = check_public_tables(columns)
            if refused:
                raise BuildError("not_a_publication", f"{path} holds tables or columns that are never served: "
                                 f"{', '.join(refused[:8])}{' …' if len(refused) > 8 else ''} (record-level, ledger "
                                 "or undeclared)", fix="serve public.duckdb written by `iceledger publish`, never "
                                 "ledger.duckdb; a registry is public only when the metadata declares it (public: true)")
            if "out_publication" not in names:
                raise BuildError("not_a_publication", f"{path} has no out_publication table",
                                 fix="write it with `iceledger publish`")
            cur = con.cursor()
            res = cur.execute("SELECT * FROM out_publication")
            cols = [d[0] for d in res.description]
            rows = [dict(zip(cols, r)) for r in res.fetchall()]
            cur.close()
            if len(rows) != 1:
                raise BuildError("not_a_publication", f"{path}: out_publication holds {len(rows)} rows, not one",
                                 fix="write it again with `iceledger publish`")
            if public and rows[0]["is_exact"]:
                raise BuildError("exact_database", f"{path} is an exact analyst database, built without the disclosure gate",
                                 fix="serve public.duckdb from `iceledger publish` with --public; use plain `iceledger serve` "
                                     "for exact figures on this machine only")
            return cls(Path(path), con, rows[0], names)
        except BaseException:
            con.close()
            raise

    def close(self) -> None:
        self.con.close()

    # --- plumbing ---------------------------------------------------------------------------------
    def fetch(self, sql: str, params: list | None = None) -> list[dict]:
        cur = self.con.cursor()
        try:
            res = cur.execute(sql, params or [])
            cols = [d[0] for d in res.description]
            return [dict(zip(cols, r)) for r in res.fetchall()]
        finally:
            cur.close()

    def _distinct_values(self) -> dict:
        out: dict = {"keys": set(), "places": {}, "categories": {}}
        for r in self.fetch("SELECT tabulation_key FROM out_lattice"):
            out["keys"].add(r["tabulation_key"])
        for r in self.fetch("SELECT DISTINCT measure_name, cell_place_level, place_code FROM out_tabulations"):
            out["places"].setdefault((r["measure_name"], r["cell_place_level"]), set()).add(r["place_code"])
        for i in (1, 2):
            for r in self.fetch(f"SELECT DISTINCT measure_name, category_{i} AS c, category_{i}_value AS v FROM out_tabulations "
                                f"WHERE category_{i} IS NOT NULL"):
                out["categories"].setdefault((r["measure_name"], r["c"]), set()).add(r["v"])
        return out

    # --- the lattice --------------------------------------------------------------------------------
    def lattice_summary(self) -> dict:
        """Per measure: its tables (cells of both origins together, and which origins each holds) and its series."""
        out: dict = {}
        for r in self.fetch("SELECT * FROM out_lattice ORDER BY tabulation_key, is_synthetic"):
            m = out.setdefault(r["measure_name"], {"tables": {}, "series": self.series_of(r["measure_name"])})
            t = m["tables"].setdefault(r["tabulation_key"], {
                "key": r["tabulation_key"], "grain": r["time_grain"], "place_level": r["cell_place_level"],
                "by": [c for c in (r["category_1"], r["category_2"]) if c], "cells": 0, "origins": []})
            t["cells"] += r["cells_count"]
            t["origins"].append(SYNTHETIC if r["is_synthetic"] else REAL)
        for m in out.values():
            m["tables"] = list(m["tables"].values())
        return out

    # --- series: where each fiscal year of a measure comes from ----------------------------------------
    def series_of(self, measure: str, fiscal_years=None) -> list[dict]:
        """The series of ``measure`` (only over ``fiscal_years`` when given): runs of consecutive published fiscal
        years counted from the same origin and releases, each with its origin (real or synthetic), releases,
        citations and, for years only a one-AOR release holds, its AORs. [] for a publication without out_series."""
        if not self.has("out_series"):
            return []
        cites = self.citations()
        rows = self.fetch("SELECT * FROM out_series WHERE measure_name = ? ORDER BY cell_fy", [measure])
        wanted = None if fiscal_years is None else set(fiscal_years)
        out: list[dict] = []
        for r in rows:
            if wanted is not None and r["cell_fy"] not in wanted:
                continue
            origin = SYNTHETIC if r["is_synthetic"] else REAL
            key = (origin, tuple(r["release_ids"]), tuple(r["series_aor_codes"] or ()))
            last = out[-1] if out else None
            if last and last["_key"] == key and last["fy_to"] == r["cell_fy"] - 1:
                last["fy_to"] = r["cell_fy"]
                continue
            out.append({"_key": key, "measure": measure, "origin": origin, "is_synthetic": r["is_synthetic"],
                        "fy_from": r["cell_fy"], "fy_to": r["cell_fy"], "release_ids": list(r["release_ids"]),
                        "citations": [cites.get(i, i) for i in r["release_ids"]], "aor_codes": list(r["series_aor_codes"] or [])})
        for s in out:
            del s["_key"]
            s["text"] = series_text(s)
        return out

    def citations(self) -> dict[str, str]:
        """Each release's citation (its manifest's, else what its metadata says)."""
        cols = set(self.columns("out_releases"))
        out = {}
        for r in self.fetch("SELECT * FROM out_releases"):
            cite = r.get("release_citation") if "release_citation" in cols else None
            out[r["release_id"]] = cite or (f"{r['agency']}, {r['foia_request']} (release {r['release_id']})"
                                            if r.get("foia_request") else f"{r['agency']}, release {r['release_id']}")
        return out

    def resolve_table(self, measure: str | None, grain: str | None, place_level: str | None, by: list[str]) -> str:
        measures = sorted({k.split("/")[0] for k in self._values["keys"]})
        if not measure:
            raise bad("measure", "is required", measures)
        if measure not in measures:
            raise bad("measure", f"unknown measure {measure!r}", measures)
        grain = grain or "fy"
        if grain not in GRAINS:
            raise bad("grain", f"unknown grain {grain!r}", list(GRAINS))
        mine = [k for k in self._values["keys"] if k.startswith(measure + "/")]
        levels = sorted({k.split("/")[2] for k in mine})
        place_level = place_level or "national"
        if place_level not in levels:
            raise bad("place_level", f"{measure} has no {place_level!r} tables", levels)
        if len(by) > 2:
            raise bad("by", "at most two categories", "up to two of the categories below")
        key = table_key(measure, grain, place_level, self._ordered(measure, by))
        if key not in self._values["keys"]:
            options = sorted({k.split("/")[3] if len(k.split("/")) > 3 else "" for k in mine
                              if k.split("/")[1] == grain and k.split("/")[2] == place_level})
            raise bad("by", f"{measure} by {place_level} has no table by {'+'.join(by) or 'nothing'}",
                      [o or "(nothing)" for o in options])
        return key

    def _ordered(self, measure: str, by: list[str]) -> list[str]:
        dims = self.lattice.measures[measure].dims if measure in self.lattice.measures else ()
        unknown = [b for b in by if b not in dims]
        if unknown:
            raise bad("by", f"unknown category {unknown[0]!r} for {measure}", [d for d in dims[1:] if d in self.lattice.categories])
        return sorted(by, key=dims.index)

    # --- tabulations ----------------------------------------------------------------------------
    def tabulation(self, *, measure: str | None, grain: str | None = None, place_level: str | None = None,
                   by: list[str] | None = None, places: list[str] | None = None, period_from: dt.date | None = None,
                   period_to: dt.date | None = None, categories: dict[str, list[str]] | None = None,
                   limit: int = DEFAULT_LIMIT, offset: int = 0) -> tuple[str, Page]:
        by = list(by or [])
        key = self.resolve_table(measure, grain, place_level, by)
        level = key.split("/")[2]
        assert measure is not None  # resolve_table refuses a missing measure
        where: list[str] = ["tabulation_key = ?"]
        params: list[object] = [key]
        if places:
            known = self._values["places"].get((measure, level), set())
            for p in places:
                if p not in known:
                    raise bad("place", f"no {level} {p!r} in {measure}", sorted(known)[:60])
            where.append(f"place_code IN ({', '.join('?' for _ in places)})")
            params += places
        if period_from:
            where.append("period_date >= ?")
            params.append(period_from)
        if period_to:
            where.append("period_date <= ?")
            params.append(period_to)
        for name, values in (categories or {}).items():
            if name not in by:
                raise bad(name, f"filtering by {name} needs by={name}", by or ["(no category in this table)"])
            known = self._values["categories"].get((measure, name), set())
            for v in values:
                if v not in known:
                    raise bad(name, f"unknown value {v!r}", sorted(known))
            slot = 1 + self._ordered(measure, by).index(name)
            where.append(f"category_{slot}_value IN ({', '.join('?' for _ in values)})")
            params += values
        check_page(limit, offset)
        cond = " AND ".join(where)
        total = self.fetch(f"SELECT count(*) AS n FROM out_tabulations WHERE {cond}", params)[0]["n"]
        rows = self.fetch(f"SELECT {', '.join(TABULATION_COLUMNS)} FROM out_tabulations WHERE {cond} "
                          "ORDER BY period_date, place_parent_code NULLS FIRST, place_code, category_1_value, category_2_value "
                          "LIMIT ? OFFSET ?", params + [limit, offset])
        return key, Page(rows, total, limit, offset)

    # --- registries, releases, claims, audit -----------------------------------------------------
    def registries(self) -> list[dict]:
        described = {t.name: t.description for t in declared_tables().values()}
        out = []
        for n in self.table_names:
            if n.startswith("ref_"):
                count = self.fetch(f'SELECT count(*) AS n FROM "{n}"')[0]["n"]
                out.append({"name": n, "rows": count, "description": described.get(n, "")})
        return out

    def columns(self, name: str) -> list[str]:
        return [r["column_name"] for r in self.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", [name])]

    def table_rows(self, name: str, filters: dict[str, str] | None = None, *, limit: int = DEFAULT_LIMIT,
                   offset: int = 0, what: str = "table") -> Page:
        servable = [n for n in self.table_names if n.startswith(PUBLIC_PREFIXES)]
        if name not in servable:
            raise NotFoundError("unknown_table", f"{what} {name!r} is not in this publication",
                                fix=f"use one of: {', '.join(n for n in servable if n.startswith('ref_')) or '(none)'}",
                                location=Location(column=what))
        cols = self.columns(name)
        where, params = [], []
        for col, value in (filters or {}).items():
            if col not in cols:
                raise bad(col, f"{name} has no column {col!r}", cols)
            where.append(f'CAST("{col}" AS VARCHAR) = ?')
            params.append(value)
        check_page(limit, offset)
        cond = (" WHERE " + " AND ".join(where)) if where else ""
        total = self.fetch(f'SELECT count(*) AS n FROM "{name}"{cond}', params)[0]["n"]
        order = ", ".join(f'"{c}"' for c in cols[:3])
        rows = self.fetch(f'SELECT * FROM "{name}"{cond} ORDER BY {order} LIMIT ? OFFSET ?', params + [limit, offset])
        return Page(rows, total, limit, offset)

    def has(self, name: str) -> bool:
        return name in self.table_names

    # --- an operation's window against the weeks before ----------------------------------------------
    def operation_window(self, slug: str) -> dict:
        """An operation's days against the same weekdays of the weeks before, per AOR and overall (the gated
        cells of out_operation_windows), beside the announced counts, with the query and releases behind it."""
        ops = self.fetch("SELECT * FROM ref_operations WHERE operation_slug = ?", [slug]) if self.has("ref_operations") else []
        if not ops:
            raise NotFoundError("unknown_operation", f"no operation {slug[:60]!r} in this publication",
                                fix="list them at /api/v1/operations")
        op = ops[0]
        places = self.fetch("SELECT * FROM ref_operation_places WHERE operation_slug = ? ORDER BY place_seq", [slug]) \
            if self.has("ref_operation_places") else []
        cells = {(r["week_offset"], r["aor_code"]): r for r in self.fetch(
            "SELECT * FROM out_operation_windows WHERE operation_slug = ?", [slug])} if self.has("out_operation_windows") else {}
        src = self.fetch("SELECT * FROM out_window_sources WHERE operation_slug = ?", [slug]) if self.has("out_window_sources") else []
        out = {"operation_slug": slug, "operation_name": op["operation_name"], "date_from": op["operation_start_date"],
               "date_to": op["operation_end_date"], "announced_count": op["announced_count"], "available": bool(cells)}
        if not cells:
            out["note"] = ("no window: the operation needs known dates of at most seven days, known areas, and arrests "
                           "records loaded for them")
            return out
        weeks = sorted({w for w, _ in cells if w is not None and w < 0})
        announced: dict[str, list[dict]] = {}
        for p in places:
            announced.setdefault(p["aor_code"], []).append(p)

        def line(aor: str | None, listed: list[dict] | None) -> dict:
            shown = [_shown(cells.get((w, aor))) for w in [*weeks, 0]]
            base = shown[:-1]
            mean = round(sum(c["count"] for c in base) / len(base), 2) if base and all(c["count"] is not None for c in base) else None
            now = shown[-1]["count"]
            row = {"aor_code": aor, "window": shown[-1], "baseline_weeks": base, "baseline_mean": mean,
                   "excess": round(now - mean, 2) if now is not None and mean is not None else None}
            if listed is not None:
                row["places"] = [p["place_text"] for p in listed]
                row["announced_count"] = sum(p["announced_count"] or 0 for p in listed) if listed else None
            return row

        aors = sorted({a for _, a in cells if a is not None})
        first = next(iter(cells.values()))
        out.update(weeks=len(weeks), is_synthetic=bool(first["is_synthetic"]), areas=[line(a, announced.get(a, [])) for a in aors],
                   total=line(None, None), baseline_from=min(r["window_start_date"] for r in cells.values() if r["window_start_date"]))
        if src:
            prov = json.loads(src[0]["provenance_json"])
            cites = self.citations()
            out["source"] = {"release_ids": list(src[0]["release_ids"]), "citations": [cites.get(i, i) for i in src[0]["release_ids"]],
                             "is_synthetic": src[0]["is_synthetic"], "sql": [q["sql"] for q in prov.get("sql") or []],
                             "selection": prov.get("selection")}
        return out

    # --- releases side by side (publish/comparisons.py) -------------------------------------------------
    def comparisons(self) -> list[dict]:
        """Every comparison this publication holds (pairs of releases and the subject compared)."""
        if not self.has("out_release_comparisons"):
            return []
        return self.fetch("SELECT * FROM out_release_comparisons ORDER BY release_a_id, release_b_id, measure_name")

    def comparison(self, a: str, b: str, measure: str | None = None, grain: str | None = None,
                   category: str | None = None) -> dict:
        """One comparison and its cells: by month (default), by fiscal year, or by fiscal year and ``category``."""
        mine = [c for c in self.comparisons() if {c["release_a_id"], c["release_b_id"]} == {a, b}]
        if not mine:
            pairs = sorted({f"{c['release_a_id']}/{c['release_b_id']}" for c in self.comparisons()})
            raise NotFoundError("unknown_comparison", f"this publication compares no releases {a!r} and {b!r}",
                                fix=f"compare one of: {', '.join(pairs) or '(no pair of real releases overlaps)'}")
        measures = [c["measure_name"] for c in mine]
        measure = measure or measures[0]
        if measure not in measures:
            raise bad("measure", f"{a} and {b} are not compared on {measure!r}", measures)
        summary = next(c for c in mine if c["measure_name"] == measure)
        grain = grain or ("fy" if category else "month")
        if grain not in GRAINS:
            raise bad("grain", f"unknown grain {grain!r}", list(GRAINS))
        if category is not None and category not in summary["comparison_categories"]:
            raise bad("by", f"{measure} in {a} and {b} is not compared by {category!r}",
                      summary["comparison_categories"] or ["(no category)"])
        if category is not None and grain != "fy":
            raise bad("grain", "a comparison by category is by fiscal year only", ["fy"])
        where = "category_1 = ?" if category else "category_1 IS NULL"
        cells = self.fetch(f"SELECT * FROM out_release_comparison_cells "
                           f"WHERE release_a_id = ? AND release_b_id = ? AND measure_name = ? AND time_grain = ? AND {where} "
                           "ORDER BY period_date, category_1_value",
                           [summary["release_a_id"], summary["release_b_id"], measure, grain] + ([category] if category else []))
        return {**summary, "time_grain": grain, "category": category, "cells": cells}

    # --- a place's cooperation with ICE ---------------------------------------------------------------
    def place_status(self, level: str, code: str, on: dt.date | None = None) -> dict:
        """A county's, a state's or an AOR's cooperation with ICE on a day (detainers, 287(g), designations), from
        the published registries: the answers' codes and facts, with English sentences (`label`, `text`)."""
        from iceledger.sources.cooperation.english import describe
        from iceledger.sources.cooperation.place_status import STATUS_TABLES, place_status

        missing = [n for n in STATUS_TABLES if not self.has(n)]
        if missing:
            raise NotFoundError("registry_not_published", f"this publication lacks {', '.join(missing)}",
                                fix="publish again from a ledger built with the registries (`iceledger build`, then `iceledger publish`)")
        return describe(place_status(self.con, level, code, on))

    def cooperation_through(self) -> dt.date | None:
        """The latest day the cooperation registries speak of (the latest 287(g) list, policy or listing)."""
        from iceledger.sources.cooperation.place_status import registries_through

        return registries_through(self.con) if self.has("ref_place_cooperation") else None

    @staticmethod
    def code_labels(name: str) -> dict[str, str]:
        """The words shown for the codes of a code list (its `label` column, metadata/codes/NAME.csv), in English."""
        return code_list(name).labels

    def dictionary(self) -> list[dict]:
        declared = declared_tables()
        from iceledger.metadata import field_

        out = []
        for n in self.table_names:
            t = declared.get(n)
            cols = []
            for c in self.columns(n):
                try:
                    f = field_(c)
                    cols.append({"name": c, "type": f.type, "description": f.description, "unit": f.unit})
                except KeyError:
                    cols.append({"name": c, "type": None, "description": "(not declared in this version's metadata)", "unit": None})
            out.append({"table": n, "kind": t.kind if t else "registry", "description": t.description if t else "",
                        "grain": t.grain if t else "", "columns": cols})
        return out
