"""Ranking over the NumPy snapshot: every product judged at once, one page priced.

Products share few distinct rule sets, so each set is judged once per match
(``rules.judge_rules``); fitting the request to every product's range and the borrower's
means, checking its largest installment against the borrower's budget (from each term's
installment per yuan in the snapshot), and ordering, run on arrays. Money is held in
integer cents and APR in hundredths of a percent, so every comparison is exact; a payment is
an amount in cents times a binary float, rounded up, the same sum as ``rules.payment_cents``.
"""

import datetime
from collections.abc import Mapping, Sequence
from decimal import ROUND_CEILING, Decimal

import numpy as np
from django.conf import settings

from lenders import pricing

from .rules import Verdict, budget_of, build_offer, judge_rules, to_cents
from .types import ELIGIBLE, INELIGIBLE, UNDECIDED, Borrower, LoanRequest, MatchResult, ProductFacts


class Catalogue:
    """Products as arrays, so that one match judges thousands at once (NumPy).

    Built once per catalogue version (``selectors.matchable_products``); money is held
    in integer cents and APR in hundredths of a percent, so every comparison is exact.
    """

    def __init__(self, products: Sequence[ProductFacts]) -> None:
        self.products = list(products)
        groups: dict[int, int] = {}  # rule_id → group number
        self.representatives: list[int] = []  # a product of each group, judged for all
        for index, product in enumerate(self.products):
            if product.rule_id not in groups:
                groups[product.rule_id] = len(groups)
                self.representatives.append(index)
        self.group_of = np.array([groups[p.rule_id] for p in self.products], dtype=np.int64)
        self.min_cents = np.array([to_cents(p.min_amount) for p in self.products], dtype=np.int64)
        self.max_cents = np.array([to_cents(p.max_amount) for p in self.products], dtype=np.int64)
        self.min_term = np.array([p.min_term for p in self.products], dtype=np.int64)
        self.max_term = np.array([p.max_term for p in self.products], dtype=np.int64)
        self.approval = np.array([p.approval_minutes for p in self.products], dtype=np.int64)
        self.ids = np.array([p.id for p in self.products], dtype=np.int64)
        lengths = [len(p.term_aprs) for p in self.products]
        self.apr_offset = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        self.aprs = np.array(
            [int(apr * 100) for p in self.products for apr in p.term_aprs], dtype=np.int64
        )
        # Largest installment per yuan at each term (same offsets): an amount in cents times
        # it, rounded up, is the amount's largest installment in cents (``rules.payment_cents``).
        self.payments = np.array(
            [float(f) for p in self.products for f in p.term_payments], dtype=np.float64
        )

    def __len__(self) -> int:
        return len(self.products)


