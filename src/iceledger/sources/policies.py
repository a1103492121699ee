"""Jurisdictions, their policies on cooperation with ICE, and government designations of them.

data/policies/jurisdictions.csv   → ref_jurisdictions (level, state, AOR code with the reasoning)
data/policies/policies.csv        → ref_policies (what a policy does, from when, as a source describes it)
data/policies/designation-lists.csv, designations.csv → ref_designation_lists, ref_policy_designations

A designation says a government named a jurisdiction ("DOJ listed Cook County on 2025-08-05"); it is
never turned into a fact about the jurisdiction's policy. Where only designations are known, the
policy kind is unknown and `query_policies` says so.
"""

from __future__ import annotations

from iceledger.errors import BuildError, NotFoundError
from iceledger.metadata import code_list
from iceledger.sources.designations.load import load_dhs_list, place_registry_designations
from iceledger.sources.place_check import check_designations
from iceledger.sources.registry_csv import (
    Problem,
    check_refs,
    insert_registry_rows,
    raise_problems,
    read_registry_csv,
    source_of,
)
from iceledger.sources.step import StepResult
from iceledger.validation import Finding

JURISDICTIONS = "policies/jurisdictions.csv"
POLICIES = "policies/policies.csv"
LISTS = "policies/designation-lists.csv"
DESIGNATIONS = "policies/designations.csv"
MATCHED = ("state_code", "county_fips_codes", "matched_level", "match_status", "match_note")  # filled by the build


def load_jurisdictions(con, ctx):
    """Build step: ref_jurisdictions, every AOR code checked against the AOR code list."""
    rows = read_registry_csv(JURISDICTIONS, "ref_jurisdictions")
    known_aors = set(code_list("aor").values) - {"HQ"}
    states = known_ids(con, "ref_states", "state_code")
    if not states:
        raise BuildError("states_missing", "ref_states is empty", fix="run the geography step before jurisdictions")
    raise_problems(JURISDICTIONS, [
        Problem(r.line, "aor_code", f"{r['aor_code']!r} is not an AOR code",
                "use a code of src/iceledger/metadata/codes/aor.csv (leave blank when the place spans several AORs)")
        for r in rows if r["aor_code"] is not None and r["aor_code"] not in known_aors]
        + check_refs(rows, "state_code", states, "state code (ref_states)"))
    n = insert_registry_rows(con, "ref_jurisdictions", rows, source_id=source_of(JURISDICTIONS), rel=JURISDICTIONS)
    split = [r["jurisdiction_id"] for r in rows if r["aor_code"] is None and r["place_level"] != "nation"]
    findings = [Finding("info", "jurisdiction_spans_aors", f"{len(split)} jurisdictions span several AORs and have no single AOR code",
                        "nothing to do; measures for them must add up their AORs or counties", detail={"examples": split},
                        count=len(split))] if split else []
    return StepResult({"ref_jurisdictions": n}, findings)


def known_ids(con, table_name: str, column: str) -> set:
    return {r[0] for r in con.execute(f"SELECT {column} FROM {table_name}").fetchall()}


