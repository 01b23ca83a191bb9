"""Matching: a pure function of (request, borrower, products) → ranked, explained offers.

No database here. ``selectors.matchable_products`` supplies the products (a snapshot kept
per catalogue version) and ``services.find_offers`` logs the match. The pipeline is:

1. eligibility — every rule of every product (the purposes it serves among them), each
   failure or unknown kept as a reason (``rules``); a request below a product's minimum
   fails there (it is never raised), one above its maximum is lowered to it; then
   affordability: the largest installment plus declared debt payments within
   ``MAX_DEBT_SERVICE_RATIO`` percent of the monthly income (``rules.Budget``), with the
   longer term or smaller amount that would pass;
2. ranking — eligible first, then those we cannot decide yet, then the rest; within each,
   the true-cost order (APR, then approval speed) or the borrower's chosen sort
   (``ranking``, over the NumPy snapshot). Real-time lender pre-screens narrow step 1 and
   sponsored placements sit beside step 2's list: neither may reorder it;
3. pricing — only the offers on the page shown are priced, by the one pricing engine, for
   exactly the amount and term offered.

Reasons are kept as codes and turned into words only for the offers shown (``explain``).
What goes in and comes out is in ``types``.
"""

from .ranking import Catalogue, match
from .types import (
    ELIGIBLE,
    INELIGIBLE,
    UNDECIDED,
    Borrower,
    LoanRequest,
    MatchResult,
    Offer,
    ProductFacts,
)

__all__ = [
    "ELIGIBLE",
    "INELIGIBLE",
    "UNDECIDED",
    "Borrower",
    "Catalogue",
    "LoanRequest",
    "MatchResult",
    "Offer",
    "ProductFacts",
    "match",
]
