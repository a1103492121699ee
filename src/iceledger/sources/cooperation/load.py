"""Build step `cooperation`: ref_place_cooperation, every dated and cited fact about a place's
cooperation with ICE on one timeline, per county.

- Local policies and state laws from ref_policies: a state's law binds every county (one row, no
  county); a county's or city's policy is placed in the counties its jurisdiction lies in.
- 287(g) agreements from ICE's lists (ref_287g_listings): one row per unbroken run of lists carrying
  the agreement, from the first list of the run to the last, ending at the first list without it.
  ICE's SIGNED column is not used for dates: ICE overwrites it at every renewal.
- Designations from ref_policy_designations: one row per county a listed city or county lies in, one
  row without a county for a listed state; a withdrawn listing ends at its withdrawal.

A fact holds on a day when from_date <= day < until_date (until_date NULL: no end known).
"""

from __future__ import annotations

import datetime as dt

from iceledger.sources.designations.load import jurisdiction_counties
from iceledger.sources.rows import insert_records
from iceledger.sources.step import StepResult
from iceledger.validation import Finding

TABLE = "ref_place_cooperation"
COLUMNS = ("cooperation_id", "cooperation_kind", "cooperation_code", "state_code", "county_fips", "place_level", "party_name",
           "policy_instrument", "policy_terms", "designation_list_title", "from_date", "from_precision", "to_date", "until_date",
           "designation_withdrawn_date", "designation_withdrawn_precision", "g287_snapshot_count", "said_by", "source_url",
           "record_ref", "source_id", "source_detail")
STATE_WIDE = ("state", "nation")

G287_RUNS_SQL = """
WITH snaps AS (SELECT DISTINCT g287_snapshot_id AS snap, g287_snapshot_date AS day FROM ref_287g_listings
               WHERE g287_list_status = 'participating'),
ordered AS (SELECT snap, day, row_number() OVER (ORDER BY snap) AS n FROM snaps),
present AS (SELECT DISTINCT agency_state_name, agency_key, g287_model_code, g287_snapshot_id AS snap FROM ref_287g_listings
            WHERE g287_list_status = 'participating' AND agency_key IS NOT NULL AND g287_model_code IS NOT NULL),
numbered AS (SELECT p.*, o.n, o.day, o.n - row_number() OVER (PARTITION BY agency_state_name, agency_key, g287_model_code
                                                             ORDER BY o.n) AS run
             FROM present p JOIN ordered o USING (snap)),
runs AS (SELECT agency_state_name, agency_key, g287_model_code, min(day) AS first_day, max(day) AS last_day,
                min(snap) AS first_snap, max(snap) AS last_snap, max(n) AS last_n, count(*) AS lists
         FROM numbered GROUP BY agency_state_name, agency_key, g287_model_code, run)
SELECT r.*, nx.day AS next_day, nx.snap AS next_snap, a.agency_name, a.agency_state_code, a.agency_county_fips,
       a.agency_jurisdiction_type, a.agency_county_basis, a.source_id, a.source_detail
FROM runs r JOIN ref_287g_agreements a USING (agency_state_name, agency_key, g287_model_code)
LEFT JOIN ordered nx ON nx.n = r.last_n + 1
ORDER BY ALL"""


def day_after(d: dt.date | None) -> dt.date | None:
    return d + dt.timedelta(days=1) if d else None


def policy_rows(con) -> list[dict]:
    rows = con.execute("""SELECT p.*, j.jurisdiction_name, j.place_level, j.state_code FROM ref_policies p
        JOIN ref_jurisdictions j USING (jurisdiction_id) ORDER BY p.policy_id""")
    names = [d[0] for d in rows.description]
    out = []
    for r in (dict(zip(names, x)) for x in rows.fetchall()):
        state_wide = r["place_level"] in STATE_WIDE
        counties = [None] if state_wide else jurisdiction_counties(r["jurisdiction_name"], r["place_level"], r["state_code"], None)
        for fips in counties:
            out.append({"cooperation_id": f"policy:{r['policy_id']}" + (f":{fips}" if fips else ""),
                        "cooperation_kind": "state_law" if state_wide else "local_policy", "cooperation_code": r["policy_kind"],
                        "state_code": r["state_code"], "county_fips": fips, "place_level": r["place_level"],
                        "party_name": r["jurisdiction_name"], "policy_instrument": r["policy_instrument"],
                        "policy_terms": r["policy_terms"], "from_date": r["effective_from_date"],
                        "from_precision": r["effective_from_precision"], "to_date": r["effective_to_date"],
                        "until_date": day_after(r["effective_to_date"]), "said_by": r["described_by"],
                        "source_url": r["source_url"], "record_ref": r["policy_id"],
                        "source_id": r["source_id"], "source_detail": r["source_detail"]})
    return out


