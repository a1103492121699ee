"""Checking claims: each claim against the published figures (always) and against ICE's records
(when its claim gives a records measure), then one overall verdict (``result.decide``)."""

from __future__ import annotations

from pathlib import Path

from iceledger.claims.claim_files import LoadedClaim, load_claims
from iceledger.claims.official import check_official
from iceledger.claims.records import check_records
from iceledger.claims.result import ClaimResult, decide
from iceledger.measures.count import engine_for


def check_claim(engine, lc: LoadedClaim) -> ClaimResult:
    claim = lc.claim
    checks = check_official(engine, lc)
    records = check_records(engine, lc)
    if records is not None:
        checks.append(records)
    verdict, explanation = decide(checks)
    where = lc.file if not Path(lc.file).is_absolute() else Path(lc.file).name  # results never carry a local path
    return ClaimResult(claim.id, claim.statement, claim.source.model_dump(mode="json"), claim.comparison, claim.expected,
                       claim.tolerance, verdict, explanation, checks, where, claim.notes,
                       {k: v.model_dump() for k, v in claim.translations.items()})


def check_claims(paths: list[str | Path] | None = None, *, engine=None, home=None) -> list[ClaimResult]:
    """Check the claims in ``paths`` (default: the seed claims shipped with iceledger) on ``engine``
    (default: DuckDB on the ledger of ``home``). Every file is read and validated before any check runs."""
    claims = load_claims(paths)
    with engine_for(engine, home) as eng:
        return [check_claim(eng, lc) for lc in claims]