def load_policies(con, ctx):
    """Build step: ref_policies, ref_designation_lists and ref_policy_designations."""
    jurisdictions = known_ids(con, "ref_jurisdictions", "jurisdiction_id")
    if not jurisdictions:
        raise BuildError("jurisdictions_missing", "ref_jurisdictions is empty", fix="run the jurisdictions step before policies")
    policies = read_registry_csv(POLICIES, "ref_policies")
    raise_problems(POLICIES, check_refs(policies, "jurisdiction_id", jurisdictions, "jurisdiction_id"))
    lists = read_registry_csv(LISTS, "ref_designation_lists")
    entries = read_registry_csv(DESIGNATIONS, "ref_policy_designations", derived=MATCHED)
    raise_problems(DESIGNATIONS, check_refs(entries, "jurisdiction_id", jurisdictions, "jurisdiction_id")
                   + check_refs(entries, "designation_list_id", {r["designation_list_id"] for r in lists}, "designation_list_id"))
    tables = {
        "ref_policies": insert_registry_rows(con, "ref_policies", policies, source_id=source_of(POLICIES), rel=POLICIES),
        "ref_designation_lists": insert_registry_rows(con, "ref_designation_lists", lists, source_id=source_of(LISTS), rel=LISTS),
        "ref_policy_designations": insert_registry_rows(con, "ref_policy_designations", entries,
                                                        source_id=source_of(DESIGNATIONS), rel=DESIGNATIONS),
    }
    findings = check_designations(con)  # the hand-compiled entries' AOR codes, before DHS's rows join them
    place_registry_designations(con)
    findings += load_dhs_list(con)
    tables["ref_policy_designations"] = con.execute("SELECT count(*) FROM ref_policy_designations").fetchall()[0][0]
    return StepResult(tables, findings + report_unknown_policies(con))


def report_unknown_policies(con) -> list[Finding]:
    rows = con.execute("SELECT DISTINCT jurisdiction_id FROM ref_policy_designations WHERE jurisdiction_id NOT IN "
                       "(SELECT jurisdiction_id FROM ref_policies) ORDER BY 1").fetchall()
    ids = [r[0] for r in rows]
    if not ids:
        return []
    return [Finding("info", "policy_known_only_from_designations",
                    f"{len(ids)} designated jurisdictions have no recorded policy: their policy kind is unknown",
                    "add the policy to data/policies/policies.csv with its own source when one is found",
                    detail={"examples": ids[:10], "left_out": max(0, len(ids) - 10)}, count=len(ids))]


def _records(cur) -> list[dict]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def query_policies(con, *, state: str | None = None, level: str | None = None) -> list[dict]:
    """Jurisdictions that have a policy or a designation, each with its policies and designations."""
    where, params = ["(jurisdiction_id IN (SELECT jurisdiction_id FROM ref_policies) OR "
                     "jurisdiction_id IN (SELECT jurisdiction_id FROM ref_policy_designations))"], []
    if state:
        where.append("state_code = ?")
        params.append(state.upper())
    if level:
        where.append("place_level = ?")
        params.append(level)
    out = _records(con.execute(f"SELECT jurisdiction_id, jurisdiction_name, place_level, state_code, aor_code "
                               f"FROM ref_jurisdictions WHERE {' AND '.join(where)} ORDER BY state_code NULLS LAST, "
                               f"place_level, jurisdiction_name", params))
    for j in out:
        jid = j["jurisdiction_id"]
        j["policies"] = _records(con.execute(
            "SELECT policy_id, policy_kind, effective_from_date, effective_from_precision, effective_to_date, policy_instrument, "
            "policy_terms, described_by, source_url FROM ref_policies WHERE jurisdiction_id = ? ORDER BY effective_from_date, policy_id",
            [jid]))
        j["designations"] = _records(con.execute(
            "SELECT d.designation_id, l.designated_by, l.designation_date, l.designation_kind, l.designation_list_title, "
            "d.listed_name, d.listed_level, l.operation_slug, d.source_url FROM ref_policy_designations d "
            "JOIN ref_designation_lists l USING (designation_list_id) WHERE d.jurisdiction_id = ? "
            "ORDER BY l.designation_date, d.designation_id", [jid]))
        j["policy_known"] = bool(j["policies"])
        j["policy_note"] = None if j["policies"] else "policy kind unknown: known only from government designations"
    return out


def query_jurisdiction(con, jurisdiction_id: str) -> dict:
    rows = [j for j in query_policies(con) if j["jurisdiction_id"] == jurisdiction_id]
    if not rows:
        raise NotFoundError("unknown_jurisdiction", f"no jurisdiction {jurisdiction_id!r} with a policy or designation",
                            fix="see `iceledger policies list`")
    return rows[0]
