"""Build step `g287`: ref_287g_listings, ref_287g_snapshots, ref_287g_moas and ref_287g_agreements.

An agreement is a (state, agency key, model). Its name, type, county and signed date come from the
latest ICE list that gives them; the ORI from the snapshot compilers; first and last seen from the
participating-agency snapshots; its status from the latest lists. State codes, county FIPS and AOR
are resolved against the geography registries when they are in the ledger.
"""

from __future__ import annotations

from iceledger.metadata import table
from iceledger.sources.g287.extract import LISTING_COLUMNS, MOA_COLUMNS, Extracted, extract_g287
from iceledger.sources.place_codes import has_table, resolve_county_fips, resolve_state_codes
from iceledger.sources.rows import insert_records
from iceledger.sources.step import StepResult
from iceledger.validation import Finding
from iceledger.validation.report import examples

KEY = "agency_state_name, agency_key, g287_model_code"
ICE_FIRST = "(source_id LIKE 'ice-%')"  # ICE's own spreadsheets win over the compiled snapshots on the same day


def load_listings(con, x: Extracted) -> int:
    n = insert_records(con, "ref_287g_listings", x.listings, LISTING_COLUMNS)
    insert_records(con, "ref_287g_moas", x.moas, MOA_COLUMNS)
    con.execute("""INSERT INTO ref_287g_snapshots
        SELECT g287_snapshot_id, g287_snapshot_date, g287_list_status, count(*), source_id,
               CASE WHEN min(source_detail) LIKE 'line %' THEN 'lines whose date is ''' || g287_snapshot_id || ''''
                    ELSE 'rows ' || min(CAST(split_part(source_detail, ' ', 2) AS INTEGER)) || '-'
                         || max(CAST(split_part(source_detail, ' ', 2) AS INTEGER)) END
        FROM ref_287g_listings GROUP BY g287_snapshot_id, g287_snapshot_date, g287_list_status, source_id""")
    return n


def latest_snapshot(con, status: str) -> str | None:
    return con.execute("SELECT max(g287_snapshot_id) FROM ref_287g_snapshots WHERE g287_list_status = ?", [status]).fetchall()[0][0]


def load_agreements(con) -> int:
    latest_p, latest_q = latest_snapshot(con, "participating"), latest_snapshot(con, "pending")
    order = f"(g287_snapshot_id, {ICE_FIRST}, source_detail)"
    t = table("ref_287g_agreements")
    con.execute(f"""
        INSERT INTO ref_287g_agreements ({', '.join(t.columns)})
        SELECT agency_state_name, NULL, agency_key,
               coalesce(arg_max(agency_name, {order}) FILTER (WHERE {ICE_FIRST}), arg_max(agency_name, {order})),
               arg_max(agency_jurisdiction_type, {order}) FILTER (WHERE agency_jurisdiction_type IS NOT NULL),
               arg_max(agency_ori, {order}) FILTER (WHERE agency_ori IS NOT NULL),
               coalesce(arg_max(agency_county_name, {order}) FILTER (WHERE agency_county_name IS NOT NULL AND {ICE_FIRST}),
                        arg_max(agency_county_name, {order}) FILTER (WHERE agency_county_name IS NOT NULL)),
               NULL, NULL, NULL, g287_model_code,
               arg_max(g287_signed_date, {order}) FILTER (WHERE g287_signed_date IS NOT NULL),
               min(g287_snapshot_date) FILTER (WHERE g287_list_status = 'participating'),
               max(g287_snapshot_date) FILTER (WHERE g287_list_status = 'participating'),
               count(DISTINCT g287_snapshot_id) FILTER (WHERE g287_list_status = 'participating'),
               CASE WHEN bool_or(g287_list_status = 'participating' AND g287_snapshot_id = ?) THEN 'participating'
                    WHEN bool_or(g287_list_status = 'pending' AND g287_snapshot_id = ?) THEN 'pending'
                    ELSE 'not in latest list' END,
               NULL, NULL,
               arg_max(source_id, {order}), arg_max(source_detail, {order})
        FROM ref_287g_listings WHERE agency_key IS NOT NULL AND g287_model_code IS NOT NULL
        GROUP BY {KEY} ORDER BY {KEY}""", [latest_p, latest_q])
    return con.execute("SELECT count(*) FROM ref_287g_agreements").fetchall()[0][0]


# A county ICE names in the agency's own name: "Cobb County Sheriff's Office", "Ouachita Parish Sheriff's Office".
COUNTY_IN_NAME = r"^(.+?)\s+(County|Parish)\b"


def name_counties(con) -> list[Finding]:
    """Agreements only on lists without a COUNTY column take the county their agency's name gives."""
    con.execute("UPDATE ref_287g_agreements SET agency_county_basis = 'county_column' WHERE agency_county_name IS NOT NULL")
    con.execute(f"""UPDATE ref_287g_agreements SET agency_county_name = regexp_extract(agency_name, '{COUNTY_IN_NAME}', 1),
        agency_county_basis = 'agency_name' WHERE agency_county_name IS NULL AND regexp_matches(agency_name, '{COUNTY_IN_NAME}')""")
    rows = con.execute("""SELECT agency_state_name, agency_name, agency_county_name FROM ref_287g_agreements
        WHERE agency_county_basis = 'agency_name' ORDER BY ALL""").fetchall()
    if not rows:
        return []
    return [Finding("info", "g287_county_from_agency_name", f"{len(rows)} agreements, only on lists without a COUNTY column, take the county "
                    "their agency's name gives (agency_county_basis = agency_name)",
                    detail=examples([list(r) for r in rows], limit=40), count=len(rows))]


