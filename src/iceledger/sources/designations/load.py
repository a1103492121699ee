"""Designation entries beyond the hand-compiled CSV: DHS's 2025 list read from its PDF, and every
entry's place (state, counties, level) with how it was matched.

Part of the `policies` build step (sources/policies.py), after the hand-compiled designations are in
ref_policy_designations. Hand-compiled entries take their place from their jurisdiction; DHS entries
are matched by match.py, and the build reports every entry that did not match exactly one place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from iceledger.sources.bundled import bundled_path
from iceledger.sources.designations.dhs_pdf import read_entries
from iceledger.sources.designations.match import match_entry
from iceledger.sources.geography.bundled_geo import geography
from iceledger.sources.geography.resolver import resolve_place
from iceledger.sources.rows import insert_records
from iceledger.validation import Finding
from iceledger.validation.report import examples

DHS_LIST = "dhs-2025-05-29-sanctuary-list"
DHS_PDF = "policies/dhs/dhs-sanctuary-jurisdictions-2025-05-29.pdf"
DHS_SOURCE = "dhs-2025-05-29-sanctuary-list"
COLUMNS = ("designation_id", "designation_list_id", "jurisdiction_id", "listed_name", "listed_level", "source_url",
           "designation_notes", "state_code", "county_fips_codes", "matched_level", "match_status", "match_note",
           "source_id", "source_detail")
REPORTED = ("repaired", "heading_differs", "ambiguous", "unmatched")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def load_dhs_list(con) -> list[Finding]:
    """Read DHS's list from its PDF into ref_policy_designations, one row per entry, matched to places."""
    url, listed_on = con.execute("SELECT source_url, designation_date FROM ref_designation_lists WHERE designation_list_id = ?",
                                 [DHS_LIST]).fetchall()[0]
    states = {s.name: s for s in geography().states.values()}
    entries = read_entries(bundled_path(DHS_PDF), f"data/{DHS_PDF}", set(states))
    rows: list = []
    repeated: list = []
    seen: dict = {}
    for e in entries:
        k = (e.state_name, e.heading, e.text)
        if k in seen:  # the page break prints an entry twice
            repeated.append({"entry": e.text, "state": e.state_name, "first": seen[k], "again": e.where})
            continue
        seen[k] = e.where
        st = states[e.state_name]
        m = match_entry(DHS_LIST, st.code, e.state_name, e.heading, e.text, listed_on)
        ground = m.status == "ground"
        rows.append({"designation_id": f"{DHS_LIST}:{st.code.lower()}-{e.heading}-{slug(e.state_name if ground else e.text)}",
                     "designation_list_id": DHS_LIST, "listed_name": e.state_name if ground else e.text,
                     "listed_level": e.heading, "source_url": url,
                     "designation_notes": f"ground for listing, as printed: {e.text!r}" if ground else None,
                     "state_code": st.code, "county_fips_codes": list(m.county_fips) or None, "matched_level": m.level,
                     "match_status": m.status, "match_note": m.note or None, "source_id": DHS_SOURCE, "source_detail": e.where})
    insert_records(con, "ref_policy_designations", rows, COLUMNS)
    return match_report(rows, repeated)


def match_report(rows: list[dict], repeated: list[dict]) -> list[Finding]:
    counts = Counter(r["match_status"] for r in rows)
    levels = Counter(r["listed_level"] for r in rows if r["match_status"] != "ground")
    out = [Finding("info", "dhs_list_matched",
                   f"DHS list of 2025-05-29: {len(rows)} entries ({counts['ground']} state entries, {levels['county']} under county "
                   f"headings, {levels['city']} under city headings): " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())),
                   detail={"by_status": dict(counts)}, count=len(rows))]
    for status in REPORTED:
        hit = [r for r in rows if r["match_status"] == status]
        if hit:
            severity = "info" if status == "repaired" else "warning"
            out.append(Finding(severity, f"dhs_entry_{status}", f"DHS list: {len(hit)} entries {status.replace('_', ' ')}",
                               "add a listed rule to src/iceledger/sources/designations/fixes.csv (with the evidence) "
                               "or the city to data/geo/places.csv" if status != "repaired" else "",
                               detail=examples([{"entry": r["listed_name"], "state": r["state_code"], "heading": r["listed_level"],
                                                 "note": r["match_note"], "where": r["source_detail"]} for r in hit], limit=25),
                               count=len(hit)))
    if repeated:
        out.append(Finding("info", "dhs_entry_repeated", f"DHS list: {len(repeated)} entries printed twice (a page break); kept once",
                           detail=examples(repeated), count=len(repeated)))
    return out


def place_registry_designations(con) -> None:
    """Hand-compiled entries take their state and counties from their jurisdiction, through the place resolver."""
    rows = con.execute("""SELECT d.designation_id, j.jurisdiction_name, j.place_level, j.state_code, l.designation_date
        FROM ref_policy_designations d JOIN ref_jurisdictions j USING (jurisdiction_id)
        JOIN ref_designation_lists l USING (designation_list_id) WHERE d.match_status IS NULL""").fetchall()
    for did, name, level, state, day in rows:
        fips = jurisdiction_counties(name, level, state, day)
        con.execute("""UPDATE ref_policy_designations SET state_code = ?, county_fips_codes = ?, matched_level = ?,
            match_status = 'registry' WHERE designation_id = ?""", [state, fips or None, level, did])


def jurisdiction_counties(name: str, level: str, state: str | None, day: dt.date | None) -> list[str]:
    """Counties of a jurisdiction of ref_jurisdictions: none for a state or the nation (they bind by state), the
    resolver's single candidate of the jurisdiction's level otherwise."""
    if level in ("nation", "state") or not state:
        return []
    candidates = resolve_place(f"{name}, {state}", on=day).candidates
    kept = candidates if level == "area" else [p for p in candidates if p.kind == level]
    return sorted(kept[0].county_fips) if len(kept) == 1 else []