def match(
    request: LoanRequest,
    borrower: Borrower,
    products: "Catalogue | Sequence[ProductFacts]",
    *,
    sort: str = "apr",
    offset: int = 0,
    limit: int = 20,
    max_debt_service_ratio: Decimal | None = None,
    closed: Mapping[int, datetime.date] | None = None,
) -> MatchResult:
    """Every product judged for this borrower; the ranked page ``[offset, offset+limit)``
    is priced for exactly the amount and term each offer can give.

    Products share few distinct rule sets, so each set is judged once per match (in
    Python, ``judge_rules``); fitting the request to every product's own range and the
    borrower's means, and ranking, run on arrays. Offers, with their reasons in words,
    are built for the page alone (``build_offer``, by the same rules; a test holds them equal).

    An offer is affordable when its largest installment and the borrower's declared debt
    payments stay within ``max_debt_service_ratio`` percent of their monthly income
    (``settings.MAX_DEBT_SERVICE_RATIO`` unless given; ``rules.Budget`` says how bands count).

    ``closed`` maps the products at their lead cap to the day they take applications again:
    they rank as unavailable, with that reason (given per match, so a cap being reached never
    rebuilds the snapshot).
    """
    catalogue = products if isinstance(products, Catalogue) else Catalogue(products)
    items = catalogue.products
    if not items:
        return MatchResult(offers=[], eligible=0, undecided=0, ineligible=0)
    ratio = max_debt_service_ratio
    budget = budget_of(borrower, ratio=settings.MAX_DEBT_SERVICE_RATIO if ratio is None else ratio)
    verdicts = [judge_rules(request, borrower, items[i]) for i in catalogue.representatives]
    group_status = np.array([v.status for v in verdicts], dtype=np.int64)

    g = catalogue.group_of
    status = group_status[g]
    asked = to_cents(request.amount)
    amount = np.clip(asked, catalogue.min_cents, catalogue.max_cents)
    failed = asked < catalogue.min_cents  # never raised to a product's minimum
    unsure = np.zeros(len(items), dtype=bool)
    for position in range(max(len(v.means) for v in verdicts)):
        present, exact, low, high = (a[g] for a in _means_arrays(verdicts, position))
        exact &= present
        fails_exact = exact & (low < catalogue.min_cents)
        amount = np.where(exact & ~fails_exact & (low < amount), low, amount)
        banded = present & ~exact
        fails_band = banded & (high <= catalogue.min_cents)
        unsure |= banded & ~fails_band & (low < amount)
        failed |= fails_exact | fails_band

    term = np.clip(request.term_months, catalogue.min_term, catalogue.max_term)
    at_term = catalogue.apr_offset + term - catalogue.min_term
    if budget.cents is None:
        unsure[:] = True  # no income: asked for
    else:
        payment = np.ceil(amount.astype(np.float64) * catalogue.payments[at_term])
        over = payment > budget.cents
        if budget.certain:
            failed |= over
        else:
            unsure |= over
    if closed:
        failed |= np.isin(catalogue.ids, np.fromiter(closed, dtype=np.int64))
    status = np.where(
        failed, INELIGIBLE, np.where(unsure & (status == ELIGIBLE), UNDECIDED, status)
    )
    counts = np.bincount(status, minlength=3)

    apr = catalogue.aprs[at_term]
    by = {
        "speed": (catalogue.ids, apr, catalogue.approval, status),
        "amount": (catalogue.ids, apr, -amount, status),
    }.get(sort, (catalogue.ids, catalogue.approval, apr, status))
    order = np.lexsort(by)[offset : offset + limit]
    page = [build_offer(request, items[i], verdicts[g[i]], budget) for i in order.tolist()]
    for offer in page:
        if closed and offer.product.id in closed:
            offer.failures.append(("at_cap", {"until": closed[offer.product.id]}))
            offer.status = INELIGIBLE
            offer.suggestions = []
        if offer.status != INELIGIBLE:
            offer.quote = pricing.quote(
                offer.product.price, amount=offer.amount, term_months=offer.term_months
            )
    return MatchResult(
        offers=page,
        eligible=int(counts[ELIGIBLE]),
        undecided=int(counts[UNDECIDED]),
        ineligible=int(counts[INELIGIBLE]),
    )


def _means_arrays(verdicts: list[Verdict], position: int) -> tuple[np.ndarray, ...]:
    """Per rule group, its ``position``-th means limit (in cents): whether there is one,
    whether it is exact, the limit from the lowest income or revenue, and the highest
    (unbounded: the largest int) above which a band's borrower could not reach."""
    unbounded = np.iinfo(np.int64).max
    rows = []
    for verdict in verdicts:
        if position < len(verdict.means):
            _code, _multiple, limit, top, is_exact = verdict.means[position]
            rows.append(
                (True, is_exact, to_cents(limit), unbounded if top is None else _ceil_cents(top))
            )
        else:
            rows.append((False, False, 0, unbounded))
    present, exact, low, high = zip(*rows, strict=True)
    return (
        np.array(present, dtype=bool),
        np.array(exact, dtype=bool),
        np.array(low, dtype=np.int64),
        np.array(high, dtype=np.int64),
    )


def _ceil_cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value(rounding=ROUND_CEILING))
