"""Claim results through the gate.

Checks against official figures are public already and pass unchanged. A check against the records
is published only through a short list of safe fields: its value, rows and explanation are withheld
when any count behind it is from 1 to the threshold (a percent change of two small counts is
withheld too), and its quality counts and provenance notes never leave the ledger.
"""

from __future__ import annotations

import json
from decimal import Decimal

from iceledger.claims import check_claims

# What a public records check may say: its verdict and terms, the query and the releases behind it.
SAFE_RECORD_FIELDS = ("kind", "name", "verdict", "decides", "comparison", "expected", "tolerance", "testable_when",
                      "level", "is_synthetic", "label", "query", "releases")


def _counts(check: dict) -> list[float]:
    """Every whole number the records check rests on: its value and the counts in its rows."""
    values = [check.get("value")] + [v for row in check.get("rows") or [] for v in row.values()]
    return [float(v) for v in values if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)
            and float(v).is_integer()]


def withheld_text(threshold: int) -> str:
    return f"withheld: the records check rests on a count from 1 to {threshold} (disclosure policy)"


def gate_records_check(check: dict, threshold: int) -> tuple[dict, bool]:
    """(the public form of a records check, whether anything was withheld)."""
    public = {k: check[k] for k in SAFE_RECORD_FIELDS if k in check}
    small = any(1 <= c <= threshold for c in _counts(check))
    if small:
        public.update(value=None, value_text=withheld_text(threshold), explanation=withheld_text(threshold), rows=None)
    else:
        public.update(value=check.get("value"), explanation=check.get("explanation"), rows=check.get("rows"))
    return public, small


def gate_result(data: dict, threshold: int) -> tuple[dict, bool]:
    """The public form of one claim result (``ClaimResult.to_dict()``), and whether a value was withheld."""
    hidden_deciding = False
    checks = []
    for check in data.get("checks") or []:
        if check.get("kind") == "records":
            public, hidden = gate_records_check(check, threshold)
            hidden_deciding |= hidden and data.get("value_source") == "records"
            checks.append(public)
        else:
            checks.append(check)
    out = {**data, "checks": checks}
    if hidden_deciding:
        out.update(value=None, computed_value=None, value_text=withheld_text(threshold),
                   explanation=f"{data.get('verdict', '').replace('_', ' ').capitalize()} by ICE's records; "
                               f"the value is {withheld_text(threshold)}.")
    return out, hidden_deciding


def gate_claims(engine, threshold: int) -> tuple[list[dict], str | None]:
    """(rows for out_claim_results, a note when there are none to give)."""
    rows = []
    for res in check_claims(engine=engine):
        data, hidden = gate_result(res.to_dict(), threshold)
        rows.append({"claim_id": data.get("claim_id"), "claim_statement": data.get("statement"),
                     "claim_verdict": data.get("verdict"), "computed_value": data.get("computed_value"),
                     "is_suppressed": hidden, "official_value": data.get("official_value"),
                     "is_synthetic": bool(data.get("is_synthetic")),
                     "claim_result_json": json.dumps(data, default=str, sort_keys=True)})
    return rows, None if rows else "no claims were checked"
