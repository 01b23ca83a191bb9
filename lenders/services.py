"""Every write to lenders and products, so that derived prices and caches stay true."""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import pricing, signing
from .exceptions import AprAboveCap, InvalidProductStatus
from .models import EligibilityRules, Lender, LoanProduct, ProductTermApr
from .selectors import CATALOGUE_VERSION_KEY


def invalidate_catalogue() -> None:
    """Make every cached catalogue and product fragment stale (after the write commits)."""
    transaction.on_commit(
        lambda: cache.set(CATALOGUE_VERSION_KEY, uuid.uuid4().hex, None), robust=True
    )


def term_aprs(product: LoanProduct) -> dict[int, Decimal]:
    """The APR of every allowed term: the highest over the amount range's two ends.

    APR does not depend on the amount except through cent rounding, so the two ends
    bound it; pages rank by these and price each request afresh.
    """
    price = product.quoted_price
    start = timezone.localdate()
    amounts = {product.min_amount, product.max_amount}
    return {
        term: max(
            pricing.build_schedule(price, amount=amount, term_months=term, start=start).apr
            for amount in amounts
        )
        for term in range(product.min_term_months, product.max_term_months + 1)
    }


def _check_cap(product: LoanProduct) -> None:
    cap = settings.PLATFORM_MAX_APR
    if product.apr_max is not None and product.apr_max > cap:
        raise AprAboveCap(product_name=product.name, apr=product.apr_max, cap=cap)


def check_price_within_cap(*, product: LoanProduct) -> None:
    """Raise ``AprAboveCap`` when this (unsaved) price would exceed the cap anywhere."""
    cap = settings.PLATFORM_MAX_APR
    highest = max(term_aprs(product).values())
    if highest > cap:
        raise AprAboveCap(product_name=product.name, apr=highest, cap=cap)


@transaction.atomic
def save_product(*, product: LoanProduct) -> LoanProduct:
    """Create or update a product and reprice its whole range.

    A published product whose new price breaks the platform's APR cap is refused.
    """
    aprs = term_aprs(product)
    product.apr_min, product.apr_max = min(aprs.values()), max(aprs.values())
    if product.status == LoanProduct.Status.PUBLISHED:
        _check_cap(product)
    product.save()
    ProductTermApr.objects.filter(product=product).delete()
    ProductTermApr.objects.bulk_create(
        ProductTermApr(product=product, term_months=term, apr=apr) for term, apr in aprs.items()
    )
    invalidate_catalogue()
    return product


@transaction.atomic
def import_products(*, products: list[LoanProduct], publish: bool) -> list[LoanProduct]:
    """Create many new products at once, each priced; with ``publish``, those under the cap
    are published and the rest are left pending review."""
    rows = []
    now = timezone.now()
    for product in products:
        aprs = term_aprs(product)
        product.apr_min, product.apr_max = min(aprs.values()), max(aprs.values())
        if publish:
            publishable = product.apr_max <= settings.PLATFORM_MAX_APR
            product.status = (
                LoanProduct.Status.PUBLISHED if publishable else LoanProduct.Status.PENDING_REVIEW
            )
            product.published_at = now if publishable else None
        rows.append(aprs)
    LoanProduct.objects.bulk_create(products)
    ProductTermApr.objects.bulk_create(
        ProductTermApr(product=product, term_months=term, apr=apr)
        for product, aprs in zip(products, rows, strict=True)
        for term, apr in aprs.items()
    )
    invalidate_catalogue()
    return products


@transaction.atomic
def publish_product(*, product: LoanProduct) -> LoanProduct:
    """Show a product to borrowers, unless its APR anywhere in its range is above the cap."""
    product = LoanProduct.objects.select_for_update().get(pk=product.pk)
    if product.status == LoanProduct.Status.PUBLISHED:
        return product
    _check_cap(product)
    product.status = LoanProduct.Status.PUBLISHED
    product.published_at = timezone.now()
    product.save(update_fields=["status", "published_at", "updated_at"])
    invalidate_catalogue()
    return product


@transaction.atomic
def pause_product(*, product: LoanProduct) -> LoanProduct:
    """Take a published product off the site; it can be published again later."""
    product = LoanProduct.objects.select_for_update().get(pk=product.pk)
    if product.status == LoanProduct.Status.PAUSED:
        return product
    if product.status != LoanProduct.Status.PUBLISHED:
        raise InvalidProductStatus(
            _("Only a published product can be paused; %(product)s is %(status)s.")
            % {"product": product.name, "status": product.get_status_display()}
        )
    product.status = LoanProduct.Status.PAUSED
    product.save(update_fields=["status", "updated_at"])
    invalidate_catalogue()
    return product


@transaction.atomic
def save_rules(*, rules: EligibilityRules) -> EligibilityRules:
    """Who a product lends to; matching sees the change at once."""
    rules.save()
    invalidate_catalogue()
    return rules


SECRET_OVERLAP = datetime.timedelta(hours=24)


@transaction.atomic
def rotate_webhook_secret(*, lender: Lender) -> str:
    """A new signing secret for the lender, returned once (only its ciphertext is kept).
    The previous one still verifies for 24 hours, so the lender can switch over."""
    lender = Lender.objects.select_for_update().get(pk=lender.pk)
    secret = signing.new_secret()
    lender.previous_webhook_secret = lender.webhook_secret
    lender.webhook_secret = secret
    lender.secret_rotated_at = timezone.now()
    lender.save(update_fields=["webhook_secret", "previous_webhook_secret", "secret_rotated_at"])
    return secret


def verification_secrets(lender: Lender) -> list[str]:
    """The secrets a message from this lender may be signed with, newest first."""
    found = [lender.webhook_secret] if lender.webhook_secret else []
    recent = lender.secret_rotated_at and timezone.now() - lender.secret_rotated_at < SECRET_OVERLAP
    if lender.previous_webhook_secret and recent:
        found.append(lender.previous_webhook_secret)
    return found


@transaction.atomic
def save_lender(*, lender: Lender) -> Lender:
    """Create or update a lender (its status decides whether its products are shown)."""
    lender.save()
    invalidate_catalogue()
    return lender
