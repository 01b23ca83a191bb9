from decimal import Decimal

import factory

from lenders import services
from lenders.models import Lender, LoanProduct


class LenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lender
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test Lender {n}")
    slug = factory.Sequence(lambda n: f"test-lender-{n}")
    kind = Lender.Kind.BANK
    licence_number = factory.Sequence(lambda n: f"B{n:06d}")
    licence_authority = "NFRA Test Office"
    status = Lender.Status.ACTIVE


class LoanProductFactory(factory.django.DjangoModelFactory):
    """A priced product; ``published=True`` (the default) publishes it through the service."""

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

    @classmethod
    def _create(cls, model_class, *args, published=True, **kwargs):
        product = services.save_product(product=model_class(*args, **kwargs))
        if published:
            product = services.publish_product(product=product)
        return product
