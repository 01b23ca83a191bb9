"""A lender's approved APR, priced by the one engine: the product's own repayment method,
fees and interest-free months at the rate whose APR it is."""

from decimal import Decimal

import pytest

from lenders import pricing
from lenders.pricing import QuotedPrice, RateUnit, RepaymentMethod

D = Decimal


def price(method=RepaymentMethod.EQUAL_INSTALLMENT, **extra) -> QuotedPrice:
    return QuotedPrice(
        rate_value=D("3.6"), rate_unit=RateUnit.ANNUAL, repayment_method=method, **extra
    )


@pytest.mark.parametrize("method", list(RepaymentMethod))
def test_the_price_found_has_exactly_the_approved_apr_for_every_repayment_method(method):
    quoted = price(method, monthly_fee_pct=D("0.1"), upfront_fee_pct=D("1"))

    found = pricing.price_at_apr(quoted, amount=D("20000"), term_months=12, apr=D("9.90"))

    assert pricing.quote(found, amount=D("20000"), term_months=12).apr == D("9.90")
    assert (found.repayment_method, found.rate_unit) == (method, RateUnit.ANNUAL)
    assert (found.monthly_fee_pct, found.upfront_fee_pct) == (D("0.1"), D("1"))


def test_the_products_own_apr_keeps_the_products_own_price():
    quoted = price()
    own = pricing.quote(quoted, amount=D("20000"), term_months=12).apr

    assert pricing.price_at_apr(quoted, amount=D("20000"), term_months=12, apr=own) is quoted


def test_a_lower_apr_lowers_the_rate_and_keeps_the_interest_free_months():
    quoted = price(interest_free_periods=1)

    found = pricing.price_at_apr(quoted, amount=D("20000"), term_months=12, apr=D("2.00"))

    assert found.rate_value < quoted.rate_value
    assert found.interest_free_periods == 1
    assert pricing.quote(found, amount=D("20000"), term_months=12).apr == D("2.00")


def test_an_apr_below_what_the_fees_alone_cost_cannot_be_priced():
    quoted = price(upfront_fee_pct=D("3"))  # 3 % upfront over 3 months is over 20 % a year

    assert pricing.price_at_apr(quoted, amount=D("20000"), term_months=3, apr=D("5.00")) is None


def test_where_cent_rounding_makes_the_apr_unreachable_the_next_one_above_is_shown():
    """A tiny loan's APR moves in steps of a cent of interest: never shown below the cost."""
    quoted = price(RepaymentMethod.BULLET)

    found = pricing.price_at_apr(quoted, amount=D("100"), term_months=1, apr=D("5.00"))

    apr = pricing.quote(found, amount=D("100"), term_months=1).apr
    assert apr >= D("5.00")
    lower = pricing.QuotedPrice(**{**found.__dict__, "rate_value": found.rate_value - D("0.01")})
    assert pricing.quote(lower, amount=D("100"), term_months=1).apr < D("5.00")


def test_a_price_survives_its_trip_through_json():
    quoted = price(RepaymentMethod.FLAT_FEE, monthly_fee_pct=D("0.25"), interest_free_periods=2)

    assert pricing.price_from_dict(pricing.price_as_dict(quoted)) == quoted
