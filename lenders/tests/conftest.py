from decimal import Decimal

import pytest

from lenders.models import Lender, LoanProduct
from lenders.tests.factories import LenderFactory, LoanProductFactory


@pytest.fixture
def flat_fee_product():
    """DESIGN.md's first worked example: 0.6 % a month on the original amount."""
    return LoanProductFactory(
        lender=LenderFactory(slug="pearl", name="Pearl Microcredit", kind=Lender.Kind.MICROLOAN),
        slug="flat",
        name="Flat Plan",
        category=LoanProduct.Category.INSTALLMENT,
        rate_value=Decimal("0.6"),
        rate_unit=LoanProduct.RateUnit.MONTHLY,
        repayment_method=LoanProduct.RepaymentMethod.FLAT_FEE,
        min_amount=Decimal("1000"),
        max_amount=Decimal("50000"),
        min_term_months=3,
        max_term_months=24,
        approval_minutes=10,
    )


@pytest.fixture
def daily_rate_product():
    """0.03 % a day on equal installments (APR 10.95 %)."""
    return LoanProductFactory(
        lender=LenderFactory(slug="jade", name="Jade Bank", kind=Lender.Kind.BANK),
        slug="daily",
        name="Daily Loan",
        min_amount=Decimal("500"),
        max_amount=Decimal("200000"),
        min_term_months=1,
        max_term_months=36,
        approval_minutes=240,
    )