def link_places_and_moas(con) -> list[Finding]:
    findings = name_counties(con) + resolve_state_codes(con, "ref_287g_listings", name="agency_state_name", code="agency_state_code")
    con.execute("""UPDATE ref_287g_agreements a SET agency_state_code = l.agency_state_code FROM
        (SELECT DISTINCT agency_state_name, agency_state_code FROM ref_287g_listings WHERE agency_state_code IS NOT NULL) l
        WHERE l.agency_state_name = a.agency_state_name""")
    as_of = con.execute("SELECT max(g287_snapshot_date) FROM ref_287g_snapshots").fetchall()[0][0]
    findings += resolve_county_fips(con, "ref_287g_agreements", key="agency_key", state="agency_state_code",
                                    county="agency_county_name", fips="agency_county_fips", as_of=as_of)
    if has_table(con, ("ref_county_aor", ("county_fips", "aor_code", "is_current"))):
        con.execute("""UPDATE ref_287g_agreements a SET aor_code = c.aor_code FROM ref_county_aor c
            WHERE c.county_fips = a.agency_county_fips AND c.is_current""")
    con.execute("""UPDATE ref_287g_agreements a SET g287_moa_count = m.n, g287_moa_first_date = m.first_date FROM
        (SELECT agency_state_code, agency_key, g287_model_code, count(*) AS n, min(g287_moa_date) AS first_date
         FROM ref_287g_moas GROUP BY ALL) m
        WHERE m.agency_state_code = a.agency_state_code AND m.agency_key = a.agency_key AND m.g287_model_code = a.g287_model_code""")
    return findings


def check_listings(con) -> list[Finding]:
    out = []
    dup = con.execute(f"""SELECT g287_snapshot_id, source_id, {KEY}, count(*), list(agency_name ORDER BY source_detail)
        FROM ref_287g_listings GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL""").fetchall()
    if dup:
        out.append(Finding("info", "g287_listed_twice", f"{len(dup)} times an agreement is listed twice in one snapshot (same state, agency key and model); "
                           "they count once as an agreement", detail=examples([list(d) for d in dup], limit=5), count=len(dup)))
    ori = con.execute("""SELECT agency_state_name, agency_key, list(DISTINCT agency_ori) FROM ref_287g_listings
        WHERE agency_ori IS NOT NULL GROUP BY ALL HAVING count(DISTINCT agency_ori) > 1 ORDER BY ALL""").fetchall()
    if ori:
        out.append(Finding("warning", "g287_ori_conflict", "agencies given more than one ORI; the latest is used",
                           detail=examples([list(o) for o in ori]), count=len(ori)))
    signed = con.execute(f"""SELECT {KEY}, list(DISTINCT g287_signed_date ORDER BY g287_signed_date) FROM ref_287g_listings
        WHERE g287_signed_date IS NOT NULL GROUP BY ALL HAVING count(DISTINCT g287_signed_date) > 1 ORDER BY ALL""").fetchall()
    if signed:
        out.append(Finding("info", "g287_signed_changed", f"{len(signed)} agreements have SIGNED dates that differ between ICE's lists; the latest "
                                                          "list's is used",
                           detail=examples([list(s) for s in signed]), count=len(signed)))
    both = con.execute("""SELECT g287_snapshot_id FROM ref_287g_snapshots WHERE g287_list_status = 'participating'
        GROUP BY 1 HAVING count(DISTINCT source_id) > 1 ORDER BY 1""").fetchall()
    for (snap,) in both:
        diff = con.execute(f"""WITH k AS (SELECT DISTINCT source_id, {KEY} FROM ref_287g_listings
                WHERE g287_snapshot_id = ? AND g287_list_status = 'participating')
            SELECT source_id, agency_state_name, agency_key, g287_model_code FROM k
            WHERE (agency_state_name, agency_key, g287_model_code) NOT IN
                  (SELECT (agency_state_name, agency_key, g287_model_code) FROM k k2 WHERE k2.source_id <> k.source_id)
            ORDER BY ALL""", [snap]).fetchall()
        if diff:
            out.append(Finding("warning", "g287_sources_disagree", f"snapshot {snap}: agreements only one source lists",
                               detail=examples([list(d) for d in diff], limit=20), count=len(diff)))
    return out


def check_moas(con) -> list[Finding]:
    rows = con.execute("""SELECT a.agency_state_code, a.agency_name, a.g287_model_code, a.g287_signed_date, a.g287_moa_first_date
        FROM ref_287g_agreements a WHERE a.g287_moa_first_date IS NOT NULL AND a.g287_signed_date IS NOT NULL
        AND a.g287_moa_first_date <> a.g287_signed_date ORDER BY ALL""").fetchall()
    if not rows:
        return []
    return [Finding("info", "g287_moa_date_differs", f"{len(rows)} agreements have an MOA file name carrying another date than ICE's SIGNED column "
                    "(both kept: g287_signed_date and g287_moa_first_date)", detail=examples([list(r) for r in rows]), count=len(rows))]


def load_g287(con, ctx):
    """Build step: the 287(g) registries."""
    x = extract_g287()
    n_listings = load_listings(con, x)
    n_agreements = load_agreements(con)
    findings = list(x.findings) + check_listings(con) + link_places_and_moas(con) + check_moas(con)
    counts = {name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] for name in ("ref_287g_snapshots", "ref_287g_moas")}
    return StepResult({"ref_287g_listings": n_listings, "ref_287g_agreements": n_agreements, **counts}, findings)
