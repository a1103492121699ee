"""Claim results through the gate. The claims checker (``iceledger.claims``) is built after the
figures registry lands; until it is importable the public table is empty and the publication
says so. A computed value that is a count from 1 to the threshold is withheld like any cell.
"""

from __future__ import annotations

import json

NOT_AVAILABLE = "claim results are not available: the claims checker is not part of this version of iceledger"


def _gate(value, threshold: int):
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() \
            and 1 <= value <= threshold:
        return None, True
    return value, False


def _gate_records(check: dict, threshold: int) -> bool:
    """Withhold the small counts of a check against the records (official figures are already public)."""
    hidden = False
    value, hid = _gate(check.get("value"), threshold)
    if hid:
        check["value"], check["value_text"], hidden = None, f"fewer than {threshold + 1}", True
    for row in check.get("rows") or []:
        gated = False
        for k, v in list(row.items()):
            row[k], hid = _gate(v, threshold)
            gated |= hid
        if gated:  # a share next to a withheld count would give it back
            for k, v in list(row.items()):
                if isinstance(v, float) and not float(v).is_integer():
                    row[k] = None
        hidden |= gated
    return hidden


def gate_claims(engine, threshold: int) -> tuple[list[dict], str | None]:
    """(rows for out_claim_results, a note when there are none to give)."""
    try:
        from iceledger.claims import check_claims  # type: ignore[attr-defined]
    except ImportError:
        return [], NOT_AVAILABLE
    rows = []
    for res in check_claims(engine=engine):
        data = res.to_dict() if hasattr(res, "to_dict") else dict(res)
        for check in data.get("checks") or []:
            if check.get("kind") == "records":
                _gate_records(check, threshold)
        hidden = False
        if data.get("value_source") == "records":
            for key in ("value", "computed_value"):
                data[key], hid = _gate(data.get(key), threshold)
                hidden |= hid
            if hidden:
                data["value_text"] = f"fewer than {threshold + 1}"
        rows.append({"claim_id": data.get("claim_id"), "claim_statement": data.get("statement"),
                     "claim_verdict": data.get("verdict"), "computed_value": data.get("computed_value"),
                     "is_suppressed": hidden, "official_value": data.get("official_value"),
                     "is_synthetic": bool(data.get("is_synthetic")),
                     "claim_result_json": json.dumps(data, default=str, sort_keys=True)})
    return rows, None if rows else "no claims were checked"
