from decimal import Decimal

import factory

from lenders import services
from lenders.models import Lender, LoanProduct, StatusEvent

PLATFORM = StatusEvent.Actor.PLATFORM
L = Lender.Status
# How a new lender reaches each status, one transition at a time.
LENDER_PATHS = {
    L.APPLIED: [],
    L.UNDER_REVIEW: [L.UNDER_REVIEW],
    L.ACTIVE: [L.UNDER_REVIEW, L.ACTIVE],
    L.SUSPENDED: [L.UNDER_REVIEW, L.ACTIVE, L.SUSPENDED],
    L.OFFBOARDED: [L.OFFBOARDED],
}


class LenderFactory(factory.django.DjangoModelFactory):
    """A lender, ``active`` by default, brought to its ``status`` through the services."""

    class Meta:
        model = Lender
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test Lender {n}")
    slug = factory.Sequence(lambda n: f"test-lender-{n}")
    kind = Lender.Kind.BANK
    licence_number = factory.Sequence(lambda n: f"B{n:06d}")
    licence_authority = "NFRA Test Office"
    status = L.ACTIVE

    @classmethod
    def _create(cls, model_class, *args, status, **kwargs):
        lender = services.save_lender(lender=model_class(*args, **kwargs))
        for to in LENDER_PATHS[status]:
            lender = services.transition_lender(
                lender=lender, to=to, actor=PLATFORM, reason="Set up by a test factory."
            )
        return lender


P = LoanProduct.Status
PRODUCT_PATHS = {
    P.DRAFT: [],
    P.PENDING_REVIEW: [P.PENDING_REVIEW],
    P.PUBLISHED: [P.PENDING_REVIEW, P.PUBLISHED],
    P.PAUSED: [P.PENDING_REVIEW, P.PUBLISHED, P.PAUSED],
}


class LoanProductFactory(factory.django.DjangoModelFactory):
    """A priced product, ``published`` by default, brought to its ``status`` through review
    by the services."""

    class Meta:
        model = LoanProduct
        skip_postgeneration_save = True

    lender = factory.SubFactory(LenderFactory)
    name = factory.Sequence(lambda n: f"Test Loan {n}")
    slug = factory.Sequence(lambda n: f"test-loan-{n}")
    category = LoanProduct.Category.CASH
    min_amount = Decimal("1000.00")
    max_amount = Decimal("50000.00")
    min_term_months = 3
    max_term_months = 24
    rate_value = Decimal("0.0300")
    rate_unit = LoanProduct.RateUnit.DAILY
    repayment_method = LoanProduct.RepaymentMethod.EQUAL_INSTALLMENT
    upfront_fee_pct = Decimal("0")
    monthly_fee_pct = Decimal("0")
    interest_free_periods = 0
    approval_minutes = 30
    status = P.PUBLISHED

    @classmethod
    def _create(cls, model_class, *args, status, **kwargs):
        product = services.save_product(product=model_class(*args, **kwargs))
        for to in PRODUCT_PATHS[status]:
            product = services.transition_product(product=product, to=to, actor=PLATFORM)
        return product
