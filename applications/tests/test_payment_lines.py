"""Match results and the review page word payments truly: a monthly payment only when
level, and what the borrower receives after an upfront fee (issue 10, item 3)."""

from decimal import Decimal

import pytest

from devtools.testing.fixtures import submit
from lenders.models import LoanProduct
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db

MATCH = {
    "amount": "20000",
    "term": "12",
    "purpose": "consumption",
    "age_band": "35-44",
    "city": "lhasa",
    "occupation": "salaried",
    "income_band": "20000+",
}


def flat(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_bullet_match_is_one_payment_at_the_end_not_a_monthly_one(client):
    """The issue's "月供 ¥21,100": ¥20,000 at 5.5 % a year, repaid once after 12 months."""
    LoanProductFactory(
        lender=LenderFactory(slug="bullet-bank"),
        slug="bullet",
        rate_value=Decimal("5.5"),
        rate_unit=LoanProduct.RateUnit.ANNUAL,
        repayment_method=LoanProduct.RepaymentMethod.BULLET,
    )

    html = flat(client.get("/match/", MATCH, HTTP_ACCEPT_LANGUAGE="en"))

    assert "<dt>Repayments</dt><dd>¥21,100.00 once at the end</dd>" in html
    assert "Monthly payment" not in html


def test_a_match_with_an_upfront_fee_says_what_the_borrower_receives(client):
    LoanProductFactory(
        lender=LenderFactory(slug="fee-bank"), slug="fee", upfront_fee_pct=Decimal("1")
    )

    html = flat(client.get("/match/", MATCH, HTTP_ACCEPT_LANGUAGE="en"))

    assert "you receive ¥19,800.00 after the upfront fee" in html


def test_the_review_page_words_an_interest_only_loans_payments_and_what_is_received(
    borrower_client, full_profile
):
    LoanProductFactory(
        lender=LenderFactory(name="Quay Bank", slug="quay"),
        slug="interest-only",
        rate_value=Decimal("10"),
        rate_unit=LoanProduct.RateUnit.ANNUAL,
        repayment_method=LoanProduct.RepaymentMethod.INTEREST_ONLY,
        upfront_fee_pct=Decimal("1"),
        max_amount=Decimal("50000"),
    )

    response = borrower_client.get(
        "/applications/apply/quay/interest-only/",
        {"amount": "20000", "term": "12", "purpose": "consumption"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = flat(response)
    assert response.status_code == 200
    assert "<dt>Repayments</dt><dd>¥166.67 a month, then ¥20,166.67 at the end</dd>" in html
    assert "<dt>You receive</dt><dd>¥19,800.00 (an upfront fee of ¥200.00 is deducted)</dd>" in html
    assert "Monthly payment" not in html


def test_the_dashboard_words_an_applications_payments_as_the_review_did(
    borrower_client, borrower, full_profile, django_capture_on_commit_callbacks
):
    product = LoanProductFactory(
        lender=LenderFactory(slug="quay-list"),
        slug="interest-only",
        rate_value=Decimal("10"),
        rate_unit=LoanProduct.RateUnit.ANNUAL,
        repayment_method=LoanProduct.RepaymentMethod.INTEREST_ONLY,
    )
    submit(borrower, product, amount="2000")

    html = flat(borrower_client.get("/applications/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "<dt>Repayments</dt><dd>¥16.67 a month, then ¥2,016.67 at the end</dd>" in html


def test_the_dashboard_keeps_the_payments_applied_for_when_the_lender_reprices(
    borrower_client, borrower, full_profile
):
    """The application keeps the price it was applied at: a later change to the product
    changes neither its figures nor the words of its payments."""
    product = LoanProductFactory(
        lender=LenderFactory(slug="quay-keep"),
        slug="interest-only",
        rate_value=Decimal("10"),
        rate_unit=LoanProduct.RateUnit.ANNUAL,
        repayment_method=LoanProduct.RepaymentMethod.INTEREST_ONLY,
    )
    submit(borrower, product, amount="2000")
    LoanProduct.objects.filter(pk=product.pk).update(
        repayment_method=LoanProduct.RepaymentMethod.EQUAL_INSTALLMENT, rate_value=Decimal("12")
    )

    html = flat(borrower_client.get("/applications/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "<dt>Repayments</dt><dd>¥16.67 a month, then ¥2,016.67 at the end</dd>" in html
