from decimal import Decimal

import pytest
from django.core.cache import cache

from lenders import services
from lenders.exceptions import AprAboveCap, InvalidProductStatus
from lenders.models import LoanProduct, ProductTermApr
from lenders.selectors import CATALOGUE_VERSION_KEY, catalogue_version
from lenders.tests.factories import LoanProductFactory

pytestmark = pytest.mark.django_db


def test_saving_a_product_prices_every_allowed_term():
    """Given a 3–24 month product, when saved, each term gets its APR and the range is stored."""
    product = LoanProductFactory(min_term_months=3, max_term_months=24, published=False)

    terms = dict(product.term_aprs.values_list("term_months", "apr"))
    assert sorted(terms) == list(range(3, 25))
    assert product.apr_min == min(terms.values())
    assert product.apr_max == max(terms.values())
    # 0.03 % a day on equal installments: 10.95 % whatever the term (to the cent).
    assert product.apr_min >= Decimal("10.90")
    assert product.apr_max <= Decimal("11.00")


def test_repricing_replaces_the_term_aprs_of_a_narrowed_range():
    """Narrowing the term range drops the APRs of terms no longer offered."""
    product = LoanProductFactory(min_term_months=3, max_term_months=24, published=False)
    product.max_term_months = 6
    services.save_product(product=product)

    assert set(
        ProductTermApr.objects.filter(product=product).values_list("term_months", flat=True)
    ) == {
        3,
        4,
        5,
        6,
    }


def test_publishing_a_product_shows_it_and_records_when():
    product = LoanProductFactory(published=False)

    services.publish_product(product=product)

    product.refresh_from_db()
    assert product.status == LoanProduct.Status.PUBLISHED
    assert product.published_at is not None


def test_publishing_refuses_a_product_above_the_apr_cap(settings):
    """A flat fee of 1.5 % a month (APR above 30 %) is never published under a 24 % cap."""
    settings.PLATFORM_MAX_APR = Decimal("24")
    product = LoanProductFactory(
        rate_value=Decimal("1.5"),
        rate_unit=LoanProduct.RateUnit.MONTHLY,
        repayment_method=LoanProduct.RepaymentMethod.FLAT_FEE,
        published=False,
    )

    with pytest.raises(AprAboveCap) as refused:
        services.publish_product(product=product)

    product.refresh_from_db()
    assert product.status == LoanProduct.Status.DRAFT
    assert "24" in refused.value.message


def test_the_cap_applies_to_the_highest_apr_anywhere_in_the_range(settings):
    """An upfront fee makes short terms dearest: the cap is checked against them too."""
    settings.PLATFORM_MAX_APR = Decimal("24")
    product = LoanProductFactory(
        upfront_fee_pct=Decimal("3"), min_term_months=1, max_term_months=36, published=False
    )
    assert product.apr_min < Decimal("24") < product.apr_max

    with pytest.raises(AprAboveCap):
        services.publish_product(product=product)


def test_a_published_product_cannot_be_repriced_above_the_cap(settings):
    settings.PLATFORM_MAX_APR = Decimal("24")
    product = LoanProductFactory()
    product.rate_value = Decimal("0.2")

    with pytest.raises(AprAboveCap):
        services.save_product(product=product)

    product.refresh_from_db()
    assert product.rate_value == Decimal("0.0300")


def test_pausing_takes_a_published_product_off_the_site():
    product = LoanProductFactory()

    services.pause_product(product=product)

    product.refresh_from_db()
    assert product.status == LoanProduct.Status.PAUSED


def test_only_a_published_product_can_be_paused():
    product = LoanProductFactory(published=False)

    with pytest.raises(InvalidProductStatus):
        services.pause_product(product=product)


def test_every_write_changes_the_catalogue_version_after_commit(
    django_capture_on_commit_callbacks,
):
    """Cached pages are keyed by the version, so a change is visible at once."""
    before = catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        LoanProductFactory()
    assert cache.get(CATALOGUE_VERSION_KEY) != before
