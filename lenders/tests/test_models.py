from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from lenders.models import Lender, LoanProduct
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("min_amount", Decimal("60000")),  # above max_amount
        ("min_amount", Decimal("99.99")),  # no loan this small: cent rounding would break
        ("min_term_months", 30),  # above max_term_months
        ("rate_value", Decimal("-0.01")),
        ("monthly_fee_pct", Decimal("-1")),
        ("upfront_fee_pct", Decimal("50.01")),
        ("rate_value", Decimal("100.01")),
        ("monthly_fee_pct", Decimal("100.01")),
        ("interest_free_periods", 24),  # not fewer than the maximum term
        ("category", "payday"),
        ("repayment_method", "balloon"),
        ("rate_unit", "weekly"),
        ("status", "live"),
        ("approval_minutes", 0),
    ],
)
def test_the_database_refuses_a_product_that_breaks_an_invariant(field, value):
    """Constraints hold even for writes that skip forms and services."""
    product = LoanProductFactory(status=LoanProduct.Status.DRAFT)

    with pytest.raises(IntegrityError), transaction.atomic():
        LoanProduct.objects.filter(pk=product.pk).update(**{field: value})


def test_a_product_cannot_be_published_without_its_prices():
    product = LoanProductFactory(status=LoanProduct.Status.DRAFT)

    with pytest.raises(IntegrityError), transaction.atomic():
        LoanProduct.objects.filter(pk=product.pk).update(status="published", apr_max=None)


def test_product_slugs_are_unique_per_lender_only():
    first = LoanProductFactory(slug="quick")
    LoanProductFactory(slug="quick")  # another lender: fine

    with pytest.raises(IntegrityError), transaction.atomic():
        LoanProductFactory(slug="quick", lender=first.lender)


def test_the_database_refuses_an_unknown_lender_kind_or_status():
    lender = LenderFactory()
    for field, value in (("kind", "pawnshop"), ("status", "maybe")):
        with pytest.raises(IntegrityError), transaction.atomic():
            Lender.objects.filter(pk=lender.pk).update(**{field: value})
