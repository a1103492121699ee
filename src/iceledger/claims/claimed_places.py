"""A claimed list of places against an operation's places in the registry, at two levels:

- place: the same place as the agency's table names (city, county or state, read by the place
  resolver; "Portland, Oregon" is not "Seattle");
- aor: the same ICE area of responsibility (both Portland and Seattle are in SEA).

Each level is one check. The first level the claim lists decides; the others are shown beside it.
"""

from __future__ import annotations

from iceledger.claims.claim_files import LoadedClaim
from iceledger.claims.registry_sql import fetch, places_query
from iceledger.claims.result import LEVELS, Check
from iceledger.claims.vocabulary import CONTRADICTED, SUPPORTED, compare_sets
from iceledger.sources.geography.normalize import key
from iceledger.sources.geography.resolver import Resolution, resolve_place


def describe(res: Resolution) -> str:
    if not res.candidates:
        return f"{res.text} (not placed by the place resolver)"
    places = "; ".join(f"{p.kind} {p.name}{', ' + p.state_code if p.state_code and p.kind != 'state' else ''}"
                       for p in res.candidates)
    return f"{res.text} ({places}; AOR {', '.join(res.aor_codes) or '?'})"


def _same_place(a: Resolution, b: Resolution) -> bool:
    if key(a.text) == key(b.text):
        return True
    return bool({(p.kind, p.name, p.state_code) for p in a.candidates} & {(p.kind, p.name, p.state_code) for p in b.candidates})


def check_places(engine, lc: LoadedClaim, op: dict, shown: dict, op_sql: str) -> list[Check]:
    claim = lc.claim
    sql = places_query(op["operation_slug"])
    rows = fetch(engine, sql)
    on = op["operation_end_date"] or op["operation_start_date"]
    listed = [resolve_place(r["place_text"], on=on) for r in rows]
    claimed = [resolve_place(name, on=on) for name in claim.expected]
    aors = [r["aor_code"] for r in rows]
    query = (f"{op_sql};\n\n{sql};\n\n-- names read with iceledger.sources.geography.resolver.resolve_place"
             f"(text, on={on.isoformat() if on else None})")

    def same_aor(c: Resolution, j: int) -> bool:
        return (aors[j] in c.aor_codes) if aors[j] else bool(set(c.aor_codes) & set(listed[j].aor_codes))

    checks = []
    for n, level in enumerate(claim.levels):
        if level == "place":
            out = compare_sets(claimed, list(range(len(rows))), lambda c, j: _same_place(c, listed[j]))
            value = [r["place_text"] for r in rows]
        else:
            out = compare_sets(claimed, list(range(len(rows))), same_aor)
            value = sorted({a for a in aors if a})
        detail = {
            "matched": [{"claimed": claim.expected[i], "listed": rows[j]["place_text"], "aor_code": aors[j]} for i, j in out.pairs],
            "claimed_only": [describe(claimed[i]) for i in out.claimed_only],
            "listed_only": [f"{rows[j]['place_text']} (AOR {aors[j] or '?'})" for j in out.listed_only],
        }
        what = "places" if level == "place" else "areas of responsibility"
        if out.holds:
            text = (f"all {len(rows)} claimed names match the {len(rows)} places of {op['operation_name']} in the registry "
                    f"at the {LEVELS[level]} level" + (f" ({', '.join(value)})" if level == "aor" else ""))
        else:
            text = f"{len(out.pairs)} of the {len(rows)} {what} match"
            if detail["claimed_only"]:
                text += f"; the claim names {', '.join(detail['claimed_only'])}, which the agency's table does not"
            if detail["listed_only"]:
                text += f"; the agency's table names {', '.join(detail['listed_only'])}, which the claim does not"
        checks.append(Check("official", SUPPORTED if out.holds else CONTRADICTED, n == 0, claim.comparison, claim.expected,
                            value=value, explanation=text + ".", level=level, official={**shown, "value": value, "places": rows},
                            query=query, detail=detail))
    return checks
