"""Exact prices for a product and a request, from the one pricing engine."""

import datetime
from decimal import Decimal

from . import pricing
from .models import LoanProduct

REPRESENTATIVE_AMOUNT = Decimal("10000")
REPRESENTATIVE_TERM = 12


def representative_request(product: LoanProduct) -> tuple[Decimal, int]:
    """The same example for every product (¥10,000 over 12 months), clamped to its range,
    so that rows compare like with like."""
    amount = min(max(REPRESENTATIVE_AMOUNT, product.min_amount), product.max_amount)
    term = min(max(REPRESENTATIVE_TERM, product.min_term_months), product.max_term_months)
    return amount, term


def quote(
    product: LoanProduct, *, amount: Decimal, term_months: int, start: datetime.date
) -> pricing.Schedule:
    return pricing.build_schedule(
        product.quoted_price, amount=amount, term_months=term_months, start=start
    )


def representative_quote(product: LoanProduct, *, start: datetime.date) -> pricing.Schedule:
    amount, term = representative_request(product)
    return quote(product, amount=amount, term_months=term, start=start)