def g287_rows(con) -> tuple[list[dict], list[str]]:
    cur = con.execute(G287_RUNS_SQL)
    names = [d[0] for d in cur.description]
    out, unplaced = [], []
    for r in (dict(zip(names, x)) for x in cur.fetchall()):
        state_wide = r["agency_jurisdiction_type"] == "State Agency"
        if not state_wide and not r["agency_county_fips"]:
            unplaced.append(f"{r['agency_name']} ({r['agency_state_code']}, {r['g287_model_code']})")
            continue
        until = max(r["next_day"], day_after(r["last_day"])) if r["next_day"] else None
        ref = f"{r['agency_state_name']}/{r['agency_key']}/{r['g287_model_code']}"
        out.append({"cooperation_id": f"g287:{ref}:{r['first_snap']}", "cooperation_kind": "g287_agreement",
                    "cooperation_code": r["g287_model_code"], "state_code": r["agency_state_code"],
                    "county_fips": None if state_wide else r["agency_county_fips"],
                    "place_level": "state" if state_wide else "city" if r["agency_jurisdiction_type"] == "Municipality" else "county",
                    "party_name": r["agency_name"], "from_date": r["first_day"], "from_precision": "day",
                    "to_date": r["last_day"], "until_date": until, "g287_snapshot_count": r["lists"], "said_by": "ICE",
                    "source_url": "https://www.ice.gov/identify-and-arrest/287g", "record_ref": ref,
                    "source_id": r["source_id"], "source_detail": r["source_detail"]})
    return out, unplaced


def designation_rows(con) -> list[dict]:
    cur = con.execute("""SELECT d.*, l.designated_by, l.designation_date, l.designation_kind, l.designation_list_title,
            l.designation_withdrawn_date, l.designation_withdrawn_precision
        FROM ref_policy_designations d JOIN ref_designation_lists l USING (designation_list_id)
        WHERE d.matched_level IS NOT NULL AND d.match_status NOT IN ('ambiguous', 'unmatched') ORDER BY d.designation_id""")
    names = [d[0] for d in cur.description]
    out = []
    for r in (dict(zip(names, x)) for x in cur.fetchall()):
        state_wide = r["matched_level"] in STATE_WIDE
        counties = [None] if state_wide else (r["county_fips_codes"] or [])
        withdrawn = standing_until(r["designation_withdrawn_date"], r["designation_withdrawn_precision"])
        for fips in counties:
            out.append({"cooperation_id": f"designation:{r['designation_id']}" + (f":{fips}" if fips else ""),
                        "cooperation_kind": "designation", "cooperation_code": r["designation_kind"], "state_code": r["state_code"],
                        "county_fips": fips, "place_level": r["matched_level"], "party_name": r["listed_name"],
                        "designation_list_title": r["designation_list_title"], "from_date": r["designation_date"],
                        "from_precision": "day", "to_date": None, "until_date": withdrawn,
                        "designation_withdrawn_date": r["designation_withdrawn_date"],
                        "designation_withdrawn_precision": r["designation_withdrawn_precision"], "said_by": r["designated_by"],
                        "source_url": r["source_url"], "record_ref": r["designation_id"],
                        "source_id": r["source_id"], "source_detail": r["source_detail"]})
    return out


def standing_until(day: dt.date | None, precision: str | None) -> dt.date | None:
    """The until_date of a listing withdrawn on ``day``. Known only to the month or year, the listing counts as
    standing until that period ends: a day inside it is not known to be after the withdrawal."""
    if day is None or precision not in ("month", "year"):
        return day
    if precision == "month":
        return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return day.replace(year=day.year + 1, month=1, day=1)


def load_cooperation(con, ctx):
    """Build step: ref_place_cooperation from the policy, 287(g) and designation registries."""
    g287, unplaced = g287_rows(con)
    rows = policy_rows(con) + g287 + designation_rows(con)
    n = insert_records(con, TABLE, rows, COLUMNS)
    kinds = dict(con.execute(f"SELECT cooperation_kind, count(*) FROM {TABLE} GROUP BY 1 ORDER BY 1").fetchall())
    findings = [Finding("info", "cooperation_timeline", f"{n} dated facts on places' cooperation timelines: "
                        + ", ".join(f"{v} {k}" for k, v in kinds.items()), detail=kinds, count=n)]
    if unplaced:
        findings.append(Finding("info", "g287_agreement_unplaced", f"{len(unplaced)} 287(g) agreement runs of agencies that are neither "
                                "state agencies nor placed in a county (municipal agencies ICE lists without a county) are not on "
                                "any county's timeline", "add the agency's county when a source gives it",
                                detail={"examples": unplaced[:20], "left_out": max(0, len(unplaced) - 20)}, count=len(unplaced)))
    return StepResult({TABLE: n}, findings)
