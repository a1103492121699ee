"""Build step `facilities`: ref_facility_attributes (every value with its source), ref_facilities (one
value per attribute, chosen by source precedence), ref_facility_adp and ref_facility_types.

Precedence is the ``rank`` of each sheet in sheets.csv (newest ICE list first, compiled datasets
last). Which attribute fills which ref_facilities column is the ``column`` of the
facility_attribute code list. Values that cannot be cast, unknown types and AORs, and sources
that disagree are reported as findings.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from iceledger.errors import BuildError
from iceledger.metadata import code_list, field_, quote, table
from iceledger.metadata.model import METADATA_DIR
from iceledger.sources.facilities.extract import Extracted, extract_facilities
from iceledger.sources.place_codes import name_key_sql, resolve_county_fips
from iceledger.sources.rows import insert_records
from iceledger.sources.step import StepResult
from iceledger.validation import Finding
from iceledger.validation.report import examples

HOLD_SUFFIX = "HOLD"
LIST_DATE = dt.date(2017, 11, 6)  # counties as they were when ICE's list (the only source of county names) was extracted
LISTING = "listing"


def attribute_columns() -> dict[str, str]:
    """Attribute -> ref_facilities column, from the facility_attribute code list."""
    import csv

    with (METADATA_DIR / "codes" / "facility_attribute.csv").open(newline="") as fh:
        return {r["code"]: r["column"] for r in csv.DictReader(fh) if r["column"]}


def check_attribute_names(x: Extracted) -> None:
    known = code_list("facility_attribute")
    unknown = sorted({a[1] for a in x.attributes if not known.knows(a[1])})
    if unknown:
        raise BuildError("facility_attribute_unknown", f"columns.csv maps headers to undeclared attributes {unknown}",
                         fix="add them to src/iceledger/metadata/codes/facility_attribute.csv or correct columns.csv")


def load_attributes(con, x: Extracted) -> int:
    cols = ["detention_facility_code", "facility_attribute", "facility_attribute_value", "source_id", "source_detail",
            "facility_attribute_rank"]
    n = insert_records(con, "ref_facility_attributes", [dict(zip(cols, a)) | {"is_chosen_value": False} for a in x.attributes],
                       cols + ["is_chosen_value"])
    con.execute(f"""
        UPDATE ref_facility_attributes a SET is_chosen_value = TRUE FROM (
          SELECT detention_facility_code, facility_attribute, source_id, source_detail,
                 row_number() OVER (PARTITION BY detention_facility_code, facility_attribute
                                    ORDER BY facility_attribute_rank, source_id, source_detail) AS pick
          FROM ref_facility_attributes) p
        WHERE a.detention_facility_code = p.detention_facility_code AND a.facility_attribute = p.facility_attribute
          AND a.source_id = p.source_id AND a.source_detail = p.source_detail
          AND (p.pick = 1 OR a.facility_attribute = '{LISTING}')""")
    return n


def load_adp(con, x: Extracted) -> int:
    rows = []
    for code, fy, value, through, source_id, detail in x.adp:
        fy_end = dt.date(fy, 9, 30)
        cutoff = dt.date.fromisoformat(through) if through else fy_end
        rows.append((code, str(fy), value, min(fy_end, cutoff).isoformat(), source_id, detail))
    data = pa.table({c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(
        ["detention_facility_code", "facility_adp_fy", "facility_adp", "facility_adp_through_date", "source_id", "source_detail"])})
    con.register("adp_rows", data)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE facility_adp_text AS SELECT * FROM adp_rows")
    finally:
        con.unregister("adp_rows")
    con.execute("""INSERT INTO ref_facility_adp (detention_facility_code, facility_adp_fy, facility_adp, facility_adp_through_date,
                   source_id, source_detail)
                   SELECT detention_facility_code, CAST(facility_adp_fy AS INTEGER), TRY_CAST(facility_adp AS DOUBLE),
                          CAST(facility_adp_through_date AS DATE), source_id, source_detail
                   FROM facility_adp_text WHERE TRY_CAST(facility_adp AS DOUBLE) IS NOT NULL""")
    return con.execute("SELECT count(*) FROM ref_facility_adp").fetchall()[0][0]


def check_adp(con) -> list[Finding]:
    bad = con.execute("SELECT detention_facility_code, facility_adp, source_id, source_detail FROM facility_adp_text "
                      "WHERE TRY_CAST(facility_adp AS DOUBLE) IS NULL ORDER BY ALL").fetchall()
    if not bad:
        return []
    return [Finding("warning", "facility_adp_unreadable", "ADP cells that are not numbers were not loaded",
                    fix="check the cells; if ICE wrote a marker, describe it in docs/facilities.md",
                    detail=examples([list(b) for b in bad]), count=len(bad))]


def load_wide(con) -> int:
    cols = attribute_columns()
    t = table("ref_facilities")
    picks = []
    for attr, col in cols.items():
        expr = f"max(facility_attribute_value) FILTER (WHERE is_chosen_value AND facility_attribute = '{attr}')"
        ftype = field_(col).type
        picks.append(f"TRY_CAST({expr} AS {ftype}) AS {quote(col)}" if ftype != "VARCHAR" else f"{expr} AS {quote(col)}")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE facility_wide AS
        SELECT detention_facility_code, {', '.join(picks)},
               list(DISTINCT facility_attribute_value ORDER BY facility_attribute_value)
                 FILTER (WHERE facility_attribute = '{LISTING}') AS facility_listings,
               arg_min(source_id || chr(31) || source_detail, (facility_attribute_rank, source_id, source_detail))
                 FILTER (WHERE facility_attribute = 'name') AS name_source
        FROM ref_facility_attributes GROUP BY detention_facility_code""")
    values = {c: quote(c) for c in t.columns}
    values["facility_county_fips"] = "NULL"
    values["is_hold_room"] = f"(coalesce(facility_type_detailed = 'HOLD', FALSE) OR detention_facility_code LIKE '%{HOLD_SUFFIX}')"
    values["facility_last_use_fy"] = ("(SELECT max(facility_adp_fy) FROM ref_facility_adp a "
                                      "WHERE a.detention_facility_code = w.detention_facility_code AND a.facility_adp > 0)")
    values["aor_code"] = f"CASE WHEN aor_code IN ({', '.join(repr(v) for v in code_list('aor').values)}) THEN aor_code END"
    values["source_id"] = "split_part(name_source, chr(31), 1)"
    values["source_detail"] = "split_part(name_source, chr(31), 2) || '; other values: see ref_facility_attributes'"
    con.execute(f"INSERT INTO ref_facilities ({', '.join(quote(c) for c in t.columns)}) "
                f"SELECT {', '.join(values[c] for c in t.columns)} FROM facility_wide w ORDER BY detention_facility_code")
    return con.execute("SELECT count(*) FROM ref_facilities").fetchall()[0][0]


