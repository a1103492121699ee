"""Resolve county names written in registry sources ("GRAYS HARBOR", "Colbert County") to county FIPS
codes against the county registry, in SQL, as the last part of a registry's build step.

A name resolves when its key (accents and punctuation removed, "Saint" as "St", the words county,
parish, borough, census area and municipality dropped, spaces removed) matches exactly one county
of the same state. Names that match none or several are reported, never guessed. When the county
registry is not in the ledger the FIPS columns stay NULL and a finding says so.
"""

from __future__ import annotations

from iceledger.metadata import quote
from iceledger.validation import Finding
from iceledger.validation.report import examples

COUNTY_TABLE = "ref_counties"
COUNTY_COLUMNS = ("county_fips", "county_name", "state_code")
SUFFIX_WORDS = ("CITY AND BOROUGH", "CENSUS AREA", "MUNICIPALITY", "BOROUGH", "PARISH", "COUNTY")


def county_key_sql(col: str) -> str:
    """SQL expression: the matching key of a county name."""
    text = f"upper(strip_accents(coalesce({col}, '')))"
    text = f"regexp_replace({text}, '\\bSAINTE?\\b', 'ST', 'g')"
    words = "|".join(w.replace(" ", "\\s+") for w in SUFFIX_WORDS)
    text = f"regexp_replace({text}, '\\b({words})\\b', ' ', 'g')"
    return f"nullif(regexp_replace({text}, '[^A-Z0-9]+', '', 'g'), '')"


def has_county_registry(con) -> bool:
    rows = con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?", [COUNTY_TABLE]).fetchall()
    return set(COUNTY_COLUMNS) <= {r[0] for r in rows}


def resolve_county_fips(con, target: str, *, key: str, state: str, county: str, fips: str) -> list[Finding]:
    """Fill ``target.fips`` from (``state`` code, ``county`` name); findings for names that do not resolve."""
    t, k, s, c, f = quote(target), quote(key), quote(state), quote(county), quote(fips)
    if not has_county_registry(con):
        return [Finding("info", "county_registry_absent",
                        f"{target}: county FIPS codes not resolved because {COUNTY_TABLE} is not in this ledger",
                        fix="build with the geography registry (build step before this one)")]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE county_keys AS
        SELECT state_code, {county_key_sql('county_name')} AS county_key, list(county_fips ORDER BY county_fips) AS fips
        FROM {COUNTY_TABLE} GROUP BY ALL""")
    con.execute(f"""
        UPDATE {t} SET {f} = m.fips[1] FROM county_keys m
        WHERE m.state_code = {t}.{s} AND m.county_key = {county_key_sql(f'{t}.{c}')} AND len(m.fips) = 1""")
    rows = con.execute(f"""
        SELECT x.{s}, x.{c}, count(*) AS n, list(x.{k} ORDER BY x.{k})[1:3] AS keys, any_value(m.fips) AS candidates
        FROM {t} x LEFT JOIN county_keys m ON m.state_code = x.{s} AND m.county_key = {county_key_sql(f'x.{c}')}
        WHERE x.{c} IS NOT NULL AND x.{f} IS NULL GROUP BY 1, 2 ORDER BY 1, 2""").fetchall()
    if not rows:
        return []
    listed = [{"state": r[0], "county": r[1], "rows": r[2], "examples": r[3], "candidates": r[4]} for r in rows]
    return [Finding("warning", "county_unresolved",
                    f"{target}: county names that match no county (or several) of their state; their FIPS code is NULL",
                    fix="check the spelling against ref_counties; a city written as a county is left unresolved on purpose",
                    detail={"table": target, **examples(listed, limit=25)}, count=sum(r[2] for r in rows))]
