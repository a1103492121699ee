"""Resolve state names and county names written in registry sources ("TEXAS", "GRAYS HARBOR",
"Colbert County") to USPS state codes and county FIPS codes against the geography registry, in SQL,
as the last part of a registry's build step.

A county name resolves when, within its state and among the counties valid on the source's date,
its key (accents, punctuation and spaces removed, "Saint" as "St") equals exactly one county's full
name ("Baltimore city", "Orleans Parish"), or else exactly one county's bare name once the words
county, parish, borough, census area and municipality are dropped. Names that match none or several
are reported, never guessed. Misspellings with an obvious reading are repaired only by the
listed rules of county_fixes.csv (state, raw text, reading, reason). When the registry is not in the ledger the columns stay NULL and a
finding says so.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from iceledger.metadata import quote
from iceledger.validation import Finding
from iceledger.validation.report import examples

STATES = ("ref_states", ("state_fips", "state_code", "state_name"))
COUNTIES = ("ref_counties", ("county_fips", "state_fips", "county_name", "county_full_name", "valid_from", "valid_to"))
FIXES = Path(__file__).resolve().parent / "county_fixes.csv"
KIND_WORDS = ("CITY AND BOROUGH", "CENSUS AREA", "MUNICIPALITY", "BOROUGH", "PARISH", "COUNTY")


def name_key_sql(col: str, *, drop_kind: bool) -> str:
    """SQL expression: the matching key of a place name."""
    text = f"upper(strip_accents(coalesce({col}, '')))"
    text = f"regexp_replace({text}, '\\bSAINTE?\\b', 'ST', 'g')"
    if drop_kind:
        words = "|".join(w.replace(" ", "\\s+") for w in KIND_WORDS)
        text = f"regexp_replace({text}, '\\b({words})\\b', ' ', 'g')"
    return f"nullif(regexp_replace({text}, '[^A-Z0-9]+', '', 'g'), '')"


def has_table(con, spec: tuple[str, tuple[str, ...]]) -> bool:
    name, cols = spec
    rows = con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?", [name]).fetchall()
    return set(cols) <= {r[0] for r in rows}


def absent(target: str, what: str, table: str) -> list[Finding]:
    return [Finding("info", "geography_absent", f"{target}: {what} not resolved because {table} is not in this ledger",
                    fix="build with the geography registries (their build step runs before this one)")]


def resolve_state_codes(con, target: str, *, name: str, code: str) -> list[Finding]:
    """Fill ``target.code`` from the state name (ICE writes FLORIDA); unknown names are reported."""
    if not has_table(con, STATES):
        return absent(target, "state codes", STATES[0])
    t, n, c = quote(target), quote(name), quote(code)
    con.execute(f"UPDATE {t} SET {c} = s.state_code FROM ref_states s WHERE upper(s.state_name) = upper({t}.{n}) AND {t}.{c} IS NULL")
    rows = con.execute(f"SELECT {n}, count(*) FROM {t} WHERE {n} IS NOT NULL AND {c} IS NULL GROUP BY 1 ORDER BY 1").fetchall()
    if not rows:
        return []
    return [Finding("warning", "state_unresolved", f"{target}: state names that match no state in ref_states",
                    detail={"table": target, **examples([f"{v} ({k})" for v, k in rows])}, count=sum(k for _, k in rows))]


def load_county_fixes(con) -> None:
    """The listed repairs of misspelt county names (sources/county_fixes.csv) as a temporary table."""
    with FIXES.open(newline="") as fh:
        rows = [(r["state_code"], r["raw"], r["fixed"], r["reason"]) for r in csv.DictReader(fh)]
    con.execute("CREATE OR REPLACE TEMP TABLE county_fixes (state_code VARCHAR, raw VARCHAR, fixed VARCHAR, reason VARCHAR)")
    con.executemany("INSERT INTO county_fixes VALUES (?, ?, ?, ?)", rows)


def resolve_county_fips(con, target: str, *, key: str, state: str, county: str, fips: str, as_of: dt.date | None,
                        where: str = "TRUE") -> list[Finding]:
    """Fill ``target.fips`` from (``state`` code, ``county`` name) among counties valid on ``as_of``
    (among every county the registry knows when None), for the rows matching ``where`` (SQL over the
    target's rows, which it names ``x``)."""
    if not (has_table(con, STATES) and has_table(con, COUNTIES)):
        return absent(target, "county FIPS codes", COUNTIES[0])
    t, k, s, c, f = quote(target), quote(key), quote(state), quote(county), quote(fips)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE county_keys AS
        SELECT st.state_code, {name_key_sql('co.county_full_name', drop_kind=False)} AS full_key,
               {name_key_sql('co.county_name', drop_kind=True)} AS bare_key, co.county_fips
        FROM ref_counties co JOIN ref_states st USING (state_fips)
        WHERE $as_of IS NULL OR ((co.valid_from IS NULL OR co.valid_from <= $as_of) AND (co.valid_to IS NULL OR co.valid_to > $as_of))""",
                {"as_of": as_of})
    load_county_fixes(con)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE county_matches AS
        WITH raw_names AS (SELECT DISTINCT x.{s} AS state_code, x.{c} AS county FROM {t} x WHERE x.{c} IS NOT NULL AND ({where})),
        names AS (SELECT r.state_code, r.county, coalesce(fx.fixed, r.county) AS lookup, fx.reason AS fix_reason
                  FROM raw_names r LEFT JOIN county_fixes fx ON fx.state_code = r.state_code AND upper(fx.raw) = upper(r.county)),
        full_hits AS (SELECT n.state_code, n.county, list(DISTINCT k.county_fips ORDER BY k.county_fips) AS fips FROM names n
                      JOIN county_keys k ON k.state_code = n.state_code AND k.full_key = {name_key_sql('n.lookup', drop_kind=False)}
                      GROUP BY ALL),
        bare_hits AS (SELECT n.state_code, n.county, list(DISTINCT k.county_fips ORDER BY k.county_fips) AS fips FROM names n
                      JOIN county_keys k ON k.state_code = n.state_code AND k.bare_key = {name_key_sql('n.lookup', drop_kind=True)}
                      GROUP BY ALL)
        SELECT n.state_code, n.county, n.lookup, n.fix_reason, coalesce(fh.fips, bh.fips, []) AS fips
        FROM names n LEFT JOIN full_hits fh USING (state_code, county) LEFT JOIN bare_hits bh USING (state_code, county)""")
    con.execute(f"""UPDATE {t} AS x SET {f} = m.fips[1] FROM county_matches m
        WHERE m.state_code = x.{s} AND m.county = x.{c} AND len(m.fips) = 1 AND ({where})""")
    findings = []
    fixed = con.execute(f"""SELECT m.state_code, m.county, m.lookup, m.fips[1], count(*) FROM county_matches m JOIN {t} x
        ON x.{s} = m.state_code AND x.{c} = m.county WHERE m.fix_reason IS NOT NULL AND len(m.fips) = 1 AND ({where})
        GROUP BY ALL ORDER BY ALL""").fetchall()
    if fixed:
        findings.append(Finding("info", "county_name_repaired", f"{target}: {sum(r[4] for r in fixed)} county names read through the listed fixes "
                                                                "(sources/county_fixes.csv)",
                                detail={"table": target, "repaired": [{"state": r[0], "raw": r[1], "read_as": r[2], "fips": r[3], "rows": r[4]}
                                                                      for r in fixed]}, count=sum(r[4] for r in fixed)))
    rows = con.execute(f"""
        SELECT x.{s}, x.{c}, count(*) AS n, list(x.{k} ORDER BY x.{k})[1:3], any_value(m.fips)
        FROM {t} x LEFT JOIN county_matches m ON m.state_code IS NOT DISTINCT FROM x.{s} AND m.county = x.{c}
        WHERE x.{c} IS NOT NULL AND x.{f} IS NULL AND ({where}) GROUP BY 1, 2 ORDER BY 1, 2""").fetchall()
    if not rows:
        return findings
    listed = [{"state": r[0], "county": r[1], "rows": r[2], "examples": r[3], "candidates": r[4]} for r in rows]
    return findings + [Finding("warning", "county_unresolved",
                    f"{target}: {sum(r[2] for r in rows)} rows name a county that matches no county (or several) of their state; their FIPS code is NULL",
                    fix="check the spelling against ref_counties; a city written in the county column is left unresolved on purpose",
                    detail={"table": target, **examples(listed, limit=25)}, count=sum(r[2] for r in rows))]
