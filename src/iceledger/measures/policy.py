"""The policy_period dimension: whether an event fell before, during or after one jurisdiction's
policy, or before or since a government listed the jurisdiction, counting only that jurisdiction's
events.

``--policy`` names a policy (ref_policies.policy_id) or a designation (ref_policy_designations.
designation_id). Values: ``before`` (earlier than the start), ``in_effect`` (from the start to the
end, open-ended when there is none; for a designation, from the listing's date on) and ``after``.
Policies and designations stay separate: a listing is never read as a fact about the local policy.

Places: a state's events are those whose state (as ICE writes it) is the state's code or name; a
county's are arrests and removals whose county resolved to it (county_fips), and detainers and
detention stints at facilities in that county (facilities registry); a nation-level entry takes
every event. Cities and loosely named areas cannot be placed in ICE's
records and are refused with that reason.
"""

from __future__ import annotations

import ibis

from iceledger.errors import NotFoundError
from iceledger.measures.ref_tables import NotAvailable, registry_table

STATE_COLUMNS = {"arrests": "apprehension_state", "removals": "apprehension_state", "removals_by_departure": "apprehension_state",
                 "detainers": "facility_state"}
COUNTY_SUBJECTS = ("arrests", "removals", "removals_by_departure")  # placed in a county by their own county_fips


def _one(engine, key: str, column: str, value: str) -> dict | None:
    t = registry_table(engine, key, required=False)
    if t is None:
        return None
    rows = engine.rows(t.filter(t[column] == value))
    return rows[0] if rows else None


def find_policy(engine, policy_id: str) -> dict:
    """The policy or designation ``policy_id`` with its jurisdiction, start, end and source."""
    if registry_table(engine, "policies", required=False) is None and registry_table(engine, "designations", required=False) is None:
        registry_table(engine, "policies")  # raises: not available in this ledger
    p = _one(engine, "policies", "policy_id", policy_id)
    if p is not None:
        found = {"kind": p["policy_kind"], "start": p["effective_from"], "end": p["effective_to"], "source_id": p["source_id"]}
    else:
        d = _one(engine, "designations", "designation_id", policy_id)
        if d is None:
            raise NotFoundError("unknown_policy", f"no policy or designation {policy_id!r} in the registries",
                                fix="use a policy_id from `iceledger policies list` or a designation id from the same registry")
        lst = _one(engine, "designation_lists", "designation_list_id", d["designation_list_id"]) or {}
        found = {"kind": f"designated by {lst.get('designated_by')} ({lst.get('designation_kind')})",
                 "start": lst.get("designation_date"), "end": None, "source_id": d["source_id"]}
        p = d
    j = _one(engine, "jurisdictions", "jurisdiction_id", p["jurisdiction_id"])
    if j is None:
        raise NotAvailable("policy_place_unknown", f"{policy_id}: jurisdiction {p['jurisdiction_id']!r} is not in the jurisdictions registry",
                           fix="add it to the jurisdictions registry")
    return {"id": policy_id, "jurisdiction": j, **found}


def _facility_place(engine, t: ibis.Table, column: str):
    name = "_f_county" if column == "county_fips" else "_f_state"
    if name in t.columns:
        return t, t[name]
    fac = registry_table(engine, "facilities")
    fac = fac.select(_pcode=fac.detention_facility_code, _pplace=fac[column])
    t = t.left_join(fac, t.detention_facility_code == fac._pcode).drop("_pcode")
    return t, t._pplace


def _county_fips(engine, j: dict) -> str:
    state = _one(engine, "states", "state_code", j["state_code"])
    counties = registry_table(engine, "counties")
    rows = [] if state is None else engine.rows(counties.filter(
        (counties.state_fips == state["state_fips"]) & (counties.county_full_name.upper() == j["jurisdiction_name"].upper())))
    if len(rows) != 1:
        raise NotAvailable("policy_place_unknown", f"county {j['jurisdiction_name']!r} ({j['state_code']}) is "
                                                   f"{'ambiguous' if rows else 'not found'} in the counties registry",
                           fix="check the jurisdiction's name and state against ref_counties")
    return rows[0]["county_fips"]


def policy_period(engine, t: ibis.Table, subject, policy_id: str, notes: list[str]):
    """(``t`` narrowed to the policy's jurisdiction, the policy_period expression)."""
    p = find_policy(engine, policy_id)
    j = p["jurisdiction"]
    level = (j["place_level"] or "").lower()
    if level == "county":
        fips = _county_fips(engine, j)
        if subject.name in COUNTY_SUBJECTS:
            place = t.county_fips
        else:
            t, place = _facility_place(engine, t, "county_fips")
        t = t.filter(place == fips)
    elif level == "state":
        state = _one(engine, "states", "state_code", j["state_code"]) or {}
        names = sorted({v.upper() for v in (j["state_code"], state.get("state_name"), j["jurisdiction_name"]) if v})
        if subject.name in STATE_COLUMNS:
            col = t[STATE_COLUMNS[subject.name]].strip().upper()
        else:
            t, col = _facility_place(engine, t, "state_code")
            col = col.upper()
        t = t.filter(col.isin(names))
    elif level != "nation":
        raise NotAvailable("policy_place_unknown",
                           f"{policy_id} applies to {j['jurisdiction_name']} (a {level or 'place of unknown level'}), which ICE's "
                           "records cannot place events in", fix="use a state-, county- or nation-level policy or designation")
    start, end = p["start"], p["end"]
    if start is None:
        raise NotAvailable("policy_undated", f"{policy_id} has no start date", fix="date it in the registry")
    expr = ibis.cases((t._date.isnull(), ibis.null("string")), (t._date < start, "before"),
                      ((t._date > end) if end is not None else ibis.literal(False), "after"), else_="in_effect")
    notes.append(f"policy_period: {policy_id} ({j['jurisdiction_name']}, {p['kind']}) in effect from {start}"
                 f"{' to ' + str(end) if end else ''} (source {p['source_id']}); only events in that {level} are counted")
    return t, expr
