"""docs/claims.md cannot drift from the code: every comparison, verdict, claim field and seed claim is in it."""

from __future__ import annotations

from iceledger.claims import COMPARISONS, VERDICTS, load_claims
from iceledger.claims.model import Claim, Measure, OfficialMeasure, RecordsMeasure, Source
from iceledger.claims.result import Check
from iceledger.settings import PROJECT_DIR

DOC = (PROJECT_DIR / "docs" / "claims.md").read_text()


def test_every_comparison_and_verdict_is_documented():
    for word in COMPARISONS:
        assert f"| `{word}` |" in DOC, word
    for v in VERDICTS:
        assert v.replace("_", " ") in DOC, v


def test_every_field_is_documented():
    for model in (Claim, Source, Measure, OfficialMeasure, RecordsMeasure):
        for name in model.model_fields:
            assert f"`{name}`" in DOC, f"{model.__name__}.{name}"
    for name in Check.__dataclass_fields__:
        assert f"`{name}`" in DOC, f"Check.{name}"


def test_every_seed_claim_is_in_the_table():
    for lc in load_claims():
        assert f"`{lc.claim.id}`" in DOC, lc.claim.id


def test_every_json_key_is_documented():
    from iceledger.claims.result import ClaimResult

    c = Check("official", "supported", True, "equals", 4, value=4, official={"value": 4})
    r = ClaimResult("x", "A statement.", {"url": None}, "equals", 4, None, "supported", "why", [c], "f.yaml")
    for key in r.to_dict():
        assert f"`{key}`" in DOC, key
