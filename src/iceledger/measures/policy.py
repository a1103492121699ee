"""The policy_period dimension: whether an event fell before, during or after one jurisdiction's
policy (or a government designation of it) was in effect, counting only that jurisdiction's events.

Values: ``before`` (earlier than effective_from), ``in_effect`` (from effective_from to
effective_to, open-ended when there is no end) and ``after``. A state's events are those whose
state (as ICE writes it) is the state's code or name; a county's are detainers and detention
stints at facilities in that county (facilities registry). A government listing ("designated by
X on date") is a policy row of its own, so the same labels answer "designated or not".
"""

from __future__ import annotations

import ibis

from iceledger.errors import NotFoundError
from iceledger.measures.registry import NotAvailable, registry_table

STATE_COLUMNS = {"arrests": "apprehension_state", "removals": "apprehension_state", "detainers": "facility_state"}
FACILITY_SUBJECTS = ("detainers", "book_ins", "stays")


def find_policy(engine, policy_id: str) -> dict:
    pol = registry_table(engine, "policies")
    rows = engine.rows(pol.filter(pol.policy_id == policy_id))
    if not rows:
        some = [r["policy_id"] for r in engine.rows(pol.select("policy_id").order_by("policy_id").limit(10))]
        raise NotFoundError("unknown_policy", f"no policy {policy_id!r} in the policies registry",
                            fix=f"use a policy id from the registry, e.g. {', '.join(some)}")
    return rows[0]


def _facility_place(engine, t: ibis.Table, column: str):
    if ("_f_county" if column == "county_fips" else "_f_state") in t.columns:
        return t, t["_f_county" if column == "county_fips" else "_f_state"]
    fac = registry_table(engine, "facilities")
    fac = fac.select(_pcode=fac.detention_facility_code, _pplace=fac[column])
    t = t.left_join(fac, t.detention_facility_code == fac._pcode).drop("_pcode")
    return t, t._pplace


def policy_period(engine, t: ibis.Table, subject, policy_id: str, notes: list[str]):
    """(``t`` narrowed to the policy's jurisdiction, the policy_period expression)."""
    p = find_policy(engine, policy_id)
    level = (p["jurisdiction_level"] or "").lower()
    if level == "county":
        if subject.name not in FACILITY_SUBJECTS:
            raise NotAvailable("policy_place_unknown",
                               f"{subject.name} carry no county code, so county policy {policy_id} cannot be applied to them",
                               fix="measure detainers, book_ins or stays (placed by their facility's county), or a state-level policy")
        t, place = _facility_place(engine, t, "county_fips")
        t = t.filter(place == p["county_fips"])
    elif level == "state":
        if subject.name in STATE_COLUMNS:
            col = t[STATE_COLUMNS[subject.name]].strip().upper()
        else:
            t, col = _facility_place(engine, t, "state_code")
            col = col.upper()
        names = [v.upper() for v in (p["state_code"], p["jurisdiction_name"]) if v]
        t = t.filter(col.isin(names))
    else:
        raise NotAvailable("policy_place_unknown",
                           f"policy {policy_id} is at the {level or 'unknown'} level, which ICE's records cannot place events in",
                           fix="use a state- or county-level policy")
    start, end = p["effective_from"], p["effective_to"]
    if start is None:
        raise NotAvailable("policy_undated", f"policy {policy_id} has no effective_from date", fix="date it in the policies registry")
    expr = ibis.cases((t._date.isnull(), ibis.null("string")), (t._date < start, "before"), ((t._date > end) if end is not None else ibis.literal(False), "after"),
                      else_="in_effect")
    notes.append(f"policy_period: {policy_id} ({p['jurisdiction_name']}, {p['policy_kind']}) in effect from {start}"
                 f"{' to ' + str(end) if end else ''} (source {p['source_id']}); only events in that {level} are counted")
    return t, expr