def check_wide(con) -> list[Finding]:
    out = []
    cols = attribute_columns()
    for attr, col in cols.items():
        if field_(col).type == "VARCHAR":
            continue
        bad = con.execute(f"""SELECT w.detention_facility_code, a.facility_attribute_value FROM ref_facilities w
            JOIN ref_facility_attributes a USING (detention_facility_code)
            WHERE a.is_chosen_value AND a.facility_attribute = ? AND w.{quote(col)} IS NULL ORDER BY 1""", [attr]).fetchall()
        if bad:
            out.append(Finding("warning", "facility_value_unreadable", f"{attr}: values that are not a {field_(col).type}",
                               detail=examples([list(b) for b in bad]), count=len(bad)))
    bad_aor = con.execute("""SELECT a.facility_attribute_value, count(*) FROM ref_facility_attributes a JOIN ref_facilities w
        USING (detention_facility_code) WHERE a.is_chosen_value AND a.facility_attribute = 'aor' AND w.aor_code IS NULL
        GROUP BY 1 ORDER BY 1""").fetchall()
    if bad_aor:
        out.append(Finding("warning", "facility_aor_unknown", "AOR values not in the aor code list",
                           fix="add the spelling to src/iceledger/metadata/codes/aor.csv",
                           detail=examples([f"{v} ({n})" for v, n in bad_aor]), count=sum(n for _, n in bad_aor)))
    for col in ("facility_type", "facility_type_detailed"):
        unknown = con.execute(f"""SELECT {col}, count(*) FROM ref_facilities WHERE {col} IS NOT NULL
            AND {col} NOT IN (SELECT {col} FROM ref_facility_types) GROUP BY 1 ORDER BY 1""").fetchall()
        if unknown:
            out.append(Finding("warning", "facility_type_unknown", f"{col}: values ICE's Facility Type sheet does not define",
                               detail=examples([f"{v} ({n})" for v, n in unknown]), count=sum(n for _, n in unknown)))
    mixed = con.execute("""SELECT f.detention_facility_code, f.facility_type, f.facility_type_detailed, t.facility_type
        FROM ref_facilities f JOIN ref_facility_types t USING (facility_type_detailed)
        WHERE f.facility_type IS NOT NULL AND f.facility_type <> t.facility_type ORDER BY 1""").fetchall()
    if mixed:
        out.append(Finding("info", "facility_type_inconsistent",
                           "the chosen type and detailed type come from different lists and do not agree with ICE's type table",
                           detail=examples([list(m) for m in mixed]), count=len(mixed)))
    return out


