"""Claim results through the gate. The claims checker (``iceledger.claims``) is built after the
figures registry lands; until it is importable the public table is empty and the publication
says so. A computed value that is a count from 1 to the threshold is withheld like any cell.
"""

from __future__ import annotations

import json

NOT_AVAILABLE = "claim results are not available: the claims checker is not part of this version of iceledger"


def _gate(value, threshold: int):
    if isinstance(value, (int, float)) and float(value).is_integer() and 1 <= value <= threshold:
        return None, True
    return value, False


def gate_claims(engine, threshold: int) -> tuple[list[dict], str | None]:
    """(rows for out_claim_results, a note when there are none to give)."""
    try:
        from iceledger.claims import check_claims  # type: ignore[attr-defined]
    except ImportError:
        return [], NOT_AVAILABLE
    rows = []
    for res in check_claims(engine=engine):
        data = res.to_dict() if hasattr(res, "to_dict") else dict(res)
        value, hidden = _gate(data.get("computed_value"), threshold)
        data["computed_value"] = value
        for row in data.get("rows", []) or []:  # a result's own breakdown passes the same gate
            for k, v in list(row.items()):
                if k in ("n", "count", "value"):
                    row[k], _ = _gate(v, threshold)
        rows.append({"claim_id": data.get("claim_id") or data.get("id"), "claim_statement": data.get("statement"),
                     "claim_verdict": data.get("verdict"), "computed_value": value, "is_suppressed": hidden,
                     "official_value": data.get("official_value"), "is_synthetic": bool(data.get("is_synthetic")),
                     "claim_result_json": json.dumps(data, default=str, sort_keys=True)})
    return rows, None if rows else "no claims were checked"
