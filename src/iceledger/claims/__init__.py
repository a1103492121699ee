"""Claims: published statements as data (YAML), checked against ICE's published figures and, when
they are loaded, ICE's own records, with a verdict (supported, contradicted, not testable), the value,
the official figure, the query and the releases behind it. See docs/claims.md.

    from iceledger.claims import check_claims
    for r in check_claims(home="var"):          # the seed claims of 2017
        print(r.claim_id, r.verdict, r.to_dict()["query"])
"""

from iceledger.claims.check import check_claim, check_claims
from iceledger.claims.claim_files import LoadedClaim, load_claim_file, load_claims, seed_paths
from iceledger.claims.model import Claim
from iceledger.claims.result import Check, ClaimResult
from iceledger.claims.vocabulary import COMPARISONS, CONTRADICTED, NOT_TESTABLE, SUPPORTED, VERDICTS, compare

__all__ = ["COMPARISONS", "CONTRADICTED", "Check", "Claim", "ClaimResult", "LoadedClaim", "NOT_TESTABLE", "SUPPORTED",
           "VERDICTS", "check_claim", "check_claims", "compare", "load_claim_file", "load_claims", "seed_paths"]
