"""Read the 287(g) registries of a built ledger: agreements, snapshots, and what changed between two snapshots."""

from __future__ import annotations

import re
from typing import Any

from iceledger.errors import NotFoundError

AGREEMENT_COLUMNS = ("agency_state_name", "agency_state_code", "agency_name", "agency_jurisdiction_type", "agency_county_name",
                     "agency_county_fips", "aor_code", "agency_ori", "g287_model_code", "g287_signed_date", "g287_first_seen_date",
                     "g287_last_seen_date", "g287_status", "source_id", "source_detail")


def _dicts(cur) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def list_snapshots(con) -> list[dict[str, Any]]:
    return _dicts(con.execute("""SELECT g287_snapshot_id AS snapshot, g287_snapshot_date AS date, g287_list_status AS list,
        max(g287_listing_count) AS rows, list(source_id ORDER BY source_id) AS sources
        FROM ref_287g_snapshots GROUP BY ALL ORDER BY 1, 3"""))


def resolve_snapshot(con, text: str) -> str:
    """'2025-05-16 am', '2025-05-16am' or a date with a single snapshot -> the snapshot id."""
    known = [r[0] for r in con.execute("SELECT DISTINCT g287_snapshot_id FROM ref_287g_snapshots "
                                       "WHERE g287_list_status = 'participating' ORDER BY 1").fetchall()]
    m = re.fullmatch(r"\s*(\d{4}-\d{2}-\d{2})[\s_]*(am|pm)?\s*", text.lower())
    if m:
        wanted = f"{m[1]} {m[2]}" if m[2] else None
        hits = [k for k in known if k == wanted] if wanted else [k for k in known if k.startswith(m[1])]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise NotFoundError("ambiguous_snapshot", f"{text!r} matches several snapshots: {', '.join(hits)}",
                                fix="add am or pm, e.g. " + repr(hits[0]))
    raise NotFoundError("unknown_snapshot", f"no participating-agency snapshot {text!r}",
                        fix=f"use one of: {', '.join(known)} (see `iceledger g287 snapshots`)")


def list_agreements(con, *, state: str | None = None, model: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    where, params = [], []
    if state:
        where.append("(agency_state_code = upper(?) OR agency_state_name = upper(?))")
        params += [state.strip(), state.strip()]
    if model:
        where.append("g287_model_code = upper(?)")
        params.append(model.strip())
    if status:
        where.append("g287_status = lower(?)")
        params.append(status.strip())
    cond = ("WHERE " + " AND ".join(where)) if where else ""
    return _dicts(con.execute(f"SELECT {', '.join(AGREEMENT_COLUMNS)} FROM ref_287g_agreements {cond} "
                              "ORDER BY agency_state_name, agency_name, g287_model_code", params))


def diff_snapshots(con, a: str, b: str) -> dict[str, Any]:
    """Agencies added and removed between two participating-agency snapshots, and changes of model for agencies in both."""
    sa, sb = resolve_snapshot(con, a), resolve_snapshot(con, b)
    con.execute("""CREATE OR REPLACE TEMP TABLE g287_diff AS
        WITH models AS (
          SELECT g287_snapshot_id AS snap, agency_state_name, agency_key, list(DISTINCT g287_model_code ORDER BY g287_model_code) AS models
          FROM ref_287g_listings WHERE g287_list_status = 'participating' AND g287_model_code IS NOT NULL
            AND g287_snapshot_id IN (?, ?) GROUP BY ALL),
        names AS (SELECT agency_state_name, agency_key, any_value(agency_state_code) AS state_code,
                         arg_max(agency_name, g287_last_seen_date) AS agency_name FROM ref_287g_agreements GROUP BY ALL)
        SELECT coalesce(x.agency_state_name, y.agency_state_name) AS state, n.state_code,
               coalesce(x.agency_key, y.agency_key) AS agency_key, n.agency_name,
               coalesce(x.models, []) AS models_before, coalesce(y.models, []) AS models_after
        FROM (SELECT * FROM models WHERE snap = ?) x FULL JOIN (SELECT * FROM models WHERE snap = ?) y
             USING (agency_state_name, agency_key)
        LEFT JOIN names n ON n.agency_state_name = coalesce(x.agency_state_name, y.agency_state_name)
                         AND n.agency_key = coalesce(x.agency_key, y.agency_key)""", [sa, sb, sa, sb])
    rows = _dicts(con.execute("SELECT * FROM g287_diff ORDER BY state, agency_name, agency_key"))
    added = [r | {"models": r["models_after"]} for r in rows if not r["models_before"]]
    removed = [r | {"models": r["models_before"]} for r in rows if not r["models_after"]]
    changed = [r | {"models_added": sorted(set(r["models_after"]) - set(r["models_before"])),
                    "models_removed": sorted(set(r["models_before"]) - set(r["models_after"]))}
               for r in rows if r["models_before"] and r["models_after"] and r["models_before"] != r["models_after"]]
    trim = lambda r, keys: {k: r[k] for k in keys}  # noqa: E731
    base = ("state", "state_code", "agency_name", "agency_key")
    count = lambda snap: con.execute("""SELECT count(*) FROM (SELECT DISTINCT agency_state_name, agency_key, g287_model_code
        FROM ref_287g_listings WHERE g287_list_status = 'participating' AND g287_model_code IS NOT NULL
        AND g287_snapshot_id = ?)""", [snap]).fetchall()[0][0]  # noqa: E731
    return {"from": sa, "to": sb, "agreements_before": count(sa), "agreements_after": count(sb),
            "agencies_added": [trim(r, base + ("models",)) for r in added],
            "agencies_removed": [trim(r, base + ("models",)) for r in removed],
            "model_changes": [trim(r, base + ("models_before", "models_after", "models_added", "models_removed")) for r in changed]}
