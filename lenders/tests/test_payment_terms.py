"""Payment labels: "monthly payment" only when the payments are level; otherwise the truth
in as few words, the largest payment always among them (issue 10, item 3)."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from lenders.models import LoanProduct
from lenders.pricing import (
    PaymentShape,
    QuotedPrice,
    RateUnit,
    RepaymentMethod,
    quote,
    summarise_payments,
)
from lenders.templatetags.money import cny, payment_terms, payment_words
from lenders.tests.factories import LenderFactory, LoanProductFactory


def words(method, rate, unit="annual", *, amount="10000", term=12, free=0, upfront="0"):
    price = QuotedPrice(
        rate_value=Decimal(rate),
        rate_unit=RateUnit(unit),
        repayment_method=RepaymentMethod(method),
        upfront_fee_pct=Decimal(upfront),
        interest_free_periods=free,
    )
    with translation.override("en"):
        pay = payment_words(quote(price, amount=Decimal(amount), term_months=term).payment_summary)
    return pay.label, pay.text


def test_equal_installments_are_a_monthly_payment():
    assert words("equal_installment", "7.2") == ("Monthly payment", "¥866.19")


def test_equal_installments_whose_last_differs_by_rounding_are_still_level():
    """¥333,333 over 60 months: 59 payments of ¥6,631.89 and a last of ¥6,632.02."""
    assert words("equal_installment", "7.2", amount="333333", term=60, free=3)[1].endswith(
        "then ¥6,631.89 a month"
    )


def test_equal_principal_says_its_payments_fall():
    assert words("equal_principal", "7.2") == ("Monthly payment", "¥893.33 falling to ¥838.37")


def test_interest_only_names_the_last_payment():
    """The issue's line: ¥166.67 a month on ¥20,000, when the last payment is ¥20,166.67."""
    assert words("interest_only", "10", amount="20000") == (
        "Repayments",
        "¥166.67 a month, then ¥20,166.67 at the end",
    )


def test_a_balloon_car_plan_names_its_balloon():
    """The issue's car plan: ¥208.33 a month on ¥50,000."""
    assert words("interest_only", "5", amount="50000", term=36) == (
        "Repayments",
        "¥208.33 a month, then ¥50,208.33 at the end",
    )


def test_a_bullet_loan_is_one_payment_at_the_end():
    """The issue's "月供 ¥21,100": it is paid once, after 12 months."""
    assert words("bullet", "5.5", amount="20000") == ("Repayments", "¥21,100.00 once at the end")


def test_a_flat_fee_loan_is_a_monthly_payment():
    assert words("flat_fee", "0.6", "monthly") == ("Monthly payment", "¥893.33")


def test_one_interest_free_month_is_a_first_payment_then_the_monthly_one():
    assert words("equal_installment", "7.2", free=1) == (
        "Repayments",
        "first ¥806.19, then ¥866.19 a month",
    )


def test_interest_free_months_of_equal_installments_give_their_range_then_the_level():
    assert words("equal_installment", "7.2", free=3) == (
        "Repayments",
        "¥806.19 to ¥815.89 for the first 3 months, then ¥866.19 a month",
    )


def test_interest_free_months_of_a_flat_fee_loan_are_one_level_then_another():
    assert words("flat_fee", "0.6", "monthly", free=2) == (
        "Repayments",
        "¥833.33 a month for the first 2 months, then ¥893.33 a month",
    )


def test_interest_free_months_of_equal_principal_come_before_the_fall():
    assert words("equal_principal", "7.2", free=2) == (
        "Repayments",
        "¥833.33 a month for the first 2 months, then ¥883.33 falling to ¥838.37",
    )


def test_interest_free_months_of_interest_only_still_name_the_last_payment():
    assert words("interest_only", "10", free=3) == (
        "Repayments",
        "¥0.00 a month for the first 3 months, then ¥83.33 a month, then ¥10,083.33 at the end",
    )


def test_an_upfront_fee_leaves_the_monthly_payment_level():
    assert words("equal_installment", "7.2", upfront="2") == ("Monthly payment", "¥866.19")


def test_a_one_month_loan_is_one_payment_at_the_end():
    assert words("equal_installment", "7.2", amount="1000", term=1) == (
        "Repayments",
        "¥1,006.00 once at the end",
    )


@settings(max_examples=300, deadline=None)
@given(
    method=st.sampled_from(list(RepaymentMethod)),
    rate=st.decimals(min_value=0, max_value=3, places=2),
    monthly_fee=st.sampled_from([Decimal("0"), Decimal("0.1"), Decimal("0.5")]),
    free=st.integers(min_value=0, max_value=12),
    amount=st.decimals(min_value=100, max_value=500000, places=2),
    term=st.integers(min_value=1, max_value=60),
)
def test_the_largest_payment_is_always_in_the_words(method, rate, monthly_fee, free, amount, term):
    price = QuotedPrice(
        rate_value=rate,
        rate_unit=RateUnit.MONTHLY,
        repayment_method=method,
        monthly_fee_pct=monthly_fee,
        interest_free_periods=free,
    )
    summary = quote(price, amount=amount, term_months=term).payment_summary
    with translation.override("en"):
        text = payment_words(summary).text
    rounding = summary.shape == PaymentShape.LEVEL and summary.largest == summary.final
    assert cny(summary.largest) in text or (
        rounding and summary.largest - summary.regular <= Decimal("0.01") * term
    )


def test_a_last_payment_beyond_the_rounding_is_a_balloon():
    payments = [Decimal("100.00")] * 11 + [Decimal("100.13")]

    assert summarise_payments(payments).shape == PaymentShape.BALLOON
    assert summarise_payments([*payments[:-1], Decimal("100.12")]).shape == PaymentShape.LEVEL


CATALOGUE = "/loans/"


@pytest.mark.django_db
def test_the_catalogue_shows_an_interest_only_loans_true_payments(client):
    LoanProductFactory(
        lender=LenderFactory(slug="quay", name="Quay Bank"),
        slug="interest-only",
        rate_value=Decimal("10"),
        rate_unit=LoanProduct.RateUnit.ANNUAL,
        repayment_method=LoanProduct.RepaymentMethod.INTEREST_ONLY,
        max_amount=Decimal("50000"),
    )

    response = client.get(CATALOGUE, {"amount": "20000", "term": "12"}, HTTP_ACCEPT_LANGUAGE="en")

    html = " ".join(response.content.decode().split())
    assert "¥166.67 a month, then ¥20,166.67 at the end" in html
    assert "<dt>Monthly payment</dt><dd>¥166.67</dd>" not in html
    assert "Repayments: ¥83.33 a month, then ¥10,083.33 at the end." in html  # the example


@pytest.mark.django_db
def test_the_catalogue_says_what_a_borrower_receives_after_an_upfront_fee(client):
    LoanProductFactory(slug="upfront", upfront_fee_pct=Decimal("2"), max_amount=Decimal("50000"))

    response = client.get(CATALOGUE, {"amount": "20000", "term": "12"}, HTTP_ACCEPT_LANGUAGE="en")

    html = " ".join(response.content.decode().split())
    assert "For ¥20,000.00 over 12 months; you receive ¥19,600.00 after the upfront fee." in html
    assert "You receive ¥9,800.00." in html  # the representative example's


def test_a_cost_that_knows_only_its_first_payment_is_never_called_monthly():
    class Brief:
        first_payment = Decimal("166.67")

    with translation.override("en"):
        pay = payment_terms(Brief())

    assert (pay.label, pay.text) == ("First payment", "¥166.67")