def check_locations(con) -> list[Finding]:
    """Coordinates whose source row puts the facility in another state than the chosen one are not used."""
    bad = con.execute("""
        SELECT f.detention_facility_code, f.facility_state_code, s.facility_attribute_value, c.source_id, c.source_detail
        FROM ref_facilities f
        JOIN ref_facility_attributes c ON c.detention_facility_code = f.detention_facility_code
             AND c.facility_attribute = 'latitude' AND c.is_chosen_value
        JOIN ref_facility_attributes s ON s.detention_facility_code = c.detention_facility_code AND s.facility_attribute = 'state'
             AND s.source_id = c.source_id AND s.source_detail = c.source_detail
        WHERE s.facility_attribute_value <> f.facility_state_code ORDER BY 1""").fetchall()
    if not bad:
        return []
    codes = [b[0] for b in bad]
    con.execute("UPDATE ref_facilities SET facility_latitude = NULL, facility_longitude = NULL "
                "WHERE list_contains(?, detention_facility_code)", [codes])
    con.execute("UPDATE ref_facility_attributes SET is_chosen_value = FALSE WHERE facility_attribute IN ('latitude', 'longitude') "
                "AND list_contains(?, detention_facility_code)", [codes])
    return [Finding("warning", "facility_location_conflict",
                    f"{len(bad)} geocoded locations placed in another state than the facility's chosen state were not used",
                    detail=examples([{"code": b[0], "state": b[1], "geocoded_state": b[2], "source": f"{b[3]}, {b[4]}"} for b in bad]),
                    count=len(bad))]


def check_named_county(con) -> list[Finding]:
    """Facilities named after a county ("BOWIE COUNTY JAIL") whose source lists another county (HARRIS):
    reported for review, never changed (a jail may stand outside the county it serves; many are spellings)."""
    named = "regexp_extract(upper(detention_facility), '([A-Z.&\\'']+(?: [A-Z.&\\'']+)?) (?:COUNTY|PARISH)\\b', 1)"
    rows = con.execute(f"""
        SELECT detention_facility_code, detention_facility, facility_county_name, facility_state_code FROM ref_facilities
        WHERE facility_county_name IS NOT NULL AND {named} <> ''
          AND NOT contains({name_key_sql(named, drop_kind=True)}, {name_key_sql('facility_county_name', drop_kind=True)})
        ORDER BY 1""").fetchall()
    if not rows:
        return []
    return [Finding("info", "facility_named_for_another_county",
                    f"{len(rows)} facilities are named after a county other than the one their source lists "
                    "(spelling variants included); the listed county is kept",
                    fix="review them before relying on county-level facility figures; a confirmed error can be "
                        "corrected with a listed fix rule and its source",
                    detail=examples([{"code": r[0], "name": r[1], "listed_county": r[2], "state": r[3]} for r in rows]),
                    count=len(rows))]


def check_disagreements(con) -> list[Finding]:
    """How often sources give different values for one attribute of one facility (the chosen value wins)."""
    rows = con.execute(f"""SELECT facility_attribute, count(*) AS n, list(detention_facility_code ORDER BY detention_facility_code)[1:5]
        FROM (SELECT detention_facility_code, facility_attribute FROM ref_facility_attributes
              WHERE facility_attribute <> '{LISTING}'
              GROUP BY ALL HAVING count(DISTINCT upper(facility_attribute_value)) > 1)
        GROUP BY 1 ORDER BY 1""").fetchall()
    if not rows:
        return []
    return [Finding("info", "facility_sources_disagree", f"{sum(r[1] for r in rows)} times a facility's sources give different values for an attribute; "
                    "ref_facilities uses the best-ranked source and ref_facility_attributes keeps every value",
                    detail={attr: {"facilities": n, "examples": codes} for attr, n, codes in rows},
                    count=sum(r[1] for r in rows))]


def load_facilities(con, ctx):
    """Build step: the facility registries."""
    x = extract_facilities()
    check_attribute_names(x)
    findings = list(x.findings)
    type_cols = ["facility_type", "facility_type_detailed", "facility_type_definition", "source_id", "source_detail"]
    n_types = insert_records(con, "ref_facility_types", [dict(zip(type_cols, t)) for t in x.types], type_cols)
    n_attrs = load_attributes(con, x)
    n_adp = load_adp(con, x)
    findings += check_adp(con)
    n_wide = load_wide(con)
    findings += check_wide(con)
    findings += check_locations(con)
    findings += check_disagreements(con)
    findings += resolve_county_fips(con, "ref_facilities", key="detention_facility_code", state="facility_state_code",
                                    county="facility_county_name", fips="facility_county_fips", as_of=LIST_DATE)
    findings += check_named_county(con)
    return StepResult({"ref_facility_types": n_types, "ref_facility_attributes": n_attrs, "ref_facility_adp": n_adp,
                       "ref_facilities": n_wide}, findings)
