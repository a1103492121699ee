"""Claim results pass the gate: small counts from the records are withheld, official figures stay."""

from __future__ import annotations

import sys
import types

from iceledger.publish import claims as gate


class _Result:
    def __init__(self, data):
        self.data = data

    def to_dict(self):
        return self.data


def test_small_record_counts_are_withheld_and_official_figures_kept(monkeypatch):
    results = [
        _Result({"claim_id": "c1", "statement": "7 arrested", "verdict": "supported", "value": 7, "computed_value": 7,
                 "value_source": "records", "official_value": 7, "is_synthetic": True,
                 "checks": [{"kind": "records", "value": 7, "rows": [{"aor_code": "SEA", "n": 4, "share": 0.57},
                                                                     {"aor_code": "NYC", "n": 30, "share": 0.43}]},
                            {"kind": "official", "value": 7, "official": {"value": 7}}]}),
        _Result({"claim_id": "c2", "statement": "498 arrested", "verdict": "supported", "value": 498,
                 "computed_value": 498, "value_source": "records", "official_value": 498, "checks": []}),
    ]
    fake = types.ModuleType("iceledger.claims")
    fake.check_claims = lambda engine=None: results
    monkeypatch.setitem(sys.modules, "iceledger.claims", fake)
    rows, note = gate.gate_claims(None, 10)
    assert note is None
    c1, c2 = rows
    assert c1["computed_value"] is None and c1["is_suppressed"] and c1["official_value"] == 7
    assert '"n": 4' not in c1["claim_result_json"] and '"share": 0.57' not in c1["claim_result_json"]
    assert '"n": 30' in c1["claim_result_json"]
    assert c2["computed_value"] == 498 and not c2["is_suppressed"]


def test_without_the_checker_the_table_is_empty_and_says_why(monkeypatch):
    monkeypatch.setitem(sys.modules, "iceledger.claims", None)  # import fails
    rows, note = gate.gate_claims(None, 10)
    assert rows == [] and "not available" in note
